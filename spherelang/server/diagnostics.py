"""The checker's diagnostics as the protocol's, and which file shows which.

Every diagnostic carries its ``code``, ``source: "sphere"``, its severity
(information for ``info``), its range, its related locations and a
``codeDescription.href``: the code's page for a built-in code, the ``rule``
block that declares a model's own code (a file URI with ``#L<line>``), the
function of a Python rule, or else the index of the codes' pages.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping

from lsprotocol import types

from ..checks import DOCS_URL, help_uri
from ..diagnostics import Diagnostic, Severity, Span
from ..model import Model
from ..rulelang.plugins import registered_rules
from .documents import Snapshot, TextSource

SOURCE = "sphere"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}

#: A diagnostic of the checker and its form in the protocol, in one file.
Pair = tuple[Diagnostic, types.Diagnostic]


def code_links(model: Model | None, snapshot: Snapshot) -> dict[str, str]:
    """Where the codes that are not built in are declared: each ``rule``
    block of the model, then each installed Python rule."""
    links: dict[str, str] = {}
    for rule in model.rules if model is not None else ():
        links.setdefault(rule.code, f"{snapshot.uri(rule.span.file)}#L{rule.span.line}")
    for plugin in registered_rules():
        try:
            source = inspect.getsourcefile(plugin.function)
            line = plugin.function.__code__.co_firstlineno
        except (TypeError, AttributeError):
            continue
        if source:
            links.setdefault(plugin.code, f"{snapshot.uri(source)}#L{line}")
    return links


def href(code: str, links: Mapping[str, str]) -> str:
    return help_uri(code) or links.get(code) or DOCS_URL


def convert(diagnostics: Iterable[Diagnostic], source: TextSource,
            links: Mapping[str, str]) -> dict[str, list[Pair]]:
    """Each diagnostic in the protocol's form, by the path of its file."""
    out: dict[str, list[Pair]] = {}
    for d in diagnostics:
        out.setdefault(d.span.file, []).append((d, protocol_diagnostic(d, source, links)))
    return out


def protocol_diagnostic(d: Diagnostic, source: TextSource, links: Mapping[str, str]) -> types.Diagnostic:
    message = d.message if not d.hint else f"{d.message}\n{d.hint}"
    related = [types.DiagnosticRelatedInformation(location(r.span, source), "see also") for r in d.related]
    return types.Diagnostic(
        range=span_range(d.span, source), message=message, severity=_SEVERITY[d.severity], code=d.code,
        code_description=types.CodeDescription(href=href(d.code, links)), source=SOURCE,
        related_information=related or None,
    )


def span_range(span: Span, source: TextSource) -> types.Range:
    lines = source.lines(span.file)
    if lines is None:  # a file that cannot be read: where the checker says, as if the text were ASCII
        start = types.Position(max(span.line - 1, 0), max(span.column - 1, 0))
        end = types.Position(max(span.end_line - 1, 0), max(span.end_column - 1, 0))
        return types.Range(start, max(start, end, key=lambda p: (p.line, p.character)))
    return lines.range(span)


def location(span: Span, source: TextSource) -> types.Location:
    return types.Location(source.snapshot.uri(span.file), span_range(span, source))


class Publisher:
    """Which diagnostics each file shows, over every open document's model.

    An open document shows what its own model (it is the entry) reports, as
    ``sphere check`` on it would; a file that is not open shows what the
    models of the open documents that include it report about it, each
    violation once (as ``sphere check`` on those entries together would).
    """

    def __init__(self) -> None:
        #: entry path -> the diagnostics of its model, by file path
        self.results: dict[str, Mapping[str, list[types.Diagnostic]]] = {}
        self.shown: dict[str, list[types.Diagnostic]] = {}

    def update(self, entry: str, per_file: Mapping[str, list[types.Diagnostic]]) -> None:
        self.results[entry] = per_file

    def forget(self, entry: str) -> None:
        self.results.pop(entry, None)

    def wanted(self) -> dict[str, list[types.Diagnostic]]:
        """What each file should show now (files with nothing to show are left out)."""
        wanted: dict[str, list[types.Diagnostic]] = {}
        seen: set[tuple[object, ...]] = set()
        for entry, per_file in self.results.items():
            for path, found in per_file.items():
                if path in self.results and path != entry:
                    continue  # an open document shows its own model's view
                merged = wanted.setdefault(path, [])
                for d in found:
                    key = (path, d.code, d.range.start.line, d.range.start.character, d.range.end.line,
                           d.range.end.character, d.message)
                    if key not in seen:
                        seen.add(key)
                        merged.append(d)
        return {path: found for path, found in wanted.items() if found}

    def changes(self, always: Iterable[str] = ()) -> list[tuple[str, list[types.Diagnostic]]]:
        """The files whose diagnostics changed (cleared ones included), and
        those in ``always``; remembers what was shown."""
        wanted = self.wanted()
        forced = set(always)
        out = []
        for path in sorted(set(wanted) | set(self.shown) | forced):
            now = wanted.get(path, [])
            if path in forced or now != self.shown.get(path, []):
                out.append((path, now))
            if now:
                self.shown[path] = now
            else:
                self.shown.pop(path, None)
        return out

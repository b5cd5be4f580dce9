"""Code actions: suppress a code on its line or with ``allow`` in its sphere,
remove a suppression that suppresses nothing (SUP001), apply the
did-you-mean of REF001 and REF003, and add the ``requires`` entry that
BAL001 or BAL003 misses where only one fits.

Every edit is computed on the text the diagnostics were found in; the
server offers actions only while the document is still at that version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs
from lsprotocol import types

from ..diagnostics import Diagnostic, Span
from ..model import Model
from ..syntax import ast
from .locate import Index, contains
from .positions import Lines

_MEAN = re.compile(r"did you mean '([^']+)'\?")
_QUOTED = re.compile(r"'([^']*)'")
_SUPPRESSION = re.compile(r"//\s*sphere:\s*ignore(?:\[([^\]]*)\])?\s*(//.*)?$")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"?|//')
#: What an ``allow`` the server writes gives as its reason, for the user to replace.
REASON = "why this is acceptable"
_UNSUPPRESSIBLE = frozenset({"SPH001", "SPH005", "SUP001"})


@attrs.frozen
class Fix:
    """One action: its title, the diagnostic it answers and its edits to the document."""

    title: str
    diagnostic: Diagnostic
    edits: tuple[types.TextEdit, ...]
    preferred: bool = False


class Fixer:
    """The actions for the diagnostics of one document (its text, tree and model as checked)."""

    def __init__(self, entry: str, lines: Lines, index: Index | None, model: Model | None) -> None:
        self.entry = entry
        self.lines = lines
        self.index = index
        self.model = model

    def fixes(self, d: Diagnostic) -> Iterator[Fix]:
        if d.code == "SUP001":
            yield from self._unused(d)
        elif d.code in ("REF001", "REF003"):
            yield from self._did_you_mean(d)
        elif d.code in ("BAL001", "BAL003"):
            yield from self._requires(d)
        if d.code not in _UNSUPPRESSIBLE:
            yield from self._suppress(d)

    # ------------------------------------------------------------ text helpers

    def _edit(self, line: int, start: int, end: int, new: str, end_line: int | None = None) -> types.TextEdit:
        """Replace ``start``..``end`` (indices into the editor's lines, from 0)."""
        last = line if end_line is None else end_line
        return types.TextEdit(types.Range(self.lines.at(line, start), self.lines.at(last, end)), new)

    def _replace(self, span: Span, new: str) -> types.TextEdit:
        return types.TextEdit(self.lines.range(span), new)

    def _comment_at(self, index: int) -> int | None:
        """Where the comment of line ``index`` starts (strings skipped), if it has one."""
        text = self.lines.line(index)
        for m in _STRING_OR_COMMENT.finditer(text):
            if m.group() == "//":
                return m.start()
        return None

    # ------------------------------------------------------------ suppressions

    def _suppress(self, d: Diagnostic) -> Iterator[Fix]:
        if d.span.file != self.entry:
            return
        edit = self._ignore_on_line(d.span.line - 1, d.code)
        if edit is not None:
            yield Fix(f"Suppress {d.code} on this line", d, (edit,))
        if d.sphere is not None and self.model is not None:
            edit = self._allow(d.sphere, d.code)
            if edit is not None:
                yield Fix(f"Allow {d.code} in sphere '{d.sphere}'", d, (edit,))

    def _ignore_on_line(self, index: int, code: str) -> types.TextEdit | None:
        text = self.lines.line(index)
        at = self._comment_at(index)
        if at is not None:
            found = _SUPPRESSION.match(text, at)
            if found is not None:
                if found.group(1) is None:  # ignores every code already
                    return None
                close = found.end(1)
                sep = ", " if found.group(1).strip() else ""
                return self._edit(index, close, close, f"{sep}{code}")
            return self._edit(index, at, at, f"// sphere: ignore[{code}]  ")
        end = len(text.rstrip())
        return self._edit(index, end, len(text), f"  // sphere: ignore[{code}]")

    def _allow(self, path: str, code: str) -> types.TextEdit | None:
        assert self.model is not None
        sphere = self.model.find(path)
        if sphere is None or sphere.span.file != self.entry:
            return None
        index = sphere.span.end_line - 1
        text = self.lines.line(index)
        brace = text.find("{", self.lines.index(sphere.span.end_line, sphere.span.end_column))
        if brace < 0:
            return None
        rest = text[brace + 1:]
        statement = f'allow {code} "{REASON}"'
        if not rest.strip() or rest.strip().startswith("//"):
            indent = text[: len(text) - len(text.lstrip())] + "  "
            return self._edit(index, len(text), len(text), f"\n{indent}{statement}")
        return self._edit(index, brace + 1, brace + 1, f" {statement};")

    def _unused(self, d: Diagnostic) -> Iterator[Fix]:
        if d.span.file != self.entry:
            return
        index = d.span.line - 1
        text = self.lines.line(index)
        at = self.lines.index(d.span.line, d.span.column)
        found = _SUPPRESSION.match(text, at)
        if found is None:
            return
        idle = {c.upper() for c in _QUOTED.findall(d.message.split(" on this line")[0])}
        codes = [c.strip() for c in (found.group(1) or "").split(",") if c.strip()]
        keep = [c for c in codes if c.upper() not in idle]
        if keep and idle:
            edit = self._edit(index, found.start(1), found.end(1), ", ".join(keep))
        elif found.group(2):  # a note after the suppression stays
            edit = self._edit(index, at, len(text), found.group(2))
        elif not text[:at].strip():
            edit = self._edit(index, 0, 0, "", end_line=index + 1) if index + 1 < len(self.lines) else \
                self._edit(index, 0, len(text), "")
        else:
            edit = self._edit(index, len(text[:at].rstrip()), len(text), "")
        yield Fix("Remove the unused suppression", d, (edit,), preferred=True)

    # ------------------------------------------------------------ did you mean

    def _did_you_mean(self, d: Diagnostic) -> Iterator[Fix]:
        mean = _MEAN.search(d.message)
        if mean is None or d.span.file != self.entry or self.index is None:
            return
        suggestion = mean.group(1)
        span = self._misspelt(d)
        if span is not None:
            yield Fix(f"Replace with '{suggestion}'", d, (self._replace(span, suggestion),), preferred=True)

    def _misspelt(self, d: Diagnostic) -> Span | None:
        """The name or path the did-you-mean replaces."""
        node = statement_at(self.index, d.span) if self.index is not None else None
        message = d.message
        if isinstance(node, ast.SphereDecl):
            if d.code == "REF003":
                return node.layer.span
            return node.within.span if node.within is not None else None
        if isinstance(node, (ast.ScenarioIn, ast.ScenarioRemove)):
            return node.path.span
        if isinstance(node, ast.ResponsibilityDecl) and message.startswith("unknown name"):
            name = _QUOTED.search(message)
            req = next((r for r in node.requires if name and r.name.text == name.group(1)), None)
            return req.name.span if req is not None else None
        if isinstance(node, (ast.PowerDecl, ast.ResourceDecl)) and node.source is not None:
            if message.startswith("unknown sphere"):
                return node.source.sphere.span
            return node.source.member.span
        return None

    # ------------------------------------------------------------ missing requires

    def _requires(self, d: Diagnostic) -> Iterator[Fix]:
        if self.model is None or self.index is None or d.sphere is None or d.subject is None:
            return
        sphere = self.model.find(d.sphere)
        if sphere is None:
            return
        if d.code == "BAL001":
            duties, name = list(sphere.responsibilities), d.subject
            what = f"power '{name}'"
        else:
            duties = [r for r in sphere.responsibilities if r.name == d.subject]
            resources = [r for r in sphere.resources if r.amount is not None]
            if len(resources) != 1:
                return
            name, what = resources[0].name, f"resource '{resources[0].name}'"
        if len(duties) != 1 or duties[0].span.file != self.entry:
            return
        decl = statement_at(self.index, duties[0].span)
        if isinstance(decl, ast.ResponsibilityDecl):
            yield Fix(f"Add {what} to the requires of '{decl.name.text}'", d, (self._add_requirement(decl, name),),
                      preferred=True)

    def _add_requirement(self, decl: ast.ResponsibilityDecl, name: str) -> types.TextEdit:
        if decl.requires:
            end = decl.requires[-1].span
            return self._edit(end.end_line - 1, self.lines.index(end.end_line, end.end_column),
                              self.lines.index(end.end_line, end.end_column), f", {name}")
        span = decl.span
        at = self.lines.index(span.end_line, span.end_column)
        if decl.shared:  # `requires` comes before `shared`, the statement's last word
            at -= len("shared")
            return self._edit(span.end_line - 1, at, at, f"requires {name} ")
        return self._edit(span.end_line - 1, at, at, f" requires {name}")


def statement_at(index: Index, span: Span) -> object | None:
    """The sphere header, member statement or scenario change reported at ``span``."""
    tree = index.tree
    at = index.enclosing(span.end_line, span.end_column)
    while at is not None:
        decl = tree.spheres[at]
        if decl.span == span:
            return decl
        for member in decl.members:
            if member.span == span:
                return member
        at = decl.parent
    for scenario in tree.scenarios:
        for change in scenario.changes:
            if change.span == span or contains(change.span, span.line, span.column):
                return change
    return None

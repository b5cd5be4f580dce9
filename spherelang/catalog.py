"""Every code a user can meet: built-in, from installed rule packs, and from
the `rule` blocks of given models; for `sphere rules` and `sphere explain`."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .checks import CODES, CodeInfo
from .diagnostics import Severity
from .report.paths import display_path
from .rulelang.plugins import registered_rules
from .syntax.source import decode


def all_codes(entries: Iterable[str] = ()) -> dict[str, CodeInfo]:
    codes: dict[str, CodeInfo] = dict(CODES)
    for info in _plugin_codes():
        codes.setdefault(info.code, info)
    for entry in entries:
        for info in _file_codes(entry):
            codes.setdefault(info.code, info)
    return codes


def _plugin_codes() -> list[CodeInfo]:
    return [CodeInfo(r.code, r.code.lower(), Severity.parse(str(r.severity)) if isinstance(r.severity, str)
                     else r.severity, r.summary, "plugin", r.doc or r.summary, None, origin=r.origin)
            for r in registered_rules()]


def _file_codes(entry: str) -> list[CodeInfo]:
    from .pipeline import open_model  # the parser is needed only for a model's own codes: keep 'explain' quick

    model = open_model(entry)
    out = []
    for rule in model.rules:
        where = f"{display_path(rule.span.file)}:{rule.span.line}"
        doc = f"{rule.summary}\n\nA `rule` block declared at {where}:\n\n{_block(rule.span.file, rule.span.line)}"
        out.append(attrs.evolve(_blank(rule.code), summary=rule.summary, doc=doc.rstrip(),
                                severity=rule.severity or Severity.ERROR, origin=f"file {display_path(rule.span.file)}"))
    return out


def _block(path: str, line: int) -> str:
    """The source of the block starting at ``line`` (until its braces balance)."""
    try:
        with open(path, "rb") as fh:
            lines = decode(fh.read()).split("\n")
    except Exception:  # noqa: BLE001 - documentation only; the check reports real problems
        return ""
    depth, taken = 0, []
    for text in lines[line - 1 : line + 199]:
        taken.append("    " + text)
        depth += text.count("{") - text.count("}")
        if depth <= 0 and "{" in "".join(taken):
            break
    return "\n".join(taken)


def _blank(code: str) -> CodeInfo:
    return CodeInfo(code, code.lower(), Severity.ERROR, "", "user", "", None, origin="file")


def user_rule_info(rule: tuple[str, str, Severity]) -> CodeInfo:
    """A `rule` block's code as a catalogue entry (for SARIF and `sphere rules`)."""
    code, summary, severity = rule
    return CodeInfo(code, code.lower(), severity, summary, "user", summary, None, origin="file")

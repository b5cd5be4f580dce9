"""``--format github``: one GitHub Actions workflow command per violation, so
findings show as annotations on the pull request."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Severity
from ..pipeline import Report
from .paths import display_path, in_display_order
from .safe import printable

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    # newlines become %0A (an annotation may span lines); other control characters are escaped
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    s = d.span
    props = (f"file={_property(display_path(s.file))},line={s.line},col={s.column},"
             f"endLine={s.end_line},endColumn={s.end_column},title={_property(d.code)}")
    message = d.message + (f" (hint: {d.hint})" if d.hint else "")
    return f"::{COMMAND[d.severity]} {props}::{_data(message)}"


def render(report: Report) -> str:
    return "".join(annotation(d) + "\n" for d in in_display_order(report.violations))

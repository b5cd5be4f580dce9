"""Spans, severities and diagnostics: the currency every stage trades in."""

from __future__ import annotations

import enum
from typing import NamedTuple

import attrs


class Severity(enum.IntEnum):
    """How bad a diagnostic is; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    def __eq__(self, other: object) -> bool:
        # ``v.severity == "error"``: the JSON's word works in Python too
        if isinstance(other, str):
            return self.label == other.strip().lower()
        return int.__eq__(self, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = int.__hash__

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


class Span(NamedTuple):
    """A region of a source file; lines and columns count from 1 in code points.

    ``end_column`` is one past the last character, as in the JSON output.
    A named tuple rather than an attrs class: there is one per token of every
    model, and tuples are the cheapest immutable, ordered, hashable record.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


@attrs.frozen(slots=True)
class Diagnostic:
    """One finding, fully stamped: what, how bad, where, about which sphere."""

    code: str
    severity: Severity
    message: str
    span: Span
    sphere: str | None = None
    hint: str | None = None
    related: tuple[Span, ...] = ()
    #: The member (power, resource, ...) the diagnostic is about, if any; with
    #: ``code`` and ``sphere`` it identifies a violation across scenarios.
    subject: str | None = None

    # The fields of the contract's JSON violation, for API users (LANGUAGE.md §7).
    @property
    def file(self) -> str:
        return self.span.file

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def end_line(self) -> int:
        return self.span.end_line

    @property
    def end_column(self) -> int:
        return self.span.end_column

    def as_dict(self) -> dict[str, object]:
        """The violation as ``sphere check --format json`` prints it (the file as given)."""
        return {"code": self.code, "severity": self.severity.label, "message": self.message,
                "file": self.span.file, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "sphere": self.sphere, "hint": self.hint}

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span
        return (s.file, s.line, s.column, self.code, self.message)

    @property
    def identity(self) -> tuple[str, str | None, str | None]:
        """Same before and after a scenario when code, sphere and subject match."""
        return (self.code, self.sphere, self.subject)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return attrs.evolve(self, severity=severity)


@attrs.frozen(slots=True)
class Finding:
    """A diagnostic before the driver stamps it with code defaults and severity.

    Checks and the resolver yield findings; only the driver (``checks.run``)
    turns them into :class:`Diagnostic`, so no check can get a severity wrong.
    """

    code: str
    message: str
    span: Span
    sphere: str | None = None
    hint: str | None = None
    related: tuple[Span, ...] = ()
    subject: str | None = None

    def stamp(self, severity: Severity) -> Diagnostic:
        return Diagnostic(self.code, severity, self.message, self.span, self.sphere, self.hint,
                          self.related, self.subject)

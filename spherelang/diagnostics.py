"""Spans, severities and diagnostics: the currency every stage trades in."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple

import attrs


class Severity(enum.Enum):
    """How bad a diagnostic is; ordered so that ``max()`` gives the worst.

    A severity equals its word (``severity == "error"``, ``"error" in
    {Severity.ERROR}``) and hashes like it, so the JSON's words work in Python
    too; it is never equal to a number.
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def label(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    def __str__(self) -> str:
        return self.label

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Severity):
            return self is other
        if isinstance(other, str):
            return self.value == other.strip().lower()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: object) -> bool:
        return self.rank < Severity.coerce(other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= Severity.coerce(other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > Severity.coerce(other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= Severity.coerce(other).rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except (ValueError, AttributeError):
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None

    @classmethod
    def coerce(cls, value: object) -> Severity:
        """A severity, or its word; anything else is a TypeError."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        raise TypeError(f"cannot compare a severity with {type(value).__name__}")


_RANK = {"info": 1, "warning": 2, "error": 3}


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


class Related(NamedTuple):
    """A second place a diagnostic points at, and what it shows there
    (``allocated here``, ``first declared here``): rustc's secondary label,
    SARIF's related location.

    It reads like the :class:`Span` it wraps (``related.line``), so code
    written when related locations were bare spans keeps working.
    """

    span: Span
    note: str = ""

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


def related_locations(items: Iterable[Related | Span]) -> tuple[Related, ...]:
    """Related locations from labelled ones or bare spans (a bare span gets no note)."""
    if not items:
        return ()
    return tuple(item if isinstance(item, Related) else Related(item) for item in items)


def related_dict(related: Related, file: str) -> dict[str, object]:
    """A related location as the JSON output gives it (``file`` as it is to be shown)."""
    s = related.span
    return {"file": file, "line": s.line, "column": s.column, "end_line": s.end_line,
            "end_column": s.end_column, "message": related.note}


#: Who produced a diagnostic: a check of spherelang itself (the loader and the
#: parser included); a model's own ``rule`` is ``"rule:" + the file declaring
#: it``, an installed Python rule ``"plugin:" + module:function``. A code names
#: what a finding is, the origin which rule found it: a model's rule may reuse
#: a built-in code, and SARIF must not describe its results as the built-in's.
BUILTIN = "built-in"


def rule_origin(path: str) -> str:
    return f"rule:{path}"


def plugin_origin(name: str) -> str:
    return f"plugin:{name}"


@attrs.frozen(slots=True)
class Diagnostic:
    """One finding, fully stamped: what, how bad, where, about which sphere."""

    code: str
    severity: Severity
    message: str
    span: Span
    sphere: str | None = None
    hint: str | None = None
    related: tuple[Related, ...] = attrs.field(default=(), converter=related_locations)
    #: The member (power, resource, ...) the diagnostic is about, if any; with
    #: ``code`` and ``sphere`` it identifies a violation across scenarios.
    subject: str | None = None
    #: Which rule found it (:data:`BUILTIN`, a model's rule, a plugin).
    origin: str = BUILTIN

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
                "end_column": self.end_column, "sphere": self.sphere, "hint": self.hint,
                "related": [related_dict(r, r.file) for r in self.related]}

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span
        return (s.file, s.line, s.column, self.code, self.message)

    @property
    def identity(self) -> tuple[str, str | None, str | None]:
        """Same before and after a scenario when code, sphere and subject match."""
        return (self.code, self.sphere, self.subject)



@attrs.frozen(slots=True)
class Finding:
    """A diagnostic before it has a severity.

    Every stage (the parser, the loader, the checks, the rule engine) yields
    findings; only the pipeline's stamp (:mod:`spherelang.pipeline.stamp`)
    turns them into :class:`Diagnostic`, with the code's default severity from
    the one code table and then the configuration's override, so no stage can
    get a severity wrong.
    """

    code: str
    message: str
    span: Span
    sphere: str | None = None
    hint: str | None = None
    related: tuple[Related, ...] = attrs.field(default=(), converter=related_locations)
    subject: str | None = None

    def stamp(self, severity: Severity, origin: str = BUILTIN) -> Diagnostic:
        return Diagnostic(self.code, severity, self.message, self.span, self.sphere, self.hint,
                          self.related, self.subject, origin)

"""The registry behind the one code table (``spherelang.checks.CODES``).

A check is a function ``(model, ctx) -> Iterable[Finding]`` decorated with
:func:`code`; its docstring is the user documentation printed by
``sphere explain``. It yields findings without a severity: the pipeline
stamps each with the code's default from this table, then the
configuration's override.

Some codes are found where there is no model yet (the parser and the loader)
or while user rules run; they are registered with :func:`found_by`, whose
decorated function holds only the documentation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from ..config import DEFAULT_CORRIDOR_TOLERANCE, DEFAULT_ELASTICITY_THRESHOLD
from ..diagnostics import Finding, Severity

if TYPE_CHECKING:
    from ..model import Model


@attrs.frozen(slots=True)
class Context:
    """Thresholds a check may read (LANGUAGE.md §4 and §5)."""

    corridor_tolerance: float = DEFAULT_CORRIDOR_TOLERANCE
    elasticity_threshold: float = DEFAULT_ELASTICITY_THRESHOLD
    epsilon: float = 1e-9


CheckFn = Callable[["Model", Context], Iterable[Finding]]
DocFn = Callable[[], None]


@attrs.frozen(slots=True)
class CodeInfo:
    """One diagnostic code: its name, default severity, summary and documentation.

    ``check`` is the function that finds it over a resolved model; ``None``
    for a code found by another stage (``found_by`` says which).
    """

    code: str
    name: str
    severity: Severity
    summary: str
    family: str
    doc: str
    check: CheckFn | None = attrs.field(default=None, eq=False, repr=False)
    origin: str = "built-in"
    found_by: str | None = None


_REGISTERED: dict[str, CodeInfo] = {}


def _register(info: CodeInfo) -> None:
    if info.code in _REGISTERED:
        raise RuntimeError(f"code {info.code} registered twice")  # a programming error, caught by tests
    _REGISTERED[info.code] = info


def code(code: str, name: str, severity: Severity, summary: str, family: str) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check (and documentation) of ``code``."""

    def register(fn: CheckFn) -> CheckFn:
        _register(CodeInfo(code, name, severity, summary, family, inspect.cleandoc(fn.__doc__ or ""), fn))
        return fn

    return register


def found_by(stage: str, code: str, name: str, severity: Severity, summary: str,
             family: str) -> Callable[[DocFn], DocFn]:
    """Register ``code``, found by ``stage`` (the parser, the loader, the rule
    engine, the suppression pass); the decorated function is its documentation."""

    def register(fn: DocFn) -> DocFn:
        _register(CodeInfo(code, name, severity, summary, family, inspect.cleandoc(fn.__doc__ or ""),
                           found_by=stage))
        return fn

    return register


def registered() -> dict[str, CodeInfo]:
    return _REGISTERED

"""The registry behind the one code table (``spherelang.checks.CODES``).

A check is a function ``(model, ctx) -> Iterable[Finding]`` decorated with
:func:`code`; its docstring is the user documentation printed by
``sphere explain``. Codes found earlier in the pipeline (by the parser, the
loader or the resolver) are registered the same way; their function passes on
what that stage recorded, or is documentation only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from ..diagnostics import Finding, Severity

if TYPE_CHECKING:
    from ..model import Model


@attrs.frozen(slots=True)
class Context:
    """Thresholds a check may read (LANGUAGE.md §4 and §5)."""

    corridor_tolerance: float = 0.05
    elasticity_threshold: float = 0.3
    epsilon: float = 1e-9


CheckFn = Callable[["Model", Context], Iterable[Finding]]


@attrs.frozen(slots=True)
class CodeInfo:
    """One diagnostic code: its name, default severity, summary and documentation."""

    code: str
    name: str
    severity: Severity
    summary: str
    family: str
    doc: str
    check: CheckFn | None = attrs.field(default=None, eq=False, repr=False)
    origin: str = "built-in"


_REGISTERED: dict[str, CodeInfo] = {}


def code(code: str, name: str, severity: Severity, summary: str, family: str,
         ) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check (and documentation) of ``code``."""

    def register(fn: CheckFn) -> CheckFn:
        if code in _REGISTERED:
            raise RuntimeError(f"code {code} registered twice")  # a programming error, caught by tests
        _REGISTERED[code] = CodeInfo(code, name, severity, summary, family,
                                     inspect.cleandoc(fn.__doc__ or ""), fn)
        return fn

    return register


def facts(model: Model, wanted: str) -> Iterable[Finding]:
    """What an earlier stage recorded for ``wanted``."""
    return (f for f in model.facts if f.code == wanted)


def registered() -> dict[str, CodeInfo]:
    return _REGISTERED

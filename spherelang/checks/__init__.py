"""Checks over a resolved model, and the one table of diagnostic codes.

``CODES`` lists every built-in code in a fixed order with its default
severity, summary and documentation (the docstring of its check function in
the family modules). ``sphere explain CODE`` prints that documentation, and
the pipeline stamps every finding with its code's default severity from here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding
from ..model import Model
from . import balance, corridor, loading, names, nesting, rules, suppression  # noqa: F401  (registration)
from .registry import CodeInfo, Context, registered

_ORDER = (
    # loading
    "SPH001", "SPH002", "SPH003", "SPH004", "SPH005", "SPH006",
    # names
    "REF001", "REF002", "REF003", "REF004",
    # nesting containment
    "NEST001", "NEST002", "NEST003", "NEST004", "NEST005",
    # balance of powers, responsibilities and resources; units and values
    "BAL001", "BAL002", "BAL003", "BAL004", "BAL005", "BAL006", "BAL007", "UNIT001", "VAL001",
    # corridors and elasticity
    "COR001", "ELA001", "ELA002",
    # user rules
    "RUL001", "RUL002", "RUL003",
    # suppression comments
    "SUP001", "SUP002",
)

#: Every built-in code, in documentation order.
CODES: dict[str, CodeInfo] = {c: registered()[c] for c in _ORDER}

if set(CODES) != set(registered()):  # pragma: no cover - a programming error
    raise RuntimeError(f"codes registered but not in the table: {set(registered()) - set(CODES)}")

BUILTIN_CODES = frozenset(CODES)


def run_checks(model: Model, ctx: Context) -> Iterator[Finding]:
    """What every built-in check finds in ``model`` (the codes found by other
    stages, loading and rules, are not among them)."""
    for info in CODES.values():
        if info.check is not None:
            yield from info.check(model, ctx)


__all__ = ["BUILTIN_CODES", "CODES", "DOCS_URL", "CodeInfo", "Context", "help_uri", "run_checks"]

#: Where the page of each built-in code lives (``docs/codes/CODE.md`` in the
#: repository, generated from this table); SARIF's ``helpUri`` and the language
#: server's ``codeDescription.href`` point here.
DOCS_URL = "https://github.com/spherelang/spherelang/blob/main/docs/codes/"


def help_uri(code: str) -> str | None:
    """The documentation page of a built-in ``code``; ``None`` for any other code."""
    return f"{DOCS_URL}{code}.md" if code in CODES else None

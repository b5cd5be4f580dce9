"""Options that shape a run: selection, severities, thresholds and limits.

The CLI and the API build the same :class:`Config`; configuration files
(``[tool.spherelang]``) fill it in before command-line options override it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from .diagnostics import Severity
from .errors import SphereUsageError


@attrs.frozen(slots=True)
class Limits:
    """Bounds that keep hostile input cheap; see ``sphere explain SPH006``."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_import_depth: int = 256
    max_files: int = 100_000


DEFAULT_LIMITS = Limits()

#: How far capacity may exceed its ceiling before COR001 (LANGUAGE.md §4).
DEFAULT_CORRIDOR_TOLERANCE = 0.05
#: Elasticity below this is ELA002.
DEFAULT_ELASTICITY_THRESHOLD = 0.3
#: Evaluation steps each user rule may take before RUL002 (LANGUAGE.md §6).
DEFAULT_RULE_BUDGET = 1_000_000


def parse_codes(value: str | Iterable[str] | None, option: str = "codes") -> tuple[str, ...]:
    """``"BAL001,NEST"`` or a list of codes/prefixes to a normalised tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise SphereUsageError(f"{option}: expected codes as text or a list, got {type(value).__name__}")
    codes = []
    for item in items:
        if not isinstance(item, str):
            raise SphereUsageError(f"{option}: expected codes as text, got {item!r}")
        item = item.strip()
        if not item:
            continue
        if not item.isidentifier():  # a rule's CODE is any NAME (LANGUAGE.md §3): 'no_power', 'R2D2'
            raise SphereUsageError(f"{option}: {item!r} is not a code or a code prefix (like BAL003 or BAL)")
        codes.append("ALL" if item.upper() == "ALL" else item)
    return tuple(codes)


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Codes match their prefixes regardless of case (``bal`` selects BAL001)."""
    folded = code.casefold()
    return any(s == "ALL" or folded.startswith(s.casefold()) for s in selectors)


@attrs.frozen(slots=True)
class Config:
    select: tuple[str, ...] = ()          # empty: every code
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    corridor_tolerance: float = DEFAULT_CORRIDOR_TOLERANCE
    elasticity_threshold: float = DEFAULT_ELASTICITY_THRESHOLD
    rule_budget: int = DEFAULT_RULE_BUDGET
    exclude: tuple[str, ...] = ()
    limits: Limits = DEFAULT_LIMITS
    #: Keep parsed files in the project's .sphere_cache (the CLI's default; off for the API).
    cache: bool = False
    #: ``--year``: each indicator series counts its latest value at or before it
    #: (LANGUAGE.md §8.3); None: its latest value. Models are resolved at it.
    year: int | None = None

    def wants(self, code: str) -> bool:
        if self.select and not matches(code, self.select):
            return False
        return not matches(code, self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        found = self.severity.get(code)
        if found is not None or not self.severity:
            return found if found is not None else default
        folded = code.casefold()
        return next((v for k, v in self.severity.items() if k.casefold() == folded), default)


DEFAULT_CONFIG = Config()

"""Options that shape a run: selection, severities, thresholds and limits.

The CLI and the API build the same :class:`Config`; configuration files
(``[tool.spherelang]``) fill it in before command-line options override it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

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


def _specificity(code: str, selectors: Iterable[str]) -> int:
    """How closely the most specific of ``selectors`` matching ``code`` names
    it: the prefix length (``ALL`` 0, ``BAL`` 3, ``BAL001`` 6); -1 for none."""
    folded = code.casefold()
    return max((0 if s == "ALL" else len(s) for s in selectors
                if s == "ALL" or folded.startswith(s.casefold())), default=-1)


@attrs.frozen(slots=True)
class Selection:
    """One layer of rule selection, as ruff has them: a configuration file's
    (``select``, ``extend-select``, ``ignore`` and ``extend-ignore``) or the
    command line's (``--select``, ``--extend-select``, ``--ignore``,
    ``--extend-ignore``). ``select`` is ``None`` when the layer does not set it.

    Within a layer the most specific selector that matches a code decides
    (``--ignore BAL --select BAL001`` keeps BAL001); on a tie, ignore wins.
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def decide(self, code: str, enabled: bool) -> bool:
        """Whether ``code`` is on after this layer, ``enabled`` before it. A
        layer that sets ``select`` starts again from nothing (ruff's "the
        highest-priority select is the basis of the rule set"); one that does
        not only adjusts what came before."""
        on = _specificity(code, (*(self.select or ()), *self.extend_select))
        off = _specificity(code, self.ignore)
        if off >= 0 and off >= on:
            return False
        if on >= 0:
            return True
        return False if self.select is not None else enabled

    def selectors(self) -> Iterator[tuple[str, str]]:
        """(option, selector) for every selector in the layer."""
        for option, values in (("select", self.select or ()), ("extend-select", self.extend_select),
                               ("ignore", self.ignore)):
            for value in values:
                yield option, value


@attrs.frozen(slots=True)
class Config:
    #: The configuration's own selection (a file's, or the API's): ``select``
    #: (empty: every code), then ``extend_select``, ``ignore`` and
    #: ``extend_ignore`` adjust it; ``command_line`` is applied on top.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    #: The command line's layer (``--select`` replaces the selection above it,
    #: ``--extend-select``/``--ignore``/``--extend-ignore`` adjust it).
    command_line: Selection | None = None
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

    #: Check files named on the command line against ``exclude`` too (ruff's ``force-exclude``).
    force_exclude: bool = False

    @property
    def selections(self) -> tuple[Selection, ...]:
        """The layers of rule selection in the order they apply (ruff's
        precedence): this configuration's, then the command line's."""
        own = Selection(self.select or None, self.extend_select, (*self.ignore, *self.extend_ignore))
        return (own,) if self.command_line is None else (own, self.command_line)

    def wants(self, code: str) -> bool:
        enabled = True  # the default selection: every code
        for layer in self.selections:
            enabled = layer.decide(code, enabled)
        return enabled

    def severity_of(self, code: str, default: Severity) -> Severity:
        found = self.severity.get(code)
        if found is not None or not self.severity:
            return found if found is not None else default
        folded = code.casefold()
        return next((v for k, v in self.severity.items() if k.casefold() == folded), default)


DEFAULT_CONFIG = Config()

"""spherelang: governance models as dynamic concentric spheres.

The public API is small::

    import spherelang

    file = spherelang.parse(text, path="model.sphere")   # AST, or SphereSyntaxError
    model = spherelang.load("models/kz.sphere")           # resolved Model (never raises for bad content)
    report = spherelang.check(model, select=["BAL"])      # Report of Diagnostics
    result = spherelang.evaluate(model, scenario="political_reform")

Errors raised on purpose are :class:`SphereError` subclasses:
:class:`SphereSyntaxError` from ``parse`` and :class:`SphereUsageError` for a
missing file, an unknown scenario or a bad option.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .config import Config
from .diagnostics import Diagnostic, Severity, Span
from .errors import SphereError, SphereSyntaxError, SphereUsageError
from .version import __version__

# Everything heavier (the parser, lark) is imported by the functions below when
# first called, so that `sphere --help` and `import spherelang` start quickly.
if TYPE_CHECKING:
    from .model import Model
    from .pipeline import Evaluation, Report
    from .syntax.ast import File

__all__ = [
    "Config",
    "Diagnostic",
    "Severity",
    "SphereError",
    "SphereSyntaxError",
    "SphereUsageError",
    "Span",
    "__version__",
    "check",
    "evaluate",
    "load",
    "parse",
    "rule",
]


def parse(text: str, path: str = "<string>") -> File:
    """Parse one file's text into its AST; raise :class:`SphereSyntaxError` (SPH001/SPH005)."""
    from .pipeline import syntax_error
    from .syntax import ParseFailure, parse_text

    try:
        return parse_text(text, path)
    except ParseFailure as failure:
        raise syntax_error(failure) from None


def load(path: str | os.PathLike[str], config: Config | None = None) -> Model:
    """Load the model whose entry file is ``path`` (with its imports) and resolve it.

    Problems in the files are not raised: they are in the report of :func:`check`.
    A path that is not a file raises :class:`SphereUsageError`.
    """
    from .pipeline import open_model

    return open_model(path, config or Config())


def _config(config: Config | None, select: Iterable[str] | str | None, ignore: Iterable[str] | str | None,
            options: dict[str, Any]) -> Config:
    import attrs

    from .config import parse_codes

    base = config or Config()
    changes: dict[str, Any] = {}
    if select is not None:
        changes["select"] = parse_codes(select, "select")
    if ignore is not None:
        changes["ignore"] = parse_codes(ignore, "ignore")
    from .settings import check_option

    if config is not None and not isinstance(config, Config):
        raise SphereUsageError(f"config must be a spherelang.Config, not {type(config).__name__}")
    for key, value in options.items():
        changes[key] = check_option(key, value)
    return attrs.evolve(base, **changes)


def check(model: Model | str | os.PathLike[str], *, select: Iterable[str] | str | None = None,
          ignore: Iterable[str] | str | None = None, scenario: str | None = None,
          config: Config | None = None, **options: Any) -> Report:
    """Check a model (or the model whose entry file is given) and return a :class:`Report`.

    ``options`` are :class:`Config` fields: ``corridor_tolerance``,
    ``elasticity_threshold``, ``rule_budget``, ``severity``, ``fail_on``,
    ``year`` (the year whose indicator values count, LANGUAGE.md §8.3).
    """
    from .evaluator import apply_scenario
    from .pipeline import Report, diagnose_alone, model_files, open_model, sort_and_dedupe

    cfg = _config(config, select, ignore, options)
    resolved = open_model(model, cfg) if isinstance(model, (str, os.PathLike)) else model
    if cfg.year is not None and resolved.year != cfg.year:
        from .evaluator import at_year

        resolved = at_year(resolved, cfg.year)
    if scenario is not None:
        resolved = apply_scenario(resolved, scenario, limits=cfg.limits)
    return Report(sort_and_dedupe(diagnose_alone(resolved, cfg)), tuple(dict.fromkeys(model_files(resolved))))


def evaluate(model: Model | str | os.PathLike[str], scenario: str | None = None, *,
             config: Config | None = None, **options: Any) -> Evaluation:
    """Figures per sphere (capacity, ceiling, effective, headroom, elasticity) and
    violations; with ``scenario``, baseline and scenario side by side;
    ``year=Y`` (an option, as for :func:`check`) evaluates at that year."""
    from .pipeline import evaluate as _evaluate, open_model

    cfg = _config(config, None, None, options)
    resolved = open_model(model, cfg) if isinstance(model, (str, os.PathLike)) else model
    return _evaluate(resolved, scenario, cfg)


def rule(code: str, summary: str = "", severity: str | Severity = "error") -> Any:
    """Register a Python rule: ``@spherelang.rule("ORG100", "summary")`` on a
    function ``fn(model) -> Iterable[Finding]`` (see ``spherelang.rulelang.plugins``)."""
    from .rulelang.plugins import rule as _rule

    return _rule(code, summary, severity)

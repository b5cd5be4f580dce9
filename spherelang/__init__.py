"""spherelang: governance models as dynamic concentric spheres.

The public API is small::

    import spherelang

    file = spherelang.parse(text, path="model.sphere")   # AST, or SphereSyntaxError
    model = spherelang.load("models/kz.sphere")           # resolved Model (never raises for bad content)
    model = spherelang.loads(text, path="kz.sphere")      # the same from a string
    report = spherelang.check(model, select=["BAL"])      # Report of Diagnostics
    result = spherelang.evaluate(model, scenario="political_reform")
    result = spherelang.evaluate(model, samples=10_000, seed=1)  # result.samples: how sure

``check`` and ``evaluate`` take a resolved :class:`Model`, the path of an
entry file, or the file :func:`parse` returns. Errors raised on purpose are
:class:`SphereError` subclasses: :class:`SphereSyntaxError` from ``parse`` and
:class:`SphereUsageError` for a missing file, an unknown scenario, a bad
option or an argument of the wrong type.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Union

from .config import Config
from .diagnostics import Diagnostic, Severity, Span
from .errors import SphereError, SphereSyntaxError, SphereUsageError
from .version import __version__

# Everything heavier (the parser, lark) is imported when first used, so that
# `sphere --help` and `import spherelang` start quickly. Type checkers read the
# lazily exported classes (_LAZY below) from this block instead;
# tests/test_typing.py holds the two to the same names.
if TYPE_CHECKING:
    from typing import TypeVar

    from .evaluator import Samples, SphereFigures, SphereSamples, Statistic, Trend
    from .model import Model
    from .pipeline import ComparedModel, Comparison, Evaluation, Reform, Reforms, Report
    from .rulelang.plugins import Finding, PythonRule
    from .syntax.ast import File

    ModelLike = Union[Model, str, os.PathLike[str], File]
    _Found = TypeVar("_Found", bound=Iterable[Finding])

__all__ = [
    "ComparedModel",
    "Comparison",
    "Config",
    "Diagnostic",
    "ComparedModel",
    "Comparison",
    "Evaluation",
    "Finding",
    "Model",
    "Reform",
    "Reforms",
    "Report",
    "Trend",
    "Samples",
    "Severity",
    "Span",
    "SphereError",
    "SphereFigures",
    "SphereSamples",
    "SphereSyntaxError",
    "SphereUsageError",
    "Statistic",
    "__version__",
    "check",
    "compare",
    "evaluate",
    "load",
    "loads",
    "parse",
    "rank_reforms",
    "rule",
    "trend",
]

#: The classes the API returns, imported from their stage when first asked for.
_LAZY = {
    "Model": ("spherelang.model", "Model"),
    "Report": ("spherelang.pipeline", "Report"),
    "Evaluation": ("spherelang.pipeline", "Evaluation"),
    "Finding": ("spherelang.rulelang.plugins", "Finding"),
    "Comparison": ("spherelang.pipeline", "Comparison"),
    "ComparedModel": ("spherelang.pipeline", "ComparedModel"),
    "Reform": ("spherelang.pipeline", "Reform"),
    "Reforms": ("spherelang.pipeline", "Reforms"),
    "SphereFigures": ("spherelang.evaluator", "SphereFigures"),
    "Trend": ("spherelang.evaluator", "Trend"),
    "Samples": ("spherelang.evaluator", "Samples"),
    "SphereSamples": ("spherelang.evaluator", "SphereSamples"),
    "Statistic": ("spherelang.evaluator", "Statistic"),
}


# Hidden from type checkers, which would otherwise take any misspelt name
# (`spherelang.Modle`) for this function's Any; they see the block above.
if not TYPE_CHECKING:
    def __getattr__(name: str) -> Any:
        found = _LAZY.get(name)
        if found is None:
            raise AttributeError(f"module 'spherelang' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(found[0]), found[1])
        globals()[name] = value
        return value


def parse(text: str, path: str = "<string>") -> File:
    """Parse one file's text into its AST; raise :class:`SphereSyntaxError` (SPH001/SPH005)."""
    from .pipeline import syntax_error
    from .syntax import ParseFailure, parse_text

    if not isinstance(text, str) or not isinstance(path, str):
        raise SphereUsageError("parse takes the text of a file and its path, both strings")
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

    if not isinstance(path, (str, os.PathLike)):
        raise SphereUsageError(f"load takes the path of an entry file, not {type(path).__name__}")
    return open_model(path, _checked_config(config))


def loads(text: str, path: str = "<string>", config: Config | None = None) -> Model:
    """Parse and resolve a model held in a string; its imports resolve relative
    to ``path``'s directory. Problems in the text are in the report of :func:`check`."""
    from .pipeline import open_model

    if not isinstance(text, str) or not isinstance(path, str):
        raise SphereUsageError("loads takes the text of a model and its path, both strings")
    return open_model(path, _checked_config(config), given={path: text})


def _checked_config(config: Config | None) -> Config:
    if config is not None and not isinstance(config, Config):
        raise SphereUsageError(f"config must be a spherelang.Config, not {type(config).__name__}")
    return config or Config()


def _config(config: Config | None, select: Iterable[str] | str | None, ignore: Iterable[str] | str | None,
            options: dict[str, Any]) -> Config:
    import attrs

    from .config import parse_codes
    from .settings import check_option

    base = _checked_config(config)
    changes: dict[str, Any] = {}
    if select is not None:
        changes["select"] = parse_codes(select, "select")
    if ignore is not None:
        changes["ignore"] = parse_codes(ignore, "ignore")
    for key, value in options.items():
        changes[key] = check_option(key, value)
    return attrs.evolve(base, **changes)


def _resolved(model: ModelLike, config: Config) -> Model:
    """A resolved model from what the caller gave: a model, a path or a parsed file."""
    from .model import Model
    from .pipeline import open_model
    from .syntax.ast import File

    if isinstance(model, Model):
        if config.year is not None and model.year != config.year:
            from .evaluator import at_year

            return at_year(model, config.year)
        return model
    if isinstance(model, (str, os.PathLike)):
        return open_model(model, config)
    if isinstance(model, File):
        return open_model(model.path, config, given={model.path: model})
    raise SphereUsageError(f"expected a model, the path of an entry file or a parsed file, "
                           f"not {type(model).__name__}")


def check(model: ModelLike, *, select: Iterable[str] | str | None = None,
          ignore: Iterable[str] | str | None = None, scenario: str | None = None,
          config: Config | None = None, **options: Any) -> Report:
    """Check a model (or the model whose entry file or parsed file is given)
    and return a :class:`Report`.

    ``options`` are :class:`Config` fields: ``corridor_tolerance``,
    ``elasticity_threshold``, ``rule_budget``, ``severity``, ``fail_on``,
    ``year`` (the year whose indicator values count, LANGUAGE.md §8.3).
    """
    from .evaluator import apply_scenario
    from .pipeline import Report, diagnose_alone, model_files, sort_and_dedupe

    cfg = _config(config, select, ignore, options)
    resolved = _resolved(model, cfg)
    if scenario is not None:
        resolved = apply_scenario(resolved, scenario, limits=cfg.limits)
    return Report(sort_and_dedupe(diagnose_alone(resolved, cfg)), tuple(dict.fromkeys(model_files(resolved))),
                  fail_on=cfg.fail_on)


def evaluate(model: ModelLike, scenario: str | None = None, *,
             config: Config | None = None, samples: int | None = None, seed: int = 0,
             **options: Any) -> Evaluation:
    """Figures per sphere (capacity, ceiling, effective, headroom, elasticity) and
    violations; with ``scenario``, baseline and scenario side by side;
    ``year=Y`` (an option, as for :func:`check`) evaluates at that year.

    ``samples=N`` (N >= 1) also draws N samples of the values written with
    ``± SE`` from ``seed`` (LANGUAGE.md §8.5): the result's ``samples`` is a
    :class:`Samples` with, per sphere, the mean and 5-95% range of capacity
    and effective, the share held and the share of each binding sphere."""
    from .evaluator import check_samples
    from .pipeline import evaluate as _evaluate

    if samples is not None:
        check_samples(samples, seed)
    cfg = _config(config, None, None, options)
    return _evaluate(_resolved(model, cfg), scenario, cfg, samples=samples, seed=seed)


def trend(model: ModelLike, scenario: str | None = None, *, config: Config | None = None,
          **options: Any) -> Trend:
    """The figures at every year written in the model, ascending (LANGUAGE.md
    §8.3): per sphere, capacity, ceiling, effective, the binding sphere and
    the illustrative figures, each aligned with ``years``."""
    from .pipeline import evaluate_trend

    cfg = _config(config, None, None, options)
    return evaluate_trend(_resolved(model, cfg), scenario, cfg)


def rank_reforms(model: ModelLike, *, config: Config | None = None, year: int | None = None,
                 **options: Any) -> Reforms:
    """Apply each scenario of the model in turn and rank them by gain in effective
    capacity (LANGUAGE.md §8.2); ``reforms`` best first, each with the counts of
    §8.2 and the spheres that bind before and after it; ``year``: the year
    whose indicator values count (LANGUAGE.md §8.3)."""
    from .pipeline import open_model_and_load
    from .pipeline import rank_reforms as _rank

    cfg = _config(config, None, None, {**options, **({"year": year} if year is not None else {})})
    if isinstance(model, (str, os.PathLike)):
        resolved, loaded = open_model_and_load(model, cfg)
        return _rank(resolved, cfg, loaded, year)
    return _rank(_resolved(model, cfg), cfg, None, year)


def compare(paths: Iterable[ModelLike] | str | os.PathLike[str], *,
            config: Config | None = None, year: int | None = None, **options: Any) -> Comparison:
    """Several models side by side (LANGUAGE.md §8.6): the layers in order and a
    row per model with its mean capacity per layer, the sphere that binds the
    most others and how many spheres are held; ``year`` as for :func:`rank_reforms`."""
    from .pipeline import compare as _compare

    cfg = _config(config, None, None, {**options, **({"year": year} if year is not None else {})})
    items: list[ModelLike] = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise SphereUsageError("compare needs at least one model")
    return _compare([item if isinstance(item, (str, os.PathLike)) else _resolved(item, cfg) for item in items],
                    cfg, year)


def rule(code: str, summary: str = "", severity: str | Severity = "error"
         ) -> Callable[[Callable[[Model], _Found]], PythonRule[_Found]]:
    """Register a Python rule: ``@spherelang.rule("ORG100", "summary")`` on a
    function ``fn(model) -> Iterable[Finding]`` (see ``spherelang.rulelang.plugins``).
    The decorated name is the registered rule; calling it runs the function."""
    from .rulelang.plugins import rule as _rule

    return _rule(code, summary, severity)

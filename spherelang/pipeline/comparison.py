"""``sphere compare``: several models side by side (LANGUAGE.md §8.6, §8.7)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import attrs

from ..config import DEFAULT_CONFIG, Config
from ..diagnostics import Diagnostic
from ..errors import SphereUsageError
from ..evaluator import ModelSummary, merged_layers, summarise
from ..model import Model
from .batch import sort_and_dedupe
from .single import diagnose, open_model


@attrs.frozen(slots=True)
class ComparedModel:
    """One file's row: ``summary`` holds its figures (see ``ModelSummary``)."""

    file: str
    summary: ModelSummary

    @property
    def title(self) -> str | None:
        return self.summary.title


@attrs.frozen(slots=True)
class Comparison:
    """``layers``: the first model's layer order, then layers only later models
    declare; ``models`` in the order given. When a model is broken (a syntax or
    encoding error), ``models`` is empty and ``violations`` holds the loading
    diagnostics of every broken one."""

    layers: tuple[str, ...]
    models: tuple[ComparedModel, ...]
    violations: tuple[Diagnostic, ...] = ()

    @property
    def broken(self) -> bool:
        return bool(self.violations)


def compare(paths: Sequence[Model | str | os.PathLike[str]], configs: Sequence[Config] | Config = DEFAULT_CONFIG,
            year: int | None = None) -> Comparison:
    """Evaluate each model (a path, or a model already resolved; a config per
    path, or one for all) and put them side by side. ``year`` is reserved for
    LANGUAGE.md §8.3."""
    per_path = [configs] * len(paths) if isinstance(configs, Config) else list(configs)
    if len(per_path) != len(paths):
        raise SphereUsageError("compare needs one configuration per model, or one for all")
    rows: list[ComparedModel] = []
    orders: list[tuple[str, ...]] = []
    broken: list[Diagnostic] = []
    for path, config in zip(paths, per_path):
        model = path if isinstance(path, Model) else open_model(path, config)
        if model.broken:
            broken.extend(diagnose(model, config))
            continue
        orders.append(model.layers)
        rows.append(ComparedModel(model.entry if isinstance(path, Model) else os.fspath(path),
                                  summarise(model, config.corridor_tolerance, year)))
        del model
    if broken:
        return Comparison((), (), sort_and_dedupe(broken))
    return Comparison(merged_layers(orders), tuple(rows))

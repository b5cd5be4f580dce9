"""``sphere trend``: a model's figures at every year written in it (LANGUAGE.md §8.3)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .group import cli
from .options import build_config, colour_wanted, style, with_thresholds

if TYPE_CHECKING:
    from ..config import Config
    from ..model import Model


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--scenario", metavar="NAME", default=None, help="Show the model with this scenario applied.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@with_thresholds
def trend(file: str, scenario: str | None, fmt: str, config_file: str | None, corridor_tolerance: float | None,
          elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool) -> None:
    """Capacity, ceiling, effective capacity and the binding sphere of every
    sphere at every year that appears in the model's indicators."""
    from ..pipeline import evaluate_trend, open_model, open_model_and_load, paused_gc
    from ..report import json_format, text

    config = build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None)
    with paused_gc():
        if scenario is None:
            model, loaded = open_model(file, config), None
        else:
            model, loaded = open_model_and_load(file, config)
        if model.broken:  # the loading diagnostics, as check prints them
            _print_broken(model, file, config)
            sys.exit(1)
        result = evaluate_trend(model, scenario, config, loaded)
    if fmt == "json":
        click.echo(json_format.dumps(json_format.trend_object(result)))
    else:
        colour = colour_wanted()
        click.echo(text.trend(result, style(colour)), nl=False, color=colour)


def _print_broken(model: Model, file: str, config: Config) -> None:
    from ..pipeline import Report, diagnose, sort_and_dedupe
    from ..report import text

    colour = colour_wanted()
    found = sort_and_dedupe(diagnose(model, config))
    click.echo(text.report(Report(found, (file,)), style(colour)), nl=False, color=colour)

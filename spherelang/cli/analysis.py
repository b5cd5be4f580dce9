"""``sphere reforms`` and ``sphere compare``: the analyst's answers
(LANGUAGE.md §8.2, §8.6). A broken model (a syntax or encoding error) prints
its loading diagnostics as ``sphere check`` does and exits 1; otherwise both
exit 0 whatever the violations."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .group import cli
from .options import build_config, colour_wanted, emit, style, with_thresholds, year_option

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics import Diagnostic

_FORMAT = click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)


def _config(start: str, config_file: str | None, corridor_tolerance: float | None,
            elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool,
            year: int | None) -> Config:
    return build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, start,
                        cache=False if no_cache else None, year=year)


def _fail_broken(violations: tuple[Diagnostic, ...], files: tuple[str, ...], fmt: str) -> None:
    """The loading diagnostics, exactly as ``sphere check`` prints them; exit 1."""
    from ..pipeline import Report
    from ..report import json_format, text

    report = Report(violations, files)
    if fmt == "json":
        click.echo(json_format.dumps(json_format.report_object(report)))
    else:
        colour = colour_wanted()
        click.echo(text.report(report, style(colour)), nl=False, color=colour)
    sys.exit(1)


@cli.command()
@click.argument("file", type=click.Path())
@_FORMAT
@year_option
@with_thresholds
def reforms(file: str, fmt: str, year: int | None, config_file: str | None, corridor_tolerance: float | None,
            elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool) -> None:
    """Apply each scenario in turn and rank them by the effective capacity they gain."""
    from ..pipeline import open_model_and_load, paused_gc, rank_reforms
    from ..report import analysis, json_format

    config = _config(file, config_file, corridor_tolerance, elasticity_threshold, rule_budget, no_cache, year)
    with paused_gc():
        model, loaded = open_model_and_load(file, config)
        result = rank_reforms(model, config, loaded, year=year)
    if result.broken:
        _fail_broken(result.violations, (file,), fmt)
    if fmt == "json":
        click.echo(json_format.dumps(json_format.reforms_object(result)))
    else:
        colour = colour_wanted()
        click.echo(analysis.reforms(result, style(colour)), nl=False, color=colour)
    sys.exit(0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_FORMAT
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Also write an HTML page with the table and a bar chart of mean capacity per layer.")
@year_option
@with_thresholds
def compare(files: tuple[str, ...], fmt: str, html_file: str | None, year: int | None, config_file: str | None,
            corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None,
            no_cache: bool) -> None:
    """Several models side by side: mean capacity per layer, what binds most, how many are held."""
    from ..pipeline import compare as compare_models
    from ..pipeline import paused_gc
    from ..report import analysis, json_format

    configs = [_config(f, config_file, corridor_tolerance, elasticity_threshold, rule_budget, no_cache, year)
               for f in files]
    with paused_gc():
        result = compare_models(files, configs, year=year)
    if result.broken:
        _fail_broken(result.violations, files, fmt)
    if html_file is not None:
        from ..visual.analysis_html import comparison_page

        emit(comparison_page(result), html_file)
    if fmt == "json":
        click.echo(json_format.dumps(json_format.comparison_object(result)))
    else:
        colour = colour_wanted()
        click.echo(analysis.comparison(result, style(colour)), nl=False, color=colour)
    sys.exit(0)

"""``sphere eval``, ``graph``, ``report`` and ``dump``: one model, evaluated, drawn or dumped."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from .group import cli
from .options import SEVERITIES, build_config, colour_wanted, emit, style, with_thresholds, year_option

if TYPE_CHECKING:
    from ..config import Config

@cli.command(name="eval")
@click.argument("file", type=click.Path())
@click.option("--scenario", metavar="NAME", default=None, help="Compare this scenario with the baseline.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a violation reaches this severity (default: error).")
@click.option("--samples", type=click.IntRange(min=1), default=None, metavar="N",
              help="Draw N samples of the values written with '± SE' and show how sure each figure is.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S",
              help="The seed of the random draws of --samples (the same seed gives the same output).")
@year_option
@with_thresholds
def eval_command(file: str, scenario: str | None, fmt: str, fail_on: str | None, samples: int | None, seed: int,
                 config_file: str | None, corridor_tolerance: float | None, elasticity_threshold: float | None,
                 rule_budget: int | None, no_cache: bool, year: int | None) -> None:
    """Evaluate a model: capacity, ceiling, effective, headroom and elasticity per sphere;
    with --samples, their ranges over random draws of the uncertain values."""
    from ..report import json_format, text

    config = build_config((), (), fail_on, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None, year=year)
    model, result = _evaluate(file, scenario, config, samples, seed)
    if model.broken and fmt == "text":
        from ..pipeline import Report

        colour = colour_wanted()
        click.echo(text.report(Report(result.violations, (file,)), style(colour)), nl=False, color=colour)
    elif fmt == "json":
        click.echo(json_format.dumps(json_format.evaluation_object(result)))
    else:
        colour = colour_wanted()
        click.echo(text.evaluation(result, style(colour)), nl=False, color=colour)
    sys.exit(1 if any(v.severity >= config.fail_on for v in result.violations) else 0)


def _trend_chart(file: str, scenario: str | None, config: Config) -> tuple[Any, str]:
    """The model at ``file`` and its chart over the years (empty for a broken model)."""
    from ..pipeline import evaluate_trend, open_model, open_model_and_load
    from ..visual import model_title, render_trend_svg

    if scenario is None:
        model, loaded = open_model(file, config), None
    else:
        model, loaded = open_model_and_load(file, config)
    if model.broken:
        return model, ""
    return model, render_trend_svg(evaluate_trend(model, scenario, config, loaded), model_title(model))


def _fail_broken(model: Any, file: str, config: Config) -> None:
    """The loading diagnostics on stderr, as check prints them; exit 1."""
    from ..pipeline import Report, diagnose, sort_and_dedupe
    from ..report import text

    colour = colour_wanted()
    found = sort_and_dedupe(diagnose(model, config))
    click.echo(text.report(Report(found, (file,)), style(colour)), nl=False, color=colour, err=True)
    sys.exit(1)


def _evaluate(file: str, scenario: str | None, config: Config, samples: int | None = None,
              seed: int = 0) -> tuple[Any, Any]:
    """The model at ``file`` and its evaluation (with ``scenario``, against the
    baseline; with ``samples``, over that many draws from ``seed``)."""
    from ..pipeline import evaluate, open_model, open_model_and_load

    if scenario is None:
        model = open_model(file, config)
        return model, evaluate(model, None, config, samples=samples, seed=seed)
    model, loaded = open_model_and_load(file, config)
    return model, evaluate(model, scenario, config, loaded, samples=samples, seed=seed)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the picture here (default: standard output).")
@click.option("--scenario", metavar="NAME", default=None, help="Draw the model with this scenario applied.")
@click.option("--format", "fmt", type=click.Choice(("svg", "dot")), default="svg", show_default=True)
@click.option("--trend", "over_time", is_flag=True,
              help="Draw capacity and ceiling per sphere over the years instead (an SVG line chart).")
@click.option("--labels", type=click.Choice(("names", "figures")), default="names", show_default=True,
              help="Under each name: nothing more, or its capacity (and effective capacity when held), for slides.")
@year_option
@with_thresholds
def graph(file: str, output_file: str | None, scenario: str | None, fmt: str, over_time: bool, labels: str,
          config_file: str | None, corridor_tolerance: float | None, elasticity_threshold: float | None,
          rule_budget: int | None, no_cache: bool, year: int | None) -> None:
    """Draw the concentric spheres: SVG (fill by effective capacity, outline by
    the worst diagnostic, hover text with figures) or Graphviz DOT; with
    --trend, capacity and ceiling over the years."""
    from ..pipeline import paused_gc
    from ..visual import render_dot, render_svg

    if over_time and fmt != "svg":
        raise click.UsageError("--trend draws an SVG chart: leave out --format dot")
    config = build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None, year=year)
    with paused_gc():
        if over_time:
            model, picture = _trend_chart(file, scenario, config)
            if model.broken:
                _fail_broken(model, file, config)
            emit(picture, output_file)
            return
        model, result = _evaluate(file, scenario, config)
        if fmt == "svg":
            emit(render_svg(model, result, labels=labels), output_file)
        else:
            emit(render_dot(model, result), output_file)
    if model.broken:  # the picture is empty: say why on stderr, and fail as check would
        from ..pipeline import Report
        from ..report import text

        colour = colour_wanted()
        click.echo(text.report(Report(result.violations, (file,)), style(colour)), nl=False, color=colour, err=True)
        sys.exit(1)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default="report.html", show_default=True,
              help="Where to write the HTML ('-' for standard output).")
@click.option("--scenario", metavar="NAME", default=None, help="Compare this scenario with the baseline.")
@click.option("--samples", type=click.IntRange(min=1), default=None, metavar="N",
              help="Also show how sure each figure is, over N draws of the values written with '± SE'.")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S", help="The seed of --samples.")
@year_option
@with_thresholds
def report(file: str, output_file: str, scenario: str | None, samples: int | None, seed: int, config_file: str | None,
           corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool, year: int | None) -> None:
    """Write one self-contained HTML report: the picture, the diagnostics, the
    figures and, for a model with scenarios, the reforms ranked."""
    from ..pipeline import paused_gc, rank_reforms
    from ..visual import render_html

    config = build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None, year=year)
    with paused_gc():
        model, result = _evaluate(file, scenario, config, samples, seed)
        ranked = rank_reforms(model, config, year=year) if model.scenarios and not model.broken else None
        emit(render_html(model, None, result, ranked), None if output_file == "-" else output_file)
    if output_file != "-":
        click.echo(f"wrote {output_file}", err=True)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--scenario", metavar="NAME", default=None, help="Dump the model with this scenario applied.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None, help="Write the JSON here.")
def dump(file: str, scenario: str | None, output_file: str | None) -> None:
    """Print the resolved model as JSON (a versioned shape, see spherelang.report.dump)."""
    import json

    from ..evaluator import apply_scenario
    from ..pipeline import open_model, open_model_and_load, paused_gc
    from ..report.dump import dump_object

    with paused_gc():
        if scenario is None:
            model = open_model(file)
        else:
            baseline, loaded = open_model_and_load(file)
            model = apply_scenario(baseline, scenario, loaded)
            del baseline, loaded
        text = json.dumps(dump_object(model), ensure_ascii=False, separators=(",", ":")) + "\n"
    emit(text, output_file)

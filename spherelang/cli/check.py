"""``sphere check``: lint models, in every output format."""

from __future__ import annotations

import os
import sys
from typing import Any

import attrs
import click

from .group import cli
from .options import (FORMATS, SEVERITIES, build_config, colour_wanted, emit, find_entries, style, with_thresholds,
                      year_option)

@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Leave out these codes or prefixes.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a violation reaches this severity (default: error).")
@click.option("--scenario", metavar="NAME", default=None, help="Check the model with this scenario applied.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Print the number of violations per code instead of each one.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Check entry files, or parse the files of a single model, in this many processes (0: one per CPU).")
@year_option
@with_thresholds
def check(paths: tuple[str, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          scenario: str | None, output_file: str | None, statistics: bool, jobs: int, config_file: str | None,
          corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool, year: int | None) -> None:
    """Check models: every file named, and every *.sphere file under a directory."""
    from ..pipeline import check_entries

    config = build_config(select, ignore, fail_on, corridor_tolerance, elasticity_threshold, rule_budget,
                           config_file, paths[0] if paths else ".", cache=False if no_cache else None, year=year)
    entries = find_entries(paths or (".",), config.exclude)
    if not entries:
        raise click.UsageError(f"no .sphere file to check in {', '.join(paths or ('.',))}")
    report = attrs.evolve(check_entries(entries, config, scenario=scenario, jobs=jobs or os.cpu_count() or 1),
                          fail_on=config.fail_on)
    _refuse_unknown_selectors(config, report)
    colour = output_file is None and fmt == "text" and colour_wanted()
    if statistics and fmt in ("text", "concise", "json"):
        from ..report.text import statistics as render_statistics

        emit(render_statistics(report, fmt), output_file)
    else:
        emit(_render_report(report, fmt, colour), output_file, colour)
        if statistics:  # a machine-readable report stays valid: the counts go to stderr
            from ..report.text import statistics as render_statistics

            click.echo(render_statistics(report, "text"), nl=False, err=True)
    sys.exit(1 if report.fails(config.fail_on) else 0)


def _refuse_unknown_selectors(config: Any, report: Any) -> None:
    """A selector that names no code a run can report is a typo that would
    silently check less (``--select NOPE999``, ``--ignore BAL0003``): a usage
    error naming it, with the closest code. Known: the built-in codes, the
    installed plugins' and the checked models' own rule codes."""
    from ..catalog import all_codes
    from ..config import matches
    from ..suggest import closest

    known = [*all_codes(), *(code for code, _, _ in report.user_rules)]
    folded = {code.casefold() for code in known}
    for option, selectors in (("--select", config.select), ("--ignore", config.ignore),
                              ("[severity]", tuple(config.severity))):
        for selector in selectors:
            if option == "[severity]":  # a severity is set per code, not per prefix
                found = selector.casefold() in folded
            else:
                found = selector == "ALL" or any(matches(code, [selector]) for code in known)
            if not found:
                best = closest(selector.upper(), known)
                raise click.UsageError(f"unknown code or prefix '{selector}' in {option}"
                                       + (f"; did you mean '{best}'?" if best else ""))


def _render_report(report: Any, fmt: str, colour: bool) -> str:
    from ..report import json_format, text

    if fmt == "json":
        return json_format.dumps(json_format.report_object(report)) + "\n"
    if fmt == "concise":
        return text.concise(report)
    if fmt == "sarif":
        from ..catalog import all_codes, user_rule_info
        from ..report.sarif import sarif_object

        user = {i.code: i for i in map(user_rule_info, report.user_rules)}
        return json_format.dumps(sarif_object(report, all_codes(), user)) + "\n"
    if fmt == "github":
        from ..report import github

        return github.render(report)
    if fmt == "junit":
        from ..report import junit

        return junit.render(report)
    if fmt == "gitlab":
        from ..report import gitlab

        return gitlab.render(report)
    return text.report(report, style(colour))

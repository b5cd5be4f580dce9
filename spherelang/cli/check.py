"""``sphere check``: lint models, in every output format."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from .discovery import Excluder, discover
from .group import cli
from .options import (FORMATS, SEVERITIES, CommandLine, colour_wanted, config_resolver, emit, style,
                      with_thresholds, year_option)

if TYPE_CHECKING:
    from ..settings import ConfigResolver, Settings

STDIN = "-"
STDIN_NAME = "<stdin>"


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these codes or prefixes (comma-separated); replaces every configuration's selection.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Add these codes or prefixes to the selection.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Leave out these codes or prefixes, besides those the configuration leaves out.")
@click.option("--extend-ignore", multiple=True, metavar="CODES", help="The same as --ignore (as in ruff).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a violation reaches this severity (default: error).")
@click.option("--scenario", metavar="NAME", default=None,
              help="Check the models that declare or import this scenario with it applied.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Print the number of violations per code instead of each one.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Check entry files, or parse the files of a single model, in this many processes (0: one per CPU).")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply 'exclude' to the paths named on the command line too (default: the 'force-exclude' "
                   "of the configuration).")
@click.option("--stdin-filename", metavar="PATH", default=None,
              help="The path of the model read from standard input ('-'): for messages, imports, "
                   "the configuration and --force-exclude.")
@year_option
@with_thresholds
def check(paths: tuple[str, ...], fmt: str, select: tuple[str, ...], extend_select: tuple[str, ...],
          ignore: tuple[str, ...], extend_ignore: tuple[str, ...], fail_on: str | None, scenario: str | None,
          output_file: str | None, statistics: bool, jobs: int, force_exclude: bool | None,
          stdin_filename: str | None, config_file: str | None, corridor_tolerance: float | None,
          elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool, year: int | None) -> None:
    """Check models: every file named, and every *.sphere file under a directory ('-': standard input).

    Each entry file is checked with its nearest configuration (sphere.toml, or
    pyproject.toml with [tool.spherelang]); command-line options override every one.
    """
    from ..pipeline import Report, check_entries

    options = CommandLine(select=select, ignore=ignore, extend_select=extend_select, extend_ignore=extend_ignore,
                          fail_on=fail_on, tolerance=corridor_tolerance, threshold=elasticity_threshold,
                          budget=rule_budget, cache=False if no_cache else None, year=year,
                          force_exclude=force_exclude)
    resolver = config_resolver(options, config_file)
    entries, given = _entries(paths, stdin_filename, resolver, force_exclude)
    configs = [resolver.for_file(e).config for e in entries]
    if entries:
        report = check_entries(entries, scenario=scenario, jobs=jobs or os.cpu_count() or 1, configs=configs,
                               given=given)
    else:  # every path named is excluded: an empty report each format can read, as ruff does
        click.echo("sphere: warning: every path named is excluded (force-exclude); nothing to check", err=True)
        report = Report((), fail_on=resolver.for_directory(".").config.fail_on)
    _refuse_unknown_selectors(resolver.used(), report)
    colour = output_file is None and fmt == "text" and colour_wanted()
    if statistics and fmt in ("text", "concise", "json"):
        from ..report.text import statistics as render_statistics

        emit(render_statistics(report, fmt), output_file)
    else:
        emit(_render_report(report, fmt, colour, given), output_file, colour)
        if statistics:  # a machine-readable report stays valid: the counts go to stderr
            from ..report.text import statistics as render_statistics

            click.echo(render_statistics(report, "text"), nl=False, err=True)
    sys.exit(1 if report.fails() else 0)


def _entries(paths: tuple[str, ...], stdin_filename: str | None, resolver: ConfigResolver,
             force_exclude: bool | None) -> tuple[list[str], dict[str, bytes] | None]:
    """The entry files to check, and standard input's content under its name
    when ``-`` is among ``paths``."""
    if STDIN not in paths:
        if stdin_filename is not None:
            raise click.UsageError("--stdin-filename names standard input: give '-' as the path")
        found = discover(paths or (".",), resolver, force_exclude)
        if not found.entries and not found.excluded:
            raise click.UsageError(f"no .sphere file to check in {', '.join(paths or ('.',))}")
        return list(found.entries), None
    if len(paths) > 1:
        raise click.UsageError("'-' (standard input) cannot be checked together with other paths")
    if stdin_filename is not None and Excluder(resolver).forced(stdin_filename, force_exclude):
        return [], None
    source = getattr(sys.stdin, "buffer", None)
    if source is None:
        raise click.UsageError("'-' reads standard input, and there is none")
    name = stdin_filename or STDIN_NAME
    return [name], {name: source.read()}


def _refuse_unknown_selectors(used: list[Settings], report: Any) -> None:
    """A selector that names no code a run can report is a typo that would
    silently check less (``--select NOPE999``, ``--ignore BAL0003``): a usage
    error naming it, with the closest code. Known: the built-in codes, the
    installed plugins' and the checked models' own rule codes."""
    from ..catalog import all_codes
    from ..config import matches
    from ..suggest import closest

    known = [*all_codes(), *(code for code, _, _ in report.user_rules)]
    folded = {code.casefold() for code in known}
    for where, option, selector in _selectors(used):
        if option == "[severity]":  # a severity is set per code, not per prefix
            found = selector.casefold() in folded
        else:
            found = selector == "ALL" or any(matches(code, [selector]) for code in known)
        if not found:
            best = closest(selector.upper(), known)
            raise click.UsageError(f"unknown code or prefix '{selector}' in {option}{where}"
                                   + (f"; did you mean '{best}'?" if best else ""))


def _selectors(used: list[Settings]) -> Iterator[tuple[str, str, str]]:
    """(where, option, selector) for every selector of the configurations a
    run used: the command line's once, each file's naming the file."""
    command_line = next((s.config.command_line for s in used if s.config.command_line is not None), None)
    if command_line is not None:
        for option, selector in command_line.selectors():
            yield "", f"--{option}", selector
    for settings in used:
        where = f" of {settings.path}" if settings.path is not None else ""
        config = settings.config
        for option, selectors in (("select", config.select), ("extend-select", config.extend_select),
                                  ("ignore", config.ignore), ("extend-ignore", config.extend_ignore)):
            for selector in selectors:
                yield where, f"'{option}'", selector
        for code in settings.config.severity:
            yield where, "[severity]", code


def _render_report(report: Any, fmt: str, colour: bool, given: dict[str, bytes] | None = None) -> str:
    if fmt == "json":
        from ..report import json_format

        return json_format.dumps(json_format.report_object(report)) + "\n"
    if fmt == "concise":
        from ..report import text

        return text.concise(report)
    if fmt == "sarif":
        from ..catalog import all_codes, user_rule_info
        from ..report import json_format
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
    from ..report import text

    return text.report(report, style(colour), given)  # snippets of standard input from what was read

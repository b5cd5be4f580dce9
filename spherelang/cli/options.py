"""What every command shares: the configuration of each path (its nearest
file's, with the command line's options over it) and writing output. Which
files a run checks is :mod:`.discovery`'s."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import attrs
import click

if TYPE_CHECKING:
    from ..config import Config, Selection
    from ..settings import ConfigResolver

FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")
SEVERITIES = ("error", "warning", "info")


def style(enabled: bool) -> Any:
    if enabled:
        return click.style
    from ..report.text import plain

    return plain


def emit(text: str, output_file: str | None, colour: bool = False) -> None:
    """``text`` to ``output_file``, else to standard output. A file that cannot
    be written is a usage error naming it (exit 2), not an internal error."""
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.FileError(output_file, hint=exc.strerror or str(exc)) from None
    else:
        click.echo(text, nl=False, color=colour)


def build_config(select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
                  tolerance: float | None, threshold: float | None, budget: int | None,
                  config_file: str | None = None, start: str = ".", cache: bool | None = None,
                  year: int | None = None) -> Config:
    """The configuration file (``--config``, else the nearest one above ``start``),
    overridden by command-line options. The command line caches parses by default."""
    options = CommandLine(select=select, ignore=ignore, fail_on=fail_on, tolerance=tolerance, threshold=threshold,
                          budget=budget, cache=cache, year=year)
    resolver = config_resolver(options, config_file)
    return (resolver.for_directory(start) if os.path.isdir(start) else resolver.for_file(start)).config


def config_resolver(options: CommandLine, config_file: str | None = None) -> ConfigResolver:
    """The configuration of each path: its nearest file's (or ``config_file``'s),
    with the command line's ``options`` over it."""
    from ..config import DEFAULT_CONFIG
    from ..settings import ConfigResolver

    return ConfigResolver(attrs.evolve(DEFAULT_CONFIG, cache=True), options.apply, config_file)


@attrs.frozen
class CommandLine:
    """The options of a command that override every configuration file."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    tolerance: float | None = None
    threshold: float | None = None
    budget: int | None = None
    cache: bool | None = None
    year: int | None = None
    force_exclude: bool | None = None

    def selection(self) -> Selection | None:
        """The command line's layer of rule selection (ruff's precedence: a
        ``--select`` replaces every file's selection, the others adjust it)."""
        from ..config import Selection, parse_codes

        if not (self.select or self.ignore or self.extend_select or self.extend_ignore):
            return None
        return Selection(parse_codes(",".join(self.select), "--select") or None,
                         parse_codes(",".join(self.extend_select), "--extend-select"),
                         (*parse_codes(",".join(self.ignore), "--ignore"),
                          *parse_codes(",".join(self.extend_ignore), "--extend-ignore")))

    def apply(self, config: Config) -> Config:
        from ..diagnostics import Severity

        changes: dict[str, Any] = {}
        for field, value in (("cache", self.cache), ("corridor_tolerance", self.tolerance),
                             ("elasticity_threshold", self.threshold), ("rule_budget", self.budget),
                             ("year", self.year), ("force_exclude", self.force_exclude),
                             ("command_line", self.selection())):
            if value is not None:
                changes[field] = value
        if self.fail_on:
            changes["fail_on"] = Severity.parse(self.fail_on)
        return attrs.evolve(config, **changes)


_threshold_options = [
    click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None,
                 help="A sphere.toml or pyproject.toml to use instead of the nearest one."),
    click.option("--corridor-tolerance", type=click.FloatRange(min=0), default=None,
                 help="How far capacity may exceed its ceiling before COR001 (default 0.05)."),
    click.option("--elasticity-threshold", type=click.FloatRange(0, 1), default=None,
                 help="Elasticity below this gives ELA002 (default 0.3)."),
    click.option("--rule-budget", type=click.IntRange(min=1), default=None,
                 help="Evaluation steps each user rule may take (default 1,000,000)."),
    click.option("--no-cache", "no_cache", is_flag=True, default=False,
                 help="Do not read or write the parse cache (.sphere_cache in the project root)."),
]


def year_option(fn: Any) -> Any:
    """``--year Y``: each indicator series counts its latest value at or before
    Y (LANGUAGE.md §8.3); the commands put it in :attr:`Config.year`."""
    return click.option("--year", type=int, default=None, metavar="YEAR",
                        help="Use each indicator series' latest value at or before YEAR "
                             "(default: its latest value).")(fn)


def with_thresholds(fn: Any) -> Any:
    for option in reversed(_threshold_options):
        fn = option(fn)
    return fn


def colour_wanted() -> bool:
    from ..report.text import use_colour

    return use_colour(sys.stdout.isatty())

"""What every command shares: finding entry files, the configuration built from
the nearest file and the command line, and writing output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..config import Config

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"})
FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")
SEVERITIES = ("error", "warning", "info")


def find_entries(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """Files named, and ``*.sphere`` files found recursively in directories."""
    import fnmatch

    entries: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            entries.extend(_walk(path, exclude, fnmatch.fnmatch))
        elif os.path.isfile(path):
            entries.append(path)
        elif os.path.lexists(path):
            raise click.UsageError(f"{path}: not a regular file")
        else:
            raise click.UsageError(f"{path}: no such file or directory")
    return list(dict.fromkeys(entries))


def _walk(top: str, exclude: Sequence[str], match: Any) -> Iterator[str]:
    for here, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and not _excluded(os.path.join(here, d), exclude, match))
        for name in sorted(files):
            full = os.path.join(here, name)
            if name.endswith(".sphere") and not _excluded(full, exclude, match):
                yield full


def _excluded(path: str, patterns: Sequence[str], match: Any) -> bool:
    norm = os.path.normpath(path).replace(os.sep, "/")
    return any(match(norm, p) or match(os.path.basename(norm), p) or match(norm, f"*/{p}") for p in patterns)


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
    import attrs

    from ..config import DEFAULT_CONFIG, parse_codes
    from ..diagnostics import Severity
    from ..settings import find_config, read_config

    path = config_file or find_config(start)
    base = read_config(path, attrs.evolve(DEFAULT_CONFIG, cache=True)) if path else attrs.evolve(
        DEFAULT_CONFIG, cache=True)
    changes: dict[str, Any] = {}
    if cache is not None:
        changes["cache"] = cache
    if select:
        changes["select"] = parse_codes(",".join(select), "--select")
    if ignore:
        changes["ignore"] = parse_codes(",".join(ignore), "--ignore")
    if fail_on:
        changes["fail_on"] = Severity.parse(fail_on)
    if tolerance is not None:
        changes["corridor_tolerance"] = tolerance
    if threshold is not None:
        changes["elasticity_threshold"] = threshold
    if budget is not None:
        changes["rule_budget"] = budget
    if year is not None:
        changes["year"] = year
    return attrs.evolve(base, **changes)


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

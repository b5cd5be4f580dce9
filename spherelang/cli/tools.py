"""``sphere fmt`` and ``sphere test``: the formatter, and models that state their own diagnostics."""

from __future__ import annotations

import sys

import click

from .group import cli
from .discovery import find_entries
from .options import CommandLine, config_resolver

@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of each change and exit 1 if any.")
def fmt(paths: tuple[str, ...], check: bool, diff: bool) -> None:
    """Format .sphere files in the one canonical layout ('-' reads stdin, writes stdout).

    A file with a syntax error is left untouched and reported (exit 1).
    """
    from ..fmt.command import STDIN, run

    targets = [STDIN] if paths == (STDIN,) else find_entries(paths or (".",))
    sys.exit(run(targets, check=check, diff=diff))


@cli.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--coverage", is_flag=True, help="Report which codes the test files exercise and which they never do.")
@click.option("--coverage-min", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Fail when coverage is below PERCENT (implies --coverage).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A sphere.toml or pyproject.toml to use instead of the nearest one.")
def test_command(paths: tuple[str, ...], coverage: bool, coverage_min: float | None, fmt: str,
                 config_file: str | None) -> None:
    """Check models against their `// expect: CODE[, CODE]` comments.

    Each line must carry exactly the codes its comment names; a line without one
    must carry none. Exits 1 on any mismatch (or coverage below --coverage-min).
    """
    import json

    from ..report.paths import display_path
    from ..testing import coverage_object, run_tests

    resolver = config_resolver(CommandLine(), config_file)
    entries = find_entries(paths or (".",), resolver)
    run = run_tests(entries, resolver.for_directory(".").config, [resolver.for_file(e).config for e in entries])
    coverage = coverage or coverage_min is not None
    below = coverage_min is not None and run.coverage + 1e-9 < coverage_min
    if fmt == "json":
        data = coverage_object(run)
        data["failures"] = [m.describe(display_path(m.path)) for m in run.mismatches]
        click.echo(json.dumps(data, indent=2))
    else:
        for m in run.mismatches:
            click.echo(m.describe(display_path(m.path)))
        if coverage:
            click.echo(f"coverage: {run.coverage:.1f}% of {len(run.known)} codes exercised")
            click.echo("  exercised: " + (", ".join(run.exercised) or "none"))
            click.echo("  never exercised: " + (", ".join(run.missed) or "none"))
        status = "ok" if not run.mismatches else f"{len(run.mismatches)} mismatch(es)"
        click.echo(f"{len(run.files)} file(s) tested: {status}")
        if below:
            click.echo(f"coverage {run.coverage:.1f}% is below the minimum {coverage_min:g}%")
    sys.exit(1 if run.mismatches or below else 0)

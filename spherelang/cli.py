"""The ``sphere`` command line (LANGUAGE.md §7).

Exit status: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for
usage, configuration or internal errors. Heavy modules are imported inside the
commands so that ``sphere --help`` starts quickly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from . import __version__

if TYPE_CHECKING:
    from .config import Config

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"})
FORMATS = ("text", "concise", "json", "sarif", "github", "junit")
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


def _style(enabled: bool) -> Any:
    if enabled:
        return click.style
    from .report.text import plain

    return plain


def _emit(text: str, output_file: str | None, colour: bool = False) -> None:
    if output_file:
        with open(output_file, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        click.echo(text, nl=False, color=colour)


def _build_config(select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
                  tolerance: float | None, threshold: float | None, budget: int | None,
                  config_file: str | None = None, start: str = ".", cache: bool | None = None) -> Config:
    """The configuration file (``--config``, else the nearest one above ``start``),
    overridden by command-line options. The command line caches parses by default."""
    import attrs

    from .config import DEFAULT_CONFIG, parse_codes
    from .diagnostics import Severity
    from .settings import find_config, read_config

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


def _with_thresholds(fn: Any) -> Any:
    for option in reversed(_threshold_options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sphere")
def cli() -> None:
    """Lint and evaluate governance models of dynamic concentric spheres."""


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
@_with_thresholds
def check(paths: tuple[str, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          scenario: str | None, output_file: str | None, statistics: bool, jobs: int, config_file: str | None,
          corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool) -> None:
    """Check models: every file named, and every *.sphere file under a directory."""
    from .engine import check_entries

    config = _build_config(select, ignore, fail_on, corridor_tolerance, elasticity_threshold, rule_budget,
                           config_file, paths[0] if paths else ".", cache=False if no_cache else None)
    entries = find_entries(paths or (".",), config.exclude)
    report = check_entries(entries, config, scenario=scenario, jobs=jobs or os.cpu_count() or 1)
    colour = output_file is None and fmt == "text" and _colour()
    if statistics:
        from .report.text import statistics as render_statistics

        _emit(render_statistics(report, fmt), output_file)
    else:
        _emit(_render_report(report, fmt, colour), output_file, colour)
    sys.exit(1 if report.fails(config.fail_on) else 0)


def _colour() -> bool:
    from .report.text import use_colour

    return use_colour(sys.stdout.isatty())


def _render_report(report: Any, fmt: str, colour: bool) -> str:
    from .report import json_format, text

    if fmt == "json":
        return json_format.dumps(json_format.report_object(report)) + "\n"
    if fmt == "concise":
        return text.concise(report)
    if fmt == "sarif":
        from .catalog import all_codes, user_rule_info
        from .report.sarif import sarif_object

        codes = {**all_codes(), **{i.code: i for i in map(user_rule_info, report.user_rules)}}
        return json_format.dumps(sarif_object(report, codes)) + "\n"
    if fmt == "github":
        from .report import github

        return github.render(report)
    if fmt == "junit":
        from .report import junit

        return junit.render(report)
    return text.report(report, _style(colour))


@cli.command(name="eval")
@click.argument("file", type=click.Path())
@click.option("--scenario", metavar="NAME", default=None, help="Compare this scenario with the baseline.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a violation reaches this severity (default: error).")
@_with_thresholds
def eval_command(file: str, scenario: str | None, fmt: str, fail_on: str | None, config_file: str | None,
                 corridor_tolerance: float | None, elasticity_threshold: float | None,
                 rule_budget: int | None, no_cache: bool) -> None:
    """Evaluate a model: capacity, ceiling, effective, headroom and elasticity per sphere."""
    from .engine import load
    from .evaluator import evaluate
    from .report import json_format, text

    config = _build_config((), (), fail_on, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None)
    model = load(file, config)
    result = evaluate(model, scenario, config)
    if model.broken and fmt == "text":
        from .engine import Report

        colour = _colour()
        click.echo(text.report(Report(result.violations, (file,)), _style(colour)), nl=False, color=colour)
    elif fmt == "json":
        click.echo(json_format.dumps(json_format.evaluation_object(result)))
    else:
        colour = _colour()
        click.echo(text.evaluation(result, _style(colour)), nl=False, color=colour)
    sys.exit(1 if any(v.severity >= config.fail_on for v in result.violations) else 0)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the picture here (default: standard output).")
@click.option("--scenario", metavar="NAME", default=None, help="Draw the model with this scenario applied.")
@click.option("--format", "fmt", type=click.Choice(("svg", "dot")), default="svg", show_default=True)
@_with_thresholds
def graph(file: str, output_file: str | None, scenario: str | None, fmt: str, config_file: str | None,
          corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool) -> None:
    """Draw the concentric spheres: SVG (fill by effective capacity, outline by
    the worst diagnostic, hover text with figures) or Graphviz DOT."""
    from .engine import load, paused_gc
    from .evaluator import evaluate
    from .visual import render_dot, render_svg

    config = _build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None)
    with paused_gc():
        model = load(file, config)
        result = evaluate(model, scenario, config)
        render = render_svg if fmt == "svg" else render_dot
        _emit(render(model, result), output_file)
    if model.broken:  # the picture is empty: say why on stderr, and fail as check would
        from .engine import Report
        from .report import text

        colour = _colour()
        click.echo(text.report(Report(result.violations, (file,)), _style(colour)), nl=False, color=colour, err=True)
        sys.exit(1)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default="report.html", show_default=True,
              help="Where to write the HTML ('-' for standard output).")
@click.option("--scenario", metavar="NAME", default=None, help="Compare this scenario with the baseline.")
@_with_thresholds
def report(file: str, output_file: str, scenario: str | None, config_file: str | None,
           corridor_tolerance: float | None, elasticity_threshold: float | None, rule_budget: int | None, no_cache: bool) -> None:
    """Write one self-contained HTML report: the picture, the diagnostics and the figures."""
    from .engine import load, paused_gc
    from .evaluator import evaluate
    from .visual import render_html

    config = _build_config((), (), None, corridor_tolerance, elasticity_threshold, rule_budget, config_file, file,
                           cache=False if no_cache else None)
    with paused_gc():
        model = load(file, config)
        result = evaluate(model, scenario, config)
        _emit(render_html(model, None, result), None if output_file == "-" else output_file)
    if output_file != "-":
        click.echo(f"wrote {output_file}", err=True)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--scenario", metavar="NAME", default=None, help="Dump the model with this scenario applied.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None, help="Write the JSON here.")
def dump(file: str, scenario: str | None, output_file: str | None) -> None:
    """Print the resolved model as JSON (a versioned shape, see spherelang.report.dump)."""
    import json

    from .engine import load, paused_gc
    from .evaluator import apply_scenario
    from .report.dump import dump_object

    with paused_gc():
        model = load(file)
        if scenario is not None:
            model = apply_scenario(model, scenario)
        text = json.dumps(dump_object(model), ensure_ascii=False, separators=(",", ":")) + "\n"
    _emit(text, output_file)


@cli.command()
@click.argument("code")
@click.argument("paths", nargs=-1, type=click.Path())
def explain(code: str, paths: tuple[str, ...]) -> None:
    """Print the documentation of a diagnostic code.

    Built-in and plugin codes are known everywhere; the codes of `rule` blocks
    are looked up in PATHS (default: the *.sphere files under the current directory).
    """
    from .catalog import all_codes

    wanted = code.strip()
    info = all_codes().get(wanted.upper()) or all_codes().get(wanted)
    if info is None:
        codes = all_codes(find_entries(paths or (".",)))
        info = codes.get(wanted) or codes.get(wanted.upper())
    if info is None:
        raise click.UsageError(f"unknown code '{code}' (see 'sphere rules')")
    click.echo(f"{info.code} ({info.name}) — {info.summary}\n"
               f"default severity: {info.severity.label}; family: {info.family}; origin: {info.origin}\n")
    click.echo(info.doc)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def rules(paths: tuple[str, ...], fmt: str) -> None:
    """List every code: built-in, plugin rules and the `rule`s in PATHS."""
    import json

    from .catalog import all_codes

    infos = all_codes(find_entries(paths) if paths else ())
    if fmt == "json":
        click.echo(json.dumps([{"code": i.code, "name": i.name, "severity": i.severity.label,
                                "summary": i.summary, "family": i.family, "origin": i.origin}
                               for i in infos.values()], ensure_ascii=False, indent=2))
        return
    for i in infos.values():
        click.echo(f"{i.code:<8} {i.severity.label:<8} {i.summary}" + ("" if i.origin == "built-in"
                                                                     else f"  [{i.origin}]"))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of each change and exit 1 if any.")
def fmt(paths: tuple[str, ...], check: bool, diff: bool) -> None:
    """Format .sphere files in the one canonical layout ('-' reads stdin, writes stdout).

    A file with a syntax error is left untouched and reported (exit 1).
    """
    from .fmt.command import STDIN, run

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

    from .report.paths import display_path
    from .testing import coverage_object, run_tests

    config = _build_config((), (), None, None, None, None, config_file, paths[0] if paths else ".")
    entries = find_entries(paths or (".",), config.exclude)
    run = run_tests(entries, config)
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


def run() -> None:
    """The console script: :func:`main`, in a process that ends as soon as it is done.

    A checker run builds millions of small objects and keeps them to the end;
    the cyclic collector would only walk them again (about a sixth of a large
    run), and tearing them down one by one at exit costs as much again. So the
    command line runs with the collector off and leaves without the teardown,
    after flushing its output (as mypy does). The API (``main``) does neither.
    """
    import gc

    gc.disable()
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    else:
        code = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: bad input never shows a traceback; a crash is reported as a bug."""
    from .errors import SphereError

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    try:
        os.getcwd()
    except OSError as exc:  # every relative path, and every path shown, depends on it
        click.echo(f"sphere: error: the working directory is gone ({exc.strerror}); change to an existing one",
                   err=True)
        sys.exit(2)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="sphere", standalone_mode=False)
        sys.exit(0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except SphereError as exc:
        click.echo(f"sphere: error: {exc}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
    except RecursionError:
        click.echo("sphere: internal error: recursion too deep; this is a bug in spherelang, please report it",
                   err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        click.echo(f"sphere: internal error: {type(exc).__name__}: {exc}\n"
                   "this is a bug in spherelang; please report it with the input that caused it", err=True)
        if os.environ.get("SPHERE_DEBUG"):
            raise
        sys.exit(2)

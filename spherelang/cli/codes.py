"""``sphere explain`` and ``sphere rules``: what each code means."""

from __future__ import annotations

import click

from .group import cli
from .discovery import find_entries

@cli.command()
@click.argument("code")
@click.argument("paths", nargs=-1, type=click.Path())
def explain(code: str, paths: tuple[str, ...]) -> None:
    """Print the documentation of a diagnostic code.

    Built-in and plugin codes are known everywhere; the codes of `rule` blocks
    are looked up in PATHS (default: the *.sphere files under the current directory).
    """
    from ..catalog import all_codes

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

    from ..catalog import all_codes

    infos = all_codes(find_entries(paths) if paths else ())
    if fmt == "json":
        click.echo(json.dumps([{"code": i.code, "name": i.name, "severity": i.severity.label,
                                "summary": i.summary, "family": i.family, "origin": i.origin}
                               for i in infos.values()], ensure_ascii=False, indent=2))
        return
    for i in infos.values():
        click.echo(f"{i.code:<8} {i.severity.label:<8} {i.summary}" + ("" if i.origin == "built-in"
                                                                     else f"  [{i.origin}]"))

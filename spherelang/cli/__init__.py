"""The ``sphere`` command line (LANGUAGE.md §7).

Exit status: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for
usage, configuration or internal errors. Each command imports what it needs
when it runs, so that ``sphere --help`` starts quickly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from . import analysis, check, codes, models, server, tools, trend  # noqa: F401  (each adds its commands to the group)
from .group import cli
from .discovery import find_entries

__all__ = ["cli", "find_entries", "main", "run"]


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
    from ..errors import SphereError

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

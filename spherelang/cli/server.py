"""``sphere server``: the language server, for editors."""

from __future__ import annotations

import click

from .group import cli


@cli.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the only way; accepted because "
              "editors pass it).")
def server(stdio: bool) -> None:
    """Run the language server (LSP) over standard input and output.

    Editors start it; see the README's "Language server" section.
    """
    import gc

    # the command line turns the collector off for a run that ends; a server lives on
    gc.enable()
    from ..server import serve

    serve()

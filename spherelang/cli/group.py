"""The ``sphere`` command group; each command module adds its commands to it."""

from __future__ import annotations

import click

from ..version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sphere")
def cli() -> None:
    """Lint and evaluate governance models of dynamic concentric spheres."""

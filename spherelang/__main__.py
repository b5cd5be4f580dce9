"""``python -m spherelang`` runs the ``sphere`` command."""

from .cli import run

run()

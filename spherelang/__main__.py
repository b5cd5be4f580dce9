"""``python -m spherelang`` runs the ``sphere`` command."""

from .cli import main

main()

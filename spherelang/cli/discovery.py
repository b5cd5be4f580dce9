"""Which files a run checks: the files named, and ``*.sphere`` files found in
the directories named, less what the configuration excludes (ruff's rules).

``exclude`` patterns are gitignore-style and anchored at the directory of the
configuration file that declares them; a path is judged by the configuration
that governs the directory it lies in (a file by its own nearest one, a
directory by its parent's). A path named on the command line is checked
whatever ``exclude`` says unless ``--force-exclude`` (or ``force-exclude =
true``) is set; then it is left out when it, or a directory above it, is
excluded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import click

if TYPE_CHECKING:
    from ..settings import ConfigResolver, Settings

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"})


@attrs.frozen
class Discovery:
    """The entry files found, and the paths named that ``--force-exclude`` left out."""

    entries: tuple[str, ...]
    excluded: tuple[str, ...] = ()


class Excluder:
    """Whether a path is excluded, by the configuration that governs it."""

    def __init__(self, resolver: ConfigResolver) -> None:
        self.resolver = resolver
        self._specs: dict[str | None, Any] = {}

    def _spec(self, settings: Settings) -> Any:
        spec = self._specs.get(settings.path)
        if spec is None and settings.path not in self._specs:
            import pathspec  # gitignore semantics, not fnmatch's (see pyproject.toml)

            patterns = settings.config.exclude
            spec = self._specs[settings.path] = pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None
        return spec

    def excluded(self, path: str, is_dir: bool, named: str | None = None) -> bool:
        """Whether ``path`` matches the ``exclude`` of the configuration that
        governs its directory, relative to that configuration's directory.

        ``named``: an excluded directory the command line named (absolute),
        which ``path`` lies in: a pattern that excludes ``path`` only as part
        of that directory is overruled, as the directory itself is."""
        full = os.path.abspath(path)
        settings = self.resolver.for_directory(os.path.dirname(full))
        spec = self._spec(settings)
        rel = _inside(full, settings.directory) if spec is not None else None
        if rel is None:
            return False
        if named is None:
            return bool(spec.match_file(rel + ("/" if is_dir else "")))
        result = spec.check_file(rel + ("/" if is_dir else ""))
        if not result.include:
            return False
        top = _inside(named, settings.directory)
        return top is None or spec.patterns[result.index].match_file(top + "/") is None

    def excluded_or_inside(self, path: str) -> bool:
        """Whether ``path`` or a directory above it is excluded (``--force-exclude``
        on a path named on the command line)."""
        here = os.path.abspath(path)
        is_dir = os.path.isdir(here)
        while True:
            if self.excluded(here, is_dir):
                return True
            parent = os.path.dirname(here)
            if parent == here:
                return False
            here, is_dir = parent, True

    def forced(self, path: str, force_exclude: bool | None) -> bool:
        """Whether a path named on the command line is left out: ``--force-exclude``,
        else the ``force-exclude`` of the configuration that governs it."""
        if force_exclude is None:
            settings = (self.resolver.for_directory(path) if os.path.isdir(path)
                        else self.resolver.for_file(path))
            force_exclude = settings.config.force_exclude
        return force_exclude and self.excluded_or_inside(path)


def discover(paths: Sequence[str], resolver: ConfigResolver | None = None,
             force_exclude: bool | None = None) -> Discovery:
    """Files named, and ``*.sphere`` files found recursively in directories,
    less what the configurations exclude (none without ``resolver``)."""
    excluder = Excluder(resolver) if resolver is not None else None
    entries: list[str] = []
    left_out: list[str] = []
    for path in paths:
        if not os.path.lexists(path):
            raise click.UsageError(f"{path}: no such file or directory")
        if not os.path.isdir(path) and not os.path.isfile(path):
            raise click.UsageError(f"{path}: not a regular file")
        if excluder is not None and excluder.forced(path, force_exclude):
            left_out.append(path)
        elif os.path.isdir(path):
            entries.extend(_walk(path, excluder))
        else:
            entries.append(path)
    return Discovery(tuple(dict.fromkeys(entries)), tuple(left_out))


def find_entries(paths: Sequence[str], resolver: ConfigResolver | None = None,
                 force_exclude: bool | None = None) -> list[str]:
    """The entry files of :func:`discover`."""
    return list(discover(paths, resolver, force_exclude).entries)


def _walk(top: str, excluder: Excluder | None) -> Iterator[str]:
    """The ``*.sphere`` files under ``top``, in a fixed order; an excluded
    directory is not entered. ``top`` was named, so its own exclusion (or
    that of a directory above it) is overruled for what lies in it."""
    named = os.path.abspath(top) if excluder is not None and excluder.excluded_or_inside(top) else None

    def excluded(path: str, is_dir: bool) -> bool:
        return excluder is not None and excluder.excluded(path, is_dir, named)

    for here, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and not excluded(os.path.join(here, d), True))
        for name in sorted(files):
            full = os.path.join(here, name)
            if name.endswith(".sphere") and not excluded(full, False):
                yield full


def _inside(path: str, directory: str | None) -> str | None:
    """``path`` relative to ``directory`` with '/' separators, if it lies
    strictly inside it; else ``None``."""
    if directory is None:
        return None
    rel = os.path.relpath(path, directory)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")

"""How file paths appear in output: relative to the working directory when the
file is inside it (with '/' separators), otherwise as they are."""

from __future__ import annotations

import os


def display_path(path: str) -> str:
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    if rel == ".." or rel.startswith(".." + os.sep):
        return path
    return rel.replace(os.sep, "/")

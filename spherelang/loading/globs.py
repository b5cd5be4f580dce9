"""Import globs without the dangers of ``glob.glob(recursive=True)``.

The standard glob follows directory symlinks under ``**``, so a link to ``..``
makes it walk the same files under endless aliases (two such links: a hang).
This walk never follows a directory symlink, visits each real directory once,
and stops after a bounded number of matches.
"""

from __future__ import annotations

import os
import re
import warnings

_MAGIC = re.compile(r"[*?\[]")


def _segment(seg: str) -> str:
    """One path segment's pattern as a regex (``*`` and ``?`` stay inside it)."""
    out, i = [], 0
    while i < len(seg):
        ch = seg[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = seg.find("]", i + 2 if seg[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = seg[i + 1 : end]
                body = "^" + body[1:] if body.startswith("!") else body
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


class BadGlob(ValueError):
    """The pattern cannot be read as a glob (e.g. an empty or reversed ``[...]`` class)."""


def _regex(parts: list[str]) -> re.Pattern[str]:
    pieces = []
    for k, seg in enumerate(parts):
        last = k == len(parts) - 1
        if seg == "**":
            pieces.append(".*" if last else "(?:[^/]*/)*")
        else:
            pieces.append(_segment(seg) + ("" if last else "/"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # '[[' and the like: future syntax, refuse now
            return re.compile("".join(pieces) + r"\Z")
    except (re.error, FutureWarning) as exc:
        raise BadGlob(str(exc)) from None


def glob_base(pattern: str) -> str:
    """The directory a pattern's walk starts from (its leading names without magic)."""
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) and not _MAGIC.search(parts[fixed]) and parts[fixed] != "**":
        fixed += 1
    return "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else ".")


def safe_glob(pattern: str, limit: int = 10_000) -> list[str]:
    """Files (not directories) matching ``pattern``, sorted; ``**`` spans
    directories but never through a directory symlink. Raises :class:`BadGlob`."""
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) and not _MAGIC.search(parts[fixed]) and parts[fixed] != "**":
        fixed += 1
    base = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else ".")
    rest = parts[fixed:]
    if not rest:
        return [pattern] if os.path.isfile(pattern) else []
    matcher = _regex(rest)
    deep = "**" in rest
    depth = len(rest)
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for here, dirs, files in os.walk(base, followlinks=False):
        st = os.stat(here)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        rel_dir = os.path.relpath(here, base).replace(os.sep, "/")
        level = 0 if rel_dir == "." else rel_dir.count("/") + 1
        if not deep and level >= depth - 1:
            dirs[:] = []  # a pattern without ** never looks deeper than it names
        dirs.sort()
        for name in sorted(files):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if matcher.match(rel):
                found.append(os.path.join(here, name))
                if len(found) >= limit:
                    return sorted(found)
    return sorted(found)

"""Inline expectations in .sphere files: ``// expect: CODE[, CODE] [~ "text"]``.

Every line must carry exactly the codes its comment names (and, with ``~``, one
of its messages must contain the text); lines without a comment carry none.
Shared by the case tests and ``sphere test``-style checks.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable

from spherelang.diagnostics import Diagnostic

EXPECT = re.compile(r'//\s*expect:\s*([A-Z0-9_, ]+?)\s*(?:~\s*"([^"]*)")?\s*$')


def sphere_files(root: str) -> list[str]:
    if os.path.isfile(root):
        return [root]
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".sphere"))


def expectations(root: str) -> dict[tuple[str, int], tuple[set[str], str | None]]:
    exp = {}
    for path in sphere_files(root):
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            for no, line in enumerate(fh.read().splitlines(), 1):
                m = EXPECT.search(line)
                if m:
                    codes = {c.strip() for c in m.group(1).split(",") if c.strip()}
                    exp[(os.path.realpath(path), no)] = (codes, m.group(2))
    return exp


def mismatches(root: str, violations: Iterable[Diagnostic]) -> list[str]:
    got: dict[tuple[str, int], set[str]] = defaultdict(set)
    msgs: dict[tuple[str, int], list[str]] = defaultdict(list)
    for v in violations:
        key = (os.path.realpath(v.span.file), v.span.line)
        got[key].add(v.code)
        msgs[key].append(v.message)
    exp = expectations(root)
    base = root if os.path.isdir(root) else os.path.dirname(root)
    problems = []
    for key in sorted(set(exp) | set(got)):
        want, text = exp.get(key, (set(), None))
        have = got.get(key, set())
        where = f"{os.path.relpath(key[0], base)}:{key[1]}"
        if want != have:
            problems.append(f"{where}: expected {sorted(want)}, got {sorted(have)} {msgs.get(key, [])}")
        elif text and not any(text in m for m in msgs[key]):
            problems.append(f"{where}: no message contains {text!r}: {msgs[key]}")
    return problems

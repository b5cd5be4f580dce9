"""Inline expectations: ``// expect: CODE[, CODE] [~ "text"]`` comments.

A line with such a comment must carry exactly those codes (and, with ``~``,
one of its messages must contain the text); a line without one must carry
none. This is how ``sphere test`` and the project's own case suite judge
models, the way the public conformance cases do.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable

import attrs

from .diagnostics import Diagnostic
from .syntax.source import BOM, normalize_newlines

# codes are NAMEs (a user rule's may be 'no_power' or 'Правило1'), separated by commas
EXPECT = re.compile(r'//\s*expect:\s*(\w+(?:\s*,\s*\w+)*)\s*(?:~\s*"([^"]*)")?\s*$')

Key = tuple[str, int]  # real path, line


@attrs.frozen(slots=True)
class Expectation:
    codes: frozenset[str]
    text: str | None = None


@attrs.frozen(slots=True)
class Mismatch:
    path: str
    line: int
    expected: tuple[str, ...]
    got: tuple[str, ...]
    messages: tuple[str, ...] = ()
    text: str | None = None

    def describe(self, shown: str) -> str:
        if self.expected == self.got and self.text is not None:
            return f"{shown}:{self.line}: no message contains {self.text!r}: {list(self.messages)}"
        return f"{shown}:{self.line}: expected {list(self.expected)}, got {list(self.got)}"


def read_expectations(paths: Iterable[str]) -> dict[Key, Expectation]:
    found: dict[Key, Expectation] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue  # the check reports an unreadable file itself
        # lenient on purpose: a case about a bad byte still states its expectation
        text = normalize_newlines(data.decode("utf-8", errors="replace").removeprefix(BOM))
        for number, line in enumerate(text.split("\n"), 1):
            match = EXPECT.search(line)
            if match:
                codes = frozenset(c.strip() for c in match.group(1).split(",") if c.strip())
                found[(os.path.realpath(path), number)] = Expectation(codes, match.group(2))
    return found


def compare(expected: dict[Key, Expectation], violations: Iterable[Diagnostic],
            judged: set[str]) -> list[Mismatch]:
    """Mismatches on the lines of the ``judged`` files (real paths)."""
    got: dict[Key, set[str]] = defaultdict(set)
    messages: dict[Key, list[str]] = defaultdict(list)
    for v in violations:
        key = (os.path.realpath(v.span.file), v.span.line)
        if key[0] in judged:
            got[key].add(v.code)
            messages[key].append(v.message)
    out = []
    for key in sorted(set(expected) | set(got)):
        want = expected.get(key, Expectation(frozenset()))
        have = got.get(key, set())
        if set(want.codes) != have:
            out.append(Mismatch(key[0], key[1], tuple(sorted(want.codes)), tuple(sorted(have)),
                                tuple(messages.get(key, ()))))
        elif want.text and not any(want.text in m for m in messages[key]):
            out.append(Mismatch(key[0], key[1], tuple(sorted(want.codes)), tuple(sorted(have)),
                                tuple(messages[key]), want.text))
    return out

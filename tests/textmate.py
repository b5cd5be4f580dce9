"""A small TextMate grammar tokenizer, enough to test editors/vscode/syntaxes/sphere.tmLanguage.json.

It follows vscode-textmate's algorithm for the parts the grammar uses: a
line at a time (with its newline, so ``$`` works as in Oniguruma), the end
pattern of the rule on top of the stack tried first, the earliest match wins
and the first listed wins a tie; ``match`` and ``begin``/``end`` rules,
``include`` (``#name``, ``$self``), ``name``, ``contentName``, ``captures``
(with ``patterns``), ``beginCaptures``, ``endCaptures`` and ``$1`` in names.
Regular expressions are compiled with Python's :mod:`re`: the grammar keeps
to the part of Oniguruma's syntax that means the same in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

Rule = Mapping[str, Any]
Token = tuple[str, tuple[str, ...]]


@attrs.frozen
class _Frame:
    rule: Rule
    scopes: tuple[str, ...]  # the rule's own scopes (begin and end captures sit in these)
    inner: tuple[str, ...]  # plus its contentName: what its patterns' text gets


class Grammar:
    """A TextMate grammar loaded from its JSON."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self._compiled: dict[str, re.Pattern[str]] = {}
        self._patterns: dict[int, list[Rule]] = {}  # by id(): the rules live as long as the grammar

    def regex(self, source: str) -> re.Pattern[str]:
        if source not in self._compiled:
            self._compiled[source] = re.compile(source)
        return self._compiled[source]

    def patterns(self, rule: Rule) -> list[Rule]:
        """The rules a rule's ``patterns`` stand for, includes expanded."""
        if id(rule) not in self._patterns:
            self._patterns[id(rule)] = list(self._expand(rule))
        return self._patterns[id(rule)]

    def _expand(self, rule: Rule) -> Iterator[Rule]:
        for item in rule.get("patterns", ()):
            if "include" in item:
                target = item["include"]
                included = self.raw if target == "$self" else self.raw["repository"][target.removeprefix("#")]
                if "match" in included or "begin" in included:
                    yield included
                else:
                    yield from self._expand(included)
            else:
                yield item

    def tokenize(self, text: str) -> list[list[Token]]:
        """The tokens of each line of ``text``: (text, scopes below ``source.sphere``)."""
        stack = [_Frame(self.raw, (), ())]
        return [_drop_newline(self._line(line + "\n", stack)) for line in text.split("\n")]

    def _line(self, line: str, stack: list[_Frame]) -> list[Token]:
        scopes: list[tuple[str, ...]] = [()] * len(line)
        pos, seen, cache = 0, set(), {}
        while pos <= len(line):
            if (pos, len(stack)) in seen or len(stack) > 200:
                raise AssertionError(f"the grammar loops at column {pos} of {line!r}")
            seen.add((pos, len(stack)))
            frame = stack[-1]
            found = self._earliest(line, pos, frame, cache)
            if found is None:
                break
            rule, m, is_end = found
            self._fill(scopes, pos, m.start(), frame.inner)
            if is_end:
                self._paint(scopes, m, frame.scopes, frame.rule.get("endCaptures", frame.rule.get("captures")))
                stack.pop()
            elif "match" in rule:
                self._paint(scopes, m, frame.inner + _names(rule.get("name"), m), rule.get("captures"))
            else:
                own = frame.inner + _names(rule.get("name"), m)
                self._paint(scopes, m, own, rule.get("beginCaptures", rule.get("captures")))
                stack.append(_Frame(rule, own, own + _names(rule.get("contentName"), m)))
            pos = m.end()
        self._fill(scopes, pos, len(line), stack[-1].inner)
        return _merge(line, scopes)

    def _earliest(self, line: str, pos: int, frame: _Frame,
                  cache: dict[str, re.Match[str] | None]) -> tuple[Rule, re.Match[str], bool] | None:
        best: tuple[Rule, re.Match[str], bool] | None = None
        if "end" in frame.rule:
            m = self._search(frame.rule["end"], line, pos, cache)
            if m:
                best = (frame.rule, m, True)
        for rule in self.patterns(frame.rule):
            m = self._search(rule.get("match") or rule["begin"], line, pos, cache)
            if m and (best is None or m.start() < best[1].start()):
                best = (rule, m, False)
        return best

    def _search(self, source: str, line: str, pos: int, cache: dict[str, re.Match[str] | None]) -> re.Match[str] | None:
        """The leftmost match at or after ``pos``; a match found by an earlier
        search of the line still is one if it starts at or after ``pos``, and a
        search that found none still finds none (as Oniguruma's scanners cache)."""
        if source in cache:
            m = cache[source]
            if m is None or m.start() >= pos:
                return m
        cache[source] = m = self.regex(source).search(line, pos)
        return m

    def _paint(self, scopes: list[tuple[str, ...]], m: re.Match[str], base: tuple[str, ...],
               captures: Mapping[str, Any] | None) -> None:
        self._fill(scopes, m.start(), m.end(), base)
        for group, capture in sorted((captures or {}).items(), key=lambda kv: int(kv[0])):
            start, end = m.span(int(group))
            if start < 0 or start == end:
                continue
            extra = _names(capture.get("name"), m)
            for i in range(start, end):
                scopes[i] = scopes[i] + extra
            if "patterns" in capture:
                inner = self._line(m.string[start:end], [_Frame(capture, (), ())])
                i = start
                for text, more in inner:
                    for j in range(i, i + len(text)):
                        scopes[j] = scopes[j] + more
                    i += len(text)

    @staticmethod
    def _fill(scopes: list[tuple[str, ...]], start: int, end: int, value: tuple[str, ...]) -> None:
        for i in range(start, end):
            scopes[i] = value


def _names(name: str | None, m: re.Match[str]) -> tuple[str, ...]:
    if not name:
        return ()
    return tuple(re.sub(r"\$(\d+)", lambda r: m.group(int(r.group(1))) or "", name).split())


def _merge(line: str, scopes: list[tuple[str, ...]]) -> list[Token]:
    tokens: list[Token] = []
    for ch, sc in zip(line, scopes):
        if tokens and tokens[-1][1] == sc:
            tokens[-1] = (tokens[-1][0] + ch, sc)
        else:
            tokens.append((ch, sc))
    return tokens


def _drop_newline(tokens: list[Token]) -> list[Token]:
    text, scopes = tokens[-1]
    return tokens[:-1] + [(text[:-1], scopes)] if len(text) > 1 else tokens[:-1]

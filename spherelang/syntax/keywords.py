"""The reserved words of the sphere language (LANGUAGE.md §2).

They are the grammar's word-shaped string terminals (``POWER: "power"``). The
grammar needs one terminal per keyword anyway, so the set is read from it
rather than kept as a second list. The post-lexer retypes a NAME spelled like
a keyword to the terminal named after it in capitals, so each keyword's
terminal must be named that way; reading the set checks it.
"""

from __future__ import annotations

from .terminals import literals


def _keywords() -> frozenset[str]:
    words = set()
    for name, text in literals().items():
        if text.isidentifier():
            if name != text.upper():
                raise RuntimeError(f"the grammar's keyword terminal {name} must be named {text.upper()}")
            words.add(text)
    return frozenset(words)


KEYWORDS = _keywords()

"""The reserved words of the sphere language (LANGUAGE.md §2).

They are the grammar's word-shaped string terminals (``POWER: "power"``), less
the contextual ones (:data:`CONTEXTUAL`). The
grammar needs one terminal per keyword anyway, so the set is read from it
rather than kept as a second list. The post-lexer retypes a NAME spelled like
a keyword to the terminal named after it in capitals, so each keyword's
terminal must be named that way; reading the set checks it.
"""

from __future__ import annotations

from .terminals import literals

#: Words the grammar has terminals for but does not reserve: the contextual
#: lexer makes them only where the grammar accepts them, and they stay valid
#: names everywhere else (LANGUAGE.md §8.3: ``year``, ``illustrative``).
CONTEXTUAL = frozenset({"year", "illustrative"})


def _keywords() -> frozenset[str]:
    words = set()
    for name, text in literals().items():
        if text.isidentifier() and text not in CONTEXTUAL:
            if name != text.upper():
                raise RuntimeError(f"the grammar's keyword terminal {name} must be named {text.upper()}")
            words.add(text)
    return frozenset(words)


KEYWORDS = _keywords()

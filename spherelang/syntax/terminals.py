"""The shipped grammar file, and the terminals it defines.

The grammar (``grammar/sphere.lark``) is the one definition of the language's
lexemes. The LALR parser is built from it; the keyword set and the fast path's
line patterns read their lexemes from it here, so there is no second copy to
keep in step. Reading the terminal definitions is a scan of one small text
file, far cheaper than building the parser, so code that needs only lexemes
(the fast path on a plain model never builds the LALR tables) does not pay
for the parser.

Two forms of definition are read, one per line: ``NAME: "literal"`` (no
escapes) and ``NAME: /regex/`` (no flags). Their regular expressions mean the
same to Python's :mod:`re` as to Lark, which compiles the same text with it.
A terminal written any other way (alternatives, templates, priorities) is not
offered: asking for it raises :class:`KeyError` rather than guessing.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

_DEFINITION = re.compile(
    r'^(?P<name>_?[A-Z][A-Z0-9_]*)[ \t]*:[ \t]*'
    r'(?:"(?P<literal>[^"\\\n]+)"|/(?P<regex>(?:[^/\\\n]|\\[^\n])+)/)[ \t]*$',
    re.MULTILINE,
)


def grammar_path() -> Path:
    """The grammar file: inside the installed package (``spherelang.grammar``), or,
    when running from a source checkout that shadows the install, ``grammar/``."""
    try:
        return Path(str(resources.files("spherelang.grammar").joinpath("sphere.lark")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "grammar" / "sphere.lark"


def grammar_text() -> str:
    """The grammar text (see :func:`grammar_path`)."""
    return grammar_path().read_text(encoding="utf-8")


@functools.cache
def _definitions() -> tuple[dict[str, str], dict[str, str]]:
    """The grammar's literal terminals (name to text) and regex terminals
    (name to pattern), read once per process."""
    literals: dict[str, str] = {}
    regexes: dict[str, str] = {}
    for m in _DEFINITION.finditer(grammar_text()):
        if m.group("literal") is not None:
            literals[m.group("name")] = m.group("literal")
        else:
            regexes[m.group("name")] = m.group("regex")
    return literals, regexes


def literals() -> dict[str, str]:
    """Every terminal defined as a plain string, by name (``{"POWER": "power", "COLON": ":", ...}``)."""
    return dict(_definitions()[0])


def literal(name: str) -> str:
    """The text of the string terminal ``name`` (``literal("COLON") == ":"``)."""
    return _definitions()[0][name]


def pattern(name: str) -> str:
    """A Python regular expression, safe to embed in a larger one, that matches
    exactly what the terminal ``name`` matches: a regex terminal's pattern in a
    non-capturing group, or a string terminal's text escaped."""
    literal_text, regex = _definitions()[0].get(name), _definitions()[1].get(name)
    if literal_text is not None:
        return re.escape(literal_text)
    if regex is None:
        raise KeyError(name)
    return f"(?:{regex})"

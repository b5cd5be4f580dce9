"""A Pygments lexer for ``.sphere`` files (``pygmentize -l sphere``, Sphinx, MkDocs).

Pygments is not a dependency of spherelang: only Pygments imports this module,
through the ``pygments.lexers`` entry point, so nothing else in the package
may import it.

The lexer reads the keywords, NAME and NUMBER from the grammar, as the parser
does, and follows the statements only as far as highlighting needs: the words
after ``sphere``, ``:``, ``allow``, ``rule`` or ``from`` say what they name,
a NAME after an amount is its unit, and ``year`` and ``illustrative`` are
keywords only in an indicator or a capacity (LANGUAGE.md §8.3). Every
statement state ends at the end of its line, a ``;`` or a brace, so a broken
line never colours the next one.

It never yields an Error token: a character the language has no use for is
plain Text. Documentation shows broken models too (SPH001's example), and
Sphinx drops the highlighting of a whole block over a single Error token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from .syntax.keywords import CONTEXTUAL, KEYWORDS
from .syntax.terminals import pattern

__all__ = ["SphereLexer"]

_NAME = pattern("NAME")
_NUMBER = pattern("NUMBER")
#: a character that continues a NAME: a keyword must not be followed by one
_NAME_GOES_ON = r"[^\s\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]"
_END = rf"(?!{_NAME_GOES_ON})"
_PATH = rf"{_NAME}(?:\.{_NAME})*"
#: spaces within a line (the grammar's WS, and the CR of a CRLF)
_SP = r"[ \t\f\v\r]+"
_SP0 = r"[ \t\f\v\r]*"

#: the words that start a statement
_DECLARATIONS = frozenset({"model", "import", "layers", "sphere", "power", "responsibility", "resource",
                           "indicator", "capacity", "channel", "allow", "rule", "scenario"})
_CONSTANTS = frozenset({"true", "false", "null"})
_NOT_A_KEYWORD = rf"(?!(?:{'|'.join(sorted(KEYWORDS, key=len, reverse=True))}){_END})"

# The same pattern as the parser's (spherelang/syntax/building.py): the
# directive may follow another comment on the line, and a note may follow it.
_SUPPRESSION = re.compile(r"//\s*sphere:\s*ignore(?:\[([^\]]*)\])?\s*(?://.*)?$")
_DIRECTIVE = re.compile(r"//\s*sphere:\s*ignore")
_CODE_LIST = re.compile(r"\s+|,|[^\s,]+")

_Token = tuple[int, _TokenType, str]


def _number(_lexer: Any, match: re.Match[str]) -> Iterator[_Token]:
    text = match.group()
    kind = Number.Float if re.search(r"[.eE]", text) else Number.Integer
    yield match.start(), kind, text


def _comment(_lexer: Any, match: re.Match[str]) -> Iterator[_Token]:
    """A comment; a ``// sphere: ignore[...]`` in it is Comment.Special, its codes Name.Label."""
    text, start = match.group(), match.start()
    found = _SUPPRESSION.search(text)
    if found is None:
        yield start, Comment.Single, text
        return
    if found.start():
        yield start, Comment.Single, text[: found.start()]
    head = _DIRECTIVE.match(text, found.start())
    assert head is not None  # _SUPPRESSION starts with _DIRECTIVE
    yield start + head.start(), Comment.Special, head.group()
    rest = head.end()
    if found.group(1) is not None:
        yield start + rest, Punctuation, "["
        for part in _CODE_LIST.finditer(found.group(1)):
            kind = Whitespace if part.group().isspace() else Punctuation if part.group() == "," else Name.Label
            yield start + found.start(1) + part.start(), kind, part.group()
        yield start + found.end(1), Punctuation, "]"
        rest = found.end(1) + 1
    if rest < len(text):
        yield start + rest, Comment.Single, text[rest:]


def _keywords(group: frozenset[str], kind: _TokenType) -> tuple[Any, _TokenType]:
    return words(sorted(group, key=len, reverse=True), suffix=_END), kind


def _ends_statement() -> list[Any]:
    """The rules that close a statement state: its line, a ``;`` or a brace."""
    return [
        (r"\n", Whitespace, "#pop"),
        (r"[;{}]", Punctuation, "#pop"),
        (_SP, Whitespace),
    ]


class SphereLexer(RegexLexer):
    """Governance models of dynamic concentric spheres (spherelang)."""

    name = "Sphere"
    aliases: ClassVar[list[str]] = ["sphere"]
    filenames: ClassVar[list[str]] = ["*.sphere"]
    mimetypes: ClassVar[list[str]] = ["text/x-sphere"]

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"[\s\ufeff]+", Whitespace),  # a leading BOM is allowed
            (rf"(sphere)({_SP})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Class), "header"),
            (rf"layers{_END}", Keyword.Declaration, "layers"),
            (rf"(rule|allow)({_SP})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Label)),
            (rf"(scenario)({_SP})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (rf"(resource|responsibility)({_SP})({_NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Variable), "quantities"),
            (rf"(indicator)({_SP})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Variable), "figures"),
            (rf"capacity{_END}", Keyword.Declaration, "figures"),
            (rf"(power|channel)({_SP})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (rf"(in)({_SP})({_PATH})(?={_SP0}\{{)", bygroups(Keyword, Whitespace, Name.Namespace)),
            (rf"(for)({_SP})({_NAME})", bygroups(Keyword, Whitespace, Name.Variable)),
            (rf'(message)({_SP})(")', bygroups(Keyword, Whitespace, String.Double), "template"),
            include("tokens"),
        ],
        # `sphere NAME` up to its `{`: the layer, the title, `within PATH`
        "header": [
            *_ends_statement(),
            (rf"(:)({_SP0})({_NAME})", bygroups(Punctuation, Whitespace, Keyword.Type)),
            include("tokens"),
        ],
        "layers": [
            *_ends_statement(),
            (r">", Operator),
            (_NAME, Keyword.Type),
            include("tokens"),
        ],
        # a resource's amount or a responsibility's requirements: a NAME after an amount is its unit
        "quantities": [
            (rf"(?<=\d)({_SP})({_NOT_A_KEYWORD}{_NAME})", bygroups(Whitespace, Name.Constant)),
            *_ends_statement(),
            include("tokens"),
        ],
        # an indicator or a capacity, where `year` and `illustrative` are keywords
        "figures": [
            *_ends_statement(),
            (words(sorted(CONTEXTUAL), suffix=_END), Keyword.Pseudo),
            include("tokens"),
        ],
        "tokens": [
            include("comment"),
            (r'"', String.Double, "string"),
            (r"±|\+/-", Operator),
            (_NUMBER, _number),
            (r"\.\.", Operator),
            (rf"(\.)({_SP0})({_NAME})", bygroups(Punctuation, Whitespace, Name.Attribute)),
            (rf"(from|within|remove)({_SP})({_PATH})", bygroups(Keyword, Whitespace, Name.Namespace)),
            _keywords(_DECLARATIONS & KEYWORDS, Keyword.Declaration),
            _keywords(_CONSTANTS & KEYWORDS, Keyword.Constant),
            _keywords(KEYWORDS - _DECLARATIONS - _CONSTANTS, Keyword),
            (rf"{_NAME}(?={_SP0}\()", Name.Function),
            (_NAME, Name),
            (r"==|!=|<=|>=|[<>=+\-*/]", Operator),
            (r"[{}()\[\],;:.]", Punctuation),
            (r"\s+", Whitespace),
            # anything else: not Error (see the module's docstring)
            (r".", Text),
        ],
        "comment": [
            (r"//[^\n]*", _comment),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            (r"\\[^\n]", String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r"\\", String.Double),
            default("#pop"),  # an unclosed string ends with its line
        ],
        # a rule's message: `{expression}` holes, `{{` and `}}` for braces
        "template": [
            (r"\{\{|\}\}", String.Escape),
            (r'\{(?:[^}"\\\n]|\\[^\n])*\}', String.Interpol),
            (r"[{}]", String.Double),
            (r'[^"\\\n{}]+', String.Double),
            include("string"),
        ],
    }

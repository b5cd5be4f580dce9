"""What a failed parse says: SPH001 and SPH005 findings in words a user
understands (``expected a number``, never ``SIGNED_NUMBER``), at the place
the contract gives."""

from __future__ import annotations

import re
from collections.abc import Callable

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from ..diagnostics import Finding, Related, Span
from ..suggest import closest
from . import lexed
from .building import SyntaxProblem
from .keywords import CONTEXTUAL, KEYWORDS
from .source import EncodingProblem

#: Brackets of all kinds a file may nest; deeper is one SPH001.
MAX_NESTING = 1024


class SplitWord(Exception):
    """A keyword glued to the name after it (``powerp``): one unknown word."""

    def __init__(self, keyword: Token, rest: Token) -> None:
        self.keyword, self.rest = keyword, rest


class NestingTooDeep(Exception):
    """Brackets nested deeper than :data:`MAX_NESTING`."""

    def __init__(self, token: Token) -> None:
        self.token = token


def encoding_finding(exc: EncodingProblem, path: str) -> Finding:
    span = Span(path, exc.line, exc.column, exc.line, exc.column + 1)
    return Finding("SPH005", exc.message, span, hint=exc.hint)


_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "_NL": "a new line",
    "$END": "the end of the file",
    "COMP_OP": "a comparison",
    "GT": "'>'",
    "EQ": "'='",
    "DOTDOT": "'..'",
    "DOT": "'.'",
    "COLON": "':'",
    "COMMA": "','",
    "_SEMI": "';'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "PLUSMINUS": "'±'",
    "YEAR": "'year'",
    "ILLUSTRATIVE": "'illustrative'",
}


def describe_terminal(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name.lower() in KEYWORDS:
        return f"'{name.lower()}'"
    return name.lower().replace("_", " ")


#: Expected terminals that read better as one phrase: (terminals, phrase, also covered)
_GROUPS: tuple[tuple[set[str], str, set[str]], ...] = (
    ({"POWER", "RESPONSIBILITY", "RESOURCE", "INDICATOR", "CAPACITY", "CHANNEL", "ALLOW"},
     "a member (power, responsibility, resource, indicator, capacity, channel, allow, sphere)", {"SPHERE"}),
    ({"MODEL", "IMPORT", "LAYERS", "RULE", "SCENARIO"},
     "a statement (model, import, layers, sphere, rule, scenario)", {"SPHERE"}),
    ({"_NL", "_SEMI"}, "the end of the statement", set()),
)


def _expected_words(expected: set[str] | frozenset[str]) -> str:
    expected = set(expected)
    words: list[str] = []
    for group, label, also in _GROUPS:
        if len(expected & group) >= 2:
            expected -= group | also
            words.append(label)
    words += sorted({describe_terminal(e) for e in expected}, key=lambda w: (not w.startswith("a "), w))
    if not words:
        return "something else"
    if len(words) > 8:
        words = words[:7] + ["another token"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found(tok: Token) -> str:
    if tok.type == "$END":
        return "end of file"
    if tok.type == "_NL":
        return "end of line"
    if tok.type == "NAME":
        return f"name '{tok.value}'"
    if tok.value in KEYWORDS and tok.type == tok.value.upper():
        return f"keyword '{tok.value}'"
    return f"'{tok.value}'"


def _end_position(text: str) -> tuple[int, int]:
    """Where the file ends for a reader: just after the last line that holds
    anything (the empty "line" after a final newline is no line of the file)."""
    body = text.rstrip()
    line = body.count("\n") + 1
    return line, len(body) - (body.rfind("\n") + 1) + 1


def syntax_finding(exc: Exception, text: str, path: str) -> Finding:
    hint: str | None = None
    if isinstance(exc, SyntaxProblem):
        return Finding("SPH001", exc.message, exc.span, hint=exc.hint)
    if isinstance(exc, SplitWord):
        kw, rest = exc.keyword, exc.rest
        word = kw.value + rest.value
        line, column = lexed.start(kw)
        span = Span(path, line, column, line, column + len(word))
        return Finding("SPH001", f"unexpected name '{word}'; expected a keyword such as '{kw.value}'",
                          span, hint=f"did you mean '{kw.value} {rest.value}'?")
    if isinstance(exc, NestingTooDeep):
        line, column = lexed.start(exc.token)
        span = Span(path, line, column, line, column + 1)
        return Finding("SPH001", f"nesting deeper than {MAX_NESTING} levels", span,
                          hint="flatten the model: split deep chains into separate files joined with 'within'")
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            line, column = _end_position(text)
            span = Span(path, line, column, line, column)
        else:
            line, column = lexed.start(tok)
            span = Span(path, line, column, tok.end_line or line, tok.end_column or column + max(1, len(tok.value)))
        expected = _really_expected(exc)
        meant = _meant_keyword(tok, expected)
        if meant is not None:  # a misspelt keyword: name the one meant, not everything that fits
            return Finding("SPH001", f"unexpected {_found(tok)}; expected a keyword such as '{meant}'", span,
                           hint=f"did you mean '{meant}'?")
        message = f"unexpected {_found(tok)}; expected {_expected_words(expected)}"
        if tok.type.lower() in KEYWORDS and "NAME" in exc.expected:
            hint = f"'{tok.value}' is a keyword and cannot be used as a name"
        elif tok.type == "$END" and "RBRACE" in exc.expected:
            hint = "a '{' is never closed"
            opened = unclosed_brace(text, path)
            if opened is not None:  # the contract puts the error at the end; the reader needs the '{'
                return Finding("SPH001", message, span, hint="add the '}' that closes it",
                               related=(Related(opened, "this '{' is never closed"),))
        elif tok.type == "RBRACE" and not _has_open_brace(text, tok):
            hint = "this '}' closes nothing"
        return Finding("SPH001", message, span, hint=hint)
    if isinstance(exc, UnexpectedCharacters):
        # lark declares pos_in_stream None on the class; its lexer sets the offset
        pos: object = exc.pos_in_stream
        char = text[pos] if isinstance(pos, int) and 0 <= pos < len(text) else ""
        span = Span(path, exc.line, exc.column, exc.line, exc.column + 1)
        if char == '"':
            return Finding("SPH001", "unterminated string", span,
                              hint='close the string with \'"\' on the same line')
        words = _expected_words(exc.allowed or set())
        message = f"unexpected character {char!r}" + (f"; expected {words}" if words else "")
        return Finding("SPH001", message, span, hint=hint)
    line, column = _end_position(text)  # UnexpectedEOF and anything else lark may raise
    return Finding("SPH001", "unexpected end of the file", Span(path, line, column, line, column))


def _really_expected(exc: UnexpectedToken) -> set[str]:
    """The tokens that would let the parse go on. The contextual lexer's own
    set includes always-accepted newlines even where the grammar has no place
    for one, and an LALR state shared by several blocks lists what fits only
    in the others (``for`` and ``remove`` after a sphere's member): each
    candidate is tried on a copy of the parser, and only those it takes count."""
    try:
        accepts: Callable[[], set[str]] = exc.interactive_parser.accepts  # lark leaves it unannotated
        return {t for t in accepts() if t.isupper() or t == "$END"}
    except Exception:  # noqa: BLE001 - lark internals vary; fall back to its own set
        return set(exc.expected)


def _meant_keyword(tok: Token, expected: set[str]) -> str | None:
    """The keyword a word that fits nowhere was probably meant to be (``powr``:
    ``power``; ``require`` where only ``requires`` fits), among the keywords
    that fit there; ``None`` where a name fits too (a misspelt keyword would
    then have been taken for a name) or no keyword is close."""
    if "NAME" in expected or not (tok.type == "NAME" or tok.value in KEYWORDS):
        return None
    fitting = [t.lower() for t in expected if t.lower() in KEYWORDS or t.lower() in CONTEXTUAL]
    return closest(str(tok.value), sorted(fitting))


#: What braces are counted among: strings (closed or not) and comments hide them.
_BRACE_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|//[^\n]*|[{}\n]')


def unclosed_brace(text: str, path: str) -> Span | None:
    """The innermost '{' of ``text`` that no '}' closes (braces in strings and
    comments do not count), or ``None``."""
    opened: list[Span] = []
    line, line_start = 1, 0
    for match in _BRACE_SCAN.finditer(text):
        found = match.group()
        if found == "\n":
            line, line_start = line + 1, match.end()
        elif found == "{":
            column = match.start() - line_start + 1
            opened.append(Span(path, line, column, line, column + 1))
        elif found == "}" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _has_open_brace(text: str, tok: Token) -> bool:
    start = tok.start_pos if tok.start_pos is not None else 0
    before = text[:start]
    return before.count("{") > before.count("}")

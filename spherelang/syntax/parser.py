"""The parser: the shipped Lark grammar, built once per process, LALR with a
contextual lexer and the AST built inline during parsing.

Lark's exceptions never leave this module: every failure becomes a
:class:`ParseFailure` holding SPH001 or SPH005 findings with words a
user understands (``expected a number``, never ``SIGNED_NUMBER``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator

import attrs
from lark import Lark, Token
from lark.exceptions import UnexpectedInput, UnexpectedToken

from ..diagnostics import Finding, Span
from . import ast
from .building import (
    CURRENT_FILE,
    SUPPRESSIONS,
    SyntaxProblem,
    collect_comment,
    tok_span,
)
from .failures import (  # noqa: F401  (describe_terminal: re-exported)
    MAX_NESTING,
    NestingTooDeep,
    SplitWord,
    describe_terminal,
    encoding_finding,
    syntax_finding,
)
from .fastpath import parse_fast
from .keywords import KEYWORDS
from .source import EncodingProblem, decode, prepare
from .terminals import grammar_path, grammar_text
from .transform import ToAst, built_expr, parse_embedded_expr

__all__ = [
    "KEYWORDS", "MAX_NESTING", "MAX_SYNTAX_ERRORS", "ParseFailure", "PostLexer", "describe_terminal", "get_parser",
    "grammar_path", "grammar_text", "parse_bytes", "parse_bytes_source", "parse_expression", "parse_source",
    "parse_text",
]


_OPEN = {"LBRACE": "RBRACE", "LPAR": "RPAR", "LSQB": "RSQB"}
_CLOSE = {v: k for k, v in _OPEN.items()}


class ParseFailure(Exception):
    """A file could not be parsed; ``finding`` is its first SPH001 or SPH005,
    ``findings`` every syntax error found (at most :data:`MAX_SYNTAX_ERRORS`).

    Findings carry no severity: the pipeline stamps them from the code table
    (the public API raises :class:`spherelang.SphereSyntaxError` with the
    stamped diagnostic)."""

    def __init__(self, finding: Finding, more: tuple[Finding, ...] = ()) -> None:
        span = finding.span
        super().__init__(f"{span.file}:{span.line}:{span.column}: {finding.code} {finding.message}")
        self.finding = finding
        self.findings = (finding, *more)


#: Syntax errors reported per file at most.
MAX_SYNTAX_ERRORS = 100
#: Recovery re-parses the file once per error found, this many times at most.
_RECOVERY_PASSES = 8


class PostLexer:
    """The post-lexer every Lark parser of the sphere grammar must use: it
    reserves keywords (a NAME spelled like a keyword becomes that keyword's
    token, except after a dot), drops newlines inside ``()`` and ``[]``, and
    bounds nesting at :data:`MAX_NESTING`.

    With ``collapse`` (the checker's parser) a run of separators reaches the
    grammar as one; tools that rebuild text from tokens (the formatter) keep
    every separator. Pass an instance as Lark's ``postlex``; :meth:`process`
    raises :class:`~spherelang.syntax.building.SyntaxProblem` for a word that
    is no valid name, and the parser's own exceptions for the rest, which
    :func:`parse_source` turns into diagnostics.
    """

    always_accept = ("_NL",)

    def __init__(self, collapse: bool = False) -> None:
        self.collapse = collapse

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        collapse = self.collapse
        depth = {"LBRACE": 0, "LPAR": 0, "LSQB": 0}
        inner = 0  # open ( and [ together: newlines inside them do not end a statement
        previous = ""
        last: Token | None = None
        for tok in stream:
            kind = tok.type
            if kind == "_NL" or kind == "_SEMI":
                # inside () and [] a newline means nothing; and a run of separators is
                # one separator to the grammar, so long runs cost one token, not millions
                if (inner and kind == "_NL") or (collapse and previous in ("_NL", "_SEMI")):
                    continue
            elif kind == "NAME":
                if not tok.value.isidentifier():
                    raise SyntaxProblem(f"'{tok.value}' is not a valid name", tok_span(tok),
                                        "a name is letters, digits and '_' (any script), starting with a letter or '_'")
                if tok.value in KEYWORDS and previous != "DOT":
                    tok = Token.new_borrow_pos(tok.value.upper(), tok.value, tok)
            if (last is not None and last.end_pos == tok.start_pos and last.type.lower() == last.value
                    and (tok.value[:1].isidentifier() or tok.value[:1].isdigit())):
                # where only keywords fit, the contextual lexer can take 'power' off 'powerp'
                raise SplitWord(last, tok)
            elif kind in _OPEN:
                depth[kind] += 1
                if depth["LBRACE"] + depth["LPAR"] + depth["LSQB"] > MAX_NESTING:
                    raise NestingTooDeep(tok)
                if kind != "LBRACE":
                    inner += 1
            elif kind in _CLOSE:
                opener = _CLOSE[kind]
                if depth[opener]:
                    depth[opener] -= 1
                    if opener != "LBRACE":
                        inner -= 1
            previous = tok.type
            last = tok
            yield tok


@functools.cache
def _parser() -> Lark:
    from . import tables  # lazily: `python -m spherelang.syntax.tables` must find it unimported

    return tables.build(postlex=PostLexer(collapse=True), transformer=ToAst(),
                        lexer_callbacks={"COMMENT": collect_comment})


_lock = threading.Lock()


def get_parser() -> Lark:
    """The process-wide parser (built on first use, then reused)."""
    with _lock:
        return _parser()


# ---------------------------------------------------------------- public entry points


def parse_text(text: str, path: str = "<string>") -> ast.File:
    """Parse decoded text; raise :class:`ParseFailure` on a syntax or encoding error."""
    return parse_source(text, path)[0]


def parse_source(text: str, path: str = "<string>", *, fast_path: bool = True) -> tuple[ast.File, bool]:
    """Like :func:`parse_text`, and whether the fast path took the file.

    With ``fast_path=False`` the grammar parses the whole file: the reference
    the fast path is tested against. The result is the same either way.
    """
    try:
        text = prepare(text)
    except EncodingProblem as exc:
        raise ParseFailure(encoding_finding(exc, path)) from None
    token = CURRENT_FILE.set(path)
    expr_token = parse_embedded_expr.set(_embedded_expr)
    sink_token = SUPPRESSIONS.set([])
    try:
        fast = parse_fast(text, path, MAX_NESTING, _parse_block) if fast_path else None
        if fast is not None:
            return fast, True
        SUPPRESSIONS.set([])  # the fast path may have collected some before giving up
        return _parse_block(text), False
    except (UnexpectedInput, SyntaxProblem, NestingTooDeep, SplitWord) as exc:
        first = syntax_finding(exc, text, path)
        raise ParseFailure(first, tuple(_further_errors(text, path, exc, first))) from None
    finally:
        SUPPRESSIONS.reset(sink_token)
        parse_embedded_expr.reset(expr_token)
        CURRENT_FILE.reset(token)


def _parse_block(text: str) -> ast.File:
    """The grammar's parse of ``text``. ToAst builds the file as the parser
    reduces, so ``parse`` returns it (Lark types the result as a tree)."""
    built: object = get_parser().parse(text, start="start")
    assert isinstance(built, ast.File), "the parser was built without ToAst"
    return built


def _further_errors(text: str, path: str, exc: Exception, first: Finding) -> list[Finding]:
    """Later syntax errors, found by blanking each offending line and parsing again.

    Recovery only goes on while the blanked line is self-contained (its brackets
    balance, and the error is not a whole-file problem): blanking half a block
    would invent errors that are not there. It stops after a few passes over
    the file, so a large file with many errors costs a bounded multiple of one parse.
    """
    lines = text.split("\n")
    found: list[Finding] = []
    current = first
    budget = _RECOVERY_PASSES * max(1, len(text))  # each pass re-reads the file: keep the work linear
    while len(found) + 1 < MAX_SYNTAX_ERRORS and _recoverable(exc, current, lines) and budget > 0:
        lines[current.span.line - 1] = ""
        budget -= len(text)
        try:
            get_parser().parse("\n".join(lines), start="start")
            return found
        except (UnexpectedInput, SyntaxProblem, NestingTooDeep, SplitWord) as again:
            if isinstance(again, SyntaxProblem) and "message" not in again.message:
                return found  # a rule or file missing what was blanked: an artefact of recovery
            exc, current = again, syntax_finding(again, "\n".join(lines), path)
            if current.span.line <= (found[-1] if found else first).span.line:
                return found  # no progress: stop rather than loop
            found.append(current)
    return found


def _recoverable(exc: Exception, diagnostic: Finding, lines: list[str]) -> bool:
    if isinstance(exc, NestingTooDeep) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return False
    if isinstance(exc, SyntaxProblem) and "message" not in diagnostic.message:
        return False  # structure of a whole rule or file
    number = diagnostic.span.line
    if not 1 <= number <= len(lines):
        return False
    line = lines[number - 1].split("//", 1)[0]
    return all(line.count(a) == line.count(b) for a, b in (("{", "}"), ("(", ")"), ("[", "]")))


def parse_bytes(data: bytes, path: str) -> ast.File:
    return parse_bytes_source(data, path)[0]


def parse_bytes_source(data: bytes, path: str) -> tuple[ast.File, bool]:
    """Parse a file's bytes; also say whether the fast path took it."""
    try:
        text = decode(data)
    except EncodingProblem as exc:
        raise ParseFailure(encoding_finding(exc, path)) from None
    return parse_source(text, path)


def parse_expression(text: str, path: str = "<string>") -> ast.Expr:
    """Parse a single rule expression (used for message templates and tests)."""
    token = CURRENT_FILE.set(path)
    try:
        return _embedded_expr(text, 1, 1)
    except (UnexpectedInput, SyntaxProblem, NestingTooDeep, SplitWord) as exc:
        raise ParseFailure(syntax_finding(exc, text, path)) from None
    finally:
        CURRENT_FILE.reset(token)


def _embedded_expr(text: str, line: int, column: int) -> ast.Expr:
    """Parse ``text`` as an expression whose first character sits at (line, column)."""
    if "\n" in text:
        raise SyntaxProblem("a message expression must stay on one line",
                            Span(CURRENT_FILE.get(), line, column, line, column + 1))
    try:
        expr = built_expr(get_parser().parse(text, start="expr"))
    except (UnexpectedInput, NestingTooDeep, SplitWord) as exc:
        inner = syntax_finding(exc, text, CURRENT_FILE.get())
        span = _shift(inner.span, line, column)
        raise SyntaxProblem(inner.message + " (in a message expression)", span, inner.hint) from None
    if (line, column) == (1, 1):
        return expr
    # parsed on its own (no padding: a long message stays linear), then moved into place
    return ast.Expr(tuple(attrs.evolve(n, span=_shift(n.span, line, column)) for n in expr.nodes))


def _shift(span: Span, line: int, column: int) -> Span:
    """A span within a one-line text that starts at (line, column) of the file."""
    return span._replace(line=line, end_line=line, column=span.column + column - 1,
                         end_column=span.end_column + column - 1)

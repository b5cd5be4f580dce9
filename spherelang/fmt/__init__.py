"""``sphere fmt``: one canonical layout for ``.sphere`` files.

::

    from spherelang.fmt import format_text, format_bytes, unified_diff

    new = format_text(old, path="model.sphere")   # SphereSyntaxError if it does not parse
    result = format_bytes(data, "model.sphere")   # FormatResult: .changed, .formatted, .diff()

The layout (see README "Formatting"):

- two-space indentation, one statement per line (``;``-joined statements are split);
- single spaces between tokens, except: none before ``,`` ``)`` ``]`` ``.`` ``..``,
  none after ``(`` ``[`` ``.`` ``..``, none between a function name and ``(``,
  none after a sign that prefixes a number or a unary ``-`` in a rule expression;
- ``{`` ends its header line; ``}`` stands alone at the block's indentation;
  a block with no statements and no comments is written ``{ }`` on the header line;
- a blank line between top-level blocks (and between a block and a top-level
  statement) and before a nested sphere that is not the first thing in its block;
  comments directly above a statement move with it (the blank line goes above them);
- other blank lines are kept, at most one in a row, none at the start or end of
  the file or of a block;
- comments are kept: an own-line comment is indented like the statement after it
  (like the block's statements when it comes last in a block); a trailing comment
  stays on its line after two spaces; a comment inside a multi-line expression moves,
  as an own-line comment, above its statement, which is joined onto one line;
  trailing whitespace in comments is removed;
- a line that ends in a suppression or expectation comment (``// sphere: ignore[...]``,
  ``// expect: ...``) is never split, because the comment applies to every statement
  on its line: its statements stay together, joined with ``; `` (``header { a }``
  for a block), and an empty block's ``}`` carrying one is not pulled up;
- numbers, strings (message templates included), names and the user's parentheses
  are kept exactly as written; statements are never reordered; lines are never
  wrapped (there is no line-length limit);
- output is UTF-8 without a BOM, LF line ends, exactly one final newline
  (an empty or blank file formats to the empty text).

Every result is checked before it is returned: it must parse to the same AST
as the input, apart from positions (:func:`strip_positions`), with each
suppression comment on a line with the same statements (:func:`same_meaning`),
or :class:`FormatterBug` is raised and nothing should be written.
"""

from __future__ import annotations

import difflib

import attrs

from ..errors import SphereError, SphereSyntaxError
from ..pipeline import syntax_error
from ..syntax.parser import ParseFailure, parse_bytes, parse_text
from ..syntax.source import BOM, prepare
from .equivalence import same_meaning, strip_positions
from .layout import layout
from .tokens import tokens

__all__ = [
    "FormatResult",
    "FormatterBug",
    "SphereSyntaxError",
    "format_bytes",
    "format_text",
    "same_meaning",
    "strip_positions",
    "unified_diff",
]


class FormatterBug(SphereError):
    """The formatted text would not mean what the input meant (a bug in the
    formatter, never the user's fault): the input must be left untouched."""


def format_text(text: str, path: str = "<string>", *, verify: bool = True) -> str:
    """The canonical layout of ``text``.

    Raises :class:`spherelang.SphereSyntaxError` (SPH001/SPH005, the same
    diagnostic as :func:`spherelang.parse`) when ``text`` does not parse, and
    :class:`FormatterBug` if the result fails verification (``verify=False``
    skips that check, halving the cost).
    """
    try:
        before = parse_text(text, path)
    except ParseFailure as failure:
        raise syntax_error(failure) from None
    formatted = layout(tokens(prepare(text)))
    if verify:
        try:
            after = parse_text(formatted, path)
        except ParseFailure as exc:
            raise FormatterBug(f"{path}: the formatted text does not parse ({exc}); "
                               "the file was left as it was") from None
        if not same_meaning(before, after):
            raise FormatterBug(f"{path}: the formatted text would change the model; the file was left as it was")
    return formatted


@attrs.frozen(slots=True)
class FormatResult:
    """One file's text before and after formatting."""

    path: str
    original: str  # the decoded input, as it was (BOM and CR kept)
    formatted: str

    @property
    def changed(self) -> bool:
        return self.original != self.formatted

    def diff(self) -> str:
        return unified_diff(self.original, self.formatted, self.path)


def format_bytes(data: bytes, path: str, *, verify: bool = True) -> FormatResult:
    """Format a file's bytes. A file that is not UTF-8 or does not parse raises
    :class:`spherelang.SphereSyntaxError` (SPH005/SPH001)."""
    try:
        original = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            parse_bytes(data, path)  # finds the SPH005, with its position
        except ParseFailure as failure:
            raise syntax_error(failure) from None
        raise
    return FormatResult(path, original, format_text(original, path, verify=verify))


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff from ``old`` to ``new`` labelled with ``path``; line-end
    and BOM changes are shown (as ``\\r`` and ``\\ufeff``) rather than hidden."""
    return "".join(difflib.unified_diff(_diff_lines(old), _diff_lines(new),
                                        fromfile=f"{path}\t(original)", tofile=f"{path}\t(formatted)"))


def _diff_lines(text: str) -> list[str]:
    lines = text.split("\n")
    out = [line.replace("\r", "\\r") + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1] + "\n\\ No newline at end of file\n")
    if out and out[0].startswith(BOM):
        out[0] = "\\ufeff" + out[0][1:]
    return out

"""Bytes to text: UTF-8 with an optional BOM, one newline convention.

Every line ending (LF, CRLF, lone CR) becomes LF before lexing, so the three
give identical line and column numbers.
"""

from __future__ import annotations

import attrs

BOM = "\ufeff"


@attrs.frozen(slots=True)
class EncodingProblem(Exception):
    """Raised when bytes are not a valid ``.sphere`` text (SPH005)."""

    message: str
    line: int
    column: int
    hint: str | None = None

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


def normalize_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def position_after(text: str) -> tuple[int, int]:
    """The (line, column) of the character just after ``text``."""
    text = normalize_newlines(text)
    line = text.count("\n") + 1
    return line, len(text) - (text.rfind("\n") + 1) + 1


def decode(data: bytes) -> str:
    """Decode a file's bytes, or raise :class:`EncodingProblem` at the first bad
    spot (whichever comes first: an invalid sequence or a NUL byte). A BOM
    after the start is a character like any other (in a string or a comment
    it is text; elsewhere the lexer reports it)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        nul = data.find(b"\x00", 0, exc.start)
        if nul >= 0:
            return prepare(data[: nul + 1].decode("utf-8"))  # raises at the NUL
        line, column = position_after(data[: exc.start].decode("utf-8"))
        raise EncodingProblem(
            f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot start or continue a character",
            line,
            column,
            _guess_hint(data),
        ) from None
    return prepare(text)


def prepare(text: str) -> str:
    """Drop a leading BOM, check for NULs, and normalise newlines."""
    if text.startswith(BOM):
        text = text[1:]
    at = text.find("\x00")
    if at >= 0:
        line, column = position_after(text[:at])
        raise EncodingProblem("the file holds a NUL byte", line, column,
                              "a .sphere file is UTF-8 text; remove the character")
    return normalize_newlines(text)


def _guess_hint(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file looks like UTF-16: save it as UTF-8"
    return "save the file as UTF-8 (it may be Latin-1 or another legacy encoding)"

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
    """Decode a file's bytes, or raise :class:`EncodingProblem` at the first bad spot
    (whichever comes first: an invalid sequence, a NUL, a BOM after the start)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        early = _first_nul_or_bom(data, exc.start)
        if early is not None:
            return prepare(data[: early + 4].decode("utf-8", errors="replace"))  # raises at the NUL/BOM
        line, column = position_after(data[: exc.start].decode("utf-8"))
        raise EncodingProblem(
            f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot start or continue a character",
            line,
            column,
            _guess_hint(data),
        ) from None
    return prepare(text)


def _first_nul_or_bom(data: bytes, before: int) -> int | None:
    spots = [p for p in (data.find(b"\x00", 0, before), data.find(b"\xef\xbb\xbf", 1, before)) if p >= 0]
    return min(spots) if spots else None


def prepare(text: str) -> str:
    """Check decoded text for NULs and stray BOMs, and normalise its newlines."""
    if text.startswith(BOM):
        text = text[1:]
    found = [(at, what) for bad, what in (("\x00", "a NUL byte"), (BOM, "a byte order mark after the start"))
             if (at := text.find(bad)) >= 0]
    if found:
        at, what = min(found)  # the first bad spot, whatever its kind
        line, column = position_after(text[:at])
        raise EncodingProblem(f"the file holds {what}", line, column, "a .sphere file is UTF-8 text; remove the character")
    return normalize_newlines(text)


def _guess_hint(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file looks like UTF-16: save it as UTF-8"
    return "save the file as UTF-8 (it may be Latin-1 or another legacy encoding)"

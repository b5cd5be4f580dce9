"""Text helpers shared by the renderers: measuring, wrapping, escaping and
formatting numbers the same way on every run."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape as _xml_escape

#: Characters XML 1.0 forbids (C0 controls but tab/newline/return, surrogates,
#: U+FFFE/U+FFFF). A model's strings may hold them; the output must stay well formed.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_NARROW = frozenset("iIjlft.,;:!|' ()[]-_/")
_WIDE_LATIN = frozenset("mwMW@")

#: The sans-serif stack of every picture; widths below are estimated for the
#: widest of them (DejaVu Sans) so that labels fit whichever font is used.
FONT_FAMILY = "'DejaVu Sans', Verdana, Helvetica, Arial, sans-serif"


def clean(text: str) -> str:
    """``text`` with characters XML cannot carry replaced by U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """Escape for XML character data."""
    return _xml_escape(clean(text))


def xml_attr(text: str) -> str:
    """Escape for a double-quoted XML attribute (newlines kept as references)."""
    return _xml_escape(clean(text), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


def char_width(ch: str) -> float:
    """Approximate advance of ``ch`` in ems (no font metrics at hand)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in _NARROW:
        return 0.34
    if ch in _WIDE_LATIN:
        return 0.92
    if ch.isupper():
        return 0.72
    if ch.isdigit():
        return 0.64
    return 0.6


def text_width(text: str, size: float, bold: bool = False) -> float:
    width = sum(char_width(ch) for ch in text) * size
    return width * 1.15 if bold else width


def ellipsize(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "\u2026"


_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=_)|(?<=[A-Za-z])(?=[0-9])")


def wrap_name(name: str, width: int = 14, max_lines: int = 4) -> list[str]:
    """Split a sphere name over lines at its word boundaries (camelCase, '_'),
    adding nothing: the lines joined give the name back (unless shortened).

    A word a little longer than a line keeps its own line; only a word longer
    than ``width * 1.25`` is cut, so that 'Administration' stays whole.
    """
    longest = int(width * 1.25)
    pieces: list[str] = []
    for piece in _BREAK.split(name):
        while len(piece) > longest:
            pieces.append(piece[:width])
            piece = piece[width:]
        if piece:
            pieces.append(piece)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: longest - 1] + "\u2026"
    return lines or [""]


def number(value: float | None, digits: int = 3) -> str:
    """A figure for people: fixed decimals, '—' when undefined, never '-0.000'."""
    if value is None:
        return "\u2014"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def coord(value: float) -> str:
    """A coordinate with two decimals, as the same bytes on every run."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text

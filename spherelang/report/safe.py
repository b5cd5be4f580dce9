"""Untrusted text made safe to print.

Messages quote what a model says (names, a rule's message, a file name), and a
model comes from whoever wrote the repository. Printed raw, a newline could
start a line a CI runner obeys (``::error``, ``::stop-commands``), an escape
sequence could drive the terminal, and a bidirectional override could make a
line read other than it is. Every human-readable renderer passes text through
:func:`printable`.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return {"\n": "\\n", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")


def printable(text: str) -> str:
    """``text`` on one line, with control and direction characters escaped."""
    return _UNSAFE.sub(_escape, text)

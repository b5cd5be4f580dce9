"""The LALR tables of the grammar, shipped beside it so no process builds them.

Building the parser from ``sphere.lark`` (grammar analysis, LALR tables,
lexer states) costs about a tenth of a second, more than everything else a
small ``sphere check`` does. ``sphere.lark.tables`` holds what Lark's own
``Lark.save`` would write (its ``memo_serialize`` data: plain dicts, lists,
strings and numbers), headed by the SHA-256 of the grammar and the Lark
version that made it. A process loads it in a few milliseconds when both
still match, and otherwise builds the parser from the grammar as before, so
a stale or foreign file costs time, never correctness.

The file is unpickled with no globals allowed: it can describe data only,
the same guarantee JSON would give (JSON itself would turn the tables' int
keys into strings and their tuples into lists).

Regenerate after changing the grammar (a test fails until you do)::

    python -m spherelang.syntax.tables
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

import lark
from lark import Lark

from .terminals import grammar_path, grammar_text

#: The options every parser of the grammar shares; the per-use ones
#: (transformer, post-lexer, lexer callbacks) are given at load time.
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": ["start", "expr"],
    "maybe_placeholders": True,
    "propagate_positions": False,
}
#: Options that hold Python objects: never written to the file.
_PER_USE = ("postlex", "transformer", "lexer_callbacks", "edit_terminals", "tree_class")
_FORMAT = 1


def tables_path() -> Path:
    """The shipped tables, beside the grammar (in the wheel or ``grammar/``)."""
    return grammar_path().with_name("sphere.lark.tables")


def grammar_digest(text: str | None = None) -> str:
    return hashlib.sha256((grammar_text() if text is None else text).encode("utf-8")).hexdigest()


def build(**per_use: Any) -> Lark:
    """A parser of the grammar with the given transformer, post-lexer and
    lexer callbacks: from the shipped tables when they fit, else built."""
    tables = _shipped_tables()
    if tables is not None:
        try:
            return Lark.__new__(Lark)._load(tables, **per_use)
        except Exception:  # noqa: BLE001 - a table Lark cannot read is only a slower start
            pass
    return Lark(grammar_text(), **_OPTIONS, **per_use)


def _shipped_tables() -> dict[str, Any] | None:
    try:
        blob = tables_path().read_bytes()
        header = _DataOnly(io.BytesIO(blob)).load()
    except Exception:  # noqa: BLE001 - missing, unreadable or foreign: build instead
        return None
    if not (isinstance(header, dict) and header.get("format") == _FORMAT
            and header.get("lark") == lark.__version__ and header.get("grammar") == grammar_digest()):
        return None
    tables = header.get("tables")
    return tables if isinstance(tables, dict) else None


class _DataOnly(pickle.Unpickler):
    """Unpickles plain data only: any class or function reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the parser tables may hold data only, not {module}.{name}")


def serialize() -> bytes:
    """The tables of a freshly built parser, with their header."""
    parser = Lark(grammar_text(), **_OPTIONS)
    data, memo = parser.memo_serialize([lark.lexer.TerminalDef, lark.grammar.Rule])
    for name in _PER_USE:
        data["options"].pop(name, None)
    header = {"format": _FORMAT, "lark": lark.__version__, "grammar": grammar_digest(), "tables": {"data": data, "memo": memo}}
    return pickle.dumps(header, protocol=4)


def main() -> None:
    """Rewrite ``sphere.lark.tables`` from the grammar."""
    path = Path(__file__).resolve().parents[2] / "grammar" / "sphere.lark.tables"
    path.write_bytes(serialize())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Completion from the text around the cursor (which seldom parses while it
is typed) and the names of the last model that was checked: keywords valid
where the cursor is, layer names, member names in ``requires``, sphere paths
after ``from``, ``within``, ``in`` and ``remove``, codes in ``allow`` and in
``// sphere: ignore[...]``, collections in a rule's ``for``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

import attrs
from lsprotocol import types

from ..model import Model
from .scan import Cursor

KEYWORDS = {
    "top": ("model", "import", "layers", "sphere", "rule", "scenario"),
    "sphere": ("power", "responsibility", "resource", "indicator", "capacity", "channel", "allow", "sphere"),
    "in": ("power", "responsibility", "resource", "indicator", "capacity", "channel", "allow", "sphere"),
    "rule": ("for", "where", "require", "message"),
    "scenario": ("in", "remove"),
}
COLLECTIONS = ("spheres", "powers", "responsibilities", "resources", "indicators", "channels")
DEFAULT_LAYERS = ("political", "administrative", "operational", "body")
#: The most paths one answer lists; past it the list is marked incomplete and narrows as the user types.
MOST_PATHS = 1000

_NAME = r"[^\W\d]\w*"
_PARTIAL = re.compile(r"[\w.]*$")
_IGNORE = re.compile(r"//\s*sphere:\s*ignore\[[^\]]*$")
_LAYERS_STMT = re.compile(r"^\s*layers\s+(.*)$", re.M)
_MEMBER_STMT = re.compile(rf"\s*(power|resource|responsibility|indicator|channel)\s+({_NAME})")
_FOLLOWING = [
    (re.compile(rf"^sphere\s+{_NAME}\s*:\s*{_NAME}(\s+\"(?:[^\"\\]|\\.)*\")?\s+\w*$"), ("within",)),
    (re.compile(rf"^power\s+{_NAME}(\s+\"(?:[^\"\\]|\\.)*\")?\s+\w*$"), ("from",)),
    (re.compile(rf"^responsibility\s+{_NAME}(\s+\"(?:[^\"\\]|\\.)*\")?\s+\w*$"), ("requires", "shared")),
    (re.compile(r"^resource\s+\S+\s*=\s*\S+(\s+[^\W\d]\w*)?\s+\w*$"), ("from",)),
    (re.compile(r"^rule\s+\S+\s+\"(?:[^\"\\]|\\.)*\"\s+\w*$"), ("error", "warning", "info")),
]


@attrs.frozen
class Names:
    """What completion offers from the model: paths, layers, members by sphere, codes."""

    model: Model | None
    codes: Mapping[str, str]          # code -> summary
    text: str                         # the document as it is now

    def layers(self) -> tuple[str, ...]:
        found = _LAYERS_STMT.search(self.text)
        if found:
            return tuple(n.strip() for n in found.group(1).split(">") if n.strip())
        return self.model.layers if self.model is not None else DEFAULT_LAYERS

    def members(self, sphere: str | None, cursor: Cursor, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        """(name, kind) of the members of ``sphere``: those typed above the cursor, then the model's."""
        found: dict[str, str] = {}
        for start in cursor.siblings:
            m = _MEMBER_STMT.match(self.text, start)
            if m and m.group(1) in kinds:
                found.setdefault(m.group(2), m.group(1))
        holder = self.model.find(sphere) if self.model is not None and sphere else None
        if holder is not None:
            for member in holder.members():
                if member.kind in kinds:
                    found.setdefault(member.name, member.kind)
        return list(found.items())

    def paths(self) -> Iterable[str]:
        return self.model.by_path.keys() if self.model is not None else ()


@attrs.frozen
class Item:
    label: str
    kind: types.CompletionItemKind
    detail: str | None = None


def complete(cursor: Cursor, names: Names) -> tuple[list[Item], str, bool]:
    """The items for the cursor, the partial word they replace, and whether
    the list is incomplete (too many paths to list at once)."""
    partial = _PARTIAL.search(cursor.statement)
    typed = partial.group() if partial else ""
    if cursor.in_string:
        return [], typed, False
    if cursor.comment is not None:
        if _IGNORE.search(cursor.comment):
            word = re.search(r"\w*$", cursor.comment)
            return list(_codes(names)), word.group() if word else "", False
        return [], typed, False
    before = cursor.statement[: len(cursor.statement) - len(typed)]
    items, incomplete = _for_statement(cursor, names, before.strip(), typed)
    return items, typed, incomplete


def _for_statement(cursor: Cursor, names: Names, before: str, typed: str) -> tuple[list[Item], bool]:
    head = before.split()
    if not head:
        return [Item(k, types.CompletionItemKind.Keyword) for k in KEYWORDS.get(cursor.kind, ())], False
    first, last = head[0], head[-1]
    if first == "sphere" and re.fullmatch(rf"sphere\s+{_NAME}\s*:", before):
        return [Item(layer, types.CompletionItemKind.EnumMember, "layer") for layer in names.layers()], False
    if last == "from" and first in ("power", "resource"):
        items = _from_members(names, typed, cursor.sphere, first)
        more, incomplete = _paths(names, typed, cursor.sphere)
        return items + more, incomplete
    if last == "within" or (cursor.kind == "scenario" and before in ("in", "remove")):
        return _paths(names, typed, None)
    if first == "responsibility" and re.search(r"(\brequires|,)$", before):
        return [Item(n, types.CompletionItemKind.Field, kind)
                for n, kind in names.members(cursor.sphere, cursor, ("power", "resource"))], False
    if first == "allow" and before == "allow":
        return list(_codes(names)), False
    if cursor.kind == "rule" and re.fullmatch(rf"for\s+{_NAME}\s+in", before):
        return [Item(c, types.CompletionItemKind.Enum, "collection") for c in COLLECTIONS], False
    statement = cursor.statement.lstrip()
    for pattern, words in _FOLLOWING:
        if pattern.match(statement):
            return [Item(w, types.CompletionItemKind.Keyword) for w in words], False
    return [], False


def _codes(names: Names) -> Iterator[Item]:
    for code, summary in names.codes.items():
        yield Item(code, types.CompletionItemKind.Constant, summary)


def _paths(names: Names, typed: str, here: str | None) -> tuple[list[Item], bool]:
    """Sphere paths holding what is typed (ignoring case); from a sphere, its
    ancestors' bare names come first (``from`` accepts them)."""
    wanted = typed.casefold()
    items: list[Item] = []
    if here is not None:
        parts = here.split(".")
        for k in range(len(parts) - 1, 1, -1):  # a root's bare name is its path, listed below
            items.append(Item(parts[k - 1], types.CompletionItemKind.Module, ".".join(parts[:k])))
    for path in names.paths():
        if wanted in path.casefold():
            items.append(Item(path, types.CompletionItemKind.Module, "sphere"))
            if len(items) >= MOST_PATHS:
                return items, True
    return items, False


def _from_members(names: Names, typed: str, here: str | None, kind: str) -> list[Item]:
    """After ``from X.``: X's members of the statement's kind, X a path or an enclosing sphere's bare name."""
    owner = typed.rpartition(".")[0]
    if not owner or names.model is None:
        return []
    holder = names.model.find(owner)
    if holder is None and here is not None and "." not in owner:
        parts = here.split(".")[:-1]
        if owner in parts:
            holder = names.model.find(".".join(parts[: len(parts) - parts[::-1].index(owner)]))
    if holder is None:
        return []
    return [Item(f"{owner}.{m.name}", types.CompletionItemKind.Field, f"{kind} of {holder.path}")
            for m in holder.members() if m.kind == kind]

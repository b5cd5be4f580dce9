"""The hints of RUL001 when a rule names something that does not exist: the
closest known name ("did you mean ...?"), else the names it could have used.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from .builtins import BUILTINS
from .schema import ALL_ATTRIBUTE_NAMES, COLLECTIONS
from .values import a_kind


def did_you_mean(name: str, options: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the option closest to ``name``, if one is close."""
    close = difflib.get_close_matches(name, list(options), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def unknown_name_hint(name: str, visible: list[str]) -> str:
    """For a name that is neither a variable in scope nor a collection."""
    if name in BUILTINS:
        return f"'{name}' is a function: call it, as in '{name}(...)'"
    names = visible + list(COLLECTIONS)
    return did_you_mean(name, names) or "the names here are " + ", ".join(names)


def unknown_function_hint(name: str) -> str:
    """For a call of a function that is not a built-in."""
    return did_you_mean(name, BUILTINS) or "the functions are " + ", ".join(BUILTINS)


def unknown_collection_hint(name: str) -> str:
    """For a rule over a collection that does not exist."""
    return did_you_mean(name, COLLECTIONS) or "the collections are " + ", ".join(COLLECTIONS)


def unknown_attribute_hint(name: str, kind: str, attributes: Collection[str]) -> str:
    """For an attribute that objects of ``kind``, with ``attributes``, lack."""
    return did_you_mean(name, attributes) or f"{a_kind(kind)} has " + ", ".join(attributes)


def unknown_any_attribute_hint(name: str) -> str | None:
    """For an attribute that no kind of model object has."""
    return did_you_mean(name, ALL_ATTRIBUTE_NAMES)

"""Names a package exports but imports only when first asked for.

A plain ``sphere check`` needs neither the evaluation tables nor sampling,
trends, reform ranking or comparison, and importing them would be a good part
of a small check's time. A package lists such names in a table (name ->
module relative to the package) and lets :func:`lazy_getattr` make its
module-level ``__getattr__``; type checkers read the same names from an
``if TYPE_CHECKING:`` import block beside the table.

A lazily exported name must not also be the name of a submodule: importing
the submodule would set the package attribute to the module
(``tests/test_lazy_exports.py`` holds the packages to that).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any


def lazy_getattr(package: str, table: Mapping[str, str],
                 namespace: MutableMapping[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``table[name]`` (relative to
    ``package``) on first use and keeps the name in ``namespace``."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    return __getattr__

"""The variables a rule expression can see, and the machine slot of each."""

from __future__ import annotations

from collections.abc import Sequence

from .static_types import Ty


class Scope:
    """Visible variables: the bound ones (slot 0, ...) and comprehension
    variables, each in the slot of its nesting depth. Shadowing stacks: an
    inner variable hides an outer one of the same name until it goes out of
    scope. ``n_slots`` is the most slots ever in use at once, which is what
    the machine must allocate."""

    def __init__(self, bound: Sequence[tuple[str, Ty]]) -> None:
        self._names: dict[str, list[tuple[int, Ty]]] = {}
        for slot, (name, ty) in enumerate(bound):
            self._names.setdefault(name, []).append((slot, ty))
        self._next = len(bound)
        self.n_slots = max(1, len(bound))

    def lookup(self, name: str) -> tuple[int, Ty] | None:
        """The slot and type of the innermost variable called ``name``, if any."""
        found = self._names.get(name)
        return found[-1] if found else None

    def push(self, name: str, ty: Ty) -> int:
        """Bring a comprehension variable into scope; returns its slot."""
        slot = self._next
        self._next += 1
        self.n_slots = max(self.n_slots, self._next)
        self._names.setdefault(name, []).append((slot, ty))
        return slot

    def pop(self, name: str) -> None:
        """End the scope of the innermost variable ``name`` (the last pushed)."""
        self._next -= 1
        shadowed = self._names[name]
        shadowed.pop()
        if not shadowed:
            del self._names[name]

    def visible(self) -> list[str]:
        """The names in scope, sorted (for hints)."""
        return sorted(self._names)

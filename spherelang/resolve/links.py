"""References: ``from X.m``, implicit grants and ``requires`` names.

Each reference becomes a :class:`~spherelang.model.Link` that says whether it
resolved, to what, or why not (LANGUAGE.md §3). Lookups read the ``members``
of the tree's scopes; ancestors are always built before their descendants, so
what a sphere looks up above it is final.
"""

from __future__ import annotations

from ..model import Link, LinkStatus
from ..syntax import ast
from .tree import Scope, Tree


class Linker:
    """Resolves the references of one model's tree."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._ok_links: dict[tuple[int, str, bool, str | None], Link] = {}

    def candidate_spheres(self, scope: Scope, path: ast.Path) -> list[Scope]:
        """Spheres ``X`` of ``from X.m`` may name, best first: for a bare name,
        the ancestors of that name (nearest first); then the absolute path (a
        dotted X is always absolute, LANGUAGE.md §3)."""
        found: list[Scope] = []
        if len(path.parts) == 1:
            bare = path.parts[0].text
            found.extend(anc for anc in self.tree.ancestors(scope) if anc.decl.name.text == bare)
        index = self.tree.by_path.get(path.text)
        if index is not None and all(f.index != index for f in found):
            found.append(self.tree.scopes[index])
        return found

    def link_from(self, scope: Scope, ref: ast.MemberRef, kind: str) -> Link:
        """Resolve ``from X.m`` for a member of ``kind`` (power or resource).

        When X could name several spheres (an ancestor's bare name, and a root
        of that name), the first that holds a ``kind`` named m wins; failing
        that, the first candidate says what is wrong.
        """
        name, written = ref.member.text, ref.text
        candidates = self.candidate_spheres(scope, ref.sphere)
        if not candidates:
            return Link(LinkStatus.UNKNOWN, True, written=written, found_kind="sphere")
        ancestors = {a.index for a in self.tree.ancestors(scope)}
        for target in candidates:
            member = target.members.get(name)
            if target.index in ancestors and member is not None and member.kind == kind:
                return self.ok_link(target.index, name, True, written)
        target = candidates[0]
        if target.index not in ancestors:
            return Link(LinkStatus.NOT_ANCESTOR, True, target.index, name, written)
        member = target.members.get(name)
        if member is None:
            return Link(LinkStatus.UNKNOWN, True, target.index, name, written, found_kind="member")
        return Link(LinkStatus.WRONG_KIND, True, target.index, name, written, found_kind=member.kind)

    def link_implicit(self, scope: Scope, name: str, kind: str) -> Link | None:
        """The nearest ancestor's member of that name and kind; ``None`` for a root."""
        if scope.parent is None:
            return None
        for anc in self.tree.ancestors(scope):
            member = anc.members.get(name)
            if member is not None and member.kind == kind:
                return self.ok_link(anc.index, name, False, None)
        return Link(LinkStatus.MISSING, False)

    def link_requirement(self, scope: Scope, name: str) -> tuple[Link | None, str | None]:
        """How a ``requires`` name resolves, and the kind it names when it does.

        It must name a power or resource of the sphere itself: ``(None, kind)``.
        Otherwise the link says what it names instead — a member of another
        kind, a power or resource only an ancestor holds, or nothing.
        """
        member = scope.members.get(name)
        if member is not None and member.kind in ("power", "resource"):
            return None, member.kind
        if member is not None:
            return Link(LinkStatus.WRONG_KIND, True, scope.index, name, found_kind=member.kind), None
        for anc in self.tree.ancestors(scope):
            held = anc.members.get(name)
            if held is not None and held.kind in ("power", "resource"):
                return Link(LinkStatus.ANCESTOR_ONLY, True, anc.index, name, found_kind=held.kind), None
        return Link(LinkStatus.UNKNOWN, True, name=name), None

    def ok_link(self, sphere: int, name: str, explicit: bool, written: str | None) -> Link:
        """One shared object per target: siblings drawing from the same parent
        member (the usual shape of a large model) need not each hold a copy."""
        key = (sphere, name, explicit, written)
        link = self._ok_links.get(key)
        if link is None:
            target = self.tree.scopes[sphere].members[name]
            unit = target.unit if target.kind == "resource" else None  # a model member: ancestors are built
            link = self._ok_links[key] = Link(LinkStatus.OK, explicit, sphere, name, written, unit=unit)
        return link

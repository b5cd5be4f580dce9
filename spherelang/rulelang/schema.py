"""What a rule can see of the model: the collections and THE attribute table.

This table is the only way from a rule to a model object. An attribute a rule
writes is looked up here by name, as a dictionary key; nothing else in the
rule language reads attributes of Python objects, so names such as
``__class__``, ``span`` or ``decl`` simply do not exist for rules.

Each entry gives the attribute's kind (for static checks; lists also name the
kind of their elements) and a getter taking the :class:`ModelView` (entity
attributes resolve indices and links through it) and the object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..model import Binding, Channel, Indicator, Model, Power, Resource, Responsibility, Sphere, model_binding
from ..model.model import Link, Member

#: Collection name -> kind of its elements (LANGUAGE.md §6).
COLLECTIONS: Mapping[str, str] = {
    "spheres": "sphere",
    "powers": "power",
    "responsibilities": "responsibility",
    "resources": "resource",
    "indicators": "indicator",
    "channels": "channel",
}


_MEMBERS_OF: Mapping[str, Callable[[Sphere], tuple[Any, ...]]] = {
    "powers": lambda s: s.powers,
    "responsibilities": lambda s: s.responsibilities,
    "resources": lambda s: s.resources,
    "indicators": lambda s: s.indicators,
    "channels": lambda s: s.channels,
}


class _Collections(dict[str, tuple[Any, ...]]):
    """The model-wide collections in source order (LANGUAGE.md §6): files in
    the order the model reads them, declarations in the order they are
    written (a member after a nested sphere comes after that sphere's members;
    a sphere attached with ``within`` stays where its file puts it). Each is
    made when a rule first asks for it."""

    def __init__(self, model: Model) -> None:
        super().__init__()
        self.model = model
        self.rank = {path: i for i, path in enumerate(model.files)}

    def __missing__(self, name: str) -> tuple[Any, ...]:
        spheres = self.model.spheres
        if name == "spheres":
            items: list[Any] = list(spheres)
        else:
            members = _MEMBERS_OF[name]  # KeyError for an unknown collection, as a dict would
            items = [m for s in spheres for m in members(s)]
        last = len(self.rank)
        items.sort(key=lambda m: (self.rank.get(m.span.file, last), m.span.line, m.span.column))
        self[name] = found = tuple(items)
        return found


class ModelView:
    """A model as rules see it: model-wide collections, links resolved to objects."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.spheres = model.spheres
        self.collections = _Collections(model)
        self._members: dict[tuple[int, str], Member] | None = None
        self._binding: list[Binding] | None = None

    def sphere(self, index: int) -> Sphere:
        return self.spheres[index]

    def binding(self, sphere: Sphere) -> Binding:
        """binding, binds and unlock of a sphere (LANGUAGE.md §8.1), computed for
        the whole model when a rule first asks."""
        if self._binding is None:
            self._binding = model_binding(self.model)
        return self._binding[sphere.index]

    def member(self, sphere: int | None, name: str | None, cls: type) -> Any:
        """The member ``name`` of sphere ``sphere`` if it is a ``cls``, else None."""
        if self._members is None:
            self._members = {}
            for index, s in enumerate(self.spheres):
                for m in s.members():
                    self._members.setdefault((index, m.name), m)  # the first wins, as in REF002
        if sphere is None or name is None:
            return None
        found = self._members.get((sphere, name))
        return found if type(found) is cls else None

    def linked(self, link: Link | None, cls: type) -> Any:
        """The object a resolved link points to, or None when it did not resolve."""
        if link is None or not link.ok:
            return None
        return self.member(link.sphere, link.name, cls)


Getter = Callable[[ModelView, Any], object]


@attrs.frozen
class Attribute:
    name: str
    kind: str            # number string boolean list or an entity kind
    elem: str            # for lists: the kind of the elements; "any" otherwise
    get: Getter = attrs.field(repr=False)
    doc: str


def _num(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _table(*attributes: Attribute) -> Mapping[str, Attribute]:
    return {a.name: a for a in attributes}


def _a(name: str, kind: str, get: Getter, doc: str, elem: str = "any") -> Attribute:
    return Attribute(name, kind, elem, get, doc)


def _required(view: ModelView, duty: Responsibility, kind: str, cls: type) -> tuple[Any, ...]:
    found = (view.member(r.sphere, r.name, cls) for r in duty.requires if r.ok and r.target_kind == kind)
    return tuple(m for m in found if m is not None)


def _binding_sphere(view: ModelView, sphere: Sphere) -> Sphere | None:
    index = view.binding(sphere).binding
    return None if index is None else view.sphere(index)


_SPHERE = _table(
    _a("name", "string", lambda v, s: s.name, "the sphere's own name"),
    _a("path", "string", lambda v, s: s.path, "the dotted path from its root"),
    _a("layer", "string", lambda v, s: s.layer, "its layer"),
    _a("depth", "number", lambda v, s: float(s.depth), "how deep it nests"),
    _a("title", "string", lambda v, s: s.title, "its title, or null"),
    _a("parent", "sphere", lambda v, s: None if s.parent is None else v.sphere(s.parent),
       "the enclosing sphere, or null for a root"),
    _a("children", "list", lambda v, s: tuple(v.sphere(i) for i in s.children),
       "the spheres it encloses directly", "sphere"),
    _a("powers", "list", lambda v, s: s.powers, "its powers", "power"),
    _a("responsibilities", "list", lambda v, s: s.responsibilities, "its responsibilities",
       "responsibility"),
    _a("resources", "list", lambda v, s: s.resources, "its resources", "resource"),
    _a("indicators", "list", lambda v, s: s.indicators, "its indicators", "indicator"),
    _a("channels", "list", lambda v, s: s.channels, "its feedback channels", "channel"),
    _a("capacity", "number", lambda v, s: _num(s.capacity), "its capacity, or null"),
    _a("ceiling", "number", lambda v, s: _num(s.ceiling), "its ceiling, or null"),
    _a("effective", "number", lambda v, s: _num(s.effective), "its effective capacity, or null"),
    _a("elasticity", "number", lambda v, s: _num(s.elasticity), "its elasticity, or null"),
    _a("binding", "sphere", lambda v, s: _binding_sphere(v, s),
       "the enclosing sphere whose capacity sets its ceiling (the nearest on a tie), or null"),
    _a("binds", "number", lambda v, s: float(v.binding(s).binds), "how many spheres it sets the ceiling of"),
    _a("unlock", "number", lambda v, s: _num(v.binding(s).unlock),
       "what lifting its capacity would gain in effective capacity inside it, or null"),
)

_POWER = _table(
    _a("name", "string", lambda v, p: p.name, "its name"),
    _a("sphere", "sphere", lambda v, p: v.sphere(p.sphere), "the sphere that holds it"),
    _a("source", "power", lambda v, p: v.linked(p.grant, Power),
       "the power it is granted from, or null"),
    _a("description", "string", lambda v, p: p.description, "its description, or null"),
)

_RESPONSIBILITY = _table(
    _a("name", "string", lambda v, r: r.name, "its name"),
    _a("sphere", "sphere", lambda v, r: v.sphere(r.sphere), "the sphere that holds it"),
    _a("powers", "list", lambda v, r: _required(v, r, "power", Power),
       "the powers it requires", "power"),
    _a("resources", "list", lambda v, r: _required(v, r, "resource", Resource),
       "the resources it requires", "resource"),
    _a("shared", "boolean", lambda v, r: bool(r.shared), "whether it is marked shared"),
    _a("description", "string", lambda v, r: r.description, "its description, or null"),
)

_RESOURCE = _table(
    _a("name", "string", lambda v, r: r.name, "its name"),
    _a("sphere", "sphere", lambda v, r: v.sphere(r.sphere), "the sphere that holds it"),
    _a("amount", "number", lambda v, r: _num(r.amount), "its amount, or null when invalid"),
    _a("unit", "string", lambda v, r: r.unit, "its unit, or null"),
    _a("source", "resource", lambda v, r: v.linked(r.source, Resource),
       "the resource it is allocated from, or null"),
    _a("allocated", "number", lambda v, r: float(r.allocated), "the amount descendants draw from it"),
    _a("available", "number", lambda v, r: _num(r.available),
       "what is left after allocations, or null"),
)

_INDICATOR = _table(
    _a("name", "string", lambda v, i: i.name, "its name"),
    _a("sphere", "sphere", lambda v, i: v.sphere(i.sphere), "the sphere that holds it"),
    _a("value", "number", lambda v, i: float(i.value), "the value as written"),
    _a("normalized", "number", lambda v, i: _num(i.normalized), "the value in [0, 1], or null"),
    _a("year", "number", lambda v, i: _num(i.year), "its year, or null"),
    _a("illustrative", "boolean", lambda v, i: bool(i.illustrative),
       "whether it is marked illustrative (no published source gives it)"),
    _a("source", "string", lambda v, i: i.source, "its source string, or null"),
    _a("uncertainty", "number", lambda v, i: float(i.uncertainty), "its standard error (0 when none)"),
)

_CHANNEL = _table(
    _a("name", "string", lambda v, c: c.name, "its name"),
    _a("sphere", "sphere", lambda v, c: v.sphere(c.sphere), "the sphere that holds it"),
    _a("strength", "number", lambda v, c: _num(c.strength), "its strength, or null when invalid"),
)

#: Entity kind -> attribute name -> Attribute. The one table (see the module doc).
ATTRIBUTES: Mapping[str, Mapping[str, Attribute]] = {
    "sphere": _SPHERE,
    "power": _POWER,
    "responsibility": _RESPONSIBILITY,
    "resource": _RESOURCE,
    "indicator": _INDICATOR,
    "channel": _CHANNEL,
}

#: The same table keyed by the model class, for attributes of values whose
#: kind is only known at run time.
ATTRIBUTES_BY_CLASS: Mapping[type, Mapping[str, Attribute]] = {
    Sphere: _SPHERE,
    Power: _POWER,
    Responsibility: _RESPONSIBILITY,
    Resource: _RESOURCE,
    Indicator: _INDICATOR,
    Channel: _CHANNEL,
}

#: Every attribute name of any kind (for checking a name whose object kind is unknown).
ALL_ATTRIBUTE_NAMES: frozenset[str] = frozenset(n for t in ATTRIBUTES.values() for n in t)

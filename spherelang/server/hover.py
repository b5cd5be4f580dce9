"""Hover: a sphere's figures and what binds it, a member's amount, source and
users, a code's summary. Markdown; every name is quoted as code."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from ..checks import help_uri
from ..checks.nesting import num
from ..model import Binding, Channel, Indicator, Link, Model, Power, Resource, Responsibility, Sphere
from ..report.analysis import fig, signed
from ..syntax import ast
from .locate import Found, OnCode, OnImport, OnMember, OnSphere, sphere_of, target

_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])")  # what would start a heading, a quote or a list
#: How many users of a member a hover lists before "and N more".
LISTED = 8


def text(s: str) -> str:
    """User text (a title, a description) shown as written inside Markdown."""
    escaped = _MARKDOWN.sub(r"\\\1", s.replace("\n", " "))
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def code(s: str) -> str:
    fence = "``" if "`" in s else "`"
    return f"{fence}{s}{fence}"


def hover_text(found: Found, model: Model, binding: Sequence[Binding], codes: dict[str, tuple[str, str]],
               importer: str) -> str | None:
    """The hover for what is under the cursor; ``codes`` maps a code to its
    severity and summary."""
    if isinstance(found, OnCode):
        return code_text(found.code, codes)
    if isinstance(found, OnImport):
        return import_text(found.stmt, importer)
    if isinstance(found, OnMember) and isinstance(found.decl, ast.AllowDecl):
        return code_text(found.decl.code.text, codes)
    if isinstance(found, OnMember) and isinstance(found.decl, ast.CapacityDecl):
        sphere = sphere_of(model, found.sphere)
        return sphere_text(sphere, model, binding) if sphere is not None else None
    if isinstance(found, OnSphere) and sphere_of(model, found.path, found.decl.span) is None:
        return None
    named = target(model, found)
    if isinstance(named, Sphere):
        return sphere_text(named, model, binding)
    if named is not None:
        return member_text(named, model)
    return None


def code_text(name: str, codes: dict[str, tuple[str, str]]) -> str:
    found = codes.get(name) or codes.get(name.upper())
    if found is None:
        return f"{code(name)}: no check reports this code"
    severity, summary = found
    link = help_uri(name.upper())
    more = f"\n\n[documentation]({link})" if link else ""
    return f"**{code(name)}** ({severity}): {text(summary)}{more}"


def import_text(stmt: ast.ImportStmt, importer: str) -> str:
    where = os.path.normpath(os.path.join(os.path.dirname(importer), stmt.target))
    return f"imports {code(stmt.target)}\n\n{code(where)}"


# ---------------------------------------------------------------- spheres


def sphere_text(sphere: Sphere, model: Model, binding: Sequence[Binding]) -> str:
    head = f"**sphere {code(sphere.path)}** · layer {code(sphere.layer)}"
    lines = [head]
    if sphere.title:
        lines.append(f"*{text(sphere.title)}*")
    lines.append("| figure | value |\n|---|---|\n" + "\n".join(
        f"| {name} | {value} |" for name, value in _figures(sphere)))
    if sphere.index < len(binding):
        lines.extend(_binding_lines(sphere, model, binding))
    return "\n\n".join(lines)


def _figures(sphere: Sphere) -> Iterator[tuple[str, str]]:
    yield "capacity", fig(sphere.capacity)
    yield "ceiling", fig(sphere.ceiling)
    yield "effective", fig(sphere.effective)
    yield "headroom", "-" if sphere.headroom is None else signed(sphere.headroom)
    yield "elasticity", fig(sphere.elasticity)


def _binding_lines(sphere: Sphere, model: Model, binding: Sequence[Binding]) -> Iterator[str]:
    mine = binding[sphere.index]
    if mine.binding is not None:
        binder = model.spheres[mine.binding]
        theirs = binding[binder.index]
        gain = "" if theirs.unlock is None else f"; lifting its limit would unlock {signed(theirs.unlock)} " \
            "of effective capacity in the spheres it holds back"
        yield f"bound by {code(binder.path)} (capacity {fig(binder.capacity)}){gain}"
    elif sphere.ceiling is None:
        yield "no enclosing sphere has a capacity: nothing sets its ceiling"
    if mine.binds:
        unlock = "" if mine.unlock is None else f"; lifting its own limit would unlock {signed(mine.unlock)}"
        yield f"sets the ceiling of {mine.binds} sphere{'' if mine.binds == 1 else 's'}{unlock}"


# ---------------------------------------------------------------- members


def member_text(member: object, model: Model) -> str | None:
    if not isinstance(member, (Power, Resource, Responsibility, Indicator, Channel)):
        return None
    sphere = model.spheres[member.sphere]
    head = f"**{member.kind} {code(member.name)}** in {code(sphere.path)}"
    if isinstance(member, Power):
        body = list(_power_lines(member, sphere, model))
    elif isinstance(member, Resource):
        body = list(_resource_lines(member, sphere, model))
    elif isinstance(member, Responsibility):
        body = list(_duty_lines(member))
    elif isinstance(member, Indicator):
        body = list(_indicator_lines(member))
    else:
        body = [f"strength {fig(member.strength)}"] + ([text(member.description)] if member.description else [])
    return "\n\n".join([head, *body])


def _power_lines(power: Power, sphere: Sphere, model: Model) -> Iterator[str]:
    if power.description:
        yield text(power.description)
    yield _source_words(power.grant, model, "granted")
    duties = [d.name for d in sphere.responsibilities if power.name in d.power_names]
    yield ("required by " + _names(duties)) if duties else "no responsibility of its sphere requires it"
    onward = [f"{model.spheres[m.sphere].path}.{m.name}" for m in _drawing(model, sphere, power.name, "power")]
    if onward:
        yield "granted onward to " + _names(onward)


def _resource_lines(res: Resource, sphere: Sphere, model: Model) -> Iterator[str]:
    unit = f" {res.unit}" if res.unit else ""
    yield f"amount {code(res.amount_text + unit)}" + ("" if res.amount is not None else " (invalid)")
    yield _source_words(res.source, model, "drawn")
    if res.amount is not None:
        yield (f"allocated to enclosed spheres {num(res.allocated)}{unit}; required here {num(res.required)}{unit}; "
               f"left {num(res.amount - res.allocated)}{unit}")
    duties = [f"{d.name} ({_amount(d, res.name)})" for d in sphere.responsibilities if res.name in d.resource_names]
    yield ("required by " + _names(duties)) if duties else "no responsibility of its sphere requires it"
    drawn = [f"{model.spheres[r.sphere].path}.{r.name} ({r.amount_text}{' ' + r.unit if r.unit else ''})"
             for r in _drawing(model, sphere, res.name, "resource") if isinstance(r, Resource)]
    if drawn:
        yield "drawn on by " + _names(drawn)


def _amount(duty: Responsibility, name: str) -> str:
    req = next(r for r in duty.requires if r.name == name)
    if req.amount_text is None:
        return "no amount"
    return req.amount_text + (f" {req.unit}" if req.unit else "")


def _duty_lines(duty: Responsibility) -> Iterator[str]:
    if duty.description:
        yield text(duty.description)
    if duty.requires:
        parts = []
        for req in duty.requires:
            amount = "" if req.amount_text is None else f" {req.amount_text}{' ' + req.unit if req.unit else ''}"
            kind = req.target_kind or "unresolved"
            parts.append(f"{code(req.name + amount)} ({kind})")
        yield "requires " + ", ".join(parts)
    else:
        yield "requires nothing"
    if duty.shared:
        yield "shared with sibling spheres"


def _indicator_lines(ind: Indicator) -> Iterator[str]:
    if ind.of is not None:
        yield f"rank {num(ind.value)} of {num(ind.of)}"
    elif ind.low is not None and ind.high is not None:
        better = " (lower is better)" if ind.lower_is_better else ""
        yield f"score {num(ind.value)} on {num(ind.low)}..{num(ind.high)}{better}"
    yield f"normalised {fig(ind.normalized)}"
    if ind.year is not None:
        yield f"year {ind.year}"
    if ind.source:
        yield f"source: {text(ind.source)}"
    if ind.illustrative:
        yield "illustrative: no published source gives this value"


def _source_words(link: Link | None, model: Model, verb: str) -> str:
    if link is None:
        return f"not {verb} from an enclosing sphere (declared at the root)"
    if not link.ok or link.sphere is None:
        if link.written is None:
            return f"not {verb} from an enclosing sphere: none holds this name"
        return f"{verb} from {code(link.written)}, which does not resolve"
    where = f"{model.spheres[link.sphere].path}.{link.name}"
    return f"{verb} from {code(where)}" + ("" if link.explicit else " (implicitly, by its name)")


def _drawing(model: Model, sphere: Sphere, name: str, kind: str) -> Iterator[Power | Resource]:
    """The members of the descendants of ``sphere`` granted or drawn from its member ``name``."""
    stack = list(reversed(sphere.children))
    while stack:
        inner = model.spheres[stack.pop()]
        stack.extend(reversed(inner.children))
        members: tuple[Power | Resource, ...]
        if kind == "power":
            members = inner.powers
        else:
            members = inner.resources
        for member in members:
            link = member.grant if isinstance(member, Power) else member.source
            if link is not None and link.ok and link.sphere == sphere.index and link.name == name:
                yield member


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(code(i) for i in items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")

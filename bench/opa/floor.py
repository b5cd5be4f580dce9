"""The plain-Python floor: spherelang's four structural checks over the
``sphere dump`` JSON, with dicts and nothing else.

BAL001, BAL002, BAL003, NEST002 and NEST003 exactly as ``policy.rego`` states
them (and as spherelang reports them): the best a Python implementation of
just these checks can do once the model is resolved. Standard library only,
so it runs under any interpreter.

    from floor import floor_findings
    findings = floor_findings(json.loads(text))   # [(code, sphere path, name), ...]
"""

from __future__ import annotations

from typing import Any

Finding = tuple[str, str, str]

_UNGRANTED = frozenset({"missing", "not-ancestor"})


def floor_findings(model: dict[str, Any]) -> list[Finding]:
    """The BAL001, BAL002, BAL003, NEST002 and NEST003 findings of a dumped model."""
    spheres = model["spheres"]
    out: list[Finding] = []
    append = out.append

    # Every resource by its path ("Sphere.Path.name"), the shape of a `source`.
    resources: dict[str, tuple[str, dict[str, Any]]] = {}
    for s in spheres:
        path = s["path"]
        for r in s["resources"]:
            resources[path + "." + r["name"]] = (path, r)

    # Allocations that count: a valid amount, in the source's unit.
    allocated: dict[str, float] = {}
    for s in spheres:
        for r in s["resources"]:
            src = r["source"]
            amount = r["amount"]
            if src is None or amount is None:
                continue
            target = resources.get(src)
            if target is not None and target[1]["unit"] == r["unit"]:
                allocated[src] = allocated.get(src, 0.0) + amount

    for s in spheres:
        path = s["path"]
        used = set()
        for duty in s["responsibilities"]:
            resolved, has_power, has_resource = True, False, False
            for q in duty["requires"]:
                if q["status"] != "ok":
                    resolved = False
                elif q["kind"] == "power":
                    used.add(q["name"])
                    has_power = True
                elif q["kind"] == "resource":
                    has_resource = True
            if resolved:
                if not has_power:
                    append(("BAL002", path, duty["name"]))
                if not has_resource:
                    append(("BAL003", path, duty["name"]))
        for p in s["powers"]:
            if p["name"] not in used:
                append(("BAL001", path, p["name"]))
            if p["grant"] in _UNGRANTED:
                append(("NEST002", path, p["name"]))

    for src, total in allocated.items():
        path, r = resources[src]
        amount = r["amount"]
        if amount is not None and total > amount + 1e-9 * max(1.0, abs(amount)):
            append(("NEST003", path, r["name"]))
    return out

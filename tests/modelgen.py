"""Generate national-scale governance models (for the benchmarks and the tests).

This module is the generator; ``bench/generate.py`` is its command line. It
lives in ``tests/`` because the test suite uses it (``from .modelgen import
generate``) and must need nothing outside ``tests/`` and the package, while the
bench scripts can load a file by path; it is not part of the ``spherelang``
package, which should not ship a benchmark generator.

The generated model is a realistic tree of concentric spheres:

    political      1 root (the Republic), with feedback channels and indicators
    administrative a handful of systems (Government, local administration, ...)
    operational    about six operations-technological systems in each
    body           state bodies (ministries, committees, agencies, inspectorates)
    department     territorial departments of the bodies, one per region
    office         district offices under each department

Every sphere holds a power granted by its parent, a budget (KZT) and a staff
(FTE) resource drawn from its parent, and a responsibility that requires the
power and both resources. Amounts are summed bottom-up so that everything
balances, with a little slack left at every inner level: about 6 lines per
sphere. About 5% of the bodies publish a synthetic ranking; those above the
political ceiling get COR001 (info).

A small seeded share of spheres (0.1% by default) carries one deliberate
violation, cycling through four kinds so the checker has work to do:

    unfunded   a responsibility that lists no resource               BAL003
    overalloc  a sphere takes more than its parent holds in all      NEST003
    unit       a requirement in FTE against a KZT budget             UNIT001
    unknown    a requirement naming a resource that does not exist   REF001

The output is a pure function of (spheres, files, seed, rate): no clock, no
environment. ``expected.json`` in the output directory lists the violations
that were seeded (code, file, line, sphere).

Usage:
    python bench/generate.py --spheres 100000 --out /tmp/m100k
    python bench/generate.py --spheres 100000 --files 50 --out /tmp/m100k-split

As a library:
    from generate import generate          # in bench/ (bench/generate.py re-exports it)
    from tests.modelgen import generate    # from the repository root, or `.modelgen` inside tests/
    summary = generate(100_000, "/tmp/m100k", files=1, seed=1)
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil

LAYERS = ("political", "administrative", "operational", "body", "department", "office")

ADMIN_SYSTEMS = [
    ("Government", "Government and the ministerial system"),
    ("LocalAdministration", "Local state administration"),
    ("LawEnforcement", "Law-enforcement and justice administration"),
    ("QuasiPublicSector", "Administration of the quasi-public sector"),
    ("RegulatoryAdministration", "Independent regulators"),
    ("SocialAdministration", "Social insurance and protection administration"),
]

OPERATIONAL_SYSTEMS = [
    ("CivilService", "Civil service: selection, promotion, integrity"),
    ("BudgetSystem", "Budget planning and execution"),
    ("Procurement", "Public procurement"),
    ("EGovernment", "E-government and information systems"),
    ("Statistics", "Official statistics"),
    ("InternalAudit", "Internal state audit"),
    ("PropertyManagement", "State property management"),
    ("ServiceDelivery", "Public service delivery"),
    ("Licensing", "Permits and licensing"),
    ("Inspections", "State control and supervision"),
]

BODY_KINDS = ["Ministry", "Committee", "Agency", "Inspectorate", "Service", "Fund", "Centre"]
DOMAINS = [
    "Finance", "Healthcare", "Education", "Energy", "Agriculture", "Justice", "Transport",
    "Ecology", "Labour", "Culture", "Sport", "DigitalDevelopment", "Industry", "Trade",
    "WaterResources", "Forestry", "Geology", "Statistics", "Emergencies", "Migration",
    "Veterinary", "Sanitation", "Competition", "Tourism", "Information", "Religion",
    "Construction", "Housing", "Roads", "Aviation", "Railways", "Fisheries", "Land",
    "Pensions", "Customs", "Taxation", "Treasury", "Archives", "Standards", "Metrology",
]

REGIONS = [
    "Akmola", "Aktobe", "Almaty", "Atyrau", "WestKazakhstan", "Zhambyl", "Karaganda",
    "Kostanay", "Kyzylorda", "Mangystau", "Pavlodar", "NorthKazakhstan", "Turkistan",
    "EastKazakhstan", "NurSultan", "AlmatyCity", "Shymkent", "Abai", "Zhetysu", "Ulytau",
]

VIOLATION_KINDS = ("unfunded", "overalloc", "unit", "unknown")
VIOLATION_CODE = {"unfunded": "BAL003", "overalloc": "NEST003", "unit": "UNIT001", "unknown": "REF001"}

M = 1_000_000  # amounts are whole tenge; every sum stays far below 2**53


class Node:
    __slots__ = ("name", "title", "depth", "parent", "children", "own", "slack", "amount",
                 "staff_own", "staff_slack", "staff", "violation", "indicator")

    def __init__(self, name, title, depth, parent):
        self.name = name
        self.title = title
        self.depth = depth
        self.parent = parent
        self.children = []
        self.own = 0        # what its own responsibility requires
        self.slack = 0      # left unallocated (headroom)
        self.amount = 0     # its budget
        self.staff_own = 0  # posts its own responsibility needs
        self.staff_slack = 0
        self.staff = 0      # its posts (FTE)
        self.violation = None
        self.indicator = None


def _split(total, buckets):
    """Split ``total`` into ``buckets`` near-equal integer parts (deterministic)."""
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def plan_levels(n):
    """How many spheres each level gets: [root, admin, operational, body, department, office]."""
    if n < 1:
        raise ValueError("need at least one sphere")
    sizes = [1]
    left = n - 1
    admin = min(left, max(1, min(len(ADMIN_SYSTEMS), 2 + n // 20_000)))
    sizes.append(admin)
    left -= admin
    ops = min(left, admin * min(len(OPERATIONAL_SYSTEMS), 6))
    sizes.append(ops)
    left -= ops
    bodies = min(left, max(1, int(1.5 * math.sqrt(left)))) if left else 0
    sizes.append(bodies)
    left -= bodies
    depts = min(left, bodies * len(REGIONS), left // 8) if bodies else 0
    if left and bodies and not depts:
        depts = min(left, bodies)
    sizes.append(depts)
    left -= depts
    offices = left if depts else 0
    if left and not depts:
        # too few spheres to reach departments: put the remainder into bodies
        sizes[3] += left
    sizes.append(offices)
    return sizes


def build_tree(n, rng):
    sizes = plan_levels(n)
    root = Node("Republic", "Political system of the Republic", 0, None)
    levels = [[root]]

    # administrative systems
    admins = []
    for i in range(sizes[1]):
        name, title = ADMIN_SYSTEMS[i]
        admins.append(Node(name, title, 1, root))
    root.children = admins
    levels.append(admins)

    # operational systems, spread over the administrative ones
    ops = []
    for parent, count in zip(admins, _split(sizes[2], len(admins)) if admins else []):
        for j in range(count):
            name, title = OPERATIONAL_SYSTEMS[j % len(OPERATIONAL_SYSTEMS)]
            if j >= len(OPERATIONAL_SYSTEMS):
                name = f"{name}_{j // len(OPERATIONAL_SYSTEMS) + 1}"
            node = Node(name, title, 2, parent)
            parent.children.append(node)
            ops.append(node)
    levels.append(ops)

    # state bodies
    bodies = []
    for parent, count in zip(ops, _split(sizes[3], len(ops)) if ops else []):
        for _ in range(count):
            k = len(bodies)
            kind = BODY_KINDS[k % len(BODY_KINDS)]
            domain = DOMAINS[(k // len(BODY_KINDS) + k) % len(DOMAINS)]
            name = f"{kind}Of{domain}_{k + 1}"
            title = f"{kind} of {domain} no. {k + 1}"
            node = Node(name, title, 3, parent)
            parent.children.append(node)
            bodies.append(node)
    levels.append(bodies)

    # territorial departments, one per region (numbered beyond 20)
    depts = []
    for parent, count in zip(bodies, _split(sizes[4], len(bodies)) if bodies else []):
        for j in range(count):
            region = REGIONS[j % len(REGIONS)]
            suffix = "" if j < len(REGIONS) else f"_{j // len(REGIONS) + 1}"
            node = Node(f"Dept_{region}{suffix}", f"Department for {region}", 4, parent)
            parent.children.append(node)
            depts.append(node)
    levels.append(depts)

    # district offices
    offices = []
    for parent, count in zip(depts, _split(sizes[5], len(depts)) if depts else []):
        for j in range(count):
            node = Node(f"Office_{j + 1}", None, 5, parent)
            parent.children.append(node)
            offices.append(node)
    levels.append(offices)

    # own requirements and slack, per level (whole millions of KZT)
    own_range = [(0, 0), (5_000, 20_000), (1_000, 5_000), (100, 1_000), (20, 200), (1, 50)]
    slack_range = [(1_000, 5_000), (100, 1_000), (10, 100), (1, 10), (0, 5), (0, 0)]
    staff_range = [(0, 0), (200, 800), (20, 100), (50, 500), (10, 60), (2, 25)]
    staff_slack = [(500, 2_000), (50, 200), (5, 50), (0, 20), (0, 3), (0, 0)]
    for depth, level in enumerate(levels):
        lo, hi = own_range[depth]
        slo, shi = slack_range[depth]
        flo, fhi = staff_range[depth]
        sflo, sfhi = staff_slack[depth]
        for node in level:
            node.own = rng.randint(lo, hi) * M
            node.slack = rng.randint(slo, shi) * M
            node.staff_own = rng.randint(flo, fhi)
            node.staff_slack = rng.randint(sflo, sfhi)
    return root, levels


def seed_violations(levels, rng, rate):
    candidates = [node for depth in range(3, len(levels)) for node in levels[depth]]
    chosen = []
    used_parents = set()
    turn = 0
    for node in candidates:
        if rng.random() >= rate:
            continue
        for attempt in range(len(VIOLATION_KINDS)):
            kind = VIOLATION_KINDS[(turn + attempt) % len(VIOLATION_KINDS)]
            if kind == "overalloc":
                # keep parent and child in the same file (depth >= 4), one per parent
                if node.depth < 4 or id(node.parent) in used_parents:
                    continue
                used_parents.add(id(node.parent))
            node.violation = kind
            chosen.append(node)
            turn += 1
            break
    return chosen


def compute_amounts(levels):
    for level in reversed(levels):
        for node in level:
            node.amount = sum(c.amount for c in node.children) + node.own + node.slack
            node.staff = sum(c.staff for c in node.children) + node.staff_own + node.staff_slack
    # an over-allocation: the child takes more than its parent holds in total
    for level in levels:
        for node in level:
            if node.violation == "overalloc":
                parent = node.parent
                node.amount += parent.own + parent.slack + M


def assign_indicators(levels, rng):
    # about 5% of the bodies publish a service-quality ranking: some land above
    # the political ceiling and give COR001 (info), which the benchmark expects
    for node in levels[3] if len(levels) > 3 else []:
        if rng.random() < 0.05:
            node.indicator = rng.randint(1, 200)


def path_of(node):
    parts = []
    while node is not None:
        parts.append(node.name)
        node = node.parent
    return ".".join(reversed(parts))


class Writer:
    def __init__(self, relpath):
        self.relpath = relpath
        self.lines = []

    def add(self, text):
        self.lines.append(text)
        return len(self.lines)

    def text(self):
        return "\n".join(self.lines) + "\n"


class Plain:
    """One statement per line, four spaces per level: the layout before issue 14."""

    indent = "    "

    def number(self, value):
        return str(value)

    def title(self, node):
        return node.title

    def indicator(self, node):
        return [f'indicator service_quality = {node.indicator} of 200 "synthetic"']

    def lines(self, w, pad, header, stmts, leaf):
        """Write the header and member statements; return {tag: line}."""
        w.add(f"{pad}{header} {{")
        found = {}
        for text, tag in stmts:
            line = w.add(f"{pad}{self.indent}{text}")
            if tag:
                found[tag] = line
        return found

    def before_child(self, w, pad, child):
        pass

    def close(self, w, pad, closes_child):
        w.add(f"{pad}}}")


RU_KINDS = {"Ministry": "Министерство", "Committee": "Комитет", "Agency": "Агентство", "Inspectorate": "Инспекция",
            "Service": "Служба", "Fund": "Фонд", "Centre": "Центр"}
NOTES = ["checked against the 2019 budget law", "staff as of 1 January", "see the annual report {p. 12}",
         "проверено", "illustrative: no published figure", "sphere: note only"]


class Rich(Plain):
    """Every layout LANGUAGE.md §2 allows, in proportions a reform team's files
    might show: ``;`` between statements, whole spheres on one line, a header
    followed by its first members, ``} }``, tabs, trailing and full-line
    comments, blank lines, digit separators, Cyrillic titles and names, year
    series and ``±`` on indicators. Its own random stream, so the tree, the
    amounts and the seeded violations are those of the plain layout."""

    def __init__(self, seed):
        self.rng = random.Random(seed * 7919 + 17)

    def chance(self, p):
        return self.rng.random() < p

    def number(self, value):
        return f"{value:_}" if value >= 10_000 and self.chance(0.5) else str(value)

    def title(self, node):
        kind = node.name.split("Of")[0] if node.depth == 3 else None
        if kind in RU_KINDS and self.chance(0.3):
            return f"{RU_KINDS[kind]} — {node.title}"
        return node.title

    def indicator(self, node):
        plus = f" ± {1 + node.indicator // 20}" if self.chance(0.3) else ""
        if not self.chance(0.4):
            return [f'indicator service_quality = {node.indicator}{plus} of 200 "synthetic"']
        past = [min(200, node.indicator + k * 3) for k in (2, 1)]
        return [f'indicator service_quality = {v} of 200 year {y} "synthetic"' for v, y in zip(past, (2017, 2018))] + [
            f'indicator service_quality = {node.indicator}{plus} of 200 year 2019 "synthetic"']

    def _note(self, text):
        return f"{text}  // {self.rng.choice(NOTES)}" if self.chance(0.06) else text

    def lines(self, w, pad, header, stmts, leaf):
        self.indent = "\t" if self.chance(0.15) else ("  " if self.chance(0.05) else "    ")
        inner = pad + self.indent
        found = {}
        if leaf and self.chance(0.15):
            line = w.add(f"{pad}{header} {{ " + "; ".join(t for t, _ in stmts) + " }")
            return {tag: line for _, tag in stmts if tag} | {"__closed__": line}
        groups, current = [], []
        for stmt in stmts:
            if current and not self.chance(0.2):
                groups.append(current)
                current = []
            current.append(stmt)
        if current:
            groups.append(current)
        first = groups.pop(0) if groups and self.chance(0.1) else None
        if first:
            line = w.add(f"{pad}{header} {{ " + "; ".join(t for t, _ in first))
            found.update({tag: line for _, tag in first if tag})
        else:
            w.add(self._note(f"{pad}{header} {{"))
        for group in groups:
            line = w.add(self._note(inner + "; ".join(t for t, _ in group)))
            found.update({tag: line for _, tag in group if tag})
        return found

    def before_child(self, w, pad, child):
        if self.chance(0.25):
            w.add("")
        if self.chance(0.08):
            w.add(f"{pad}// --- {child.title or child.name} ---")

    def close(self, w, pad, closes_child):
        if closes_child and w.lines[-1].strip() == "}" and self.chance(0.1):
            w.lines[-1] += " }"
        else:
            w.add(f"{pad}}}")


def emit_sphere(node, w, indent, expected, within=None, layout=None):
    layout = layout or PLAIN
    pad = layout.indent * indent if isinstance(layout, Rich) else "    " * indent
    layer = LAYERS[node.depth]
    title = layout.title(node)
    title = f' "{title}"' if title else ""
    where = f" within {within}" if within else ""
    header = f"sphere {node.name} : {layer}{title}{where}"
    stmts = []
    if node.depth == 0:
        stmts += [('channel elections strength 0.4 "Presidential and parliamentary elections"', None),
                  ('channel citizens_appeals strength 0.5 "Appeals of citizens to state bodies"', None),
                  ('channel public_councils strength 0.35 "Public councils"', None),
                  ('indicator corruption_perceptions = 113 of 180 "TI CPI 2019"', None),
                  ('indicator rule_of_law = 121 of 209 "World Bank WGI 2019, N assumed"', None),
                  ('power mandate "Constitutional powers"', None)]
    elif node.depth == 3:
        # bodies name their source explicitly, by the bare name of the ancestor
        stmts.append((f"power mandate from {node.parent.name}.mandate", None))
    elif node.depth == 5:
        stmts.append((f"power serve from {node.parent.name}.mandate", None))
    else:
        stmts.append(("power mandate", None))
    if node.depth == 1:
        # just under the political capacity + tolerance: no COR001 here
        stmts.append(("capacity 0.42", None))
    if node.indicator is not None:
        stmts += [(text, None) for text in layout.indicator(node)]
    power = "serve" if node.depth == 5 else "mandate"
    n = layout.number
    stmts.append((f"resource budget = {n(node.amount)} KZT", "budget"))
    stmts.append((f"resource staff = {n(node.staff)} FTE", None))
    stmts.append((f"responsibility duty_{node.name} requires {power}, budget {n(node.own)} KZT, "
                  f"staff {n(node.staff_own)} FTE", None))
    v = node.violation
    if v == "unfunded":
        stmts.append((f"responsibility unfunded_{node.name} requires {power}", "BAL003"))
    elif v == "unit":
        stmts.append((f"responsibility staffing_{node.name} requires {power}, budget 3 FTE", "UNIT001"))
    elif v == "unknown":
        stmts.append((f"responsibility misspelt_{node.name} requires {power}, budgte 1 KZT", "REF001"))
    header_line = len(w.lines) + 1
    found = layout.lines(w, pad, header, stmts, leaf=not node.children)
    for code in ("BAL003", "UNIT001", "REF001"):
        if code in found:
            expected.append(dict(code=code, file=w.relpath, line=found[code], sphere=path_of(node)))
    if any(c.violation == "overalloc" for c in node.children):
        expected.append(dict(code="NEST003", file=w.relpath, line=found["budget"], sphere=path_of(node)))
    if node.indicator is not None:
        expected.append(dict(code="COR001?", file=w.relpath, line=header_line, sphere=path_of(node)))
    if "__closed__" in found:
        return
    for child in node.children:
        layout.before_child(w, pad + layout.indent, child)
        emit_sphere(child, w, indent + 1, expected, layout=layout)
    layout.close(w, pad, bool(node.children))


PLAIN = Plain()


RULES = '''
// Rules of the reform team (they hold for every generated model).
rule ORG001 "every state body holds staff of its own" warning {
  for s in spheres where s.layer == "body"
  require any(r.unit == "FTE" and r.amount != null and r.amount > 0 for r in s.resources)
  message "state body {s.path} holds no staff (FTE)"
}

rule ORG003 "the political sphere hears citizens through two channels or more" {
  for s in spheres where s.layer == "political"
  require count(s.channels) >= 2
  message "{s.path} has {count(s.channels)} feedback channel(s)"
}

scenario stronger_feedback "Political reform: stronger feedback channels" {
  in Republic { channel elections strength 0.6 "Competitive elections"; channel public_councils strength 0.5 }
}'''


def generate(n, out_dir, files=1, seed=1, rate=0.001, clean=True, layout="plain"):
    """Write a model of ``n`` spheres under ``out_dir``; return a summary dict.

    ``files=1`` writes one ``model.sphere``. ``files=K`` (K > 1) writes
    ``frame.sphere`` (the political, administrative and operational spheres),
    K files ``parts/part_NNNN.sphere`` holding the state bodies with their
    departments and offices (each imports ``../frame.sphere`` and attaches its
    bodies with ``within``) and ``model.sphere``, which imports
    ``parts/*.sphere`` to assemble the whole.
    """
    if files < 1:
        raise ValueError("files must be >= 1")
    rng = random.Random(seed)
    root, levels = build_tree(n, rng)
    seed_violations(levels, rng, rate)  # marks the chosen spheres; emit_sphere lists them in expected.json
    compute_amounts(levels)
    assign_indicators(levels, rng)
    if layout not in ("plain", "rich"):
        raise ValueError("layout must be 'plain' or 'rich'")
    lay = Rich(seed) if layout == "rich" else PLAIN
    if layout == "rich":
        for node in levels[4] if len(levels) > 4 else []:
            if lay.chance(0.2):
                node.name = "Деп_" + node.name[len("Dept_"):]  # a Cyrillic name, still unique among siblings

    if clean and os.path.isdir(out_dir):
        for entry in ("model.sphere", "frame.sphere", "parts", "expected.json", "sphere.toml"):
            p = os.path.join(out_dir, entry)
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.remove(p)
    os.makedirs(out_dir, exist_ok=True)

    expected = []
    layers_line = "layers " + " > ".join(LAYERS)
    header = [
        f"// Generated by bench/generate.py: {n} spheres, seed {seed}, {files} file(s).",
        "// Do not edit: regenerate instead.",
    ]
    writers = []
    bodies = levels[3] if len(levels) > 3 else []
    if files == 1 or not bodies:
        w = Writer("model.sphere")
        for line in header:
            w.add(line)
        w.add(f'model "Synthetic national model, {n} spheres"')
        w.add(layers_line)
        emit_sphere(root, w, 0, expected, layout=lay)
        if layout == "rich":
            w.add(RULES)
        writers.append(w)
    else:
        frame = Writer("frame.sphere")
        for line in header:
            frame.add(line)
        frame.add(f'model "Synthetic national model, {n} spheres"')
        frame.add(layers_line)
        # the frame holds levels 0..2 only: emit without bodies
        saved = {id(op): op.children for op in levels[2]}
        for op in levels[2]:
            op.children = []
        emit_sphere(root, frame, 0, expected, layout=lay)
        if layout == "rich":
            frame.add(RULES)
        for op in levels[2]:
            op.children = saved[id(op)]
        writers.append(frame)
        chunks = _split(len(bodies), min(files, len(bodies)))
        k = 0
        for i, size in enumerate(chunks):
            w = Writer(f"parts/part_{i + 1:04d}.sphere")
            w.add(header[0])
            w.add('import "../frame.sphere"')
            for body in bodies[k:k + size]:
                w.add("")
                emit_sphere(body, w, 0, expected, within=path_of(body.parent), layout=lay)
            k += size
            writers.append(w)
        model = Writer("model.sphere")
        model.add(header[0])
        model.add('import "parts/*.sphere"')
        writers.append(model)

    for w in writers:
        path = os.path.join(out_dir, w.relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(w.text())
    # an empty sphere.toml marks the project root, so imports stay inside it
    open(os.path.join(out_dir, "sphere.toml"), "w").close()

    seeded_expected = [e for e in expected if e["code"] != "COR001?"]
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as fh:
        json.dump({"spheres": n, "seed": seed, "files": files, "rate": rate,
                   "levels": [len(level) for level in levels],
                   "violations": sorted(seeded_expected, key=lambda e: (e["file"], e["line"], e["code"])),
                   "indicator_bodies": [e["sphere"] for e in expected if e["code"] == "COR001?"]},
                  fh, indent=1)
    return {
        "spheres": sum(len(level) for level in levels),
        "levels": [len(level) for level in levels],
        "files": [w.relpath for w in writers],
        "lines": sum(len(w.lines) for w in writers),
        "violations": len(seeded_expected),
        "entry": os.path.join(out_dir, "model.sphere"),
    }

#!/usr/bin/env python3
"""Evaluate the four structural checks over one ``sphere dump`` file, in this
process, with one engine, and print one JSON line of timings and findings.

    python bench/opa/run_engine.py opa      DUMP.json   # OPA (Go), opa-golib-python-bindings
    python bench/opa/run_engine.py regorus  DUMP.json   # regorus (Rust), celine-regorus
    python bench/opa/run_engine.py floor    DUMP.json   # plain Python over dicts (floor.py)
    python bench/opa/run_engine.py versions             # which engines import here

Each run is meant to be a fresh process (bench/compare.py starts one per
measurement), so the times include loading the engine and compiling the
policy. Printed keys: ``engine``, ``version``, ``import`` (loading the
binding), ``compile`` (adding the policy), ``read`` (the file's bytes),
``eval`` (parsing the JSON inside the engine and evaluating the policy; for
``floor``, ``json`` is ``json.loads`` and ``eval`` the checks alone),
``total`` (everything after interpreter start-up), ``maxrss_mb`` and
``findings`` (sorted ``[code, sphere, name]``).

The OPA binding's public ``eval_document(path, input)`` takes a Python object
and serialises it again with ``json.dumps``; to hand OPA the JSON text as
`opa eval --input` would, the raw bytes go to the binding's native entry point
(``OpaEvalDocument``), falling back to the public call if that ever moves.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY = os.path.join(HERE, "policy.rego")
QUERY = "spherelang.findings"  # data.spherelang.findings


def _dist_version(*names: str) -> str | None:
    from importlib import metadata

    for name in names:
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return None


def _opa_version() -> str:
    """The OPA module version compiled into the binding's shared library."""
    import re

    import opa_bindings

    lib = os.path.join(os.path.dirname(opa_bindings.__file__), "libopabridge.so")
    try:
        with open(lib, "rb") as f:
            found = re.search(rb"open-policy-agent/opa@(v[0-9][0-9A-Za-z.+-]*)/", f.read())
    except OSError:
        found = None
    opa = f"OPA {found.group(1).decode()}" if found else "OPA (version unknown)"
    return f"{opa} via {_dist_version('opa-golib-python-bindings')}"


def run_opa(path: str) -> dict:
    t0 = time.perf_counter()
    from opa_bindings import OpaEngine

    t1 = time.perf_counter()
    engine = OpaEngine()
    with open(POLICY, encoding="utf-8") as f:
        engine.add_policy("policy.rego", f.read())
    t2 = time.perf_counter()
    with open(path, "rb") as f:
        raw = f.read()
    t3 = time.perf_counter()
    native = getattr(engine, "_lib", None) is not None and hasattr(engine, "_call")
    if native:
        envelope = engine._call(engine._lib.OpaEvalDocument, QUERY.encode(), raw, 0, 0)
        result = envelope.get("result") or []
        value = result[0]["expressions"][0]["value"] if result and result[0].get("expressions") else []
    else:  # pragma: no cover - the public API, one json round trip more
        value = engine.eval_document(QUERY, json.loads(raw))
    t4 = time.perf_counter()
    return {"engine": "opa", "version": _opa_version(), "native_input": native, "import": t1 - t0,
            "compile": t2 - t1, "read": t3 - t2, "eval": t4 - t3, "total": t4 - t0, "findings": value}


def run_regorus(path: str) -> dict:
    t0 = time.perf_counter()
    import regorus

    t1 = time.perf_counter()
    engine = regorus.Engine()
    with open(POLICY, encoding="utf-8") as f:
        engine.add_policy("policy.rego", f.read())
    t2 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    t3 = time.perf_counter()
    engine.set_input_json(text)
    value = json.loads(engine.eval_rule_as_json("data." + QUERY))
    t4 = time.perf_counter()
    version = _dist_version("celine-regorus", "regorus") or "regorus"
    return {"engine": "regorus", "version": version, "import": t1 - t0, "compile": t2 - t1, "read": t3 - t2,
            "eval": t4 - t3, "total": t4 - t0, "findings": value}


def run_floor(path: str) -> dict:
    t0 = time.perf_counter()
    sys.path.insert(0, HERE)
    from floor import floor_findings

    t1 = time.perf_counter()
    with open(path, "rb") as f:
        raw = f.read()
    t2 = time.perf_counter()
    model = json.loads(raw)
    t3 = time.perf_counter()
    found = floor_findings(model)
    t4 = time.perf_counter()
    return {"engine": "floor", "version": f"Python {sys.version.split()[0]}", "import": t1 - t0, "read": t2 - t1,
            "json": t3 - t2, "eval": t4 - t3, "total": t4 - t0,
            "findings": [{"code": c, "sphere": s, "name": n} for c, s, n in found]}


def versions() -> dict:
    found: dict[str, str | None] = {}
    try:
        found["opa"] = _opa_version()
    except Exception:  # noqa: BLE001 - not installed, or broken: either way not usable
        found["opa"] = None
    try:
        import regorus  # noqa: F401

        found["regorus"] = _dist_version("celine-regorus", "regorus") or "regorus"
    except Exception:  # noqa: BLE001
        found["regorus"] = None
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["versions"]:
        print(json.dumps(versions()))
        return 0
    if len(argv) != 2 or argv[0] not in ("opa", "regorus", "floor"):
        print(__doc__, file=sys.stderr)
        return 2
    engine, path = argv
    out = {"opa": run_opa, "regorus": run_regorus, "floor": run_floor}[engine](path)
    out["findings"] = sorted([f["code"], f["sphere"], f["name"]] for f in out["findings"])
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

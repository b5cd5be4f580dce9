#!/usr/bin/env python3
"""Check that policy.rego (under OPA and regorus) and the plain-Python floor
find exactly what spherelang finds for BAL001, BAL002, BAL003, NEST002 and
NEST003.

    python bench/opa/verify.py                       # tests/cases, examples, small generated models
    python bench/opa/verify.py FILE.sphere ...       # these files

For each model: ``sphere check --format json --select CODES`` gives
spherelang's findings, ``sphere dump`` the JSON the others read. A finding is
compared as (code, sphere path, name), the name being the first quoted name in
spherelang's message. Engines that do not import here are skipped and said
so. Suppressions (``allow CODE``, ``// sphere: ignore``) exist only in
spherelang, so files using them are compared but listed apart; so are models
with a loading error (SPH001-SPH006), of which spherelang reports nothing
else. Exits 1 on an unexplained difference.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CODES = ("BAL001", "BAL002", "BAL003", "NEST002", "NEST003")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from floor import floor_findings  # noqa: E402

Key = tuple[str, str, str]


def sphere_cmd() -> list[str]:
    env = os.environ.get("SPHERE_CMD")
    return shlex.split(env) if env else [sys.executable, "-m", "spherelang"]


def spherelang_findings(path: str) -> tuple[set[Key], bool]:
    """spherelang's findings for CODES, and whether the model has a loading error (SPH)."""
    proc = subprocess.run(sphere_cmd() + ["check", "--no-cache", "--format", "json", "--fail-on", "info",
                                          "--select", ",".join(CODES + ("SPH",)), path],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"sphere check {path}: exit {proc.returncode}: {proc.stderr.strip()[:300]}")
    found = set()
    load_error = False
    for v in json.loads(proc.stdout)["violations"]:
        if v["code"].startswith("SPH"):
            load_error = True
            continue
        name = re.search(r"'([^']*)'", v["message"])
        found.add((v["code"], v["sphere"], name.group(1) if name else ""))
    return found, load_error


def dump(path: str, out: str) -> bool:
    proc = subprocess.run(sphere_cmd() + ["dump", path, "-o", out], capture_output=True, text=True, cwd=ROOT)
    return proc.returncode == 0


class Engines:
    def __init__(self) -> None:
        with open(os.path.join(HERE, "policy.rego"), encoding="utf-8") as f:
            self.policy = f.read()
        self.available: dict[str, str] = {}
        try:
            import opa_bindings  # noqa: F401

            self.available["opa"] = "OPA (Go)"
        except ImportError:
            pass
        try:
            import regorus  # noqa: F401

            self.available["regorus"] = "regorus"
        except ImportError:
            pass

    def run(self, engine: str, raw: bytes) -> set[Key]:
        if engine == "opa":
            from opa_bindings import OpaEngine

            e = OpaEngine()
            e.add_policy("policy.rego", self.policy)
            env = e._call(e._lib.OpaEvalDocument, b"spherelang.findings", raw, 0, 0)
            result = env.get("result") or []
            value = result[0]["expressions"][0]["value"] if result and result[0].get("expressions") else []
        else:
            import regorus

            r = regorus.Engine()
            r.add_policy("policy.rego", self.policy)
            r.set_input_json(raw.decode("utf-8"))
            value = json.loads(r.eval_rule_as_json("data.spherelang.findings"))
        return {(f["code"], f["sphere"], f["name"]) for f in value}


def default_models(tmp: str) -> list[str]:
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "**", "*.sphere"), recursive=True))
    files += sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.sphere"), recursive=True))
    from generate import generate

    for n, seed, rate in ((300, 1, 0.05), (1000, 2, 0.02), (2000, 3, 0.01)):
        out = os.path.join(tmp, f"gen_{n}_{seed}")
        generate(n, out, seed=seed, rate=rate)
        files.append(os.path.join(out, "model.sphere"))
    return files


def main(argv: list[str]) -> int:
    engines = Engines()
    with tempfile.TemporaryDirectory() as tmp:
        files = [os.path.abspath(a) for a in argv] or default_models(tmp)
        print(f"engines: floor (plain Python), {', '.join(engines.available.values()) or 'no Rego engine imports here'}")
        compared = skipped = 0
        total = {c: 0 for c in CODES}
        bad: list[str] = []
        suppressing: list[str] = []
        exempt: list[str] = []
        for path in files:
            out = os.path.join(tmp, "dump.json")
            if not dump(path, out):
                skipped += 1
                continue
            with open(out, "rb") as f:
                raw = f.read()
            expected, load_error = spherelang_findings(path)
            got = {"floor": set(floor_findings(json.loads(raw)))}
            for name in engines.available:
                got[name] = engines.run(name, raw)
            compared += 1
            for key in expected:
                total[key[0]] += 1
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            suppresses = bool(re.search(r"^\s*allow\s|sphere:\s*ignore", text, re.M))
            for name, found in got.items():
                if found != expected:
                    line = (f"{os.path.relpath(path, ROOT)}: {name}: missing {sorted(expected - found)}, "
                            f"extra {sorted(found - expected)}")
                    (exempt if load_error else suppressing if suppresses else bad).append(line)
        print(f"{compared} models compared ({skipped} that do not load skipped); spherelang's findings: "
              + ", ".join(f"{c} {n}" for c, n in total.items()))
        if suppressing:
            print(f"{len(suppressing)} differences in files with suppressions (allow / sphere: ignore), "
                  "which only spherelang applies:")
            for line in suppressing:
                print("  " + line)
        if exempt:
            print(f"{len(exempt)} differences in models with a loading error (SPH001-SPH006), where spherelang "
                  "reports nothing else:")
            for line in exempt:
                print("  " + line)
        if bad:
            print(f"{len(bad)} unexplained differences:")
            for line in bad:
                print("  " + line)
            return 1
        print("identical findings for every other model")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Generate a model, time `sphere check` on it and compare with what was seeded.

    python bench/run.py --spheres 100000              # one file
    python bench/run.py --spheres 100000 --files 50   # split with `within` + glob

Prints the generation time, the check time and whether the reported
violations are exactly the seeded ones (COR001 infos on the bodies with a
synthetic ranking are allowed on top). Exit status 0 when they match.
Set SPHERE_CMD to run something else than `sphere` (e.g. "python -m spherelang").
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import generate  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spheres", "-n", type=int, default=100_000)
    ap.add_argument("--files", "-k", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.001)
    ap.add_argument("--out", help="output directory (default: a temporary one)")
    args = ap.parse_args(argv)

    out = args.out or tempfile.mkdtemp(prefix=f"sphere-bench-{args.spheres}-")
    t0 = time.perf_counter()
    summary = generate(args.spheres, out, files=args.files, seed=args.seed, rate=args.rate)
    t_gen = time.perf_counter() - t0
    print(f"generated {summary['spheres']} spheres, {summary['lines']} lines, "
          f"{len(summary['files'])} file(s) in {t_gen:.2f}s: {out}")

    cmd = shlex.split(os.environ.get("SPHERE_CMD", "sphere"))
    cmd += ["check", "--format", "json", "--fail-on", "info", os.path.join(out, "model.sphere")]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    t_check = time.perf_counter() - t0
    print(f"sphere check: exit {proc.returncode} in {t_check:.2f}s "
          f"({summary['spheres'] / t_check:,.0f} spheres/s)")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print("no JSON on stdout:", proc.stdout[:300], proc.stderr[-500:])
        return 2

    with open(os.path.join(out, "expected.json"), encoding="utf-8") as fh:
        expected = json.load(fh)
    want = {(v["code"], os.path.normpath(v["file"]), v["line"]) for v in expected["violations"]}
    ranked = set(expected["indicator_bodies"])
    got, extra = set(), []
    for v in report["violations"]:
        rel = os.path.normpath(os.path.relpath(os.path.join(os.getcwd(), v["file"]), out))
        key = (v["code"], rel, v["line"])
        if v["code"] == "COR001" and v.get("sphere") in ranked:
            continue
        got.add(key)
        if key not in want:
            extra.append(v)
    missing = sorted(want - got)
    print(f"seeded {len(want)}, reported {len(got)} (+ COR001 infos), "
          f"missing {len(missing)}, unexpected {len(extra)}")
    for m in missing[:10]:
        print("  missing:", *m)
    for v in extra[:10]:
        print("  unexpected:", v["code"], v["file"], v["line"], v["message"])
    return 0 if not missing and not extra else 1


if __name__ == "__main__":
    sys.exit(main())

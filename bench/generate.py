#!/usr/bin/env python3
"""Generate national-scale governance models for benchmarking spherelang.

The generator is ``tests/modelgen.py`` (the test suite uses it too, and must
need nothing outside the repository's ``tests/`` and the package); this script
is its command line, and ``from generate import generate`` keeps working for
the other bench scripts. See ``tests/modelgen.py`` for what a model holds.

Usage:
    python bench/generate.py --spheres 100000 --out /tmp/m100k
    python bench/generate.py --spheres 100000 --files 50 --out /tmp/m100k-split
"""

from __future__ import annotations

import importlib.util
import os
import argparse
import sys
import time

_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "modelgen.py")
_spec = importlib.util.spec_from_file_location("modelgen", _PATH)
assert _spec is not None and _spec.loader is not None, _PATH
modelgen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(modelgen)

generate = modelgen.generate
VIOLATION_CODE = modelgen.VIOLATION_CODE
LAYERS = modelgen.LAYERS

def main(argv=None):
    ap = argparse.ArgumentParser(description=modelgen.__doc__.split("\n\n")[0])
    ap.add_argument("--spheres", "-n", type=int, default=100_000, help="number of spheres (default 100000)")
    ap.add_argument("--out", "-o", required=True, help="output directory")
    ap.add_argument("--files", "-k", type=int, default=1, help="split the state bodies over K files (default 1)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--rate", type=float, default=0.001, help="share of spheres with a seeded violation (default 0.001)")
    ap.add_argument("--layout", choices=("rich", "plain"), default="rich",
                    help="rich: every layout the language allows, with rules and a scenario (default); "
                         "plain: one statement per line")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    summary = modelgen.generate(args.spheres, args.out, files=args.files, seed=args.seed, rate=args.rate,
                                 layout=args.layout)
    dt = time.perf_counter() - t0
    print(f"{summary['spheres']} spheres {summary['levels']} in {len(summary['files'])} file(s), "
          f"{summary['lines']} lines, {summary['violations']} seeded violations, "
          f"{dt:.2f}s -> {summary['entry']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

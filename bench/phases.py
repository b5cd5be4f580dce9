#!/usr/bin/env python3
"""Phase timings and peak memory of spherelang on generated national models.

    python bench/phases.py                 # 1k, 10k and 100k spheres
    python bench/phases.py --sizes 1000 10000 --repeat 3

For each size the model is generated once (bench/generate.py, deterministic),
then each run happens in a fresh process so peak memory (max RSS) is the run's
own. Phases: load (read + parse + imports), resolve, checks (built-in),
rules (user rules), eval (figures), report (JSON rendering), and the whole
`sphere check` command end to end. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from spherelang.loading import load_model
from spherelang.resolve import resolve
from spherelang.checks import run_checks, Context
from spherelang.rulelang import run_user_rules
from spherelang.pipeline import Report, diagnose, sort_and_dedupe, paused_gc
from spherelang.report import json_format
paused = paused_gc(); paused.__enter__()  # as the CLI does
t_import = time.perf_counter()
loaded = load_model(sys.argv[1]); t_load = time.perf_counter()
model = resolve(loaded); t_resolve = time.perf_counter()
findings = list(run_checks(model, Context())); t_checks = time.perf_counter()
user = run_user_rules(model); t_rules = time.perf_counter()
figures = [(s.capacity, s.ceiling) for s in model.spheres]; t_eval = time.perf_counter()
report = Report(sort_and_dedupe(diagnose(model)), (sys.argv[1],))
t_all = time.perf_counter()
text = json_format.dumps(json_format.report_object(report)); t_report = time.perf_counter()
print(json.dumps({
    "import": t_import - t0, "load": t_load - t_import, "resolve": t_resolve - t_load,
    "checks": t_checks - t_resolve, "rules": t_rules - t_checks, "eval": t_eval - t_rules,
    "report": t_report - t_all, "violations": len(report.violations),
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run_phases(path: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def run_cli(path: str) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "import resource,sys\nfrom spherelang.cli import main\n"
                           "try:\n main(['check','--format','json','-o','/dev/null',sys.argv[1]])\n"
                           "except SystemExit: pass\n"
                           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)", path],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - start, float(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    from generate import generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            out = os.path.join(tmp, f"m{n}")
            generate(n, out)
            path = os.path.join(out, "model.sphere")
            phases = [run_phases(path) for _ in range(args.repeat)]
            cli = [run_cli(path) for _ in range(args.repeat)]
            med = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
            med["cli"] = statistics.median(c[0] for c in cli)
            med["cli_rss"] = max(c[1] for c in cli)
            rows.append((n, os.path.getsize(path), med))
    print("| spheres | MB | load | resolve | checks | rules | eval | report | `sphere check` | peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, size, m in rows:
        print(f"| {n:,} | {size / 1e6:.1f} | {m['load']:.2f} | {m['resolve']:.2f} | {m['checks']:.2f} | "
              f"{m['rules']:.3f} | {m['eval']:.3f} | {m['report']:.2f} | {m['cli']:.2f} s | {m['cli_rss']:.0f} MB |")
    if len(rows) > 1:
        (n0, _, a), (n1, _, b) = rows[-2], rows[-1]
        import math

        exponent = math.log(b["cli"] / a["cli"]) / math.log(n1 / n0)
        print(f"\ngrowth {n0:,} -> {n1:,}: x{b['cli'] / a['cli']:.1f} time for x{n1 / n0:.0f} size "
              f"(exponent {exponent:.2f})")


if __name__ == "__main__":
    main()

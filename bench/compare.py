#!/usr/bin/env python3
"""Side by side: `sphere check`, OPA, regorus and a plain-Python floor; writes bench/RESULTS.md.

OPA and regorus run spherelang's four structural checks (bench/opa/policy.rego)
over `sphere dump` JSON; the floor (bench/opa/floor.py) runs them over the
dumped dicts.

    python bench/compare.py                                   # 3k, 30k, 100k spheres, 3 runs each
    python bench/compare.py --sizes 1000 10000 --repeat 5
    python bench/compare.py --engine-python /tmp/bench-venv/bin/python

For each size the model is generated once (bench/generate.py, deterministic)
and dumped once (`sphere dump`). Every measurement is then a fresh process,
timed by wall clock from start to exit, its peak memory read from the kernel
(max RSS, wait4), with its CPU time (user + system); the repetitions are
interleaved so a busy moment on the machine does not fall on one measurement
only. Medians are reported.

  sphere cold     `sphere check --no-cache --format json` end to end
  sphere warm     the same with the cache (.sphere_cache, a project marked
                  by sphere.toml) after a priming run: the result cache
                  answers it; "reparse" is the same run with the stored
                  results deleted, so only the parse cache helps; all three again for a copy of
                  the model with a small sphere appended in a layout the
                  fast path leaves to the LALR parser, so the file is
                  parse-cached (the fast path's files are not); --no-lalr
                  skips that copy
  check phase     spherelang.checks.run_checks over the resolved model, in
                  process (all built-in checks), and the four codes alone
  floor           the four checks in plain Python over the dumped dicts
                  (bench/opa/floor.py), and json.loads of the dump
  OPA, regorus    a process that loads the binding, compiles policy.rego,
                  reads the dump and evaluates (bench/opa/run_engine.py)

The engines need the `bench` extra (see bench/README.md); --engine-python
names an interpreter that has them when this one does not. SPHERE_CMD
overrides the `sphere` command (default: the console script beside this
interpreter). Also measured: `sphere --help` and `sphere check` of a 20-line
model, cold, 10 times each. Findings are compared across all of them.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN_ENGINE = os.path.join(HERE, "opa", "run_engine.py")
CODES = ("BAL001", "BAL002", "BAL003", "NEST002", "NEST003")

TINY = """\
model "A ministry inside its frame"

sphere Nation : political {
  channel elections strength 0.6
  power legislate
  resource budget = 5e9 KZT
  responsibility lawmaking requires legislate, budget 1e8 KZT

  sphere Finance : administrative "Ministry of Finance" {
    power legislate
    power audit                                   // nothing enclosing grants it
    resource operating = 6e9 KZT from Nation.budget
    responsibility planning requires legislate    // a mandate without means
  }
  sphere Audit : administrative "Court of Audit" {
    power legislate
    resource operating = 1e8 KZT from Nation.budget
    responsibility review requires legislate, operating 1e8 KZT
  }
}
"""

# Appended to a copy of the generated model: a header line that also holds two
# statements is a layout the parser's fast path leaves to the LALR parser, so
# the whole file goes through LALR and into the parse cache. It adds no finding.
LALR_TAIL = """
sphere LalrProbe : political { channel probe strength 1; power probe_power
  resource probe_budget = 1 USD
  responsibility probe_duty requires probe_power, probe_budget
}
"""

CHECK_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from spherelang.loading import load_model
from spherelang.resolve import resolve
from spherelang.checks import CODES, Context, run_checks
try:
    from spherelang.pipeline import paused_gc
except ImportError:
    from contextlib import nullcontext as paused_gc
t1 = time.perf_counter()
with paused_gc():  # as the CLI does
    loaded = load_model(sys.argv[1]); t2 = time.perf_counter()
    model = resolve(loaded); t3 = time.perf_counter()
    ctx = Context()
    every = list(run_checks(model, ctx)); t4 = time.perf_counter()
    four = [f for c in sys.argv[2].split(",") for f in CODES[c].check(model, ctx)]; t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "resolve": t3 - t2, "checks": t4 - t3, "checks4": t5 - t4,
                  "findings": len(every), "findings4": len(four),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# ------------------------------------------------------------------ running

LAST_CPU = [0.0]


def run(cmd: list[str], cwd: str | None = None) -> tuple[float, float, int, str, str]:
    """Run ``cmd`` to the end: (wall seconds, max RSS MB, exit code, stdout, stderr).

    The CPU time (user + system) of the last run is left in ``LAST_CPU``.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        LAST_CPU[0] = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return wall, usage.ru_maxrss / 1024, proc.returncode, out.read().decode(), err.read().decode()


def sphere_command() -> list[str]:
    env = os.environ.get("SPHERE_CMD")
    if env:
        return shlex.split(env)
    for base in (sys.executable, getattr(sys, "_base_executable", sys.executable)):
        script = os.path.join(os.path.dirname(base), "sphere")
        if os.access(script, os.X_OK):
            return [script]
    found = shutil.which("sphere")
    return [found] if found else [sys.executable, "-m", "spherelang"]


def first_name(message: str) -> str:
    found = re.search(r"'([^']*)'", message)
    return found.group(1) if found else ""


def sphere_findings(report_text: str) -> list[list[str]]:
    """The four codes' findings of a `sphere check --format json` report, as [code, sphere, name]."""
    report = json.loads(report_text)
    return sorted([v["code"], v["sphere"], first_name(v["message"])] for v in report["violations"]
                  if v["code"] in CODES)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: str) -> None:
        self.args = args
        self.workdir = workdir
        self.sphere = sphere_command()
        self.engine_python = args.engine_python or sys.executable
        help_text = run(self.sphere + ["check", "--help"])[3]
        self.has_no_cache = "--no-cache" in help_text
        self.engines: dict[str, str] = {}
        if not args.no_engines:
            wall, rss, code, out, err = run([self.engine_python, RUN_ENGINE, "versions"])
            if code == 0:
                self.engines = {k: v for k, v in json.loads(out).items() if v}
        self.rows: list[dict[str, Any]] = []
        self.log_lines: list[str] = []

    def log(self, text: str) -> None:
        print(text, flush=True)
        self.log_lines.append(text)

    # one size ---------------------------------------------------------------

    def size(self, n: int) -> dict[str, Any]:
        sys.path.insert(0, HERE)
        from generate import generate

        out = os.path.join(self.workdir, f"m{n}")
        summary = generate(n, out)
        model = os.path.join(out, "model.sphere")
        with open(os.path.join(out, "sphere.toml"), "w", encoding="utf-8") as f:
            f.write("# a project root, so the parse cache may be used\n")
        dump = os.path.join(out, "dump.json")
        wall, rss, code, _, err = run(self.sphere + ["dump", model, "-o", dump])
        if code != 0:
            raise SystemExit(f"sphere dump failed at {n}: {err.strip()[:500]}")
        row: dict[str, Any] = {"n": n, "lines": summary["lines"], "sphere_mb": os.path.getsize(model) / 1e6,
                               "dump_mb": os.path.getsize(dump) / 1e6, "dump_s": wall, "dump_rss": rss,
                               "load_before": os.getloadavg()[0]}
        self.log(f"{n:,} spheres: {row['sphere_mb']:.1f} MB model, {row['dump_mb']:.1f} MB dump ({wall:.2f} s)")

        cold_flags = ["--no-cache"] if self.has_no_cache else []
        report = os.path.join(out, "report.json")
        check = ["check", "--format", "json", "--fail-on", "info", "-o", report, model]
        # reparse: a run whose stored result is gone (as after an edit), so only the parse cache can help
        reparse: list[str] = []

        def forget_results() -> None:
            for entry in glob.glob(os.path.join(out, ".sphere_cache", "v1", "r-*")):
                os.unlink(entry)

        kinds = ["cold", "warm", "reparse", "phase", "floor", *self.engines]
        kinds += ["lalr_cold", "lalr_warm", "lalr_reparse"] if self.args.lalr else []
        samples: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        findings: dict[str, list[list[str]]] = {}

        # Prime the cache once (not timed) and see whether it holds anything.
        cache_dir = os.path.join(out, ".sphere_cache")
        shutil.rmtree(cache_dir, ignore_errors=True)
        run(self.sphere + check)
        entries = sum(len(files) for _, _, files in os.walk(cache_dir)) if os.path.isdir(cache_dir) else 0
        row["cache_entries"] = entries

        if self.args.lalr:  # the same model plus a sphere the fast path leaves to LALR: parse-cached
            lalr_model = os.path.join(out, "model_lalr.sphere")
            with open(model, encoding="utf-8") as src, open(lalr_model, "w", encoding="utf-8") as dst:
                dst.write(src.read() + LALR_TAIL)
            lalr_check = ["check", "--format", "json", "--fail-on", "info", "-o", os.devnull, lalr_model]
            run(self.sphere + lalr_check)  # priming
            row["lalr_cache_mb"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(cache_dir)
                                       for f in fs if not f.startswith(".")) / 1e6 if os.path.isdir(cache_dir) else 0

        for rep in range(self.args.repeat):
            wall, rss, code, _, err = run(self.sphere + [check[0], *cold_flags, *check[1:]])
            if code not in (0, 1):
                raise SystemExit(f"sphere check failed: {err.strip()[:500]}")
            samples["cold"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})
            if rep == 0:
                with open(report, encoding="utf-8") as f:
                    findings["sphere"] = sphere_findings(f.read())

            # the stored results of both models are gone, so "reparse" parses; it stores the result
            # that "warm" then finds
            forget_results()
            wall, rss, code, _, err = run(self.sphere + [*check[:-1], *reparse, check[-1]])
            samples["reparse"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})
            wall, rss, code, _, err = run(self.sphere + check)
            samples["warm"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})

            if self.args.lalr:
                wall, rss, code, _, err = run(self.sphere + [lalr_check[0], *cold_flags, *lalr_check[1:]])
                samples["lalr_cold"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})
                forget_results()
                wall, rss, code, _, err = run(self.sphere + [*lalr_check[:-1], *reparse, lalr_check[-1]])
                samples["lalr_reparse"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})
                wall, rss, code, _, err = run(self.sphere + lalr_check)
                samples["lalr_warm"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0]})

            wall, rss, code, stdout, err = run([sys.executable, "-c", CHECK_CHILD, model, ",".join(CODES)])
            if code != 0:
                raise SystemExit(f"check phase child failed: {err.strip()[:500]}")
            samples["phase"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0], **json.loads(stdout)})

            wall, rss, code, stdout, err = run([sys.executable, RUN_ENGINE, "floor", dump])
            if code != 0:
                raise SystemExit(f"floor failed: {err.strip()[:500]}")
            result = json.loads(stdout)
            findings["floor"] = result.pop("findings")
            samples["floor"].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0], **result})

            for engine in self.engines:
                wall, rss, code, stdout, err = run([self.engine_python, RUN_ENGINE, engine, dump])
                if code != 0:
                    raise SystemExit(f"{engine} failed: {err.strip()[:500]}")
                result = json.loads(stdout)
                findings[engine] = result.pop("findings")
                samples[engine].append({"wall": wall, "rss": rss, "cpu": LAST_CPU[0], **result})
            self.log(f"  run {rep + 1}/{self.args.repeat}: cold {samples['cold'][-1]['wall']:.2f} s, "
                     f"warm {samples['warm'][-1]['wall']:.2f} s, "
                     + (f"LALR cold {samples['lalr_cold'][-1]['wall']:.2f} s, warm {samples['lalr_warm'][-1]['wall']:.2f} s, "
                        if self.args.lalr else "")
                     + f"checks {samples['phase'][-1]['checks']:.3f} s, "
                     f"floor {samples['floor'][-1]['eval']:.3f} s"
                     + "".join(f", {e} {samples[e][-1]['wall']:.2f} s" for e in self.engines))

        def med(kind: str, key: str) -> float | None:
            return median([s[key] for s in samples[kind] if s.get(key) is not None])

        for kind in samples:
            row[f"{kind}_cpu"] = med(kind, "cpu")
            row[f"{kind}_wall"] = med(kind, "wall")
            row[f"{kind}_rss"] = max((s["rss"] for s in samples[kind]), default=None)
        for key in ("import", "load", "resolve", "checks", "checks4"):
            row[f"phase_{key}"] = med("phase", key)
        row["floor_json"] = med("floor", "json")
        row["floor_checks"] = med("floor", "eval")
        row["floor_total"] = med("floor", "total")
        for engine in self.engines:
            for key in ("import", "compile", "eval", "total"):
                row[f"{engine}_{key}"] = med(engine, key)
        reference = findings.get("sphere", [])
        row["findings"] = len(reference)
        row["agree"] = {name: found == reference for name, found in findings.items() if name != "sphere"}
        row["load_after"] = os.getloadavg()[0]
        return row

    def small(self) -> dict[str, Any]:
        tiny_dir = os.path.join(self.workdir, "tiny")
        os.makedirs(tiny_dir, exist_ok=True)
        tiny = os.path.join(tiny_dir, "ministry.sphere")
        with open(tiny, "w", encoding="utf-8") as f:
            f.write(TINY)
        cold_flags = ["--no-cache"] if self.has_no_cache else []
        helps, checks = [], []
        for _ in range(10):  # interleaved
            helps.append(run(self.sphere + ["--help"])[0])
            checks.append(run(self.sphere + ["check", *cold_flags, tiny])[0])
        bare = [run([sys.executable, "-c", "pass"])[0] for _ in range(10)]
        return {"help": median(helps), "tiny": median(checks), "python": median(bare),
                "tiny_lines": TINY.count("\n")}


# ------------------------------------------------------------------ report


def fmt_s(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.{digits}f} s"


def fmt_mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "**met**" if value <= limit else "**not met**"


def machine() -> dict[str, str]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "spherelang", "grammar"],
                               capture_output=True, text=True, cwd=ROOT).stdout.strip()
        if commit and dirty:
            commit += " with uncommitted changes in spherelang/"
    except OSError:
        commit = ""
    try:
        from spherelang import __version__ as version
    except ImportError:
        version = "?"
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "mem": mem, "python": platform.python_version(),
            "platform": platform.platform(), "spherelang": version, "commit": commit}


def write_results(bench: Bench, small: dict[str, Any], path: str, started: str, elapsed: float) -> str:
    rows = bench.rows
    engines = list(bench.engines)
    m = machine()
    names = {"opa": "OPA", "regorus": "regorus"}
    lines: list[str] = []
    add = lines.append
    add("# spherelang against OPA and regorus: results")
    add("")
    command = " ".join([sys.executable, "bench/compare.py", *sys.argv[1:]])
    add(f"Written by `{command}` on {started} "
        f"({elapsed / 60:.0f} min). Medians of {bench.args.repeat} runs, each a fresh process; peak memory is the "
        "largest max RSS over the runs. How to run it: bench/README.md.")
    add("")
    add(f"- machine: {m['nproc']} cores ({m['cpu'] or 'unknown CPU'}), {m['mem']} memory, {m['platform']}; shared "
        "with other work, load average (1 min) "
        + ", ".join(f"{r['load_before']:.1f}→{r['load_after']:.1f} at {r['n']:,}" for r in rows))
    add(f"- Python {m['python']}; spherelang {m['spherelang']}" + (f" at {m['commit']}" if m["commit"] else "")
        + f"; `sphere` = `{' '.join(bench.sphere)}`")
    for engine in ("opa", "regorus"):
        add(f"- {names[engine]}: " + (bench.engines[engine] if engine in bench.engines else
                                       "not installed for this run (see bench/README.md)"))
    add("- policy: bench/opa/policy.rego (BAL001, BAL002, BAL003, NEST002, NEST003 over `sphere dump` JSON); "
        "floor: bench/opa/floor.py")
    add("")
    add("## Times (medians)")
    add("")
    head = ["spheres", "model", "dump", "`sphere check` cold", "warm (cache)", "warm, result cache missed",
            "check phase: all built-in",
            "check phase: 4 codes", "floor: 4 checks", "`json.loads` of the dump"]
    head += [f"{names[e]} end to end" for e in engines]
    add("| " + " | ".join(head) + " |")
    add("|" + "---:|" * len(head))
    for r in rows:
        cells = [f"{r['n']:,}", f"{r['sphere_mb']:.1f} MB", f"{r['dump_mb']:.1f} MB", fmt_s(r["cold_wall"]),
                 fmt_s(r["warm_wall"]), fmt_s(r["reparse_wall"]), fmt_s(r["phase_checks"], 3), fmt_s(r["phase_checks4"], 3),
                 fmt_s(r["floor_checks"], 3), fmt_s(r["floor_json"])]
        cells += [fmt_s(r[f"{e}_wall"]) for e in engines]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("Warm is a second `sphere check` of the unchanged model: the result cache answers it (every file "
        "read and hashed, the stored result loaded). \"Result cache missed\" is the same run after the stored "
        "results were deleted (the per-file import lists and parsed files kept): it parses and checks again, "
        "helped only by the parse cache, as a check after an edit would be.")
    add("")
    add("End to end is a whole process, start to exit, as a user or CI sees it. For the engines that is "
        "Python start-up, loading the binding, compiling the policy, reading the dump, parsing it inside "
        "the engine and evaluating; they start from the dump, so they do not include `sphere dump` itself "
        "(spherelang's load + resolve + JSON), which took "
        + ", ".join(f"{fmt_s(r['dump_s'])} at {r['n']:,}" for r in rows) + ".")
    add("")
    add("### Inside the processes")
    add("")
    head = ["spheres", "sphere: import", "load (read + parse)", "resolve", "checks"]
    for e in engines:
        head += [f"{names[e]}: load + compile", f"{names[e]}: parse + eval"]
    head += ["floor: read + `json.loads` + checks"]
    add("| " + " | ".join(head) + " |")
    add("|" + "---:|" * len(head))
    for r in rows:
        cells = [f"{r['n']:,}", fmt_s(r["phase_import"]), fmt_s(r["phase_load"]), fmt_s(r["phase_resolve"]),
                 fmt_s(r["phase_checks"], 3)]
        for e in engines:
            cells += [fmt_s((r[f"{e}_import"] or 0) + (r[f"{e}_compile"] or 0)), fmt_s(r[f"{e}_eval"])]
        cells += [fmt_s(r["floor_total"])]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("### CPU time (user + system, medians)")
    add("")
    add("Less sensitive than wall clock to other work on the machine; a process with several threads (Go's "
        "garbage collector in OPA) can use more CPU time than wall time.")
    add("")
    head = ["spheres", "`sphere check` cold", "warm", "floor process"] + [f"{names[e]} process" for e in engines]
    add("| " + " | ".join(head) + " |")
    add("|" + "---:|" * len(head))
    for r in rows:
        cells = [f"{r['n']:,}", fmt_s(r["cold_cpu"]), fmt_s(r["warm_cpu"]), fmt_s(r["floor_cpu"])]
        cells += [fmt_s(r[f"{e}_cpu"]) for e in engines]
        add("| " + " | ".join(cells) + " |")
    add("")
    if bench.args.lalr and bench.has_no_cache:
        add("### The parse cache")
        add("")
        add("The generated models are parsed whole by the fast path, which the parse cache does not store "
            "(see Notes), so when the result cache misses they are parsed again. To see the parse cache at "
            "work, a copy of each model with a small sphere appended whose header line also holds two "
            "statements (the fast path takes one statement per line, so the whole file goes to the LALR "
            "parser and into the parse cache) is checked the same three ways.")
        add("")
        add("| spheres | fast-path file: cold | warm | result cache missed | LALR file: cold | warm | "
            "result cache missed (parse cache hit) | cache size |")
        add("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            add(f"| {r['n']:,} | {fmt_s(r['cold_wall'])} | {fmt_s(r['warm_wall'])} | {fmt_s(r['reparse_wall'])} | "
                f"{fmt_s(r['lalr_cold_wall'])} | {fmt_s(r['lalr_warm_wall'])} | {fmt_s(r['lalr_reparse_wall'])} | "
                f"{r.get('lalr_cache_mb', 0):.1f} MB |")
        add("")
    add("## Peak memory (max RSS)")
    add("")
    head = ["spheres", "`sphere check` cold", "warm", "check-phase process", "floor process"]
    head += [f"{names[e]} process" for e in engines] + ["`sphere dump`"]
    add("| " + " | ".join(head) + " |")
    add("|" + "---:|" * len(head))
    for r in rows:
        cells = [f"{r['n']:,}", fmt_mb(r["cold_rss"]), fmt_mb(r["warm_rss"]), fmt_mb(r["phase_rss"]),
                 fmt_mb(r["floor_rss"])] + [fmt_mb(r[f"{e}_rss"]) for e in engines] + [fmt_mb(r["dump_rss"])]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("## Start-up")
    add("")
    add(f"- `sphere --help`: {fmt_s(small['help'], 3)} (median of 10, wall clock)")
    add(f"- `sphere check` of a {small['tiny_lines']}-line model, cold: {fmt_s(small['tiny'], 3)} (median of 10)")
    add(f"- for scale, `python -c pass` on this machine: {fmt_s(small['python'], 3)}")
    add("")

    # targets
    add("## The targets of issue 14")
    add("")
    add("| target | measured | |")
    add("|---|---|---|")
    large = [r for r in rows if r["n"] >= 30_000] or rows[-1:]
    for big in large:
        n = f"{big['n']:,}"
        if "opa" in engines:
            x = ratio(big["cold_wall"], big["opa_wall"])
            add(f"| `sphere check` cold ≤ 1.0× OPA end to end ({n}) | {x:.2f}× ({fmt_s(big['cold_wall'])} vs "
                f"{fmt_s(big['opa_wall'])}) | {verdict(x, 1.0)} |")
        if "regorus" in engines:
            x = ratio(big["cold_wall"], big["regorus_wall"])
            add(f"| (aim) `sphere check` cold ≤ 1.0× regorus ({n}) | {x:.2f}× ({fmt_s(big['cold_wall'])} vs "
                f"{fmt_s(big['regorus_wall'])}) | {verdict(x, 1.0)} |")
            x = ratio(big["warm_wall"], big["regorus_wall"])
            add(f"| second check of an unchanged model ≤ 1.0× regorus ({n}) | {x:.2f}× "
                f"({fmt_s(big['warm_wall'])} vs {fmt_s(big['regorus_wall'])}) | {verdict(x, 1.0)} |")
        x = ratio(big["phase_checks"], big["floor_checks"])
        x4 = ratio(big["phase_checks4"], big["floor_checks"])
        add(f"| check phase ≤ 2× the plain-Python floor ({n}) | all built-in checks {x:.2f}× "
            f"({fmt_s(big['phase_checks'], 3)} vs {fmt_s(big['floor_checks'], 3)}); the same four codes "
            f"{x4:.2f}× | {verdict(x, 2.0)} (all) / {verdict(x4, 2.0)} (four) |")
    if not engines:
        add("| cold ≤ 1.0× OPA, warm ≤ 1.0× regorus | engines not installed | not measured |")
    start = small["tiny"]  # a process that checks 20 lines: start-up, imports, one small model
    for a, b in zip(rows, rows[1:]):
        scale = math.log(b["n"] / a["n"])
        ta, tb = a["cold_wall"] - start, b["cold_wall"] - start
        ca, cb = a.get("cold_cpu"), b.get("cold_cpu")
        e = math.log(tb / ta) / scale if ta > 0 and tb > 0 else None
        ecpu = math.log(cb / ca) / scale if ca and cb else None
        shown = f"{e:.2f}" if e is not None else "n/a"
        by_cpu = f" (by CPU time, start-up included: {ecpu:.2f})" if ecpu is not None else ""
        add(f"| growth {a['n']:,} → {b['n']:,}, net of start-up: exponent ≤ 1.05 | `sphere check` cold "
            f"{shown}{by_cpu} | {'**met**' if e is not None and e <= 1.05 else '**not met**'} |")
    for n_target, limit in ((30_000, 150), (100_000, 400)):
        row = next((r for r in rows if r["n"] == n_target), None)
        if row is not None:
            add(f"| peak memory at {n_target:,} ≤ {limit} MB, cold | {fmt_mb(row['cold_rss'])} | "
                f"{verdict(row['cold_rss'], limit)} |")
    add(f"| `sphere --help` ≤ 0.15 s | {fmt_s(small['help'], 3)} | {verdict(small['help'], 0.15)} |")
    add(f"| `sphere check` of a {small['tiny_lines']}-line file ≤ 0.25 s cold | {fmt_s(small['tiny'], 3)} | "
        f"{verdict(small['tiny'], 0.25)} |")
    add("")

    add("## Findings")
    add("")
    for r in rows:
        agree = ", ".join(f"{names.get(k, k)} {'same' if v else '**differs**'}" for k, v in r["agree"].items())
        add(f"- {r['n']:,} spheres: spherelang's BAL001/BAL002/BAL003/NEST002/NEST003 findings: {r['findings']}; "
            f"compared as (code, sphere, name): {agree}.")
    add("")
    add("## Notes")
    add("")
    if bench.has_no_cache:
        cached = ", ".join(f"{r['cache_entries']} at {r['n']:,}" for r in rows)
        add("- Cold runs pass `--no-cache`. Warm runs use `.sphere_cache` after one priming run, in a directory "
            f"marked by `sphere.toml`; entries after priming: {cached} (the result, the import list of each "
            "file, and the parsed files that needed the LALR parser). The parse cache keeps only files that "
            "needed the LALR parser: loading a pickled national model is faster than the fast path, but "
            "writing it costs more than the parse, which every cold run would pay.")
    else:
        add("- This `sphere` has no parse cache (`--no-cache` unknown): warm is simply the second run.")
    add("- Check phase: `run_checks` over the resolved model in one process (GC paused as the CLI does); "
        "\"4 codes\" runs only the check functions of BAL001, BAL002, BAL003, NEST002 and NEST003. spherelang "
        "finds NEST002 while resolving (the check passes on recorded facts), so the floor, which reads the "
        "resolver's verdicts from the dump, does the same work for it.")
    add("- The OPA binding is handed the dump's bytes (its native `OpaEvalDocument`), as `opa eval --input` "
        "would read them; its public `eval_document` would add a `json.loads` and a `json.dumps`.")
    add("- A machine shared with other work: compare figures within one run of this script, not across runs.")
    add("")
    text = "\n".join(lines)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine-python", default=None,
                        help="interpreter with the bench extra (OPA and regorus bindings); default: this one")
    parser.add_argument("--no-engines", action="store_true", help="skip OPA and regorus")
    parser.add_argument("--no-lalr", dest="lalr", action="store_false",
                        help="skip the cold/warm runs of a copy of the model that goes through the LALR parser")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"), help="default: bench/RESULTS.md")
    parser.add_argument("--workdir", default=None, help="keep the models here (default: a temporary directory)")
    args = parser.parse_args()

    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sphere-compare-") as tmp:
        workdir = os.path.abspath(args.workdir) if args.workdir else tmp
        os.makedirs(workdir, exist_ok=True)
        bench = Bench(args, workdir)
        print(f"sphere: {' '.join(bench.sphere)}; engines: "
              + (", ".join(f"{k} ({v})" for k, v in bench.engines.items()) or "none"), flush=True)
        small = bench.small()
        print(f"sphere --help {small['help']:.3f} s, 20-line check {small['tiny']:.3f} s", flush=True)
        for n in args.sizes:
            bench.rows.append(bench.size(n))
        text = write_results(bench, small, args.out, started, time.perf_counter() - t0)
    print()
    print(text)


if __name__ == "__main__":
    main()

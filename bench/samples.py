#!/usr/bin/env python3
"""How long ``sphere eval --samples`` takes (LANGUAGE.md §8.5).

    python bench/samples.py                        # 10,000 samples of examples/kazakhstan.sphere
    python bench/samples.py --samples 100000 --file my.sphere

Times three things, each the median of ``--repeat`` runs: the sampler alone on
the model as written; the sampler on a copy in which every indicator and every
explicit capacity carries a ``± SE`` (the worst case: every value is drawn in
every sample); and the whole ``sphere eval --samples N --format json`` command
on that copy, in a fresh process (start-up, loading and checking included).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def with_uncertainty(text: str) -> str:
    """``text`` with a ``± SE`` on every indicator value and explicit capacity
    that has none (a rank ± 3, a score ± 5% of its value, a capacity ± 0.05)."""
    text = re.sub(r"(indicator \w+ = )(-?[0-9.]+)( of )", r"\1\2 ± 3\3", text)
    text = re.sub(r"(indicator \w+ = )(-?[0-9.]+)( in )",
                  lambda m: f"{m[1]}{m[2]} ± {abs(float(m[2])) * 0.05 + 0.01:g}{m[3]}", text)
    return re.sub(r"(\bcapacity [0-9.]+)(?! *(?:±|\+/-))", r"\1 ± 0.05", text)


def timed(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=os.path.join(ROOT, "examples", "kazakhstan.sphere"))
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import spherelang
    from spherelang.evaluator import sample

    with open(args.file, encoding="utf-8") as fh:
        text = fh.read()
    with tempfile.TemporaryDirectory() as tmp:
        uncertain = os.path.join(tmp, os.path.basename(args.file))
        with open(uncertain, "w", encoding="utf-8") as fh:
            fh.write(with_uncertainty(text))
        for label, path in (("as written", args.file), ("every value ± SE", uncertain)):
            model = spherelang.load(path)
            drawn = sum(1 for s in model.spheres for i in s.indicators if i.uncertainty > 0) + sum(
                1 for s in model.spheres if s.declared_capacity is not None and s.capacity_uncertainty > 0)
            seconds = timed(lambda m=model: sample(m, args.samples, 0), args.repeat)
            print(f"sampler, {label}: {len(model.spheres)} spheres, {drawn} values drawn per sample, "
                  f"{args.samples:,} samples: {seconds:.2f} s")
        command = [sys.executable, "-m", "spherelang", "eval", uncertain, "--samples", str(args.samples),
                   "--format", "json", "--no-cache"]
        seconds = timed(lambda: subprocess.run(command, capture_output=True, check=False), args.repeat)
        print(f"sphere eval --samples {args.samples:,} --format json (every value ± SE), whole command: "
              f"{seconds:.2f} s")


if __name__ == "__main__":
    main()

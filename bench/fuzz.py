"""A long-running robustness fuzzer for spherelang (issue 8: never a traceback).

It takes every ``.sphere`` file under ``examples/``, ``tests/cases/``,
``tests/regressions/`` and the shared conformance cases as seeds, mutates them
(insert, delete, duplicate, truncate, splice, bracket bombs, long chains, bad
bytes, edge numbers, swapped names, imports of random globs...), mixes in one
program in ten generated from the grammar itself (``GrammarWalker``, mutated
half of the time), and runs each input through

* ``spherelang.parse`` (may raise only ``SphereSyntaxError``),
* ``spherelang.load`` + ``spherelang.check`` (may raise nothing),
* ``spherelang.evaluate`` for each declared scenario (nothing, or
  ``SphereUsageError`` for a scenario that did not survive the mutation),
* every ``N``-th input also the CLI, ``sphere check --format json|sarif|text``
  and ``sphere eval --format json``, in-process (exit 0/1, valid JSON, no
  "Traceback" and no "internal error").

Each input has a wall-clock budget (``--timeout``, SIGALRM): an input that
exceeds it is a *hang*. Any crash or hang is minimised a little (line- then
character-wise, while it still fails the same way) and saved as
``tests/regressions/<kind>-<sha1>.sphere`` (the exact bytes) with a
``.log`` next to it holding the traceback. ``tests/test_robustness.py`` runs
every ``tests/regressions/*.sphere`` through ``check`` and the CLI, so a saved
input is a failing regression test until the bug is fixed.

Usage::

    python bench/fuzz.py                         # run until interrupted (Ctrl-C)
    python bench/fuzz.py --hours 6 --seed 7      # a six-hour run, reproducible choices
    python bench/fuzz.py --iterations 20000      # a fixed number of inputs
    python bench/fuzz.py --cli-every 0           # API only (faster)
    python bench/fuzz.py --out /tmp/crashes      # save crashes elsewhere
    python bench/fuzz.py --save-slow /tmp/slow --slow 1   # keep inputs slower than 1 s for profiling
    python bench/fuzz.py --atheris --atheris-arg=-max_total_time=3600   # coverage-guided (pip install atheris)

It prints a status line every ``--report`` seconds (inputs, inputs/s, crashes,
hangs, the slowest input). Exit status: 0 when nothing was found, 1 when some
crash or hang was saved. The loop is single-process and keeps no state between
inputs but the seed corpus, so memory stays flat over hours; run several
processes with different ``--seed`` values to use more cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_DIRS = [
    REPO / "examples",
    REPO / "tests" / "cases",
    REPO / "tests" / "regressions",  # tests/cases/conformance holds the public conformance cases
]

KEYWORDS = (
    "model import layers sphere within power responsibility requires shared resource from indicator of in "
    "lower_is_better capacity channel strength allow rule error warning info for where require message "
    "scenario remove true false null and or not if"
).split()
PUNCT = list("{}()[].,:;=<>+-*/\"\\\n\r\t ") + ["..", "==", "!=", "<=", ">=", "//", "\r\n"]
ODD = ["\ufeff", "\x00", "\u00e9", "Минфин", "\u2028", "\u0085", "\x0b", "\x0c", "\U0001f600", "\udcff",
       "\u200b", "\u0301", "e9", "1e", "1_", "_1", "0.", "1e309", "-0", "9" * 400, "\\", '"\\"']
SNIPPETS = [
    "sphere X : political { }", "sphere Y : body within X { }", "power p from X.p", "resource r = 1e308 KZT",
    "resource r = -1 KZT from X.r", "responsibility d requires p, r 5 KZT shared", "indicator i = 3 of 1",
    "indicator j = 5 in 10..0 lower_is_better", "capacity 2", "channel c strength -1", "allow BAL001 \"x\"",
    'import "*.sphere"', 'import "../x.sphere"', 'import "/etc/passwd"', 'import "**/*.sphere"', 'import "."',
    "layers a > b > a", 'rule R1 "s" { for s in spheres require s.capacity > 0 }',
    'rule R2 "s" warning { for s in spheres where s.parent != null require s.parent.capacity / 0 == 1 }',
    'rule R3 "s" { for r in resources require sum(x.amount for x in r.sphere.resources) < 1e308 * 10 }',
    'rule R4 "s" { for s in spheres require [x for x in s.children if x.depth > 1] == [] message "{s.path}{[1,[2]]}" }',
    'rule BAL001 "s" { for s in spheres require true }', 'rule R5 "s" { for s in spheres require min() }',
    "scenario S { in X { power q } remove X.p remove Nope }", "scenario S { in X { sphere Z : body { } } }",
]


# ---------------------------------------------------------------- mutations


def seeds() -> list[tuple[Path, bytes]]:
    found: list[tuple[Path, bytes]] = []
    for top in SEED_DIRS:
        if top.is_dir():
            for path in sorted(top.rglob("*.sphere")):
                with contextlib.suppress(OSError):
                    found.append((path, path.read_bytes()))
    if not found:
        found.append((Path("seed.sphere"), b"sphere A : political { channel c strength 0.5 }\n"))
    return found


def _token(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(KEYWORDS) + " "
    if pick < 0.7:
        return rng.choice(PUNCT)
    if pick < 0.85:
        return rng.choice(ODD)
    return rng.choice(SNIPPETS) + "\n"


EDGE_NUMBERS = ["0", "1", "-1", "0.5", "2", "1e308", "1e309", "1e-320", "-0.0", "1_000", "999999999999999999999",
                "0.30000000000000004", "1023", "1024"]
_WORD = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?")


GLOB_PIECES = ["*", "**", "?", "[", "]", "[!", "[^", "a-z", "z-a", "-", "/", "..", ".", "\\\\", "{", "}", "(", ")",
               "|", "$", "+", "[:alpha:]", "sphere", ".sphere", "d0", "~", "%", "'"]


def random_import(rng: random.Random) -> str:
    """An import of a random path or glob: the loader's glob translation is a parser of its own."""
    target = "".join(rng.choice(GLOB_PIECES) for _ in range(rng.randint(1, 8)))
    return f'import "{target}"'


def mutate_tokens(text: str, rng: random.Random) -> str:
    """Gentle, mostly grammatical changes: they reach the resolver, the checks,
    the rule machine and the evaluator instead of stopping at SPH001."""
    for _ in range(rng.choice((1, 1, 2, 3))):
        lines = text.split("\n")
        op = rng.randrange(6)
        if op == 0:  # a number becomes an edge value
            spots = list(_NUMBER.finditer(text))
            if spots:
                m = rng.choice(spots)
                text = text[: m.start()] + rng.choice(EDGE_NUMBERS) + text[m.end() :]
        elif op == 1:  # a word becomes another word of the same file
            words = list(_WORD.finditer(text))
            if words:
                m = rng.choice(words)
                text = text[: m.start()] + rng.choice(words).group() + text[m.end() :]
        elif op == 2:  # drop a line
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif op == 3:  # duplicate a line somewhere else
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
            text = "\n".join(lines)
        elif op == 4:  # a snippet line, or an import of a random glob
            line = random_import(rng) if rng.random() < 0.3 else rng.choice(SNIPPETS)
            lines.insert(rng.randrange(len(lines) + 1), line)
            text = "\n".join(lines)
        else:  # a path-ish word gets a dotted suffix or loses one
            words = list(_WORD.finditer(text))
            if words:
                m = rng.choice(words)
                text = text[: m.end()] + rng.choice((".", ".p", ".parent", "")) + text[m.end() :]
    return text


def mutate_text(text: str, rng: random.Random, corpus: list[str]) -> str:
    if rng.random() < 0.5:
        return mutate_tokens(text, rng)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        n = len(text)
        at = rng.randint(0, n)
        op = rng.randrange(12)
        if op == 0:  # insert a token
            text = text[:at] + _token(rng) + text[at:]
        elif op == 1 and n:  # delete a range
            end = min(n, at + rng.choice((1, 1, 2, 5, 20, 200)))
            text = text[:at] + text[end:]
        elif op == 2 and n:  # duplicate a range
            end = min(n, at + rng.choice((1, 3, 10, 80, 500)))
            text = text[:at] + text[at:end] * rng.choice((2, 3, 50)) + text[end:]
        elif op == 3:  # truncate
            text = text[:at]
        elif op == 4:  # line operations
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            kind = rng.randrange(3)
            if kind == 0:
                del lines[i]
            elif kind == 1:
                lines.insert(i, lines[j])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op == 5 and corpus:  # splice from another seed
            other = rng.choice(corpus)
            a = rng.randint(0, len(other))
            text = text[:at] + other[a : a + rng.choice((10, 100, 1000))] + text[at:]
        elif op == 6:  # bracket bomb around a point
            depth = rng.choice((10, 1000, 1023, 1024, 1025, 5000))
            opener, closer = rng.choice((("(", ")"), ("[", "]"), ("{", "}"), ("not ", ""), ("-", "")))
            text = text[:at] + opener * depth + rng.choice(("1", "true", "x", "")) + closer * depth + text[at:]
        elif op == 7:  # replace a character by an odd one
            text = text[:at] + rng.choice(ODD) + text[at + 1 :]
        elif op == 8:  # newline conventions
            text = text.replace("\n", rng.choice(("\r\n", "\r", "\n\n", ";")))
        elif op == 9:  # long chains
            joiner = rng.choice((" and ", " or ", " + ", " * ", ".parent", ", "))
            text = text[:at] + "1" + joiner.join([""] * rng.choice((2, 100, 3000))) + "1" + text[at:]
        elif op == 10 and n:  # swap two characters
            b = rng.randrange(n)
            chars = list(text)
            chars[at % n], chars[b] = chars[b], chars[at % n]
            text = "".join(chars)
        else:  # a whole snippet on its own line
            text = text[:at] + "\n" + rng.choice(SNIPPETS) + "\n" + text[at:]
    return text


def mutate(data: bytes, rng: random.Random, corpus: list[str]) -> bytes:
    if rng.random() < 0.1:  # byte-level
        buf = bytearray(data)
        for _ in range(rng.choice((1, 2, 4))):
            at = rng.randint(0, len(buf))
            choice = rng.randrange(4)
            if choice == 0:
                buf[at:at] = bytes([rng.randrange(256)])
            elif choice == 1:
                buf[at:at] = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
                                         b"\xf4\x90\x80\x80", b"\x00", b"\r"))
            elif choice == 2 and buf:
                del buf[at % len(buf)]
            else:
                buf = bytearray(buf.decode("utf-8", "replace").encode(rng.choice(("utf-16", "latin-1", "utf-8")),
                                                                      "replace"))
        return bytes(buf)
    text = data.decode("utf-8", "surrogateescape")
    out = mutate_text(text, rng, corpus)
    return out.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------- programs from the grammar


class GrammarWalker:
    """Random programs from the shipped grammar (a depth-bounded random walk over
    its rules), with names that are not keywords and spaces between tokens, so
    that most of them parse and reach the resolver, the checks and the rules."""

    NAMES = ["A", "B", "Nation", "Finance", "p", "q", "r", "s", "x", "KZT", "political", "administrative",
             "operational", "body", "spheres", "powers", "resources", "count", "sum", "len", "max", "name",
             "parent", "depth", "Минфин", "_x1"]
    NUMBERS = ["0", "1", "2", "0.5", "0.3", "12", "1.5e9", "15_000_000", "1e308", "1e-3", "100", "1023"]
    STRINGS = ['""', '"t"', '"{s.name}"', '"{{x}}"', '"a \\" b"', '"Минфин"', '"{1 / 0}"', '"{s.parent.name}"']

    def __init__(self) -> None:
        import lark

        from spherelang.syntax import parser as sphere_parser

        grammar = lark.Lark(sphere_parser.grammar_text(), parser="lalr", lexer="contextual", start="start")
        self.rules: dict[str, list[list[object]]] = {}
        for rule in grammar.rules:
            self.rules.setdefault(rule.origin.name, []).append(list(rule.expansion))
        self.literal = {t.name: t.pattern.value for t in grammar.terminals if type(t.pattern).__name__ == "PatternStr"}
        self.cost = self._costs()

    def _costs(self) -> dict[str, int]:
        """The least number of expansions to finish each nonterminal (to end walks quickly)."""
        cost: dict[str, int] = {}
        changed = True
        while changed:
            changed = False
            for name, options in self.rules.items():
                for option in options:
                    parts = [cost.get(sym.name, None) if not sym.is_term else 0 for sym in option]  # type: ignore[attr-defined]
                    if None in parts:
                        continue
                    value = 1 + sum(parts)  # type: ignore[arg-type]
                    if value < cost.get(name, 1 << 30):
                        cost[name] = value
                        changed = True
        return cost

    def terminal(self, name: str, rng: random.Random) -> str:
        if name == "NAME":
            return rng.choice(self.NAMES)
        if name == "NUMBER":
            return rng.choice(self.NUMBERS)
        if name == "STRING":
            return rng.choice(self.STRINGS)
        if name == "_NL":
            return "\n"
        if name == "COMP_OP":
            return rng.choice(["==", "!=", "<", "<=", ">", ">="])
        if name in ("COMMENT", "WS"):
            return " "
        return self.literal.get(name, "")

    def program(self, rng: random.Random, budget: int = 400) -> str:
        out: list[str] = []
        stack: list[tuple[object, int]] = [(_Sym("start"), 0)]
        steps = 0
        while stack:
            sym, depth = stack.pop()
            if getattr(sym, "is_term", False):
                out.append(self.terminal(sym.name, rng))  # type: ignore[attr-defined]
                continue
            options = self.rules[sym.name]  # type: ignore[attr-defined]
            steps += 1
            if steps > budget or depth > 40:
                option = min(options, key=lambda o: sum(self.cost.get(x.name, 0) for x in o if not x.is_term))
            else:
                option = rng.choice(options)
            stack.extend((child, depth + 1) for child in reversed(option))
        return " ".join(out) + "\n"


class _Sym:
    is_term = False

    def __init__(self, name: str) -> None:
        self.name = name


# ---------------------------------------------------------------- running one input


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` in the
    code under test (the CLI's last line of defence) can swallow it."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Failure(Exception):
    """What went wrong with one input: ``kind`` (crash, hang, cli) and details."""

    def __init__(self, kind: str, where: str, detail: str) -> None:
        super().__init__(f"{kind} in {where}: {detail.splitlines()[-1] if detail else ''}")
        self.kind, self.where, self.detail = kind, where, detail


def _cli(argv: list[str]) -> tuple[int, str, str]:
    from spherelang.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    return (code if isinstance(code, int) else 2), out.getvalue(), err.getvalue()


def _not_json(name: str) -> object:
    raise ValueError(f"{name} in the JSON output")


def run_one(path: Path, data: bytes, cli: bool, timeout: float) -> None:
    """Raise :class:`Failure` when ``data`` (already written at ``path``) breaks the bar."""
    import spherelang

    stage = "parse"
    try:
        with deadline(timeout):
            text = data.decode("utf-8", "replace")
            try:
                spherelang.parse(text, path=str(path))
            except spherelang.SphereSyntaxError:
                pass
            stage = "load/check"
            model = spherelang.load(path)
            report = spherelang.check(model)
            repr(model)
            assert model == model
            stage = "evaluate"
            spherelang.evaluate(model)
            for scenario in dict.fromkeys(s.name for s in model.scenarios):
                stage = f"evaluate --scenario {scenario}"
                try:
                    spherelang.evaluate(model, scenario)
                    spherelang.check(model, scenario=scenario)
                except spherelang.SphereUsageError:
                    pass
            assert len(report.violations) >= 0
            if cli:
                for argv in (["check", "--no-cache", "--format", "json", str(path)],
                             ["check", "--no-cache", "--format", "sarif", str(path)],
                             ["check", "--no-cache", "--format", "text", str(path)],
                             ["eval", "--no-cache", "--format", "json", str(path)]):
                    stage = "cli " + " ".join(argv[:3])
                    code, out, err = _cli(argv)
                    if code not in (0, 1) or "Traceback" in out + err or "internal error" in out + err:
                        raise Failure("cli", stage, f"exit {code}\n{err[-2000:]}")
                    if "json" in argv or "sarif" in argv:
                        json.loads(out, parse_constant=_not_json)  # NaN/Infinity are not JSON
    except Failure:
        raise
    except Hang as exc:
        raise Failure("hang", stage, str(exc)) from None
    except Exception:  # noqa: BLE001 - any escape is the finding
        raise Failure("crash", stage, traceback.format_exc()) from None


def signature(failure: Failure) -> str:
    """Crashes are the same bug when kind, stage and the last frame and exception type agree."""
    last = [line for line in failure.detail.strip().splitlines() if line.strip()]
    frame = next((ln for ln in reversed(last) if ln.strip().startswith("File ")), "")
    return f"{failure.kind}|{failure.where.split(' --')[0]}|{frame.strip()}|{(last[-1] if last else '').split(':')[0]}"


def minimise(path: Path, data: bytes, failure: Failure, cli: bool, timeout: float, budget: float = 60.0) -> bytes:
    """Greedy line then chunk deletion while the input still fails the same way."""
    want = signature(failure)
    stop = time.monotonic() + budget

    def still(candidate: bytes) -> bool:
        if time.monotonic() > stop:
            return False
        path.write_bytes(candidate)
        try:
            run_one(path, candidate, cli, timeout)
        except Failure as again:
            return signature(again) == want
        return False

    best = data
    for unit in (b"\n", None):
        chunk = max(1, len(best) // 2)
        while chunk >= 1 and time.monotonic() < stop:
            i, changed = 0, False
            pieces = best.split(b"\n") if unit else [best[k : k + 1] for k in range(len(best))]
            glue = b"\n" if unit else b""
            while i < len(pieces) and time.monotonic() < stop:
                candidate = glue.join(pieces[:i] + pieces[i + chunk :])
                if candidate != best and still(candidate):
                    best, pieces, changed = candidate, pieces[:i] + pieces[i + chunk :], True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
            if unit is None and len(best) > 4000:
                break  # character-wise on big inputs is too slow; the line pass did the work
    path.write_bytes(best)
    return best


def save(out: Path, data: bytes, failure: Failure) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    target = out / f"{failure.kind}-{digest}.sphere"
    target.write_bytes(data)
    target.with_suffix(".log").write_text(f"{failure}\n\n{failure.detail}\n", encoding="utf-8")
    return target


# ---------------------------------------------------------------- the loop


class Workspace:
    """A scratch project (``sphere.toml`` at its top) holding a copy of each seed's
    directory, so that imports between seed files still resolve."""

    def __init__(self) -> None:
        self.top = Path(tempfile.mkdtemp(prefix="sphere-fuzz-"))
        (self.top / "sphere.toml").write_text("")
        self.copies: dict[Path, Path] = {}

    def place(self, seed: Path) -> Path:
        source_dir = seed.parent
        copy = self.copies.get(source_dir)
        if copy is None:
            copy = self.top / f"d{len(self.copies)}"
            if source_dir.is_dir() and sum(1 for _ in source_dir.iterdir()) < 200:
                shutil.copytree(source_dir, copy, symlinks=False, ignore=shutil.ignore_patterns("*.log"),
                                ignore_dangling_symlinks=True)
            else:
                copy.mkdir()
            self.copies[source_dir] = copy
        return copy / seed.name

    def close(self) -> None:
        shutil.rmtree(self.top, ignore_errors=True)


def fuzz(args: argparse.Namespace, seed_files: list[tuple[Path, bytes]],
         produce: Callable[[random.Random, list[tuple[Path, bytes]], list[str]], tuple[Path, bytes]]) -> int:
    rng = random.Random(args.seed)
    corpus = [d.decode("utf-8", "replace") for _, d in seed_files]
    ws = Workspace()
    found: dict[str, Path] = {}
    start = last = time.monotonic()
    end = start + args.hours * 3600 if args.hours else float("inf")
    slowest = (0.0, "")
    n = 0
    try:
        while time.monotonic() < end and (not args.iterations or n < args.iterations):
            seed_path, data = produce(rng, seed_files, corpus)
            target = ws.place(seed_path)
            original = target.read_bytes() if target.exists() else None
            target.write_bytes(data)
            cli = bool(args.cli_every) and n % args.cli_every == 0
            t0 = time.monotonic()
            try:
                run_one(target, data, cli, args.timeout)
            except Failure as caught:
                failure: Failure | None = caught
                if failure.kind == "hang" or "Hang" in failure.detail:
                    # a loaded machine is slow: a hang counts when it recurs with three times the budget
                    try:
                        run_one(target, data, cli, args.timeout * 3)
                    except Failure as again:
                        failure = again
                    else:
                        failure = None
                sig = signature(failure) if failure is not None else None
                if sig is not None and sig not in found:
                    small = minimise(target, data, failure, cli, args.timeout) if args.minimise else data
                    found[sig] = save(Path(args.out), small, failure)
                    print(f"\n!! {failure} -> {found[sig]}", flush=True)
            finally:
                elapsed = time.monotonic() - t0
                if elapsed > slowest[0]:
                    slowest = (elapsed, f"{seed_path.name} ({len(data)} bytes)")
                if args.save_slow and elapsed > args.slow:
                    slow_dir = Path(args.save_slow)
                    slow_dir.mkdir(parents=True, exist_ok=True)
                    name = f"slow-{elapsed:06.2f}s-{hashlib.sha1(data).hexdigest()[:12]}.sphere"
                    (slow_dir / name).write_bytes(data)
                if original is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(original)
            n += 1
            now = time.monotonic()
            if now - last >= args.report:
                last = now
                print(f"[{now - start:7.0f}s] {n} inputs, {n / (now - start):.1f}/s, {len(found)} found, "
                      f"slowest {slowest[0]:.2f}s: {slowest[1]}", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
    finally:
        ws.close()
    print(f"done: {n} inputs in {time.monotonic() - start:.0f}s, {len(found)} distinct failures", flush=True)
    for sig, path in found.items():
        print(f"  {path}  [{sig}]")
    return 1 if found else 0


_WALKER: GrammarWalker | None = None
GRAMMAR_SEED = Path("/nonexistent/sphere-fuzz-grammar/grammar.sphere")  # placed in a directory of its own


def produce_mutant(rng: random.Random, seed_files: list[tuple[Path, bytes]], corpus: list[str]) -> tuple[Path, bytes]:
    """Mostly a mutated seed; one input in ten a program from the grammar (itself mutated half of the time)."""
    global _WALKER
    if rng.random() < 0.1:
        if _WALKER is None:
            _WALKER = GrammarWalker()
        text = _WALKER.program(rng)
        if rng.random() < 0.5:
            text = mutate_text(text, rng, corpus)
        return GRAMMAR_SEED, text.encode("utf-8", "surrogateescape")
    seed_path, data = rng.choice(seed_files)
    return seed_path, mutate(data, rng, corpus)


def run_atheris(args: argparse.Namespace, seed_files: list[tuple[Path, bytes]]) -> int:  # pragma: no cover
    import atheris  # type: ignore[import-not-found]

    ws = Workspace()
    target = ws.top / "fuzz.sphere"

    def one(data: bytes) -> None:
        target.write_bytes(data)
        try:
            run_one(target, data, False, args.timeout)
        except Failure as failure:
            print(save(Path(args.out), data, failure), failure)
            raise

    corpus_dir = ws.top / "corpus"
    corpus_dir.mkdir()
    for i, (_, data) in enumerate(seed_files):
        (corpus_dir / f"seed{i}").write_bytes(data)
    import importlib
    import pkgutil

    with atheris.instrument_imports(include=["spherelang"]):
        import spherelang

        for info in pkgutil.walk_packages(spherelang.__path__, "spherelang."):
            if info.name.endswith("__main__"):
                continue  # importing it would run the command line
            with contextlib.suppress(Exception):  # the package imports its parts lazily: instrument them all now
                importlib.import_module(info.name)
    atheris.Setup([sys.argv[0], *args.atheris_args, str(corpus_dir)], one)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=0.0, help="stop after this long (default: until Ctrl-C)")
    parser.add_argument("--iterations", type=int, default=0, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds one input may take (a hang)")
    parser.add_argument("--cli-every", type=int, default=10, help="run the CLI on every N-th input (0: never)")
    parser.add_argument("--report", type=float, default=30.0, help="seconds between status lines")
    parser.add_argument("--out", default=str(REPO / "tests" / "regressions"), help="where crash inputs go")
    parser.add_argument("--slow", type=float, default=2.0, help="an input slower than this is 'slow' (seconds)")
    parser.add_argument("--save-slow", default=None, metavar="DIR",
                        help="also save slow inputs (not failures) in DIR, to look for super-linear paths")
    parser.add_argument("--no-minimise", dest="minimise", action="store_false", help="save crash inputs as found")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided with atheris (if installed)")
    parser.add_argument("--atheris-arg", dest="atheris_args", action="append", default=[], metavar="ARG",
                        help="a libFuzzer option for --atheris, e.g. --atheris-arg=-max_total_time=3600")
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = int(time.time())
    print(f"sphere fuzz: seed {args.seed}, saving to {args.out}", flush=True)
    seed_files = seeds()
    print(f"{len(seed_files)} seed files", flush=True)
    if args.atheris:
        return run_atheris(args, seed_files)
    return fuzz(args, seed_files, produce_mutant)


if __name__ == "__main__":
    sys.exit(main())

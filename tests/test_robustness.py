"""Robustness (issue 8): under any input ``sphere`` answers with diagnostics —
never a traceback, a hang, unbounded memory or time.

The bar, as tested here:

* the API raises only :class:`spherelang.SphereError` subclasses
  (``SphereSyntaxError`` from ``parse``; ``SphereUsageError`` for missing
  files, unknown scenarios and bad options) and ``check``/``evaluate`` of a
  file never raise for its content;
* the CLI exits 0, 1 or 2 with no "Traceback" and no "internal error" line,
  and ``--format json``/``sarif`` always print valid JSON;
* no RecursionError at any depth (the recursion limit is never changed),
  1,025+ levels of brackets give one clear SPH001;
* size and time stay proportional to the input (no quadratic paths, no
  catastrophic regex backtracking), the file-size cap holds before reading;
* encodings: SPH005 at the right line and column; LF, CRLF and CR agree;
* the same input gives byte-identical output across runs and hash seeds;
* threads give the same results as a serial run; nothing leaks between calls.

No test here asserts a time: runaway work is caught by counting it
(``tests/support.py``: calls made for an input and one 8 times larger, the
characters handed to the LALR parser), so that a busy machine cannot fail a test.

Property tests use hypothesis: each fuzz test runs the profile's number of
examples (``tests/conftest.py``; the ``ci`` profile is bounded and
derandomized), and its ``..._at_length`` twin, marked ``slow``, runs
``SPHERE_ROBUSTNESS_EXAMPLES`` (default 200) examples (``bench/fuzz.py`` is
the hours-long fuzzer). Whole corpora are sampled in the fast suite and run in
full under ``slow``, with the 100,000-deep and 5 MB inputs. Known bugs are
``xfail(strict=True)`` tests whose reason names the bug; the report of
issue 8 has the proposed fixes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import spherelang
from spherelang import Config, SphereError, SphereSyntaxError, SphereUsageError
from spherelang.cli import main
from spherelang.syntax import parser as sphere_parser

from .support import assert_linear, examples, hang_guard

T = TypeVar("T")

try:
    from spherelang.config import Limits
except ImportError:  # pragma: no cover - where the limits lived before
    from spherelang.loading import Limits

REPO = Path(__file__).resolve().parents[1]
REGRESSIONS = REPO / "tests" / "regressions"
KEYWORDS = sphere_parser.KEYWORDS
FORMATS = ("text", "json", "sarif", "github", "junit", "concise")
EXAMPLES = int(os.environ.get("SPHERE_ROBUSTNESS_EXAMPLES", "200"))
slow = pytest.mark.slow

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example]


def fuzz_tests(body: Callable[..., None], *strategies: st.SearchStrategy[Any], share: float = 1.0
               ) -> tuple[Callable[..., None], Callable[..., None]]:
    """Two tests of one body: the fast one with ``share`` of the hypothesis
    profile's examples, and its ``slow`` twin with ``share`` of ``EXAMPLES``."""
    fast = settings(max_examples=examples(share), deadline=None, suppress_health_check=_HEALTH)
    heavy = settings(max_examples=max(20, round(EXAMPLES * share)), deadline=None, suppress_health_check=_HEALTH)
    return fast(given(*strategies)(body)), slow(heavy(given(*strategies)(body)))


def sample(items: list[T], every: int) -> list[T]:
    """Every ``every``-th item, from the first: a deterministic sample for the fast
    suite (sorted inputs, so each family of cases is represented)."""
    return items[::every]


# ================================================================ helpers




def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``spherelang.cli.main`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    return (code if isinstance(code, int) else (0 if code is None else 2)), out.getvalue(), err.getvalue()


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def strict_json(text: str) -> object:
    """``json.loads`` that refuses NaN and Infinity, which Python prints but no strict parser reads."""
    return json.loads(text, parse_constant=_no_constant)


def assert_cli_answers(code: int, out: str, err: str, allowed: tuple[int, ...] = (0, 1)) -> None:
    assert code in allowed, f"exit {code}\n{err[-3000:]}"
    assert "Traceback" not in out + err, err[-3000:]
    assert "internal error" not in out + err, err[-3000:]


def check_all_formats(path: Path | str, formats: tuple[str, ...] = FORMATS, extra: tuple[str, ...] = ()) -> dict[str, str]:
    outputs = {}
    for fmt in formats:
        code, out, err = run_cli(["check", "--no-cache", "--format", fmt, *extra, str(path)])
        assert_cli_answers(code, out, err)
        if fmt in ("json", "sarif"):
            strict_json(out)
        outputs[fmt] = out
    return outputs


def eval_all_formats(path: Path | str, scenario: str | None = None) -> None:
    for fmt in ("text", "json"):
        argv = ["eval", "--no-cache", "--format", fmt, str(path)] + (["--scenario", scenario] if scenario else [])
        code, out, err = run_cli(argv)
        assert_cli_answers(code, out, err)
        if fmt == "json":
            strict_json(out)


def api_round(path: Path) -> spherelang.pipeline.Report:  # type: ignore[name-defined]
    """load, check, evaluate and every declared scenario through the API: nothing may escape."""
    model = spherelang.load(path)
    report = spherelang.check(model)
    for v in report.violations:
        assert v.code and v.span.line >= 1 and v.span.column >= 1, v
    spherelang.evaluate(model)
    for name in dict.fromkeys(s.name for s in model.scenarios):
        try:
            spherelang.evaluate(model, name)
            spherelang.check(model, scenario=name)
        except SphereUsageError:
            pass  # a scenario the mutation broke
    return report


def seed_files() -> list[Path]:
    found: list[Path] = []
    for top in (REPO / "examples", REPO / "tests" / "cases"):
        if top.is_dir():
            found.extend(sorted(top.rglob("*.sphere")))
    return found


SEEDS = seed_files()
SEED_BYTES = {p: p.read_bytes() for p in SEEDS}


class Workspace:
    """A scratch project (``sphere.toml`` at its top) holding a copy of each seed's
    directory, so that imports between seed files still resolve."""

    def __init__(self, top: Path) -> None:
        self.top = top
        (top / "sphere.toml").write_text("")
        self.copies: dict[Path, Path] = {}
        self.lock = threading.Lock()

    def place(self, seed: Path) -> Path:
        with self.lock:
            copy = self.copies.get(seed.parent)
            if copy is None:
                copy = self.top / f"d{len(self.copies)}"
                shutil.copytree(seed.parent, copy, symlinks=True)
                self.copies[seed.parent] = copy
        return copy / seed.name

    @contextlib.contextmanager
    def mutated(self, seed: Path, data: bytes) -> Iterator[Path]:
        target = self.place(seed)
        target.write_bytes(data)
        try:
            yield target
        finally:
            target.write_bytes(SEED_BYTES[seed])

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.top / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("robust"))


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


# ---------------------------------------------------------------- mutation strategies

PIECES = (list(" \t\n\r{}()[].,:;=<>+-*/\"\\_#@$") + ["\ufeff", "\x00", "é", "Б", "\u2028", "\U0001f600", "0", "1",
          "1e", "1_", "9" * 40, "..", "==", "//", "\r\n", "{{", "}}", "\\\"", "-1", "1e309"]
          + [k + " " for k in sorted(KEYWORDS)])


@st.composite
def mutated_seed(draw: st.DrawFn) -> tuple[Path, bytes]:
    """A seed file with a few random insertions, deletions, duplications and truncations."""
    seed = draw(st.sampled_from(SEEDS))
    text = SEED_BYTES[seed].decode("utf-8", "surrogateescape")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "truncate", "line-delete", "line-duplicate",
                                   "line-swap", "replace"]))
        at = draw(st.integers(0, max(0, len(text))))
        n = draw(st.sampled_from([1, 1, 2, 3, 8, 40, 300]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) * draw(st.sampled_from([1, 1, 2, 64])) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + n :]
        elif op == "duplicate":
            text = text[:at] + text[at : at + n] * draw(st.sampled_from([2, 3, 30])) + text[at:]
        elif op == "truncate":
            text = text[:at]
        elif op == "replace":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at + 1 :]
        else:
            lines = text.split("\n")
            i = at % len(lines)
            j = draw(st.integers(0, len(lines) - 1))
            if op == "line-delete":
                del lines[i]
            elif op == "line-duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return seed, text.encode("utf-8", "surrogateescape")


TOKENS = sorted(KEYWORDS) + ["A", "B", "x", "s", "Nation", "KZT", "1", "0.5", "-", "2e9", '"t"', '"{s.name}"', "{", "}",
                             "(", ")", "[", "]", ".", "..", ",", ":", ";", "=", "==", "<", ">", "+", "*", "/", "\n",
                             "spheres", "count", "sum", "len"]


# ================================================================ 1. never crash


def _parse_any_text(text: str) -> None:
    try:
        spherelang.parse(text, path="fuzz.sphere")
    except SphereSyntaxError as exc:
        d = exc.diagnostic
        assert d.code in ("SPH001", "SPH005") and d.span.line >= 1 and d.span.column >= 1
        assert d.span.file == "fuzz.sphere"


test_parse_any_text_raises_only_syntax_errors, test_parse_any_text_raises_only_syntax_errors_at_length = \
    fuzz_tests(_parse_any_text, st.text())


def _parse_token_soup(text: str) -> None:
    try:
        spherelang.parse(text)
    except SphereSyntaxError as exc:
        assert exc.diagnostic.code == "SPH001"


test_parse_token_soup_raises_only_syntax_errors, test_parse_token_soup_raises_only_syntax_errors_at_length = \
    fuzz_tests(_parse_token_soup, st.lists(st.sampled_from(TOKENS), max_size=80).map(" ".join))


def _check_any_bytes(ws: Workspace, data: bytes) -> None:
    path = ws.file("bytes.sphere", data)
    report = api_round(path)
    text_ok = True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text_ok = False
    if not text_ok:
        assert "SPH005" in {v.code for v in report.violations}


test_check_any_bytes_never_raises, test_check_any_bytes_never_raises_at_length = fuzz_tests(
    _check_any_bytes,
    st.binary(max_size=2000) | st.lists(st.sampled_from(TOKENS), max_size=60).map(lambda t: " ".join(t).encode()))


@functools.cache
def _grammar_strategy() -> st.SearchStrategy[str]:
    grammar = lark.Lark(sphere_parser.grammar_text(), parser="lalr", lexer="contextual", start="start")
    names = (st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
             | st.sampled_from(["Минфин", "akimat_Almaty", "_x1", "Nation", "KZT", "spheres", "powers"]))
    names = names.filter(lambda s: s not in KEYWORDS and s.isidentifier())
    explicit = {
        "NAME": names.map(lambda s: f" {s} "),
        "NUMBER": st.sampled_from(["0", "1", "12", "0.3", "1.5e9", "15_000_000", "2", "10", "0.5", "1e-3", "1e308"])
                    .map(lambda s: f" {s} "),
        "STRING": st.sampled_from(['""', '"x"', '"a \\" b"', '"{s.name}"', '"{{x}}"', '"Минфин"', '"\\\\"', '"{1 + }"',
                                   '"{ (((1))) }"']).map(lambda s: f" {s} "),
        "_NL": st.sampled_from(["\n", "\r\n", " // comment\n"]),
        "_SEMI": st.just(" ; "),
        "COMMENT": st.just(" "),
        "WS": st.sampled_from([" ", "\t"]),
    }
    terminals = {t.name for t in grammar.terminals}
    for name in terminals:
        if name.lower() in KEYWORDS:  # keywords too, or 'true and' would glue into 'trueand'
            explicit[name] = st.just(f" {name.lower()} ")
    explicit = {k: v for k, v in explicit.items() if k in terminals}
    return from_lark(grammar, start="start", explicit=explicit)


def _programs_generated_from_the_grammar(ws: Workspace, data: st.DataObject) -> None:
    text = data.draw(_grammar_strategy())
    try:
        spherelang.parse(text, path="gen.sphere")
    except SphereSyntaxError as exc:
        # the grammar is a superset: 'model' first, rule clauses, ... are checked after parsing
        assert exc.diagnostic.code == "SPH001", exc.diagnostic
    path = ws.file("gen.sphere", text)
    api_round(path)


(test_programs_generated_from_the_grammar_parse_or_give_sph001,
 test_programs_generated_from_the_grammar_parse_or_give_sph001_at_length) = \
    fuzz_tests(_programs_generated_from_the_grammar, st.data())


def _mutated_models_check(ws: Workspace, case: tuple[Path, bytes]) -> None:
    seed, data = case
    with ws.mutated(seed, data) as path:
        api_round(path)


test_mutated_models_check_and_evaluate_every_scenario, test_mutated_models_check_and_evaluate_every_scenario_at_length = \
    fuzz_tests(_mutated_models_check, mutated_seed())


def _mutated_models_through_the_cli(ws: Workspace, case: tuple[Path, bytes]) -> None:
    seed, data = case
    with ws.mutated(seed, data) as path:
        check_all_formats(path, ("json", "sarif", "text"))
        code, out, err = run_cli(["eval", "--no-cache", "--format", "json", str(path)])
        assert_cli_answers(code, out, err)
        strict_json(out)
        for name in re_scenarios(data):
            code, out, err = run_cli(["eval", "--no-cache", "--format", "json", "--scenario", name, str(path)])
            assert_cli_answers(code, out, err, (0, 1, 2))  # 2: the mutation removed the scenario
            if code != 2:
                strict_json(out)


test_mutated_models_through_the_cli_print_valid_json, test_mutated_models_through_the_cli_print_valid_json_at_length = \
    fuzz_tests(_mutated_models_through_the_cli, mutated_seed(), share=0.25)


def re_scenarios(data: bytes) -> list[str]:
    import re

    return sorted(set(re.findall(r"scenario\s+([^\W\d]\w*)", data.decode("utf-8", "replace"))))[:3]


def _seed_id(seed: Path) -> str:
    return str(seed.relative_to(seed.parents[1]))


def seed_answers(ws: Workspace, seed: Path, formats: tuple[str, ...]) -> None:
    path = ws.place(seed)
    api_round(path)
    check_all_formats(path, formats)


def test_sampled_seed_files_answer(ws: Workspace) -> None:
    """A seventh of the corpus (every 7th file, all families), through the API and
    the text and JSON formats; the whole corpus in every format is ``slow``."""
    chosen = sample(SEEDS, 7)
    assert len(chosen) >= 30
    for seed in chosen:
        seed_answers(ws, seed, ("json", "text"))


@slow
@pytest.mark.parametrize("seed", SEEDS, ids=_seed_id)
def test_every_seed_file_answers_in_every_format(ws: Workspace, seed: Path) -> None:
    seed_answers(ws, seed, FORMATS)


#: (option, value) pairs the API must either accept or refuse with SphereUsageError
BAD_OPTIONS = [
    ("corridor_tolerance", -1), ("corridor_tolerance", float("nan")), ("elasticity_threshold", 5),
    ("rule_budget", -5), ("rule_budget", 0), ("rule_budget", 1.5), ("rule_budget", 10**30), ("rule_budget", "x"),
    ("severity", {"ELA002": "warning"}), ("severity", {"nope": 1}), ("fail_on", 5), ("ignore", "!!"), ("nonsense", 1), ("config", None),
]
#: ... and those that currently escape as TypeError/AttributeError/ValueError (BUG: no validation in _config)
UNVALIDATED_OPTIONS = [
    ("elasticity_threshold", ""), ("elasticity_threshold", None), ("corridor_tolerance", "x"),
    ("corridor_tolerance", None), ("severity", "x"), ("severity", None), ("fail_on", "nope"), ("select", 5), ("select", [1]),
    ("limits", None), ("limits", 5), ("config", "x"),
]


@pytest.mark.parametrize(
    ("option", "value"),
    BAD_OPTIONS + UNVALIDATED_OPTIONS,
    ids=repr,
)
def test_api_options_raise_only_usage_errors(ws: Workspace, option: str, value: object) -> None:
    path = ws.file("options.sphere", "sphere A : political {\n  channel c strength 0.2\n  capacity 0.5\n"
                                     "  sphere B : administrative { capacity 0.9 }\n}\n"
                                     'rule R1 "x" { for s in spheres\nrequire count(s.children) >= 0 }\n')
    for call in (spherelang.check, spherelang.evaluate):
        try:
            call(path, **{option: value})  # type: ignore[operator]
        except SphereError:
            pass


def _cli_arguments(ws: Workspace, args: list[str]) -> None:
    home = ws.top / "args"  # alone: '--scenario PATH' leaves no path, and '.' is checked
    home.mkdir(exist_ok=True)
    (home / "args.sphere").write_text("sphere A : political {\n  channel c strength 0.5\n}\n")
    with contextlib.chdir(home):
        code, out, err = run_cli(["check", "--no-cache", *args, "args.sphere"])
    assert_cli_answers(code, out, err, (0, 1, 2))


test_cli_arguments_exit_0_1_or_2, test_cli_arguments_exit_0_1_or_2_at_length = fuzz_tests(
    _cli_arguments,
    st.lists(st.sampled_from(["--select", "--ignore", "--fail-on", "--scenario", "--corridor-tolerance",
                              "--elasticity-threshold", "--rule-budget", "--format", "--statistics", "--jobs",
                              "x", "BAL", "-1", "nan", "1e999", "", "é", "error", "json", "ALL"]), max_size=6),
    share=0.25)


# ---------------------------------------------------------------- crash regressions (tests/regressions/)

#: regression inputs that still fail, by file name: the reason (xfail, strict).
KNOWN_BUGS: dict[str, str] = {}
REGRESSION_FILES = sorted(REGRESSIONS.glob("*.sphere")) if REGRESSIONS.is_dir() else []


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[p.name])) if p.name in KNOWN_BUGS else p
     for p in REGRESSION_FILES],
    ids=lambda p: p.name,
)
def test_regression_inputs(ws: Workspace, path: Path) -> None:
    home = ws.top / "regressions" / path.stem  # alone, so that its globs see nothing else
    home.mkdir(parents=True, exist_ok=True)
    target = home / path.name
    target.write_bytes(path.read_bytes())
    api_round(target)
    check_all_formats(target)
    eval_all_formats(target)


GLUED = [
    "spherex : political { }",
    "sphere A : political {\n  powerp\n}",
    "sphere A : political {\n  power p fromA.p\n}",
    "sphere A : political {\n  responsibility r requiresp\n}",
    "sphere A : political { channel c strength 0.5 }\nscenario S {\n  removeA\n}",
    "layersa > b",
]


@pytest.mark.parametrize("text", GLUED, ids=range(len(GLUED)))
def test_a_keyword_is_never_split_off_a_longer_name(text: str) -> None:
    with pytest.raises(SphereSyntaxError):
        spherelang.parse(text)


# ================================================================ 2. depth

RULE = 'rule R1 "depth" {{\n  for s in spheres\n  require {expr}\n}}\n'
ONE = "sphere A : political {\n  channel c strength 0.5\n}\n"


def nested_spheres(n: int) -> str:
    layers = "layers " + " > ".join(f"L{i}" for i in range(max(n, 1))) + "\n"
    return (layers + "".join(f"sphere S{i} : L{i} {{\n" for i in range(n)) + "channel c strength 0.5\n"
            + "}\n" * n)


def scenario_blocks(n: int) -> str:
    return ONE + "scenario X {\n  in A {\n" + "".join(f"sphere S{i} : body {{\n" for i in range(n - 2)) + \
        "}\n" * (n - 2) + "  }\n}\n"


#: name -> (text of n levels, whether the level limit of brackets applies)
DEPTH_CASES: dict[str, tuple[Callable[[int], str], bool]] = {
    "spheres": (nested_spheres, True),
    "scenario-blocks": (scenario_blocks, True),
    "parentheses": (lambda n: ONE + RULE.format(expr="(" * n + "true" + ")" * n), True),
    "lists": (lambda n: ONE + RULE.format(expr="len(" + "[" * (n - 1) + "1" + "]" * (n - 1) + ") == 1"), True),
    "comprehensions": (lambda n: ONE + RULE.format(
        expr="len(" + "[x for x in " * (n - 2) + "[1]" + "]" * (n - 2) + ") == 1"), True),
    "calls": (lambda n: ONE + RULE.format(expr="abs(" * (n - 1) + "1" + ")" * (n - 1) + " == 1"), True),
    "message": (lambda n: ONE + 'rule R2 "m" {\n  for s in spheres\n  require true\n  message "{'
                + "(" * n + "1" + ")" * n + '}"\n}\n', True),
    "not": (lambda n: ONE + RULE.format(expr="not " * (2 * (n // 2)) + "true"), False),
    "unary-minus": (lambda n: ONE + RULE.format(expr="-" * (2 * (n // 2)) + "1 == 1"), False),
    "and-chain": (lambda n: ONE + RULE.format(expr=" and ".join(["true"] * n)), False),
    "or-chain": (lambda n: ONE + RULE.format(expr=" or ".join(["false"] * (n - 1) + ["true"])), False),
    "plus-chain": (lambda n: ONE + RULE.format(expr=" + ".join(["1"] * n) + f" == {n}"), False),
    "attribute-chain": (lambda n: ONE + RULE.format(expr="s" + ".name" * 1 + " != null or s" + ".parent" * n), False),
    "mixed": (lambda n: ONE + RULE.format(expr="len([" * (n // 2) + "1" + "])" * (n // 2) + " == 1 or true"), True),
}


def assert_no_user_rule_failure(report: object) -> None:
    codes = [v.code for v in report.violations]  # type: ignore[attr-defined]
    assert "R1" not in codes and "RUL001" not in codes and "RUL002" not in codes and "SPH001" not in codes, \
        [(v.code, v.message) for v in report.violations][:5]  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", sorted(DEPTH_CASES))
def test_a_thousand_levels_work_everywhere(ws: Workspace, case: str) -> None:
    """Parse, load, check, evaluate and the text and JSON outputs; every other
    output format at this depth is the ``slow`` twin below."""
    make, _ = DEPTH_CASES[case]
    text = make(1000)
    tree = spherelang.parse(text, path="deep.sphere")
    assert tree == spherelang.parse(text, path="deep.sphere")
    assert len(repr(tree)) > 0
    path = ws.file(f"deep-{case}.sphere", text)
    model = spherelang.load(path)
    assert model == spherelang.load(path)
    assert len(repr(model)) > 0
    report = spherelang.check(model)
    assert_no_user_rule_failure(report)
    spherelang.evaluate(model)
    for name in dict.fromkeys(s.name for s in model.scenarios):
        spherelang.evaluate(model, name)
    check_all_formats(path, ("json", "text"))


@slow
@pytest.mark.parametrize("case", sorted(DEPTH_CASES))
def test_a_thousand_levels_in_every_output_format(ws: Workspace, case: str) -> None:
    make, _ = DEPTH_CASES[case]
    path = ws.file(f"deep-{case}.sphere", make(1000))
    check_all_formats(path)
    eval_all_formats(path)


@pytest.mark.parametrize("case", sorted(DEPTH_CASES))
def test_depth_costs_linear_work(ws: Workspace, case: str) -> None:
    """Checking 8 times deeper input makes a bounded multiple of the calls: no
    level re-walks the levels above it (the 100,000-deep inputs are ``slow``)."""
    make, _ = DEPTH_CASES[case]
    assert_linear(make, lambda text: spherelang.check(ws.file(f"linear-{case}.sphere", text)), 120,
                  what=f"checking {case} nested n deep")


@pytest.mark.parametrize("depth", [1025, 1100, 5000])
@pytest.mark.parametrize("case", sorted(c for c, (_, limited) in DEPTH_CASES.items() if limited))
def test_deeper_brackets_give_one_clear_sph001(ws: Workspace, case: str, depth: int) -> None:
    make, _ = DEPTH_CASES[case]
    path = ws.file(f"too-deep-{case}.sphere", make(depth + 2))
    report = spherelang.check(path)
    (only,) = report.violations
    assert only.code == "SPH001" and "nest" in only.message.lower() and "1024" in only.message


@pytest.mark.parametrize("case", sorted(c for c, (_, limited) in DEPTH_CASES.items() if not limited))
def test_deeper_chains_answer_without_recursion(ws: Workspace, case: str) -> None:
    """Chains without brackets are not limited: 5,000 levels give the right answer
    (or, were they limited, one SPH001), never a RecursionError."""
    make, _ = DEPTH_CASES[case]
    path = ws.file(f"chain-{case}.sphere", make(5000))
    report = spherelang.check(path)
    codes = [v.code for v in report.violations]
    assert codes == ["SPH001"] or ("R1" not in codes and "RUL001" not in codes and "SPH001" not in codes), codes


HUNDRED_K = 100_000


@slow
@pytest.mark.parametrize("case", sorted(DEPTH_CASES))
def test_a_hundred_thousand_levels_answer(ws: Workspace, case: str) -> None:
    make, _ = DEPTH_CASES[case]
    path = ws.file(f"huge-{case}.sphere", make(HUNDRED_K))
    with hang_guard():
        report = spherelang.check(path)
        code, out, err = run_cli(["check", "--no-cache", "--format", "json", str(path)])
    assert_cli_answers(code, out, err)
    strict_json(out)
    assert len(report.violations) <= 100


def test_the_recursion_limit_is_untouched() -> None:
    before = sys.getrecursionlimit()
    spherelang.parse(nested_spheres(1000))
    assert sys.getrecursionlimit() == before


# ================================================================ 3. size

FIVE_MB = 5 * 1024 * 1024


#: one line of at least ``size`` characters, of several shapes; ``dense`` ones are a token every few bytes
LONG_LINES: dict[str, Callable[[int], str]] = {
    "comment": lambda size: ONE + "// " + "x" * size + "\n",
    "string": lambda size: 'model "' + "s" * size + '"\n' + ONE,
    "name": lambda size: "sphere " + "N" * size + " : political { channel c strength 0.5 }\n",
    "garbage": lambda size: "@" * size,
    "layers": lambda size: "layers " + " > ".join(f"l{i}" for i in range(size // 9)) + "\n"
                           + ONE.replace("political", "l0"),
    "dense-requires": lambda size: "sphere A : political { channel c strength 0.5; power p; resource r = 1; "
                                   "responsibility d requires " + ", ".join(["p", "r 0"] * (size // 7)) + " }\n",
    "dense-semicolons": lambda size: ONE + ";" * size + "\n",
    "dense-expression": lambda size: ONE + RULE.format(expr=" + ".join(["1"] * (size // 4)) + " > 0")
                                                .replace("\n  ", " ; "),
}


@pytest.mark.parametrize("kind", sorted(LONG_LINES))
def test_a_long_line_costs_linear_work(ws: Workspace, kind: str) -> None:
    """A line 8 times longer makes a bounded multiple of the calls (the 5 MB lines are ``slow``)."""
    def run(text: str) -> None:
        assert len(spherelang.check(ws.file(f"line-{kind}.sphere", text)).violations) <= 100

    assert_linear(LONG_LINES[kind], run, 4096, what=f"checking a long line of {kind}")


@slow
@pytest.mark.parametrize("kind", sorted(LONG_LINES))
def test_a_five_megabyte_line_answers(ws: Workspace, kind: str) -> None:
    text = LONG_LINES[kind](FIVE_MB)
    assert len(text) >= FIVE_MB and text.count("\n") <= 8
    path = ws.file(f"5mb-{kind}.sphere", text)
    with hang_guard():  # what the call counts cannot see: a regular expression backtracking in C
        report = spherelang.check(path)
    assert len(report.violations) <= 100
    if not kind.startswith("dense"):
        code, out, err = run_cli(["check", "--no-cache", "--format", "json", str(path)])
        assert_cli_answers(code, out, err)
        strict_json(out)


def layers(n: int) -> str:
    return "layers " + " > ".join(f"l{i}" for i in range(n)) + "\n" + ONE.replace("political", "l0")


def test_many_layers_resolve_in_linear_time(ws: Workspace) -> None:
    def run(text: str) -> None:
        assert spherelang.check(ws.file("layers.sphere", text)).violations == ()

    assert_linear(layers, run, 1000, what="resolving n layers")


ERROR_SHAPES: dict[str, Callable[[int], str]] = {
    "lines-of-garbage": lambda n: "@ !\n" * n,
    "bad-members": lambda n: "sphere A : political {\n" + "  power\n" * n + "}\n",
    "unclosed-strings": lambda n: 'model "x\n' * n,
    "stray-braces": lambda n: "}\n" * n,
}


@pytest.mark.parametrize("shape", sorted(ERROR_SHAPES))
def test_many_syntax_errors_cost_linear_work(ws: Workspace, shape: str) -> None:
    assert_linear(ERROR_SHAPES[shape], lambda text: spherelang.check(ws.file(f"errors-{shape}.sphere", text)), 1000,
                  what=f"checking n lines of {shape}")


@pytest.mark.parametrize("shape", sorted(ERROR_SHAPES))
def test_a_hundred_thousand_syntax_errors_answer_quickly_with_few_diagnostics(ws: Workspace, shape: str,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Few diagnostics, and the LALR parser reads at most 10 times the file
    however many errors it holds (recovery passes are bounded)."""
    text = ERROR_SHAPES[shape](100_000)
    path = ws.file(f"errors-{shape}.sphere", text)
    ParseBudget(monkeypatch, len(text), factor=10)
    report = spherelang.check(path)
    assert 1 <= len(report.violations) <= 100
    assert {v.code for v in report.violations} == {"SPH001"}


class ParseBudget:
    """Counts the characters the Lark parser is asked to parse; raises once they
    exceed ``factor`` times the input (a quadratic path), so the test fails fast."""

    class Exceeded(BaseException):
        pass

    def __init__(self, monkeypatch: pytest.MonkeyPatch, size: int, factor: int) -> None:
        self.limit = size * factor
        self.total = 0
        self.calls = 0
        real = lark.Lark.parse

        def counting(parser, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.total += len(text)
            self.calls += 1
            if self.total > self.limit:
                raise ParseBudget.Exceeded(f"parsed {self.total} characters ({self.calls} calls) "
                                           f"for an input of {size}")
            return real(parser, text, *args, **kwargs)

        monkeypatch.setattr(lark.Lark, "parse", counting)


def test_syntax_error_recovery_work_is_linear(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "".join(f"  power p{i}\n" + ("  oops here\n" if i % 200 == 0 else "") for i in range(20_000))
    text = "sphere A : political {\n  channel c strength 0.5\n" + body + "}\n"
    path = ws.file("recovery.sphere", text)
    ParseBudget(monkeypatch, len(text), factor=10)
    report = spherelang.check(path)
    assert 1 <= len(report.violations) <= 100


def test_message_templates_are_parsed_in_linear_time(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = 3000
    text = ONE + 'rule R2 "m" {\n  for s in spheres\n  require true\n  message "' + "{1}" * parts + '"\n}\n'
    path = ws.file("message.sphere", text)
    ParseBudget(monkeypatch, len(text), factor=20)
    spherelang.check(path)


#: terminal -> the unterminated prefix and the piece repeated after it
LEXER_PREFIXES = {
    "string": ('model "', "a"),
    "string-escapes": ('model "', "\\\""),
    "string-backslashes": ('model "', "\\"),
    "comment": ("//", "/"),
    "number-underscores": ("resource r = 1", "_1"),
    "number-trailing-underscore": ("sphere A : p { resource r = 1", "_"),
    "exponent": ("sphere A : p { resource r = 1e", "1"),
    "exponent-sign": ("sphere A : p { resource r = 1e+", "_"),
    "fraction": ("sphere A : p { resource r = 1.", "1_"),
    "dots": ("sphere A : p { indicator i = 1 in 0", "."),
    "name": ("sphere ", "a"),
    "unicode-name": ("sphere ", "Б"),
    "spaces-before-garbage": ("sphere A : p { power p", " "),
    "tabs-before-string": ('sphere A : p { power p', "\t"),
    "path": ("sphere A : p { power p from ", "a."),
    "requires": ("sphere A : p { responsibility r requires ", "a 1 u, "),
    "comparison": ('rule R "x" { for s in spheres\nrequire 1 ', "<"),
    "message-braces": ('rule R "x" { for s in spheres\nrequire true\nmessage "', "{"),
    "message-escaped-braces": ('rule R "x" { for s in spheres\nrequire true\nmessage "', "{{"),
    "newlines": ("sphere A : p {", "\n"),
    "carriage-returns": ("sphere A : p {", "\r"),
    "semicolons": ("sphere A : p {", ";"),
    "layers": ("layers a", " > a"),
    "sphere-header-spaces": ("sphere A", " "),
}


def _lex(ws: Workspace, text: str) -> None:
    try:
        spherelang.parse(text)
    except SphereSyntaxError:
        pass
    report = spherelang.check(ws.file("lexer.sphere", text))
    assert all(v.code.startswith(("SPH", "ELA")) for v in report.violations)


@pytest.mark.parametrize("name", sorted(LEXER_PREFIXES))
def test_each_terminal_with_an_unterminated_prefix_answers_quickly(ws: Workspace, name: str) -> None:
    """An unterminated token repeated n and 8n times, then an invalid character:
    the calls made grow with the input, not with its square (no re-lexing from
    every position, no re-parse per piece). The 20,000-piece inputs are ``slow``."""
    prefix, piece = LEXER_PREFIXES[name]
    assert_linear(lambda n: prefix + piece * n + "\x01", lambda text: _lex(ws, text), 250,
                  what=f"lexing {name} repeated n times")


@slow
@pytest.mark.parametrize("name", sorted(LEXER_PREFIXES))
def test_each_terminal_with_a_long_unterminated_prefix_answers(ws: Workspace, name: str) -> None:
    prefix, piece = LEXER_PREFIXES[name]
    with hang_guard():  # what the call counts cannot see: a regular expression backtracking in C
        _lex(ws, prefix + piece * 20_000 + "\x01")


def test_the_file_size_cap_is_checked_before_reading(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    big = ws.file("big.sphere", ONE + "// padding\n" * 200)
    importer = ws.file("imports-big.sphere", 'import "big.sphere"\n' + ONE.replace("A", "B"))
    config = Config(limits=Limits(max_file_bytes=1000))
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == os.path.realpath(big):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr("builtins.open", spy)
        m.setattr(io, "open", spy)
        direct = spherelang.check(spherelang.load(big, config))
        via_import = spherelang.check(spherelang.load(importer, config))
    assert [v.code for v in direct.violations] == ["SPH006"]
    assert "SPH006" in [v.code for v in via_import.violations]
    assert opened == []


def test_the_text_output_does_not_read_a_file_over_the_size_cap(ws: Workspace,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    proj = ws.top / "capped"
    proj.mkdir(exist_ok=True)
    (proj / "sphere.toml").write_text("max-file-size = 1000\n")
    big = proj / "big.sphere"
    big.write_text(ONE + "// padding\n" * 200)
    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == os.path.realpath(big):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr(io, "open", spy)
    code, out, err = run_cli(["check", "--no-cache", str(big)])
    assert_cli_answers(code, out, err)
    assert "SPH006" in out
    assert opened == []


def test_text_output_stays_proportional_for_one_long_line(ws: Workspace) -> None:
    n = 4000
    text = "sphere A : political { channel c strength 0.5; " + "; ".join(f"power p{i}" for i in range(n)) + " }\n"
    path = ws.file("long-line.sphere", text)
    code, out, err = run_cli(["check", "--no-cache", "--format", "text", str(path)])
    assert_cli_answers(code, out, err)
    assert out.count("BAL001") == n
    assert len(out) < 1000 * n + 10 * len(text), f"{len(out):,} characters of output"


@pytest.mark.parametrize(("value", "want"), [("1e308", 1.0), ("0", 0.5)])
def test_figures_of_huge_but_finite_scales_are_numbers(ws: Workspace, value: str, want: float) -> None:
    path = ws.file("huge-scale.sphere", "sphere A : political {\n  channel c strength 0.5\n"
                                        f"  indicator i = {value} in -1e308..1e308\n}}\n")
    code, out, err = run_cli(["eval", "--no-cache", "--format", "json", str(path)])
    assert_cli_answers(code, out, err)
    (sphere,) = strict_json(out)["spheres"]  # type: ignore[index]
    assert sphere["capacity"] == pytest.approx(want)


@pytest.mark.parametrize("text", [
    "resource r = 1e309", "capacity 1e309", "channel d strength 1e309", "indicator i = 1 of 1e309",
    "indicator i = 5 in 0..1e309", "indicator i = 1e-320 in 0..1e-310", "resource r = 1e308\n"
    "  responsibility d requires r 1e308\n  sphere B : administrative {\n    resource q = 1e308 from A.r\n"
    "    resource q2 = 1e308 from A.r\n  }", "capacity -0.0", "indicator i = 2 of 1.5",
])
def test_extreme_numbers_give_diagnostics_and_valid_json(ws: Workspace, text: str) -> None:
    path = ws.file("extreme.sphere", f"sphere A : political {{\n  channel c strength 0.5\n  {text}\n}}\n")
    check_all_formats(path)
    eval_all_formats(path)


# ================================================================ 4. encodings

CLEAN = ("sphere Nation : political {\n  channel elections strength 0.6\n  power tax\n  resource revenue = 100 USD\n"
         "  responsibility collection requires tax, revenue\n}\n")


def sph005(data: bytes, ws: Workspace, name: str = "enc.sphere") -> tuple[int, int, str]:
    report = spherelang.check(ws.file(name, data))
    (only,) = report.violations
    assert only.code == "SPH005", (only.code, only.message)
    return only.span.line, only.span.column, only.message + " " + (only.hint or "")


def test_a_leading_bom_is_allowed(ws: Workspace) -> None:
    plain = spherelang.check(ws.file("plain.sphere", CLEAN.encode()))
    bom = spherelang.check(ws.file("bom.sphere", b"\xef\xbb\xbf" + CLEAN.encode()))
    assert [(v.code, v.span[1:]) for v in plain.violations] == [(v.code, v.span[1:]) for v in bom.violations]
    spherelang.parse("\ufeff" + CLEAN)


def test_a_bom_after_the_start_is_a_character(ws: Workspace) -> None:
    """Valid UTF-8 is no SPH005 (LANGUAGE.md §4): in a string or comment U+FEFF is text,
    elsewhere it is an unexpected character (SPH001) at its own place."""
    lines = CLEAN.encode().split(b"\n")
    lines[2] = "  power налог".encode() + b"\xef\xbb\xbf" + b" x"
    (only,) = spherelang.check(ws.file("mid.sphere", b"\n".join(lines))).violations
    assert (only.code, only.span.line) == ("SPH001", 3)
    lines[2] = "  power tax // a comment \ufeff".encode()
    assert [v.code for v in spherelang.check(ws.file("ok.sphere", b"\n".join(lines))).violations] == \
        [v.code for v in spherelang.check(ws.file("plain.sphere", CLEAN.encode())).violations]


@pytest.mark.parametrize(("bad", "what"), [(b"\x00", "NUL"),
                                           (b"\xff", "UTF-8"), (b"\xc3", "UTF-8"), (b"\xc0\xaf", "UTF-8"),
                                           (b"\xed\xa0\x80", "UTF-8"), (b"\xf4\x90\x80\x80", "UTF-8"),
                                           (b"\x80", "UTF-8"), (b"\xe9", "UTF-8")])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_bad_bytes_are_sph005_at_their_line_and_column(ws: Workspace, bad: bytes, what: str, newline: bytes) -> None:
    lines = CLEAN.encode().split(b"\n")
    lines[2] = "  power налог".encode() + bad + b" x"  # line 3, after 13 code points
    data = newline.join(lines)
    line, column, message = sph005(data, ws)
    assert (line, column) == (3, 14), message
    assert what in message


def _sph005_position(ws: Workspace, text: str, at: int, bad: bytes, newline: str) -> None:
    at = min(at, len(text))
    before = text[:at].replace("\n", newline)
    data = before.encode() + bad + text[at:].replace("\n", newline).encode()
    normal = text[:at]  # LF only: lines and columns count code points
    want = (normal.count("\n") + 1, len(normal) - (normal.rfind("\n") + 1) + 1)
    line, column, _ = sph005(data, ws, "any.sphere")
    assert (line, column) == want


test_sph005_position_is_exact_for_any_text, test_sph005_position_is_exact_for_any_text_at_length = fuzz_tests(
    _sph005_position,
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff\r"), max_size=200),
    st.integers(0, 200), st.sampled_from([b"\x00", b"\xff", b"\xc3(", b"\xed\xb0\x80"]),
    st.sampled_from(["\n", "\r\n", "\r"]))


def test_latin1_and_utf16_files_are_sph005(ws: Workspace) -> None:
    text = CLEAN.replace("tax", "taxé")
    line, column, message = sph005(text.encode("latin-1"), ws)
    assert (line, column) == (3, 12)
    for encoding in ("utf-16", "utf-32"):  # with a BOM: the first byte is already bad
        line, column, message = sph005(text.encode(encoding), ws)
        assert (line, column) == (1, 1), (encoding, message)
    assert "UTF-16" in sph005(text.encode("utf-16"), ws)[2]
    ascii_only = CLEAN  # UTF-16 without a BOM, ASCII content: valid UTF-8 holding NULs
    assert sph005(ascii_only.encode("utf-16-le"), ws)[:2] == (1, 2)
    assert sph005(ascii_only.encode("utf-16-be"), ws)[:2] == (1, 1)


@pytest.mark.parametrize(("first", "later"), [(b"\x00", b"\xe9"), (b"\xe9", b"\x00")], ids=["nul-utf8", "utf8-nul"])
def test_sph005_is_at_the_first_bad_spot_whatever_its_kind(ws: Workspace, first: bytes, later: bytes) -> None:
    data = b"sphere A" + first + b" : political {\n  power caf" + later + b"\n}\n"
    assert sph005(data, ws)[:2] == (1, 9)


def newline_variants(data: bytes) -> dict[str, bytes]:
    lf = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return {"lf": lf, "crlf": lf.replace(b"\n", b"\r\n"), "cr": lf.replace(b"\n", b"\r")}


def positions(report: object) -> list[tuple[object, ...]]:
    return [(v.code, v.span.line, v.span.column, v.span.end_line, v.span.end_column, v.message)
            for v in report.violations]  # type: ignore[attr-defined]


def assert_newlines_agree(ws: Workspace, seed: Path, data: bytes) -> None:
    results = {}
    for name, variant in newline_variants(data).items():
        with ws.mutated(seed, variant) as path:
            results[name] = positions(spherelang.check(path))
    assert results["crlf"] == results["lf"], seed
    assert results["cr"] == results["lf"], seed


def test_lf_crlf_and_cr_give_identical_positions_on_a_sample(ws: Workspace) -> None:
    """A quarter of the corpus (every 4th file); the whole corpus is ``slow``."""
    chosen = sample(SEEDS, 4)
    assert len(chosen) >= 50
    for seed in chosen:
        assert_newlines_agree(ws, seed, SEED_BYTES[seed])


@slow
@pytest.mark.parametrize("seed", SEEDS, ids=_seed_id)
def test_lf_crlf_and_cr_give_identical_positions(ws: Workspace, seed: Path) -> None:
    assert_newlines_agree(ws, seed, SEED_BYTES[seed])


def _newlines_on_mutated_models(ws: Workspace, case: tuple[Path, bytes]) -> None:
    assert_newlines_agree(ws, *case)


test_lf_crlf_and_cr_agree_on_mutated_models, test_lf_crlf_and_cr_agree_on_mutated_models_at_length = \
    fuzz_tests(_newlines_on_mutated_models, mutated_seed(), share=0.25)


NON_ASCII = ('sphere Минфин : political "Министерство — финансов" {\n  power налог "✓ ☃ 😀"\n'
             '  resource бюджет = 5 ₸\n}\nscenario Реформа "Ré" { in Минфин { power налог2 } }\n'
             'rule R1 "é" { for s in spheres\nrequire s.name == "x"\nmessage "sphere {s.name} ≠ x" }\n')


TERMINAL_ENCODINGS = ["ascii", "latin-1", "cp1252", "utf-8"]
TERMINAL_COMMANDS = [["check", "m.sphere"], ["check", "--format", "concise", "m.sphere"],
                     ["check", "--format", "json", "m.sphere"], ["check", "--format", "sarif", "m.sphere"],
                     ["check", "--format", "github", "m.sphere"], ["check", "--format", "junit", "m.sphere"],
                     ["check", "--statistics", "m.sphere"], ["eval", "m.sphere"],
                     ["eval", "--scenario", "Реформа", "m.sphere"], ["explain", "SPH001"],
                     ["explain", "R1", "m.sphere"], ["rules", "m.sphere"], ["check", "--scenario", "Нет", "m.sphere"],
                     ["check", "нет.sphere"]]


def assert_terminal_survives(tmp_path: Path, encoding: str, argv: list[str]) -> None:
    """One command in a fresh interpreter whose stdout and stderr use ``encoding``."""
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "m.sphere").write_text(NON_ASCII, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1", "LC_ALL": "C", "LANG": "C"}
    script = "import sys\nfrom spherelang.cli import main\nmain(sys.argv[1:])\n"
    proc = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, env=env, capture_output=True)
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2), (encoding, argv, out)
    assert "Traceback" not in out and "internal error" not in out, (encoding, argv, out)
    if argv[0] == "check" and "m.sphere" in argv and "--scenario" not in argv:
        assert proc.returncode == 1 and proc.stdout, (encoding, argv, out)


def test_a_terminal_that_cannot_print_utf8_does_not_crash(tmp_path: Path) -> None:
    """Each command once, the encodings taken in turn (every encoding, every
    command); each command under each encoding is the ``slow`` twin."""
    for i, argv in enumerate(TERMINAL_COMMANDS):
        assert_terminal_survives(tmp_path, TERMINAL_ENCODINGS[i % len(TERMINAL_ENCODINGS)], argv)


@slow
@pytest.mark.parametrize("encoding", TERMINAL_ENCODINGS)
def test_a_terminal_that_cannot_print_utf8_does_not_crash_in_any_command(tmp_path: Path, encoding: str) -> None:
    for argv in TERMINAL_COMMANDS:
        assert_terminal_survives(tmp_path, encoding, argv)


IDENTIFIERS = ["Минфин", "中文", "ﬁnance", "𝔘nicode", "_x1", "मंत्रालय", "e\u0301tat", "x\u00b7y", "\u2118x"]


@pytest.mark.parametrize("name", IDENTIFIERS, ids=range(len(IDENTIFIERS)))
def test_every_python_identifier_is_a_name(name: str) -> None:
    assert name.isidentifier()
    tree = spherelang.parse(f"sphere {name} : political {{\n  power {name}\n}}\n")
    assert tree.spheres[0].name.text == name


# ---------------------------------------------------------------- output safety: untrusted text in CI logs

INJECTING_RULE = (ONE + 'rule R1 "s" {\n  for s in spheres\n  require false\n'
                  '  message "fine\\n::error file=secret.sphere,line=1::Injected\\n::stop-commands::tok'
                  ' \x1b]0;title\x07 \x1b[2K\x01\u202e"\n}\n')
OUTPUT_BUG = ("BUG: untrusted text (a rule's message with \\n escapes, control characters from the model) is "
              "printed raw by the text and concise formats: a line starting '::error ...' or '::stop-commands::' "
              "is a GitHub Actions workflow command (fake annotations, silenced real ones), and ESC/OSC sequences "
              "reach the terminal")


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_untrusted_text_cannot_start_a_log_line_or_carry_control_characters(ws: Workspace, fmt: str) -> None:
    import re

    path = ws.file("inject.sphere", INJECTING_RULE)
    code, out, err = run_cli(["check", "--no-cache", "--format", fmt, str(path)])
    assert_cli_answers(code, out, err)
    assert "R1" in out
    assert not [line for line in out.splitlines() if line.startswith("::")]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]", out)


def test_github_annotations_stay_one_per_line(ws: Workspace) -> None:
    path = ws.file("inject.sphere", INJECTING_RULE)
    code, out, err = run_cli(["check", "--no-cache", "--format", "github", str(path)])
    assert_cli_answers(code, out, err)
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), lines


def test_junit_output_is_well_formed_xml_whatever_the_text(ws: Workspace) -> None:
    from xml.dom import minidom

    path = ws.file("inject.sphere", INJECTING_RULE)
    code, out, err = run_cli(["check", "--no-cache", "--format", "junit", str(path)])
    assert_cli_answers(code, out, err)
    minidom.parseString(out.encode("utf-8"))


@pytest.mark.skipif(os.name != "posix", reason="newlines in file names")
def test_a_file_name_cannot_inject_log_lines(tmp_path: Path) -> None:
    (tmp_path / "sphere.toml").write_text("")
    (tmp_path / "x\n::error file=a,line=1::Injected.sphere").write_text("sphere A : political {\n  power p\n}\n")
    with contextlib.chdir(tmp_path):
        for fmt in ("text", "concise", "github"):
            code, out, err = run_cli(["check", "--no-cache", "--format", fmt, "."])
            assert_cli_answers(code, out, err)
            assert "BAL001" in out
            assert not [ln for ln in out.splitlines() if ln.startswith("::error file=a")], fmt


# ================================================================ 5. determinism

HOSTILE_MIX = {
    "a.sphere": NON_ASCII,
    "b.sphere": CLEAN.replace("requires tax, revenue", "requires tex, revenu"),
    "c.sphere": 'import "b.sphere"\nimport "*.sphere"\nimport "../nope.sphere"\n' + CLEAN.replace("Nation", "Other"),
    "d.sphere": "sphere {\n  power\n}\n}\n@\n",
    "e.sphere": nested_spheres(50),
    "f.sphere": ONE + 'rule Z9 "set order" { for p in powers\nrequire p.name in ["a", "b"]\nmessage "{p.name}" }\n'
                + "sphere B : political { power z; power y; power x; power w; power v; power u }\n",
}


def _determinism_project(root: Path) -> Path:
    (root / "sphere.toml").write_text("")
    for name, text in HOSTILE_MIX.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "bad.sphere").write_bytes(b"sphere A : political {\xff}\n")
    examples = root / "examples"
    shutil.copytree(REPO / "examples", examples, ignore=shutil.ignore_patterns("python", "*.egg-info", "build"))
    return root


#: one interpreter runs every command (what differs between interpreters is the hash seed)
_DETERMINISM_SCRIPT = """\
import contextlib, io, json, sys
from spherelang.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""
_DETERMINISM_COMMANDS = [["check", "--no-cache", "--format", fmt, "."] for fmt in ("text", "json", "sarif")] + [
    ["eval", "--no-cache", "--format", "json", "--scenario", "political_reform", "examples/kazakhstan.sphere"]]


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    root = _determinism_project(tmp_path)
    outputs: dict[str, set[str]] = {}
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        proc = subprocess.run([sys.executable, "-c", _DETERMINISM_SCRIPT, json.dumps(_DETERMINISM_COMMANDS)],
                              cwd=root, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        results = json.loads(proc.stdout)
        for argv, (code, out, err) in zip(_DETERMINISM_COMMANDS, results, strict=True):
            if argv[0] == "check":
                assert code == 1, err
            outputs.setdefault(" ".join(argv), set()).add(out + err)
    for key, seen in outputs.items():
        assert len(seen) == 1, f"{key} differs across hash seeds"


def test_output_is_identical_across_runs_in_one_process(tmp_path: Path) -> None:
    root = _determinism_project(tmp_path)
    with contextlib.chdir(root):
        for fmt in ("text", "json", "sarif"):
            first = run_cli(["check", "--no-cache", "--format", fmt, "."])
            assert first[0] == 1
            for _ in range(2):
                assert run_cli(["check", "--no-cache", "--format", fmt, "."]) == first


# ================================================================ 6. embedding

def _reports_equal(a: object, b: object) -> bool:
    return [(v.code, v.severity, v.message, v.span, v.sphere, v.hint) for v in a.violations] == \
        [(v.code, v.severity, v.message, v.span, v.sphere, v.hint) for v in b.violations]  # type: ignore[attr-defined]


def _embedding_entries(ws: Workspace) -> list[Path]:
    entries = [ws.place(p) for p in SEEDS[:: max(1, len(SEEDS) // 40)]]
    mix = ws.top / "mix"
    mix.mkdir(exist_ok=True)
    for name, text in HOSTILE_MIX.items():
        (mix / name).write_text(text, encoding="utf-8")
        entries.append(mix / name)
    return entries


def test_eight_threads_give_the_serial_results(ws: Workspace) -> None:
    entries = _embedding_entries(ws)
    serial = {p: spherelang.check(p) for p in entries}
    serial_eval = {p: spherelang.evaluate(p) for p in entries}
    barrier = threading.Barrier(8)

    def worker(k: int) -> list[tuple[Path, object, object]]:
        barrier.wait()
        order = entries[k:] + entries[:k]
        return [(p, spherelang.check(p), spherelang.evaluate(p)) for p in order]

    with ThreadPoolExecutor(8) as pool:
        results = [r for batch in pool.map(worker, range(8)) for r in batch]
    assert len(results) == 8 * len(entries)
    for path, report, evaluation in results:
        assert _reports_equal(report, serial[path]), path
        assert evaluation == serial_eval[path], path
    assert gc.isenabled()


def test_threads_parsing_different_files_keep_their_own_file_names() -> None:
    texts = {f"f{i}.sphere": "sphere {\n" if i % 2 else ONE + "@\n" for i in range(64)}

    def one(name: str) -> str:
        try:
            spherelang.parse(texts[name], path=name)
        except SphereSyntaxError as exc:
            return exc.diagnostic.span.file
        return "?"

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(one, list(texts) * 4)) == list(texts) * 4


def test_a_rule_block_of_one_model_does_not_leak_into_the_next(ws: Workspace) -> None:
    plain = ws.file("leak-plain.sphere", ONE)
    ruled = ws.file("leak-ruled.sphere", ONE + RULE.format(expr="false"))
    before = spherelang.check(plain)
    assert "R1" in {v.code for v in spherelang.check(ruled).violations}
    after = spherelang.check(plain)
    assert _reports_equal(before, after) and "R1" not in {v.code for v in after.violations}


def test_a_scenario_applied_in_one_call_does_not_change_the_next(ws: Workspace) -> None:
    path = ws.file("leak-scenario.sphere", CLEAN + "scenario Cut { remove Nation.tax }\n"
                                                   "scenario Add { in Nation { power audit } }\n")
    model = spherelang.load(path)
    base = spherelang.check(model)
    base_eval = spherelang.evaluate(model)
    with_cut = spherelang.check(model, scenario="Cut")
    assert not _reports_equal(base, with_cut)
    spherelang.evaluate(model, "Add")
    assert _reports_equal(spherelang.check(model), base)
    assert spherelang.evaluate(model) == base_eval
    assert model == spherelang.load(path)


def test_options_of_one_call_do_not_leak_into_the_next(ws: Workspace) -> None:
    path = ws.file("leak-options.sphere", CLEAN.replace("channel elections strength 0.6", "channel e strength 0.1"))
    base = spherelang.check(path)
    severity = {"ELA002": spherelang.Severity.ERROR}
    changed = spherelang.check(path, severity=severity, ignore=["BAL"], elasticity_threshold=0.05)
    severity["ELA002"] = spherelang.Severity.INFO  # the caller's dict changing later changes nothing either
    assert _reports_equal(spherelang.check(path), base)
    assert not _reports_equal(changed, base)
    with pytest.raises(SphereUsageError):
        spherelang.check(path, scenario="no-such")
    assert gc.isenabled()
    assert _reports_equal(spherelang.check(path), base)


def test_a_python_rule_registered_in_one_call_does_not_change_the_next(ws: Workspace,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from spherelang.rulelang import plugins

    registry = plugins.RuleRegistry()
    registry.loaded = True
    monkeypatch.setattr(plugins, "REGISTRY", registry)
    path = ws.file("leak-plugin.sphere", ONE)
    base = spherelang.check(path)
    calls: list[int] = []

    @spherelang.rule("ZZ900", "a stateful plugin")
    def stateful(model):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first call fails")
        yield plugins.Finding(model.spheres[0], f"call {len(calls)}")

    first = spherelang.check(path)
    second = spherelang.check(path)
    assert [v.code for v in first.violations if v.code in ("RUL001", "ZZ900")] == ["RUL001"]
    assert [v.code for v in second.violations if v.code in ("RUL001", "ZZ900")] == ["ZZ900"]
    registry._rules.clear()
    assert _reports_equal(spherelang.check(path), base)


def test_a_python_rule_returning_foreign_objects_is_rul001(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from spherelang.rulelang import plugins

    registry = plugins.RuleRegistry()
    registry.loaded = True
    monkeypatch.setattr(plugins, "REGISTRY", registry)
    other = spherelang.load(ws.file("other-model.sphere", nested_spheres(3)))
    path = ws.file("plugin-target.sphere", ONE)

    @spherelang.rule("ZZ901", "foreign subject")
    def foreign(model):  # type: ignore[no-untyped-def]
        yield plugins.Finding(other.spheres[-1], "from another model")
        yield "not a finding"

    @spherelang.rule("ZZ903", "deep recursion")
    def recursing(model):  # type: ignore[no-untyped-def]
        def down(n: int) -> int:
            return down(n + 1)
        return down(0)

    report = spherelang.check(path)
    assert "RUL001" in {v.code for v in report.violations}
    code, out, err = run_cli(["check", "--no-cache", str(path)])
    assert_cli_answers(code, out, err)

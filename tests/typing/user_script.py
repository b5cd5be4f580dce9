"""A script that embeds spherelang, as a user would write one.

tests/test_typing.py type-checks it with ``mypy --strict`` and runs it on a
shipped model. The ``assert_type`` lines are the claims about the public
API's types (mypy fails on any that does not hold exactly, ``Any`` included);
at run time they do nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import assert_type

import spherelang
from spherelang import Diagnostic, Evaluation, Finding, Model, Report, Reforms, Severity, Trend
from spherelang.rulelang import PythonRule
from spherelang.syntax.ast import File


@spherelang.rule("PYT100", "a body holds at least one channel", "warning")
def bodies_hear_back(model: Model) -> Iterator[Finding]:
    """A state body that declares no feedback channel."""
    for sphere in model.spheres:
        if sphere.layer == "body" and not sphere.channels:
            yield Finding(sphere, f"'{sphere.path}' declares no channel", hint="add a channel")


def my_rules() -> list[PythonRule]:
    """What a rule pack's entry point may return: any rules (``PythonRule``
    alone needs no type argument)."""
    return [bodies_hear_back]


def worst(report: Report) -> list[Diagnostic]:
    """The diagnostics at the report's highest severity present."""
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        found = [d for d in report.violations if d.severity == severity]
        if found:
            return found
    return []


def describe(diagnostic: Diagnostic) -> str:
    where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}"
    hint = f" ({diagnostic.hint})" if diagnostic.hint is not None else ""
    return f"{where}: {diagnostic.code} [{diagnostic.severity.label}] {diagnostic.message}{hint}"


def headroom(evaluation: Evaluation) -> dict[str, float]:
    """Each sphere's effective capacity, where it is known."""
    return {s.path: s.effective for s in evaluation.spheres if s.effective is not None}


def main(entry: Path) -> int:
    model = assert_type(spherelang.load(entry), Model)
    assert_type(spherelang.loads(entry.read_text(encoding="utf-8"), path=str(entry)), Model)
    report = assert_type(spherelang.check(model, ignore=["COR"]), Report)
    for line in map(describe, worst(report)):
        print(line)
    print(f"{report.count('error')} errors, {report.count(Severity.WARNING)} warnings")
    # the decorated name is the registered rule; calling it runs the function
    assert_type(bodies_hear_back, PythonRule[Iterator[Finding]])
    own = list(assert_type(bodies_hear_back(model), Iterator[Finding]))
    print(f"{bodies_hear_back.code}: {len(own)} findings; {bodies_hear_back.summary}")
    print(f"rules: {[r.code for r in my_rules()]}")
    evaluation = assert_type(spherelang.evaluate(model), Evaluation)
    best = sorted(headroom(evaluation).items(), key=lambda item: item[1], reverse=True)[:3]
    print(", ".join(f"{path} {value:.2f}" for path, value in best))
    try:
        assert_type(spherelang.parse("sphere {", path="broken.sphere"), File)
    except spherelang.SphereSyntaxError as error:
        print(f"syntax error: {error}")
    ranked = assert_type(spherelang.rank_reforms(model), Reforms)
    print([reform.scenario for reform in ranked.reforms][:3])
    over_time = assert_type(spherelang.trend(model), Trend)
    print(over_time.years)
    return 1 if report.fails("error") else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples/national.sphere")))

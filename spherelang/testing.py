"""``sphere test``: models whose ``// expect:`` comments state their diagnostics,
and rule coverage (which codes the tests exercise, and which they never do)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import attrs

from .catalog import all_codes, user_rule_info
from .config import Config
from .diagnostics import Severity
from .pipeline import check_entries
from .expect import Mismatch, compare, read_expectations


@attrs.frozen(slots=True)
class TestRun:
    files: tuple[str, ...]
    mismatches: tuple[Mismatch, ...]
    exercised: tuple[str, ...]        # codes some test file produced and expected
    known: tuple[str, ...]            # built-in, plugin and the test files' own rule codes

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(c for c in self.known if c not in set(self.exercised))

    @property
    def coverage(self) -> float:
        return 100.0 * len(set(self.exercised) & set(self.known)) / len(self.known) if self.known else 100.0


def run_tests(entries: Sequence[str], config: Config, configs: Sequence[Config] | None = None) -> TestRun:
    """Check every entry (all severities) and compare with its expectations;
    ``configs``: each entry's own configuration (else ``config`` for all)."""
    config = attrs.evolve(config, fail_on=Severity.INFO)
    chosen = [attrs.evolve(c, fail_on=Severity.INFO) for c in configs] if configs is not None else None
    report = check_entries(entries, config, configs=chosen)
    judged = {os.path.realpath(e) for e in entries}
    expected = read_expectations(entries)
    mismatches = compare(expected, report.violations, judged)
    wrong_lines = {(m.path, m.line) for m in mismatches}
    exercised = sorted({v.code for v in report.violations
                        if (os.path.realpath(v.span.file), v.span.line) not in wrong_lines
                        and os.path.realpath(v.span.file) in judged})
    codes = {**all_codes(), **{i.code: i for i in map(user_rule_info, report.user_rules)}}
    return TestRun(tuple(entries), tuple(mismatches), tuple(exercised), tuple(codes))


def coverage_object(run: TestRun) -> dict[str, object]:
    return {
        "files": len(run.files),
        "mismatches": len(run.mismatches),
        "coverage": round(run.coverage, 2),
        "exercised": list(run.exercised),
        "missed": list(run.missed),
    }

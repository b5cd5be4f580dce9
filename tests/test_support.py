"""The counted guards of tests/support.py can fail: a guard that cannot fail proves nothing."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from .support import Budget, BudgetExceeded, Hung, Work, assert_linear, count_calls, hang_guard


def _linear(items: list[int]) -> int:
    return sum(abs(x) for x in items)


def _quadratic(items: list[int]) -> int:
    return sum(abs(x) for x in items for _ in items)


def test_work_counts_python_and_c_calls() -> None:
    with Work() as work:
        _linear(list(range(100)))
    assert work.calls >= 100  # one abs() per item at least
    assert count_calls(lambda: _linear(list(range(1000)))) > count_calls(lambda: _linear(list(range(100))))


def test_assert_linear_passes_linear_work_and_fails_quadratic_work() -> None:
    assert_linear(lambda n: list(range(n)), _linear, 200)
    with pytest.raises(AssertionError, match="grows faster than the input"):
        assert_linear(lambda n: list(range(n)), _quadratic, 50)


def test_a_budget_stops_a_runaway_loop() -> None:
    budget = Budget(1000, "steps")
    with pytest.raises(BudgetExceeded, match="steps"):
        while True:
            budget.tick()
    assert budget.used == 1001


def test_a_hang_guard_is_refused_outside_slow_tests() -> None:
    with pytest.raises(AssertionError, match="only slow tests"):
        with hang_guard(1000):
            pass


@pytest.mark.slow
def test_a_hang_guard_turns_a_hang_into_a_failure() -> None:
    with pytest.raises(Hung):
        with hang_guard(0.05):
            threading.Event().wait()


CLOCKS = re.compile(r"perf_counter|time\.time\(|monotonic\(|process_time\(|timeout=|\bdeadline\(\d")


def test_no_test_reads_a_clock() -> None:
    """The fast suite must not fail because the machine is busy: no test times
    itself or sets a timeout (``support.hang_guard`` is the one guarded exception)."""
    found = [f"{path.name}:{number}: {line.strip()}"
             for path in sorted(Path(__file__).parent.glob("*.py")) if path.name.startswith(("test_", "conftest"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if CLOCKS.search(line) and "CLOCKS" not in line]
    assert found == []

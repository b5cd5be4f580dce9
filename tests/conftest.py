"""Shared pytest options and the hypothesis profiles.

``--update-golden`` rewrites golden files.

Hypothesis profiles (``HYPOTHESIS_PROFILE``, default ``ci``):

* ``ci``: derandomized (the same examples on every run and machine), a bounded
  number of examples, no per-example deadline (a busy machine is not a bug);
  the default, and what ``.ci/run`` selects;
* ``dev``: random, many more examples, for hunting bugs locally:
  ``HYPOTHESIS_PROFILE=dev pytest`` (add ``-m slow`` or ``-m ""`` for the heavy set too).

Tests set only what they must (``deadline=None``, a health check) and scale
their example counts from the profile's ``max_examples`` (``tests.support.examples``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

#: health checks that only say "this is slow or big", never "this is wrong"
_SLOW_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile("ci", max_examples=40, derandomize=True, database=None, deadline=None,
                          suppress_health_check=_SLOW_CHECKS, print_blob=True)
settings.register_profile("dev", max_examples=500, deadline=None, suppress_health_check=_SLOW_CHECKS,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own user cache directory (the signing key, and the caches of
    models outside any project): a run never writes to the real home, and the
    `sphere` processes the tests start inherit it."""
    if "SPHERE_TESTS_KEEP_CACHE_HOME" not in os.environ:
        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="spherelang-tests-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.out from current output")


def pytest_report_header(config: pytest.Config) -> str:
    name = getattr(settings, "get_current_profile_name", lambda: getattr(settings, "_current_profile", "?"))()
    return f"hypothesis profile: {name} (max_examples={settings().max_examples})"


@pytest.fixture(autouse=True)
def _current_item(request: pytest.FixtureRequest) -> Iterator[None]:
    """Lets ``tests.support.hang_guard`` refuse to run outside a ``slow`` test."""
    from . import support

    support.current_item = request.node
    yield
    support.current_item = None


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))

"""Configuration files: ``sphere.toml`` (keys at top level) or ``pyproject.toml``
(``[tool.spherelang]``), the nearest one above the checked path, or ``--config``.

Keys: ``select``, ``ignore``, ``extend-select``, ``extend-ignore`` (lists of
codes or prefixes, combined as ruff does: see :class:`spherelang.config.Selection`),
``fail-on``, ``exclude`` (gitignore-style patterns, anchored at the file's
directory), ``force-exclude``, ``corridor-tolerance``, ``elasticity-threshold``,
``rule-budget``, ``max-file-size`` (bytes), ``cache`` (true/false), and a ``severity`` table mapping a
code to ``error``/``warning``/``info``. An unknown key or a bad value is a
:class:`SphereUsageError` naming it (the CLI exits 2).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from typing import Any

import attrs

from .config import Config, parse_codes
from .diagnostics import Severity
from .errors import SphereUsageError


def find_config(start: str) -> str | None:
    """The nearest ``sphere.toml``, or ``pyproject.toml`` with ``[tool.spherelang]``,
    in ``start`` (a file's directory) or above it."""
    here = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    return _nearest_config(here, {})


def _config_in(directory: str) -> str | None:
    candidate = os.path.join(directory, "sphere.toml")
    if os.path.isfile(candidate):
        return candidate
    candidate = os.path.join(directory, "pyproject.toml")
    if os.path.isfile(candidate) and _table(_read(candidate), candidate) is not None:
        return candidate
    return None


def _nearest_config(directory: str, known: dict[str, str | None]) -> str | None:
    """The nearest configuration in ``directory`` (absolute) or above it; the
    answer for every directory on the way is remembered in ``known``."""
    walked: list[str] = []
    here = directory
    found: str | None = None
    while True:
        if here in known:
            found = known[here]
            break
        walked.append(here)
        found = _config_in(here)
        parent = os.path.dirname(here)
        if found is not None or parent == here:
            break
        here = parent
    for path in walked:
        known[path] = found
    return found


@attrs.frozen
class Settings:
    """The configuration that governs a path, and the file it came from
    (``None``: no file, the defaults); ``exclude`` patterns are anchored at
    that file's directory."""

    config: Config
    path: str | None = None

    @property
    def directory(self) -> str | None:
        return os.path.dirname(self.path) if self.path is not None else None


class ConfigResolver:
    """The configuration of each path, as ruff finds it: the nearest
    configuration file above the path (or ``fixed``, the one file given with
    ``--config``, for every path), read over ``base``, then ``adjust``
    applied (the command line's options, which override every file).

    Directories and files are looked up once each, so a scan of a large
    tree reads each configuration file once."""

    def __init__(self, base: Config, adjust: Callable[[Config], Config] = lambda c: c,
                 fixed: str | None = None) -> None:
        self.base, self.adjust, self.fixed = base, adjust, fixed
        self._nearest: dict[str, str | None] = {}
        self._settings: dict[str | None, Settings] = {}

    def for_directory(self, directory: str) -> Settings:
        """The settings that govern what lies in ``directory``."""
        path = self.fixed if self.fixed is not None else _nearest_config(os.path.abspath(directory),
                                                                        self._nearest)
        found = self._settings.get(path)
        if found is None:
            config = read_config(path, self.base) if path is not None else self.base
            found = self._settings[path] = Settings(self.adjust(config), path)
        return found

    def for_file(self, path: str) -> Settings:
        """The settings of the file at ``path`` (which need not exist: stdin's name)."""
        return self.for_directory(os.path.dirname(os.path.abspath(path)))

    def used(self) -> list[Settings]:
        """Every settings looked up so far, each once."""
        return list(self._settings.values())


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SphereUsageError(f"{path}: cannot read the configuration: {exc}") from None
    except RecursionError:  # tomllib recurses on nested tables and arrays
        raise SphereUsageError(f"{path}: cannot read the configuration: it nests too deeply") from None


def _table(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    if os.path.basename(path) == "pyproject.toml":
        table = data.get("tool", {}).get("spherelang")
        return table if isinstance(table, dict) else None
    return data


def _number(lo: float, hi: float | None = None) -> Callable[[str, Any], float]:
    def convert(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < lo or (hi is not None and value > hi):
            bound = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
            raise SphereUsageError(f"'{key}' must be a number {bound}, not {value!r}")
        return float(value)

    return convert


def _integer(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SphereUsageError(f"'{key}' must be a whole number of at least 1, not {value!r}")
    whole: int = value
    return whole


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SphereUsageError(f"'{key}' must be true or false, not {value!r}")
    return value


def _codes(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SphereUsageError(f"'{key}' must be a list of codes, like [\"BAL\", \"NEST002\"]")
    return parse_codes(value, key)


def _severity(key: str, value: Any) -> Severity:
    if not isinstance(value, str):
        raise SphereUsageError(f"'{key}' must be one of error, warning, info")
    try:
        return Severity.parse(value)
    except ValueError:
        raise SphereUsageError(f"'{key}' must be one of error, warning, info, not {value!r}") from None


def _globs(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SphereUsageError(f"'{key}' must be a list of glob patterns")
    return tuple(value)


def _severities(key: str, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise SphereUsageError(f"'{key}' must be a table mapping codes to error, warning or info")
    return {parse_codes([code], key)[0]: _severity(f"{key}.{code}", sev) for code, sev in value.items()}


_KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "extend-select": ("extend_select", _codes),
    "extend-ignore": ("extend_ignore", _codes),
    "force-exclude": ("force_exclude", _boolean),
    "fail-on": ("fail_on", _severity),
    "exclude": ("exclude", _globs),
    "severity": ("severity", _severities),
    "corridor-tolerance": ("corridor_tolerance", _number(0)),
    "elasticity-threshold": ("elasticity_threshold", _number(0, 1)),
    "rule-budget": ("rule_budget", _integer),
    "max-file-size": ("limits", _integer),
    "cache": ("cache", _boolean),
}


def read_config(path: str, base: Config | None = None) -> Config:
    """The configuration in ``path`` applied over ``base``."""
    data = _read(path)
    table = _table(data, path)
    if table is None:
        raise SphereUsageError(f"{path}: no [tool.spherelang] table")
    config = base or Config()
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise SphereUsageError(f"{path}: unknown key '{key}' (known keys: {known})")
        field, convert = _KEYS[key]
        try:
            converted = convert(key, value)
        except SphereUsageError as exc:  # each entry may have its own file: say which
            raise SphereUsageError(f"{path}: {exc}") from None
        if field == "limits":
            converted = attrs.evolve(config.limits, max_file_bytes=converted)
        changes[field] = converted
    return attrs.evolve(config, **changes)


def _year(key: str, value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise SphereUsageError(f"'{key}' must be a whole number (a year such as 2019) or None, not {value!r}")
    return value


_API_OPTIONS: dict[str, Callable[[str, Any], Any]] = {
    "year": _year,
    "corridor_tolerance": _number(0),
    "elasticity_threshold": _number(0, 1),
    "rule_budget": _integer,
    "cache": _boolean,
    "exclude": _globs,
}


def check_option(key: str, value: Any) -> Any:
    """A keyword option of the Python API, checked as strictly as the file's keys."""
    if key == "fail_on":
        return value if isinstance(value, Severity) else _severity(key, value)
    if key == "severity":
        if not isinstance(value, dict):
            raise SphereUsageError("'severity' must map codes to Severity values or 'error'/'warning'/'info'")
        return {parse_codes([c], key)[0]: (v if isinstance(v, Severity) else _severity(f"{key}.{c}", v))
                for c, v in value.items()}
    if key in ("select", "ignore", "extend_select", "extend_ignore"):
        return parse_codes(value, key)
    convert = _API_OPTIONS.get(key)
    if convert is None:
        known = sorted([*_API_OPTIONS, "fail_on", "severity", "extend_select", "extend_ignore"])
        raise SphereUsageError(f"unknown option '{key}' (known: {', '.join(known)})")
    return convert(key, value)

"""The case suite's view of inline expectations (see spherelang.expect)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from spherelang.diagnostics import Diagnostic
from spherelang.expect import compare, read_expectations


def sphere_files(root: str) -> list[str]:
    if os.path.isfile(root):
        return [root]
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".sphere"))


def mismatches(root: str, violations: Iterable[Diagnostic]) -> list[str]:
    files = sphere_files(root)
    base = root if os.path.isdir(root) else os.path.dirname(root)
    found = compare(read_expectations(files), violations, {os.path.realpath(f) for f in files})
    return [m.describe(os.path.relpath(m.path, base)) for m in found]

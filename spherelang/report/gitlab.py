"""``--format gitlab``: a GitLab Code Quality report (a JSON array of issues),
so findings show in merge requests."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..pipeline import Report
from .paths import in_display_order
from .sarif import source_root

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _path(file: str, root: str) -> str:
    """Relative to the repository root, as GitLab resolves it; else as given."""
    full = os.path.abspath(file)
    try:
        rel = os.path.relpath(full, root)
    except ValueError:
        return full
    return full if rel == ".." or rel.startswith(".." + os.sep) else rel.replace(os.sep, "/")


def issue(d: Diagnostic, root: str) -> dict[str, Any]:
    path = _path(d.span.file, root)
    identity = "\0".join((d.code, path, str(d.span.line), str(d.span.column), d.message))
    return {
        "description": f"{d.code} {d.message}" + (f" (hint: {d.hint})" if d.hint else ""),
        "check_name": d.code,
        "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
        "severity": SEVERITY[d.severity],
        "location": {"path": path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
    }


def render(report: Report) -> str:
    root = source_root()
    return json.dumps([issue(d, root) for d in in_display_order(report.violations)], ensure_ascii=False,
                      indent=2) + "\n"

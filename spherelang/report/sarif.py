"""``--format sarif``: SARIF 2.1.0, as code-scanning services read it.

One run; ``tool.driver.rules`` holds an entry for each code that appears (with
short and full descriptions from the rule's documentation and its default
level); each result points at a URI relative to the repository root
(``%SRCROOT%``: the git top level, else the project root), percent-encoded,
with a region in code points and a fingerprint of what it is about.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..checks import CodeInfo
from ..diagnostics import Diagnostic, Severity, Span
from ..loading import find_project_root
from ..pipeline import Report
from ..version import __version__
from .paths import in_display_order

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _first_paragraph(doc: str) -> str:
    return doc.strip().split("\n\n", 1)[0].replace("\n", " ") if doc.strip() else ""


def _rule(code: str, info: CodeInfo | None) -> dict[str, Any]:
    if info is None:
        return {"id": code, "shortDescription": {"text": code}}
    entry: dict[str, Any] = {
        "id": code,
        "name": info.name,
        "shortDescription": {"text": info.summary or code},
        "fullDescription": {"text": _first_paragraph(info.doc) or info.summary or code},
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {"family": info.family, "origin": info.origin},
    }
    if info.doc:
        entry["help"] = {"text": info.doc, "markdown": info.doc}
    return entry


def source_root(start: str | None = None) -> str:
    """The directory result URIs are relative to: the git repository's top
    level (where code scanning files its alerts), else the nearest project
    root (sphere.toml, pyproject.toml), else the working directory."""
    here = os.path.abspath(start or os.getcwd())
    folder = here
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return find_project_root(os.path.join(here, "_"))  # its directory when nothing marks a project
        folder = parent


def _file_uri(path: str) -> str:
    return "file://" + quote(path.replace(os.sep, "/"), safe="/")


class _Locator:
    """Result locations relative to the source root, percent-encoded (a '#' or
    a space in a file name must not end the path)."""

    def __init__(self, root: str) -> None:
        self.root = root

    def artifact(self, path: str) -> dict[str, Any]:
        full = os.path.abspath(path)
        try:
            rel = os.path.relpath(full, self.root)
        except ValueError:  # another drive
            rel = ".."
        if rel == ".." or rel.startswith(".." + os.sep):
            return {"uri": _file_uri(full)}
        return {"uri": quote(rel.replace(os.sep, "/"), safe="/"), "uriBaseId": "%SRCROOT%"}

    def location(self, span: Span, sphere: str | None = None) -> dict[str, Any]:
        loc: dict[str, Any] = {"physicalLocation": {
            "artifactLocation": self.artifact(span.file),
            "region": {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
                       "endColumn": max(span.end_column, span.column)},
        }}
        if sphere:
            loc["logicalLocations"] = [{"fullyQualifiedName": sphere, "kind": "namespace"}]
        return loc

    def result(self, d: Diagnostic, index: int) -> dict[str, Any]:
        location = self.location(d.span, d.sphere)
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index,
            "level": LEVEL[d.severity],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [location],
            # what the finding is about, not where: an alert survives lines moving above it
            "partialFingerprints": {"spherelangIdentity/v1": _fingerprint(d.code, uri, d.sphere, d.subject)},
        }
        if d.related:
            result["relatedLocations"] = [dict(self.location(s), id=i) for i, s in enumerate(d.related, 1)]
        return result


def _fingerprint(*parts: str | None) -> str:
    return hashlib.sha256("\0".join(p or "" for p in parts).encode()).hexdigest()[:32]


def sarif_object(report: Report, codes: Mapping[str, CodeInfo]) -> dict[str, Any]:
    appearing = sorted({d.code for d in report.violations})
    index = {code: i for i, code in enumerate(appearing)}
    locator = _Locator(source_root())
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "spherelang",
                "version": __version__,
                "informationUri": "https://pypi.org/project/spherelang/",
                "rules": [_rule(code, codes.get(code)) for code in appearing],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(locator.root.rstrip(os.sep) + os.sep)}},
            "columnKind": "unicodeCodePoints",
            "results": [locator.result(d, index[d.code]) for d in in_display_order(report.violations)],
        }],
    }

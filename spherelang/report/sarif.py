"""``--format sarif``: SARIF 2.1.0, as code-scanning services read it.

One run; ``tool.driver.rules`` holds an entry for each code that appears (with
short and full descriptions from the rule's documentation and its default
level); each result points at a relative URI with a region in code points.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..version import __version__
from ..checks import CodeInfo
from ..diagnostics import Diagnostic, Severity, Span
from ..pipeline import Report
from .paths import display_path, in_display_order

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


def _uri(path: str) -> str:
    shown = display_path(path)
    if os.path.isabs(shown):
        return "file://" + shown.replace(os.sep, "/")
    return shown


def _location(span: Span, sphere: str | None = None) -> dict[str, Any]:
    artifact: dict[str, Any] = {"uri": _uri(span.file)}
    if not os.path.isabs(display_path(span.file)):
        artifact["uriBaseId"] = "%SRCROOT%"
    loc: dict[str, Any] = {"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
                   "endColumn": max(span.end_column, span.column)},
    }}
    if sphere:
        loc["logicalLocations"] = [{"fullyQualifiedName": sphere, "kind": "namespace"}]
    return loc


def _result(d: Diagnostic, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": LEVEL[d.severity],
        "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
        "locations": [_location(d.span, d.sphere)],
    }
    if d.related:
        result["relatedLocations"] = [dict(_location(s), id=i) for i, s in enumerate(d.related, 1)]
    return result


def sarif_object(report: Report, codes: Mapping[str, CodeInfo]) -> dict[str, Any]:
    appearing = sorted({d.code for d in report.violations})
    index = {code: i for i, code in enumerate(appearing)}
    cwd = os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + cwd}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(d, index[d.code]) for d in in_display_order(report.violations)],
        }],
    }

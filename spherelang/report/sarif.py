"""``--format sarif``: SARIF 2.1.0, as code-scanning services read it.

One run; ``tool.driver.rules`` holds an entry for each rule that produced a
result (with short and full descriptions from the rule's documentation, its
default level and, for a built-in code, ``helpUri``: the code's page); each
result points at a URI relative to the repository root (``%SRCROOT%``: the git
top level, else the project root), percent-encoded, with a region in code
points and a fingerprint of what it is about.

A rule is a code *and* who declared it (:attr:`Diagnostic.origin`): a model's
``rule`` may reuse a built-in code, and its results must not be described by
the built-in's metadata, nor the built-in's by its. Each (code, origin) gets
its own entry: the built-in keeps the bare code as its ``id``, and a model's
rule reusing a built-in code is ``CODE/<file declaring it>`` (so is a second
declarer of any code), a stable id that code scanning files alerts under.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..checks import CODES, CodeInfo, help_uri
from ..diagnostics import BUILTIN, Diagnostic, Related, Severity, Span
from ..loading import find_project_root
from ..pipeline import Report
from ..version import __version__
from .paths import in_display_order

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _first_paragraph(doc: str) -> str:
    return doc.strip().split("\n\n", 1)[0].replace("\n", " ") if doc.strip() else ""


def _rule(rule_id: str, code: str, info: CodeInfo | None, origin: str) -> dict[str, Any]:
    if info is None:
        return {"id": rule_id, "shortDescription": {"text": code}, "properties": {"origin": origin}}
    entry: dict[str, Any] = {
        "id": rule_id,
        "name": info.name,
        "shortDescription": {"text": info.summary or code},
        "fullDescription": {"text": _first_paragraph(info.doc) or info.summary or code},
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {"family": info.family, "origin": origin},
    }
    if info.doc:
        entry["help"] = {"text": info.doc, "markdown": info.doc}
    uri = help_uri(code) if origin == BUILTIN else None
    if uri is not None:
        entry["helpUri"] = uri
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

    def declarer(self, origin: str) -> str:
        """Who declared a rule, for its id: a model's rule file relative to the
        source root (else absolute), a plugin's ``module:function``."""
        kind, _, what = origin.partition(":")
        if kind != "rule":
            return what or origin
        full = os.path.abspath(what)
        try:
            rel = os.path.relpath(full, self.root)
        except ValueError:  # another drive
            return full.replace(os.sep, "/")
        return (full if rel == ".." or rel.startswith(".." + os.sep) else rel).replace(os.sep, "/")

    def location(self, span: Span, sphere: str | None = None) -> dict[str, Any]:
        loc: dict[str, Any] = {"physicalLocation": {
            "artifactLocation": self.artifact(span.file),
            "region": {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
                       "endColumn": max(span.end_column, span.column)},
        }}
        if sphere:
            loc["logicalLocations"] = [{"fullyQualifiedName": sphere, "kind": "namespace"}]
        return loc

    def result(self, d: Diagnostic, rule: tuple[int, str]) -> dict[str, Any]:
        location = self.location(d.span, d.sphere)
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        index, rule_id = rule
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": index,
            "level": LEVEL[d.severity],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [location],
            # what the finding is about, not where: an alert survives lines moving above it
            "partialFingerprints": {"spherelangIdentity/v1": _fingerprint(d.code, uri, d.sphere, d.subject)},
        }
        if d.related:
            result["relatedLocations"] = [self.related(r, i) for i, r in enumerate(d.related, 1)]
        return result

    def related(self, item: Related, number: int) -> dict[str, Any]:
        found = dict(self.location(item.span), id=number)
        if item.note:
            found["message"] = {"text": item.note}
        return found


RuleKey = tuple[str, str]  # (code, origin)


def _origin_order(key: RuleKey) -> tuple[str, int, str]:
    code, origin = key
    return (code, 0 if origin == BUILTIN else 1, origin)


class _Rules:
    """The run's rule entries, one per (code, origin), and each one's index."""

    def __init__(self, violations: tuple[Diagnostic, ...], codes: Mapping[str, CodeInfo],
                 user: Mapping[str, CodeInfo], locator: _Locator) -> None:
        keys = sorted({(d.code, d.origin) for d in violations}, key=_origin_order)
        self.index = {key: i for i, key in enumerate(keys)}
        self.ids: list[str] = []
        self.entries: list[dict[str, Any]] = []
        for code, origin in keys:
            rule_id = code
            if code in self.ids or (origin != BUILTIN and code in CODES):
                rule_id = f"{code}/{locator.declarer(origin)}"
            self.ids.append(rule_id)
            info = user.get(code) if origin.startswith("rule:") else codes.get(code)
            self.entries.append(_rule(rule_id, code, info, _shown_origin(origin, locator)))

    def of(self, d: Diagnostic) -> tuple[int, str]:
        index = self.index[(d.code, d.origin)]
        return index, self.ids[index]


def _shown_origin(origin: str, locator: _Locator) -> str:
    if origin.startswith("rule:"):
        return f"rule:{locator.declarer(origin)}"
    return origin


def _fingerprint(*parts: str | None) -> str:
    return hashlib.sha256("\0".join(p or "" for p in parts).encode()).hexdigest()[:32]


def sarif_object(report: Report, codes: Mapping[str, CodeInfo],
                 user: Mapping[str, CodeInfo] | None = None) -> dict[str, Any]:
    """The SARIF log of ``report``: ``codes`` describes the built-in and plugin
    codes, ``user`` the codes of the models' own ``rule`` blocks."""
    locator = _Locator(source_root())
    rules = _Rules(report.violations, codes, user or {}, locator)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "spherelang",
                "version": __version__,
                "informationUri": "https://pypi.org/project/spherelang/",
                "rules": rules.entries,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(locator.root.rstrip(os.sep) + os.sep)}},
            "columnKind": "unicodeCodePoints",
            "results": [locator.result(d, rules.of(d)) for d in in_display_order(report.violations)],
        }],
    }

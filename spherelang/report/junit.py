"""``--format junit``: JUnit XML, one test suite per file, one failing test case
per violation (and one passing case for a clean file)."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from ..diagnostics import Diagnostic
from ..pipeline import Report
from .paths import display_path, in_display_order
from .safe import printable


def render(report: Report) -> str:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in in_display_order(report.violations):
        by_file[display_path(d.span.file)].append(d)
    for f in report.files:
        by_file.setdefault(display_path(f), [])
    root = ET.Element("testsuites", name="spherelang", tests=str(max(1, len(report.violations))),
                      failures=str(len(report.violations)))
    for file in sorted(by_file):
        items = by_file[file]
        suite = ET.SubElement(root, "testsuite", name=printable(file), tests=str(max(1, len(items))),
                              failures=str(len(items)), errors="0")
        if not items:
            ET.SubElement(suite, "testcase", name="sphere check", classname=file)
        for d in items:
            message, code = printable(d.message), printable(d.code)  # XML 1.0 has no control characters
            case = ET.SubElement(suite, "testcase", name=f"{code} at {d.span.line}:{d.span.column}",
                                 classname=printable(file), line=str(d.span.line))
            failure = ET.SubElement(case, "failure", message=message, type=code)
            failure.text = (f"{printable(file)}:{d.span.line}:{d.span.column}: {code} [{d.severity.label}] {message}"
                            + (f"\nhint: {printable(d.hint)}" if d.hint else ""))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""``--format junit``: JUnit XML, one test suite per file, one test case per
violation (and one passing case for a clean file). A violation that reaches
the run's ``--fail-on`` is a failure; one below it is a passing case that
says what it found, so the counts agree with the exit status. The output
follows the widely used ``junit-10.xsd`` (no attributes it does not know)."""

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
    root = ET.Element("testsuites", name="spherelang")
    total = failed = 0
    for file in sorted(by_file):
        items = by_file[file]
        failing = sum(1 for d in items if d.severity >= report.fail_on)
        cases = max(1, len(items))
        total, failed = total + cases, failed + failing
        suite = ET.SubElement(root, "testsuite", name=printable(file), tests=str(cases),
                              failures=str(failing), errors="0")
        if not items:
            ET.SubElement(suite, "testcase", name="sphere check", classname=printable(file))
        for d in items:
            _case(suite, file, d, d.severity >= report.fail_on)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, file: str, d: Diagnostic, fails: bool) -> None:
    message, code = printable(d.message), printable(d.code)  # XML 1.0 has no control characters
    case = ET.SubElement(suite, "testcase", name=f"{code} at {d.span.line}:{d.span.column}",
                         classname=printable(file))
    text = (f"{printable(file)}:{d.span.line}:{d.span.column}: {code} [{d.severity.label}] {message}"
            + (f"\nhint: {printable(d.hint)}" if d.hint else ""))
    if fails:
        failure = ET.SubElement(case, "failure", message=message, type=code)
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text

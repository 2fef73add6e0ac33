"""JUnit XML, for CI systems that show test results (Jenkins, GitLab, Azure).

`<testsuites><testsuite name="flagkeeper">` with one failing `<testcase>` per finding
(classname the path, name `CODE name at line:col`, a `<failure>` with message
`path:line:col: message`, type the code, text `path:line:col: CODE message`) and one passing
`<testcase>` (classname `flagkeeper`, name `CODE name`) per rule that ran and found nothing.
One case per finding, not per rule: Jenkins shows only the first failure of a test case.
Characters XML cannot carry (control characters in a file name) are written as repr escapes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.escape import xml_text
from flagkeeper.paths import display_path

TOOL = "flagkeeper"


def _rule_titles(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """(code, name) of every rule that ran, then of any code a finding has that no rule passed in owns."""
    titles = [(rule.code, rule.name) for rule in rules]
    known = {code for code, _ in titles}
    for d in diagnostics:
        if d.code not in known:
            titles.append((d.code, d.name))
            known.add(d.code)
    return titles


def render_junit(diagnostics: list[Diagnostic], rules: Sequence[Rule]) -> str:
    """A failing test case per finding, and a passing one for each rule that found nothing."""
    titles = _rule_titles(diagnostics, rules)
    found_codes = {d.code for d in diagnostics}
    clean = [(code, name) for code, name in titles if code not in found_codes]
    counts = {"tests": str(len(diagnostics) + len(clean)), "failures": str(len(diagnostics)), "errors": "0"}
    root = ET.Element("testsuites", {"name": TOOL, **counts, "time": "0"})
    suite = ET.SubElement(root, "testsuite", {"name": TOOL, **counts, "skipped": "0", "time": "0"})
    for d in diagnostics:
        shown = xml_text(display_path(d.path))
        where, message = f"{shown}:{d.line}:{d.column}: ", xml_text(d.message)
        case = ET.SubElement(suite, "testcase", {"classname": shown, "name": f"{d.code} {d.name} at {d.line}:{d.column}", "time": "0"})
        failure = ET.SubElement(case, "failure", {"message": where + message, "type": d.code})
        failure.text = f"{where}{d.code} {message}"
    for code, name in clean:
        ET.SubElement(suite, "testcase", {"classname": TOOL, "name": f"{code} {name}", "time": "0"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

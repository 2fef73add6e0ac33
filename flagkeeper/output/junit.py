"""JUnit XML, for CI systems that show test results (Jenkins, GitLab, Azure).

`<testsuites><testsuite name="flagkeeper">` with one failing `<testcase>` per finding
(classname the path, name `CODE name`, then the flag key in brackets when the finding has one,
then `#2`, `#3`... for a repeat in the same file; a `<failure>` with message
`path:line:col: message`, type the code, text `path:line:col: CODE message`), one passing
`<testcase>` (classname `flagkeeper`, name `CODE name`) per rule that ran and found nothing,
and one `<skipped>` case per selected rule that could not run (reachability rules without
entry points, flag-service rules without a state file). One case per finding, not per rule: Jenkins shows only the first failure of a
test case. No line number in a name: CI systems track a test's history by its name, and code
moving above a finding must not make it a new test. Valid against junit-10.xsd (tests/schemas).
Characters XML cannot carry (control characters in a file name) are written as repr escapes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence

from flagkeeper.checks.base import Need, Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.escape import xml_text
from flagkeeper.paths import display_path

TOOL = "flagkeeper"
_NOT_RUN = {
    Need.ENTRY_POINTS: "not run: the project has no entry points (set entry-points in the config)",
    Need.SERVICE: "not run: no flag-service state (flag-state.toml, written by `flagkeeper pull`)",
}


def _rule_titles(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """(code, name) of every rule that ran, then of any code a finding has that no rule passed in owns."""
    titles = [(rule.code, rule.name) for rule in rules]
    known = {code for code, _ in titles}
    for d in diagnostics:
        if d.code not in known:
            titles.append((d.code, d.name))
            known.add(d.code)
    return titles


def _case_names(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """`CODE name [key]`, with `#n` on the n-th finding of the same name in one file: stable when lines move."""
    seen: Counter[tuple[str, str]] = Counter()
    names = []
    for d in diagnostics:
        name = f"{d.code} {d.name}" + (f" [{xml_text(d.key)}]" if d.key is not None else "")
        seen[display_path(d.path), name] += 1
        count = seen[display_path(d.path), name]
        names.append(name if count == 1 else f"{name} #{count}")
    return names


def render_junit(diagnostics: list[Diagnostic], rules: Sequence[Rule], skipped: Sequence[Rule] = ()) -> str:
    """A failing test case per finding, a passing one for each rule that found nothing, a skipped one per rule that did not run."""
    titles = _rule_titles(diagnostics, rules)
    found_codes = {d.code for d in diagnostics}
    clean = [(code, name) for code, name in titles if code not in found_codes]
    tests = len(diagnostics) + len(clean) + len(skipped)
    counts = {"tests": str(tests), "failures": str(len(diagnostics)), "errors": "0"}
    root = ET.Element("testsuites", {"name": TOOL, **counts, "time": "0"})
    suite = ET.SubElement(root, "testsuite", {"name": TOOL, **counts, "skipped": str(len(skipped)), "time": "0"})
    for d, name in zip(diagnostics, _case_names(diagnostics), strict=True):
        shown = xml_text(display_path(d.path))
        where, message = f"{shown}:{d.line}:{d.column}: ", xml_text(d.message)
        case = ET.SubElement(suite, "testcase", {"classname": shown, "name": name, "time": "0"})
        failure = ET.SubElement(case, "failure", {"message": where + message, "type": d.code})
        failure.text = f"{where}{d.code} {message}"
    for code, name in clean:
        ET.SubElement(suite, "testcase", {"classname": TOOL, "name": f"{code} {name}", "time": "0"})
    for rule in skipped:
        case = ET.SubElement(suite, "testcase", {"classname": TOOL, "name": f"{rule.code} {rule.name}", "time": "0"})
        ET.SubElement(case, "skipped", {"message": _NOT_RUN[Need.SERVICE if Need.SERVICE in rule.needs else Need.ENTRY_POINTS]})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

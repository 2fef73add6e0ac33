"""CI output formats: SARIF 2.1.0, GitHub Actions workflow commands, JUnit XML, GitLab Code Quality.

Pure formatting, like the reporters: each function takes the findings (and, where the format
describes them, the rules that ran) and returns text. Nothing here reads files or decides what
is a finding. Output is deterministic: no timestamps, sorted keys, findings in the order given.

Paths are written as `display_path` gives them: relative to the working folder, `/`-separated.
GitHub and GitLab resolve them against the repository root, so run flagkeeper from there.

Field mapping, per format:

- SARIF (GitHub code scanning): one run; `tool.driver.rules[]` from the rules (`id` code,
  `name`, `shortDescription` summary, `fullDescription` why, `help` why + fix in text and
  Markdown, `defaultConfiguration.level` severity, `properties.tags`); one `result` per finding
  (`ruleId`, `ruleIndex`, `level`, `message.text`, a `physicalLocation` relative to `%SRCROOT%`
  with `startLine`, `startColumn` and `endLine`, and `partialFingerprints`).
- github: `::error|warning file=P,line=L,col=C,title=CODE name::message`, one line per finding.
- junit: `<testsuites><testsuite name="flagkeeper">` with one failing `<testcase>` per finding
  (classname the path, name `CODE name at line:col`, a `<failure>` with message
  `path:line:col: message`, type the code, text `path:line:col: CODE message`) and one passing
  `<testcase>` (classname `flagkeeper`, name `CODE name`) per rule that ran and found nothing.
- gitlab: a JSON array of `{description, check_name, fingerprint, severity, location: {path,
  lines: {begin}}}`; severity `major` for errors, `minor` for warnings.

The fingerprints hash the code, path, flag key and message with its numbers masked (not the
line, so a finding keeps its identity when code above it moves, as the baseline does), plus the finding's rank among identical findings in
the report, so that two identical findings in one file stay two alerts.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from flagkeeper import __version__
from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic
from flagkeeper.output.baseline import stable_message
from flagkeeper.output.text import render_json, render_text
from flagkeeper.paths import display_path

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/flagkeeper/"
SRCROOT = "%SRCROOT%"
TOOL = "flagkeeper"

# semver.org's regular expression: SARIF's semanticVersion must be Semantic Versioning 2.0.0.
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)

# Characters XML 1.0 cannot carry at all, even escaped (and lone surrogates, which UTF-8 cannot).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_GITLAB_SEVERITY = {ERROR: "major", WARNING: "minor"}


def _dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _one_line(diagnostic: Diagnostic, with_code: bool = False) -> str:
    d = diagnostic
    return f"{display_path(d.path)}:{d.line}:{d.column}: " + (f"{d.code} " if with_code else "") + d.message


def _identities(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, int]]:
    """One stable identity per finding: a hash of code, path, key and message, and its rank among equal ones."""
    seen: Counter[str] = Counter()
    identities = []
    for d in diagnostics:
        digest = hashlib.sha256("\0".join((d.code, display_path(d.path), d.key or "", stable_message(d.message))).encode()).hexdigest()
        seen[digest] += 1
        identities.append((digest, seen[digest]))
    return identities


def _rule_titles(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """(code, name) of every rule that ran, then of any code a finding has that no rule passed in owns."""
    titles = [(rule.code, rule.name) for rule in rules]
    known = {code for code, _ in titles}
    for d in diagnostics:
        if d.code not in known:
            titles.append((d.code, d.name))
            known.add(d.code)
    return titles


# SARIF ---------------------------------------------------------------------------------------


def _sarif_uri(shown: str) -> str:
    """A URI reference for a displayed path: relative paths stay relative (to %SRCROOT%), others become file: URIs."""
    path = PurePosixPath(shown)
    if path.is_absolute():
        return path.as_uri()
    return quote(shown, safe="/")


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why}\n\nHow to fix: {rule.fix}",
            "markdown": f"**Why it matters.** {rule.why}\n\n**How to fix.** {rule.fix}",
        },
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"tags": ["feature-flags"], "problem.severity": rule.severity},
    }


def _sarif_result(diagnostic: Diagnostic, rule_index: dict[str, int], identity: tuple[str, int]) -> dict[str, Any]:
    d = diagnostic
    shown = display_path(d.path)
    artifact: dict[str, Any] = {"uri": _sarif_uri(shown)}
    if not PurePosixPath(shown).is_absolute():
        artifact["uriBaseId"] = SRCROOT
    # A finding is a point; its region runs to the end of its line (SARIF's default for a missing endColumn).
    region = {"startLine": d.line, "startColumn": d.column, "endLine": d.line}
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": d.severity,
        "message": {"text": d.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
        # GitHub reads only this key; as CodeQL does, `:n` tells identical findings in one file apart.
        "partialFingerprints": {"primaryLocationLineHash": f"{identity[0][:16]}:{identity[1]}"},
    }
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    return result


def render_sarif(diagnostics: list[Diagnostic], rules: Sequence[Rule]) -> str:
    """A SARIF 2.1.0 log with one run, in the subset GitHub code scanning reads."""
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    driver: dict[str, Any] = {
        "name": TOOL,
        "informationUri": INFORMATION_URI,
        "version": __version__,
        "rules": [_sarif_rule(rule) for rule in rules],
    }
    if _SEMVER.fullmatch(__version__):
        driver["semanticVersion"] = __version__
    run = {
        "tool": {"driver": driver},
        # Columns count characters (libcst positions), not SARIF's default UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The folder flagkeeper ran in; run it from the repository root."}},
        },
        "results": [_sarif_result(d, rule_index, identity) for d, identity in zip(diagnostics, _identities(diagnostics), strict=True)],
    }
    return _dump_json({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})


# GitHub Actions workflow commands ------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, escaped as @actions/core's escapeProperty does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: list[Diagnostic]) -> str:
    """One `::error` or `::warning` workflow command per finding: GitHub annotates the line."""
    lines = []
    for d in diagnostics:
        command = "error" if d.severity == ERROR else "warning"
        properties = {"file": display_path(d.path), "line": str(d.line), "col": str(d.column), "title": f"{d.code} {d.name}"}
        joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
        lines.append(f"::{command} {joined}::{escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


# JUnit XML -----------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(diagnostics: list[Diagnostic], rules: Sequence[Rule]) -> str:
    """JUnit XML: a failing test case per finding, and a passing one for each rule that found nothing.

    One case per finding, not per rule: Jenkins shows only the first failure of a test case."""
    titles = _rule_titles(diagnostics, rules)
    found_codes = {d.code for d in diagnostics}
    clean = [(code, name) for code, name in titles if code not in found_codes]
    counts = {"tests": str(len(diagnostics) + len(clean)), "failures": str(len(diagnostics)), "errors": "0"}
    root = ET.Element("testsuites", {"name": TOOL, **counts, "time": "0"})
    suite = ET.SubElement(root, "testsuite", {"name": TOOL, **counts, "skipped": "0", "time": "0"})
    for d in diagnostics:
        case = ET.SubElement(suite, "testcase", {"classname": display_path(d.path), "name": f"{d.code} {d.name} at {d.line}:{d.column}", "time": "0"})
        failure = ET.SubElement(case, "failure", {"message": _xml_text(_one_line(d)), "type": d.code})
        failure.text = _xml_text(_one_line(d, with_code=True))
    for code, name in clean:
        ET.SubElement(suite, "testcase", {"classname": TOOL, "name": f"{code} {name}", "time": "0"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_gitlab(diagnostics: list[Diagnostic]) -> str:
    """A GitLab Code Quality report: a JSON array with one issue per finding."""
    issues = []
    for d, identity in zip(diagnostics, _identities(diagnostics), strict=True):
        issues.append({
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": hashlib.sha256(f"{identity[0]}:{identity[1]}".encode()).hexdigest()[:32],
            "severity": _GITLAB_SEVERITY.get(d.severity, "info"),
            "location": {"path": display_path(d.path), "lines": {"begin": d.line}},
        })  # fmt: skip
    return _dump_json(issues)


FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def render_findings(output_format: str, diagnostics: list[Diagnostic], rules: Sequence[Rule], files: int) -> str:
    """The findings in one of FORMATS; `rules` are the rules that ran (SARIF and JUnit list them)."""
    renderers = {
        "text": lambda: render_text(diagnostics, files),
        "json": lambda: render_json(diagnostics),
        "sarif": lambda: render_sarif(diagnostics, rules),
        "github": lambda: render_github(diagnostics),
        "junit": lambda: render_junit(diagnostics, rules),
        "gitlab": lambda: render_gitlab(diagnostics),
    }
    return renderers[output_format]()

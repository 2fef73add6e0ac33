"""CI output formats: golden files on the SMARS example, the SARIF schema, and what GitHub, GitLab and JUnit readers need.

`check --format sarif|github|junit|gitlab` is wired in the CLI separately; these tests call the
renderers on the findings `check` computes for examples/smars_legacy on 1 August 2012.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from flagkeeper import __version__
from flagkeeper.checks.base import Need
from flagkeeper.checks.diagnostic import ERROR, WARNING, Diagnostic
from flagkeeper.checks.runner import ALL_RULES, run_checks
from flagkeeper.cli.common import load_project
from flagkeeper.output.escape import escape_data, escape_property
from flagkeeper.output.github import render_github
from flagkeeper.output.gitlab import render_gitlab
from flagkeeper.output.junit import render_junit
from flagkeeper.output.sarif import render_sarif
from tests.conftest import REPO, assert_golden

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "sarif-schema-2.1.0.json"
RULES = list(ALL_RULES)
# What `check` runs on SMARS, which has no flag-service state, and what it skips: the goldens are its output.
RAN = [rule for rule in RULES if Need.SERVICE not in rule.needs]
SKIPPED = [rule for rule in RULES if Need.SERVICE in rule.needs]
SMARS = REPO / "examples/smars_legacy"  # the project root its findings' identities are relative to


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths display relative to the repository, as `check` prints them when run from its root."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def smars(in_repo: None) -> list[Diagnostic]:
    project = load_project([SMARS], None, None, datetime(2012, 8, 1))
    return run_checks(project, RULES)


def finding(message: str, *, code: str = "FK001", line: int = 3, column: int = 4, key: str | None = "k", path: str = "app.py") -> Diagnostic:
    rule = next(rule for rule in RULES if rule.code == code)
    return Diagnostic(REPO / path, line, column, code, message, rule.name, rule.severity, key)


# Golden files -----------------------------------------------------------------------------------


def test_smars_example_has_errors_and_warnings(smars: list[Diagnostic]) -> None:
    assert len(smars) == 18
    assert {d.severity for d in smars} == {ERROR, WARNING}


def test_sarif_is_golden(smars: list[Diagnostic]) -> None:
    assert_golden("smars_legacy.sarif", render_sarif(smars, RAN, SMARS))


def test_github_is_golden(smars: list[Diagnostic]) -> None:
    assert_golden("smars_legacy.github", render_github(smars))


def test_junit_is_golden(smars: list[Diagnostic]) -> None:
    assert_golden("smars_legacy.junit.xml", render_junit(smars, RAN, SKIPPED))


def test_gitlab_is_golden(smars: list[Diagnostic]) -> None:
    assert_golden("smars_legacy.gitlab.json", render_gitlab(smars, SMARS))


def test_renderings_are_deterministic(smars: list[Diagnostic]) -> None:
    for render in (lambda d: render_sarif(d, RULES, SMARS), render_github, lambda d: render_junit(d, RULES), lambda d: render_gitlab(d, SMARS)):
        assert render(list(smars)) == render(list(smars))


# SARIF ------------------------------------------------------------------------------------------


def test_sarif_validates_against_the_oasis_schema(smars: list[Diagnostic]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    for log in (render_sarif(smars, RULES, SMARS), render_sarif([], RULES, SMARS), render_sarif([], [], SMARS)):
        errors = sorted(validator.iter_errors(json.loads(log)), key=lambda error: list(error.absolute_path))
        assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


def test_the_schema_rejects_what_it_should() -> None:
    """The vendored schema is the real one, not a permissive stand-in."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not validator.is_valid({"version": "2.0.0", "runs": []})
    assert not validator.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # a driver needs a name
    assert not validator.is_valid(
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "m"}}]}]}
    )


def test_sarif_has_what_github_code_scanning_requires(smars: list[Diagnostic]) -> None:
    log = json.loads(render_sarif(smars, RULES, SMARS))
    assert log["version"] == "2.1.0" and log["$schema"]
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "flagkeeper"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"] == "https://pypi.org/project/flagkeeper/"
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    for descriptor, rule in zip(driver["rules"], RULES, strict=True):
        assert descriptor["name"] == rule.name and len(rule.name) <= 255
        assert descriptor["shortDescription"]["text"] == rule.summary and len(rule.summary) <= 1024
        assert descriptor["fullDescription"]["text"] == rule.why and len(rule.why) <= 1024
        assert rule.why in descriptor["help"]["text"] and rule.fix in descriptor["help"]["text"]
        assert rule.why in descriptor["help"]["markdown"] and rule.fix in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == rule.severity in ("error", "warning")
        assert descriptor["properties"]["tags"]
    assert len(run["results"]) == len(smars)
    for result, d in zip(run["results"], smars, strict=True):
        assert result["ruleId"] == d.code
        assert driver["rules"][result["ruleIndex"]]["id"] == d.code
        assert result["level"] == d.severity
        assert result["message"]["text"] == d.message
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": artifact["uri"], "uriBaseId": "%SRCROOT%"}
        assert artifact["uri"].startswith("examples/smars_legacy/") and (REPO / artifact["uri"]).is_file()
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (d.line, d.column)
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    hashes = [
        (result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], result["partialFingerprints"]["primaryLocationLineHash"])
        for result in run["results"]
    ]
    assert len(set(hashes)) == len(hashes)


def test_sarif_fingerprint_survives_a_line_move_and_tells_twins_apart(in_repo: None) -> None:
    def fingerprints(diagnostics: list[Diagnostic]) -> list[str]:
        return [result["partialFingerprints"]["primaryLocationLineHash"] for result in json.loads(render_sarif(diagnostics, RULES, REPO))["runs"][0]["results"]]

    [before] = fingerprints([finding("flag 'k' is not registered", line=3)])
    [after] = fingerprints([finding("flag 'k' is not registered", line=40)])
    assert before == after
    [other] = fingerprints([finding("flag 'k' is not registered", path="other.py")])
    assert other != before
    twins = fingerprints([finding("flag 'k' is not registered", line=3), finding("flag 'k' is not registered", line=9)])
    assert twins[0] == before and twins[1] != before and twins[1].endswith(":2")


def test_sarif_uri_is_percent_encoded_relative_or_a_file_uri_outside_the_working_folder(in_repo: None, tmp_path: Path) -> None:
    inside = Diagnostic(REPO / "dir with space/app.py", 1, 1, "FK001", "m", "unregistered-flag", ERROR, "k")
    outside = Diagnostic(tmp_path / "app.py", 1, 1, "FK001", "m", "unregistered-flag", ERROR, "k")
    results = json.loads(render_sarif([inside, outside], RULES, SMARS))["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "dir%20with%20space/app.py", "uriBaseId": "%SRCROOT%"}
    assert results[1]["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": (tmp_path / "app.py").as_uri()}


# GitHub workflow commands -----------------------------------------------------------------------


def test_github_command_shape(in_repo: None) -> None:
    text = render_github([finding("flag 'k' is read here", code="FK001"), finding("flag 'k' expired", code="FK002", line=7, column=1)])
    assert text == (
        "::error file=app.py,line=3,col=4,title=FK001 unregistered-flag::flag 'k' is read here\n"
        "::warning file=app.py,line=7,col=1,title=FK002 expired-flag::flag 'k' expired\n"
    )


def test_github_escapes_message_and_properties_like_actions_toolkit(in_repo: None) -> None:
    message = "100% sure: a, b\nnext line\r"
    [line] = render_github([finding(message, path="we,ird:dir/100%.py")]).splitlines()
    assert line == "::error file=we%2Cird%3Adir/100%25.py,line=3,col=4,title=FK001 unregistered-flag::100%25 sure: a, b%0Anext line%0D"
    # A runner splits on the first `::` after the properties and on `,` between them: neither leaks from the values.
    properties, data = line.removeprefix("::error ").split("::", 1)
    assert dict(item.split("=", 1) for item in properties.split(","))["file"] == "we%2Cird%3Adir/100%25.py"
    assert data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%") == message


def test_escape_order_does_not_double_escape() -> None:
    assert escape_data("%0A") == "%250A"
    assert escape_property("%3A:") == "%253A%3A"


def test_github_writes_nothing_without_findings() -> None:
    assert render_github([]) == ""


# JUnit XML --------------------------------------------------------------------------------------


def test_junit_parses_with_the_right_counts(smars: list[Diagnostic]) -> None:
    """A failing case per finding (Jenkins shows only a case's first failure), a passing one per clean rule."""
    root = ET.fromstring(render_junit(smars, RULES))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    clean_rules = [rule for rule in RULES if rule.code not in {d.code for d in smars}]
    assert suite.get("name") == "flagkeeper"
    assert int(suite.get("tests", "")) == len(cases) == len(smars) + len(clean_rules)
    assert int(suite.get("failures", "")) == len(smars) == sum(1 for case in cases if case.find("failure") is not None)
    assert suite.get("errors") == suite.get("skipped") == "0"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (suite.get("tests"), suite.get("failures"), suite.get("errors"))
    assert all(len(case.findall("failure")) <= 1 for case in cases)
    passing = [(case.get("classname"), case.get("name")) for case in cases if case.find("failure") is None]
    assert passing == [("flagkeeper", f"{rule.code} {rule.name}") for rule in clean_rules]


def test_junit_failure_carries_the_finding_line(smars: list[Diagnostic]) -> None:
    root = ET.fromstring(render_junit(smars, RULES))
    [d] = [d for d in smars if d.code == "FK001"]
    [case] = [case for case in root.iter("testcase") if case.get("name", "").startswith("FK001 ")]
    assert (case.get("classname"), case.get("name")) == ("examples/smars_legacy/smars/routing/venues.py", f"FK001 unregistered-flag [{d.key}]")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "FK001"
    assert failure.get("message") == f"examples/smars_legacy/smars/routing/venues.py:{d.line}:{d.column}: {d.message}"
    assert failure.text == f"examples/smars_legacy/smars/routing/venues.py:{d.line}:{d.column}: FK001 {d.message}"


def test_junit_has_a_passing_case_per_rule_without_findings(in_repo: None) -> None:
    root = ET.fromstring(render_junit([], RULES[:3]))
    assert [case.get("name") for case in root.iter("testcase")] == [f"{rule.code} {rule.name}" for rule in RULES[:3]]
    assert root.find(".//failure") is None
    assert [suite.get("failures") for suite in root.iter("testsuite")] == ["0"]


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold(in_repo: None) -> None:
    message = 'a <tag> & "quote"\nsecond line \x1b[0m'
    root = ET.fromstring(render_junit([finding(message)], RULES))
    [failure] = root.iter("failure")
    assert failure.get("message") == "app.py:3:4: " + message.replace("\x1b", "\ufffd")
    assert failure.text == "app.py:3:4: FK001 " + message.replace("\x1b", "\ufffd")


# GitLab Code Quality ----------------------------------------------------------------------------


def test_gitlab_report_has_the_required_fields(smars: list[Diagnostic]) -> None:
    report = json.loads(render_gitlab(smars, SMARS))
    assert isinstance(report, list) and len(report) == len(smars)
    for issue, d in zip(report, smars, strict=True):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == d.code
        assert d.message in issue["description"]
        assert issue["severity"] == {"error": "major", "warning": "minor"}[d.severity]
        assert issue["location"] == {"path": issue["location"]["path"], "lines": {"begin": d.line}}
        assert not issue["location"]["path"].startswith(("./", "/")) and (REPO / issue["location"]["path"]).is_file()
    fingerprints = [issue["fingerprint"] for issue in report]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprints_are_unique_even_for_identical_findings(in_repo: None) -> None:
    twins = [finding("same", line=3), finding("same", line=3)]
    first, second = (issue["fingerprint"] for issue in json.loads(render_gitlab(twins, REPO)))
    assert first != second
    [alone] = (issue["fingerprint"] for issue in json.loads(render_gitlab(twins[:1], REPO)))
    assert alone == first


def test_gitlab_report_is_an_empty_array_without_findings() -> None:
    assert render_gitlab([], REPO) == "[]\n"
    assert not render_gitlab([], REPO).startswith("\ufeff")  # GitLab rejects a byte order mark

"""CI output as pipelines read it: SARIF from any working folder, rule links, flows, JUnit against its schema."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flagkeeper.checks.base import Need
from flagkeeper.checks.runner import ALL_RULES
from flagkeeper.tomlread import load_toml
from tests.conftest import REPO, run, write_tree

SCHEMAS = REPO / "tests" / "schemas"
SMARS = ["check", "--today", "2012-08-01", "--output-format"]


def _sarif_from(cwd: Path, target: Path) -> dict:
    return run([*SMARS, "sarif", str(target)], cwd).json()


def _uris(document: dict) -> list[str]:
    return [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in document["runs"][0]["results"]]


def test_sarif_names_the_same_files_from_a_sub_folder() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from_root = _sarif_from(REPO, REPO / "examples" / "smars_legacy")
    inside = REPO / "examples" / "smars_legacy" / "smars" / "routing"
    from_inside = _sarif_from(inside, Path("../.."))
    assert _uris(from_root) == _uris(from_inside)
    assert "examples/smars_legacy/smars/algos/power_peg.py" in _uris(from_inside)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(from_inside)


def test_sarif_paths_are_relative_to_the_repository_not_the_project(tmp_path: Path) -> None:
    repository = write_tree(tmp_path / "repo", {"svc/flagkeeper.toml": "", "svc/app.py": 'import ldclient\nldclient.get().variation("k", None, False)\n'})
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    document = run([*SMARS, "sarif", "."], repository / "svc").json()
    artifact = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "svc/app.py", "uriBaseId": "%SRCROOT%"}


def test_every_rule_links_to_its_page_in_the_documentation() -> None:
    document = _sarif_from(REPO, REPO / "examples" / "smars_legacy")
    documentation = load_toml(REPO / "pyproject.toml")["project"]["urls"]["Documentation"]
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    # every rule that ran: all but the flag-service rules, which need a state file SMARS does not have
    assert {rule["id"] for rule in rules} == {rule.code for rule in ALL_RULES if Need.SERVICE not in rule.needs}
    for rule in rules:
        assert rule["helpUri"] == f"{documentation}/rules/{rule['id']}.md"
        assert (REPO / "docs" / "rules" / f"{rule['id']}.md").is_file()


def _results(code: str) -> list[dict]:
    document = _sarif_from(REPO, REPO / "examples" / "smars_legacy")
    return [result for result in document["runs"][0]["results"] if result["ruleId"] == code]


def _steps(result: dict) -> list[tuple[str, int, str]]:
    [flow] = result["codeFlows"]
    [thread] = flow["threadFlows"]
    return [
        (step["location"]["physicalLocation"]["artifactLocation"]["uri"], step["location"]["physicalLocation"]["region"]["startLine"],
         step["location"]["message"]["text"])
        for step in thread["locations"]
    ]  # fmt: skip


def test_fk007_import_chain_is_a_code_flow() -> None:
    power_peg = next(result for result in _results("FK007") if "power_peg.py" in json.dumps(result["locations"]))
    assert _steps(power_peg) == [
        ("examples/smars_legacy/smars/main.py", 21, "smars.main imports smars.session"),
        ("examples/smars_legacy/smars/session.py", 24, "smars.session imports smars.routing.router"),
        ("examples/smars_legacy/smars/routing/router.py", 13, "smars.routing.router imports smars.algos.power_peg only when flag 'peg_enabled' is on"),
    ]


def test_fk010_call_path_is_a_code_flow() -> None:
    [missing] = _results("FK010")
    steps = _steps(missing)
    assert steps[0][2].startswith("smars.main") and steps[-1][2].endswith("calls smars.routing.child_orders.send_child_order")
    assert all(uri.startswith("examples/smars_legacy/smars/") for uri, _, _ in steps)


def test_fk004_other_read_is_a_related_location() -> None:
    [repurposed] = _results("FK004")
    [other] = repurposed["relatedLocations"]
    assert other["id"] == 0 and other["message"]["text"] == "reads 'peg_enabled' inside its scope, in smars.rlp.rlp_router"
    assert other["physicalLocation"]["artifactLocation"]["uri"] != repurposed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_junit_validates_and_lists_the_rules_that_did_not_run(project) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    folder = project({"app.py": 'import ldclient\nldclient.get().variation("k", None, False)\nldclient.get().variation("k", None, False)\n'})
    report = run(["check", "--output-format", "junit"], folder).stdout
    schema.validate(report)
    cases = {case.get("name"): case for case in ET.fromstring(report).iter("testcase")}
    assert {"FK001 unregistered-flag [k]", "FK001 unregistered-flag [k] #2"} <= set(cases)  # no line numbers
    assert {name for name, case in cases.items() if case.find("skipped") is not None} == {
        "FK006 unreachable-module", "FK007 zombie-code", "FK010 missing-kill-switch",  # no entry points
        "FK014 launched-flag", "FK015 unknown-to-service", "FK016 unread-service-flag",  # no flag-service state
        "FK017 retired-key-in-service", "FK018 default-differs-from-served",
    }  # fmt: skip
    schema.validate((REPO / "tests" / "golden" / "smars_legacy.junit.xml").read_text(encoding="utf-8"))


def test_the_junit_schema_rejects_what_it_should() -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    assert not schema.is_valid('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')


def test_baseline_hidden_findings_are_counted(project) -> None:
    folder = project({"app.py": 'import ldclient\nldclient.get().variation("k", None, False)\n'})
    run(["check", "--write-baseline", "baseline.json"], folder)
    (folder / "new.py").write_text('import ldclient\nldclient.get().variation("j", None, False)\n', encoding="utf-8")
    result = run(["check", "--baseline", "baseline.json"], folder)
    assert result.stdout.splitlines()[-1] == "Found 1 finding in 1 file (1 error, 0 warnings). 1 finding known to the baseline was hidden."


def test_full_output_of_the_smars_example_is_in_the_readme() -> None:
    """The README quotes `full` output of the SMARS example: regenerate with the command it shows."""
    shown = subprocess.run(
        [sys.executable, "-m", "flagkeeper", "check", "examples/smars_legacy", "--today", "2012-08-01", "--output-format", "full",
         "--select", "FK003,FK004,FK007", "--color", "never"],
        cwd=REPO, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    assert "= path:" in shown and "= also:" in shown
    assert shown in (REPO / "README.md").read_text(encoding="utf-8")

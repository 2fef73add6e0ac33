"""What ruff and pre-commit users expect: suppressions, baseline, severities, statistics, output files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, run

READS = (
    "import ldclient\n\nclient = ldclient.get()\n\n"
    'client.variation("a", c, False)  # noqa: FK001\n'
    'client.variation("b", c, False)  # flagkeeper: ignore\n'
    'client.variation("c", c, False)  # flagkeeper: ignore[FK002]\n'
    'client.variation(  # flagkeeper: ignore[FK001]\n    "d", c, False)\n'
    'if client.variation("e", c, False):  # flagkeeper: ignore[FK001]\n    client.variation("f", c, False)\n'
    'text = "# flagkeeper: ignore"; client.variation("g", c, False)\n'
    'client.variation("h", c, False)  # noqa: E501\n'
)


def keys(folder: Path, *args: str) -> list[tuple[str, str | None]]:
    return [(f["code"], f["key"]) for f in run(["check", ".", "--format", "json", *args], folder).json()]


def test_inline_suppressions(project) -> None:
    folder = project({"app.py": READS})
    # c: wrong code; f: inside the if's body, not its header; g: the marker is in a string; h: another tool's noqa.
    assert keys(folder) == [("FK001", "c"), ("FK001", "f"), ("FK001", "g"), ("FK001", "h")]


def test_unused_suppressions_are_reported_on_request(project) -> None:
    folder = project({"app.py": READS + "x = 1  # flagkeeper: ignore[FK009]\n"})
    unused = [(f["line"], f["message"]) for f in run(["check", ".", "--warn-unused-ignores", "--format", "json"], folder).json() if f["code"] == "FK100"]
    assert unused == [
        (7, "unused suppression: there is no FK002 finding here to ignore; remove it"),
        (14, "unused suppression: there is no FK009 finding here to ignore; remove it"),
    ]
    ignored = run(["check", ".", "--warn-unused-ignores", "--ignore", "FK009", "--format", "json"], folder).json()
    assert [f["line"] for f in ignored if f["code"] == "FK100"] == [7]  # a suppression for a rule that did not run is not judged


def test_registry_suppressions(project) -> None:
    registry = '[flags.halt]  # flagkeeper: ignore[FK005]\nowner = "ops"\ntype = "kill-switch"\n'
    assert keys(project({"app.py": "x = 1\n", "flags.toml": registry})) == []


def test_fail_on_and_severity(project) -> None:
    folder = project({"app.py": "import ldclient\nldclient.get().variation(name, c, False)\n"})  # FK009 is a warning
    assert run(["check", "."], folder).exit_code == 1
    assert run(["check", ".", "--fail-on", "error"], folder).exit_code == 0
    assert run(["check", ".", "--fail-on", "error", "--format", "json"], folder).json()[0]["severity"] == "warning"


def test_statistics_and_output_file(project) -> None:
    folder = project({"app.py": READS})
    assert run(["check", ".", "--statistics"], folder).stdout == "    4  FK001  unregistered-flag\nFound 4 findings.\n"
    result = run(["check", ".", "--output-file", "report.json", "--format", "json"], folder)
    assert result.exit_code == 1 and result.stdout == ""
    text_report = run(["check", ".", "--output-file", "report.txt"], folder)
    assert text_report.exit_code == 1
    report = (folder / "report.txt").read_text()
    assert report.startswith("app.py:7:1: FK001") and "\x1b[" not in report  # no colour in a file
    assert "\x1b[" not in run(["check", "."], folder).stdout  # nor on a pipe


def test_baseline_survives_unrelated_edits_and_catches_new_flags(tmp_path: Path) -> None:
    example = tmp_path / "smars"
    shutil.copytree(REPO / "examples" / "smars_legacy", example, ignore=shutil.ignore_patterns("__pycache__"))
    args = ["check", ".", "--today", "2012-08-01"]
    written = run([*args, "--write-baseline", "flagkeeper-baseline.json"], example)
    assert written.exit_code == 0 and "wrote 18 findings" in written.stderr
    assert run([*args, "--baseline", "flagkeeper-baseline.json"], example).exit_code == 0
    # Blank lines and an unrelated function above every finding, in every Python file.
    for path in example.rglob("*.py"):
        path.write_text("\n\n\ndef _unrelated_helper():\n    return 42\n\n\n" + path.read_text())
    assert run([*args, "--baseline", "flagkeeper-baseline.json"], example).exit_code == 0
    assert run([*args, "--baseline", "flagkeeper-baseline.json", "--today", "2013-01-01"], example).exit_code in (0, 1)
    venues = example / "smars" / "routing" / "venues.py"
    venues.write_text(venues.read_text() + '\n\ndef arca_opening():\n    return flags.enabled("arca_opening_auction")\n')
    result = run([*args, "--baseline", "flagkeeper-baseline.json", "--format", "json"], example)
    assert result.exit_code == 1
    assert [(f["code"], f["key"]) for f in result.json()] == [("FK001", "arca_opening_auction")]


def test_baseline_from_the_config_and_bad_baselines(project) -> None:
    folder = project({"app.py": READS, "flagkeeper.toml": 'baseline = "known.json"\n'})
    assert "known.json: baseline not found" in run(["check", "."], folder).stderr
    run(["check", ".", "--write-baseline", "known.json"], folder)
    assert run(["check", "."], folder).exit_code == 0
    (folder / "known.json").write_text("{not json")
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "known.json:1: invalid baseline JSON" in result.stderr


@pytest.mark.parametrize("flag", ["--statistics", "--warn-unused-ignores"])
def test_help_lists_the_ecosystem_options(flag: str) -> None:
    assert flag in run(["check", "--help"], REPO).stdout

"""One finding identity: the baseline, SARIF and GitLab agree on it, wherever flagkeeper runs from."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run, write_tree

FILES = {
    "flags.toml": "",
    "app/main.py": "import flags\n\nif flags.is_enabled('new_checkout'):\n    pass\nif flags.is_enabled('new_checkout'):\n    pass\n",
}


def _identities(folder: Path, cwd: Path) -> dict[str, list[str]]:
    sarif = run(["check", str(folder), "--format", "sarif"], cwd).json()
    gitlab = run(["check", str(folder), "--format", "gitlab"], cwd).json()
    baseline = cwd / "baseline.json"
    run(["check", str(folder), "--write-baseline", str(baseline)], cwd)
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    return {
        "sarif": [result["partialFingerprints"]["primaryLocationLineHash"] for result in sarif["runs"][0]["results"]],
        "gitlab": [issue["fingerprint"] for issue in gitlab],
        "baseline": [f"{entry['fingerprint']}:{occurrence}" for entry in entries for occurrence in range(1, entry["count"] + 1)],
    }


def test_identities_do_not_depend_on_the_working_folder(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "project", FILES)
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    from_root, from_inside, from_outside = (_identities(folder, cwd) for cwd in (folder, folder / "app", elsewhere))
    assert from_root == from_inside == from_outside
    assert len(from_root["sarif"]) == 2  # the same unregistered key read twice: two findings, :1 and :2
    assert sorted(from_root["sarif"]) == sorted(from_root["gitlab"]) == sorted(from_root["baseline"])
    assert {identity.rsplit(":", 1)[1] for identity in from_root["sarif"]} == {"1", "2"}


def test_a_baseline_written_elsewhere_hides_the_findings(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "project", FILES)
    baseline = tmp_path / "baseline.json"
    assert run(["check", ".", "--write-baseline", str(baseline)], folder / "app").exit_code == 0
    assert run(["check", str(folder), "--baseline", str(baseline)], tmp_path).exit_code == 0
    (folder / "app/main.py").write_text(FILES["app/main.py"] * 2, encoding="utf-8")  # two more copies are new
    result = run(["check", str(folder), "--baseline", str(baseline)], tmp_path)
    assert result.exit_code == 1 and result.stdout.count("FK001") == 2

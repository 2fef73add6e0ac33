"""The run cache is keyed by the inputs as this run read them: an input edited while a run is
under way never names that run's (now stale) findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flagkeeper.analysis.scan import ScanOptions
from flagkeeper.checks.runner import ALL_RULES, check_project
from flagkeeper.config import load_config
from flagkeeper.project.model import Project, ProjectInputs, build_project
from tests.conftest import run, write_tree

READ = 'import os\n\nif os.getenv("FEATURE_A"):\n    pass\n'
REGISTERED = '[flags.FEATURE_A]\nowner = "team"\ntype = "operational"\n'
TODAY = dt.date(2026, 6, 1)


def codes(root: Path, cache: Path) -> list[str]:
    result = run(["check", ".", "--format", "json", "--today", TODAY.isoformat(), "--cache-dir", str(cache)], root)
    return [finding["code"] for finding in result.json()]


def test_a_registry_edited_during_a_run_does_not_name_its_findings(tmp_path: Path) -> None:
    root, cache = write_tree(tmp_path / "project", {"main.py": READ, "flags.toml": ""}), tmp_path / "cache"
    project = build_project([root], load_config([root]), TODAY, ProjectInputs(options=ScanOptions(cache_dir=cache)))
    (root / "flags.toml").write_text(REGISTERED)  # after this run read it, before it stores its findings
    assert [diagnostic.code for diagnostic in check_project(project, list(ALL_RULES)).diagnostics] == ["FK001"]
    assert codes(root, cache) == codes(root, tmp_path / "fresh-cache") == []


@pytest.mark.parametrize(("name", "text"), [("frontend.ts", "flags.get('FEATURE_B');\n"), ("pyproject.toml", "[project.scripts]\napp = 'main:run'\n")])
def test_a_file_edited_between_the_key_and_the_checks_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> None:
    registry = REGISTERED + '[flags.FEATURE_B]\nowner = "web"\ntype = "operational"\n'  # read by the frontend only
    files = {"main.py": READ, "other.py": "", "flagkeeper.toml": "", "flags.toml": registry, name: ""}
    root, cache = write_tree(tmp_path / "project", files), tmp_path / "cache"
    project = build_project([root], load_config([root]), TODAY, ProjectInputs(options=ScanOptions(cache_dir=cache)))
    keyed = Project.fingerprint

    def edited_once_keyed(self: Project) -> str | None:
        key = keyed(self)
        (root / name).write_text(text)
        return key

    monkeypatch.setattr(Project, "fingerprint", edited_once_keyed)
    during = sorted(diagnostic.code for diagnostic in check_project(project, list(ALL_RULES)).diagnostics)
    monkeypatch.undo()
    (root / name).write_text("")  # back to what the run's key was computed from
    assert codes(root, cache) == codes(root, tmp_path / "fresh-cache") == during

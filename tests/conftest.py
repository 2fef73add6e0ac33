"""Shared helpers: write a small project to a temporary folder and run the CLI on it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flagkeeper.cli.main import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_fixtures(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every run in the tests (also in subprocesses) caches in one temporary folder, not beside the fixtures."""
    os.environ["FLAGKEEPER_CACHE_DIR"] = str(tmp_path_factory.mktemp("flagkeeper-cache"))


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text) under root; a flagkeeper.toml pins the project root."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not (root / "flagkeeper.toml").exists() and not (root / "pyproject.toml").exists():
        (root / "flagkeeper.toml").write_text("", encoding="utf-8")
    return root


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(args: list[str], cwd: Path) -> Result:
    """Run `flagkeeper ARGS` in-process from `cwd`, as a user would from a shell there."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        outcome = runner.invoke(main, args, catch_exceptions=False)
    return Result(outcome.exit_code, outcome.stdout, outcome.stderr)


@pytest.fixture
def project(tmp_path: Path):
    """Factory: project({"app.py": "..."}) -> the folder it was written to."""

    def make(files: dict[str, str]) -> Path:
        return write_tree(tmp_path / "project", files)

    return make


# A router that uses Power Peg only when flag peg_enabled is on: the guarded-import fixture of the graph tests.
GUARDED_APP = (
    "import ldclient\nimport orders\nfrom algos import power_peg\n\n"
    "def route(order):\n"
    '    if ldclient.get().variation("peg_enabled", order, False):\n'
    "        power_peg.work(order)\n"
    "    else:\n"
    "        orders.slice(order)\n"
)


GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; FLAGKEEPER_UPDATE_GOLDEN=1 rewrites it instead (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("FLAGKEEPER_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")

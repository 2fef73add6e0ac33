"""The built wheel carries the rule packs and the installed tool finds them, away from the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, write_tree

APP = 'import os\nimport ldclient\nldclient.get().variation("new-checkout", ctx, False)\nos.getenv("FEATURE_DARK")\n'


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("flagkeeper-*.whl")
    return built


def test_wheel_ships_every_pack(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packs = sorted(name for name in names if name.startswith("flagkeeper/rules/"))
    assert packs == sorted(f"flagkeeper/rules/{path.name}" for path in (REPO / "rules").glob("*.toml"))
    assert "flagkeeper/py.typed" in names
    templates = REPO / "flagkeeper" / "report" / "templates"
    assert {f"flagkeeper/report/templates/{path.name}" for path in templates.iterdir()} <= set(names)  # the report's


def test_installed_tool_renders_the_report_from_its_templates(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    folder = write_tree(tmp_path / "project", {"app.py": APP})
    program = "import sys; sys.path.insert(0, sys.argv.pop(1)); from flagkeeper.cli.main import main; main()"
    result = subprocess.run(
        [sys.executable, "-I", "-c", program, str(site), "report", "--format", "html", "--no-links"], cwd=folder, capture_output=True, text=True, check=False
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "<h2 id=\"fix-first-title\">Fix first</h2>" in result.stdout and "@media print" in result.stdout


def test_installed_tool_finds_its_packs(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    folder = write_tree(tmp_path / "project", {"app.py": APP})
    # -I: no current folder or PYTHONPATH on sys.path; the unpacked wheel goes first, so the
    # source checkout (installed editable in development) cannot be what runs.
    program = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import flagkeeper; "
        "assert flagkeeper.__file__.startswith(sys.path[0]), flagkeeper.__file__; "
        "from flagkeeper.cli.main import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", program, str(site), "inventory", "--format", "csv"],
        cwd=folder, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "new-checkout" in result.stdout and "FEATURE_DARK" in result.stdout
    assert ",launchdarkly," in result.stdout and ",env," in result.stdout

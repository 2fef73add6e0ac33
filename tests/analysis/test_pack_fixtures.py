"""Every shipped SDK pack recognises its SDK: each fixture project lists the reads it must find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flagkeeper.analysis.packs import shipped_pack_names
from tests.conftest import FIXTURES, run

PACK_FIXTURES = sorted(path for path in (FIXTURES / "packs").iterdir() if path.is_dir())


def test_every_shipped_pack_has_a_fixture() -> None:
    assert [path.name for path in PACK_FIXTURES] == shipped_pack_names()


@pytest.mark.parametrize("folder", PACK_FIXTURES, ids=lambda path: path.name)
def test_pack_finds_exactly_the_expected_reads(folder: Path) -> None:
    data = run(["inventory", ".", "--format", "json"], folder).json()
    found = sorted(
        (ref["path"], ref["line"], flag["key"], ref["pack"])
        for flag in data["flags"] for ref in flag["references"] if ref["kind"] == "python"
    )  # fmt: skip
    expected = sorted((item["path"], item["line"], item["key"], item["pack"]) for item in json.loads((folder / "expected.json").read_text()))
    assert found == expected
    assert data["dynamic"] == []


@pytest.mark.parametrize("folder", PACK_FIXTURES, ids=lambda path: path.name)
def test_pack_fixture_is_clean(folder: Path) -> None:
    result = run(["check", ".", "--today", "2027-01-01"], folder)
    assert result.exit_code == 0, result.stdout

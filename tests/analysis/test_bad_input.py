"""Bad input in one file: reported for that file (FK000) or read correctly, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.analysis.analyse import analyse_file
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.packs import load_matcher
from flagkeeper.config import Config
from tests.conftest import REPO, run, write_tree

MATCHER = load_matcher(Config(root=REPO))
READ = 'if os.getenv("FEATURE_DEEP"):\n    pass\n'


def facts_of(source: str) -> FileFacts:
    return analyse_file("app.py", source, "app", False, MATCHER)


def sum_of(terms: int) -> str:
    return "import os\n\ntotal = " + " + ".join(["a"] * terms) + "\n" + READ


def test_a_long_sum_is_analysed() -> None:
    facts = facts_of(sum_of(500))
    assert facts.error is None and [read.line for read in facts.references] == [4]


def test_nesting_too_deep_for_the_walk_is_a_parse_error() -> None:
    facts = facts_of(sum_of(20_000))
    assert facts.error is not None and facts.error.message == "nested too deeply to analyse (over 4000 levels)"


def test_a_deep_file_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"deep.py": sum_of(20_000), "long.py": sum_of(500), "ok.py": "import os\n" + READ})
    result = run(["check", ".", "--format", "json", "--select", "FK000,FK001"], tmp_path)
    found = sorted((item["path"], item["code"], item["line"]) for item in result.json())
    assert result.exit_code == 1 and result.stderr == ""
    assert found == [("deep.py", "FK000", 1), ("long.py", "FK001", 4), ("ok.py", "FK001", 2)]


# A form feed leading a line, and characters str.splitlines() breaks lines at but Python does not.
@pytest.mark.parametrize("before", ["\f", "\f\n", "# a\x1cb\x1dc\x1ed\x85e\u2028f\u2029g\n"])
def test_characters_str_splitlines_splits_at_keep_lines_and_columns(before: str) -> None:
    source = f'import os\n{before}x = "é"; y = os.getenv("FEATURE_X")\nz = os.getenv("FEATURE_Y")\n'
    line, column = 2 + before.count("\n"), 14 + (before == "\f")
    reads = [(read.line, read.column, read.key_code, read.call) for read in facts_of(source).references]
    assert reads == [(line, column, '"FEATURE_X"', "os.getenv"), (line + 1, 5, '"FEATURE_Y"', "os.getenv")]


def test_a_file_over_max_file_size_is_reported_not_parsed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ok.py": "import os\n" + READ})
    (tmp_path / "huge.py").write_text("#" * (6 * 1024 * 1024) + "\n")  # 6 MB, quick to parse once allowed
    result = run(["check", ".", "--select", "FK000,FK001"], tmp_path)
    assert result.exit_code == 1
    assert "huge.py:1:1: FK000 cannot parse this file: file is 6.0 MB, above max-file-size 5 MB" in result.stdout
    assert "ok.py:2:4: FK001" in result.stdout
    (tmp_path / "flagkeeper.toml").write_text("max-file-size = 8\n")
    result = run(["check", ".", "--select", "FK000"], tmp_path)
    assert (result.exit_code, result.stdout) == (0, "All checks passed (2 Python files).\n")


@pytest.mark.parametrize("value", ['"5 MB"', "0", "-1", "true", "inf"])
def test_max_file_size_must_be_a_positive_number(tmp_path: Path, value: str) -> None:
    write_tree(tmp_path, {"flagkeeper.toml": f"max-file-size = {value}\n", "ok.py": ""})
    result = run(["check", "."], tmp_path)
    assert (result.exit_code, result.stderr) == (2, "flagkeeper: error: flagkeeper.toml:1: 'max-file-size' must be a positive number of megabytes\n")

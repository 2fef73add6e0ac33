"""`flagkeeper remove` case by case: each tests/fixtures/remove/*.case is a project before and
after the removal (see the README there). The result must match, parse, and stay put when
the removal runs again; `ruff check --select F` must find nothing in it that it did not find
before, and `ruff format` must have no more lines to change in it than in the original."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from flagkeeper.cli.common import load_project
from flagkeeper.remove.batch import parse_value
from flagkeeper.remove.project import plan_removal
from tests.conftest import FIXTURES, write_tree

CASES = sorted((FIXTURES / "remove").glob("*.case"))


def read_case(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(header, files before, files after) of a .case file."""
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            current = sections.setdefault(line[4:], [])
        elif current is not None:
            current.append(line)
        else:
            name, _, value = line.partition(":")
            header[name.strip()] = value.strip()
    texts = {section: "\n".join(lines) + "\n" for section, lines in sections.items()}
    before = {section.split(" ", 1)[1]: text for section, text in texts.items() if section.startswith("before ")}
    after = {section.split(" ", 1)[1]: text for section, text in texts.items() if section.startswith("after ")}
    return header, before, after


def removed(root: Path, header: dict[str, str]) -> dict[str, str]:
    """Run the removal on the project at `root`: changed file -> its new text."""
    project = load_project([root], None, None, None)
    plan = plan_removal(project, {header["key"]: parse_value(header["value"])}, [root], tests="tests" in header.get("options", ""))
    assert not plan.errors
    return {change.shown: change.after or "" for change in plan.changes}


def _ruff(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *map(str, arguments), "--isolated", "--no-cache"], capture_output=True, text=True, check=False)


def pyflakes_findings(root: Path) -> Counter[tuple[str, str, str]]:
    """`ruff check --select F` on the Python files under root: (file, code, message) -> how often."""
    report = json.loads(_ruff("check", "--select", "F", "--output-format", "json", "--exit-zero", root).stdout)
    return Counter((Path(item["filename"]).relative_to(root).as_posix(), item["code"], item["message"]) for item in report)


def lines_to_reformat(root: Path) -> int:
    """How many lines `ruff format` would remove or add in the Python files under root."""
    diff = _ruff("format", "--diff", root).stdout.splitlines()
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_case(case: Path, tmp_path: Path) -> None:
    header, before, after = read_case(case)
    root = write_tree(tmp_path / "project", before)
    # Registered, so that the second run knows the key although no code reads it any more.
    write_tree(root, {"flags.toml": f'[flags.{json.dumps(header["key"])}]\nowner = "shop"\ntype = "release"\n'})
    changed = removed(root, header)
    result = {name: changed.get(name, text) for name, text in before.items()}
    assert result == after
    for text in result.values():
        ast.parse(text)
    original = write_tree(tmp_path / "original", before)
    write_tree(root, result)
    new_findings = pyflakes_findings(root) - pyflakes_findings(original)
    assert [finding for finding in new_findings if finding[1] not in header.get("ruff-allows", "").split()] == []
    assert lines_to_reformat(root) <= lines_to_reformat(original)
    assert removed(root, header) == {}, "a second run must change nothing"

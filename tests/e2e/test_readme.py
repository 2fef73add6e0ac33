"""The README's Quickstart: exactly two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re

from tests.conftest import REPO


def quickstart_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quickstart_has_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    assert "flagkeeper check examples/smars_legacy" in commands[0]


def test_ci_runs_the_readme_test_command() -> None:
    assert quickstart_commands()[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_quickstart_says_how_many_findings_the_example_gives() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    summary = (REPO / "tests" / "golden" / "smars_legacy_check.txt").read_text(encoding="utf-8").splitlines()[-1]
    count = re.match(r"Found (\d+) findings", summary)
    assert count is not None and f"It reports {count.group(1)} findings" in readme

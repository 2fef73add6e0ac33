"""The SMARS README shows flagkeeper's real output: it must not drift from the golden file."""

from __future__ import annotations

from tests.conftest import GOLDEN, REPO, run


def test_example_readme_quotes_the_current_output() -> None:
    readme = (REPO / "examples" / "smars_legacy" / "README.md").read_text(encoding="utf-8")
    assert (GOLDEN / "smars_legacy_check.txt").read_text(encoding="utf-8") in readme


def test_example_readme_quotes_the_current_fleet_verify_output() -> None:
    readme = (REPO / "examples" / "smars_legacy" / "README.md").read_text(encoding="utf-8")
    result = run(["fleet", "verify", "examples/smars_legacy/deploy/servers"], REPO)
    assert result.exit_code == 1 and result.stdout in readme

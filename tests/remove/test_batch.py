"""`flagkeeper remove` with several flags in one run: KEY=VALUE arguments and --from-report, one
diff, one simplification to a fixed point; bad input is one line, exit 2, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run

REGISTRY = """\
[flags.new_flow]
owner = "shop"
type = "release"
description = "The new checkout flow"
state = "on"

[flags.old_banner]
owner = "shop"
type = "release"
description = "The old banner"
state = "off"

[flags.live]
owner = "shop"
type = "operational"
description = "Still switched"
"""
APP = """\
import flags
from shop import banner


def _render_both():
    return "both"


def checkout(cart):
    if flags.is_enabled("new_flow") and flags.is_enabled("old_banner"):
        return _render_both()
    if flags.is_enabled("old_banner"):
        return banner.show(cart)
    if flags.is_enabled("live"):
        return cart
    return cart * 2
"""
AFTER = """\
import flags


def checkout(cart):
    if flags.is_enabled("live"):
        return cart
    return cart * 2
"""
PAGE = """\
import flags


def page():
    return "new" if flags.is_enabled("new_flow") else "old"
"""


@pytest.fixture
def shop(project) -> Path:
    return project({"flags.toml": REGISTRY, "shop/app.py": APP, "shop/page.py": PAGE, "shop/banner.py": "def show(cart):\n    return cart\n"})


def test_several_flags_in_one_run(shop: Path) -> None:
    shown = run(["remove", "new_flow=true", "old_banner=false"], shop)
    assert shown.exit_code == 1
    # One diff for both flags: the branch that needed both goes, and so does what only it used.
    assert shown.stdout.count("--- a/shop/app.py") == 1 and "--- a/shop/page.py" in shown.stdout
    assert "-def _render_both():" in shown.stdout and "-from shop import banner" in shown.stdout
    assert shown.stderr.startswith("removing 2 flags: new_flow=true, old_banner=false\n")
    written = run(["remove", "new_flow=true", "old_banner=false", "--write"], shop)
    assert written.exit_code == 0, written.stderr
    assert (shop / "shop" / "app.py").read_text(encoding="utf-8") == AFTER
    assert (shop / "shop" / "page.py").read_text(encoding="utf-8") == 'def page():\n    return "new"\n'  # `import flags` went with its last use
    # Running it again changes nothing.
    assert run(["remove", "new_flow=true", "old_banner=false"], shop).exit_code == 0


def test_the_same_as_one_flag_at_a_time(shop: Path, tmp_path: Path) -> None:
    """One run with both flags leaves what two runs leave."""
    run(["remove", "new_flow=true", "old_banner=false", "--write"], shop)
    together = {path.name: path.read_text(encoding="utf-8") for path in (shop / "shop").glob("*.py")}
    for path, text in {"shop/app.py": APP, "shop/page.py": PAGE}.items():
        (shop / path).write_text(text, encoding="utf-8")
    assert run(["remove", "new_flow", "--value", "true", "--write"], shop).exit_code == 0
    assert run(["remove", "old_banner", "--value", "false", "--write"], shop).exit_code == 0
    assert {path.name: path.read_text(encoding="utf-8") for path in (shop / "shop").glob("*.py")} == together


def test_paths_after_the_flags(shop: Path) -> None:
    result = run(["remove", "new_flow=true", "old_banner=false", "shop/page.py", "--write"], shop)
    assert result.exit_code == 0
    assert (shop / "shop" / "app.py").read_text(encoding="utf-8") == APP
    assert "new_flow" not in (shop / "shop" / "page.py").read_text(encoding="utf-8")


def test_from_the_quarterly_report(shop: Path) -> None:
    made = run(["report", "--format", "json", "--output", "report.json", "--today", "2026-06-01"], shop)
    assert made.exit_code == 0, made.stderr
    removable = [flag["key"] for flag in json.loads((shop / "report.json").read_text())["flags"] if any(a["kind"] == "remove" for a in flag["actions"])]
    assert removable == ["new_flow", "old_banner"]
    result = run(["remove", "--from-report", "report.json", "--registry-retire", "--write"], shop)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("removing 2 flags: new_flow=true, old_banner=false\n")
    assert (shop / "shop" / "app.py").read_text(encoding="utf-8") == AFTER
    registry = (shop / "flags.toml").read_text(encoding="utf-8")
    assert "[retired.new_flow]" in registry and "[retired.old_banner]" in registry and "[flags.live]" in registry
    assert "flags.toml: moved 2 entries to [retired]" in result.stderr


def test_a_report_with_nothing_to_remove(project) -> None:
    folder = project({"report.json": json.dumps({"schema": 1, "flags": [{"key": "live", "actions": []}]}), "app.py": "x = 1\n"})
    result = run(["remove", "--from-report", "report.json"], folder)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "report.json lists no flag to remove" in result.stderr and result.stderr.endswith("nothing to change\n")


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (["new_flow=true", "no_such_flag=false"], {}, "unknown flag key 'no_such_flag': no code reads it"),
        (["new_flow=true", "old_banner="], {}, "'old_banner=': give KEY=VALUE, such as new_flow=false"),
        (["=true"], {}, "'=true': give KEY=VALUE"),
        (["new_flow=true", "old_banner=[1]"], {}, "'old_banner=[1]': the value must be true, false or a Python literal"),
        (["new_flow=true", "new_flow=false"], {}, "'new_flow' is given two values: True and False"),
        (["new_flow"], {}, "'new_flow': give KEY=VALUE (such as new_flow=false), or KEY --value VALUE"),
        ([], {}, "give the flags to remove: KEY=VALUE ..., KEY --value VALUE, or --from-report REPORT.json"),
        (["new_flow=true", "--value", "true"], {}, "unknown flag key 'new_flow=true'"),  # with --value, the KEY is taken as it is
        (["new_flow=true", "old_banner=false", "--meaning", "x", "--registry-retire"], {}, "--meaning says what one flag meant"),
        (["--from-report", "missing.json"], {}, "missing.json"),
        (["--from-report", "bad.json"], {"bad.json": "{\n  oops"}, "bad.json:2: not a flagkeeper report JSON: Expecting property name"),
        (["--from-report", "other.json"], {"other.json": '{"findings": []}'}, "other.json: not a flagkeeper report JSON (written by `flagkeeper report"),
        (["--from-report", "odd.json"], {"odd.json": '{"schema": 1, "flags": [{"key": "a", "actions": [{"kind": "remove", "command": "rm -rf"}]}]}'},
         "odd.json: flags[0]: a remove action whose command is not `flagkeeper remove KEY --value VALUE`"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_nothing_is_written(shop: Path, args: list[str], files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (shop / name).write_text(text, encoding="utf-8")
    result = run(["remove", *args, "--write"], shop)
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("flagkeeper: error: ") and message in line
    assert (shop / "shop" / "app.py").read_text(encoding="utf-8") == APP and (shop / "flags.toml").read_text(encoding="utf-8") == REGISTRY

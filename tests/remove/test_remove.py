"""`flagkeeper remove` from the command line: the SMARS example end to end, diff and write,
exit codes, the registry tombstone, and files that must be left alone.
(The before/after cases of the transformation itself are in tests/remove/test_cases.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from flagkeeper.cli.common import load_project
from flagkeeper.remove import project as removal
from flagkeeper.remove.bridge import ReadSpot, RemovalError, TouchedStatements, find_read_nodes
from flagkeeper.remove.source import Removal, remove_reads
from tests.conftest import REPO, run

SMARS = REPO / "examples" / "smars_legacy"
SMARS_REMAINING = """\
remaining work (1): traces flagkeeper did not remove
  flags.toml:15: the entry of 'peg_enabled' stays: --registry-retire turns it into a tombstone
"""

APP = """\
import flags


def checkout(cart):
    if flags.is_enabled("new_flow"):
        return cart * 2
    return cart
"""
REGISTRY = """\
# The shop's flags.

[flags.new_flow]
owner = "shop"
type = "release"
description = "The new checkout flow"
"""


@pytest.fixture
def smars(tmp_path: Path) -> Path:
    copy = tmp_path / "smars_legacy"
    shutil.copytree(SMARS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def python(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_every_read_of_the_smars_example_maps_to_one_node() -> None:
    project = load_project([SMARS], None, None, None)
    assert sum(map(len, project.inventory.values())) >= 9
    for reference in project.references:  # also the read whose key is dynamic
        read = reference.read
        touched = TouchedStatements(cst.parse_module(reference.path.read_text(encoding="utf-8")), [read.line])
        assert len(find_read_nodes(touched, [ReadSpot(read.line, read.column, read.key_code, False)])) == 1


def test_removing_power_peg_from_smars(smars: Path) -> None:
    result = run(["remove", "peg_enabled", "--value", "false", "--write", "--delete-modules"], smars)
    assert result.exit_code == 0, result.stderr
    assert result.stderr in (SMARS / "README.md").read_text(encoding="utf-8")  # the README quotes it
    assert "modules no entry point reaches any more (deleted): smars.algos, smars.algos.power_peg, smars.rlp.eligibility" in result.stderr
    assert not (smars / "smars" / "algos").exists() and not (smars / "smars" / "rlp" / "eligibility.py").exists()
    router = (smars / "smars" / "routing" / "router.py").read_text(encoding="utf-8")
    assert "power_peg" not in router and "PEG_ENABLED" not in router
    assert "# SMR-8127: RLP replaces Power Peg on builds that carry it." in router  # comments stay

    # Every remaining module still imports, and the simulator runs: no server pegs any more.
    imports_all = "import importlib, pkgutil, smars; [importlib.import_module(m.name) for m in pkgutil.walk_packages(smars.__path__, 'smars.')]"
    assert python(["-c", imports_all], smars).returncode == 0
    simulated = python(["-m", "smars.simulate", "--json"], smars)
    assert simulated.returncode == 0, simulated.stderr
    servers = json.loads(simulated.stdout)["servers"]
    assert all(server["power_peg_emails_before_open"] == 0 for server in servers)

    findings = run(["check", ".", "--today", "2012-08-01", "--format", "json"], smars).json()
    assert not [f for f in findings if f["code"] in ("FK003", "FK007")]

    again = run(["remove", "peg_enabled", "--value", "false", "--write", "--delete-modules"], smars)
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "nothing to change\n" + SMARS_REMAINING)  # the registry entry, last


def test_diff_by_default_changes_nothing(smars: Path) -> None:
    before = (smars / "smars" / "routing" / "router.py").read_text(encoding="utf-8")
    result = run(["remove", "peg_enabled", "--value", "false"], smars)
    assert result.exit_code == 1
    assert "--- a/smars/routing/router.py\n+++ b/smars/routing/router.py\n" in result.stdout
    assert "-from smars.algos import power_peg\n" in result.stdout
    assert "delete them with --delete-modules" in result.stderr and result.stderr.endswith("would change 3 files\n" + SMARS_REMAINING)
    assert (smars / "smars" / "routing" / "router.py").read_text(encoding="utf-8") == before


def test_deleted_modules_show_in_the_diff(smars: Path) -> None:
    result = run(["remove", "peg_enabled", "--value", "false", "--delete-modules", "--diff"], smars)
    assert "--- a/smars/algos/power_peg.py\n+++ /dev/null\n" in result.stdout
    assert "smars/algos/power_peg.py: deleted (no entry point reaches it any more)" in result.stderr
    assert (smars / "smars" / "algos" / "power_peg.py").exists()


def test_only_files_under_paths_change(project) -> None:
    folder = project({"flags.toml": REGISTRY, "shop/app.py": APP, "admin/app.py": APP})
    result = run(["remove", "new_flow", "--value", "true", "--write", "shop"], folder)
    assert result.exit_code == 0
    assert "return cart * 2" in (folder / "shop" / "app.py").read_text(encoding="utf-8")
    assert (folder / "admin" / "app.py").read_text(encoding="utf-8") == APP
    assert "no entry points" in result.stderr


def test_registry_retire(project) -> None:
    folder = project({"flags.toml": REGISTRY, "app.py": APP})
    shown = run(["remove", "new_flow", "--value", "false", "--registry-retire"], folder)
    assert shown.exit_code == 1 and "--- a/flags.toml" in shown.stdout and "+[retired.new_flow]" in shown.stdout
    assert "flags.toml: moved the entry to [retired]" in shown.stderr
    written = run(["remove", "new_flow", "--value", "false", "--registry-retire", "--write"], folder)
    assert written.exit_code == 0
    registry = (folder / "flags.toml").read_text(encoding="utf-8")
    assert "[flags.new_flow]" not in registry and "[retired.new_flow]" in registry and 'meaning = "The new checkout flow"' in registry
    assert registry.startswith("# The shop's flags.\n")
    again = run(["remove", "new_flow", "--value", "false", "--registry-retire", "--write"], folder)
    assert again.exit_code == 0 and "is retired in the registry already" in again.stderr


def test_registry_retire_needs_a_meaning(project) -> None:
    folder = project({"flags.toml": '[flags.new_flow]\nowner = "shop"\ntype = "release"\n', "app.py": APP})
    result = run(["remove", "new_flow", "--value", "false", "--registry-retire"], folder)
    assert result.exit_code == 2 and "say what it meant with --meaning" in result.stderr
    given = run(["remove", "new_flow", "--value", "false", "--registry-retire", "--meaning", "old checkout", "--write"], folder)
    assert given.exit_code == 0 and 'meaning = "old checkout"' in (folder / "flags.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["remove", "no_such_flag", "--value", "false"], "unknown flag key 'no_such_flag'"),
        (["remove", "new_flow", "--value", "[1, 2]"], "--value must be true, false or a Python literal"),
        (["remove", "new_flow", "--value", "false", "--diff", "--write"], "give --diff or --write, not both"),
    ],
)
def test_bad_input_exits_2(project, args: list[str], message: str) -> None:
    folder = project({"app.py": APP})
    result = run(args, folder)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_a_value_of_the_wrong_kind_leaves_the_file(project) -> None:
    source = 'import os\n\nif os.environ["FEATURE_FAST"] == "1":\n    fast()\n'
    folder = project({"app.py": source})
    result = run(["remove", "FEATURE_FAST", "--value", "true", "--write"], folder)
    assert result.exit_code == 2
    assert 'app.py:3: the flag is compared with "1", not a value like True: give --value as that kind of literal' in result.stderr
    assert (folder / "app.py").read_text(encoding="utf-8") == source
    assert run(["remove", "FEATURE_FAST", "--value", '"1"', "--write"], folder).exit_code == 0
    assert (folder / "app.py").read_text(encoding="utf-8") == "fast()\n"


def test_a_result_that_would_not_parse_leaves_the_file(project, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = project({"app.py": APP})
    monkeypatch.setattr(removal, "remove_reads", lambda source, spots: Removal("def broken(:\n", {}))
    result = run(["remove", "new_flow", "--value", "true", "--write"], folder)
    assert result.exit_code == 2
    assert "app.py: the result would not parse (invalid syntax, line 1); the file is left unchanged" in result.stderr
    assert (folder / "app.py").read_text(encoding="utf-8") == APP


def test_an_unparsable_file_is_left_alone(project) -> None:
    folder = project({"app.py": APP, "broken.py": "def broken(:\n"})
    result = run(["remove", "new_flow", "--value", "true", "--write"], folder)
    assert result.exit_code == 0 and "app.py: replaced 1 read, removed 1 dead statement" in result.stderr


def test_a_read_that_is_not_where_the_analysis_says_is_an_error() -> None:
    touched = TouchedStatements(cst.parse_module('x = flags.is_enabled("a")\n'), [1])
    assert len(find_read_nodes(touched, [ReadSpot(1, 5, "'a'", True)])) == 1  # spelled differently, same key
    with pytest.raises(RemovalError, match="no flag read of 'a' found at column 3"):
        find_read_nodes(touched, [ReadSpot(1, 3, "'a'", True)])


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ('if f("k") in (True, None):\n    a()\n', False, "\n"),
        ('if f("k") == 2.5:\n    a()\n', 2.5, "a()\n"),
        ('if f("k") is None:\n    a()\nelse:\n    b()\n', "on", "b()\n"),
    ],
)
def test_values_of_other_kinds(source: str, value: object, expected: str) -> None:
    assert remove_reads(source, [ReadSpot(1, 4, '"k"', value)]).text == expected


def test_delete_modules_keeps_the_package_of_a_reached_module(project) -> None:
    """Python runs algos/__init__.py before algos/cli.py: removing the only import of `algos` by
    name must not delete the package its entry point lives in."""
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app", "algos.cli"]\n',
        "flags.toml": '[retired.peg_enabled]\nretired = 2003-06-30\n',
        "app.py": "import ldclient\n\nif ldclient.get().variation('peg_enabled', None, False):\n    from algos import power_peg\n",
        "algos/__init__.py": "", "algos/cli.py": "print('cli')\n", "algos/power_peg.py": "",
    })  # fmt: skip
    result = run(["remove", "peg_enabled", "--value", "false", "--write", "--delete-modules"], folder)
    assert result.exit_code == 0, result.stderr
    assert "(deleted): algos.power_peg\n" in result.stderr
    assert (folder / "algos" / "__init__.py").exists() and not (folder / "algos" / "power_peg.py").exists()


def test_only_the_statements_that_hold_a_read_change() -> None:
    """A removal's diff is the flag's: constant code elsewhere in the file (`if False:`) stays."""
    source = 'if False:\n    legacy()\n\n\ndef run():\n    if f("k"):\n        new()\n    else:\n        old()\n\n\nDEBUG = not True\n'
    expected = "if False:\n    legacy()\n\n\ndef run():\n    old()\n\n\nDEBUG = not True\n"
    assert remove_reads(source, [ReadSpot(6, 8, '"k"', False)]).text == expected


def test_a_refusal_names_the_line_of_the_file_however_far_down_the_read_is() -> None:
    """Positions are taken from the statements that hold a read, and mapped back to the file's
    lines: Windows line endings, a comment owned by the block above, a decorator."""
    source = 'import os\r\n\r\n\r\ndef a():\r\n    pass\r\n    # the end of a\r\n\r\n\r\n@cached\r\ndef b():\r\n    return os.getenv("X") == "1"\r\n'
    with pytest.raises(RemovalError) as raised:
        remove_reads(source, [ReadSpot(11, 12, '"X"', True)])
    assert raised.value.line == 11 and 'compared with "1"' in raised.value.message

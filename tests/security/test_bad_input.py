"""Hostile or broken input ends in one line `flagkeeper: error: <file>[:<line>]: ...` and exit 2, never a traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import run

NESTED_TOML = "a = " + "[" * 5000 + "]" * 5000 + "\n"
NESTED_JSON = "[" * 100_000
REGISTRY = 'registry = "flags.toml"\n'
READ = 'import ldclient\nldclient.get().variation("a", None, False)\n'
FLAGD = '{"flags": {"n": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}'

# (files: name -> text or bytes; a bytes name is a raw file-system name), arguments, the one line
CASES: dict[str, tuple[dict[str | bytes, str | bytes], list[str], str]] = {
    "tool is not a table": ({"pyproject.toml": "tool = 1\n", "a.py": ""}, ["check"], "pyproject.toml:1: 'tool' must be a table"),
    "tool.flagkeeper is not a table": (
        {"pyproject.toml": "[tool]\nflagkeeper = 1\n", "a.py": ""}, ["check", "--config", "pyproject.toml"],
        "pyproject.toml:2: [tool.flagkeeper] must be a table",
    ),
    "deeply nested config": ({"flagkeeper.toml": NESTED_TOML, "a.py": ""}, ["check"], "flagkeeper.toml: invalid TOML: nested too deeply"),
    "deeply nested registry": (
        {"flagkeeper.toml": REGISTRY, "flags.toml": NESTED_TOML, "a.py": ""}, ["check"], "flags.toml: invalid TOML: nested too deeply",
    ),
    "deeply nested registry edit": (
        {"flagkeeper.toml": REGISTRY, "flags.toml": NESTED_TOML}, ["registry", "add", "k", "--owner", "o", "--type", "release"],
        "flags.toml: invalid TOML: nested too deeply",
    ),
    "deeply nested rule pack": (
        {"flagkeeper.toml": 'rule-packs = ["p.toml"]\n', "p.toml": "a = " + "{x=" * 3000 + "1" + "}" * 3000 + "\n", "a.py": ""},
        ["check"], "p.toml: invalid TOML: nested too deeply",
    ),
    "deeply nested baseline": (
        {"flagkeeper.toml": 'baseline = "b.json"\n', "b.json": NESTED_JSON, "a.py": ""}, ["check"],
        "b.json: invalid baseline JSON: nested too deeply",
    ),
    "deeply nested export": (
        {"flagkeeper.toml": REGISTRY, "e.json": NESTED_JSON}, ["registry", "import", "e.json", "--from", "flagd"],
        "e.json: invalid JSON: nested too deeply",
    ),
    "deeply nested deploy manifest": ({"m/a.json": NESTED_JSON}, ["fleet", "verify", "m"], "m/a.json: invalid JSON: nested too deeply"),
    "deeply nested previous report": (
        {"flagkeeper.toml": REGISTRY, "flags.toml": "", "old.json": NESTED_JSON}, ["report", "--previous", "old.json"],
        "old.json: not a flagkeeper report JSON: nested too deeply",
    ),
    "binary export": (
        {"flagkeeper.toml": REGISTRY, "e.json": b"\xa6\xff\x00"}, ["registry", "import", "e.json", "--from", "unleash"],
        "e.json: cannot read: 'utf-8' codec can't decode byte 0xa6 in position 0: invalid start byte",
    ),
    "non-UTF-8 file name": (
        {"flagkeeper.toml": "", b"a\xff.py": READ}, ["check"], "a\\udcff.py: the file name is not valid UTF-8: rename the file, or exclude it",
    ),
    "non-UTF-8 text file name": (
        {"flagkeeper.toml": "", b"a\xff.js": "x", "a.py": ""}, ["inventory"], "a\\udcff.js: the file name is not valid UTF-8: rename the file, or exclude it",
    ),
    "catastrophic key-pattern": (
        {"flagkeeper.toml": '[key-patterns]\nenv = "(a+)+$"\n', "a.py": 'import os\nos.getenv("' + "a" * 40 + '!")\n'}, ["check"],
        "flagkeeper.toml:2: key-patterns.env: invalid regular expression: "
        "a repeated part repeats or alternates again inside (as in (a+)+ or (a|ab)*): it can take exponential time",
    ),
    "catastrophic key-pattern in a pack": (
        {
            "flagkeeper.toml": 'rule-packs = ["p.toml"]\n',
            "p.toml": '[pack]\nname = "p"\ndescription = "d"\nkey-pattern = "(x|xy)*z"\n\n[[read]]\ncall = "f.get"\nkey = 0\n',
            "a.py": "",
        },
        ["check"],
        "p.toml:4: invalid rule pack: 'key-pattern' is not a regular expression: "
        "a repeated part repeats or alternates again inside (as in (a+)+ or (a|ab)*): it can take exponential time",
    ),
    "lifetime past the last date": (
        {"flagkeeper.toml": "[lifetimes]\nrelease = 99999999999\n", "a.py": ""}, ["check"],
        "flagkeeper.toml:1: 'lifetimes' must be a table of flag type (release, experiment, operational, kill-switch, permission) "
        '= days (1 to 36525) or "permanent"',
    ),
    "new flag expiring past the last date": (
        {"flagkeeper.toml": REGISTRY, "flags.toml": ""}, ["registry", "add", "k", "--owner", "o", "--type", "release", "--today", "9999-12-30"],
        "9999-12-30 plus 40 days is past the last date (9999-12-31): give --expires",
    ),
    "revision named like an option": ({"flagkeeper.toml": ""}, ["diff", "--", "--output=x"], ".: not a git repository (diff and --since read git history)"),
}  # fmt: skip


def _write(root: Path, files: dict[str | bytes, str | bytes]) -> None:
    for name, content in files.items():
        path = Path(os.fsdecode(name)) if isinstance(name, bytes) else Path(name)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    files, args, expected = CASES[case]
    _write(tmp_path, files)
    result = run(args, tmp_path)
    errors = [line for line in result.stderr.splitlines() if not line.startswith("flagkeeper: note:")]
    assert (result.exit_code, errors) == (2, [f"flagkeeper: error: {expected}"])


def test_created_on_the_last_date_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    registry = '[flags.a]\nowner = "x"\ntype = "release"\ncreated = 9999-12-31\n'
    _write(tmp_path, {"flagkeeper.toml": REGISTRY, "flags.toml": registry, "a.py": READ})
    for args in (["check"], ["inventory"], ["report"], ["registry", "list"]):
        result = run(args, tmp_path)
        assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, args


def test_coverage_without_coverage_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"flagkeeper.toml": "", "a.py": "", ".coverage": ""})
    monkeypatch.setitem(sys.modules, "coverage", None)  # `import coverage` now raises ImportError
    result = run(["check", "--coverage", ".coverage"], tmp_path)
    assert (result.exit_code, result.stderr.strip()) == (2, "flagkeeper: error: .coverage: --coverage needs coverage.py: install it (pip install coverage)")

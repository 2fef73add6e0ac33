"""The registry: entries, tombstones, expiry, and what happens when the file is malformed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flagkeeper.config import DEFAULT_LIFETIMES
from flagkeeper.registry.lifecycle import expiry
from flagkeeper.registry.model import load_registry
from tests.conftest import run, write_tree

REGISTRY = """\
# Flags of the checkout team.
[flags.new-checkout]
owner = "payments"
type = "release"
created = 2026-01-10          # the default lifetime applies: no expires

[flags."dotted.key"]
owner = "payments"
type = "kill-switch"
created = 2025-01-01

[retired.power_peg]
retired = 2003-06-30
meaning = "Power Peg"
"""


def test_entries_lines_and_expiry(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"flags.toml": REGISTRY}) / "flags.toml"
    registry = load_registry(path, required=True)
    entry = registry.flags["new-checkout"]
    assert (entry.line, entry.owner, entry.type) == (2, "payments", "release")
    assert expiry(entry, DEFAULT_LIFETIMES) == dt.date(2026, 2, 19)
    assert registry.flags["dotted.key"].line == 7
    assert expiry(registry.flags["dotted.key"], DEFAULT_LIFETIMES) is None
    assert registry.retired["power_peg"].line == 12
    assert registry.retired["power_peg"].meaning == "Power Peg"


def test_missing_registry_is_empty_unless_named(tmp_path: Path) -> None:
    assert not load_registry(tmp_path / "flags.toml", required=False).flags
    write_tree(tmp_path, {"flagkeeper.toml": 'registry = "conf/flags.toml"\n', "app.py": ""})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "conf/flags.toml: registry not found" in result.stderr


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flags.toml": '[flags.a]\nowner = "x"\ntype = release\n', "app.py": ""})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("flagkeeper: error: ") and "flags.toml:3: invalid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_flags_must_be_a_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flags.toml": 'flags = ["a", "b"]\n', "app.py": ""})
    result = run(["check", "."], tmp_path)
    assert result.exit_code == 2 and "flags.toml:1: 'flags' must be a table" in result.stderr


def test_malformed_entries_are_fk008_and_the_rest_is_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flags.toml": (
            '[owners]\nx = 1\n\n[flags]\nshorthand = "on"\n\n[flags.typo]\nowner = "a"\ntype = "relase"\ncolour = "red"\n'
            '\n[flags.dates]\nowner = "a"\ntype = "release"\ncreated = "2026-01-01"\nexpires = 2025-01-01\n'
            '\n[flags.late]\nowner = "a"\ntype = "experiment"\ncreated = 2026-03-01\nexpires = 2026-02-01\n'
            '\n[retired.old]\nwhy = "x"\n'
        ),
        "app.py": "",
    })  # fmt: skip
    findings = run(["check", ".", "--select", "FK008", "--format", "json"], tmp_path).json()
    messages = [(f["line"], f["message"]) for f in findings]
    assert messages == [
        (1, "unknown table 'owners' (a registry has [flags.KEY] and [retired.KEY])"),
        (5, "[flags.shorthand] must be a table of fields, not str"),
        (7, "[flags.typo] has an unknown field 'colour' (known: owner, type, created, expires, description, scope, tags, state, extensions)"),
        (7, "flag 'typo' has an unknown type 'relase' (one of release, experiment, operational, kill-switch, permission)"),
        (12, "[flags.dates] 'created' must be a TOML date like 2026-09-30, without quotes"),
        (18, "flag 'late' expires (2026-02-01) before it was created (2026-03-01)"),
        (24, "[retired.old] has an unknown field 'why' (known: retired, meaning, last-commit, replaced-by, owner, type, created, description)"),
        (24, "[retired.old] has no 'meaning': say what the key used to switch on, so a reuse can be explained"),
        (24, "[retired.old] needs 'retired', the TOML date it was retired"),
    ]


def test_retired_key_registered_again(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "flags.toml": REGISTRY + '\n[flags.power_peg]\nowner = "routing"\ntype = "release"\nexpires = 2012-09-30\n',
        "app.py": 'import ldclient\nldclient.get().variation("power_peg", ctx, False)\n',
    })  # fmt: skip
    findings = run(["check", ".", "--today", "2012-08-01", "--format", "json"], tmp_path).json()
    codes = {(f["code"], f["path"], f["line"]) for f in findings}
    assert ("FK003", "app.py", 2) in codes and ("FK008", "flags.toml", 16) in codes
    assert not any(f["code"] == "FK001" for f in findings)


def test_expiry_from_default_lifetime(tmp_path: Path) -> None:
    write_tree(tmp_path, {"flags.toml": REGISTRY, "app.py": 'import ldclient\nldclient.get().variation("new-checkout", ctx, False)\n'})
    findings = run(["check", ".", "--today", "2026-03-01", "--select", "FK002", "--format", "json"], tmp_path).json()
    assert [f["message"] for f in findings] == [
        "flag 'new-checkout' expired on 2026-02-19, 40 days after it was created (10 days ago, owner payments) "
        "and is still read here: remove the flag or extend its expiry"
    ]
    assert run(["check", ".", "--today", "2026-02-19", "--select", "FK002"], tmp_path).exit_code == 0

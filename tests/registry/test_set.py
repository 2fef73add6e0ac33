"""`registry set` edits fields of an entry in place; `add`, `set` and `extend` refuse keys no pack
could read and dates that cannot be right, each problem on its own line, the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from flagkeeper.registry.codeowners import parse_codeowners
from flagkeeper.registry.model import load_registry
from tests.conftest import run, write_tree

TODAY = ["--today", "2026-06-01"]
REGISTRY = """\
# Checkout flags
[flags.new-checkout]
owner = "payments"   # the team that removes it
type = "release"
created = 2026-05-01
expires = 2026-09-30

[flags.dark-mode]
owner = ""
type = ""
created = 2026-05-01
description = "Dark theme"   # shown in the settings page
"""

# A project whose only pack reads keys like `app:name`: no other key can be read by its code.
PACK = '[pack]\nname = "app"\ndescription = "the app"\nkey-pattern = "^app:[a-z-]+$"\n\n[[read]]\ncall = "app.flags.on"\nkey = { position = 0 }\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", {"flags.toml": REGISTRY})


def test_set_changes_the_fields_given_and_keeps_every_comment(folder: Path) -> None:
    result = run(["registry", "set", "new-checkout", "--owner", "checkout-team", "--description", "One-page checkout", *TODAY], folder)
    assert (result.exit_code, result.stdout) == (0, "'new-checkout': owner = checkout-team, description = One-page checkout\n")
    text = (folder / "flags.toml").read_text()
    assert text == REGISTRY.replace('owner = "payments"', 'owner = "checkout-team"').replace(
        "expires = 2026-09-30\n", 'expires = 2026-09-30\ndescription = "One-page checkout"\n'
    )
    assert not (folder / "flags.toml.lock").exists()


def test_set_type_writes_out_the_expiry_from_the_types_lifetime(folder: Path) -> None:
    result = run(["registry", "set", "dark-mode", "--type", "experiment", "--owner", "web", *TODAY], folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "'dark-mode': owner = web, type = experiment, expires = 2026-06-10\n"  # created + 40 days
    entry = load_registry(folder / "flags.toml", required=True).flags["dark-mode"]
    assert (entry.owner, entry.type, str(entry.expires)) == ("web", "experiment", "2026-06-10")
    assert 'type = "experiment"\nexpires = 2026-06-10\ncreated' in (folder / "flags.toml").read_text()  # beside its type
    assert run(["check", ".", "--select", "FK008", *TODAY], folder).exit_code == 0


@pytest.mark.parametrize(
    ("args", "errors"),
    [
        (["registry", "set", "new-checkout", "--expires", "2026-04-01"], [
            "flags.toml:2: 'new-checkout' would expire on 2026-04-01, not after it was created (2026-05-01)",
            "flags.toml:2: 'new-checkout' would expire on 2026-04-01, before today (2026-06-01): give --allow-past if that is meant",
        ]),
        (["registry", "extend", "new-checkout", "--to", "2026-08-01", "--reason", "late"], [
            "flags.toml:2: 'new-checkout' expires on 2026-09-30 already: an extension moves the date forward",
        ]),
        (["registry", "add", "old-banner", "--owner", "web", "--type", "release", "--expires", "2026-05-15"], [
            "flags.toml: 'old-banner' would expire on 2026-05-15, not after it was created (2026-06-01)",
            "flags.toml: 'old-banner' would expire on 2026-05-15, before today (2026-06-01): give --allow-past if that is meant",
        ]),
        (["registry", "set", "missing", "--owner", "web"], [
            "flags.toml: 'missing' is not a registered flag (register it with `flagkeeper registry add`)",
        ]),
    ],
)  # fmt: skip
def test_each_violation_is_one_line_and_the_file_is_untouched(folder: Path, args: list[str], errors: list[str]) -> None:
    result = run([*args, *TODAY], folder)
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"flagkeeper: error: {error}" for error in errors])
    assert (folder / "flags.toml").read_text() == REGISTRY
    assert sorted(path.name for path in folder.iterdir()) == ["flagkeeper.toml", "flags.toml"]  # no lock, no temporary


def test_allow_past_accepts_an_expiry_before_today(folder: Path) -> None:
    assert run(["registry", "set", "new-checkout", "--expires", "2026-05-20", *TODAY], folder).exit_code == 2
    assert run(["registry", "set", "new-checkout", "--expires", "2026-05-20", "--allow-past", *TODAY], folder).exit_code == 0
    created = ["--created", "2025-01-01", "--allow-past"]
    assert run(["registry", "add", "legacy", "--owner", "o", "--type", "release", "--expires", "2025-03-01", *created, *TODAY], folder).exit_code == 0
    assert str(load_registry(folder / "flags.toml", required=True).flags["legacy"].created) == "2025-01-01"


def test_a_key_no_active_pack_can_read_is_refused(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "project", {"flagkeeper.toml": 'rule-packs = ["env", "app.toml"]\n', "app.toml": PACK})
    result = run(["registry", "add", "new_checkout", "--owner", "o", "--type", "permission", *TODAY], folder)
    assert (result.exit_code, result.stderr) == (
        2,
        "flagkeeper: error: flags.toml: 'new_checkout' matches no active rule pack's key-pattern "
        "(env: ^(FF|FEATURE|FEATURES|FLAG|FLAGS|ENABLE|DISABLE)_; app: ^app:[a-z-]+$): no code could read it\n",
    )
    assert not (folder / "flags.toml").exists()
    for key in ("app:new-checkout", "FEATURE_DARK"):
        assert run(["registry", "add", key, "--owner", "o", "--type", "permission", *TODAY], folder).exit_code == 0


def test_set_needs_a_field(folder: Path) -> None:
    result = run(["registry", "set", "new-checkout"], folder)
    assert (result.exit_code, result.stderr) == (2, "flagkeeper: error: give at least one of --owner, --type, --expires, --description\n")


def test_codeowners_last_match_wins_as_on_github() -> None:
    owners = parse_codeowners(
        "# comment\n*.py @py\n/docs/ @docs\napps/ @apps @web   # two owners\n/apps/legacy/\n!*.md @nobody\n\\#odd.py @hash\n"
    )
    assert owners.owners("x/y.py") == ("@py",)
    assert owners.owners("docs/a.md") == ("@docs",)
    assert owners.owners("src/docs/a.md") == ()  # anchored to the root
    assert owners.owners("src/apps/a.py") == ("@apps", "@web")  # a folder name anywhere, the later line
    assert owners.owners("apps/legacy/a.py") == ()  # a later line with no owner unowns it
    assert owners.owners("#odd.py") == ("@hash",)
    assert owners.sole_owner(["a.py", "b/c.py"]) == "@py"
    assert owners.sole_owner(["a.py", "docs/x"]) is None  # two owners between the files
    assert owners.sole_owner(["apps/a.py"]) is None  # two owners of one file

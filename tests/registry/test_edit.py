"""The registry from the command line: every edit keeps the file's comments, and none loses anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from flagkeeper.paths import write_text_atomically
from flagkeeper.registry.model import load_registry
from tests.conftest import FIXTURES, REPO, run, write_tree

HAND_WRITTEN = """\
# Flags of the routing team.   Reviewed like code.
#   (odd   spacing   is   kept)

[flags.rlp_routing]
owner   = "equities"          # the desk that asked for it
type = 'release'
created = 2012-06-01
expires = 2012-09-30
description = \"\"\"Route retail orders
to the NYSE RLP\"\"\"

[flags."dotted.key"]  # a key with a dot
owner = "ops"
type = "kill-switch"

# --- tombstones ---
[retired.power_peg]
retired = 2003-06-30
meaning = "Power Peg"
"""


@pytest.fixture
def registry(project) -> Path:
    return project({"flags.toml": HAND_WRITTEN, "app.py": "x = 1\n"})


def unchanged_lines(before: str, after: str) -> bool:
    """Every line of `before` is still in `after`, in the same order."""
    remaining = iter(after.splitlines())
    return all(any(line == candidate for candidate in remaining) for line in before.splitlines())


def test_add_extend_retire_keep_every_comment_and_untouched_line(registry: Path) -> None:
    assert run(["registry", "add", "new-checkout", "--owner", "web", "--type", "experiment", "--lifetime", "30",
                "--description", 'the "new" checkout', "--scope", "shop.*", "--today", "2026-06-01"], registry).exit_code == 0  # fmt: skip
    assert run(["registry", "extend", "rlp_routing", "--to", "2026-12-31", "--reason", "rollout slipped", "--today", "2026-06-02"], registry).exit_code == 0
    after_extend = (registry / "flags.toml").read_text()
    assert run(["registry", "retire", "dotted.key", "--meaning", "the old halt switch", "--today", "2026-06-03"], registry).exit_code == 0
    text = (registry / "flags.toml").read_text()
    untouched = [line for line in HAND_WRITTEN.splitlines() if "expires = 2012-09-30" not in line and "dotted" not in line]
    untouched = [line for line in untouched if line not in ('owner = "ops"', 'type = "kill-switch"')]
    assert unchanged_lines("\n".join(untouched), text)
    assert "# --- tombstones ---\n[retired.power_peg]" in text  # the section comment stays with its section
    assert '[flags.new-checkout]\nowner = "web"\ntype = "experiment"\ncreated = 2026-06-01\nexpires = 2026-07-01' in text
    assert 'expires = 2026-12-31\nextensions = [\n    {date = 2026-06-02, from = 2012-09-30, to = 2026-12-31, reason = "rollout slipped"},\n]' in after_extend
    registry_now = load_registry(registry / "flags.toml", required=True)
    assert set(registry_now.flags) == {"rlp_routing", "new-checkout"}
    assert registry_now.retired["dotted.key"].meaning == "the old halt switch"
    assert registry_now.retired["dotted.key"].fields["owner"] == "ops"
    assert registry_now.flags["new-checkout"].fields["scope"] == ["shop.*"]


def test_add_of_a_retired_key_shows_the_tombstone(registry: Path) -> None:
    result = run(["registry", "add", "power_peg", "--owner", "rlp", "--type", "release"], registry)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "flagkeeper: error: flags.toml:17: refusing to register 'power_peg' was retired on 2003-06-30; it meant: Power Peg. "
        "A retired key may never be used again: choose a new key"
    )
    assert (registry / "flags.toml").read_text() == HAND_WRITTEN


def test_add_refuses_a_registered_key_and_bad_options(registry: Path) -> None:
    result = run(["registry", "add", "rlp_routing", "--owner", "x", "--type", "release"], registry)
    assert result.exit_code == 2 and "flags.toml:4: 'rlp_routing' is already registered" in result.stderr
    assert run(["registry", "add", "k", "--owner", "x", "--type", "nope"], registry).exit_code == 2
    both = run(["registry", "add", "k", "--owner", "x", "--type", "release", "--expires", "2027-01-01", "--lifetime", "3"], registry)
    assert both.exit_code == 2 and "not both" in both.stderr


def test_add_uses_the_type_lifetime_by_default(registry: Path) -> None:
    result = run(["registry", "add", "beta", "--owner", "x", "--type", "release", "--today", "2026-01-01"], registry)
    assert result.stdout.strip() == "registered 'beta' in flags.toml, expires 2026-02-10"
    run(["registry", "add", "halt", "--owner", "x", "--type", "kill-switch"], registry)
    assert "expires" not in load_registry(registry / "flags.toml", required=True).flags["halt"].fields


def test_extend_errors(registry: Path) -> None:
    assert "'nope' is not a registered flag" in run(["registry", "extend", "nope", "--to", "2030-01-01", "--reason", "r"], registry).stderr
    result = run(["registry", "extend", "rlp_routing", "--to", "2020-01-01", "--reason", "r", "--today", "2026-01-01"], registry)
    assert (result.exit_code, result.stderr) == (
        2, "flagkeeper: error: flags.toml:4: 'rlp_routing' would expire on 2020-01-01, before today (2026-01-01): give --allow-past if that is meant\n"
    )


def test_retire_refuses_while_code_reads_the_key(registry: Path) -> None:
    (registry / "app.py").write_text('import ldclient\nldclient.get().variation("rlp_routing", c, False)\n')
    result = run(["registry", "retire", "rlp_routing", "--meaning", "RLP"], registry)
    assert result.exit_code == 2 and "still read by code (app.py:2)" in result.stderr
    assert run(["registry", "retire", "rlp_routing", "--meaning", "RLP", "--force"], registry).exit_code == 0
    assert "rlp_routing" in load_registry(registry / "flags.toml", required=True).retired
    again = run(["registry", "retire", "rlp_routing", "--meaning", "RLP", "--force"], registry)
    assert again.exit_code == 2 and "is retired already" in again.stderr


def test_retire_records_the_last_commit_that_read_the_key_and_fk003_shows_it(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "repo", {"flags.toml": '[flags.peg]\nowner = "x"\ntype = "operational"\n', "app.py": "x = 1\n"})
    git = lambda *args: subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()  # noqa: E731
    git("init", "-q")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "start")
    (folder / "app.py").write_text('import ldclient\nldclient.get().variation("peg", c, False)\n')
    git("add", "-A")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "Power Peg reads peg")
    last_reader = git("rev-parse", "HEAD")[:12]
    (folder / "app.py").write_text("x = 1\n")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-am", "Power Peg retired")
    assert run(["registry", "retire", "peg", "--meaning", "Power Peg", "--today", "2026-06-01"], folder).exit_code == 0
    tombstone = load_registry(folder / "flags.toml", required=True).retired["peg"]
    assert tombstone.fields["last-commit"].startswith(last_reader)
    (folder / "app.py").write_text('import ldclient\nldclient.get().variation("peg", c, False)\n')
    (finding,) = [f for f in run(["check", ".", "--format", "json"], folder).json() if f["code"] == "FK003"]
    assert f"was retired on 2026-06-01 (last read in commit {last_reader}" in finding["message"]


def test_a_failed_write_leaves_the_registry_as_it_was(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        run(["registry", "add", "k", "--owner", "x", "--type", "release"], registry)
    assert (registry / "flags.toml").read_text() == HAND_WRITTEN
    assert sorted(path.name for path in registry.iterdir() if path.name.startswith(".flags")) == []


def test_concurrent_writers_both_land(registry: Path) -> None:
    """Two processes add flags at the same moment: the lock serialises them, both entries land."""
    script = REPO / "flagkeeper" / "__main__.py"
    assert script.is_file()
    commands = [
        [sys.executable, "-m", "flagkeeper", "registry", "add", f"flag-{index}", "--owner", "x", "--type", "permission"]
        for index in range(6)
    ]  # fmt: skip
    start = threading.Barrier(len(commands))
    results: list[int] = []

    def add(command: list[str]) -> None:
        start.wait()
        results.append(subprocess.run(command, cwd=registry, capture_output=True, check=False).returncode)

    threads = [threading.Thread(target=add, args=(command,)) for command in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [0] * len(commands)
    flags = load_registry(registry / "flags.toml", required=True).flags
    assert {f"flag-{index}" for index in range(6)} <= set(flags)
    assert not (registry / "flags.toml.lock").exists()  # each edit removes it; a waiting one locks the next file


def test_list_filters_and_formats(registry: Path) -> None:
    table = run(["registry", "list", "--today", "2026-01-01"], registry).stdout.splitlines()
    assert table[0].split() == ["KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS", "SOURCES"]
    assert [line.split()[0] for line in table[1:]] == ["dotted.key", "power_peg", "rlp_routing"]
    expired = run(["registry", "list", "--expired", "--format", "json", "--today", "2026-01-01"], registry).json()
    assert [flag["key"] for flag in expired] == ["rlp_routing"]
    assert [f["key"] for f in run(["registry", "list", "--owner", "ops", "--format", "json"], registry).json()] == ["dotted.key"]
    assert [f["key"] for f in run(["registry", "list", "--status", "retired", "--format", "json"], registry).json()] == ["power_peg"]


def test_validate_is_fk008_alone(registry: Path) -> None:
    assert run(["registry", "validate"], registry).stdout == "All checks passed.\n"
    bad = registry / "other.toml"
    bad.write_text('[flags.x]\ntype = "release"\n')
    result = run(["registry", "validate", "other.toml", "--format", "json"], registry)
    assert result.exit_code == 1 and {f["code"] for f in result.json()} == {"FK008"}
    bad.write_text("[flags.x\n")
    assert "other.toml:1: invalid TOML" in run(["registry", "validate", "other.toml"], registry).stderr


def test_init_registers_every_key_the_code_reads(tmp_path: Path) -> None:
    example = tmp_path / "smars"
    shutil.copytree(REPO / "examples" / "smars_legacy", example, ignore=shutil.ignore_patterns("__pycache__", "flags.toml"))
    config = (example / "pyproject.toml").read_text()
    result = run(["init", ".", "--today", "2012-08-01"], example)
    assert result.exit_code == 0 and (example / "pyproject.toml").read_text() == config  # its [tool.flagkeeper] is kept
    assert run(["init", ".", "--force", "--today", "2012-08-01"], example).exit_code == 0
    inventory = run(["inventory", ".", "--format", "json"], example).json()
    read_keys = {flag["key"] for flag in inventory["flags"] if any(ref["kind"] == "python" for ref in flag["references"])}
    assert set(load_registry(example / "flags.toml", required=True).flags) == read_keys
    owners = [f for f in run(["check", ".", "--select", "FK008", "--format", "json"], example).json() if "has no owner" in f["message"]]
    assert len(owners) == len(read_keys)
    assert "already exists" in run(["init", "."], example).stderr


def test_init_in_a_fresh_project(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    folder.mkdir()
    (folder / "app.py").write_text('import os\nif os.getenv("FEATURE_DARK"):\n    pass\n')
    result = run(["init"], folder)
    assert result.exit_code == 0 and "wrote flags.toml (1 flag)" in result.stdout
    assert (folder / "flagkeeper.toml").read_text() == 'registry = "flags.toml"\n'
    assert "[flags.FEATURE_DARK]" in (folder / "flags.toml").read_text()


EXPORTS = FIXTURES / "exports"


@pytest.mark.parametrize(("export", "source"), [("flagd.json", "flagd"), ("unleash.json", "unleash"), ("launchdarkly.json", "launchdarkly")])
def test_import_adds_fills_and_retires_in_one_edit(registry: Path, export: str, source: str) -> None:
    before = (registry / "flags.toml").read_text()
    dry = run(["registry", "import", str(EXPORTS / export), "--from", source, "--dry-run"], registry)
    assert dry.exit_code == 0 and dry.stdout.splitlines()[-1].startswith("would change ")
    assert (registry / "flags.toml").read_text() == before
    result = run(["registry", "import", str(EXPORTS / export), "--from", source, "--today", "2026-06-01"], registry)
    assert result.exit_code == 0 and result.stdout.splitlines()[-1].startswith("changed ")
    assert result.stdout.splitlines()[:-1] == dry.stdout.splitlines()[:-1]
    imported = load_registry(registry / "flags.toml", required=True)
    added = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("add ")]
    retired = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("retire ")]
    assert added and set(added) <= set(imported.flags) and set(retired) <= set(imported.retired)
    assert unchanged_lines(before, (registry / "flags.toml").read_text())
    again = run(["registry", "import", str(EXPORTS / export), "--from", source, "--today", "2026-06-01"], registry)
    assert again.stdout.splitlines()[-1].startswith("changed 0 of")  # idempotent


def test_import_never_overwrites_and_never_revives_a_retired_key(registry: Path) -> None:
    export = registry / "export.json"
    export.write_text(
        '{"features": [{"name": "rlp_routing", "type": "release", "description": "new words", "createdAt": "2020-01-01T00:00:00Z"},'
        ' {"name": "power_peg", "type": "release"}]}'
    )
    result = run(["registry", "import", "export.json", "--from", "unleash"], registry)
    assert result.stdout.splitlines()[:2] == [
        "skip    rlp_routing  already registered",
        "skip    power_peg    retired here: a retired key is never registered again",
    ]
    assert (registry / "flags.toml").read_text() == HAND_WRITTEN


def test_import_fills_only_missing_fields(registry: Path) -> None:
    export = registry / "export.json"
    export.write_text('{"items": [{"key": "dotted.key", "creationDate": 1325376000000, "description": "halt", "_maintainer": {"email": "x@y"}}]}')
    assert run(["registry", "import", "export.json", "--from", "launchdarkly"], registry).stdout.splitlines()[0] == (
        "fill    dotted.key  created, description"
    )
    entry = load_registry(registry / "flags.toml", required=True).flags["dotted.key"]
    assert entry.owner == "ops" and entry.fields["description"] == "halt" and str(entry.created) == "2012-01-01"


def test_malformed_export_is_one_clear_line(registry: Path) -> None:
    result = run(["registry", "import", str(EXPORTS / "malformed" / "unleash-created-at-number.json"), "--from", "unleash"], registry)
    assert result.exit_code == 2 and "unleash-created-at-number.json" in result.stderr and "createdAt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_new_file_gets_the_usual_mode_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        fresh, kept = tmp_path / "report.html", tmp_path / "flags.toml"
        kept.write_text("")
        kept.chmod(0o640)
        write_text_atomically(fresh, "new")
        write_text_atomically(kept, "changed")
    finally:
        os.umask(old_mask)
    assert (fresh.stat().st_mode & 0o777, kept.stat().st_mode & 0o777) == (0o644, 0o640)


def test_init_force_keeps_the_registry_and_never_registers_a_retired_key(tmp_path: Path) -> None:
    folder = tmp_path / "kept"
    folder.mkdir()
    reads = "".join(f'if ldclient.get().variation("{key}", None, False):\n    pass\n' for key in ("POWER_PEG", "NEW_ROUTER", "DARK"))
    (folder / "app.py").write_text("import ldclient\n\n" + reads)
    (folder / "flagkeeper.toml").write_text('registry = "flags.toml"\n')
    kept = (
        '# reviewed by trading-ops\n[flags.DARK]\nowner = "web"  # the web team\ntype = "release"\n'
        'created = 2026-01-01\nexpires = 2026-12-31\n\n[retired.POWER_PEG]\nretired = 2012-07-31\nmeaning = "Power Peg"\n'
    )
    (folder / "flags.toml").write_text(kept)
    refused = run(["init"], folder)
    assert refused.exit_code == 2 and "flags.toml: already exists; use --force to add the entries it lacks" in refused.stderr
    result = run(["init", "--force", "--today", "2026-06-01"], folder)
    assert result.exit_code == 0 and result.stdout.startswith("added 1 flag to flags.toml and kept the config in ")
    text = (folder / "flags.toml").read_text()
    assert text.startswith(kept) and "[flags.NEW_ROUTER]" in text[len(kept) :]
    assert "[flags.POWER_PEG]" not in text  # the tombstone's key stays retired: check reports its read (FK003)

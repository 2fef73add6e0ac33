"""Registry edits on files as people (and exports) really write them: empty and inline entries,
CRLF line ends, multi-line strings, comments inside a retired table, links, read-only files and
the temporary files a killed edit left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flagkeeper.registry.model import load_registry
from tests.conftest import run, write_tree

CONFIG = {"flagkeeper.toml": 'registry = "flags.toml"\n'}
FLAGD = '{"flags": {"%s": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on", "metadata": {"owner": "o"}}}}'


def _project(tmp_path: Path, registry: str) -> Path:
    return write_tree(tmp_path / "project", {**CONFIG, "flags.toml": registry})


@pytest.mark.parametrize("registry", ["[flags.k]\n\n[flags.other]\nowner = \"x\"\n", '[flags]\nk = { owner = "x", type = "release" }\n'])
def test_extend_and_import_work_on_empty_and_inline_entries(tmp_path: Path, registry: str) -> None:
    folder = _project(tmp_path, registry)
    result = run(["registry", "extend", "k", "--to", "2030-01-01", "--reason", "r", "--today", "2026-01-01"], folder)
    assert result.exit_code == 0, result.stderr
    (folder / "export.json").write_text(FLAGD % "k")
    assert run(["registry", "import", "export.json", "--from", "flagd"], folder).exit_code == 0
    entry = load_registry(folder / "flags.toml", required=True).flags["k"]
    assert str(entry.expires) == "2030-01-01" and entry.fields["extensions"][0]["reason"] == "r" and entry.owner in ("o", "x")


def test_import_never_writes_an_empty_entry(tmp_path: Path) -> None:
    folder = _project(tmp_path, "")
    (folder / "export.json").write_text('{"flags": {"bare": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}')
    assert run(["registry", "import", "export.json", "--from", "flagd"], folder).exit_code == 0
    assert load_registry(folder / "flags.toml", required=True).flags["bare"].fields == {"description": "imported from flagd"}


def test_a_crlf_registry_stays_crlf(tmp_path: Path) -> None:
    folder = _project(tmp_path, "")
    (folder / "flags.toml").write_bytes(b'# ours\r\n[flags.a]\r\nowner = "x"\r\ntype = "release"\r\n')
    assert run(["registry", "add", "b", "--owner", "o", "--type", "permission", "--today", "2026-01-01"], folder).exit_code == 0
    assert run(["registry", "retire", "a", "--meaning", "gone", "--today", "2026-01-02"], folder).exit_code == 0
    data = (folder / "flags.toml").read_bytes()
    assert data.startswith(b"# ours\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_multi_line_strings_and_comments_go_with_the_retired_table(tmp_path: Path) -> None:
    registry = (
        '[flags.m]\n# why m exists: ticket 42\nowner = "x"\ntype = "release"\n'
        'description = """\n[beta] first line\n# not a comment\nlast line"""\n\n[flags.n]\nowner = "y"\n'
    )
    folder = _project(tmp_path, registry)
    assert run(["registry", "add", "k", "--owner", "o", "--type", "permission", "--description", "one\ntwo"], folder).exit_code == 0
    result = run(["registry", "retire", "m", "--meaning", "gone", "--today", "2026-01-02"], folder)
    assert result.exit_code == 0, result.stderr
    text = (folder / "flags.toml").read_text()
    loaded = load_registry(folder / "flags.toml", required=True)
    assert set(loaded.flags) == {"n", "k"} and loaded.flags["k"].fields["description"] == "one\ntwo"
    assert loaded.retired["m"].fields["description"] == "[beta] first line\n# not a comment\nlast line"
    assert text.index("[retired.m]") < text.index("# why m exists: ticket 42")


def test_a_linked_registry_is_edited_at_its_target(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "project", {**CONFIG, "registry/real.toml": '[flags.a]\nowner = "x"\n'})
    (folder / "flags.toml").symlink_to(folder / "registry" / "real.toml")
    assert run(["registry", "add", "b", "--owner", "o", "--type", "permission"], folder).exit_code == 0
    assert (folder / "flags.toml").is_symlink()
    assert "[flags.b]" in (folder / "registry" / "real.toml").read_text()
    assert not (folder / "registry" / "real.toml.lock").exists() and not (folder / "flags.toml.lock").exists()  # no lock file is left


def test_a_read_only_registry_is_refused(tmp_path: Path) -> None:
    folder = _project(tmp_path, '[flags.a]\nowner = "x"\n')
    os.chmod(folder / "flags.toml", 0o444)  # root may still write it: the mode bits decide
    result = run(["registry", "add", "b", "--owner", "o", "--type", "permission"], folder)
    assert (result.exit_code, result.stderr.strip()) == (2, "flagkeeper: error: flags.toml: the registry is read-only: make it writable to edit it")
    assert (folder / "flags.toml").read_text() == '[flags.a]\nowner = "x"\n'


def test_the_next_edit_removes_temporary_files_a_killed_edit_left(tmp_path: Path) -> None:
    folder = _project(tmp_path, '[flags.a]\nowner = "x"\n')
    stale = folder / ".flags.toml.abc123.tmp"
    stale.write_text("half an edit")
    other = folder / ".other.toml.abc123.tmp"  # not ours to remove
    other.write_text("someone else's")
    assert run(["registry", "add", "b", "--owner", "o", "--type", "permission"], folder).exit_code == 0
    assert not stale.exists() and other.exists()


def test_retiring_the_first_table_leaves_no_blank_line_at_the_top(tmp_path: Path) -> None:
    folder = _project(tmp_path, '[flags.a]\nowner = "x"\n\n[flags.b]\nowner = "y"\n')
    assert run(["registry", "retire", "a", "--meaning", "gone", "--today", "2026-01-02"], folder).exit_code == 0
    assert (folder / "flags.toml").read_text(encoding="utf-8").startswith('[flags.b]\nowner = "y"\n')

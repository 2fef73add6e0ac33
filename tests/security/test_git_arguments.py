"""A hostile flag key, file name or revision never reaches git as an option.

Each repository below reads a key that is also a git option which runs a command
(`--open-files-in-pager=touch MARKER`), and holds the string HEAD (the pattern git grep would
search for once the key was taken as an option). Nothing may run: the marker never appears.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flagkeeper.registry.model import load_registry
from tests.conftest import run, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(folder: Path, *args: str) -> str:
    command = ["git", "-c", "user.email=a@b", "-c", "user.name=a", *args]
    return subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, str, Path]:
    """A git repository whose code reads the hostile key; the key, and the marker it would create."""
    marker = tmp_path / "ran"
    key = f"--open-files-in-pager=touch {marker}"
    source = f'import ldclient\n\nif ldclient.get().variation("{key}", None, False):\n    route = "HEAD"\n'
    folder = write_tree(tmp_path / "repo", {
        "flagkeeper.toml": 'registry = "flags.toml"\n',
        "flags.toml": f'[flags."{key}"]\nowner = "x"\ntype = "operational"\n',
        "app.py": source,
    })  # fmt: skip
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "reads the key")
    return folder, key, marker


def test_registry_retire_looks_up_the_last_commit_without_running_the_key(hostile: tuple[Path, str, Path]) -> None:
    folder, key, marker = hostile
    head = _git(folder, "rev-parse", "HEAD")[:12]
    result = run(["registry", "retire", "--meaning", "m", "--force", "--", key], folder)
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    # Code still reads the key at HEAD, so HEAD is the last commit that read it.
    assert load_registry(folder / "flags.toml", required=True).retired[key].fields["last-commit"].startswith(head)


def test_remove_with_registry_retire_runs_nothing(hostile: tuple[Path, str, Path]) -> None:
    folder, key, marker = hostile
    result = run(["remove", "--value", "false", "--registry-retire", "--meaning", "m", "--write", "--", key], folder)
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    assert key in load_registry(folder / "flags.toml", required=True).retired


def test_diff_and_check_since_run_nothing(hostile: tuple[Path, str, Path]) -> None:
    folder, key, marker = hostile
    (folder / "--output=app.py").write_text((folder / "app.py").read_text())  # untracked, named like an option
    assert run(["diff", "HEAD"], folder).exit_code == 0
    since = run(["check", "--since", "HEAD", "--format", "json"], folder)
    assert since.exit_code == 0, since.stderr
    assert not marker.exists()
    assert _git(folder, "status", "--porcelain") == "?? --output=app.py"


@pytest.mark.parametrize("revision", ["--output=out.txt", "-p"])
def test_a_revision_that_looks_like_an_option_is_an_unknown_revision(hostile: tuple[Path, str, Path], revision: str) -> None:
    folder, _, _ = hostile
    for args in (["diff", "--", revision], ["check", "--since", revision]):
        result = run(args, folder)
        assert result.exit_code == 2 and f"unknown revision '{revision}'" in result.stderr, result.stderr
    assert not (folder / "out.txt").exists()


def test_check_since_with_untracked_odd_names_and_dangling_links(hostile: tuple[Path, str, Path]) -> None:
    folder, _, _ = hostile
    (folder / os.fsdecode(b"notes-\xff.txt")).write_bytes(b"\xff\xfe binary \x00")
    (folder / "gone.py").symlink_to(folder / "missing.py")
    (folder / "latin1.cfg").write_bytes(b"caf\xe9\n")
    _git(folder, "add", "latin1.cfg")
    _git(folder, "commit", "-q", "-m", "a latin-1 file")
    (folder / "latin1.cfg").write_bytes(b"caf\xe9 cr\xe8me\n")  # the diff since HEAD is not UTF-8
    result = run(["check", "--since", "HEAD", "--format", "json"], folder)
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result.stderr

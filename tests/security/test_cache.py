"""An attacker's repository: whatever it commits under .flagkeeper_cache/ runs no code and
changes nothing outside the checkout; the run still gives the right findings.

Each test plants its trap, runs `check` (which reads and writes the cache) and compares what
flagkeeper printed with a run on a clean cache, and the world outside the checkout before and after.
"""

from __future__ import annotations

import os
import pickle
import subprocess
from pathlib import Path

import pytest

from flagkeeper.analysis.cache import FACT_SHARDS, encode, facts_file
from flagkeeper.checks.runner import CheckRun
from tests.conftest import Result, run, write_tree

FILES = {
    "app/__init__.py": "",
    "app/main.py": 'import os\n\nif os.getenv("FEATURE_NEW_CHECKOUT"):\n    print("new")\n',
    "flagkeeper.toml": 'entry-points = ["app.main"]\n',
    "flags.toml": '[flags.FEATURE_OLD]\nowner = "team"\ntype = "operational"\n',
}
CHECK = ["check", ".", "--format", "json", "--today", "2026-06-01"]


class _Payload:
    """What a crafted pickle does when loaded: create the marker folder."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("FLAGKEEPER_CACHE_DIR", raising=False)  # the cache where a checkout has it
    monkeypatch.delenv("FLAGKEEPER_NO_CACHE", raising=False)
    return write_tree(tmp_path / "checkout", FILES)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder of the victim's outside the checkout, with files a cache could be tricked into touching."""
    folder = tmp_path / "outside"
    folder.mkdir()
    for number in range(12):
        (folder / f"{number:040x}").write_text(f"precious {number}\n")
    (folder / "notes.txt").write_text("precious notes\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every name under `folder` with its contents (a link's target, "dir" for a folder)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        found[str(path.relative_to(folder))] = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return found


def clean_findings(checkout: Path) -> Result:
    """The run's output with a cache flagkeeper wrote itself (and then removed)."""
    first = run(CHECK, checkout)
    assert first.exit_code == 1 and first.json()
    for path in sorted((checkout / ".flagkeeper_cache").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    (checkout / ".flagkeeper_cache").rmdir()
    return first


def cache_files(checkout: Path) -> list[Path]:
    return [path for path in (checkout / ".flagkeeper_cache").rglob("*") if path.is_file() and not path.name.startswith(".")]


def test_a_committed_pickle_runs_no_code(checkout: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    run(CHECK, checkout)  # the cache a user would have: the attacker knows every name in it
    expected = run(CHECK, checkout)
    for path in cache_files(checkout):  # every entry, facts and runs alike, now a payload
        path.write_bytes(pickle.dumps(_Payload(marker)))
    for name in ("facts.pickle", "facts.msgpack", *(facts_file(shard) for shard in FACT_SHARDS)):
        (checkout / ".flagkeeper_cache" / name).write_bytes(pickle.dumps(_Payload(marker)))
    for _ in range(2):  # read the planted entries, then the ones this run wrote over them
        found = run(CHECK, checkout)
        assert not marker.exists()
        assert (found.exit_code, found.stdout) == (1, expected.stdout)


@pytest.mark.parametrize("garbage", [b"", b"\xc1", b"\x92\xa1x", b"\x91" * 100_000 + b"\x90", b"\xdd\xff\xff\xff\xff", os.urandom(4096)])
def test_a_garbage_cache_is_a_miss(checkout: Path, garbage: bytes) -> None:
    expected = clean_findings(checkout)
    run(CHECK, checkout)
    for path in cache_files(checkout):
        path.write_bytes(garbage)
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout, found.stderr) == (1, expected.stdout, "")


def test_a_run_entry_of_the_wrong_shape_is_a_miss(checkout: Path) -> None:
    expected = clean_findings(checkout)
    run(CHECK, checkout)
    # The run's findings, its import graph, its entry points and the digests of what the detectors read.
    entries = list((checkout / ".flagkeeper_cache" / "runs").iterdir())
    assert len(entries) == 4
    for entry in entries:
        entry.write_bytes(b"\x94\x90\x90\xc3\x01")  # well-formed MessagePack of none of those shapes
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout) == (1, expected.stdout)


def test_a_runs_link_deletes_nothing_it_points_to(checkout: Path, outside: Path) -> None:
    expected = clean_findings(checkout)
    before = snapshot(outside)
    (checkout / ".flagkeeper_cache").mkdir()
    (checkout / ".flagkeeper_cache" / "runs").symlink_to(outside)
    for day in range(1, 12):  # more runs than the cache keeps: it prunes
        found = run([*CHECK[:-1], f"2026-06-{day:02}"], checkout)
        assert found.exit_code == 1
    assert run(CHECK, checkout).stdout == expected.stdout
    assert snapshot(outside) == before


def test_planted_temporary_and_entry_links_overwrite_nothing(checkout: Path, outside: Path) -> None:
    expected = clean_findings(checkout)
    before = snapshot(outside)
    cache = checkout / ".flagkeeper_cache"
    (cache / "runs").mkdir(parents=True)
    targets = iter(sorted(outside.iterdir()))
    # The names a cache writes through: its entries, and temporary files named after this
    # process (the CLI runs in-process here), as the old naming made them predictable.
    for name in ("facts.pickle", "facts.msgpack", facts_file("0"), facts_file("f"), ".gitignore"):
        (cache / name).symlink_to(next(targets))
    for name in ("facts.pickle", "facts.msgpack"):
        (cache / f".{name}.{os.getpid()}.tmp").symlink_to(next(targets))
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout) == (1, expected.stdout)
    assert snapshot(outside) == before


def test_a_dangling_marker_link_creates_nothing_outside(checkout: Path, tmp_path: Path) -> None:
    cache = checkout / ".flagkeeper_cache"
    cache.mkdir()
    (cache / "CACHEDIR.TAG").symlink_to(tmp_path / "created-outside")
    assert run(CHECK, checkout).exit_code == 1
    assert not (tmp_path / "created-outside").exists() and not (tmp_path / "created-outside").is_symlink()


def test_a_cache_folder_that_is_a_link_is_not_used(checkout: Path, outside: Path) -> None:
    expected = clean_findings(checkout)
    before = snapshot(outside)
    (checkout / ".flagkeeper_cache").symlink_to(outside)
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout) == (1, expected.stdout)
    assert found.stderr == f"flagkeeper: warning: not using the cache in {checkout / '.flagkeeper_cache'}: it is a symbolic link\n"
    assert snapshot(outside) == before


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_of_another_user_is_not_used(checkout: Path) -> None:
    expected = clean_findings(checkout)
    cache = checkout / ".flagkeeper_cache"
    cache.mkdir()
    os.chown(cache, 4242, 4242)
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout) == (1, expected.stdout)
    assert found.stderr == f"flagkeeper: warning: not using the cache in {cache}: it belongs to another user\n"
    assert list(cache.iterdir()) == []


def test_a_committed_cache_is_not_believed(checkout: Path) -> None:
    """A forged entry that decodes (a run with no findings, under the key the attacker computed)."""
    expected = run(CHECK, checkout)
    for entry in (checkout / ".flagkeeper_cache" / "runs").iterdir():  # the run's entry among them (the other: its import graph)
        entry.write_bytes(encode(CheckRun([], ("FK001",), True, 2)))
    git = ["git", "-c", "user.name=a", "-c", "user.email=a@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=checkout, check=True)
    subprocess.run([*git, "add", "-A"], cwd=checkout, check=True)
    subprocess.run([*git, "add", "-f", ".flagkeeper_cache"], cwd=checkout, check=True)
    subprocess.run([*git, "commit", "-qm", "innocent"], cwd=checkout, check=True)
    found = run(CHECK, checkout)
    assert (found.exit_code, found.stdout) == (1, expected.stdout)
    why = "git tracks files in it, and a cache is never committed"
    assert found.stderr == f"flagkeeper: warning: not using the cache in {checkout / '.flagkeeper_cache'}: {why}\n"

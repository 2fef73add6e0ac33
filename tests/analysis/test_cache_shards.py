"""The FileFacts shards: a one-file change rewrites only the shards it concerns, a damaged,
planted or linked shard costs its own entries alone, and the one file of the layout before the
shards goes away."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from flagkeeper.analysis.cache import FACT_SHARDS, UNSHARDED_FACTS_FILE, decode_facts, decode_shard, encode, encode_shard, facts_file
from flagkeeper.analysis.scan import ScanOptions
from tests.analysis.test_scan import facts_of, stored_facts
from tests.conftest import write_tree

# Enough files that every shard holds some (a shard is empty with odds of 16 * (15/16)**200, 1 in 30,000).
FILES = {"app/__init__.py": ""} | {f"app/module_{number:03}.py": f"import os\n\nVALUE = os.getenv('FLAG_{number}')\n" for number in range(200)}


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, ScanOptions, Path]:
    """A project, the options of a scan with the cache, and the cache folder, filled by a scan."""
    root = write_tree(tmp_path / "project", FILES)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    facts_of(root, options)
    assert sorted(path.name for path in (tmp_path / "cache").glob("facts-*")) == [facts_file(shard) for shard in FACT_SHARDS]
    return root, options, tmp_path / "cache"


def inodes(cache: Path) -> dict[str, int]:
    """Each shard file's inode: a rewrite renames a new file over it, so a new inode."""
    return {path.name: path.stat().st_ino for path in cache.glob("facts-*")}


def paths_in(shard: Path) -> list[str]:
    """The files whose facts `shard` holds, sorted."""
    entries = decode_shard(shard.read_bytes(), shard.name[len("facts-")])
    assert entries is not None
    return sorted(facts.path for facts in map(decode_facts, entries.values()) if facts is not None)


def test_a_one_file_change_rewrites_only_the_shards_of_its_old_and_new_entry(project: tuple[Path, ScanOptions, Path], counted: list[str]) -> None:
    root, options, cache = project
    names, before = set(stored_facts(cache)), inodes(cache)
    with (root / "app" / "module_042.py").open("a") as module:
        module.write("# a comment\n")
    counted.clear()
    facts_of(root, options)
    assert counted == ["app/module_042.py"]
    gone_and_new = names ^ set(stored_facts(cache))
    assert len(gone_and_new) == 2
    rewritten = {name for name, inode in inodes(cache).items() if inode != before[name]}
    assert rewritten == {facts_file(name[0]) for name in gone_and_new}


@pytest.mark.parametrize("damage", ["torn", "not a shard", "entries not facts"])
def test_a_damaged_shard_is_a_miss_for_its_entries_alone(project: tuple[Path, ScanOptions, Path], counted: list[str], damage: str) -> None:
    root, options, cache = project
    shard = cache / facts_file("7")
    lost = paths_in(shard)
    entries = decode_shard(shard.read_bytes(), "7")
    assert entries is not None
    if damage == "torn":
        shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    elif damage == "not a shard":  # the right names, each holding MessagePack of another shape
        shard.write_bytes(encode(dict.fromkeys(entries, ["not", "facts"])))
    else:  # a well-formed shard whose entries are no FileFacts
        shard.write_bytes(encode_shard(dict.fromkeys(entries, msgspec.Raw(encode(["not", "facts"])))))
    expected = facts_of(root, ScanOptions())  # without a cache
    counted.clear()
    assert facts_of(root, options) == expected
    assert sorted(counted) == lost
    counted.clear()
    assert facts_of(root, options) == expected and counted == []  # the shard written again


def test_entries_planted_in_another_shard_shadow_nothing(project: tuple[Path, ScanOptions, Path], counted: list[str]) -> None:
    """Shard 8 given entries under the names of shard 7, which it never holds: they are dropped,
    and shard 7's own entries are used."""
    root, options, cache = project
    planted = dict.fromkeys(decode_shard((cache / facts_file("7")).read_bytes(), "7") or {}, msgspec.Raw(encode(["not", "facts"])))
    other = cache / facts_file("8")
    other.write_bytes(encode_shard((decode_shard(other.read_bytes(), "8") or {}) | planted))
    expected = facts_of(root, ScanOptions())
    counted.clear()
    assert facts_of(root, options) == expected and counted == []


def test_a_shard_that_is_a_link_is_not_followed(project: tuple[Path, ScanOptions, Path], counted: list[str], tmp_path: Path) -> None:
    root, options, cache = project
    shard = cache / facts_file("3")
    lost = paths_in(shard)
    outside = tmp_path / "outside.msgpack"  # a whole, valid shard: read through the link, it would be believed
    outside.write_bytes(shard.read_bytes())
    before = outside.read_bytes()
    shard.unlink()
    shard.symlink_to(outside)
    counted.clear()
    facts_of(root, options)
    assert sorted(counted) == lost
    assert not shard.is_symlink() and paths_in(shard) == lost  # the link replaced by the shard written
    assert outside.read_bytes() == before


def test_the_one_facts_file_of_the_layout_before_is_deleted(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "project", {"app.py": "VALUE = 1\n"})
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / UNSHARDED_FACTS_FILE).write_bytes(encode({}))
    facts_of(root, ScanOptions(cache_dir=cache))
    assert not (cache / UNSHARDED_FACTS_FILE).exists()
    assert len(stored_facts(cache)) == 1


def test_a_link_named_as_the_layout_before_is_left_alone(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "project", {"app.py": "VALUE = 1\n"})
    cache, target = tmp_path / "cache", tmp_path / "precious"
    cache.mkdir()
    target.write_text("precious\n")
    (cache / UNSHARDED_FACTS_FILE).symlink_to(target)
    facts_of(root, ScanOptions(cache_dir=cache))
    assert os.readlink(cache / UNSHARDED_FACTS_FILE) == str(target) and target.read_text() == "precious\n"

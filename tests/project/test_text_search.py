"""The searches of text files (FK005's keys, the dead-code confidence's module names) with the
cache: a run whose text files are unchanged reads none of them, a changed one is searched again,
and what a run finds is always what a run without the cache finds."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from flagkeeper.analysis.cache import RECENT_RUNS
from flagkeeper.project import textsearch
from tests.conftest import run, write_tree

# shop.app is the entry point; nothing imports shop.orphan (FK006), but a cron file names it, so
# the finding's confidence is 60 with that file's line as the reason. A YAML file names banner
# (no FK005); nothing names checkout (FK005).
SHOP = {
    "flagkeeper.toml": 'entry-points = ["shop.app"]\n',
    "flags.toml": (
        '[flags.banner]\nowner = "web"\ntype = "release"\nexpires = 2026-09-30\n\n'
        '[flags.checkout]\nowner = "web"\ntype = "release"\nexpires = 2026-09-30\n'
    ),
    "shop/__init__.py": "",
    "shop/app.py": "VALUE = 1\n",
    "shop/orphan.py": "def main():\n    pass\n",
    "jobs/cron.yaml": "every: 1h\nrun: shop.orphan:main\n",
    "web/banner.yaml": "feature: banner\n",
    "web/other.ts": "export const x = 1;\n",
}
NAMED = "jobs/cron.yaml:2 names it"
UNUSED_CHECKOUT = "flag 'checkout'"
UNUSED_BANNER = "flag 'banner'"


def check(root: Path, *options: str) -> str:
    result = run(["check", ".", "--today", "2026-06-01", "--output-format", "concise", *options], root)
    assert result.exit_code in (0, 1), result.stdout
    return result.stdout


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the text files a search reads or decodes (the only ways it gets a text)."""
    seen: list[str] = []
    read, decode = textsearch.read_text_file, textsearch.decoded_text

    def reading(path: Path) -> str | None:
        seen.append(path.name)
        return read(path)

    def decoding(data: bytes) -> str:
        seen.append(data.decode(errors="replace"))
        return decode(data)

    monkeypatch.setattr(textsearch, "read_text_file", reading)
    monkeypatch.setattr(textsearch, "decoded_text", decoding)
    return seen


def test_a_python_only_edit_reads_no_text_file(tmp_path: Path, reads: list[str]) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    before = check(root, *cached)
    assert NAMED in before and UNUSED_CHECKOUT in before and UNUSED_BANNER not in before
    assert reads  # the first run searched them
    reads.clear()
    (root / "shop/app.py").write_text("VALUE = 2  # the rules run again\n")
    after = check(root, *cached)
    assert reads == []
    assert after == before == check(root, "--no-cache")  # the same as a search of every file


def test_the_stored_searches_outlive_the_runs_the_store_keeps(tmp_path: Path, reads: list[str]) -> None:
    """Each run writes its findings to the run store, which keeps the most recent few: a stored
    search used at every run must stay among them, or every few edits would read every file."""
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    check(root, *cached)
    reads.clear()
    for edit in range(RECENT_RUNS + 2):
        (root / "shop/app.py").write_text(f"VALUE = {edit}\n")
        check(root, *cached)
    assert reads == []


@pytest.mark.parametrize(
    ("path", "text", "appears", "goes"),
    [
        ("jobs/cron.yaml", "every: 1h\nrun: other\n", "(shop.app) reaches: delete it", NAMED),
        ("jobs/cron.yaml", "every: 1h\n\n\nrun: shop.orphan:main\n", "jobs/cron.yaml:4 names it", NAMED),
        ("web/banner.yaml", "feature: other\n", UNUSED_BANNER, None),
        ("web/other.ts", "export const x = 'checkout';\n", None, UNUSED_CHECKOUT),
    ],
)  # fmt: skip
def test_an_edited_text_file_is_searched_again_alone(
    tmp_path: Path, reads: list[str], path: str, text: str, appears: str | None, goes: str | None
) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cached = ("--cache-dir", str(tmp_path / "cache"))
    before = check(root, *cached)
    (root / path).write_text(text)
    reads.clear()
    after = check(root, *cached)
    assert set(reads) == {text}  # the edited file alone, from the bytes hashed for the run's key
    assert after == check(root, "--no-cache")
    if appears is not None:
        assert appears not in before and appears in after, after
    if goes is not None:
        assert goes in before and goes not in after, after


@pytest.mark.parametrize(
    "entry",
    [b"\x93not msgpack", msgspec.msgpack.encode({"a": 1}), msgspec.msgpack.encode([["x", 1]]), msgspec.msgpack.encode({"/x": ["d", [["k", "one", 1]]]})],
)  # fmt: skip
def test_a_crafted_stored_search_is_a_miss(tmp_path: Path, reads: list[str], entry: bytes) -> None:
    root = write_tree(tmp_path / "shop", SHOP)
    cache = tmp_path / "cache"
    before = check(root, "--cache-dir", str(cache))
    stored = [path for path in (cache / "runs").iterdir()]
    assert stored
    for path in stored:  # the findings too, so that the rules run again
        path.write_bytes(entry)
    reads.clear()
    after = check(root, "--cache-dir", str(cache))
    assert len(reads) == len(SHOP) - 5  # every text file searched again (not flags.toml), none taken from the entry
    assert after == before == check(root, "--no-cache")


def test_a_manifest_given_to_fleet_is_not_searched_and_is_again_without_fleet(tmp_path: Path) -> None:
    # A manifest with no enabled flags: nothing but --fleet says it is one, and its note names checkout.
    manifest = "deploy/web-1.json"
    text = '{"server": "web-1", "build": "1", "code-fingerprint": "sha256:0", "note": "checkout"}\n'
    root = write_tree(tmp_path / "shop", {**SHOP, manifest: text})
    cached = ("--cache-dir", str(tmp_path / "cache"))
    plain = check(root, *cached)
    assert UNUSED_CHECKOUT not in plain  # the note reads as a mention
    fleet = check(root, *cached, "--fleet", manifest)
    assert UNUSED_CHECKOUT in fleet and fleet == check(root, "--no-cache", "--fleet", manifest)
    assert check(root, *cached) == plain == check(root, "--no-cache")

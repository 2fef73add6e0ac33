"""The warm path in a git work tree: one `git ls-files` serves the search for nested projects and
discovery, a file added or removed between warm runs is seen, and a warm run does not read the
stored facts when the stamps' record of them holds."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import flagkeeper
from flagkeeper.analysis import cache, cachefolder, discovery
from flagkeeper.analysis.discovery import excludes, nested_config_folders
from flagkeeper.cli import common
from flagkeeper.config import Config
from tests.conftest import run, write_tree

APP = 'import os\n\nif os.environ.get("FEATURE_NEW_CHECKOUT"):\n    print("new")\n'
REGISTRY = '[flags.FEATURE_NEW_CHECKOUT]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n'
PAY = 'import os\n\nif os.environ.get("FEATURE_PAY_LATER"):\n    print("later")\n'
LONG_AGO_NS = 1_600_000_000 * 10**9  # older than any run of these tests: every stamp vouches
PAY_REGISTRY = '[flags.FEATURE_PAY_LATER]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n'


def repository(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git work tree with `files`, none of them committed (git lists them as untracked)."""
    root = write_tree(tmp_path / "shop", files)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def check(root: Path, *extra: str) -> tuple[int, str]:
    result = run(["check", ".", "--output-format", "text", "--today", "2026-06-01", *extra], root)
    return result.exit_code, result.stdout


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The shop reads its flag; services/pay, a project of its own, reads one its own registry holds.
    Configs in a hidden folder and in a folder git ignores make no project."""
    return repository(tmp_path, {
        "app.py": APP, "flags.toml": REGISTRY, ".gitignore": "generated/\n",
        "services/pay/flagkeeper.toml": "", "services/pay/flags.toml": PAY_REGISTRY, "services/pay/later.py": PAY,
        ".tools/lint/flagkeeper.toml": "", "generated/client/flagkeeper.toml": "", "generated/client/api.py": PAY,
    })  # fmt: skip


def test_nested_projects_are_found_in_gits_listing(shop: Path) -> None:
    assert nested_config_folders(shop, excludes(Config(root=shop)), shop) == [shop / "services" / "pay"]


def test_a_check_in_a_git_work_tree_walks_no_folder(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git lists the files once per project root; the nested project's flag is judged by its registry."""
    listings: list[Path] = []
    git_listing = discovery._git_listing

    def counted(folder: Path) -> list[str] | None:
        listings.append(folder)
        return git_listing(folder)

    walk = os.walk

    def no_walk_in(top: str | Path, **kwargs: bool) -> object:
        # (flagkeeper walks its own package for the cache's analyser fingerprint: not the project's folders)
        if Path(top).resolve().is_relative_to(shop.resolve()):
            pytest.fail(f"walked {top}, a folder inside a git work tree")
        return walk(top, **kwargs)

    monkeypatch.setattr(discovery, "_git_listing", counted)
    monkeypatch.setattr(os, "walk", no_walk_in)
    assert check(shop) == (0, "All checks passed (2 Python files).\n")
    assert sorted(listings) == [shop, shop / "services" / "pay"]


def test_a_file_added_or_removed_between_warm_runs_is_seen(shop: Path) -> None:
    clean = check(shop)
    assert check(shop) == clean  # warm
    (shop / "services" / "refunds.py").write_text(APP.replace("FEATURE_NEW_CHECKOUT", "FEATURE_REFUNDS"), encoding="utf-8")
    added = check(shop)
    assert added[0] == 1 and "services/refunds.py:3:4: FK001 flag 'FEATURE_REFUNDS'" in added[1]
    assert added == check(shop, "--no-cache")
    (shop / "services" / "refunds.py").unlink()
    assert check(shop) == clean


@pytest.fixture
def facts_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The facts shards read from now on, one entry per reading."""
    names: list[str] = []
    read = cachefolder.read_with_stat

    def counted(folder: int, name: str) -> tuple[bytes | None, os.stat_result | None]:
        if name.startswith("facts"):
            names.append(name)
        return read(folder, name)

    monkeypatch.setattr(cachefolder, "read_with_stat", counted)
    return names


@pytest.fixture
def single(tmp_path: Path) -> Path:
    """One project (with projects nested in it, a check loads the facts to count each one's files)."""
    return repository(tmp_path, {"app.py": APP, "flags.toml": REGISTRY, "services/refunds.py": PAY})


def test_a_warm_run_reads_not_the_stored_facts(single: Path, tmp_path: Path, facts_read: list[str]) -> None:
    cold = check(single, "--cache-dir", str(tmp_path / "cache"))
    facts_read.clear()
    assert check(single, "--cache-dir", str(tmp_path / "cache")) == cold
    assert facts_read == []


def test_facts_rewritten_by_another_run_are_read_again(single: Path, tmp_path: Path, facts_read: list[str]) -> None:
    """The stamps' record of a shard holds only while its file has the stat recorded: shards that
    another run replaced (here, by ones without the shop's facts) are read, each once, and a fact
    they lack is analysed again."""
    cached = ("--cache-dir", str(tmp_path / "cache"))
    cold = check(single, *cached, "--select", "FK001")
    assert cold[0] == 1 and "FEATURE_PAY_LATER" in cold[1]
    for stored in (tmp_path / "cache").glob("facts-*.msgpack"):
        stored.unlink()
        stored.write_bytes(cache.encode({}))
    facts_read.clear()
    assert check(single, *cached, "--select", "FK002") == (0, "All checks passed (2 Python files).\n")  # another run's key
    assert sorted(facts_read) == [cache.facts_file(shard) for shard in cache.FACT_SHARDS]
    assert check(single, *cached, "--select", "FK001") == cold


def test_facts_analysed_again_for_a_new_version_are_not_read_by_the_next_warm_run(
    single: Path, tmp_path: Path, facts_read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new analyser renames every file's facts though no file changed (every stamp still vouches,
    so the stamps themselves need no rewrite): the stamps must still record the facts written."""
    for path in single.rglob("*.py"):
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    cached = ("--cache-dir", str(tmp_path / "cache"))
    cold = check(single, *cached)
    monkeypatch.setattr(flagkeeper, "__version__", "99.0")
    assert check(single, *cached) == cold  # every file analysed again
    facts_read.clear()
    assert check(single, *cached) == cold
    assert facts_read == []


def test_outside_git_each_folder_is_walked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The nested projects' search and the outer project's discovery share one walk of the root."""
    root = write_tree(tmp_path / "shop", {
        "app.py": APP, "flags.toml": REGISTRY, "services/pay/flagkeeper.toml": "", "services/pay/flags.toml": PAY_REGISTRY,
        "services/pay/later.py": PAY,
    })  # fmt: skip
    walked: list[Path] = []
    walk = discovery._walk

    def counted(folder: Path, excluded: tuple[str, ...], root: Path) -> list[str]:
        walked.append(folder)
        return walk(folder, excluded, root)

    monkeypatch.setattr(discovery, "_git_listing", lambda folder: None)  # as outside a git work tree
    monkeypatch.setattr(discovery, "_walk", counted)
    assert check(root) == (0, "All checks passed (2 Python files).\n")
    assert sorted(walked) == [root, root / "services" / "pay"]


def test_each_folder_is_looked_at_once_for_the_config_that_judges_its_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings in many folders below a pyproject.toml of another tool: that file is parsed once a run,
    not once per folder below it."""
    unregistered = {f"api/app{number}/views.py": APP for number in range(6)}
    root = repository(tmp_path, {**unregistered, "api/pyproject.toml": '[tool.black]\nline-length = 100\n', "flags.toml": ""})
    looked_at: list[Path] = []
    config_file_in = common.config_file_in

    def counted(folder: Path) -> tuple[Path, dict[str, object]] | None:
        looked_at.append(folder)
        return config_file_in(folder)

    monkeypatch.setattr(common, "config_file_in", counted)
    code, out = check(root, "--no-cache")
    assert code == 1 and out.count("FK001") == 6
    assert len(looked_at) == len(set(looked_at)) and root / "api" in looked_at

"""The cache's stamps (git's index): a warm run reads no file whose stat is as recorded, and git's
racy-timestamp rule catches a file rewritten within the same tick of its time, at the same size."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from flagkeeper.analysis.cache import Cache
from flagkeeper.analysis.packs import Matcher
from tests.conftest import REPO, run, write_tree

APP = 'import os\n\nif os.environ.get("FEATURE_NEW_CHECKOUT"):\n    print("new")\n'
WEB = 'checkout:\n  flag: "FEATURE_OLD_PRICING"\n'
REGISTRY = (
    '[flags.FEATURE_NEW_CHECKOUT]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n\n'
    '[flags.FEATURE_OLD_PRICING]\nowner = "pricing"\ntype = "release"\nexpires = 2026-09-30\n'
)
LONG_AGO_NS = 1_600_000_000 * 10**9  # September 2020: older than any run of these tests


def shop(tmp_path: Path) -> Path:
    """app.py reads one flag, web/checkout.yaml names the other (so FK005 counts it as used)."""
    return write_tree(tmp_path / "shop", {"app.py": APP, "web/checkout.yaml": WEB, "flags.toml": REGISTRY})


def check(root: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = run(["check", ".", "--output-format", "json", "--today", "2026-06-01", "--cache-dir", str(tmp_path / "cache"), *extra], root)
    return result.exit_code, result.stdout


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read whole (as bytes: what is hashed) from now on."""
    names: list[str] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        names.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return names


def test_a_warm_run_reads_no_unchanged_file(tmp_path: Path, reads: list[str]) -> None:
    root = shop(tmp_path)
    age(root / "app.py", root / "web" / "checkout.yaml")
    cold = check(root, tmp_path)
    assert {"app.py", "checkout.yaml"} <= set(reads)
    reads.clear()
    assert check(root, tmp_path) == cold
    assert reads == []


def test_a_file_changed_since_is_read_and_its_change_seen(tmp_path: Path, reads: list[str]) -> None:
    root = shop(tmp_path)
    age(root / "app.py", root / "web" / "checkout.yaml")
    check(root, tmp_path)
    reads.clear()
    (root / "app.py").write_text(APP.replace("FEATURE_NEW_CHECKOUT", "FEATURE_NEW_CHECKOUT_V2"), encoding="utf-8")
    code, out = check(root, tmp_path)
    assert reads == ["app.py"] and code == 1 and "FEATURE_NEW_CHECKOUT_V2" in out


@pytest.mark.parametrize(("name", "text", "before", "after", "finding"), [
    ("app.py", APP, "FEATURE_NEW_CHECKOUT", "FEATURE_NEW_CHECKOUX", "FK001"),  # a key the registry lacks
    ("web/checkout.yaml", WEB, "FEATURE_OLD_PRICING", "FEATURE_OLD_PRICINX", "FK005"),  # the flag nothing reads now
], ids=["python file", "text file"])  # fmt: skip
def test_a_racy_rewrite_at_the_same_size_and_time_is_seen(tmp_path: Path, name: str, text: str, before: str, after: str, finding: str) -> None:
    """The file's stat after the rewrite is the one the stamp recorded (size, time, inode): only
    git's rule, a time not older than the recording run, sends it to be read again."""
    root = shop(tmp_path)
    path = root / name
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    assert check(root, tmp_path) == (0, "[]\n")
    recorded = os.stat(path)
    with open(path, "r+", encoding="utf-8") as stream:  # in place: the same inode
        stream.write(text.replace(before, after))
    os.utime(path, ns=(now, now))  # the same tick of the clock
    rewritten = os.stat(path)
    assert (rewritten.st_size, rewritten.st_mtime_ns, rewritten.st_ino) == (recorded.st_size, recorded.st_mtime_ns, recorded.st_ino)
    code, out = check(root, tmp_path)
    assert code == 1 and f'"code": "{finding}"' in out
    assert (code, out) == check(root, tmp_path, "--no-cache")


def test_findings_are_the_same_warm_and_cold_on_the_smars_example(tmp_path: Path) -> None:
    root = tmp_path / "smars_legacy"
    shutil.copytree(REPO / "examples" / "smars_legacy", root)
    for path in root.rglob("*"):
        age(path)
    cold = check(root, tmp_path, "--no-cache")
    assert cold[0] == 1 and cold[1].count('"code"') > 5
    assert check(root, tmp_path) == cold  # fills the cache, stamps included
    assert check(root, tmp_path) == cold  # every file vouched for by its stamp


def test_a_file_edited_during_the_run_is_noticed(tmp_path: Path) -> None:
    """The run's findings are then not stored under the digest the file had when it was read."""
    path = write_tree(tmp_path / "shop", {"app.py": APP}) / "app.py"
    cache = Cache(tmp_path / "cache", Matcher([]))
    digest = cache.content(path, Path.read_bytes).digest
    cache.save_stamps()
    assert cache.unchanged_since_read()
    path.write_text(APP + "# edited\n", encoding="utf-8")
    assert not cache.unchanged_since_read()
    assert Cache(tmp_path / "cache", Matcher([])).content(path, Path.read_bytes).digest != digest

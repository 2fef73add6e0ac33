"""Flag history across git revisions: `diff` (added, extinct, moved, repurposed) and `check --since`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import run, write_tree

REGISTRY = '[flags.{key}]\nowner = "routing"\ntype = "operational"\ndescription = "{description}"\n'


def read(key: str) -> str:
    return f'import ldclient\n\ndef go(o):\n    if ldclient.get().variation("{key}", o, False):\n        pass\n'


class Repo:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "dev")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.folder, check=True, capture_output=True, text=True).stdout.strip()

    def commit(self, files: dict[str, str | None], message: str) -> str:
        for name, text in files.items():
            path = self.folder / name
            if text is None:
                path.unlink()
            else:
                write_tree(self.folder, {name: text})
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def changes(repo: Repo, *args: str) -> tuple[int, list[tuple[str, str]]]:
    result = run(["diff", *args, "--format", "json"], repo.folder)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, [(change["kind"], change["key"]) for change in result.json()["changes"]]


def test_added_and_extinct(repo: Repo) -> None:
    base = repo.commit({"algos/peg.py": read("peg"), "flags.toml": REGISTRY.format(key="peg", description="Power Peg")}, "peg")
    repo.commit({"algos/peg.py": None, "rlp/route.py": read("rlp"), "flags.toml": REGISTRY.format(key="rlp", description="RLP")}, "rlp")
    assert changes(repo, base, "HEAD") == (0, [("extinct", "peg"), ("added", "rlp")])


def test_key_that_disappeared_and_came_back_is_repurposed(repo: Repo) -> None:
    registry = REGISTRY.format(key="peg", description="Power Peg")
    base = repo.commit({"algos/peg.py": read("peg"), "flags.toml": registry}, "Power Peg")
    gone = repo.commit({"algos/peg.py": "def work():\n    pass\n"}, "Power Peg retired")
    back = repo.commit({"rlp/route.py": read("peg")}, "RLP reuses the key")
    code, found = changes(repo, base, "HEAD")
    assert (code, found) == (1, [("repurposed", "peg"), ("repurposed", "peg")])  # moved entirely, and a gap
    detail = run(["diff", base, "HEAD", "--format", "json"], repo.folder).json()["changes"][1]["detail"]
    assert detail == f"no code read it from {gone[:12]}; it came back in {back[:12]}"
    # The working tree is the default HEAD, and the text format says the same.
    text = run(["diff", base], repo.folder).stdout
    assert text.splitlines()[0] == f"Flags from {base[:12]} to working tree: 2 changes"
    assert "  repurposed  peg  no code read it from" in text


def test_reads_moved_entirely_is_repurposed_and_partly_is_moved(repo: Repo) -> None:
    registry = REGISTRY.format(key="peg", description="x")
    base = repo.commit({"algos/peg.py": read("peg"), "algos/other.py": read("peg"), "flags.toml": registry}, "one")
    repo.commit({"algos/other.py": None, "rlp/route.py": read("peg")}, "partly")
    assert changes(repo, base, "HEAD") == (0, [("moved", "peg")])
    repo.commit({"algos/peg.py": None}, "entirely")
    assert changes(repo, base, "HEAD") == (1, [("repurposed", "peg")])


def test_description_changed_while_reads_remained(repo: Repo) -> None:
    base = repo.commit({"app.py": read("peg"), "flags.toml": REGISTRY.format(key="peg", description="Power Peg")}, "peg")
    repo.commit({"flags.toml": REGISTRY.format(key="peg", description="RLP routing")}, "reworded")
    result = run(["diff", base, "HEAD", "--format", "json"], repo.folder)
    assert result.exit_code == 1
    assert result.json()["changes"] == [
        {"key": "peg", "kind": "repurposed", "detail": "description changed while reads remained: 'Power Peg' -> 'RLP routing'"}
    ]


def test_diff_of_two_folders(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", {"app.py": read("a"), "b.py": read("b")})
    write_tree(tmp_path / "new", {"app.py": read("a"), "c.py": read("c")})
    result = run(["diff", str(old), str(tmp_path / "new"), "--format", "json"], tmp_path)
    assert result.exit_code == 0
    assert [(change["kind"], change["key"]) for change in result.json()["changes"]] == [("extinct", "b"), ("added", "c")]


def test_diff_leaves_the_working_tree_alone(repo: Repo) -> None:
    base = repo.commit({"app.py": read("a")}, "a")
    repo.commit({"app.py": read("b")}, "b")
    (repo.folder / "app.py").write_text(read("c"))
    before = repo.git("status", "--porcelain")
    changes(repo, base, "HEAD")
    assert repo.git("status", "--porcelain") == before and (repo.folder / "app.py").read_text() == read("c")


def test_since_reports_only_what_the_change_brought(repo: Repo) -> None:
    old_debt = {"legacy.py": read("old_unregistered"), "flags.toml": REGISTRY.format(key="unused", description="x")}
    base = repo.commit({**old_debt, "app.py": "x = 1\n"}, "old debt")
    (repo.folder / "app.py").write_text("x = 1\n" + read("new_flag"))
    everything = run(["check", ".", "--format", "json"], repo.folder).json()
    assert {f["key"] for f in everything} == {"old_unregistered", "unused", "new_flag"}
    result = run(["check", ".", "--since", base, "--format", "json"], repo.folder)
    assert [(f["code"], f["path"], f["key"]) for f in result.json()] == [("FK001", "app.py", "new_flag")]


def test_since_keeps_whole_program_findings_the_change_caused(repo: Repo) -> None:
    files = {"flags.toml": REGISTRY.format(key="a", description="x"), "app.py": read("a")}
    base = repo.commit(files, "a is read")
    (repo.folder / "app.py").write_text("x = 1\n")  # the only read goes away: FK005 elsewhere, in flags.toml
    findings = run(["check", ".", "--since", base, "--format", "json"], repo.folder).json()
    assert [(f["code"], f["path"]) for f in findings] == [("FK005", "flags.toml")]


def test_bad_revisions_and_folders(repo: Repo, tmp_path: Path) -> None:
    repo.commit({"app.py": read("a")}, "a")
    result = run(["diff", "no-such-rev"], repo.folder)
    assert result.exit_code == 2 and "unknown revision 'no-such-rev'" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = run(["check", ".", "--since", "nope"], repo.folder)
    assert result.exit_code == 2 and "unknown revision 'nope'" in result.stderr
    plain = write_tree(tmp_path / "plain", {"app.py": read("a")})
    result = run(["diff", "HEAD~1"], plain)
    assert result.exit_code == 2 and "not a git repository" in result.stderr


def test_shallow_clone_without_base(repo: Repo, tmp_path: Path) -> None:
    first = repo.commit({"app.py": read("a")}, "a")
    repo.commit({"app.py": read("b")}, "b")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.folder}", str(clone)], check=True)
    write_tree(clone, {})
    result = run(["diff", first], clone)
    assert result.exit_code == 2
    assert f"unknown revision '{first}' (this is a shallow clone: fetch the history with `git fetch --unshallow`)" in result.stderr

"""`report --history N`: the trend from the repository's own history equals the reports made at those commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import Result, run, write_tree

APP = 'import ldclient\n\nclient = ldclient.get()\n'
FLAG = '[flags.{key}]\nowner = "{owner}"\ntype = "release"\ncreated = {created}\nexpires = {expires}\n\n'


def _git(folder: Path, *args: str, when: str = "2026-01-01T12:00:00+00:00") -> str:
    environment = {
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "HOME": str(folder), "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True, env=environment).stdout.strip()


def _quarter(folder: Path, reads: list[str], flags: list[tuple[str, str, str, str]], when: str) -> str:
    """Commit the app reading `reads` and a registry of `flags` (key, owner, created, expires) on `when`."""
    body = "".join(f'\n\ndef use_{key}(user):\n    return client.variation("{key}", user, False)\n' for key in reads)
    write_tree(folder, {"app.py": APP + body, "flags.toml": "".join(FLAG.format(key=k, owner=o, created=c, expires=e) for k, o, c, e in flags)})
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", f"as of {when}", when=when)
    return _git(folder, "rev-parse", "HEAD")


def _four_quarters(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A shop whose flag debt changes every quarter of 2026; the commit that ends each of Q1 to Q3."""
    shop = write_tree(tmp_path / "shop", {"flagkeeper.toml": 'entry-points = ["app"]\n'})
    _git(shop, "init", "-q")
    search = ("new_search", "search", "2026-01-10", "2026-05-31")
    commits = {"2026Q1": _quarter(shop, ["new_search"], [search], "2026-02-01T09:00:00+00:00")}
    banner = ("banner", "growth", "2026-04-01", "2026-12-31")
    _quarter(shop, ["new_search"], [search, banner], "2026-04-15T09:00:00+00:00")  # not the last of Q2
    commits["2026Q2"] = _quarter(shop, ["new_search", "banner", "dark_mode"], [search, banner], "2026-06-20T09:00:00+00:00")
    commits["2026Q3"] = _quarter(shop, ["banner", "dark_mode"], [banner], "2026-09-30T23:00:00+00:00")
    _quarter(shop, ["banner"], [banner], "2026-11-02T09:00:00+00:00")
    return shop, commits


def _report(args: list[str], folder: Path) -> Result:
    result = run([*args, "--format", "json", "--no-links"], folder)
    assert result.exit_code == 0, result.stderr
    return result


def test_history_gives_the_figures_of_reports_made_at_those_commits(tmp_path: Path) -> None:
    shop, commits = _four_quarters(tmp_path)
    report = _report(["report", "--today", "2026-11-15", "--history", "4"], shop).json()
    assert [point["quarter"] for point in report["trend"]] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    for point in report["trend"][:3]:
        checkout = tmp_path / point["quarter"]
        _git(shop, "worktree", "add", "-q", "--detach", str(checkout), commits[point["quarter"]])
        then = _report(["report", "--today", point["today"]], checkout).json()
        assert then["quarter"] == point["quarter"] and then["headline"] == point["headline"]
    assert report["trend"][-1]["headline"] == report["headline"]
    # The quarters differ, so equal figures are not an accident of a flat history.
    debts = [point["headline"]["needing_action"] for point in report["trend"]]
    assert debts == [0, 2, 1, 1] and report["changes"]["quarter"] == "2026Q3" and report["changes"]["removed"] == ["dark_mode"]


def test_history_leaves_out_quarters_before_the_first_commit(tmp_path: Path) -> None:
    shop, _ = _four_quarters(tmp_path)
    report = _report(["report", "--today", "2026-11-15", "--history", "8"], shop).json()
    assert [point["quarter"] for point in report["trend"]][0] == "2026Q1"


def test_history_and_previous_together_or_outside_git_are_one_line(tmp_path: Path) -> None:
    shop = write_tree(tmp_path / "shop", {"app.py": "x = 1\n"})
    outside = run(["report", "--history", "4"], shop)
    assert outside.exit_code == 2 and "not a git repository" in outside.stderr and len(outside.stderr.splitlines()) == 1
    assert run(["report", "--format", "json", "--output", "last.json"], shop).exit_code == 0
    both = run(["report", "--history", "4", "--previous", "last.json"], shop)
    assert both.exit_code == 2 and "--history and --previous both give the trend: choose one" in both.stderr

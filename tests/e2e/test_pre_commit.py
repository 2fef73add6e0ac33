"""flagkeeper as a pre-commit hook, with the real pre-commit: a commit that adds an unregistered flag
is rejected with the finding shown, and a broken registry is caught by the registry hook.

pre-commit installs the hooks from this repository's committed HEAD into its own virtual
environment (from the package index), so this test takes a minute the first time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=check, env=env)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit home for the module: the hooks are installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _shop(folder: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with a registered flag, both hooks installed from this repository's HEAD."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    project = write_tree(folder, {
        "flagkeeper.toml": 'registry = "flags.toml"\n',
        "flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "permission"\n',
        "app.py": 'import ldclient\n\nif ldclient.get().variation("new-checkout", None, False):\n    pass\n',
        ".pre-commit-config.yaml": (
            f"repos:\n  - repo: {REPO.as_uri()}\n    rev: {head}\n    hooks:\n"
            "      - id: flagkeeper\n      - id: flagkeeper-registry\n"
        ),
    })  # fmt: skip
    _git(project, "init", "-q")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project, check=True, capture_output=True)
    return project


def test_a_staged_file_named_like_an_option_is_only_a_file_name(tmp_path: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path / "shop", pre_commit_home, monkeypatch)
    (project / "main.py").write_text("print('kept')\n")
    (project / "--output-file=main.py").write_text("x = 1\n")
    (project / "--config=flags.toml").mkdir()
    (project / "--config=flags.toml" / "flags.toml").write_text('[flags.new-checkout]\nowner = "payments"\ntype = "permission"\n')
    _git(project, "add", "-A")
    committed = _git(project, "commit", "-q", "-m", "files named like options", check=False)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert (project / "main.py").read_text() == "print('kept')\n"


def test_commit_with_an_unregistered_flag_is_rejected(tmp_path: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path / "shop", pre_commit_home, monkeypatch)
    _git(project, "add", "-A")
    clean = _git(project, "commit", "-q", "-m", "a registered flag", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (project / "legacy.py").write_text('import ldclient\n\nldclient.get().variation("old-debt", None, False)\n')
    _git(project, "add", "legacy.py")
    _git(project, "commit", "-q", "--no-verify", "-m", "debt from before the hook")

    (project / "checkout.py").write_text('import ldclient\n\nif ldclient.get().variation("one-click-buy", None, False):\n    pass\n')
    _git(project, "add", "checkout.py")
    rejected = _git(project, "commit", "-q", "-m", "an unregistered flag", check=False)
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0
    assert "checkout.py:3:4: FK001 flag 'one-click-buy' is read here but not registered in flags.toml" in output
    assert "old-debt" not in output  # only the staged files' findings are reported

    (project / "flags.toml").write_text((project / "flags.toml").read_text() + '\n[flags.one-click-buy]\ntype = "release"\n')
    _git(project, "add", "flags.toml")
    registry = _git(project, "commit", "-q", "-m", "registered, without owner", check=False)
    assert registry.returncode != 0
    assert "FK008 flag 'one-click-buy' has no owner" in registry.stdout + registry.stderr


def test_deleting_a_registry_entry_that_code_reads_is_rejected(tmp_path: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _shop(tmp_path / "shop", pre_commit_home, monkeypatch)
    _git(project, "add", "-A")
    assert _git(project, "commit", "-q", "-m", "a registered flag", check=False).returncode == 0
    (project / "flags.toml").write_text("")  # only the registry changes: app.py still reads the key
    _git(project, "add", "flags.toml")
    rejected = _git(project, "commit", "-q", "-m", "drop the entry", check=False)
    assert rejected.returncode != 0
    assert "app.py:3:4: FK001 flag 'new-checkout' is read here but not registered" in rejected.stdout + rejected.stderr


def _monorepo(folder: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two services, each with its config and registry (svc_b extending the root pyproject.toml), no finding yet."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    read = 'import ldclient\n\nif ldclient.get().variation("{}", None, False):\n    pass\n'
    entry = '[flags.{}]\nowner = "team"\ntype = "permission"\n'
    project = write_tree(folder, {
        "pyproject.toml": '[tool.flagkeeper]\nignore = ["FK002"]\n',
        "svc_a/flagkeeper.toml": 'registry = "flags.toml"\n', "svc_a/flags.toml": entry.format("a-checkout"), "svc_a/y.py": read.format("a-checkout"),
        "svc_b/flagkeeper.toml": 'extend = "../pyproject.toml"\n', "svc_b/flags.toml": entry.format("b-search"), "svc_b/x.py": read.format("b-search"),
        ".pre-commit-config.yaml": (
            f"repos:\n  - repo: {REPO.as_uri()}\n    rev: {head}\n    hooks:\n"
            "      - id: flagkeeper\n      - id: flagkeeper-registry\n"
        ),
    })  # fmt: skip
    _git(project, "init", "-q")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project, check=True, capture_output=True)
    _git(project, "add", "-A")
    assert _git(project, "commit", "-q", "-m", "two clean services", check=False).returncode == 0
    return project


def test_a_monorepo_commit_is_judged_the_same_whichever_services_it_touches(
    tmp_path: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _monorepo(tmp_path / "mono", pre_commit_home, monkeypatch)
    finding = "svc_b/x.py:3:4: FK001 flag 'b-search' is read here but not registered"
    (project / "svc_b" / "flags.toml").write_text("")  # a registry-only deletion: svc_b/x.py still reads the key
    _git(project, "add", "svc_b/flags.toml")
    alone = _git(project, "commit", "-q", "-m", "svc_b only", check=False)
    assert alone.returncode != 0 and finding in alone.stdout + alone.stderr

    (project / "svc_a" / "y.py").write_text((project / "svc_a" / "y.py").read_text() + "# a comment\n")
    _git(project, "add", "svc_a/y.py")  # svc_a's file now comes first: its config must not judge svc_b's registry
    both = _git(project, "commit", "-q", "-m", "both services", check=False)
    assert both.returncode != 0 and finding in both.stdout + both.stderr

    (project / "svc_b" / "flags.toml").write_text('[flags.b-search]\nowner = "team"\ntype = "permission"\n')
    _git(project, "add", "svc_b/flags.toml")  # back as it was: the change to both services is clean
    clean = _git(project, "commit", "-q", "-m", "a comment", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr

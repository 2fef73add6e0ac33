"""The workspace's overlay judges a buffer as `check` judges the same text saved, also when it reuses the base's graph."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from flagkeeper.cli.common import load_project
from flagkeeper.cli.main import selected_rules
from flagkeeper.lsp.workspace import Workspace
from tests.conftest import GUARDED_APP, write_tree

# Expired: its code is removable (FK002 on each read, FK007 on what only it reaches).
REGISTRY = '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-03-01\n'
FILES = {
    "flagkeeper.toml": 'entry-points = ["router"]\n',
    "router.py": GUARDED_APP,
    "orders.py": "def slice(order):\n    return order\n",
    "algos/__init__.py": "",
    "algos/power_peg.py": "def work(order):\n    return order\n",
    "flags.toml": REGISTRY,
}
RETIRED = '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'


def _workspace(root: Path) -> Workspace:
    load = lambda: load_project([root], None, None, dt.datetime(2026, 6, 1), require_registry=False, progress=False)  # noqa: E731
    return Workspace(load, lambda config: selected_rules(config, (), (), ()))


def _shown(findings: list) -> list[tuple[str, str, int, int, str]]:
    return [(finding.path.name, finding.code, finding.line, finding.column, finding.message) for finding in findings]


CASES = [
        # a new read inside the function: the graph's shape is unchanged, the base's graph is reused
        ("router.py", GUARDED_APP.replace("    else:\n", '        ldclient.get().variation("dark_pool", order, False)\n    else:\n')),
        # lines inserted above everything: the imports move, and the messages that name their lines
        ("router.py", "# a comment\n\n" + GUARDED_APP),
        # the guarded use becomes unguarded: another graph
        ("router.py", GUARDED_APP + "\npower_peg.work(None)\n"),
        # a new file that is not on disk yet
        ("jobs.py", 'import ldclient\nfrom algos import power_peg\n\nif ldclient.get().variation("peg_enabled", None, False):\n    power_peg.work(1)\n'),
        # the registry retires the key: every read is FK003 and the guarded module a zombie (the graph is kept, the statuses are not)
        ("flags.toml", RETIRED),
]


@pytest.mark.parametrize(("name", "text"), CASES)
def test_a_buffer_is_judged_as_the_same_text_saved(tmp_path: Path, name: str, text: str) -> None:
    editing = write_tree(tmp_path / "editing", FILES).resolve()
    saved = write_tree(tmp_path / "saved", {**FILES, name: text}).resolve()
    workspace = _workspace(editing)
    workspace.findings()  # the base first, as the server does on open
    workspace.set_buffer(editing / name, text)
    expected = _shown(_workspace(saved).findings())
    assert _shown(workspace.findings()) == expected
    assert (workspace.project.import_graph is workspace.base.import_graph) == (name == "flags.toml" or text is CASES[0][1])
    assert expected != _shown(_workspace(write_tree(tmp_path / "before", FILES).resolve()).findings())  # the edit matters


def test_closing_a_saved_buffer_reads_the_disk_again(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", FILES).resolve()
    workspace = _workspace(root)
    new_text = GUARDED_APP.replace("peg_enabled", "dark_pool")
    workspace.set_buffer(root / "router.py", new_text)
    assert "FK001" in [finding.code for finding in workspace.findings()]
    (root / "router.py").write_text(new_text)
    workspace.saved(root / "router.py")
    workspace.close_buffer(root / "router.py")
    assert "FK001" in [finding.code for finding in workspace.findings()]  # the base was built again from the disk


# orders.py reads a key nothing registers (FK001): the overlay of a read typed in router.py keeps
# that finding from the base's run; these changes on disk must replace it.
ORDERS = 'import ldclient\n\n\ndef slice(order):\n    if ldclient.get().variation("dark_pool", order, False):\n        return order\n    return order\n'
TYPED = GUARDED_APP.replace("    else:\n", '        ldclient.get().variation("peg_enabled", order, True)\n    else:\n')
DISK_CHANGES = {
    "registry edit": {"flags.toml": REGISTRY + '\n[flags.dark_pool]\nowner = "routing"\ntype = "release"\nexpires = 2026-01-01\n'},
    "config change": {"flagkeeper.toml": 'entry-points = ["router"]\n\n[per-file-ignores]\n"orders.py" = ["FK001"]\n'},
    "branch switch": {"orders.py": ORDERS.replace("dark_pool", "peg_enabled"), "algos/power_peg.py": "def work(order):\n    return 0\n"},
}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("change", DISK_CHANGES)
def test_findings_kept_from_the_base_follow_the_disk_after_a_reload(tmp_path: Path, change: str) -> None:
    files = {**FILES, "orders.py": ORDERS}
    root = write_tree(tmp_path / "editing", files).resolve()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    workspace = _workspace(root)
    workspace.findings()
    workspace.set_buffer(root / "router.py", TYPED)
    before = _shown(workspace.findings())
    assert ("orders.py", "FK001", 5, 8) in [shown[:4] for shown in before]  # from the base's run
    assert before == _shown(_workspace(write_tree(tmp_path / "typed", {**files, "router.py": TYPED}).resolve()).findings())
    if change == "branch switch":
        _git(root, "checkout", "-q", "-b", "other")
        write_tree(root, DISK_CHANGES[change])
        _git(root, "commit", "-q", "-am", "other")
    else:
        write_tree(root, DISK_CHANGES[change])
    workspace.reload()  # what the server does when the watcher reports the change
    expected = _shown(_workspace(write_tree(tmp_path / "saved", {**files, **DISK_CHANGES[change], "router.py": TYPED}).resolve()).findings())
    assert _shown(workspace.findings()) == expected
    assert expected != before


def test_two_buffers_typed_in_the_base_context_are_judged_as_saved(tmp_path: Path) -> None:
    files = {**FILES, "orders.py": ORDERS}
    typed = {"router.py": TYPED, "orders.py": ORDERS.replace("        return order\n", '        return ldclient.get().variation("lit_pool", order, 0)\n', 1)}
    root = write_tree(tmp_path / "editing", files).resolve()
    workspace = _workspace(root)
    workspace.findings()
    for name, text in typed.items():
        workspace.set_buffer(root / name, text)
    expected = _shown(_workspace(write_tree(tmp_path / "saved", {**files, **typed}).resolve()).findings())
    assert _shown(workspace.findings()) == expected
    assert [shown[:4] for shown in expected if shown[1] == "FK001"] == [("orders.py", "FK001", 5, 8), ("orders.py", "FK001", 6, 16)]


def test_an_open_registry_as_saved_keeps_the_base_registry(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "editing", FILES).resolve()
    workspace = _workspace(root)
    workspace.set_buffer(root / "flags.toml", REGISTRY)  # opened, not changed
    workspace.set_buffer(root / "router.py", TYPED)
    assert workspace.project.registry is workspace.base.registry
    assert _shown(workspace.findings()) == _shown(_workspace(write_tree(tmp_path / "saved", {**FILES, "router.py": TYPED}).resolve()).findings())
    workspace.set_buffer(root / "flags.toml", RETIRED)
    assert workspace.project.registry is not workspace.base.registry
    assert "FK003" in [finding.code for finding in workspace.findings()]

"""The import graph's named queries: what the rules and `flagkeeper graph` ask of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flagkeeper.config import load_config
from flagkeeper.project.imports import ImportGraph, KeyGuard, ModuleStatus
from flagkeeper.project.model import build_project
from tests.conftest import GUARDED_APP, write_tree

APP = GUARDED_APP


def graph_of(tmp_path: Path) -> ImportGraph:
    root = write_tree(tmp_path, {
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": APP,
        "orders.py": "import algos.power_peg\n\ndef slice(order):\n    algos.power_peg.work(order)\n",
        "algos/__init__.py": "",
        "algos/power_peg.py": "def work(order):\n    pass\n",
        "island.py": "",
    })  # fmt: skip
    return build_project([root], load_config([root]), dt.date(2026, 6, 1)).import_graph


def test_edges_carry_their_first_line_and_the_guards_of_every_use(tmp_path: Path) -> None:
    graph = graph_of(tmp_path)
    peg = graph.edge("app", "algos.power_peg")
    assert (peg.line, peg.guards) == (3, frozenset({KeyGuard("peg_enabled", True)}))
    assert graph.edge("app", "orders").guards == frozenset({KeyGuard("peg_enabled", False)})
    assert graph.edge("orders", "algos.power_peg").guards == frozenset()
    assert {(edge.source, edge.target) for edge in graph.edges()} == {
        ("app", "orders"), ("app", "algos"), ("app", "algos.power_peg"), ("orders", "algos"), ("orders", "algos.power_peg"),
    }
    assert graph.facts("algos.power_peg").path == "algos/power_peg.py"


def test_paths_and_reachability(tmp_path: Path) -> None:
    graph = graph_of(tmp_path)
    assert graph.has_path("app", "algos.power_peg") and not graph.has_path("orders", "app")
    assert graph.shortest_path("app", "algos.power_peg") == ["app", "algos.power_peg"]
    assert graph.reachable(["app"]) == {"app", "orders", "algos", "algos.power_peg"}
    # app uses each import only inside one branch or the other: no unguarded edge leaves it.
    assert graph.reachable(["app"], lambda edge: not edge.guards) == {"app"}


def test_statuses(tmp_path: Path) -> None:
    graph = graph_of(tmp_path)
    # With the else-branch dead, power_peg is still reached through orders: only orders is a zombie.
    statuses = graph.statuses(["app"], lambda edge: KeyGuard("peg_enabled", False) not in edge.guards)
    assert statuses == {
        "app": ModuleStatus.ENTRY_POINT,
        "orders": ModuleStatus.ZOMBIE,
        "algos": ModuleStatus.REACHABLE,
        "algos.power_peg": ModuleStatus.REACHABLE,
        "island": ModuleStatus.UNREACHABLE,
    }

"""`flagkeeper graph`: the import graph as text, Graphviz dot or JSON, from a plain record of it.

The command builds the `GraphView` from the project model; these renderers only format it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from flagkeeper.output.escape import dot_string, printable
from flagkeeper.project.imports import ModuleStatus


@dataclass(frozen=True)
class GraphGuard:
    """A flag check an import edge sits behind: the edge is used when `key` is `polarity`."""

    key: str | None  # None: the key is dynamic
    polarity: bool
    dead: bool  # the flag is stuck at the other value

    @property
    def label(self) -> str:
        key = self.key if self.key is not None else "<dynamic key>"
        return key if self.polarity else f"not {key}"


@dataclass(frozen=True)
class GraphModule:
    name: str
    path: str
    status: ModuleStatus


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    line: int
    guards: tuple[GraphGuard, ...]  # sorted by label; empty when some use is unguarded


@dataclass(frozen=True)
class GraphView:
    """What `flagkeeper graph` shows: modules sorted by name, edges by source and target."""

    entry_points: list[str]
    modules: tuple[GraphModule, ...]
    edges: tuple[GraphEdge, ...]
    reasons: tuple[tuple[str, tuple[str, ...]], ...] = ()  # entry module -> why it is one


def render_entry_points_text(view: GraphView) -> str:
    """`graph --entry-points`: each entry module, its path, and every reason it is one."""
    paths = {module.name: module.path for module in view.modules}
    lines = [f"Entry points ({len(view.reasons)}):"]
    for module, reasons in view.reasons:
        lines += [f"  {module}  {paths[module]}", *(f"      {reason}" for reason in reasons)]
    return "\n".join(map(printable, lines)) + "\n"


def render_entry_points_json(view: GraphView) -> str:
    paths = {module.name: module.path for module in view.modules}
    points = [{"module": module, "path": paths[module], "reasons": list(reasons)} for module, reasons in view.reasons]
    return json.dumps({"entry_points": points}, indent=2) + "\n"


def render_graph_json(view: GraphView) -> str:
    nodes = [{"module": module.name, "path": module.path, "status": module.status} for module in view.modules]
    edges = [
        {
            "source": edge.source, "target": edge.target, "line": edge.line,
            "guards": [{"key": guard.key, "polarity": guard.polarity} for guard in edge.guards],
        }
        for edge in view.edges
    ]  # fmt: skip
    return json.dumps({"entry_points": view.entry_points, "nodes": nodes, "edges": edges}, indent=2) + "\n"


_DOT_STYLE = {
    ModuleStatus.ENTRY_POINT: 'style=filled, fillcolor="#cfe3ff"',
    ModuleStatus.REACHABLE: "",
    ModuleStatus.UNREACHABLE: 'style="filled,dashed", fillcolor="#e0e0e0", fontcolor="#555555"',
    ModuleStatus.ZOMBIE: 'style=filled, fillcolor="#ffb4a2"',
}


def render_graph_dot(view: GraphView) -> str:
    """Graphviz: entry points blue, unreachable grey and dashed, zombies red; guarded edges labelled."""
    lines = ["digraph imports {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica", fontsize=10];']
    for module in view.modules:
        style = _DOT_STYLE[module.status]
        lines.append(f"  {dot_string(module.name)}" + (f" [{style}];" if style else ";"))
    for edge in view.edges:
        if not edge.guards:
            lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)};")
            continue
        colour = "#c0392b" if any(guard.dead for guard in edge.guards) else "#7f8c8d"
        label = " and ".join(guard.label for guard in edge.guards)
        attributes = f'label={dot_string(label)}, style=dashed, color="{colour}", fontcolor="{colour}"'
        lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)} [{attributes}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph_text(view: GraphView) -> str:
    counts = Counter(module.status for module in view.modules)
    lines = [
        f"Entry points ({len(view.entry_points)}): {', '.join(view.entry_points)}",
        f"Modules: {len(view.modules)} ({counts[ModuleStatus.ENTRY_POINT] + counts[ModuleStatus.REACHABLE]} reachable, "
        f"{counts[ModuleStatus.UNREACHABLE]} unreachable, {counts[ModuleStatus.ZOMBIE]} zombie); import edges: {len(view.edges)}",
    ]
    for title, wanted in (("Unreachable modules (FK006)", ModuleStatus.UNREACHABLE), ("Zombie modules (FK007)", ModuleStatus.ZOMBIE)):
        found = [module for module in view.modules if module.status == wanted]
        if found:
            lines += ["", f"{title}:"]
            width = max(len(module.name) for module in found)
            lines += [f"  {module.name.ljust(width)}  {module.path}" for module in found]
    return "\n".join(map(printable, lines)) + "\n"

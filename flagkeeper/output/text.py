"""Text output: findings as `path:line:col: CODE message` (ruff's concise format), statistics, aligned tables, and the import graph.

Paths and messages carry text from the checkout (flag keys, file names): it is shown with repr
escapes (output/escape.py), here, once for every rule, so a key cannot write lines of its own
or send control sequences to the terminal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import click

from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.output.escape import dot_string, printable
from flagkeeper.paths import display_path
from flagkeeper.project.imports import KeyGuard
from flagkeeper.project.model import Project


def render_text(diagnostics: list[Diagnostic], files: int | None = None) -> str:
    """ruff's shape, `path:line:col: CODE message`, styled: the caller strips the style off a non-terminal."""
    colour = {ERROR: "red"}
    lines = [
        f"{click.style(printable(display_path(d.path)), bold=True)}:{d.line}:{d.column}: "
        f"{click.style(d.code, fg=colour.get(d.severity, 'yellow'), bold=True)} {printable(d.message)}"
        for d in diagnostics
    ]
    if not diagnostics:
        return "All checks passed" + (f" ({files} Python files)" if files is not None else "") + ".\n"
    errors = sum(1 for d in diagnostics if d.severity == ERROR)
    counted = Counter(display_path(d.path) for d in diagnostics)
    noun = "finding" if len(diagnostics) == 1 else "findings"
    lines.append(
        f"Found {len(diagnostics)} {noun} in {len(counted)} files "
        f"({errors} errors, {len(diagnostics) - errors} warnings)."
    )
    return "\n".join(lines) + "\n"


def render_statistics(diagnostics: list[Diagnostic]) -> str:
    """Findings per rule, most first, as `ruff --statistics` prints them."""
    counted = Counter((d.code, d.name) for d in diagnostics)
    lines = [f"{count:>5}  {code}  {name}" for (code, name), count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join([*lines, f"Found {len(diagnostics)} findings."]) + "\n"


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows (the first is the header) as lines with aligned columns, two spaces apart."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _guard_label(guard: KeyGuard) -> str:
    key = guard.key if guard.key is not None else "<dynamic key>"
    return key if guard.polarity else f"not {key}"


def render_graph_json(project: Project) -> str:
    graph = project.import_graph
    nodes = [
        {"module": module, "path": graph.nodes[module]["facts"].path, "status": status}
        for module, status in sorted(project.module_status.items())
    ]
    edges = [
        {
            "source": source, "target": target, "line": data["line"],
            "guards": [{"key": guard.key, "polarity": guard.polarity} for guard in sorted(data["guards"], key=_guard_label)],
        }
        for source, target, data in sorted(graph.edges(data=True), key=lambda edge: (edge[0], edge[1]))
    ]  # fmt: skip
    return json.dumps({"entry_points": project.entry_points, "nodes": nodes, "edges": edges}, indent=2) + "\n"


_DOT_STYLE = {
    "entry-point": 'style=filled, fillcolor="#cfe3ff"',
    "reachable": "",
    "unreachable": 'style="filled,dashed", fillcolor="#e0e0e0", fontcolor="#555555"',
    "zombie": 'style=filled, fillcolor="#ffb4a2"',
}


def render_graph_dot(project: Project) -> str:
    """Graphviz: entry points blue, unreachable grey and dashed, zombies red; guarded edges labelled."""
    lines = ["digraph imports {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica", fontsize=10];']
    for module, status in sorted(project.module_status.items()):
        style = _DOT_STYLE[status]
        lines.append(f"  {dot_string(module)}" + (f" [{style}];" if style else ";"))
    for source, target, data in sorted(project.import_graph.edges(data=True), key=lambda edge: (edge[0], edge[1])):
        guards = sorted(data["guards"], key=_guard_label)
        if not guards:
            lines.append(f"  {dot_string(source)} -> {dot_string(target)};")
            continue
        colour = "#c0392b" if any(project.is_dead(guard) for guard in guards) else "#7f8c8d"
        label = " and ".join(_guard_label(guard) for guard in guards)
        lines.append(f'  {dot_string(source)} -> {dot_string(target)} [label={dot_string(label)}, style=dashed, color="{colour}", fontcolor="{colour}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph_text(project: Project) -> str:
    status = project.module_status
    graph = project.import_graph
    counts = Counter(status.values())
    lines = [
        f"Entry points ({len(project.entry_points)}): {', '.join(project.entry_points)}",
        f"Modules: {len(status)} ({counts['entry-point'] + counts['reachable']} reachable, "
        f"{counts['unreachable']} unreachable, {counts['zombie']} zombie); import edges: {graph.number_of_edges()}",
    ]
    for title, wanted in (("Unreachable modules (FK006)", "unreachable"), ("Zombie modules (FK007)", "zombie")):
        modules = sorted(module for module, found in status.items() if found == wanted)
        if modules:
            lines += ["", f"{title}:"]
            width = max(map(len, modules))
            lines += [f"  {module.ljust(width)}  {graph.nodes[module]['facts'].path}" for module in modules]
    return "\n".join(map(printable, lines)) + "\n"

"""Reporters: format diagnostics and the inventory. They only format; they decide nothing."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import click

from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.paths import display_path
from flagkeeper.project.inventory import InventoryEntry, Place


def render_text(diagnostics: list[Diagnostic], files: int | None = None) -> str:
    """ruff's shape, `path:line:col: CODE message`, styled: the caller strips the style off a non-terminal."""
    colour = {ERROR: "red"}
    lines = [
        f"{click.style(display_path(d.path), bold=True)}:{d.line}:{d.column}: "
        f"{click.style(d.code, fg=colour.get(d.severity, 'yellow'), bold=True)} {d.message}"
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


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    d = diagnostic
    return {
        "code": d.code, "name": d.name, "severity": d.severity, "message": d.message,
        "path": display_path(d.path), "line": d.line, "column": d.column, "key": d.key,
    }  # fmt: skip


def render_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([diagnostic_record(d) for d in diagnostics], indent=2) + "\n"


def render_statistics(diagnostics: list[Diagnostic]) -> str:
    """Findings per rule, most first, as `ruff --statistics` prints them."""
    counted = Counter((d.code, d.name) for d in diagnostics)
    lines = [f"{count:>5}  {code}  {name}" for (code, name), count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join([*lines, f"Found {len(diagnostics)} findings."]) + "\n"


def _place_record(place: Place) -> dict[str, Any]:
    record = {name: value for name, value in asdict(place).items() if value is not None}
    record["path"] = display_path(place.path)
    return record


def render_inventory_json(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    flags = []
    for entry in entries:
        record = asdict(entry)
        record["references"] = [_place_record(place) for place in entry.places]
        del record["places"]
        flags.append(record)
    return json.dumps({"flags": flags, "dynamic": [_place_record(place) for place in dynamic]}, indent=2) + "\n"


_CSV_COLUMNS = ("key", "status", "owner", "type", "expires", "kind", "path", "line", "column", "pack", "call", "function", "guard", "polarity")


def render_inventory_csv(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = [(asdict(entry), place) for entry in entries for place in entry.places or (None,)]
    rows += [({"key": "", "status": "dynamic"}, place) for place in dynamic]
    for entry_fields, place in rows:
        row = {name: entry_fields.get(name) for name in _CSV_COLUMNS[:5]}
        if place is not None:
            row.update(_place_record(place))
        writer.writerow(row)
    return out.getvalue()


def format_table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows (the first is the header) as lines with aligned columns, two spaces apart."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def flag_table(entries: list[InventoryEntry]) -> list[str]:
    """One line per key: status, owner, type, expiry and how many places read it."""
    rows = [("KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS")]
    rows += [(e.key, e.status, e.owner or "-", e.type or "-", e.expires or "-", str(len(e.places))) for e in entries]
    return format_table(rows)


def render_inventory_table(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    table = flag_table(entries)
    lines = [table[0]]
    for line, entry in zip(table[1:], entries, strict=True):
        lines.append(line)
        lines += [f"    {_describe(place)}" for place in entry.places]
    if dynamic:
        lines.append(f"\n{len(dynamic)} reads with a key that cannot be resolved statically (FK009):")
        lines += [f"    {_describe(place)}" for place in dynamic]
    return "\n".join(lines) + "\n"


def _describe(place: Place) -> str:
    where = f"{display_path(place.path)}:{place.line}:{place.column}"
    if place.kind == "text":
        return f"{where}  (text)"
    detail = [place.call or "", f"in {place.function}" if place.function else "", f"[{place.guard}]" if place.guard else ""]
    return "  ".join([where, *filter(None, detail)])

"""Reporters: format diagnostics and the inventory. They only format; they decide nothing."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flagkeeper.diagnostics import ERROR, Diagnostic
from flagkeeper.inventory import InventoryEntry, Place


def display_path(path: Path) -> str:
    """Relative to the working folder when below it (as ruff prints), else absolute; always `/`."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_relative_to(Path.cwd()) else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def render_text(diagnostics: list[Diagnostic], files: int) -> str:
    lines = [f"{display_path(d.path)}:{d.line}:{d.column}: {d.code} {d.message}" for d in diagnostics]
    if not diagnostics:
        return f"All checks passed ({files} Python files).\n"
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


def render_inventory_table(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    header = ("KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS")
    rows = [
        (entry.key, entry.status, entry.owner or "-", entry.type or "-", entry.expires or "-", str(len(entry.places)))
        for entry in entries
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = []
    for row, entry in zip([header, *rows], [None, *entries]):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        for place in entry.places if entry else ():
            lines.append(f"    {_describe(place)}")
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

"""The inventory (every flag key with its references) as a table, JSON or CSV.

Keys, owners, file names and function names come from the checkout: the table shows them
with repr escapes, CSV cells that a spreadsheet would run as a formula are prefixed with `'`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from flagkeeper.output.escape import csv_cell, printable
from flagkeeper.output.text import format_table
from flagkeeper.paths import display_path
from flagkeeper.project.inventory import Definition, InventoryEntry, Place


def _place_record(place: Place | Definition) -> dict[str, Any]:
    record = {name: value for name, value in asdict(place).items() if value is not None}
    record["path"] = display_path(place.path)
    return record


def _sources(entry: InventoryEntry) -> str:
    return ",".join(dict.fromkeys(found.source for found in entry.sources)) or "-"


def render_inventory_json(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    flags = []
    for entry in entries:
        record = asdict(entry)
        record["references"] = [_place_record(place) for place in entry.places]
        record["sources"] = [_place_record(found) for found in entry.sources]
        record["overrides"] = [_place_record(place) for place in entry.overrides]
        del record["places"]
        flags.append(record)
    return json.dumps({"flags": flags, "dynamic": [_place_record(place) for place in dynamic]}, indent=2) + "\n"


_CSV_COLUMNS = (
    "key", "status", "owner", "type", "expires", "kind", "path", "line", "column", "pack", "call", "function", "guard", "polarity", "alias",
)  # fmt: skip


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
        writer.writerow({name: csv_cell(value) for name, value in row.items()})
    return out.getvalue()


def flag_table(entries: list[InventoryEntry]) -> list[str]:
    """One line per key: status, owner, type, expiry, how many places read it and where it is registered."""
    rows = [("KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS", "SOURCES")]
    rows += [(e.key, e.status, e.owner or "-", e.type or "-", e.expires or "-", str(len(e.places)), _sources(e)) for e in entries]
    return format_table(rows)


def render_inventory_table(entries: list[InventoryEntry], dynamic: list[Place]) -> str:
    table = flag_table(entries)
    lines = [table[0]]
    for line, entry in zip(table[1:], entries, strict=True):
        lines.append(line)
        lines += [f"    {_describe(place)}" for place in entry.places + entry.overrides]
    if dynamic:
        lines.append(f"\n{len(dynamic)} reads with a key that cannot be resolved statically (FK009):")
        lines += [f"    {_describe(place)}" for place in dynamic]
    return "\n".join(lines) + "\n"


def _describe(place: Place) -> str:
    where = f"{display_path(place.path)}:{place.line}:{place.column}"
    if place.kind == "text":
        return printable(f"{where}  (text, alias {place.alias})" if place.alias else f"{where}  (text)")
    if place.kind not in ("python", "override"):  # a frontend read: its language and SDK (pack), and the alias that matched
        alias = f", alias {place.alias}" if place.alias else ""
        return printable(f"{where}  {place.call}  ({place.kind}, {place.pack}{alias})")
    detail = [place.call or "", f"in {place.function}" if place.function else "", f"[{place.guard}]" if place.guard else ""]
    if place.kind == "override":  # a test or settings block sets the flag: not a read
        detail.append(f"(override{' = ' + place.value if place.value else ''})")
    return printable("  ".join([where, *filter(None, detail)]))

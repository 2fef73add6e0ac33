"""The baseline: known findings a legacy codebase adopts flagkeeper with, so CI fails only on new ones.

An entry matches on a finding's identity (output/identity.py, shared with SARIF and GitLab):
never on line numbers, so unrelated edits above a finding, or an expiry that is one more day
overdue, keep it matched. Identical findings are counted, so a second copy is new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.identity import fingerprint, identities
from flagkeeper.paths import relative_path, write_output
from flagkeeper.tomlread import parse_json


def write_baseline(path: Path, diagnostics: list[Diagnostic], root: Path) -> None:
    """Record `diagnostics` as the baseline at `path`; an unwritable path is a FlagkeeperError."""
    counted = Counter((fingerprint(d, root), d.code, relative_path(d.path, root), d.key) for d in diagnostics)
    entries = [
        {"fingerprint": print_, "code": code, "path": where, "key": key, "count": count}
        for (print_, code, where, key), count in sorted(counted.items(), key=lambda item: (item[0][2], item[0][1], item[0][0]))
    ]
    write_output(path, json.dumps({"version": 1, "findings": entries}, indent=2) + "\n", "the baseline")


def load_baseline(path: Path) -> Counter[str]:
    try:
        data = parse_json(path.read_text(encoding="utf-8"), path, "invalid baseline JSON")
        return Counter({entry["fingerprint"]: int(entry["count"]) for entry in data["findings"]})
    except FileNotFoundError:
        raise FlagkeeperError("baseline not found (write one with --write-baseline)", path) from None
    except (OSError, KeyError, TypeError, ValueError) as error:
        raise FlagkeeperError(f"not a flagkeeper baseline ({error!r})", path) from None


def without_baseline(diagnostics: list[Diagnostic], known: Counter[str], root: Path) -> list[Diagnostic]:
    """The findings the baseline does not account for."""
    return [d for d, identity in zip(diagnostics, identities(diagnostics, root), strict=True) if identity.occurrence > known[identity.fingerprint]]

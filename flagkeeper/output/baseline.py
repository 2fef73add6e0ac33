"""The baseline: known findings a legacy codebase adopts flagkeeper with, so CI fails only on new ones.

An entry matches on the rule code, the file, the flag key and the message with every number
masked, never on line numbers: unrelated edits above a finding, or an expiry that is one more
day overdue, keep it matched. Identical findings are counted, so a second copy is new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path, write_text_atomically
from flagkeeper.tomlread import parse_json

_NUMBER = re.compile(r"\d+")


def stable_message(message: str) -> str:
    """The message with its numbers masked: line numbers and day counts move, the finding does not."""
    return _NUMBER.sub("#", message)


def fingerprint(diagnostic: Diagnostic, root: Path) -> str:
    parts = (diagnostic.code, relative_path(diagnostic.path, root), diagnostic.key or "", stable_message(diagnostic.message))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def write_baseline(path: Path, diagnostics: list[Diagnostic], root: Path) -> None:
    counted = Counter((fingerprint(d, root), d.code, relative_path(d.path, root), d.key) for d in diagnostics)
    entries = [
        {"fingerprint": print_, "code": code, "path": where, "key": key, "count": count}
        for (print_, code, where, key), count in sorted(counted.items(), key=lambda item: (item[0][2], item[0][1], item[0][0]))
    ]
    write_text_atomically(path, json.dumps({"version": 1, "findings": entries}, indent=2) + "\n")


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
    left = Counter(known)
    new = []
    for diagnostic in diagnostics:
        key = fingerprint(diagnostic, root)
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(diagnostic)
    return new

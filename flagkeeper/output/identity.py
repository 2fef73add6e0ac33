"""A finding's identity: what the baseline, SARIF (partialFingerprints) and GitLab (fingerprint) all recognise it by.

A finding is its rule code, its file relative to the project root (never to the working folder,
so CI and a developer's shell agree), its flag key and its message with every number masked
(line numbers and day counts move, the finding does not), plus its occurrence index among
identical findings, so that two identical findings in one file stay two. Never the line: a
finding keeps its identity when code above it moves.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import msgspec

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.paths import relative_path

_NUMBER = re.compile(r"\d+")


def stable_message(message: str) -> str:
    """The message with its numbers masked: line numbers and day counts move, the finding does not."""
    return _NUMBER.sub("#", message)


def fingerprint(diagnostic: Diagnostic, root: Path) -> str:
    """The hash of what identifies a finding, without its occurrence index (the baseline's `fingerprint`)."""
    d = diagnostic
    parts = (d.code, relative_path(d.path, root), d.key or "", stable_message(d.message))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


class Identity(msgspec.Struct, frozen=True):
    fingerprint: str
    occurrence: int  # 1 for the first finding with this fingerprint in the run, 2 for the next...

    def __str__(self) -> str:
        return f"{self.fingerprint}:{self.occurrence}"


def identities(diagnostics: Iterable[Diagnostic], root: Path) -> list[Identity]:
    """Each finding's identity, in the order given."""
    seen: Counter[str] = Counter()
    found = []
    for diagnostic in diagnostics:
        print_ = fingerprint(diagnostic, root)
        seen[print_] += 1
        found.append(Identity(print_, seen[print_]))
    return found

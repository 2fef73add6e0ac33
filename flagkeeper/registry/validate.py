"""What `registry add`, `set` and `extend` refuse before they touch flags.toml.

A key no active rule pack could read (every pack that says which keys it reads, through its
`key-pattern`, rules it out, and no pack reads any key) and dates that cannot be right: an
expiry on or before the flag's creation, an expiry in the past (unless the user says so), an
extension that does not move the expiry forward. Every problem is reported, one line each.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flagkeeper.analysis.packs import Pack
from flagkeeper.errors import FlagkeeperError, FlagkeeperErrors


@dataclass(frozen=True)
class EditRules:
    """What an edit of one entry must respect, as of `today`."""

    today: dt.date
    allow_past: bool = False
    # (pack name, key-pattern) of the active packs; empty when some active pack reads any key.
    key_patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def problems(self, key: str, created: dt.date | None, expires: dt.date | None, previous: dt.date | None = None) -> list[str]:
        """Each way an entry `key` created on `created` and expiring on `expires` breaks the rules;
        `previous` is the expiry an extension moves from."""
        found = []
        if self.key_patterns and not any(pattern.search(key) for _, pattern in self.key_patterns):
            shown = "; ".join(f"{name}: {pattern.pattern}" for name, pattern in self.key_patterns)
            found.append(f"'{key}' matches no active rule pack's key-pattern ({shown}): no code could read it")
        if expires is None:
            return found
        if created is not None and expires <= created:
            found.append(f"'{key}' would expire on {expires}, not after it was created ({created})")
        if expires < self.today and not self.allow_past:
            found.append(f"'{key}' would expire on {expires}, before today ({self.today}): give --allow-past if that is meant")
        if previous is not None and expires <= previous:
            found.append(f"'{key}' expires on {previous} already: an extension moves the date forward")
        return found

    def check(self, key: str, created: dt.date | None, expires: dt.date | None, previous: dt.date | None = None,
              where: Path | None = None, line: int | None = None) -> None:  # fmt: skip
        """Raise every problem at once (one line each, at the entry's `line` of `where`), or nothing."""
        problems = self.problems(key, created, expires, previous)
        if problems:
            raise FlagkeeperErrors([FlagkeeperError(problem, where, line) for problem in problems])


def key_patterns(packs: Iterable[Pack]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The key-patterns that decide which keys the packs can read: none when some pack reads any key."""
    patterns = [(pack.name, pack.key_pattern) for pack in packs]
    return () if any(pattern is None for _, pattern in patterns) else tuple((name, p) for name, p in patterns if p is not None)

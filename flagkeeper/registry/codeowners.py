"""CODEOWNERS, read as GitHub reads it: who owns a file, for `flagkeeper init` to name a flag's owner.

GitHub takes the first of .github/CODEOWNERS, CODEOWNERS and docs/CODEOWNERS. Each line is a
gitignore-style pattern followed by owners; the last line that matches a file wins, and a
matching line with no owners leaves the file unowned. `!` negation is not supported by GitHub,
so such lines are skipped, as GitHub skips them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from flagkeeper.tomlread import read_text

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class CodeOwners:
    """The rules of one CODEOWNERS file, in file order."""

    rules: tuple[tuple[pathspec.GitIgnoreSpec, tuple[str, ...]], ...]

    def owners(self, relative: str) -> tuple[str, ...]:
        """The owners of a file (a POSIX path relative to the repository root); empty when none."""
        return next((owners for spec, owners in reversed(self.rules) if spec.match_file(relative)), ())

    def sole_owner(self, files: Iterable[str]) -> str | None:
        """The one owner every file has, when each has exactly that one owner; else None."""
        found = {self.owners(relative) for relative in files}
        only = found.pop() if len(found) == 1 else ()
        return only[0] if len(only) == 1 else None


def parse_codeowners(text: str) -> CodeOwners:
    rules = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith(("#", "!")):  # a comment (`\\#` escapes a pattern's #), or a negation
            continue
        owners = tuple(itertools.takewhile(lambda word: not word.startswith("#"), words[1:]))  # a comment may end the line
        rules.append((pathspec.GitIgnoreSpec.from_lines([words[0]]), owners))
    return CodeOwners(tuple(rules))


def load_codeowners(root: Path) -> CodeOwners | None:
    """The repository's CODEOWNERS (the first GitHub would use), or None when it has none."""
    found = next((root / place for place in LOCATIONS if (root / place).is_file()), None)
    return parse_codeowners(read_text(found)) if found else None

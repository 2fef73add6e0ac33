"""What `flagkeeper remove` knows about the whole project without reading it: from the facts.

The per-file analysis records which names each file uses (FileFacts.names), which functions,
constants and imports it has, and the cache keeps them; a removal reads and parses only the
files it changes and those that define something it may have left unused. `ProjectTexts`
reads a file's text when first asked for it; `NameUses` counts the files that use each name,
as the project is now, so "does anything still use `_helper`?" is one lookup.
"""

from __future__ import annotations

import io
import tokenize
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.scan import decode_source
from flagkeeper.tomlread import read_bytes


def _read(path: Path) -> tuple[str, str]:
    """A source file's text, line endings untouched, and its encoding (PEP 263 cookie or BOM)."""
    data = read_bytes(path)
    text = decode_source(data, path)  # a bad cookie or bad bytes are an error here, once
    return text, tokenize.detect_encoding(io.BytesIO(data).readline)[0]


class ProjectTexts(Mapping[str, "str | None"]):
    """Every file's current text by project path: the new text of a changed file (None: deleted),
    else the file as it is on disk, read when first asked for."""

    def __init__(self, root: Path, paths: Iterable[str]):
        self.root = root
        self.paths = frozenset(paths)
        self.changed: dict[str, str | None] = {}
        self._original: dict[str, tuple[str, str]] = {}

    def _read(self, path: str) -> tuple[str, str]:
        if path not in self._original:
            self._original[path] = _read(self.root / path)
        return self._original[path]

    def original(self, path: str) -> str:
        return self._read(path)[0]

    def encoding(self, path: str) -> str:
        return self._read(path)[1]

    def __getitem__(self, path: str) -> str | None:
        if path in self.changed:
            return self.changed[path]
        if path not in self.paths:
            raise KeyError(path)
        return self.original(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def uses_of(facts: FileFacts) -> frozenset[str]:
    """The names a file uses: those it reads, and the last name of each import (`from m import _f`
    keeps `_f` alive even where the file never calls it: another module may import it from there)."""
    return frozenset(facts.names.split()) | {target.rpartition(".")[2] for target, *_ in facts.imports}


class NameUses:
    """How many files use each name, test files counted apart."""

    def __init__(self) -> None:
        self.everywhere: Counter[str] = Counter()
        self.outside_tests: Counter[str] = Counter()

    def add(self, names: AbstractSet[str], is_test: bool, sign: int = 1) -> None:
        """Count the file's names in (sign 1) or out (-1); a set, so each name counts once per file."""
        for counter in (self.everywhere,) if is_test else (self.everywhere, self.outside_tests):
            if sign > 0:
                counter.update(names)  # an iterable is counted in C (a mapping would be in Python)
            else:
                counter.subtract(names)

    def __call__(self, name: str, skip_tests: bool = False) -> bool:
        """Does some file (some file outside the tests) use `name`?"""
        return (self.outside_tests if skip_tests else self.everywhere)[name] > 0

    def copy(self) -> NameUses:
        copy = NameUses()
        copy.everywhere, copy.outside_tests = self.everywhere.copy(), self.outside_tests.copy()
        return copy

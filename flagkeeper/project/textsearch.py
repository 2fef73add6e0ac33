"""The project's non-Python text files and the searches of them (FK005's keys, the dead-code
confidence's module names), which a run with the cache repeats only for files that changed.

What a search finds in one file depends only on that file's bytes and path and on the search's
own inputs (keys and aliases, module names). So a search stores, per file, the file's digest
(model.text_keys: from its stamp, a warm run reads no file) beside what it found there, the
lines already counted; the next run with the same inputs takes the stored finds of every file
whose digest is unchanged and reads and searches only the others. One entry per search, not per
file: the run store keeps a few entries, and a search has thousands of files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from flagkeeper.paths import relative_path
from flagkeeper.project.textrefs import TextMatch, decoded_text, defines_flags, read_text_file

if TYPE_CHECKING:
    from flagkeeper.analysis.cache import Cache


class _Searched(msgspec.Struct, frozen=True, array_like=True):
    """A file as a search last saw it: the digest of its bytes and what was found in them."""

    digest: str
    found: list[TextMatch]


FileSearch = Callable[[str, str], list[TextMatch]]  # (path relative to the root, text) -> its matches


class TextFiles:
    """The text files a run searches, each read at most once; `manifests` (deploy manifests given
    to --fleet) are never searched, whatever they hold."""

    def __init__(self, paths: tuple[Path, ...], root: Path, digests: tuple[str, ...] = (), read: dict[Path, bytes] | None = None,
                 cache: Cache | None = None, manifests: frozenset[Path] = frozenset()):  # fmt: skip
        self.root = root
        # Resolved only when there are manifests to compare with: a realpath per file is costly.
        searched = [(path, digest) for path, digest in zip(paths, digests or ("",) * len(paths), strict=True)]
        self._files = [(path, digest) for path, digest in searched if not (manifests and path.resolve() in manifests)]
        self._read = read if read is not None else {}  # bytes text_keys read for the digests: not read twice
        self._cache = cache if digests else None  # without the digests a stored search cannot be checked
        self._texts: dict[Path, str | None] = {}
        self._found: dict[tuple[str, ...], list[tuple[Path, list[TextMatch]]]] = {}

    def text(self, path: Path) -> str | None:
        """The text of `path` as searched; None for one that is not: too large, unreadable, or a
        file that defines flags rather than reads them (registries, exports, deploy manifests)."""
        if path not in self._texts:
            data = self._read.pop(path, None)
            text = decoded_text(data) if data is not None else read_text_file(path)
            self._texts[path] = None if text is None or defines_flags(path, text) else text
        return self._texts[path]

    def search(self, name: str, inputs: Iterable[str], per_file: FileSearch) -> list[tuple[Path, list[TextMatch]]]:
        """Every file with a match of `per_file`, in the run's order, with its matches. `name` and
        `inputs` (with the root) name the search: they must say everything besides a file's path
        and text that decides what `per_file` finds. A search asked again (the language server's
        every edit, `inventory` after FK005) is answered from memory."""
        asked = (name, *inputs)
        if asked not in self._found:
            self._found[asked] = self._stored_search(asked, per_file) if self._cache else self._search_every_file(per_file)
        return self._found[asked]

    def _search_every_file(self, per_file: FileSearch) -> list[tuple[Path, list[TextMatch]]]:
        found = ((path, self.text(path)) for path, _ in self._files)
        return [(path, matches) for path, text in found if text is not None and (matches := per_file(relative_path(path, self.root), text))]

    def _stored_search(self, asked: tuple[str, ...], per_file: FileSearch) -> list[tuple[Path, list[TextMatch]]]:
        """The search with the cache: what a file's digest says, for files the stored entry saw
        with the same digest; read and searched now for the others."""
        assert self._cache is not None
        key = self._cache.key("text search", str(self.root), *asked)
        stored = self._cache.run(key, dict[str, _Searched]) or {}
        seen: dict[str, _Searched] = {}
        for path, digest in self._files:
            searched = stored.get(str(path))
            if searched is None or searched.digest != digest:
                text = self.text(path)
                searched = _Searched(digest, [] if text is None else per_file(relative_path(path, self.root), text))
            seen[str(path)] = searched
        if seen != stored:  # a file changed, came or went (an entry used is kept by Cache.run)
            self._cache.save_run(key, seen)
        return [(path, seen[str(path)].found) for path, _ in self._files if seen[str(path)].found]

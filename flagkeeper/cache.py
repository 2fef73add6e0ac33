"""The FileFacts cache: one entry per file, keyed by everything the per-file analysis depends on.

An entry's name is a hash of the file's bytes, its project path, module name and package-ness,
and the analyser itself: flagkeeper's version, the source of the modules that do the analysis
(so a development checkout never reads stale facts), and the active rule packs with the
config's key patterns. A changed input is a different name, so nothing is ever invalidated in
place. Entries are written to a temporary file and renamed, so concurrent runs and crashes
leave whole entries or none; an entry that cannot be read back is analysed again and
rewritten, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import flagkeeper
from flagkeeper import analysis, facts, flagreads, structure, suppressions
from flagkeeper.facts import FileFacts
from flagkeeper.packs import Matcher

DEFAULT_DIR = ".flagkeeper_cache"
_ANALYSER_MODULES = (analysis, facts, flagreads, structure, suppressions)
# What tools look for to leave a cache folder alone: git (.gitignore) and backup tools (CACHEDIR.TAG).
_MARKERS = {
    ".gitignore": "# Created by flagkeeper\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# This is a cache folder created by flagkeeper.\n",
}


def analyser_fingerprint(matcher: Matcher) -> str:
    """What, besides a file itself, decides its FileFacts."""
    digest = hashlib.blake2b(flagkeeper.__version__.encode(), digest_size=16)
    for module in _ANALYSER_MODULES:
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(repr(matcher.packs).encode())
    return digest.hexdigest()


class FactsCache:
    def __init__(self, folder: Path, matcher: Matcher):
        self.folder = folder
        self.salt = analyser_fingerprint(matcher).encode()

    def key(self, path: str, module: str, is_package: bool, data: bytes) -> str:
        digest = hashlib.blake2b(self.salt, digest_size=20)
        digest.update(f"{path}\0{module}\0{is_package}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / "facts" / key[:2] / key

    def get(self, key: str) -> FileFacts | None:
        try:
            found = pickle.loads(self._entry(key).read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # a torn or foreign entry is a miss: it is analysed again and rewritten
            return None
        return found if isinstance(found, FileFacts) else None

    def put(self, key: str, found: FileFacts) -> None:
        """Store an entry; a cache that cannot be written only costs speed, so errors are ignored."""
        entry = self._entry(key)
        with contextlib.suppress(OSError):
            if not entry.parent.is_dir():
                self._create_folders(entry.parent)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(found, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, entry)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

    def _create_folders(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in _MARKERS.items():
            marker = self.folder / name
            if not marker.exists():
                marker.write_text(text, encoding="utf-8")

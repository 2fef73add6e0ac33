"""The cache: FileFacts per file, and the findings of whole `check` runs.

A FileFacts entry's name is a hash of the file's bytes, its project path, module name and
package-ness, and the analyser: flagkeeper's version, its source (so a development checkout
never reads stale entries), and the active rule packs with the config's key patterns. A run's
entry is named by every input of the run (model.Project.fingerprint). A changed input is a
different name, so nothing is ever invalidated in place. Entries are written to a temporary
file and renamed, so concurrent runs and crashes leave whole entries or none; an entry that
cannot be read back is a miss, computed again and rewritten, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TypeVar

import flagkeeper
from flagkeeper.packs import Matcher

DEFAULT_DIR = ".flagkeeper_cache"
Entry = TypeVar("Entry")
# What tools look for to leave a cache folder alone: git (.gitignore) and backup tools (CACHEDIR.TAG).
_MARKERS = {
    ".gitignore": "# Created by flagkeeper\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# This is a cache folder created by flagkeeper.\n",
}


def analyser_fingerprint(matcher: Matcher) -> bytes:
    """What, besides a file itself, decides its FileFacts: the code that reads it and the packs."""
    digest = hashlib.blake2b(flagkeeper.__version__.encode(), digest_size=16)
    package = Path(flagkeeper.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    digest.update(repr(matcher.packs).encode())
    return digest.digest()


class Cache:
    def __init__(self, folder: Path, matcher: Matcher):
        self.folder = folder
        self.salt = analyser_fingerprint(matcher)

    def key(self, *parts: str | bytes) -> str:
        """A name for an entry computed from `parts` by this flagkeeper with these packs."""
        digest = hashlib.blake2b(self.salt, digest_size=20)
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little") + data)  # lengths keep ("ab", "c") apart from ("a", "bc")
        return digest.hexdigest()

    def _entry(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def holds(self, kind: str, key: str) -> bool:
        return self._entry(kind, key).is_file()

    def get(self, kind: str, key: str, expected: type[Entry]) -> Entry | None:
        try:
            found = pickle.loads(self._entry(kind, key).read_bytes())
        except Exception:  # missing, torn or foreign: a miss, computed again and rewritten
            return None
        return found if isinstance(found, expected) else None

    def put(self, kind: str, key: str, value: object) -> None:
        """Store an entry; a cache that cannot be written only costs speed, so errors are ignored."""
        entry = self._entry(kind, key)
        with contextlib.suppress(OSError):
            if not entry.parent.is_dir():
                self._create_folders(entry.parent)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
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

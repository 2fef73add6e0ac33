"""The cache: every file's FileFacts, and the findings of recent `check` runs.

A FileFacts entry is named by a hash of the file's bytes, its project path, module name and
package-ness, and the analyser: flagkeeper's version, its source (so a development checkout
never reads stale entries), and the active rule packs with the config's key patterns. A run's
entry is named by every input of the run (model.Project.fingerprint). A changed input is a
different name, so nothing is ever invalidated in place.

The FileFacts of one project live in one file, `facts.pickle` (name -> pickled FileFacts),
rewritten whole after a run that analysed something: one sequential write costs a
fiftieth of writing thousands of small files, and entries of files that changed or went away
drop out by themselves. Every write goes to a temporary file that is then renamed, so
concurrent runs and crashes leave a whole file (the last run's) or the previous one; anything
that cannot be read back is a miss, computed again and rewritten, never an error.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import os
import pickle
from pathlib import Path
from typing import TypeVar

import flagkeeper
from flagkeeper.analysis.packs import Matcher

DEFAULT_DIR = ".flagkeeper_cache"
RECENT_RUNS = 8  # check runs remembered: enough for a hook and a CI step with their options
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


def _path_as_text(path: Path) -> tuple[type[Path], tuple[str]]:
    return type(path), (str(path),)


# A path pickles as its text: pathlib's own way splits it into parts, ten times slower, and a
# run's findings hold a path each.
_REDUCERS = {**copyreg.dispatch_table, type(Path()): _path_as_text}


def _load(path: Path, expected: type[Entry]) -> Entry | None:
    try:
        found = pickle.loads(path.read_bytes())
    except Exception:  # missing, torn or foreign: a miss
        return None
    return found if isinstance(found, expected) else None


class Cache:
    def __init__(self, folder: Path, matcher: Matcher):
        self.folder = folder
        self.salt = analyser_fingerprint(matcher)
        self.facts: dict[str, bytes] = _load(folder / "facts.pickle", dict) or {}  # name -> pickled FileFacts

    def key(self, *parts: str | bytes) -> str:
        """A name for an entry computed from `parts` by this flagkeeper with these packs."""
        digest = hashlib.blake2b(self.salt, digest_size=20)
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little") + data)  # lengths keep ("ab", "c") apart from ("a", "bc")
        return digest.hexdigest()

    def save_facts(self, entries: dict[str, bytes]) -> None:
        """Replace the stored FileFacts with `entries` (those of the files of this run)."""
        self.facts = entries
        self._write("facts.pickle", entries)

    def run(self, key: str, expected: type[Entry]) -> Entry | None:
        return _load(self.folder / "runs" / key, expected)

    def save_run(self, key: str, value: object) -> None:
        """Store a run's result; only the most recent few are kept."""
        self._write(f"runs/{key}", value)
        with contextlib.suppress(OSError):
            entries = [entry for entry in (self.folder / "runs").iterdir() if not entry.name.startswith(".")]
            runs = sorted(entries, key=lambda entry: entry.stat().st_mtime_ns)
            for stale in runs[:-RECENT_RUNS]:
                stale.unlink(missing_ok=True)

    def _write(self, name: str, value: object) -> None:
        """Write a file of the cache whole; a cache that cannot be written only costs speed."""
        target = self.folder / name
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # one per process: runs never share one
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            for marker, text in _MARKERS.items():
                if not (self.folder / marker).exists():
                    (self.folder / marker).write_text(text, encoding="utf-8")
            try:
                with open(temporary, "wb") as stream:
                    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
                    pickler.dispatch_table = _REDUCERS
                    pickler.dump(value)
                os.replace(temporary, target)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

"""The cache: every file's FileFacts, and the findings of recent `check` runs.

A FileFacts entry is named by a hash of the file's bytes, its project path, module name and
package-ness, and the analyser: flagkeeper's version, the size and time of each of its source
files (so a development checkout never reads stale entries), and the active rule packs with the
config's key patterns. A run's entry is named by every input of the run
(model.Project.fingerprint). A changed input is a different name, so nothing is ever
invalidated in place.

The cache folder sits inside the scanned checkout, which may be hostile (a pull request in CI
can commit files there), so everything in it is untrusted input:
- entries are MessagePack decoded against the expected types (msgspec), never pickle: reading
  cannot run code, and anything that does not decode to the expected shape is a miss;
- a folder with files git tracks is not used: an entry that decodes may still lie (a committed
  run result with no findings would pass CI), and nothing but a commit puts files there in CI;
- no link is ever followed: the folder is opened with O_NOFOLLOW and checked to be ours (a
  folder that is a link or belongs to someone else means no cache, with one warning), files
  are opened with O_NOFOLLOW and created with O_EXCL, renames replace a link rather than
  write through it, and pruning deletes only regular files named as flagkeeper names them.

The FileFacts of one project live in sixteen shard files, `facts-0.msgpack` to `facts-f.msgpack`
(name -> encoded FileFacts; an entry's shard is the first hex digit of its name). A run that
analysed something rewrites whole the shards whose entries changed and no other: after a
one-file change that is one or two of them, a sixteenth of the bytes each, where one file of
every entry (23 MB on an 850,000-line project) cost a tenth of a second to encode and write. A
few large files rather than one per entry: one sequential write costs a fiftieth of writing
thousands of small files. Entries of files that changed or went away drop out by themselves.
Every write goes to a temporary file that is then renamed, so concurrent runs and crashes leave
a whole shard (the last run's) or the previous one. The single `facts.msgpack` of earlier
versions is deleted by the first run that writes facts (only when it is a regular file of ours).

`stamps.msgpack` is git's index for the files a run reads: each file's size, modification time
and inode with the digest of its bytes, so a warm run neither reads nor hashes a file whose stat
is as recorded. git's "racy" rule guards the one way a stat can lie: a file changed again within
the same tick of the clock, after its bytes were read, keeps its time (and maybe its size). So a
stamp vouches for a file only when the file's time is older than the run that recorded it began,
less RACY_MARGIN_NS; a newer file is read and hashed again. The stamps also record the names
each shard held with its stat, so a warm run reads no shard (Cache.has_facts).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import NamedTuple, TypeVar

import msgspec

import flagkeeper

try:  # `import hashlib` loads OpenSSL, a few milliseconds at every start, for algorithms the cache does not use
    from _blake2 import blake2b
except ImportError:  # an interpreter without CPython's own BLAKE2
    from hashlib import blake2b
from flagkeeper.analysis import cachefolder
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.packs import Matcher
from flagkeeper.errors import FlagkeeperError

DEFAULT_DIR = ".flagkeeper_cache"
# Entries of runs/ kept, the most recently used: a check's findings, and the import graph, entry
# points and text searches a run reuses (renewed at each use); room for a hook's and a CI step's
# findings with their options beside them.
RECENT_RUNS = 12
FACT_SHARDS = "0123456789abcdef"  # an entry's shard: the first digit of its name, a hex digest (Cache.key)
UNSHARDED_FACTS_FILE = "facts.msgpack"  # every entry in one file, as versions before the shards kept them
STAMPS_FILE = "stamps.msgpack"
# A file changed less than this before a run began is read again by the next run, whatever its
# stat says: the coarsest file-time tick in use (FAT's two seconds) plus the lag of the kernel's
# coarse clock, so that a change after the run read the file always shows in the time.
RACY_MARGIN_NS = 2_000_000_000
RUNS_DIR = "runs"
_RUN_NAME = re.compile(r"[0-9a-f]{40}")  # Cache.key's hex digest: the only files pruned from runs/
Entry = TypeVar("Entry")
_UID = os.getuid()


def _path_to_text(value: object) -> object:
    # A run's findings hold a path each; MessagePack has no path type, so it travels as text.
    if isinstance(value, PurePath):
        return str(value)
    raise NotImplementedError(f"cannot cache a {type(value).__name__}")


def _path_from_text(expected: type, value: object) -> object:
    if expected is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_path_to_text)
# A shard maps each name to its encoded FileFacts as MessagePack binary: reading a shard skips
# each entry by its length (a quarter of the time of walking every entry's structure, as a map of
# raw values costs), and an entry is decoded only when needed.
_SHARD = msgspec.msgpack.Decoder(dict[str, memoryview])


class Stamp(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """What git's index keeps of a file: enough of its stat to see it unchanged, and its digest."""

    size: int
    mtime_ns: int
    inode: int
    digest: bytes


def facts_file(shard: str) -> str:
    """The name of the file of the FileFacts whose names begin with the hex digit `shard`."""
    return f"facts-{shard}.msgpack"


class _FactsFile(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """The names a shard held when it had this stat: a warm run whose every file's facts are
    among them need not read and decode that shard (the shards are most of the cache)."""

    size: int
    mtime_ns: int
    inode: int
    names: frozenset[str]


class _Stamps(msgspec.Struct, array_like=True, gc=False):
    vouched_before_ns: int  # a stamp vouches for a file whose time is older than this
    files: dict[str, Stamp]  # absolute path -> stamp
    facts_files: dict[str, _FactsFile] = msgspec.field(default_factory=dict)  # shard -> its file as last written or read


_STAMPS_FILE = msgspec.msgpack.Decoder(_Stamps)


class Content(NamedTuple):
    """A file as the cache names it: its size, the digest of its bytes (empty for a file over the
    caller's limit, never read), and the bytes when they had to be read."""

    size: int
    digest: bytes
    data: bytes | None


def encode(value: object) -> bytes:
    """MessagePack of FileFacts, a run's result, or other plain records."""
    return _ENCODER.encode(value)


@functools.cache
def _facts_decoder() -> msgspec.msgpack.Decoder[FileFacts]:
    """Made when first needed (it reads every facts type's annotations): a run the run cache answers decodes no facts."""
    return msgspec.msgpack.Decoder(FileFacts)


def decode_facts(data: bytes | msgspec.Raw) -> FileFacts | None:
    """The FileFacts in `data`, or None when it holds anything else (a miss, never an error)."""
    try:
        return _facts_decoder().decode(data)
    except Exception:  # torn, foreign or crafted, including nesting deep enough to exhaust the stack
        return None


def encode_shard(entries: dict[str, msgspec.Raw]) -> bytes:
    """The file of a shard holding `entries` (name -> encoded FileFacts)."""
    return _ENCODER.encode({name: memoryview(entry) for name, entry in entries.items()})


def decode_shard(data: bytes, shard: str) -> dict[str, msgspec.Raw] | None:
    """The entries of a shard's file, or None when it holds anything else (its entries are misses)."""
    try:
        entries = _SHARD.decode(data)
    except Exception:  # torn, foreign or crafted
        return None
    return {name: msgspec.Raw(entry) for name, entry in entries.items() if name[:1] == shard}  # a name elsewhere is not ours


def analyser_fingerprint(matcher: Matcher) -> bytes:
    """What, besides a file itself, decides its FileFacts: the code that reads it and the packs.

    The code counts by each source file's size and modification time, not its bytes: any edit of
    a development checkout changes them, and reading and hashing the package's 120-odd files on
    every run was a twentieth of a warm `check` of a small project."""
    digest = blake2b(flagkeeper.__version__.encode(), digest_size=16)
    package = os.path.dirname(flagkeeper.__file__)
    sources = []  # os.walk and strings rather than Path.rglob: this runs at every start
    for folder, _, names in os.walk(package):
        inside = os.path.relpath(folder, package).replace(os.sep, "/")
        sources += [(name if inside == "." else f"{inside}/{name}", os.path.join(folder, name)) for name in names if name.endswith(".py")]
    for relative, source in sorted(sources, key=lambda item: item[0].split("/")):  # in Path order, as before
        found = os.stat(source)
        digest.update(f"{relative}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    digest.update(repr(matcher.packs).encode())
    return digest.digest()


def _readable(path: Path, found: os.stat_result) -> bool:
    """Could this run read the file? Its owner can when the owner may (ACLs do not narrow the
    owner's bits), so only others' files cost an access() call."""
    return (found.st_uid == _UID and bool(found.st_mode & stat.S_IRUSR)) or os.access(path, os.R_OK)


def _prune_runs(runs: int) -> None:
    """Keep the few entries last used or written: only regular files named as Cache.key names them."""
    with os.scandir(runs) as listing:
        entries = [entry for entry in listing if _RUN_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)]
    entries.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    for stale in entries[:-RECENT_RUNS]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stale.name, dir_fd=runs)


class Cache:
    def __init__(self, folder: Path, matcher: Matcher):
        self.started_ns = time.time_ns()  # before any file of this run is looked at
        self.folder = folder
        self.salt = analyser_fingerprint(matcher)
        self._salted = blake2b(self.salt, digest_size=20)  # copied for each key
        self._facts: dict[str, msgspec.Raw] | None = None  # name -> encoded FileFacts, every shard's
        self._shards: dict[str, dict[str, msgspec.Raw]] = {}  # shard -> its entries, each shard read when first needed
        self._stamps = self._load_stamps()
        self._facts_files = dict(self._stamps.facts_files)  # shard -> the names its file holds, as last known
        self._current_shards: frozenset[str] | None = None  # the shards whose file still has the stat recorded
        self._seen: dict[str, Stamp] = {}  # the stamps of this run's files
        self._read: set[str] = set()  # the files this run read and hashed
        self._stamps_settled = False  # save_stamps has made self._stamps this run's

    @classmethod
    def open(cls, folder: Path, matcher: Matcher) -> Cache | None:
        """The cache in `folder`, or None when that folder must not be used (see usable_folder)."""
        return cls(folder, matcher) if cachefolder.usable_folder(folder) else None

    @property
    def facts(self) -> dict[str, msgspec.Raw]:
        """Every stored FileFacts by name, each shard read and decoded on first use."""
        if self._facts is None:
            self._load_shards(FACT_SHARDS)
            self._facts = {name: entry for shard in FACT_SHARDS for name, entry in self._shards[shard].items()}
        return self._facts

    def has_facts(self, name: str) -> bool:
        """Are the facts named `name` stored? Answered from the stamps' record of its shard while
        that shard's file has the recorded stat, so a warm run reads no shard."""
        shard = name[:1]
        if shard not in self._shards:
            record = self._facts_files.get(shard)
            if record is not None and name in record.names and shard in self._shards_as_recorded():
                return True
            self._load_shards(shard)
        return name in self._shards[shard]

    def _shards_as_recorded(self) -> frozenset[str]:
        """The shards whose file has the stat the stamps recorded, as found at the first question."""
        if self._current_shards is None:
            current = set()
            with cachefolder.owned_folder(str(self.folder)) as folder:
                for shard, record in self._facts_files.items() if folder is not None else ():
                    with contextlib.suppress(OSError):
                        found = os.stat(facts_file(shard), dir_fd=folder, follow_symlinks=False)
                        if (found.st_size, found.st_mtime_ns, found.st_ino) == (record.size, record.mtime_ns, record.inode):
                            current.add(shard)
            self._current_shards = frozenset(current)
        return self._current_shards

    def _load_shards(self, shards: str) -> None:
        """Read and decode those of `shards` not read yet; a shard that does not decode holds no entry."""
        with cachefolder.owned_folder(str(self.folder)) as folder:
            for shard in shards:
                if shard in self._shards:
                    continue
                data, found = cachefolder.read_with_stat(folder, facts_file(shard)) if folder is not None else (None, None)
                entries = decode_shard(data, shard) if data else None
                self._shards[shard] = entries if entries is not None else {}
                if found is not None and entries is not None:
                    self._facts_files[shard] = _FactsFile(found.st_size, found.st_mtime_ns, found.st_ino, frozenset(entries))
                else:
                    self._facts_files.pop(shard, None)

    def _load_stamps(self) -> _Stamps:
        with cachefolder.owned_folder(str(self.folder)) as folder:
            data = cachefolder.read(folder, STAMPS_FILE) if folder is not None else None
        try:
            return _STAMPS_FILE.decode(data) if data else _Stamps(0, {})
        except Exception:  # torn, foreign or crafted: every file is read
            return _Stamps(0, {})

    def content(self, path: Path, read: Callable[[Path], bytes], limit: int | None = None, found: os.stat_result | None = None) -> Content:
        """`path` as the cache names it: from its stamp when the stamp vouches for it (stat as
        recorded, time older than the recording run), else read with `read` and hashed now. A file
        over `limit` bytes is not read. `found`: its stat, when discovery took one. OSError when
        the file cannot be looked at."""
        found = os.stat(path) if found is None else found
        if limit is not None and found.st_size > limit:
            return Content(found.st_size, b"", None)
        name = str(path)
        stamp = self._stamps.files.get(name)
        if (
            stamp is not None and (stamp.size, stamp.mtime_ns, stamp.inode) == (found.st_size, found.st_mtime_ns, found.st_ino)
            and found.st_mtime_ns < self._stamps.vouched_before_ns and _readable(path, found)
        ):  # fmt: skip
            self._seen[name] = stamp
            return Content(stamp.size, stamp.digest, None)
        data = read(path)  # the stat was taken first: a change in between shows in the next run's stat
        self._seen[name] = Stamp(found.st_size, found.st_mtime_ns, found.st_ino, blake2b(data, digest_size=20).digest())
        self._read.add(name)
        return Content(len(data), self._seen[name].digest, data)

    def save_stamps(self) -> None:
        """Record the stamps of this run's files, when a file was read, the set of files changed,
        or a shard is not as the stamps last recorded it."""
        self._stamps_settled = True  # from here on, self._stamps are this run's
        if not self._read and self._seen.keys() == self._stamps.files.keys() and self._facts_files == self._stamps.facts_files:
            return
        self._stamps = _Stamps(self.started_ns - RACY_MARGIN_NS, self._seen, dict(self._facts_files))
        self._seen, self._read = {}, set()
        self._write_stamps()

    def _write_stamps(self) -> None:
        with self._writable() as folder, contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
            if folder is not None:
                cachefolder.write(folder, STAMPS_FILE, encode(self._stamps))

    def unchanged_since_read(self) -> bool:
        """Is every file this run took as its stamp says, still? False when one changed during the
        run: then findings computed from its new text must not be stored under its old digest."""
        for name, stamp in self._stamps.files.items():
            try:
                found = os.stat(name)
            except OSError:
                return False
            if (stamp.size, stamp.mtime_ns, stamp.inode) != (found.st_size, found.st_mtime_ns, found.st_ino):
                return False
        return True

    def key(self, *parts: str | bytes) -> str:
        """A name for an entry computed from `parts` by this flagkeeper with these packs."""
        digest = self._salted.copy()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little") + data)  # lengths keep ("ab", "c") apart from ("a", "bc")
        return digest.hexdigest()

    def save_facts(self, entries: dict[str, msgspec.Raw]) -> None:
        """Replace the stored FileFacts with `entries` (those of the files of this run), rewriting
        only the shards whose entries differ from those read; the stamps this run recorded then
        record the shards written (the next warm run need not read them)."""
        self._load_shards(FACT_SHARDS)  # every shard as read: what the entries are compared against
        self._facts = entries
        shards: dict[str, dict[str, msgspec.Raw]] = {shard: {} for shard in FACT_SHARDS}
        for name, entry in entries.items():
            shards[name[:1]][name] = entry
        with self._writable() as folder, contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
            if folder is not None:
                cachefolder.remove_file(folder, UNSHARDED_FACTS_FILE)  # the layout before the shards: read no more, and 23 MB on a large project
                for shard, shard_entries in shards.items():
                    if shard_entries != self._shards[shard]:  # an entry kept is the object read: equal at its identity, its bytes unread
                        written = cachefolder.write(folder, facts_file(shard), encode_shard(shard_entries))
                        self._shards[shard] = shard_entries
                        self._facts_files[shard] = _FactsFile(written.st_size, written.st_mtime_ns, written.st_ino, frozenset(shard_entries))
        if self._stamps_settled and self._facts_files != self._stamps.facts_files:
            self._stamps.facts_files = dict(self._facts_files)
            self._write_stamps()

    def run(self, key: str, expected: type[Entry]) -> Entry | None:
        """A stored entry of runs/, decoded as `expected`; None when absent or of another shape.
        One that decodes has its time renewed: pruning keeps the entries last used, so an import
        graph stored once and reused by every run does not give way to newer runs' findings."""
        with self._runs() as runs:
            data = cachefolder.read(runs, key) if runs is not None and _RUN_NAME.fullmatch(key) else None
            try:
                found = msgspec.msgpack.decode(data, type=expected, dec_hook=_path_from_text) if data else None
            except Exception:  # torn, foreign or crafted: a miss
                return None
            if found is not None:
                with contextlib.suppress(OSError):  # a read-only cache only loses the order
                    os.utime(key, dir_fd=runs, follow_symlinks=False)
        return found

    def save_run(self, key: str, value: object) -> None:
        """Store an entry of runs/; only the RECENT_RUNS last used or written are kept."""
        with self._runs(create=True) as runs, contextlib.suppress(OSError):
            if runs is not None:
                cachefolder.write(runs, key, encode(value))
                _prune_runs(runs)

    @contextlib.contextmanager
    def _writable(self) -> Iterator[int | None]:
        """The cache folder, created and marked if need be; None when it cannot be had."""
        with contextlib.suppress(OSError):
            self.folder.parent.mkdir(parents=True, exist_ok=True)
        with cachefolder.owned_folder(str(self.folder), create=True) as folder:
            if folder is not None:
                cachefolder.mark(folder)
            yield folder

    @contextlib.contextmanager
    def _runs(self, create: bool = False) -> Iterator[int | None]:
        """The folder of the runs, None when it cannot be had."""
        with self._writable() if create else cachefolder.owned_folder(str(self.folder)) as folder:
            if folder is None:
                yield None
                return
            with cachefolder.owned_folder(RUNS_DIR, folder, create) as runs:
                yield runs


def remove_cache(folder: Path) -> bool:
    """Delete the cache `folder` (`flagkeeper clean`); False when there is none.

    Only a folder the cache may use (usable_folder: not a link, ours, untracked) that holds the
    CACHEDIR.TAG the cache writes: a `--cache-dir` pointing at another folder is not emptied.
    shutil.rmtree does not follow links inside it.
    """
    if not os.path.lexists(folder):
        return False
    if not cachefolder.usable_folder(folder):
        raise FlagkeeperError("not removed", folder)
    tag = folder / "CACHEDIR.TAG"
    if tag.is_symlink() or not tag.is_file() or tag.read_text(encoding="utf-8", errors="replace") != cachefolder.MARKERS["CACHEDIR.TAG"]:
        raise FlagkeeperError("not removed: it holds no flagkeeper CACHEDIR.TAG, so it may not be a flagkeeper cache", folder)
    import shutil  # `flagkeeper clean` alone: shutil loads the compressors

    shutil.rmtree(folder)
    return True

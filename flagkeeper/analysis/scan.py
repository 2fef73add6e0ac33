"""Scan: read every discovered Python, JavaScript and TypeScript file and get its facts, from the
cache or by analysing it.

Files the cache does not hold are analysed in worker processes when there are enough of them
to pay for starting the workers, largest first; the facts are put back in the order given, so a
parallel run equals a serial one.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TypeVar

import click
import msgspec

from flagkeeper.analysis.cache import Cache, Content, decode_facts, encode
from flagkeeper.analysis.discovery import SCRIPT_SUFFIXES, module_name
from flagkeeper.analysis.facts import FileFacts, ParseError
from flagkeeper.analysis.javascript import script_module_name
from flagkeeper.analysis.packs import Matcher
from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import relative_path
from flagkeeper.tomlread import read_bytes

# Below this many files to analyse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
# Below this many, a run is over before a progress bar would be read.
PROGRESS_THRESHOLD = 200
Item = TypeVar("Item")


def default_jobs() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ScanOptions(msgspec.Struct, frozen=True):
    cache_dir: Path | None = None  # None: analyse every file, read and write no cache
    jobs: int = 1
    progress: bool = False  # a progress bar on stderr for long runs


_NO_OPTIONS = ScanOptions()  # no cache, one process


def read_source(path: Path) -> str:
    """The text of a Python file in its declared encoding (PEP 263); bad bytes name file and line."""
    return _decode(read_bytes(path), path)


def _decode(data: bytes, path: Path) -> str:
    # A frontend file's stray byte costs it nothing (text references read it the same way).
    return data.decode(errors="replace") if path.suffix in SCRIPT_SUFFIXES else decode_source(data, path)


def _analyse(job: _Job, matcher: Matcher) -> FileFacts:
    # The analysers are imported when a file is to be analysed: a warm run takes every file's facts
    # from the cache and never needs them (nor the worker pool below).
    from flagkeeper.analysis.analyse import analyse_file
    from flagkeeper.analysis.javascript import analyse_script

    if PurePosixPath(job[0]).suffix in SCRIPT_SUFFIXES:
        return analyse_script(*job, matcher.script_reads)
    return analyse_file(*job, matcher)


def decode_source(data: bytes, path: Path) -> str:
    """Decode Python source bytes as the interpreter would; `path` names them in errors."""
    import tokenize  # here: a warm run decodes no file

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FlagkeeperError(f"cannot decode as {exc.encoding}: byte 0x{data[exc.start]:02x} is not valid", path, line) from None
    except (SyntaxError, LookupError) as exc:
        raise FlagkeeperError(f"cannot decode: {exc}", path) from None


_Job = tuple[str, str, str, bool]  # project path, source, module, is_package

_worker_matcher: Matcher | None = None


def ignore_scanned_code_warnings() -> None:
    """Parsing a scanned file warns about its code (`1()`, an invalid escape such as "\\d"): that
    is the file's business, and would bury the findings under lines on standard error."""
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, message="invalid escape sequence")


def _start_worker(matcher: Matcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher
    ignore_scanned_code_warnings()  # a worker that was not forked does not inherit the filters
    # Syntax trees hold no reference cycles, so reference counting frees them; the cyclic
    # collector would only rescan the objects of each parse, at a tenth of the analysis time.
    gc.disable()


def _analyse_in_worker(job: _Job) -> bytes:
    """Facts encoded here: the cache stores them as they are, and bytes cross the pipe cheaply."""
    assert _worker_matcher is not None
    return encode(_analyse(job, _worker_matcher))


def _analyse_all(jobs: list[_Job], matcher: Matcher, options: ScanOptions, encoded: bool) -> Iterator[tuple[int, FileFacts, bytes]]:
    """(index in `jobs`, facts, facts encoded) for every job; in parallel, in no fixed order."""
    workers = min(options.jobs, len(jobs) // (PARALLEL_THRESHOLD // 2))
    if workers < 2 or len(jobs) < PARALLEL_THRESHOLD:
        for index, job in enumerate(jobs):
            found = _analyse(job, matcher)
            yield index, found, encode(found) if encoded else b""
        return
    # Largest first: a few very large modules (real code has them) at the end of the list would
    # leave one worker busy alone while the others wait.
    order = sorted(range(len(jobs)), key=lambda index: -len(jobs[index][1]))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(matcher,)) as pool:
        chunks = pool.map(_analyse_in_worker, (jobs[index] for index in order), chunksize=max(1, min(32, len(jobs) // (workers * 8))))
        for index, data in zip(order, chunks, strict=True):
            decoded = decode_facts(data)
            assert decoded is not None  # encoded by our own worker
            yield index, decoded, data


def _with_progress(items: Iterable[Item], count: int, options: ScanOptions) -> Iterator[Item]:
    if not options.progress or count < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, length=count, label=f"Analysing {count} files", file=sys.stderr) as bar:
        yield from bar


class ScannedFiles:
    """The project's Python files: their cache keys at once, their facts when first needed (a
    `check` whose findings the cache holds needs none)."""

    def __init__(
        self, keys: tuple[str, ...], load: Callable[[], list[FileFacts]], cache: Cache | None = None,
        text_keys: tuple[str, ...] = (), text_bytes: dict[Path, bytes] | None = None,
    ):  # fmt: skip
        self.keys = keys  # one per file; empty without a cache
        self.cache = cache
        self.text_keys = text_keys  # one per text file searched for keys (model.text_keys); empty without a cache
        self.text_bytes = text_bytes if text_bytes is not None else {}  # those text_keys read, until the run searches them
        self._load = load

    @functools.cached_property
    def facts(self) -> list[FileFacts]:
        return self._load()

    @classmethod
    def of(cls, facts: list[FileFacts]) -> ScannedFiles:
        return cls((), lambda: facts)


class _Planned(msgspec.Struct, frozen=True):
    path: Path
    project_path: str
    module: str
    is_package: bool
    key: str
    source: str | None  # None: the cache holds the facts (the same bytes decoded when they were stored)
    skipped: FileFacts | None = None  # the facts of a file too large to analyse

    def job(self) -> _Job:
        return self.project_path, self.source if self.source is not None else read_source(self.path), self.module, self.is_package

    def cached(self, stored: dict[str, msgspec.Raw]) -> FileFacts | None:
        """The stored facts of this file, if they decode and say they are of this file."""
        if self.skipped is not None:
            return self.skipped
        if self.source is not None or self.key not in stored:
            return None  # not in the cache (or no longer: another run rewrote it): to analyse
        found = decode_facts(stored[self.key])
        if found is None or (found.path, found.module, found.is_package) != (self.project_path, self.module, self.is_package):
            return None  # the cache is untrusted input: facts of another file are a miss
        return found


_MB = 1024 * 1024


def _too_large(size: int, path: Path, project_path: str, module: str, is_package: bool, config: Config) -> FileFacts:
    """FK000 facts for a file over `max-file-size`: its syntax tree alone would take over a
    hundred times its size in memory."""
    message = f"file is {size / _MB:.1f} MB, above max-file-size {config.max_file_size:g} MB"
    return FileFacts(project_path, module, is_package, error=ParseError(message, 1, 1), language=SCRIPT_SUFFIXES.get(path.suffix, "python"))


def scan(
    paths: tuple[Path, ...], config: Config, matcher: Matcher, options: ScanOptions = _NO_OPTIONS, stats: Mapping[str, os.stat_result] | None = None
) -> ScannedFiles:
    """The files, in the order given; paths in the facts are relative to the root. `stats`: the
    stat discovery took of a file (by its str), which the cache's stamps then compare against.

    Every file is looked at now: read and hashed unless its stamp in the cache vouches for it
    (cache.Cache.content), and decoded unless the cache holds its facts, so an unreadable file
    fails the run here; the analysis waits until the facts are needed.
    """
    cache = Cache.open(options.cache_dir, matcher) if options.cache_dir is not None else None
    limit = int(config.max_file_size * _MB)  # the bytes are cheap; their syntax tree is not
    planned = []
    for path in paths:
        project_path = relative_path(path, config.root)
        module, is_package = script_module_name(project_path) if path.suffix in SCRIPT_SUFFIXES else module_name(path, config)
        found = _content(path, cache, limit, stats.get(str(path)) if stats else None)
        if found.size > limit:
            skipped = _too_large(found.size, path, project_path, module, is_package, config)
            key = cache.key(project_path, repr(skipped)) if cache else ""
            planned.append(_Planned(path, project_path, module, is_package, key, None, skipped))
            continue
        key = cache.key(project_path, module, str(is_package), found.digest) if cache else ""
        source = None if cache and cache.has_facts(key) else _decode(found.data if found.data is not None else read_bytes(path), path)
        planned.append(_Planned(path, project_path, module, is_package, key, source))
    return ScannedFiles(tuple(item.key for item in planned) if cache else (), functools.partial(_facts, planned, matcher, options, cache), cache)


def _content(path: Path, cache: Cache | None, limit: int, found: os.stat_result | None) -> Content:
    """The file's size and digest (from its stamp, or read; a file over `limit` is not read), or
    without a cache its bytes."""
    if cache is None:
        data = read_bytes(path)
        return Content(len(data), b"", data)
    try:
        return cache.content(path, read_bytes, limit, found)
    except OSError as exc:  # its stat failed: gone or out of reach
        raise FlagkeeperError(f"cannot read: {exc.strerror or exc}", path) from None


def _facts(planned: list[_Planned], matcher: Matcher, options: ScanOptions, cache: Cache | None) -> list[FileFacts]:
    stored = cache.facts if cache else {}
    results = [item.cached(stored) for item in planned]
    missing = [index for index, found in enumerate(results) if found is None]
    analysed = _with_progress(_analyse_all([planned[index].job() for index in missing], matcher, options, cache is not None), len(missing), options)
    fresh: dict[int, msgspec.Raw] = {}
    for position, found, data in analysed:
        results[missing[position]] = found
        fresh[missing[position]] = msgspec.Raw(data)
    entries = {item.key: fresh[index] if index in fresh else stored[item.key] for index, item in enumerate(planned) if item.skipped is None}
    if cache and (missing or len(entries) != len(stored)):
        cache.save_facts(entries)
    return [found for found in results if found is not None]

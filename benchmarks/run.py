#!/usr/bin/env python3
"""Measure `flagkeeper check` against the performance targets of issue 9, with comparisons.

    python benchmarks/run.py [--corpus DIR] [--modules 5000] [--lines 1000000] [--seed 7]
                             [--repeat 5] [--jobs N] [--markdown]

Without `--corpus` the corpus is generated (benchmarks/make_corpus.py) into a temporary folder,
removed afterwards; with `--corpus DIR` it is reused (generated there first if DIR is missing
or empty, and kept). Each scenario then runs `--repeat` times, in this order:

- cold: `flagkeeper check CORPUS --today 2026-06-01 --format json --no-cache`;
- cold, writing the cache: the cache folder removed before each run (a user's first run);
- warm: the cache filled by the previous scenario, nothing changed;
- one file changed: before each run a line `_bench_edit = <run>` is appended to a mid-size
  module, so its hash differs every time; the module is restored afterwards;
- cold with `--jobs 1`, to show the parallel speed-up;
- peak memory: one cold run in a wrapper that reports the peak resident set size of the
  flagkeeper process and of the largest worker process it waited for;
- comparisons: `vulture CORPUS`, `grep -rn -E` for the SDK call names of the rule packs the
  corpus uses, and `ast.parse` of every file (the baseline of bench_graph.py, trees dropped).

Each run's time goes to stderr; the summary (median, min, target and verdict per scenario,
then ratios of medians) to stdout, as a Markdown table with the machine and the commands
when `--markdown` is given. Exit status 0 and 1 of flagkeeper count as success (1 means
"findings"); anything else stops the benchmark with its stderr. Linux only (peak memory comes
from getrusage); run it with the interpreter that has flagkeeper and vulture installed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import itertools
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_graph  # noqa: E402  (shares the timing loop and the ast baseline)
import make_corpus  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # tomli is a flagkeeper dependency on Python 3.10
    import tomli as tomllib

REPOSITORY = Path(__file__).resolve().parent.parent
TARGET_LINES = 1_000_000  # the targets are set for a corpus of this size
MEMORY_TARGET = 1024**3
VULTURE_EXITS = (0, 1, 3)  # 1 and 3: it found something; 2, a usage error, would mean nothing was measured

# Runs `python -m flagkeeper ARGS...` inside this process, then writes to REPORT the peak resident
# set size (KiB on Linux) of this process and the largest of the children it waited for, which
# are the analysis workers (ProcessPoolExecutor joins them before `check` returns).
MEMORY_PROBE = """\
import json, resource, sys
from flagkeeper.cli.main import main
report = sys.argv.pop(1)
try:
    main()  # not the console script's fast exit (os._exit), so that this probe can report afterwards
finally:
    with open(report, "w") as stream:
        peaks = {who: resource.getrusage(getattr(resource, who)).ru_maxrss for who in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
        json.dump(peaks, stream)
"""


@dataclass(frozen=True)
class Measured:
    label: str
    argv: list[str]
    times: list[float]
    limit: float | None  # the target in seconds, None for a comparison
    setup: str  # what happens before each run, for the commands listed with --markdown

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self) -> list[str]:
        if self.limit is None:
            return [self.label, "", seconds(self.median), seconds(min(self.times)), ""]
        verdict = "met" if self.median <= self.limit else "missed"
        return [self.label, f"≤ {self.limit:g} s", seconds(self.median), seconds(min(self.times)), verdict]


@dataclass(frozen=True)
class PeakMemory:
    main: int  # bytes, the flagkeeper process itself
    worker: int  # bytes, the largest process it waited for
    jobs: int

    @property
    def bound(self) -> int:
        """Never below what the process tree held at any moment, and above it: forked workers also count the pages they share with the main process."""
        return self.main + self.jobs * self.worker

    def rows(self) -> list[list[str]]:
        if self.bound <= MEMORY_TARGET:
            verdict = "met"
        elif max(self.main, self.worker) > MEMORY_TARGET:
            verdict = "missed"
        else:
            verdict = "unknown (only the bound is above)"
        return [
            ["peak RSS, cold: main process", "", mebibytes(self.main), "", ""],
            ["peak RSS, cold: largest worker", "", mebibytes(self.worker), "", ""],
            [f"peak RSS, cold: main + {self.jobs} × worker (upper bound)", "≤ 1 GiB", mebibytes(self.bound), "", verdict],
        ]


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"  # grep takes milliseconds on a small corpus


def mebibytes(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def measure(
    label: str,
    argv: list[str],
    repeat: int,
    limit: float | None = None,
    setup: str = "",
    before: Callable[[], None] | None = None,
    accepted: Container[int] = (0, 1),
    output: bench_graph.Output = subprocess.DEVNULL,
) -> Measured:
    print(f"{label}: {shlex.join(argv)}" + (f"  ({setup})" if setup else ""), file=sys.stderr)
    return Measured(label, argv, bench_graph.series(argv, label, repeat, before, accepted, output), limit, setup)


def measure_memory(flagkeeper_args: list[str], jobs: int) -> PeakMemory:
    with tempfile.TemporaryDirectory(prefix="flagkeeper-memory-") as folder:
        report = Path(folder) / "peaks.json"
        bench_graph.timed([sys.executable, "-c", MEMORY_PROBE, str(report), *flagkeeper_args])
        peaks = json.loads(report.read_text())
    memory = PeakMemory(peaks["RUSAGE_SELF"] * 1024, peaks["RUSAGE_CHILDREN"] * 1024, jobs)
    print(f"peak memory: main {mebibytes(memory.main)}, largest worker {mebibytes(memory.worker)}", file=sys.stderr)
    return memory


@contextlib.contextmanager
def editing(module: Path) -> Iterator[Callable[[], None]]:
    """A callback that gives `module` a new last line (so a new hash) on every call; the module is restored afterwards."""
    original = module.read_bytes()
    runs = itertools.count(1)

    def edit() -> None:
        module.write_bytes(original + f"_bench_edit = {next(runs)}\n".encode())

    try:
        yield edit
    finally:
        module.write_bytes(original)


def mid_size_module(files: list[Path]) -> Path:
    """The ordinary module of median size: what a one-file edit typically touches."""
    modules = sorted((path for path in files if path.name != "__init__.py"), key=lambda path: (path.stat().st_size, str(path)))
    return modules[len(modules) // 2]


def sdk_call_names() -> list[str]:
    """The last name of every call and subscript pattern of the rule packs the corpus uses."""
    names = set()
    for pack in make_corpus.PACKS:
        rules = tomllib.loads((REPOSITORY / "rules" / f"{pack}.toml").read_text(encoding="utf-8"))
        for read in rules["read"]:
            pattern: str = read.get("call") or read["subscript"]
            names.add(pattern.rsplit(".", 1)[-1])
    return sorted(names)


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def flagkeeper_commit() -> str:
    found = subprocess.run(["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return found.stdout.strip() or "unknown"


def shown(argv: list[str], corpus: Path) -> str:
    """`argv` as a reader would type it, with `python` for this interpreter and CORPUS for the corpus folder."""
    words = ["python" if word == sys.executable else word.replace(str(corpus), "CORPUS") for word in argv]
    # Double quotes read better than shlex's '"'"' around the single-quoted paths of a `python -c` script.
    return " ".join(f'"{word}"' if "'" in word and not set('"$`\\!') & set(word) else shlex.quote(word) for word in words)


def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = [header, ["---"] * len(header), *rows]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    widths = [max(len(cells[column]) for cells in [header, *rows]) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() for cells in [header, *rows])


def run(args: argparse.Namespace, corpus: Path, origin: str) -> int:
    files = sorted(corpus.rglob("*.py"))
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    jobs = args.jobs or len(os.sched_getaffinity(0))  # what flagkeeper defaults to
    check_args = ["check", str(corpus), "--today", make_corpus.TODAY.isoformat(), "--format", "json"]
    jobs_args = [] if args.jobs is None else ["--jobs", str(args.jobs)]
    flagkeeper = [sys.executable, "-m", "flagkeeper"]
    check = [*flagkeeper, *check_args, *jobs_args]
    cache = corpus / bench_graph.CACHE_DIR
    edited = mid_size_module(files)
    grep = ["grep", "-rn", "-E", "|".join(sdk_call_names()), str(corpus), "--include=*.py"]
    print(f"corpus {corpus}: {len(files)} Python files, {lines:,} lines; {args.repeat} runs each, {jobs} jobs", file=sys.stderr)

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def empty(sink: IO[bytes]) -> None:
        sink.seek(0)  # grep writes at the offset it shares with this file object
        sink.truncate()

    try:
        cold = measure("cold, --no-cache", [*check, "--no-cache"], args.repeat, limit=10)
        first = measure("cold, writing the cache", check, args.repeat, 10, f"before each run: rm -rf {cache}", drop_cache)
        warm = measure("warm, nothing changed", check, args.repeat, limit=1)
        with editing(edited) as edit:
            changed = measure("one file changed", check, args.repeat, 1.5, f"before each run: append `_bench_edit = <run>` to {edited}", edit)
        serial = measure("cold, --no-cache --jobs 1", [*flagkeeper, *check_args, "--no-cache", "--jobs", "1"], args.repeat)
        memory = measure_memory([*check_args, *jobs_args, "--no-cache"], jobs)
        vulture = measure("vulture", [sys.executable, "-m", "vulture", str(corpus)], args.repeat, accepted=VULTURE_EXITS)
        # GNU grep stops reading a file at its first match when its output is /dev/null, so the
        # matches go to a real file, emptied before each run.
        with tempfile.TemporaryFile() as sink:
            found = measure("grep -rn", grep, args.repeat, setup="output to a file", before=lambda: empty(sink), output=sink)
            sink.seek(0)
            print(f"grep: {sum(1 for _ in sink):,} matching lines", file=sys.stderr)
        parsing = measure("ast.parse of every file", bench_graph.ast_baseline(corpus, keep_trees=False), args.repeat)
    except bench_graph.BenchmarkError as error:
        print(f"run: error: {error}", file=sys.stderr)
        return 2
    finally:
        drop_cache()

    timings = [cold, first, warm, changed, serial]
    comparisons = [vulture, found, parsing]
    rows = [measured.row() for measured in timings] + memory.rows() + [measured.row() for measured in comparisons]
    ratios = [
        ["cold / vulture", f"{cold.median / vulture.median:.2f}x"],
        ["cold / grep", f"{cold.median / found.median:.2f}x"],
        ["warm / grep", f"{warm.median / found.median:.2f}x"],
        ["cold / ast.parse of every file", f"{cold.median / parsing.median:.2f}x"],
        ["cold --jobs 1 / cold (parallel speed-up)", f"{serial.median / cold.median:.2f}x"],
    ]
    if args.markdown:
        print(
            f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
            f"flagkeeper at {flagkeeper_commit()}; {dt.date.today().isoformat()}.\n"
            f"Corpus: {origin}: {len(files):,} modules, {lines:,} lines. Medians and minimums of {args.repeat} runs.\n"
        )
    else:
        print(f"flagkeeper check on {origin}: {len(files):,} modules, {lines:,} lines; {args.repeat} runs each, {jobs} jobs")
    if abs(lines - TARGET_LINES) > TARGET_LINES // 10:
        print(f"(the targets are for a corpus of about {TARGET_LINES:,} lines: on this one the verdicts only show the mechanics)")
    print()
    print(table(["scenario", "target", "median", "min", "verdict"], rows, args.markdown))
    print()
    print(table(["ratio of medians", ""], ratios, args.markdown))
    if args.markdown:
        print(f"\nThe commands (CORPUS = {corpus}; peak memory: the cold command run by the MEMORY_PROBE of benchmarks/run.py):\n")
        print("```sh")
        for measured in timings + comparisons:
            setup = f"; {measured.setup}".replace(str(corpus), "CORPUS") if measured.setup else ""
            print(f"{shown(measured.argv, corpus)}  # {measured.label}{setup}")
        print("```")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, metavar="DIR", help="reuse (or generate and keep) the corpus in this folder; default: a temporary folder")
    parser.add_argument("--modules", type=int, default=5000, help="corpus size in modules (default 5000)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="corpus size in lines (default 1000000)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each scenario (default 5)")
    parser.add_argument("--jobs", type=int, metavar="N", help="pass --jobs N to flagkeeper check (default: flagkeeper's, the number of cores)")
    parser.add_argument("--markdown", action="store_true", help="print the summary as Markdown for docs/performance.md")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    # Checked now: `python -m vulture` without vulture exits 1, which would pass for a measurement.
    if importlib.util.find_spec("vulture") is None:
        parser.error(f"vulture is not installed for {sys.executable}")
    if shutil.which("grep") is None:
        parser.error("grep is not on PATH")
    # The runs must use the cache folder and caching the scenarios set, not the caller's.
    for variable in ("FLAGKEEPER_NO_CACHE", "FLAGKEEPER_CACHE_DIR"):
        os.environ.pop(variable, None)
    generate = f"make_corpus.py --modules {args.modules} --lines {args.lines} --seed {args.seed}"
    if args.corpus is not None:
        origin = f"{args.corpus}" if args.corpus.exists() and any(args.corpus.iterdir()) else f"{generate} in {args.corpus}"
        bench_graph.ensure_corpus(args.corpus, args.modules, args.lines, args.seed)
        return run(args, args.corpus.resolve(), origin)
    with tempfile.TemporaryDirectory(prefix="flagkeeper-corpus-") as folder:
        bench_graph.ensure_corpus(Path(folder), args.modules, args.lines, args.seed)
        return run(args, Path(folder), generate)


if __name__ == "__main__":
    raise SystemExit(main())

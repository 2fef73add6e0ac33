#!/usr/bin/env python3
"""Time `flagkeeper graph` on a synthetic monorepo, against plain `ast.parse` of the same files.

    python benchmarks/bench_graph.py [--modules 5000] [--lines 1000000] [--repeat 5]
                                     [--seed 7] [--corpus DIR] [--command graph] [--cold]

Without `--corpus` the corpus is generated (benchmarks/make_corpus.py) into a temporary folder,
removed afterwards; with `--corpus DIR` an existing corpus is reused (generated there first if
DIR is missing or empty, and kept). Then

    sys.executable -m flagkeeper COMMAND CORPUS --format json

runs `--repeat` times with its output discarded, and the median and minimum wall times are
printed; in the same run the baseline

    sys.executable -c "import ast, pathlib; [ast.parse(p.read_text()) for p in pathlib.Path(CORPUS).rglob('*.py')]"

runs `--repeat` times, and the ratio of the two medians is printed. That baseline keeps every
tree alive, which on a large corpus makes it mostly garbage-collector time, so the same loop
with each tree dropped is timed as well (parsing alone). `--command` picks another
subcommand with the same calling convention (`inventory`, `check`). Exit status 0 and 1 of the
command count as success (1 means "findings"); anything else stops the benchmark with the
command's stderr. Run it with the interpreter that has flagkeeper installed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Container
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus  # noqa: E402  (the generator next to this file)

CACHE_DIR = ".flagkeeper_cache"


class BenchmarkError(Exception):
    pass


Output = int | IO[bytes]  # what subprocess.run accepts as stdout


def timed(argv: list[str], accepted: Container[int] = (0, 1), output: Output = subprocess.DEVNULL) -> float:
    """Wall time of one run of `argv`, its stdout sent to `output`; an exit status not accepted raises with its stderr."""
    started = time.perf_counter()
    result = subprocess.run(argv, stdout=output, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in accepted:
        stderr = result.stderr.decode(errors="replace").strip()
        hint = f"`{' '.join(argv)}` exited with {result.returncode}"
        if result.returncode == 2 and ("No such command" in stderr or "Usage:" in stderr):
            hint += " (a usage error: this flagkeeper lacks the command or one of its options)"
        raise BenchmarkError(f"{hint}; its stderr:\n{stderr or '(empty)'}")
    return elapsed


def series(
    argv: list[str],
    label: str,
    repeat: int,
    before: Callable[[], None] | None = None,
    accepted: Container[int] = (0, 1),
    output: Output = subprocess.DEVNULL,
) -> list[float]:
    times = []
    for index in range(repeat):
        if before is not None:
            before()
        times.append(timed(argv, accepted, output))
        print(f"  {label} run {index + 1}/{repeat}: {times[-1]:.2f} s", file=sys.stderr)
    return times


def ensure_corpus(folder: Path, modules: int, lines: int, seed: int) -> None:
    if folder.exists() and any(folder.iterdir()):
        return
    started = time.perf_counter()
    stats = make_corpus.generate(folder, modules, lines, seed)
    print(
        f"generated {stats['modules']} modules, {stats['lines']} lines, {stats['reads']} flag reads, "
        f"{stats['keys']} keys in {time.perf_counter() - started:.1f} s: {folder}",
        file=sys.stderr,
    )


def ast_baseline(corpus: Path, keep_trees: bool) -> list[str]:
    """The command that runs `ast.parse` on every Python file of `corpus`.

    Keeping every tree alive makes a large corpus mostly garbage-collector time: the cyclic
    collector rescans a heap of millions of nodes again and again (1M lines: 39 s, 1.9 GB,
    against 8 s when each tree is dropped). Dropping each tree measures the parsing alone.
    """
    if keep_trees:
        return [sys.executable, "-c", f"import ast, pathlib; [ast.parse(p.read_text()) for p in pathlib.Path({str(corpus)!r}).rglob('*.py')]"]
    return [sys.executable, "-c", f"import ast, pathlib\nfor p in pathlib.Path({str(corpus)!r}).rglob('*.py'): ast.parse(p.read_text())"]


def run(args: argparse.Namespace, corpus: Path) -> int:
    command = [sys.executable, "-m", "flagkeeper", args.command, str(corpus), "--format", "json"]
    baseline = ast_baseline(corpus, keep_trees=True)
    parse_only = ast_baseline(corpus, keep_trees=False)

    def drop_cache() -> None:
        shutil.rmtree(corpus / CACHE_DIR, ignore_errors=True)

    files = sum(1 for _ in corpus.rglob("*.py"))
    print(f"corpus {corpus}: {files} Python files; {args.repeat} runs each", file=sys.stderr)
    try:
        measured = series(command, args.command, args.repeat, drop_cache if args.cold else None)
    except BenchmarkError as error:
        print(f"bench_graph: error: {error}", file=sys.stderr)
        return 2
    reference = series(baseline, "ast baseline", args.repeat)
    parsing = series(parse_only, "ast parse-only", args.repeat)
    if not args.cold and (corpus / CACHE_DIR).exists():
        print(f"note: {corpus / CACHE_DIR} exists, so runs after the first were warm; --cold drops it before each run", file=sys.stderr)
    median, best = statistics.median(measured), min(measured)
    base = statistics.median(reference)
    print(f"flagkeeper {args.command}: median {median:.2f} s, min {best:.2f} s ({args.repeat} runs)")
    print(f"ast.parse baseline: median {base:.2f} s, min {min(reference):.2f} s")
    print(f"ratio (median / baseline median): {median / base:.1f}x")
    parse_median = statistics.median(parsing)
    print(f"ast.parse, each tree dropped: median {parse_median:.2f} s, min {min(parsing):.2f} s; ratio {median / parse_median:.1f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=5000, help="corpus size in modules (default 5000)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="corpus size in lines (default 1000000)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--corpus", type=Path, help="reuse (or generate and keep) the corpus in this folder")
    parser.add_argument("--command", default="graph", help="flagkeeper subcommand to time (default graph)")
    parser.add_argument("--cold", action="store_true", help=f"remove CORPUS/{CACHE_DIR} before each run")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.corpus is not None:
        ensure_corpus(args.corpus, args.modules, args.lines, args.seed)
        return run(args, args.corpus.resolve())
    with tempfile.TemporaryDirectory(prefix="flagkeeper-corpus-") as folder:
        ensure_corpus(Path(folder), args.modules, args.lines, args.seed)
        return run(args, Path(folder))


if __name__ == "__main__":
    raise SystemExit(main())

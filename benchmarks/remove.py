#!/usr/bin/env python3
"""Time and peak memory of `flagkeeper remove`, one flag per run, with a warm cache.

    python benchmarks/remove.py CORPUS [--flag KEY=VALUE ...] [--repeat 3] [--no-tests]
                               [--pythonpath SRC] [--markdown]

For each flag: `flagkeeper remove KEY --value VALUE --tests --diff` (it writes nothing) in a fresh
process, `--repeat` times; the medians of wall-clock time, CPU time (user + system) and peak
RSS, from the child's own resource usage (os.wait4). A `flagkeeper check` first fills the cache.
`--pythonpath SRC` runs another flagkeeper (a source tree: `git archive BASE | tar -x -C SRC`),
for before/after: run the two one after the other, since the two versions' caches are different
entries of the same file. The defaults are flags of make_corpus.py's corpus (seed 7). Only the
standard library is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TODAY = "2026-06-01"
FLAGS = ("catalog-async-ledger=false", "logistics-multi-bundle=false", "billing.instant-metric=false",
         "notifications_instant_credit=true", "payments-lazy-merchant=true")  # fmt: skip


def _environment(pythonpath: str | None) -> dict[str, str]:
    environment = dict(os.environ)
    if pythonpath:
        environment["PYTHONPATH"] = pythonpath
    return environment


def measure(arguments: list[str], corpus: Path, environment: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB, exit code) of one `flagkeeper` run."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "flagkeeper", *arguments], cwd=corpus, env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--flag", action="append", dest="flags", metavar="KEY=VALUE", help="a flag to remove (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tests", action="store_true", help="without --tests")
    parser.add_argument("--pythonpath", help="run the flagkeeper in this source tree")
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    environment = _environment(options.pythonpath)
    wall, cpu, rss, code = measure(["check", ".", "--today", TODAY, "--format", "json"], options.corpus, environment)
    print(f"cache filled: check {wall:.1f} s, {cpu:.1f} s CPU, {rss:.0f} MiB (exit {code})", file=sys.stderr)
    rows = []
    for flag in options.flags or FLAGS:
        key, _, value = flag.partition("=")
        arguments = ["remove", key, "--value", value, "--today", TODAY, *([] if options.no_tests else ["--tests"])]
        runs = [measure(arguments, options.corpus, environment) for _ in range(options.repeat)]
        codes = {run[3] for run in runs}
        rows.append((flag, *(statistics.median(run[index] for run in runs) for index in range(3)), codes))
        print(f"{flag}: {rows[-1][1]:.1f} s, {rows[-1][2]:.1f} s CPU, {rows[-1][3]:.0f} MiB, exit {sorted(codes)}", file=sys.stderr)
    if options.markdown:
        print("| flag | wall (median) | CPU (median) | peak RSS (median) | exit |\n| --- | --- | --- | --- | --- |")
        for flag, wall, cpu, rss, codes in rows:
            print(f"| `{flag}` | {wall:.1f} s | {cpu:.1f} s | {rss:.0f} MiB | {', '.join(map(str, sorted(codes)))} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark `flagkeeper check` on any checkout, against the targets of issue 24: one command, a Markdown table.

    python benchmarks/checkout.py PATH... [--repeat 5] [--python PYTHON] [--base PYTHON] [--today 2026-06-01] [--incremental-only]

Each PATH (a real repository, or a corpus of make_corpus.py) is copied first (`git clone
--shared` for a git checkout, so that discovery sees what git sees; a plain copy otherwise):
the copy gets the cache and the edits, the original is never written. Then `--repeat` rounds,
each running every scenario once, so that a change of load on a shared machine hits all of
them alike:

- cold: `check PATH --today T --format json --no-cache` (the default `--jobs`, the cores);
- cold, one process: the same with `--jobs 1` (the parallel speed-up is their ratio);
- warm: the cache filled by a run just before, nothing changed;
- one file changed: a comment appended to the module of median size before the run (another
  comment each round); the file is restored afterwards;
- `ast.parse` of every Python file git lists, in one process (the floor of any analysis that
  parses Python in Python), and vulture if the interpreter has it.

With `--base PYTHON`, the flagkeeper scenarios also run with that interpreter's install in
every round (a before/after comparison under the same load), the two installs taking turns to
go first. Run it from outside a source
checkout (e.g. `cd /tmp`): `python -m` puts the working folder first on the import path.

`--incremental-only` runs the warm and one-file-changed scenarios alone (after one run that fills
the cache): the pre-commit path, in minutes rather than the hour the cold runs and vulture take
on a large checkout of a busy machine.

Reported per scenario: the median (and minimum) of wall-clock and of CPU time (user + system of
the process and its workers, from getrusage), and the verdict against the issue's target.
Peak memory is one cold run in run.py's MEMORY_PROBE (the main process and its largest worker).
Every flagkeeper run's output is hashed: runs that should agree (all of them: no scenario changes
the findings, a comment is not code) are reported as agreeing or not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import MEMORY_PROBE, mebibytes, mid_size_module  # noqa: E402

PARSE_ALL = """\
import ast, sys
for name in sys.stdin.read().splitlines():
    try:
        ast.parse(open(name, "rb").read(), name)
    except (SyntaxError, ValueError):
        pass
"""
# Targets of issue 24 (seconds), for a repository of about 400,000 lines and for 1,000,000.
WARM_TARGET = 0.4
ONE_FILE_TARGET = {400_000: 0.8, 1_000_000: 1.2}
COLD_PER_PARSE, COLD_PER_VULTURE, SPEED_UP, MEMORY_TARGET = 1.3, 0.4, 1.7, 400 * 1024**2


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    def cell(self) -> str:
        if not self.wall:
            return "n/a"
        return f"{statistics.median(self.wall):.2f} s ({min(self.wall):.2f}) · CPU {statistics.median(self.cpu):.2f} s"

    @property
    def median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


def timed(argv: list[str], stdin: str | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds of the child and its children, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin.encode() if stdin is not None else None, capture_output=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def copy_of(source: Path, scratch: Path) -> Path:
    target = scratch / source.name
    if (source / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", "--shared", str(source), str(target)], check=True)
    else:
        shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".flagkeeper_cache"))
    return target


def listed_files(checkout: Path) -> list[Path]:
    if (checkout / ".git").exists():
        names = subprocess.run(["git", "ls-files", "-z"], cwd=checkout, capture_output=True, check=True).stdout.decode().split("\0")
        return [checkout / name for name in names if name and (checkout / name).is_file()]
    return [path for path in checkout.rglob("*") if path.is_file() and ".git" not in path.parts]


def commit_of(source: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=source, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "(not a git checkout)"


def has_vulture(python: str) -> bool:
    return subprocess.run([python, "-c", "import vulture"], capture_output=True, cwd=tempfile.gettempdir()).returncode == 0


def peak_memory(python: str, check: list[str], scratch: Path) -> tuple[int, int]:
    report = scratch / "peak.json"
    timed([python, "-c", MEMORY_PROBE, str(report), *check[3:], "--no-cache"])
    peaks = json.loads(report.read_text())
    return peaks["RUSAGE_SELF"] * 1024, peaks["RUSAGE_CHILDREN"] * 1024


def bench(source: Path, args: argparse.Namespace, scratch: Path) -> None:
    checkout = copy_of(source, scratch)
    files = listed_files(checkout)
    python_files = [path for path in files if path.suffix == ".py"]
    lines = sum(path.read_bytes().count(b"\n") for path in python_files)
    edited = mid_size_module(python_files)
    original = edited.read_bytes()
    installs = {"new": args.python} | ({"base": args.base} if args.base else {})
    results: dict[tuple[str, str], Timings] = {}
    outputs: dict[str, set[str]] = {name: set() for name in installs}
    vulture = has_vulture(args.python)
    print(f"{source}: {len(python_files)} Python files, {lines} lines, {len(files) - len(python_files)} other files", file=sys.stderr)
    try:
        for round_ in range(args.repeat):
            # The installs take turns to go first: with a fixed order, the one always first measured
            # 0.1-0.3 s slower in its first round's warm run, a bias the medians of 5 kept.
            for install, python in list(installs.items())[:: 1 if round_ % 2 == 0 else -1]:
                check = [python, "-m", "flagkeeper", "check", str(checkout), "--today", args.today, "--format", "json"]
                cache = ["--cache-dir", str(scratch / f"cache-{install}")]
                shutil.rmtree(scratch / f"cache-{install}", ignore_errors=True)
                runs = [("cold", check + ["--no-cache"]), ("cold, --jobs 1", check + ["--no-cache", "--jobs", "1"]),
                        ("fill", check + cache), ("warm", check + cache), ("one file changed", check + cache)]  # fmt: skip
                runs = [run for run in runs if not args.incremental_only or not run[0].startswith("cold")]
                for scenario, argv in runs:
                    if scenario == "one file changed":
                        edited.write_bytes(original + f"\n# benchmark edit {round_}\n".encode())
                    wall, cpu, output = timed(argv)
                    json.loads(output)  # exit status 1 is findings, or a Python that lacks flagkeeper: tell them apart
                    edited.write_bytes(original)
                    outputs[install].add(hashlib.sha256(output).hexdigest())
                    results.setdefault((install, scenario), Timings()).add(wall, cpu)
                    print(f"  round {round_ + 1} {install:4} {scenario:17} wall {wall:6.2f} s  cpu {cpu:6.2f} s", file=sys.stderr)
            if args.incremental_only:
                continue
            listing = "\n".join(map(str, python_files))
            results.setdefault(("ref", "ast.parse"), Timings()).add(*timed([args.python, "-c", PARSE_ALL], listing)[:2])
            if vulture:
                results.setdefault(("ref", "vulture"), Timings()).add(*timed([args.python, "-m", "vulture", str(checkout)], ok=(0, 1, 3))[:2])
    finally:
        edited.write_bytes(original)
    main_peak, worker_peak = peak_memory(args.python, check, scratch) if not args.incremental_only else (0, 0)
    report(source, lines, len(python_files), len(files), results, outputs, (main_peak, worker_peak), args)


def report(source: Path, lines: int, python_files: int, files: int, results: dict[tuple[str, str], Timings],
           outputs: dict[str, set[str]], peaks: tuple[int, int], args: argparse.Namespace) -> None:  # fmt: skip
    new = {scenario: timings for (install, scenario), timings in results.items() if install == "new"}
    base = {scenario: timings for (install, scenario), timings in results.items() if install == "base"}
    parse, vulture = results.get(("ref", "ast.parse"), Timings()), results.get(("ref", "vulture"), Timings())
    one_file_target = ONE_FILE_TARGET[400_000] if lines < 700_000 else ONE_FILE_TARGET[1_000_000]
    cold = new.get("cold", Timings())
    verdicts = {
        "cold": (f"≤ {COLD_PER_PARSE}× parse, ≤ {COLD_PER_VULTURE}× vulture",
                 _ratios(cold, parse, COLD_PER_PARSE) + "; " + _ratios(cold, vulture, COLD_PER_VULTURE, "vulture")),
        "cold, --jobs 1": (f"speed-up ≥ {SPEED_UP}×", _speed_up(new.get("cold, --jobs 1", Timings()), cold)),
        "warm": (f"≤ {WARM_TARGET} s", _met(new["warm"].median <= WARM_TARGET)),
        "one file changed": (f"≤ {one_file_target} s", _met(new["one file changed"].median <= one_file_target)),
    }  # fmt: skip
    print(f"\n### {source.name} at {commit_of(source)}: {lines:,} lines in {python_files:,} Python files, {files - python_files:,} other files\n")
    print(f"Medians of {args.repeat} (minimum in brackets), wall clock and CPU (user + system, with workers).\n")
    print("| scenario | " + ("base | " if base else "") + "flagkeeper | target | verdict |")
    print("| --- | " + ("--- | " if base else "") + "--- | --- | --- |")
    for scenario in ("cold", "cold, --jobs 1", "warm", "one file changed"):
        if scenario not in new:  # --incremental-only
            continue
        target, verdict = verdicts[scenario]
        print(f"| {scenario} | " + (f"{base[scenario].cell()} | " if base else "") + f"{new[scenario].cell()} | {target} | {verdict} |")
    if not args.incremental_only:  # the reference rows come with the cold runs
        print("| `ast.parse` of every file, one process | " + ("| " if base else "") + f"{parse.cell()} | | |")
        print("| vulture | " + ("| " if base else "") + f"{vulture.cell()} | | |")
        bound = peaks[0] + args.jobs_for_memory * peaks[1]
        print(f"| peak RSS, cold: main + {args.jobs_for_memory} × largest worker | " + ("| " if base else "")
              + f"{mebibytes(peaks[0])} + {mebibytes(peaks[1])} = {mebibytes(bound)} | ≤ 400 MiB | {_met(bound <= MEMORY_TARGET)} |")  # fmt: skip
    agreeing = ", ".join(f"{install}: {'identical' if len(hashes) == 1 else f'{len(hashes)} different outputs'}" for install, hashes in outputs.items())
    both = len(set().union(*outputs.values())) == 1
    print(f"\nOutputs of every run ({agreeing}){'; base and new identical' if base and both else ''}.")


def _met(yes: bool) -> str:
    return "met" if yes else "missed"


def _ratios(cold: Timings, reference: Timings, limit: float, name: str = "parse") -> str:
    if not reference.wall:
        return f"no {name}"
    wall, cpu = cold.median / reference.median, cold.cpu_median / reference.cpu_median
    return f"{wall:.2f}× {name} wall ({_met(wall <= limit)}), {cpu:.2f}× CPU"


def _speed_up(serial: Timings, parallel: Timings) -> str:
    ratio = serial.median / parallel.median
    return f"{ratio:.2f}× ({_met(ratio >= SPEED_UP)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="checkouts or corpora to benchmark (never written)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose flagkeeper is measured (default: this one)")
    parser.add_argument("--base", help="another install's interpreter, measured in the same rounds (before/after)")
    parser.add_argument("--today", default="2026-06-01")
    parser.add_argument("--incremental-only", action="store_true", help="only the warm and one-file-changed runs")
    args = parser.parse_args()
    args.jobs_for_memory = len(os.sched_getaffinity(0))  # the default --jobs
    for path in args.paths:
        with tempfile.TemporaryDirectory(prefix="fk-checkout-") as scratch:
            bench(path.resolve(), args, Path(scratch))
    return 0


if __name__ == "__main__":
    sys.exit(main())

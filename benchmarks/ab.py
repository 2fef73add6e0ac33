#!/usr/bin/env python3
"""Compare two installs of flagkeeper on one corpus, runs alternating, for a noisy machine.

    python benchmarks/ab.py --base /path/to/old/venv/bin/python [--new PYTHON] --corpus DIR [--repeat 3]

Each round runs the base install, then the new one, on the same corpus, each with a cache folder
of its own: cold (`--no-cache`), warm (the cache just filled), and one file changed (a line
appended to a mid-size module before each run, then removed). Alternating puts both installs
under the same load, so their ratio means something even when the absolute times do not.
Wall-clock and CPU seconds (user + system of the flagkeeper process and its workers) are
reported; on a shared machine the CPU figures are the steadier ones. The number of findings
each install reports is printed too: when they differ, the installs did not do the same work.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import mid_size_module  # noqa: E402

SCENARIOS = ("cold", "warm", "one file changed")


def child_times(argv: list[str], folder: str | Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child process, and what it printed (exit 0 or 1: findings
    are fine, an error stops the benchmark).

    Run from `folder`, away from any source checkout: `python -m` puts the working folder
    first on the import path, and a checkout there would shadow the install being measured.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=folder)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def timed(argv: list[str], folder: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds, and the number of findings printed (JSON)."""
    wall, cpu, output = child_times(argv, folder)
    return wall, cpu, len(json.loads(output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the Python interpreter of the install to compare against")
    parser.add_argument("--new", default=sys.executable, help="the Python interpreter of the new install (default: this one)")
    parser.add_argument("--corpus", type=Path, required=True, help="a corpus made by benchmarks/make_corpus.py")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    edited = mid_size_module(sorted(args.corpus.rglob("*.py")))
    original = edited.read_text(encoding="utf-8")
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    findings: dict[str, set[int]] = {"base": set(), "new": set()}
    with tempfile.TemporaryDirectory() as scratch:
        try:
            for round_ in range(args.repeat):
                for name, python in (("base", args.base), ("new", args.new)):
                    check = [python, "-m", "flagkeeper", "check", str(args.corpus), "--today", "2026-06-01", "--format", "json"]
                    cache = ["--cache-dir", str(Path(scratch) / name)]
                    subprocess.run(["rm", "-rf", str(Path(scratch) / name)], check=True)
                    for scenario, extra in (("cold", ["--no-cache"]), ("fill", cache), ("warm", cache), ("one file changed", cache)):
                        if scenario == "one file changed":
                            edited.write_text(original + f"\n_bench_edit = {round_}\n", encoding="utf-8")
                        wall, cpu, count = timed(check + extra, scratch)
                        edited.write_text(original, encoding="utf-8")
                        findings[name].add(count)
                        if scenario in SCENARIOS:
                            results.setdefault((name, scenario), []).append((wall, cpu))
                            print(f"round {round_ + 1} {name:4} {scenario:17} wall {wall:6.2f} s  cpu {cpu:6.2f} s", file=sys.stderr)
        finally:
            edited.write_text(original, encoding="utf-8")
    print(f"findings: base {sorted(findings['base'])}, new {sorted(findings['new'])}\n")
    print("| scenario | base wall | new wall | new/base wall | base CPU | new CPU | new/base CPU |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for scenario in SCENARIOS:
        base = results["base", scenario]
        new = results["new", scenario]
        bw, nw = statistics.median(w for w, _ in base), statistics.median(w for w, _ in new)
        bc, nc = statistics.median(c for _, c in base), statistics.median(c for _, c in new)
        print(f"| {scenario} | {bw:.2f} s | {nw:.2f} s | {nw / bw:.2f}x | {bc:.2f} s | {nc:.2f} s | {nc / bc:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

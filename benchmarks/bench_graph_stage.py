"""Time the graph stage alone: the import graph and reachability built from already-analysed facts.

    python benchmarks/bench_graph_stage.py CORPUS [--repeat 5]

Scans CORPUS once (that is not what is timed), then builds the import graph, resolves entry
points and classifies every module (entry point, reachable, unreachable, zombie) `--repeat`
times, each on a fresh project model, and prints the median and the minimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

from flagkeeper.analysis.scan import ScanOptions, default_jobs
from flagkeeper.config import load_config
from flagkeeper.project.imports import ModuleStatus
from flagkeeper.project.model import ProjectInputs, build_project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = load_config([args.corpus])
    started = time.perf_counter()
    scanned = build_project([args.corpus], config, dt.date(2026, 6, 1), ProjectInputs(options=ScanOptions(jobs=default_jobs())))
    files = scanned.files
    scan_seconds = time.perf_counter() - started
    timings = []
    for _ in range(args.repeat):
        project = scanned.at(files, scanned.registry)
        started = time.perf_counter()
        status = project.module_status
        timings.append(time.perf_counter() - started)
    edges = len(project.import_graph.edges())
    print(f"corpus {args.corpus}: {len(files)} modules, {edges} import edges, "
          f"{sum(1 for s in status.values() if s is ModuleStatus.UNREACHABLE)} unreachable, "
          f"{sum(1 for s in status.values() if s is ModuleStatus.ZOMBIE)} zombie")
    print(f"scan (once, not the graph stage): {scan_seconds:.1f} s")
    print(f"graph stage: median {statistics.median(timings):.2f} s, min {min(timings):.2f} s over {args.repeat} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

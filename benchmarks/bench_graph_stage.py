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

from flagkeeper.analysis.scan import ScannedFiles, ScanOptions, default_jobs
from flagkeeper.config import load_config
from flagkeeper.project.model import Project, build_project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = load_config([args.corpus])
    started = time.perf_counter()
    scanned = build_project([args.corpus], config, dt.date(2026, 6, 1), options=ScanOptions(jobs=default_jobs()))
    files = scanned.files
    scan_seconds = time.perf_counter() - started
    timings = []
    for _ in range(args.repeat):
        project = Project(scanned.config, scanned.registry, scanned.matcher, ScannedFiles.of(files), (), scanned.today)
        started = time.perf_counter()
        status = project.module_status
        timings.append(time.perf_counter() - started)
    graph = project.import_graph
    print(f"corpus {args.corpus}: {len(files)} modules, {graph.number_of_edges()} import edges, "
          f"{sum(1 for s in status.values() if s == 'unreachable')} unreachable, {sum(1 for s in status.values() if s == 'zombie')} zombie")
    print(f"scan (once, not the graph stage): {scan_seconds:.1f} s")
    print(f"graph stage: median {statistics.median(timings):.2f} s, min {min(timings):.2f} s over {args.repeat} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

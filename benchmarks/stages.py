"""Time each stage of one `flagkeeper check` in one process: where an incremental run spends its time.

    python benchmarks/stages.py CORPUS [--today 2026-06-01]

Run it after a `flagkeeper check` has filled the cache and one file has changed (so the run
cache misses and the facts come from the cache); each stage is timed once, wall clock.
"""

from __future__ import annotations

import time

started = time.perf_counter()

import argparse  # noqa: E402 (the imports are the first stage timed)
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from flagkeeper.checks.runner import check_project, select_rules  # noqa: E402
from flagkeeper.cli.common import load_project  # noqa: E402
from flagkeeper.output.formats import render_findings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--today", default="2026-06-01")
    args = parser.parse_args()
    gc.disable()  # as the command line does while a command runs
    marks = [("imports", time.perf_counter())]
    project = load_project([args.corpus], None, None, dt.datetime.fromisoformat(args.today))
    marks.append(("configuration, discovery, reading and hashing", time.perf_counter()))
    project.files  # noqa: B018 (loading the facts is the stage)
    marks.append(("facts from the cache", time.perf_counter()))
    project.import_graph  # noqa: B018
    marks.append(("import graph", time.perf_counter()))
    rules = select_rules(project.config.select, project.config.ignore)
    run = check_project(project, rules)
    marks.append(("entry points and rules", time.perf_counter()))
    render_findings("json", run.diagnostics, rules, run.files, project.config.root)
    marks.append(("output", time.perf_counter()))
    previous = started
    for stage, at in marks:
        print(f"{stage:48} {at - previous:6.3f} s")
        previous = at
    print(f"{'total in process':48} {previous - started:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

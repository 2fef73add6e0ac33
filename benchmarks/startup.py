#!/usr/bin/env python3
"""Startup: `flagkeeper --version` and a warm `check` of a one-file project, medians of several runs.

    python benchmarks/startup.py [--repeat 15] [--base OTHER_PYTHON]

What a pre-commit hook or an editor pays on every call when there is almost nothing to analyse:
the interpreter, the imports, the configuration and rule packs, discovery, and the cache. The
project (one module reading one flag, its registry, a git repository) is made in a temporary
folder and checked once to fill the cache; each timed run then finds everything cached.

With `--base`, a second install (another interpreter with flagkeeper installed) is timed too,
runs alternating, each on a copy of the project of its own (the cache is named by flagkeeper's
source, so two installs would evict each other's entries). Wall-clock and CPU seconds (user +
system of the child process) are reported: on a shared machine read the CPU columns.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ab import child_times  # noqa: E402

APP = 'import os\n\n\ndef checkout():\n    if os.environ.get("FEATURE_NEW_CHECKOUT"):\n        return "new"\n    return "old"\n'
REGISTRY = '[flags.FEATURE_NEW_CHECKOUT]\nowner = "payments"\ntype = "release"\ncreated = 2026-01-01\nexpires = 2026-09-30\n'
COMMANDS = {"--version": ["--version"], "warm check, one file": ["check", "-q", "--today", "2026-06-01", "."]}


def make_project(folder: Path) -> None:
    folder.mkdir()
    (folder / "app.py").write_text(APP, encoding="utf-8")
    (folder / "flags.toml").write_text(REGISTRY, encoding="utf-8")
    (folder / "pyproject.toml").write_text('[project]\nname = "shop"\n\n[tool.flagkeeper]\nentry-points = ["app"]\n', encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "x"]):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)


def timed(argv: list[str], folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    wall, cpu, _ = child_times(argv, folder)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command and install (default 15)")
    parser.add_argument("--base", help="the Python interpreter of another install, timed alternately")
    args = parser.parse_args()
    installs = {"new": sys.executable, **({"base": args.base} if args.base else {})}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        make_project(template)
        folders = {name: Path(scratch) / name for name in installs}
        for name, python in installs.items():
            shutil.copytree(template, folders[name])
            timed([python, "-m", "flagkeeper", *COMMANDS["warm check, one file"]], folders[name])  # fills the cache
        for _ in range(args.repeat):
            for name, python in installs.items():
                for label, command in COMMANDS.items():
                    # The console script's own path: `python -m flagkeeper` runs cli/entry.py as `flagkeeper` does.
                    results.setdefault((name, label), []).append(timed([python, "-m", "flagkeeper", *command], folders[name]))
    print(f"| install | run | wall median | wall min | CPU median | CPU min |  ({args.repeat} runs each)")
    print("| --- | --- | --- | --- | --- | --- |")
    for (name, label), runs in results.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        print(f"| {name} | {label} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | {statistics.median(cpus):.3f} s | {min(cpus):.3f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

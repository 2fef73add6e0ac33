#!/usr/bin/env python3
"""Where the per-file analysis spends its CPU time, stage by stage, on every Python file of a tree.

    python benchmarks/file_stages.py PATH

Runs `analyse_file` on every `.py` file under PATH in this process and charges the CPU time
(time.process_time, so the load of a shared machine does not count) of each stage it calls:
`ast.parse`, the structure walk, flag reads, suppressions, registrations, and the rest (building
the facts, guards). A Markdown table goes to stdout. No profiler: its overhead distorts exactly
the many small calls of the walk.
"""

from __future__ import annotations

import ast
import functools
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flagkeeper.analysis import analyse
from flagkeeper.analysis.packs import Matcher, load_pack, shipped_pack_names, shipped_packs_dir

spent: dict[str, float] = {}


def charged(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] = spent.get(stage, 0.0) + time.process_time() - start

    return timed


def main() -> int:
    root = Path(sys.argv[1])
    matcher = Matcher([load_pack(shipped_packs_dir() / f"{name}.toml") for name in shipped_pack_names()])
    counted_ast = types.ModuleType("ast")
    counted_ast.__dict__.update(ast.__dict__)
    counted_ast.parse = charged("ast.parse", ast.parse)  # type: ignore[attr-defined]
    analyse.ast = counted_ast  # type: ignore[attr-defined]
    for name, stage in (("read_structure", "structure walk"), ("find_flag_reads", "flag reads"),
                        ("find_suppressions", "suppressions"), ("find_registrations", "registrations"),
                        ("find_handlers", "handlers"), ("find_unchecked_details", "unchecked details"),
                        ("find_overrides", "overrides")):  # fmt: skip
        setattr(analyse, name, charged(stage, getattr(analyse, name)))
    files = sorted(root.rglob("*.py"))
    lines = 0
    start = time.process_time()
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines += source.count("\n")
        analyse.analyse_file(str(path), source, path.stem, path.name == "__init__.py", matcher)
    total = time.process_time() - start
    spent["the rest (facts, guards, reading)"] = total - sum(spent.values())
    print(f"{root}: {len(files)} files, {lines:,} lines, {total:.2f} s CPU\n")
    print("| stage | CPU | share |\n| --- | --- | --- |")
    for stage, seconds in spent.items():
        print(f"| {stage} | {seconds:.2f} s | {seconds / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""How the cost of a cold `check` grows with the size of the code base: a table and an SVG chart.

    python benchmarks/growth.py [--sizes 100000,300000,1000000] [--workdir /tmp/growth] [--svg docs/growth.svg]

For each size, a corpus is generated (`make_corpus.py --real-code`, modules in proportion,
kept in WORKDIR and reused) and one cold `check --no-cache` runs in run.py's MEMORY_PROBE: CPU
time (user + system of the process and its workers), wall clock, and peak RSS (the main
process plus the default jobs times the largest worker). Prints a Markdown table and the slope of a least-squares line
through the CPU times (seconds per 100,000 lines) and peak memories, and writes the chart, a
small hand-written SVG (two panels: CPU seconds and MiB against lines).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_corpus  # noqa: E402
from run import MEMORY_PROBE  # noqa: E402

LINES_PER_MODULE = 200  # the generator's default ratio (5,000 modules for 1,000,000 lines)


def corpus(workdir: Path, size: int) -> tuple[Path, int]:
    """The corpus of `size` requested lines and its real number of Python lines."""
    root = workdir / f"corpus-{size}"
    if not (root / "pyproject.toml").exists():
        make_corpus.main([str(root), "--lines", str(size), "--modules", str(size // LINES_PER_MODULE), "--real-code"])
    lines = sum(path.read_bytes().count(b"\n") for path in root.rglob("*.py"))
    return root, lines


def cold(root: Path, python: str) -> tuple[float, float, int]:
    """CPU seconds, wall seconds, and peak bytes of one cold check: main + jobs × largest worker,
    an upper bound (forked workers also count the pages they share with the main process)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak.json"
        argv = [python, "-c", MEMORY_PROBE, str(report), "check", str(root), "--today", "2026-06-01", "--format", "json", "--no-cache"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, cwd=scratch)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            sys.exit(done.stderr.decode(errors="replace")[-2000:])
        peaks = json.loads(report.read_text())
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall, (peaks["RUSAGE_SELF"] + len(os.sched_getaffinity(0)) * peaks["RUSAGE_CHILDREN"]) * 1024


def slope(xs: list[float], ys: list[float]) -> float:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def panel(left: int, title: str, points: list[tuple[float, float]], unit: str) -> list[str]:
    """One chart: axes, grid labels, the points joined by a line."""
    width, height, top, bottom = 300, 200, 30, 40
    max_x, max_y = max(x for x, _ in points) * 1.1, max(y for _, y in points) * 1.15

    def at(x: float, y: float) -> tuple[float, float]:
        return left + 50 + x / max_x * (width - 60), top + (1 - y / max_y) * (height - top - bottom) + top

    out = [f'<text x="{left + 50}" y="{top - 8}" font-size="13" font-weight="bold">{title}</text>']
    x0, y0 = at(0, 0)
    x1, y1 = at(max_x, max_y)
    out.append(f'<polyline points="{x0:.0f},{y1:.0f} {x0:.0f},{y0:.0f} {x1:.0f},{y0:.0f}" fill="none" stroke="#555"/>')
    for step in range(5):
        value = max_y * step / 4
        _, y = at(0, value)
        out.append(f'<text x="{x0 - 6:.0f}" y="{y + 4:.0f}" font-size="10" text-anchor="end">{value:.3g}</text>')
    for x, _ in points:
        px, _ = at(x, 0)
        out.append(f'<text x="{px:.0f}" y="{y0 + 14:.0f}" font-size="10" text-anchor="middle">{x / 1e6:.2g}M</text>')
    line = " ".join(f"{at(x, y)[0]:.1f},{at(x, y)[1]:.1f}" for x, y in points)
    out.append(f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    out += [f'<circle cx="{at(x, y)[0]:.1f}" cy="{at(x, y)[1]:.1f}" r="3.5" fill="#1f77b4"><title>{y:.1f} {unit}</title></circle>' for x, y in points]
    out.append(f'<text x="{left + 50 + (width - 60) / 2:.0f}" y="{y0 + 30:.0f}" font-size="11" text-anchor="middle">lines of Python</text>')
    return out


def chart(rows: list[tuple[int, float, float, int]]) -> str:
    cpu = [(lines, seconds) for lines, seconds, _, _ in rows]
    memory = [(lines, peak / 1024**2) for lines, _, _, peak in rows]
    body = panel(0, "cold check: CPU seconds", cpu, "s") + panel(320, "cold check: peak RSS, MiB", memory, "MiB")
    return '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="230" font-family="sans-serif">\n' + "\n".join(body) + "\n</svg>\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="requested lines per corpus, comma-separated")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "flagkeeper-growth")
    parser.add_argument("--svg", type=Path, default=Path("growth.svg"))
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose flagkeeper is measured")
    args = parser.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        root, lines = corpus(args.workdir, size)
        cpu, wall, peak = cold(root, args.python)
        print(f"{lines} lines: CPU {cpu:.1f} s, wall {wall:.1f} s, peak {peak / 1024**2:.0f} MiB", file=sys.stderr)
        rows.append((lines, cpu, wall, peak))
    print("| lines of Python | CPU, cold | wall, cold | peak RSS (main + jobs × largest worker) |")
    print("| --- | --- | --- | --- |")
    for lines, cpu, wall, peak in rows:
        print(f"| {lines:,} | {cpu:.1f} s | {wall:.1f} s | {peak / 1024**2:.0f} MiB |")
    xs = [lines / 1e5 for lines, _, _, _ in rows]
    print(f"\nSlope: {slope(xs, [cpu for _, cpu, _, _ in rows]):.2f} s of CPU and "
          f"{slope(xs, [peak / 1024**2 for *_, peak in rows]):.0f} MiB per 100,000 lines.")  # fmt: skip
    args.svg.write_text(chart(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

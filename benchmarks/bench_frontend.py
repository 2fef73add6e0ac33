#!/usr/bin/env python3
"""What the JavaScript/TypeScript pass adds to a cold `flagkeeper check`.

    python benchmarks/bench_frontend.py [--corpus DIR] [--modules 2000] [--lines 400000]
                                        [--frontend-lines 100000] [--repeat 5]

The corpus is benchmarks/make_corpus.py's (generated into DIR, or a temporary folder), with a
React frontend tree of about `--frontend-lines` lines added under `frontend/src/screens/`:
components with hooks and JSX, an enum of keys per area, and flag reads through the shipped
packs' JavaScript reads (LaunchDarkly, OpenFeature, Unleash, PostHog) of keys from flags.toml.

Each round runs `flagkeeper check CORPUS --no-cache --today 2026-06-01 --format json` twice:
with the frontend as it is, and with every frontend file renamed to `.vue`, a suffix whose text
is searched for keys the same way but never parsed. The difference is the JS/TS pass (parse,
queries, key resolution). Rounds alternate the two orders, so a machine whose load drifts
treats both alike. Reported: the median CPU time (user + system, of flagkeeper and its workers)
and wall time of each, and the overhead of the medians. Standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SDK_READS = (
    "const {name} = useFlag({key});",
    "const {name} = useBooleanFlagValue({key}, false);",
    "const {name} = posthog.isFeatureEnabled({key});",
    "const {name} = ldClient?.variation({key}, false) ?? false;",
)
COMPONENT = """\
export function {component}({{ items, onSelect }}: {component}Props) {{
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(0);
  {read}
  const visible = useMemo(() => items.filter((item) => item.title.toLowerCase().includes(query.toLowerCase())), [items, query]);
  useEffect(() => {{
    if (page * PAGE_SIZE > visible.length) {{
      setPage(0);
    }}
  }}, [visible.length, page]);
  const handleSelect = useCallback((id: string) => {{
    track("{component}.select", {{ id, page }});
    onSelect(id);
  }}, [onSelect, page]);
  return (
    <section className={{styles.panel}}>
      <header className={{styles.header}}>
        <h2>{{t("{component}.title")}}</h2>
        <input value={{query}} onChange={{(event) => setQuery(event.target.value)}} placeholder={{t("search")}} />
      </header>
      {{{name} ? <NewLayout items={{visible}} /> : null}}
      <ul>
        {{visible.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((item) => (
          <li key={{item.id}} onClick={{() => handleSelect(item.id)}} className={{item.active ? styles.active : undefined}}>
            {{item.title}} <span>{{formatDate(item.updatedAt)}}</span>
          </li>
        ))}}
      </ul>
      <footer>
        <button disabled={{page === 0}} onClick={{() => setPage(page - 1)}}>{{t("previous")}}</button>
        <button onClick={{() => setPage(page + 1)}}>{{t("next")}}</button>
      </footer>
    </section>
  );
}}

"""


def _make_corpus():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).with_name("make_corpus.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def write_frontend(root: Path, lines: int, seed: int) -> list[Path]:
    """A React tree of about `lines` lines reading keys of root/flags.toml; the files written."""
    keys = re.findall(r'^\[flags\."?([^"\]]+)"?\]', (root / "flags.toml").read_text(), re.MULTILINE)
    rng = random.Random(seed)
    written: list[Path] = []
    total = index = 0
    while total < lines:
        area = f"area{index // 20}"
        folder = root / "frontend" / "src" / "screens" / area
        folder.mkdir(parents=True, exist_ok=True)
        enum = folder / "flags.ts"
        if not enum.exists():
            members = rng.sample(keys, k=min(8, len(keys)))
            enum.write_text("export enum Flag {\n" + "".join(f'  K{n} = "{key}",\n' for n, key in enumerate(members)) + "}\n")
            written.append(enum)
        parts = ['import { useState, useMemo, useEffect, useCallback } from "react";', 'import { Flag } from "./flags";', ""]
        parts += ["const PAGE_SIZE = 20;", ""]
        for number in range(rng.randint(3, 8)):
            component = f"Panel{index}x{number}"
            key = f"Flag.K{rng.randrange(8)}" if rng.random() < 0.5 else f'"{rng.choice(keys)}"'
            read = rng.choice(SDK_READS).format(name="enabled", key=key)
            parts.append(f"interface {component}Props {{ items: Item[]; onSelect: (id: string) => void }}\n")
            parts.append(COMPONENT.format(component=component, read=read, name="enabled"))
        path = folder / f"Screen{index}.tsx"
        path.write_text("\n".join(parts))
        written.append(path)
        total += sum(part.count("\n") + 1 for part in parts)
        index += 1
    return written


def timed_check(corpus: Path) -> tuple[float, float]:
    """CPU seconds (user + system, with workers) and wall seconds of one cold check."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-m", "flagkeeper", "check", str(corpus), "--no-cache", "--today", "2026-06-01", "--format", "json"]
    result = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(result.stderr.decode())
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def rename(files: list[Path], suffix: str) -> list[Path]:
    return [path.rename(path.with_suffix(suffix)) for path in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=400_000)
    parser.add_argument("--frontend-lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    temporary = None if args.corpus else tempfile.mkdtemp(prefix="fk-frontend-")
    corpus = args.corpus or Path(str(temporary)) / "corpus"
    try:
        _make_corpus().generate(corpus, modules=args.modules, lines=args.lines, seed=args.seed)
        scripts = write_frontend(corpus, args.frontend_lines, args.seed)
        scripts += [path for path in (corpus / "frontend").rglob("*") if path.suffix in (".ts", ".tsx") and path not in scripts]
        suffixes = {path.with_suffix(".vue"): path.suffix for path in scripts}
        print(f"corpus: {args.lines} Python lines; frontend: {len(scripts)} TS/TSX files", file=sys.stderr)
        times: dict[str, list[tuple[float, float]]] = {"with the JS/TS pass": [], "frontend as text only": []}
        for round_number in range(args.repeat):
            order = list(times) if round_number % 2 == 0 else list(reversed(times))
            for name in order:
                if name == "frontend as text only":
                    hidden = rename(scripts, ".vue")
                    times[name].append(timed_check(corpus))
                    scripts = [path.rename(path.with_suffix(suffixes[path])) for path in hidden]
                else:
                    times[name].append(timed_check(corpus))
                print(f"{name}: cpu {times[name][-1][0]:.2f} s, wall {times[name][-1][1]:.2f} s", file=sys.stderr)
        medians = {name: (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs)) for name, runs in times.items()}
        for name, (cpu, wall) in medians.items():
            print(f"{name:24} median cpu {cpu:6.2f} s   wall {wall:6.2f} s   ({args.repeat} runs)")
        base, with_pass = medians["frontend as text only"], medians["with the JS/TS pass"]
        print(f"JS/TS pass overhead: cpu {100 * (with_pass[0] / base[0] - 1):+.1f} %   wall {100 * (with_pass[1] / base[1] - 1):+.1f} %")
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()

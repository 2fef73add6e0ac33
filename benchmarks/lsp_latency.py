"""Diagnostics latency of `flagkeeper server` for a changed buffer, with the project's facts cached.

    python benchmarks/lsp_latency.py CORPUS [--repeat 15] [--today 2026-06-01] [--base OTHER_PYTHON]

Run `flagkeeper check CORPUS` once first, so the facts cache is warm. The buffer is the module
of median size among those with a flag read at the head of an `if`; each round types a new read
of an unregistered key into that `if`'s body (same SDK call, a new key), as a developer would.

Two measurements:
- in process: the CPU time (time.process_time) of the workspace's findings for the changed
  buffer (workspace.py: analyse the buffer, lay it over the cached project, run the rules);
  CPU time is what a loaded machine distorts least;
- over stdio: the wall time from sending `textDocument/didChange` to receiving the
  `publishDiagnostics` that holds the new FK001, with a real client (pygls's LanguageClient);
  the rounds are half a second apart, so each change comes after a pause (a server that holds
  every change back for its debounce, as before issue 23's latency work, includes it); then as
  many rounds of a burst, two changes 50 ms apart, timed from the second (the debounce included).

Each measurement ends with a digest of what it found (every finding of the project after the
last round; the last diagnostics published for the buffer), to compare two versions' output.
With `--base OTHER_PYTHON` the script also runs under that interpreter (another install of
flagkeeper, whose facts cache must be warm too) and prints its figures first.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.cli.common import load_project
from flagkeeper.lsp.workspace import Workspace

try:
    from flagkeeper.cli.main import selected_rules
except ImportError:  # an install from before it was public (--base)
    from flagkeeper.cli.main import _selected_rules as selected_rules  # type: ignore[attr-defined,no-redef]


def _edit_site(root: Path, files: list[FileFacts]) -> tuple[Path, list[str], int, str]:
    """(path, lines, line after which to insert, the text to insert with `{n}` for the round)."""
    sites = []
    for facts in files:
        lines = (root / facts.path).read_text(encoding="utf-8").splitlines(keepends=True)
        for read in facts.references:
            head = lines[read.line - 1]
            if head.rstrip().endswith(":") and "(" in head[read.column - 1 :] and read.line < len(lines):
                callee = head[read.column - 1 : head.index("(", read.column - 1)]
                body = lines[read.line]
                indent = body[: len(body) - len(body.lstrip())]
                sites.append((facts.lines, root / facts.path, lines, read.line, f'{indent}_probe = {callee}("bench.probe-{{n}}")\n'))
                break
    sites.sort(key=lambda site: (site[0], str(site[1])))
    _, path, lines, line, text = sites[len(sites) // 2]
    return path, lines, line, text


def _typed(lines: list[str], line: int, text: str, round_number: int | str) -> str:
    return "".join([*lines[:line], text.format(n=round_number), *lines[line:]])


def _digest(lines: list[str]) -> str:
    return f"{len(lines)} findings, sha256 {hashlib.sha256(chr(10).join(lines).encode()).hexdigest()[:16]}"


def in_process(root: Path, today: dt.datetime, repeat: int) -> tuple[list[float], Path, str]:
    workspace = Workspace(lambda: load_project([root], None, None, today, progress=False), lambda config: selected_rules(config, (), (), ()))
    workspace.findings()  # the base: facts from the cache, the rules once
    path, lines, line, text = _edit_site(root, workspace.base.files)
    timings = []
    for round_number in range(repeat):
        started = time.process_time()
        workspace.set_buffer(path, _typed(lines, line, text, round_number))
        found = workspace.findings_in(path)
        timings.append(time.process_time() - started)
        assert any(diagnostic.code == "FK001" and f"bench.probe-{round_number}" in diagnostic.message for diagnostic in found)
    shown = [f"{d.path}:{d.line}:{d.column}: {d.code} {d.severity} {d.message} {d.related} {d.flow} {d.confidence}" for d in workspace.findings()]
    return timings, path, _digest(shown)


async def over_stdio(root: Path, today: str, repeat: int, path: Path, lines: list[str], line: int, text: str) -> tuple[list[float], list[float], str]:
    """Wall times from a change after a pause, then from the last change of a burst (two changes
    50 ms apart), to the diagnostics of that change; and the digest of the last ones."""
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    client = LanguageClient("lsp-latency", "1")
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "flagkeeper", "server", "--today", today, cwd=root, env=dict(os.environ))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(root))))
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(path)) or ""
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 0, "".join(lines))))
    await published.get()  # the first publish: the project built and checked
    version = 0
    last: Sequence[types.Diagnostic] = []

    async def change(round_number: int | str) -> None:
        nonlocal version
        version += 1
        identifier = types.VersionedTextDocumentIdentifier(version=version, uri=uri)
        whole = types.TextDocumentContentChangeWholeDocument(text=_typed(lines, line, text, round_number))
        client.text_document_did_change(types.DidChangeTextDocumentParams(identifier, [whole]))

    async def published_with(round_number: int) -> None:
        nonlocal last
        while not any(f"bench.probe-{round_number}" in diagnostic.message for diagnostic in last):
            last = (await published.get()).diagnostics

    after_pause, burst_end = [], []
    for round_number in range(repeat):
        started = time.perf_counter()
        await change(round_number)
        await published_with(round_number)
        after_pause.append(time.perf_counter() - started)
        await asyncio.sleep(0.5)  # a pause between keystrokes, longer than the debounce
    for round_number in range(repeat, 2 * repeat):
        await change(f"x{round_number}")  # a keystroke, and 50 ms later the next one: a burst
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        await change(round_number)
        await published_with(round_number)
        burst_end.append(time.perf_counter() - started)
        await asyncio.sleep(0.5)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return after_pause, burst_end, _digest([f"{d.range} {d.code} {d.severity} {d.message} {d.related_information}" for d in last])


def _summary(label: str, timings: list[float]) -> str:
    median, least, most = (value * 1000 for value in (statistics.median(timings), min(timings), max(timings)))
    return f"{label}: median {median:.0f} ms, min {least:.0f} ms, max {most:.0f} ms ({len(timings)} rounds)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--today", default="2026-06-01")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--base", help="the Python interpreter of another install, measured first (before/after)")
    args = parser.parse_args()
    if args.base:
        print("== base", args.base, flush=True)
        subprocess.run([args.base, __file__, str(args.corpus), "--today", args.today, "--repeat", str(args.repeat)], check=True)
        print("== this install", sys.executable, flush=True)
    root = args.corpus.resolve()
    cpu, path, found = in_process(root, dt.datetime.fromisoformat(args.today), args.repeat)
    print(f"buffer: {path.relative_to(root)}")
    print(_summary("in process, CPU time of the findings for the changed buffer", cpu) + f"; after the last round: {found}")
    files = Workspace(lambda: load_project([root], None, None, dt.datetime.fromisoformat(args.today), progress=False), lambda _: []).base.files
    _, lines, line, text = _edit_site(root, files)
    wall, burst, published = asyncio.run(over_stdio(root, args.today, args.repeat, path, lines, line, text))
    print(_summary("over stdio, wall time from didChange after a pause to publishDiagnostics", wall), flush=True)
    print(_summary("over stdio, wall time from the last didChange of a burst to publishDiagnostics", burst) + f"; the last publish: {published}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Diagnostics latency of `flagkeeper server` for a changed buffer, with the project's facts cached.

    python benchmarks/lsp_latency.py CORPUS [--repeat 15] [--today 2026-06-01]

Run `flagkeeper check CORPUS` once first, so the facts cache is warm. The buffer is the module
of median size among those with a flag read at the head of an `if`; each round types a new read
of an unregistered key into that `if`'s body (same SDK call, a new key), as a developer would.

Two measurements:
- in process: the CPU time (time.process_time) of the workspace's findings for the changed
  buffer (workspace.py: analyse the buffer, lay it over the cached project, run the rules);
  CPU time is what a loaded machine distorts least;
- over stdio: the wall time from sending `textDocument/didChange` to receiving the
  `publishDiagnostics` that holds the new FK001, with a real client (pygls's LanguageClient);
  it includes the server's debounce (flagkeeper.lsp.server.DEBOUNCE).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.cli.common import load_project
from flagkeeper.cli.main import _selected_rules
from flagkeeper.lsp.server import DEBOUNCE
from flagkeeper.lsp.workspace import Workspace


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


def _typed(lines: list[str], line: int, text: str, round_number: int) -> str:
    return "".join([*lines[:line], text.format(n=round_number), *lines[line:]])


def in_process(root: Path, today: dt.datetime, repeat: int) -> tuple[list[float], Path]:
    workspace = Workspace(lambda: load_project([root], None, None, today, progress=False), lambda config: _selected_rules(config, (), (), ()))
    workspace.findings()  # the base: facts from the cache, the rules once
    path, lines, line, text = _edit_site(root, workspace.base.files)
    timings = []
    for round_number in range(repeat):
        started = time.process_time()
        workspace.set_buffer(path, _typed(lines, line, text, round_number))
        found = workspace.findings_in(path)
        timings.append(time.process_time() - started)
        assert any(diagnostic.code == "FK001" and f"bench.probe-{round_number}" in diagnostic.message for diagnostic in found)
    return timings, path


async def over_stdio(root: Path, today: str, repeat: int, path: Path, lines: list[str], line: int, text: str) -> list[float]:
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
    timings = []
    for round_number in range(repeat):
        change = types.TextDocumentContentChangeWholeDocument(text=_typed(lines, line, text, round_number))
        started = time.perf_counter()
        identifier = types.VersionedTextDocumentIdentifier(version=round_number + 1, uri=uri)
        client.text_document_did_change(types.DidChangeTextDocumentParams(identifier, [change]))
        while not any(f"bench.probe-{round_number}" in diagnostic.message for diagnostic in (await published.get()).diagnostics):
            pass
        timings.append(time.perf_counter() - started)
        await asyncio.sleep(0.5)  # a pause between keystrokes, longer than the debounce
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return timings


def _summary(label: str, timings: list[float]) -> str:
    median, least, most = (value * 1000 for value in (statistics.median(timings), min(timings), max(timings)))
    return f"{label}: median {median:.0f} ms, min {least:.0f} ms, max {most:.0f} ms ({len(timings)} rounds)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--today", default="2026-06-01")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    root = args.corpus.resolve()
    cpu, path = in_process(root, dt.datetime.fromisoformat(args.today), args.repeat)
    print(f"buffer: {path.relative_to(root)}")
    print(_summary("in process, CPU time of the findings for the changed buffer", cpu))
    files = Workspace(lambda: load_project([root], None, None, dt.datetime.fromisoformat(args.today), progress=False), lambda _: []).base.files
    _, lines, line, text = _edit_site(root, files)
    wall = asyncio.run(over_stdio(root, args.today, args.repeat, path, lines, line, text))
    print(_summary(f"over stdio, wall time from didChange to publishDiagnostics (debounce {DEBOUNCE * 1000:.0f} ms included)", wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())

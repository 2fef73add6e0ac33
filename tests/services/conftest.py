"""A flag service on 127.0.0.1 for the pull tests: it replays the responses a test gives it, shaped
as each vendor documents its API, and records every request. Nothing reaches the internet."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import run, write_tree


@dataclass
class Reply:
    path: str
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] | None = None  # matches when every one of these is in the request's query
    once: bool = False


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class ReplayService:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[Request] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                service.requests.append(Request(parts.path, query, {name.lower(): value for name, value in self.headers.items()}))
                reply = service.find(parts.path, query)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def reply(self, path: str, body: Any, status: int = 200, headers: dict[str, str] | None = None,
              query: dict[str, str] | None = None, once: bool = False) -> None:  # fmt: skip
        self.replies.append(Reply(path, body, status, headers or {}, query, once))

    def find(self, path: str, query: dict[str, list[str]]) -> Reply:
        for reply in self.replies:
            if reply.path == path and all(query.get(name) == [value] for name, value in (reply.query or {}).items()):
                if reply.once:
                    self.replies.remove(reply)
                return reply
        return Reply(path, {"message": f"no reply for {path}"}, 404)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service() -> Iterator[ReplayService]:
    replay = ReplayService()
    yield replay
    replay.close()


@pytest.fixture
def pull_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """pull_project(*ARGS) -> (result, state file text or None): `flagkeeper pull ARGS` in an empty project."""
    root = write_tree(tmp_path / "project", {})
    for variable in ("LD_BASE_URI", "UNLEASH_URL", "FLAGSMITH_API_URL", "POSTHOG_HOST", "GROWTHBOOK_API_HOST"):
        monkeypatch.delenv(variable, raising=False)

    def pull(*args: str) -> tuple[Any, str | None]:
        result = run(["pull", *args], root)
        state = root / "flag-state.toml"
        return result, state.read_text(encoding="utf-8") if state.exists() else None

    def again(*args: str) -> None:
        """A second pull with nothing new at the service leaves the state file as it is, time included."""
        state = root / "flag-state.toml"
        before = (state.read_bytes(), state.stat().st_mtime_ns)
        result, _ = pull(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("unchanged: flag-state.toml: ")
        assert (state.read_bytes(), state.stat().st_mtime_ns) == before

    pull.root = root  # type: ignore[attr-defined]
    pull.again = again  # type: ignore[attr-defined]
    return pull

"""FastAPI: the module that creates the application, and an `asgi`/`wsgi` module, are loaded by
uvicorn or gunicorn by name; routers it includes (`include_router`) are imports."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles, creators_of, server_modules

APP_FACTORY = "fastapi.FastAPI"


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if files.uses("fastapi"):
        yield from creators_of(files, APP_FACTORY, "FastAPI application")
        yield from server_modules(files)

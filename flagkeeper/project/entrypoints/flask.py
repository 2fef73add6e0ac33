"""Flask: the module that creates the application (`app = Flask(__name__)`, or an app factory
such as `create_app`) is loaded by `flask --app` or a WSGI server, as is a `wsgi`/`asgi` module.
Blueprints it registers are imports; `config.from_object("dotted.path")` strings are links."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles, creators_of, server_modules


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if files.uses("flask"):
        yield from creators_of(files, "flask.Flask", "Flask application")
        yield from server_modules(files)

"""Flask: the module that creates the application (`app = Flask(__name__)`, or an app factory
such as `create_app`) is loaded by `flask --app` or a WSGI server, as is a `wsgi`/`asgi` module.
Blueprints it registers are imports; `config.from_object("dotted.path")` strings are links; the
file `config.from_pyfile` runs (a literal, or the literal default of `os.environ.get`) is an entry
point, found next to the module that calls it or at the project root."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import PurePosixPath

from flagkeeper.analysis.facts import PYFILE_LINK
from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles, creators_of, server_modules

APP_FACTORY = "flask.Flask"


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if files.uses("flask"):
        yield from creators_of(files, APP_FACTORY, "Flask application")
        yield from server_modules(files)
        yield from _config_files(files)


def _config_files(files: ProjectFiles) -> Iterator[EntryPoint]:
    by_path = {facts.path: module for module, facts in files.modules.items()}
    for module, facts in files.modules.items():
        for link in facts.links:
            if link.kind == PYFILE_LINK:
                beside = posixpath.normpath((PurePosixPath(facts.path).parent / link.target).as_posix())
                found = by_path.get(beside) or by_path.get(PurePosixPath(link.target).as_posix())
                if found:
                    yield EntryPoint(found, f"run by config.from_pyfile in {module}:{link.line}")

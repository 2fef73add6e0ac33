"""Alembic: `env.py` of a migration folder and every revision in its `versions/`, which
alembic loads by path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if not files.uses("alembic"):
        return
    folders = {
        PurePosixPath(facts.path).parent
        for facts in files.modules.values()
        if facts.path.endswith("env.py") and any(target.startswith("alembic") for target in facts.imports)
    }
    for module, facts in files.modules.items():
        path = PurePosixPath(facts.path)
        if path.parent in folders and path.name == "env.py":
            yield EntryPoint(module, "the Alembic migration environment (env.py)")
        elif path.parent.name == "versions" and path.parent.parent in folders:
            yield EntryPoint(module, f"an Alembic revision in {path.parent}")

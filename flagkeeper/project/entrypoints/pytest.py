"""pytest: with --include-tests-as-entry-points, test files and conftest.py (whose
`pytest_plugins` strings are links, so the plugin modules they name follow)."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles
from flagkeeper.project.imports import is_test_module


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if not files.include_tests:
        return
    for module, facts in files.modules.items():
        if is_test_module(facts):
            kind = "a pytest conftest.py" if facts.path.endswith("conftest.py") else "a test file"
            yield EntryPoint(module, f"{kind} (--include-tests-as-entry-points)")

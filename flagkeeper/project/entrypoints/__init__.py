"""Entry points: the modules that run although no module of the project imports them.

Each framework has a small detector of its own, active only when the project uses that
framework; each entry point found carries the reasons it was found, which
`flagkeeper graph --entry-points` lists. Detectors read what DetectorFacts keeps of each
module's facts and the packaging files only: nothing of the project is imported or run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.project.entrypoints import alembic, celery, django, fastapi, flask, gunicorn, packaging, pytest, scripts
from flagkeeper.project.entrypoints.base import DetectorFacts, EntryPoint, ProjectFiles
from flagkeeper.project.entrypoints.configured import detect_configured, is_glob, matching
from flagkeeper.project.entrypoints.packaging import entry_targets

__all__ = ["DetectorFacts", "EntryPoint", "ProjectFiles", "detector_facts", "entry_targets", "find_entry_points", "is_glob", "matching"]

DETECTORS: tuple[Callable[[ProjectFiles], Iterator[EntryPoint]], ...] = (
    packaging.detect, scripts.detect, pytest.detect, django.detect, celery.detect, flask.detect, fastapi.detect, alembic.detect,
    gunicorn.detect,
)  # fmt: skip
# The callees and module-level names some detector looks for: DetectorFacts keeps only these.
WATCHED_CALLS = frozenset({celery.APP_FACTORY, flask.APP_FACTORY, fastapi.APP_FACTORY, *django.SERVERS, *packaging.SETUP_CALLS})
WATCHED_CONSTANTS = frozenset({django.ROOT_URLCONF, *gunicorn.SETTINGS})


def detector_facts(facts: FileFacts) -> DetectorFacts:
    """What the detectors read of a module's facts."""
    return DetectorFacts.of(facts, WATCHED_CALLS, WATCHED_CONSTANTS)


def find_entry_points(files: ProjectFiles, configured: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Entry module -> why it is one, sorted by module; only modules of the project count. None
    when only files run by path are found: they say nothing about how the project runs."""
    reasons: dict[str, dict[str, None]] = {}
    found = [*detect_configured(files, configured), *(point for detect in DETECTORS for point in detect(files))]
    if all(point.by_path for point in found):
        return {}
    for point in found:
        if point.module in files.modules:
            reasons.setdefault(point.module, {})[point.reason] = None
    return {module: tuple(reasons[module]) for module in sorted(reasons)}

"""The configuration's escape hatch: `entry-points` names modules (`myapp.worker`) or globs of
project paths (`myapp/plugins/*.py`) that run although nothing the detectors see loads them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from flagkeeper.analysis.discovery import matches_glob
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.project.entrypoints.base import DetectorFacts, EntryPoint, ProjectFiles


def is_glob(entry: str) -> bool:
    return "/" in entry or "*" in entry


def matching(modules: Mapping[str, FileFacts | DetectorFacts], glob: str) -> list[str]:
    """The modules whose project path `glob` matches."""
    return [module for module, facts in modules.items() if matches_glob(facts.path, (glob,))]


def detect_configured(files: ProjectFiles, configured: Iterable[str]) -> Iterator[EntryPoint]:
    for entry in configured:
        if is_glob(entry):
            yield from (EntryPoint(module, f"matches entry-points glob {entry!r} (config)") for module in matching(files.modules, entry))
        else:
            yield EntryPoint(entry.split(":")[0].strip(), "named in entry-points (config)")

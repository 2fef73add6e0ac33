"""What the entry-point detectors read, remembered per file with the cache.

A module's DetectorFacts is a function of its facts, which the cache names by the file's bytes,
path and module and by the analyser (analysis/cache.py). So one entry of the cache's run store
keeps the digest of each file's DetectorFacts under the name of its facts: the next run gathers
the DetectorFacts of the files whose facts have a new name alone (one, after a one-file edit),
and the entry points are looked up by all the digests (model.Project.entry_point_reasons).
Gathering every module's inputs cost as much as running the detectors on saleor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import msgspec

from flagkeeper.analysis.facts import FileFacts
from flagkeeper.project.entrypoints import DetectorFacts, detector_facts

if TYPE_CHECKING:
    from flagkeeper.analysis.cache import Cache


def detector_digests(cache: Cache, modules: Mapping[str, FileFacts], names: Mapping[str, str]) -> tuple[bytes, dict[str, DetectorFacts]]:
    """Every module with the digest of its DetectorFacts, as bytes (what names the entry points),
    and the DetectorFacts gathered now: those of the modules whose facts (`names`: module -> the
    cache's name of its facts) the stored digests did not know."""
    key = cache.key("detector inputs by facts name")
    known = cache.run(key, dict[str, str]) or {}
    digests: dict[str, str] = {}
    gathered: dict[str, DetectorFacts] = {}
    for module, facts in modules.items():
        name = names[module]
        digest = known.get(name)
        if digest is None:
            gathered[module] = detector_facts(facts)
            digest = cache.key(msgspec.msgpack.encode(gathered[module]))
        digests[name] = digest
    if digests != known:  # files changed, came or went; an entry used is kept by Cache.run
        cache.save_run(key, digests)
    return "\n".join(f"{module}\0{digests[names[module]]}" for module in modules).encode(), gathered

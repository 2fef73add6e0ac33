"""The project model: every file's facts joined into one picture the checks query.

Here the cross-file work happens: a key given through a constant (also one imported from
another module, or re-exported by a package) is resolved to its string, and reads are grouped
into the inventory, flag key -> references.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flagkeeper.config import Config
from flagkeeper.discovery import discover
from flagkeeper.facts import Concat, Dynamic, FileFacts, FlagRef, KeyExpr, Literal, NameRef
from flagkeeper.packs import Matcher, load_matcher
from flagkeeper.registry import Registry, load_registry
from flagkeeper.scan import scan
from flagkeeper.textrefs import TextReference, find_text_references


@dataclass(frozen=True)
class Reference:
    """A flag read with its key resolved; `key` is None when no static value exists (FK009)."""

    key: str | None
    path: Path
    module: str
    read: FlagRef


class KeyResolver:
    """Resolves key expressions through module constants, imports and package re-exports."""

    def __init__(self, files: list[FileFacts]):
        self.modules = {facts.module: facts for facts in files if facts.error is None}

    def resolve(self, module: str, expr: KeyExpr, seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Concat):
            parts = [self.resolve(module, part, seen) for part in expr.parts]
            return None if any(part is None for part in parts) else "".join(part for part in parts if part is not None)
        if isinstance(expr, NameRef):
            return self._lookup(module, expr.name, seen)
        assert isinstance(expr, Dynamic)
        return None

    def _lookup(self, module: str, name: str, seen: frozenset[tuple[str, str]]) -> str | None:
        facts = self.modules.get(module)
        if facts is None or (module, name) in seen:
            return None
        seen = seen | {(module, name)}
        for candidate in (name, name.removesuffix(".value")):  # `Flags.NEW.value` of a str Enum
            if candidate in facts.constants:
                return self.resolve(module, facts.constants[candidate], seen)
        head, _, rest = name.partition(".")
        target = facts.aliases.get(head)
        if target is None:
            return None
        return self._lookup_qualified(f"{target}.{rest}" if rest else target, seen)

    def _lookup_qualified(self, qualified: str, seen: frozenset[tuple[str, str]]) -> str | None:
        """`pkg.names.PEG` -> constant PEG of module pkg.names (the longest module prefix)."""
        parts = qualified.split(".")
        for split in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:split])
            if module in self.modules:
                return self._lookup(module, ".".join(parts[split:]), seen)
        return None


@dataclass
class Project:
    """Everything one run knows: configuration, registry, rule packs, every file's facts."""

    config: Config
    registry: Registry
    matcher: Matcher
    files: list[FileFacts]
    text_files: tuple[Path, ...]
    today: dt.date

    @cached_property
    def references(self) -> list[Reference]:
        """Every flag read, keys resolved; reads a pack's key-pattern rules out are dropped."""
        resolver = KeyResolver(self.files)
        found = []
        for facts in self.files:
            for read in facts.references:
                key = resolver.resolve(facts.module, read.key)
                if key is None and not self.matcher.reports_dynamic_keys(read.pack):
                    continue
                if key is not None and not self.matcher.is_flag_key(read.pack, key):
                    continue
                found.append(Reference(key, self.config.root / facts.path, facts.module, read))
        return found

    @cached_property
    def inventory(self) -> dict[str, list[Reference]]:
        """Flag key -> its reads in Python, keys in sorted order."""
        grouped: dict[str, list[Reference]] = defaultdict(list)
        for reference in self.references:
            if reference.key is not None:
                grouped[reference.key].append(reference)
        return dict(sorted(grouped.items()))

    def text_references(self, keys: list[str]) -> dict[str, list[TextReference]]:
        return find_text_references(self.text_files, keys)


def build_project(paths: list[Path], config: Config, today: dt.date, registry_required: bool = False) -> Project:
    """Discover, analyse and join the whole project around `paths` (the checks see all of it)."""
    matcher = load_matcher(config)
    registry = load_registry(config.registry, registry_required)
    sources = discover([config.root, *paths], config)
    files = scan(sources.python, config, matcher)
    return Project(config, registry, matcher, files, sources.text, today)

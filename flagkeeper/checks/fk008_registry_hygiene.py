"""FK008 registry-hygiene: registry entries that lack an owner, an expiry, or a valid shape."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, RegistryRule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.config import FLAG_TYPES
from flagkeeper.project.model import Project
from flagkeeper.registry.model import (
    FLAG_FIELDS,
    TOMBSTONE_FIELDS,
    FlagEntry,
    Registry,
    Tombstone,
    as_date,
)

_NEEDS_EXPIRY = ("release", "experiment")


def _unknown_fields(where: str, fields: dict[str, object], known: tuple[str, ...]) -> Iterator[str]:
    for name in sorted(set(fields) - set(known)):
        yield f"{where} has an unknown field '{name}' (known: {', '.join(known)})"


def _flag_problems(entry: FlagEntry, tombstone: Tombstone | None) -> Iterator[str]:
    where = f"[flags.{entry.key}]"
    yield from _unknown_fields(where, entry.fields, FLAG_FIELDS)
    if entry.owner is None:
        yield f"flag '{entry.key}' has no owner: name the team that will remove it"
    if entry.type is None:
        yield f"flag '{entry.key}' has no type (one of {', '.join(FLAG_TYPES)})"
    elif entry.type not in FLAG_TYPES:
        yield f"flag '{entry.key}' has an unknown type '{entry.type}' (one of {', '.join(FLAG_TYPES)})"
    for name in ("created", "expires"):
        if name in entry.fields and as_date(entry.fields[name]) is None:
            yield f"{where} '{name}' must be a TOML date like 2026-09-30, without quotes"
    if entry.type in _NEEDS_EXPIRY and "expires" not in entry.fields:
        yield f"{entry.type} flag '{entry.key}' has no 'expires' date: {entry.type} flags must say when they go"
    scope = entry.fields.get("scope")
    if scope is not None and not (isinstance(scope, list) and scope and all(isinstance(glob, str) for glob in scope)):
        yield f"{where} 'scope' must be a list of module globs, like [\"smars.rlp.*\"]"
    if "state" in entry.fields and entry.fields["state"] not in ("on", "off"):
        yield f"{where} 'state' must be \"on\" or \"off\" (the value the flag stays at for good)"
    if entry.created and entry.expires and entry.expires < entry.created:
        yield f"flag '{entry.key}' expires ({entry.expires}) before it was created ({entry.created})"
    if tombstone is not None:
        meaning = f" (it meant: {tombstone.meaning})" if tombstone.meaning else ""
        yield f"flag key '{entry.key}' is registered again although it was retired{meaning}: use a new key"


def _tombstone_problems(tombstone: Tombstone) -> Iterator[str]:
    where = f"[retired.{tombstone.key}]"
    yield from _unknown_fields(where, tombstone.fields, TOMBSTONE_FIELDS)
    if tombstone.meaning is None:
        yield f"{where} has no 'meaning': say what the key used to switch on, so a reuse can be explained"
    if tombstone.retired is None:
        yield f"{where} needs 'retired', the TOML date it was retired"


class RegistryHygieneRule(RegistryRule):
    code = "FK008"
    name = "registry-hygiene"
    severity = ERROR
    summary = "A registry entry with no owner, a missing or impossible expiry, an unknown type, or a bad shape."
    why = (
        "The registry is only as good as its worst entry: a flag with no owner is a flag nobody "
        "removes, a release flag with no expiry lives forever, and a retired key registered again "
        "is Knight Capital's repurposed flag written down."
    )
    fix = "Give every flag an owner and a type, give release and experiment flags an `expires` date."
    INVALID = (
        Case(
            {"flags.toml": '[flags.new-checkout]\ntype = "release"\nexpires = 2026-09-30\n'},
            expect=(
                "flags.toml:1:1: FK008 flag 'new-checkout' has no owner: name the team that will remove it",
            ),
        ),
        # an impossible expiry, a retired key registered again, a tombstone without a meaning
        Case(
            {
                "flags.toml": (
                    '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\ncreated = 2026-05-01\nexpires = 2026-04-01\n\n'
                    "[retired.peg_enabled]\nretired = 2003-06-30\n"
                ),
            },
            expect=(
                "flags.toml:1:1: FK008 flag 'peg_enabled' expires (2026-04-01) before it was created (2026-05-01)",
                "flags.toml:1:1: FK008 flag key 'peg_enabled' is registered again although it was retired: use a new key",
                "flags.toml:7:1: FK008 [retired.peg_enabled] has no 'meaning': say what the key used to switch on, so a reuse "
                "can be explained",
            ),
        ),
        # an unknown type, a quoted date, an unknown field
        Case(
            {"flags.toml": '[flags.new-checkout]\nowner = "web"\ntype = "rollout"\nexpires = "2026-09-30"\nteam = "web"\n'},
            expect=(
                "flags.toml:1:1: FK008 [flags.new-checkout] 'expires' must be a TOML date like 2026-09-30, without quotes",
                "flags.toml:1:1: FK008 [flags.new-checkout] has an unknown field 'team' (known: owner, type, created, expires, "
                "description, scope, tags, state, extensions)",
                "flags.toml:1:1: FK008 flag 'new-checkout' has an unknown type 'rollout' (one of release, experiment, "
                "operational, kill-switch, permission)",
            ),
        ),
        # the config asks for lifecycle metadata of every flag: one registered only in an OpenFeature manifest lacks it
        Case(
            {
                "flagkeeper.toml": 'registry-sources = ["flags.json"]\nrequire-registry-entry = true\n',
                "flags.json": '{\n  "flags": {\n    "dark-mode": {"flagType": "boolean", "defaultValue": false}\n  }\n}\n',
            },
            expect=(
                "flags.json:3:1: FK008 flag 'dark-mode' is registered (openfeature) but has no entry in flags.toml: add "
                "[flags.dark-mode] with an owner and a type (require-registry-entry is on)",
            ),
        ),
    )
    VALID = (
        Case({"flags.toml": '[flags.new-checkout]\nowner = "payments"\ntype = "operational"\n'}),
        # a flag registered only in a flag definition file needs no flags.toml entry by default
        Case({
            "flagkeeper.toml": 'registry-sources = ["flags.json"]\n',
            "flags.json": '{"flags": {"new-checkout": {"flagType": "boolean", "defaultValue": false}}}\n',
        }),
        # a kill switch needs no expiry
        Case({
            "flags.toml": (
                '[flags.halt_trading]\nowner = "trading-ops"\ntype = "kill-switch"\n\n'
                '[retired.peg_enabled]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'
            ),
        }),
    )

    def check(self, project: Project) -> Iterator[Diagnostic]:
        # Only with require-registry-entry does it look past flags.toml, at the merged registry.
        yield from self.check_registry(project.registry)
        if not project.config.require_registry_entry:
            return
        for key, flag in project.registered.items():
            if not flag.in_registry_file and key not in project.registry.retired:
                first = flag.sources[0]
                message = (
                    f"flag '{key}' is registered ({', '.join(flag.source_names)}) but has no entry in "
                    f"{project.registry.path.name}: add [flags.{key}] with an owner and a type (require-registry-entry is on)"
                )
                yield self.report(first.path, first.line, first.column, message, key)

    def check_registry(self, registry: Registry) -> Iterator[Diagnostic]:
        for line, message in registry.malformed:
            yield self.report(registry.path, line, 1, message)
        for key, entry in registry.flags.items():
            for message in _flag_problems(entry, registry.retired.get(key)):
                yield self.report(registry.path, entry.line, 1, message, key)
        for key, tombstone in registry.retired.items():
            for message in _tombstone_problems(tombstone):
                yield self.report(registry.path, tombstone.line, 1, message, key)

"""FK011 fleet-drift: deploy manifests disagree on the build, or on what an enabled flag means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import msgspec

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic, a_few
from flagkeeper.project.fleet import Manifest
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import kill_switches as kill_switches_of
from flagkeeper.registry.model import Registry
from flagkeeper.tomlread import key_line


def _manifest(server: str, build: str) -> str:
    return f'server = "{server}"\nbuild = "{build}"\ncode-fingerprint = "sha256:{build}"\n\n[flags]\nenabled = ["new-checkout"]\n'


_FILES = {"app.py": "print('shop')\n", "flags.toml": '[flags.new-checkout]\nowner = "web"\ntype = "permission"\n'}




class FleetReport(msgspec.Struct):
    manifests: list[Manifest]
    reference: tuple[str, str]
    diagnostics: list[Diagnostic]
    drifting: dict[str, list[str]]  # server -> short reasons, for the table


def _place(manifest: Manifest, key: str | None, *fields: str) -> tuple[int, int]:
    """Line and column of the enabled key (quoted) in the manifest, else of the first field found."""
    if key is not None:
        for number, line in enumerate(manifest.text.splitlines(), start=1):
            for quoted in (f'"{key}"', f"'{key}'"):
                if quoted in line:
                    return number, line.index(quoted) + 1
    for name in fields:
        line_number = key_line(manifest.text, name)
        if line_number is not None:
            return line_number, 1
    return 1, 1


def short(code: str) -> str:
    return code.split(":", 1)[-1][:12]


def _modules(readers: tuple[str, ...] | None) -> str:
    return a_few(readers) if readers else "modules the manifest does not name"


def _servers(count: int) -> str:
    return f"{count} server" if count == 1 else f"{count} servers"


def verify(manifests: list[Manifest], expect: str | None, registry: Registry | None) -> FleetReport:
    counted = Counter(m.identity for m in manifests)
    top = max(counted.values())
    majority = next(m.identity for m in manifests if counted[m.identity] == top)  # ties: the first server's build
    expected = [m.identity for m in manifests if m.build == expect] if expect is not None else []
    reference = Counter(expected).most_common(1)[0][0] if expected else majority
    diagnostics: list[Diagnostic] = []
    drifting: dict[str, list[str]] = {m.server: [] for m in manifests}

    def report(manifest: Manifest, place: tuple[int, int], message: str, reason: str, key: str | None = None) -> None:
        diagnostics.append(FleetDriftRule().report(manifest.path.resolve(), place[0], place[1], message, key))
        drifting[manifest.server].append(reason)

    # (1) another build or code than the majority, or than --expect
    for manifest in manifests:
        place = _place(manifest, None, "build", "code-fingerprint")
        if expect is not None and manifest.build != expect:
            report(manifest, place, f"{manifest.server} runs build {manifest.build}, not the expected build {expect}", "build")
        elif manifest.identity != reference:
            build, code = reference
            others = counted[reference]
            if manifest.build == build:
                message = (f"{manifest.server} runs build {build} with code {short(manifest.code)}, "
                           f"but {_servers(others)} of that build run code {short(code)}: the copy differs")  # fmt: skip
                report(manifest, place, message, "code")
            else:
                message = (f"{manifest.server} runs build {manifest.build} (code {short(manifest.code)}) while "
                           f"{others} of {_servers(len(manifests))} run build {build} (code {short(code)}): "
                           "a server missed by the deploy, or a stale copy")  # fmt: skip
                report(manifest, place, message, "stale build")

    # the reference meanings: a manifest of the reference build that carries them
    with_meanings = [m for m in manifests if m.meanings is not None]
    sources = [m for m in with_meanings if m.identity == reference] or with_meanings
    base = sources[0] if sources else None
    if base is not None:
        assert base.meanings is not None
        kill_switches = set(base.kill_switches)
        if registry is not None:
            kill_switches |= kill_switches_of(registry)
        for manifest in with_meanings:
            assert manifest.meanings is not None
            for key in dict.fromkeys(manifest.enabled):
                place = _place(manifest, key, "enabled")
                if key not in manifest.meanings:
                    message = (f"flag '{key}' is switched on on {manifest.server}, but that server's build does not know it "
                               "(its meanings table lacks the key): no code there reads it, or the manifest is out of date")  # fmt: skip
                    report(manifest, place, message, f"unknown {key}", key)
                elif key in base.meanings and manifest.meanings[key] != base.meanings[key]:
                    agree = sum(1 for m in with_meanings if m is not manifest and (m.meanings or {}).get(key) == base.meanings[key])
                    theirs = _modules(manifest.readers.get(key))
                    ours = _modules(base.readers.get(key))
                    tombstone = registry.retired.get(key) if registry is not None else None
                    entry = registry.flags.get(key) if registry is not None else None
                    if tombstone is not None and tombstone.meaning:
                        theirs += f" (the key's retired meaning: {tombstone.meaning})"
                    if entry is not None and entry.text("description"):
                        ours += f" ({entry.text('description')})"
                    message = (f"on {manifest.server} the enabled flag '{key}' means something else than on the other "
                               f"{_servers(agree)}: read by {theirs} instead of {ours}")  # fmt: skip
                    report(manifest, place, message, f"{key}: other meaning", key)
            for key in sorted(kill_switches - set(manifest.meanings)):
                message = (f"kill switch '{key}' is not defined on {manifest.server}: its build does not read it, "
                           "so throwing the switch would not stop that server")  # fmt: skip
                report(manifest, _place(manifest, None, "meanings"), message, f"no kill switch {key}", key)
    return FleetReport(manifests, reference, sorted(diagnostics), drifting)




class FleetDriftRule(Rule):
    code = "FK011"
    name = "fleet-drift"
    severity = ERROR
    summary = "Deploy manifests (`--fleet DIR`, or `flagkeeper fleet verify`) disagree on the build or on what an enabled flag means."
    why = (
        "Knight Capital's release was copied by hand to eight servers and one was missed. When the "
        "reused flag was switched on, seven servers ran the new RLP code and the eighth ran Power "
        "Peg. Each server's manifest names its build, a fingerprint of its code and, from "
        "`flagkeeper fingerprint`, the meaning of every flag key (its registry entry and the modules "
        "that read it). A server on another build or code than the majority, a flag switched on "
        "where it means something else, a flag the server's build does not know, and a kill switch "
        "missing from a server are reported."
    )
    fix = "Deploy the same build everywhere before switching a flag on; give a changed meaning a new key."
    needs = frozenset({Need.REGISTRY, Need.FLEET})
    INVALID = (
        Case(
            {**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"), "deploy/web-2.toml": _manifest("web-2", "2026.05.01"),
         "deploy/web-3.toml": _manifest("web-3", "2026.04.17")},
            args=("--fleet", "deploy"),
            expect=(
                "deploy/web-3.toml:2:1: FK011 web-3 runs build 2026.04.17 (code 2026.04.17) while 2 of 3 servers run build "
                "2026.05.01 (code 2026.05.01): a server missed by the deploy, or a stale copy",
            ),
        ),
        # the same build with other code
        Case(
            {**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"),
             "deploy/web-2.toml": _manifest("web-2", "2026.05.01").replace("sha256:2026.05.01", "sha256:patched-by-hand"),
             "deploy/web-3.toml": _manifest("web-3", "2026.05.01")},
            args=("--fleet", "deploy"),
            expect=(
                "deploy/web-2.toml:2:1: FK011 web-2 runs build 2026.05.01 with code patched-by-h, but 2 servers of that build "
                "run code 2026.05.01: the copy differs",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case(
            {**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"), "deploy/web-2.toml": _manifest("web-2", "2026.05.01")},
            args=("--fleet", "deploy"),
        ),
        # manifests that disagree, but nobody asked to verify them (no --fleet)
        Case({**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"), "deploy/web-3.toml": _manifest("web-3", "2026.04.17")}),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        if project.fleet:
            yield from verify(list(project.fleet), None, project.registry).diagnostics

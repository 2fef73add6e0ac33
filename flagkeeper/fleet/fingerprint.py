"""Deploy verification: `flagkeeper fingerprint` and `flagkeeper fleet verify` (FK011 fleet-drift).

A build's fingerprint is a hash of its Python code and, per flag key, a hash of the key's
meaning: the registry's description, type, owner and scope, and the sorted modules that read
it. Each server's deploy manifest carries its build's fingerprint; `fleet verify` compares the
manifests and reports a server on another build, and a flag switched on where it means
something else than on the rest of the fleet (Knight Capital, 1 August 2012).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.errors import FlagkeeperError
from flagkeeper.history.diff import flag_states
from flagkeeper.output.text import format_table
from flagkeeper.paths import display_path
from flagkeeper.project.model import Project
from flagkeeper.project.revisions import Repository
from flagkeeper.registry.model import Registry
from flagkeeper.tomlread import key_line, parse_toml

CODE = "FK011"
NAME = "fleet-drift"
KILL_SWITCH = "kill-switch"
MEANING_FIELDS = ("description", "type", "owner", "scope")


# --- fingerprint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    build: str
    code: str
    meanings: dict[str, str]
    readers: dict[str, tuple[str, ...]]
    kill_switches: tuple[str, ...]


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def code_hash(project: Project) -> str:
    """sha256 over the sorted project-relative paths and contents of the analysed Python files."""
    digest = hashlib.sha256()
    for relative in sorted(Path(facts.path).as_posix() for facts in project.files):
        content = (project.config.root / relative).read_bytes().replace(b"\r\n", b"\n")
        digest.update(relative.encode() + b"\0" + str(len(content)).encode() + b"\0" + content)
    return "sha256:" + digest.hexdigest()


def meaning_hash(fields: dict[str, Any], readers: tuple[str, ...]) -> str:
    record = {name: fields.get(name) for name in MEANING_FIELDS} | {"readers": sorted(readers)}
    return _sha256(json.dumps(record, sort_keys=True, default=str).encode())


def build_id(project: Project) -> str:
    """The git commit of the project, or "unknown" outside git."""
    try:
        return Repository.of(project.config.root).commit("HEAD")
    except FlagkeeperError:
        return "unknown"


def fingerprint(project: Project, build: str | None = None) -> Fingerprint:
    """The build's fingerprint; meanings cover every key the code reads, and every registered kill switch.

    A registered key that no code reads has no meaning in the build (switching it on does
    nothing), so it is left out; this also keeps the manifests from counting as reads of it (FK005).
    """
    meanings, readers = {}, {}
    for key, state in flag_states(project).items():
        entry = project.registry.flags.get(key)
        if not state.modules and state.type != KILL_SWITCH:
            continue
        modules = tuple(sorted(state.modules))
        meanings[key] = meaning_hash(entry.fields if entry else {}, modules)
        readers[key] = modules
    kill_switches = tuple(sorted(key for key, entry in project.registry.flags.items() if entry.type == KILL_SWITCH))
    return Fingerprint(build or build_id(project), code_hash(project), meanings, readers, kill_switches)


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


def _toml_key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) else _toml_string(key)


def render_fingerprint(print_: Fingerprint) -> str:
    lines = [
        "# flagkeeper fingerprint: paste into the server's deploy manifest",
        f"build = {_toml_string(print_.build)}",
        f"code-fingerprint = {_toml_string(print_.code)}",
        f"kill-switches = [{', '.join(map(_toml_string, print_.kill_switches))}]",
        "",
        "# per flag key: sha256 of its registry description, type, owner, scope and the modules that read it",
        "[meanings]",
    ]
    lines += [f"{_toml_key(key)} = {_toml_string(value)}" for key, value in print_.meanings.items()]
    lines += ["", "# the modules that read each key in this build", "[meanings-readers]"]
    lines += [f"{_toml_key(key)} = [{', '.join(map(_toml_string, modules))}]" for key, modules in print_.readers.items()]
    return "\n".join(lines) + "\n"


# --- manifests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    path: Path
    text: str
    server: str
    build: str
    code: str
    enabled: tuple[str, ...]
    meanings: dict[str, str] | None  # None: the manifest carries no meanings
    readers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kill_switches: tuple[str, ...] = ()

    @property
    def identity(self) -> tuple[str, str]:
        return self.build, self.code


def _field_error(path: Path, text: str, name: str, problem: str) -> FlagkeeperError:
    return FlagkeeperError(f"invalid deploy manifest: '{name}' {problem}", path, key_line(text, name.split(".")[-1]))


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def parse_manifest(path: Path) -> Manifest:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlagkeeperError(f"cannot read deploy manifest: {exc}", path) from None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FlagkeeperError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
        if not isinstance(data, dict):
            raise FlagkeeperError("invalid deploy manifest: not a JSON object", path)
    else:
        data = parse_toml(text, path)
    for name in ("server", "build", "code-fingerprint"):
        if name not in data:
            raise FlagkeeperError(f"invalid deploy manifest: missing '{name}'", path)
        if not isinstance(data[name], str) or not data[name].strip():
            raise _field_error(path, text, name, "must be a non-empty string")
    flags = data.get("flags", {})
    if not isinstance(flags, dict):
        raise _field_error(path, text, "flags", "must be a table")
    enabled = flags.get("enabled", [])
    if not _strings(enabled):
        raise _field_error(path, text, "flags.enabled", "must be a list of flag keys")
    meanings = data.get("meanings")
    if meanings is not None and not (isinstance(meanings, dict) and all(isinstance(v, str) for v in meanings.values())):
        raise _field_error(path, text, "meanings", "must be a table of flag key = \"sha256:...\"")
    readers = data.get("meanings-readers", {})
    if not (isinstance(readers, dict) and all(_strings(v) for v in readers.values())):
        raise _field_error(path, text, "meanings-readers", "must be a table of flag key = [module, ...]")
    kill_switches = data.get("kill-switches", [])
    if not _strings(kill_switches):
        raise _field_error(path, text, "kill-switches", "must be a list of flag keys")
    return Manifest(
        path, text, data["server"], data["build"], data["code-fingerprint"], tuple(enabled), meanings,
        {key: tuple(value) for key, value in readers.items()}, tuple(kill_switches),
    )  # fmt: skip


def manifest_files(paths: list[Path]) -> list[Path]:
    """The manifests named, or found (*.toml, *.json) in the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".toml", ".json"))
            if not inside:
                raise FlagkeeperError("no deploy manifests (*.toml, *.json) in this folder", path)
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise FlagkeeperError("no such file or folder", path)
    return found


def load_manifests(paths: list[Path]) -> list[Manifest]:
    manifests: dict[str, Manifest] = {}
    for path in manifest_files(paths):
        manifest = parse_manifest(path)
        if manifest.server in manifests:
            first = manifests[manifest.server].path
            if first.resolve() == path.resolve():
                continue
            message = f"server '{manifest.server}' is listed twice: in {display_path(first.resolve())} and in {display_path(path.resolve())}"
            raise FlagkeeperError(message, path)
        manifests[manifest.server] = manifest
    return sorted(manifests.values(), key=lambda m: m.server)


# --- verify ----------------------------------------------------------------------------------


@dataclass
class FleetReport:
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
    return ", ".join(readers) if readers else "modules the manifest does not name"


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
        diagnostics.append(Diagnostic(manifest.path.resolve(), place[0], place[1], CODE, message, NAME, ERROR, key))
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
            kill_switches |= {key for key, entry in registry.flags.items() if entry.type == KILL_SWITCH}
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


def render_fleet_table(report: FleetReport) -> str:
    rows = [("server", "build", "fingerprint", "drift")]
    rows += [
        (m.server, m.build, short(m.code), "; ".join(report.drifting[m.server]) or "-")
        for m in report.manifests
    ]  # fmt: skip
    return "\n".join(format_table(rows)) + "\n"

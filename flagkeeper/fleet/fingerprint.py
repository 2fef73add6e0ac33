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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flagkeeper.checks.fk011_fleet_drift import FleetReport, short
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.text import format_table
from flagkeeper.project.inventory import flag_states
from flagkeeper.project.model import Project
from flagkeeper.project.revisions import Repository
from flagkeeper.registry.lifecycle import KILL_SWITCH

CODE = "FK011"
NAME = "fleet-drift"
MEANING_FIELDS = ("description", "type", "owner", "scope")


# -----------------------------------------------------------------------------


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
    kill_switches = tuple(sorted(project.lifecycle.kill_switches))
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


def render_fleet_table(report: FleetReport) -> str:
    rows = [("server", "build", "fingerprint", "drift")]
    rows += [
        (m.server, m.build, short(m.code), "; ".join(report.drifting[m.server]) or "-")
        for m in report.manifests
    ]  # fmt: skip
    return "\n".join(format_table(rows)) + "\n"

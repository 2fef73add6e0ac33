"""Deploy manifests, one per server: its build, code fingerprint, enabled flags and flag meanings.

They are an input of the project build (`check --fleet`, `fleet verify`); FK011 compares them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import display_path
from flagkeeper.tomlread import key_line, parse_json, parse_toml


class Manifest(msgspec.Struct, frozen=True):
    path: Path
    text: str
    server: str
    build: str
    code: str
    enabled: tuple[str, ...]
    meanings: dict[str, str] | None  # None: the manifest carries no meanings
    readers: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
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
        data = parse_json(text, path)
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

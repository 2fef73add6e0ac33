"""Deploy manifests.

The release script writes deploy/servers/<server>.toml on every SMARS server: which build the
server runs, a fingerprint of the code it copied, when, and which flags are switched on. The
flag client (smars.flags.client) and the build registry (smars.config.build) read it.

The servers run a Python without tomllib (3.10), so when tomllib is missing this module parses
the small subset of TOML the release script writes: comments, [table] headers, and
`key = value` where value is a string, integer, boolean, date-time or an array of those
(arrays may span lines). Anything else is an error, not a guess.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

try:  # Python 3.11+
    import tomllib as _toml
except ImportError:  # pragma: no cover - exercised on 3.10 only
    _toml = None

# examples/smars_legacy/deploy/servers, next to the package
DEFAULT_DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy" / "servers"


class ManifestError(Exception):
    """A manifest is missing or is not what the release script writes."""


@dataclass(frozen=True)
class Manifest:
    server: str
    build: str
    fingerprint: str
    deployed: object
    enabled: frozenset = frozenset()
    disabled: frozenset = frozenset()
    values: dict = field(default_factory=dict)
    path: Path | None = None


def deploy_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The manifest directory: the argument, else $SMARS_DEPLOY_DIR, else the default."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("SMARS_DEPLOY_DIR")
    return Path(from_env) if from_env else DEFAULT_DEPLOY_DIR


def load(server: str, directory: str | os.PathLike | None = None) -> Manifest:
    """Read and check one server's manifest."""
    path = deploy_dir(directory) / f"{server}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read deploy manifest ({exc.strerror})") from None
    data = parse_toml(text, str(path))
    for key in ("server", "build", "code-fingerprint", "deployed"):
        if key not in data:
            raise ManifestError(f"{path}: missing '{key}'")
    if data["server"] != server:
        raise ManifestError(f"{path}: manifest is for {data['server']!r}, not {server!r}")
    flag_table = data.get("flags", {})
    return Manifest(
        server=data["server"],
        build=data["build"],
        fingerprint=data["code-fingerprint"],
        deployed=data["deployed"],
        enabled=frozenset(flag_table.get("enabled", ())),
        disabled=frozenset(flag_table.get("disabled", ())),
        values=dict(flag_table.get("values", {})),
        path=path,
    )


def parse_toml(text: str, source: str = "<manifest>") -> dict:
    if _toml is not None:
        try:
            return _toml.loads(text)
        except _toml.TOMLDecodeError as exc:
            raise ManifestError(f"{source}: {exc}") from None
    return _parse_subset(text, source)


# --- the subset parser (Python 3.10) -------------------------------------------------------

_HEADER = re.compile(r"^\[([A-Za-z0-9_.-]+)\]$")
_KEY_VALUE = re.compile(r"^([A-Za-z0-9_-]+)\s*=\s*(.+)$")
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|[^,\[\]\s]+')


def _parse_subset(text: str, source: str) -> dict:
    root: dict = {}
    table = root
    pending = ""          # an array value continued over several lines
    pending_key = ""
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if pending:
            pending += " " + line
            if pending.count("[") == pending.count("]"):
                table[pending_key] = _value(pending, source, lineno)
                pending = ""
            continue
        if not line:
            continue
        header = _HEADER.match(line)
        if header:
            table = root
            for part in header.group(1).split("."):
                table = table.setdefault(part, {})
            continue
        pair = _KEY_VALUE.match(line)
        if not pair:
            raise ManifestError(f"{source}:{lineno}: cannot parse {raw.strip()!r}")
        key, rest = pair.groups()
        if rest.startswith("[") and rest.count("[") != rest.count("]"):
            pending, pending_key = rest, key
            continue
        table[key] = _value(rest, source, lineno)
    if pending:
        raise ManifestError(f"{source}: unterminated array for '{pending_key}'")
    return root


def _strip_comment(line: str) -> str:
    in_string = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            in_string = not in_string
        elif ch == "#" and not in_string:
            return line[:i]
    return line


def _value(text: str, source: str, lineno: int):
    text = text.strip()
    if text.startswith("["):
        return [_value(item, source, lineno) for item in _SCALAR.findall(text[1:-1])]
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"[+-]?\d+", text.replace("_", "")):
        return int(text.replace("_", ""))
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ManifestError(f"{source}:{lineno}: unsupported value {text!r}") from None

"""The SMARS flag client.

Answers "is this flag on here?" from the flag states in the current server's deploy manifest.
The server is the one passed to configure(), or $SMARS_SERVER; the manifest directory is the
one passed to configure(), or $SMARS_DEPLOY_DIR, or deploy/servers next to the package.

A key listed in the manifest's `enabled` array is on, one in `disabled` is off, and any
other key gets the caller's default. There is no remote flag service: a flag change is a
manifest change, pushed by the release script (or by hand).
"""

import os

from smars.config import manifest as _manifest

_current = None        # the loaded Manifest
_overrides = {}        # key -> bool, set from the admin console until the next reload


class NotConfigured(Exception):
    pass


def configure(server: str | None = None, deploy_dir: str | None = None):
    """Load the flag states of `server` (default: $SMARS_SERVER) and make them current."""
    global _current
    server = server or os.environ.get("SMARS_SERVER")
    if not server:
        raise NotConfigured("no server: pass --server or set SMARS_SERVER")
    _current = _manifest.load(server, deploy_dir)
    _overrides.clear()
    return _current


def manifest():
    """The current server's manifest, loading it from $SMARS_SERVER on first use."""
    if _current is None:
        configure()
    return _current


def reload():
    """Re-read the current server's manifest from disk (drops console overrides)."""
    current = manifest()
    return configure(current.server, str(current.path.parent))


def enabled(key: str, default: bool = False) -> bool:
    """True when `key` is switched on for this server."""
    if key in _overrides:
        return _overrides[key]
    current = manifest()
    if key in current.enabled:
        return True
    if key in current.disabled:
        return False
    return default


def value(key: str, default=None):
    """A non-boolean flag from the manifest's [flags.values] table."""
    return manifest().values.get(key, default)


def override(key: str, state: bool) -> None:
    """Set a flag for this process only (admin console `set`). Lost on reload()."""
    _overrides[key] = bool(state)


def states() -> dict:
    """Every key the manifest or the console mentions, with its state: for `flags` listings."""
    current = manifest()
    table = {key: True for key in current.enabled}
    table.update({key: False for key in current.disabled})
    table.update(_overrides)
    return dict(sorted(table.items()))


def reset() -> None:
    """Forget the current server (tests and the fleet simulator)."""
    global _current
    _current = None
    _overrides.clear()

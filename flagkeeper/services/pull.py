"""`flagkeeper pull`: read a flag service and bring the state file up to date.

The state file is rewritten only when its text changes, so a pull with nothing new leaves the
file (and its modification time) alone; a failed pull never touches it: the new text is built
completely first, then written atomically.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import write_output
from flagkeeper.registry.servicestate import ServiceFlag, ServiceState, dump_state
from flagkeeper.services.settings import PullSettings

_MODULES = {  # each provider's module, loaded when named: a pull from one service imports no other
    "launchdarkly": "flagkeeper.services.launchdarkly", "unleash": "flagkeeper.services.unleash", "flagsmith": "flagkeeper.services.flagsmith",
    "posthog": "flagkeeper.services.posthog", "growthbook": "flagkeeper.services.growthbook", "flagd": "flagkeeper.services.flagd",
}  # fmt: skip
PROVIDERS = tuple(_MODULES)


@dataclass(frozen=True)
class PullOutcome:
    state: ServiceState
    old_text: str | None  # None: there was no state file
    new_text: str

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text

    def diff(self, shown: str) -> str:
        """The change as a unified diff of the state file (empty when nothing changed)."""
        old = (self.old_text or "").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, self.new_text.splitlines(keepends=True), f"a/{shown}", f"b/{shown}"))


def _provider(name: str) -> Callable[[PullSettings], ServiceState]:
    if name not in PROVIDERS:
        raise FlagkeeperError(f"unknown flag service '{name}' (one of {', '.join(PROVIDERS)})")
    pull: Callable[[PullSettings], ServiceState] = importlib.import_module(_MODULES[name]).pull
    return pull


def _storable(value: Any) -> Any:
    """`value` without JSON nulls inside, which TOML cannot hold (a null member or item is left out)."""
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_storable(item) for item in value if item is not None]
    return value


def _without_nulls(flag: ServiceFlag) -> ServiceFlag:
    environments = {name: msgspec.structs.replace(state, served=_storable(state.served)) for name, state in flag.environments.items()}
    return msgspec.structs.replace(flag, variations=tuple(_storable(list(flag.variations))), environments=environments)


def fetch_state(provider: str, settings: PullSettings) -> ServiceState:
    """What `provider` knows; an unexpected response is one FlagkeeperError naming the URL and the field."""
    try:
        state = _provider(provider)(settings)
        return msgspec.structs.replace(state, flags={key: _without_nulls(flag) for key, flag in state.flags.items()})
    except FlagkeeperError as error:
        if isinstance(error.path, str):  # a URL: said in the message, as the CLI shows only file paths
            raise FlagkeeperError(f"{error.path}: unexpected response: {error.message}") from None
        raise


def pull_state(provider: str, settings: PullSettings, state_file: Path) -> PullOutcome:
    """Read the service and compare with `state_file`; nothing is written."""
    state = fetch_state(provider, settings)
    try:
        old_text: str | None = state_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        old_text = None
    except (OSError, UnicodeDecodeError) as error:
        raise FlagkeeperError(f"cannot read: {error}", state_file) from None
    return PullOutcome(state, old_text, dump_state(state))


def write_state(outcome: PullOutcome, state_file: Path) -> None:
    if outcome.changed:
        write_output(state_file, outcome.new_text, "the state file")

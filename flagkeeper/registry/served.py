"""What the flag service serves, as flagkeeper judges it: the one value a flag serves everywhere,
whether it has launched, the value as `flagkeeper remove --value` takes it, and which reads in
code go to the service at all.

The state file (registry/servicestate.py) says what the service knows; this module is where the
checks, the lifecycle and the report ask what that means, so none of them works it out alone.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import shlex
from typing import Any

import msgspec

from flagkeeper.registry.servicestate import ServiceState

# Shipped packs that read one vendor's SDK, by the provider name `flagkeeper pull` writes. A read
# through another vendor's pack does not ask this service; reads through OpenFeature, the generic
# pack and a project's own packs may ask any service, so they are judged.
VENDOR_PACKS = frozenset({"launchdarkly", "unleash", "flagsmith", "posthog", "growthbook", "statsig"})
# Shipped packs whose reads never go to a flag service: environment variables, django-waffle's database.
NOT_SERVICE_PACKS = frozenset({"env", "django-waffle"})


class Served(msgspec.Struct, frozen=True):
    """A flag the service serves as one value in every environment, since `since` (None: not said)."""

    key: str
    value: Any
    since: dt.datetime | None

    @property
    def shown(self) -> str:
        """The value as a message shows it: true, false, "blue", 3."""
        return shown(self.value)

    def days(self, today: dt.date) -> int | None:
        return None if self.since is None else (today - self.since.date()).days

    def launched(self, today: dt.date, launched_days: int) -> bool:
        """Served as this one value everywhere for at least `launched_days` (LaunchDarkly's "launched")."""
        days = self.days(today)
        return days is not None and days >= launched_days

    def describe(self, today: dt.date) -> str:
        """`served true in every environment since 2026-10-01 (61 days)`, for a message."""
        if self.since is None:
            return f"served {self.shown} in every environment"
        return f"served {self.shown} in every environment since {self.since.date()} ({self.days(today)} days)"


def served_everywhere(state: ServiceState | None, key: str | None) -> Served | None:
    """The one value the service serves `key` in every environment; None without state, for a key it
    does not define or has archived, or when some environment serves no single value."""
    flag = state.flags.get(key) if state is not None and key is not None else None
    if flag is None or flag.archived:
        return None
    found = flag.served_everywhere()
    return None if found is None else Served(flag.key, found[0], found[1])


def shown(value: Any) -> str:
    """A served value as the state file writes it (true, "blue", 3), for messages."""
    return json.dumps(value, default=str)


def value_argument(value: Any) -> str | None:
    """`value` as `flagkeeper remove --value` takes it, quoted for a shell; None for a value it
    cannot take (a list or a table: a JSON variation)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # a JSON string is a Python literal too: '"blue"', as `remove --help` writes it
        return shlex.quote(json.dumps(value))
    if value is None or isinstance(value, (int, float)):
        return repr(value)
    return None


def remove_command(key: str, value: Any) -> str | None:
    """The `flagkeeper remove` command that keeps `value` for good; None when --value cannot say it."""
    argument = value_argument(value)
    return None if argument is None else f"flagkeeper remove {shlex.quote(key)} --value {argument}"


def code_default(source: str | None) -> tuple[bool, Any]:
    """(True, value) for a default argument written as a literal (`False`, `"control"`, `3`);
    (False, None) for anything else, which cannot be compared. Parsed, never run."""
    if source is None:
        return False, None
    try:
        return True, ast.literal_eval(source)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def same_value(first: Any, second: Any) -> bool:
    """Equal as a flag value: `True` is not `1`, `3` is `3.0`."""
    if isinstance(first, bool) or isinstance(second, bool):
        return type(first) is type(second) and first == second
    return bool(first == second)


def reads_service(pack: str, provider: str) -> bool:
    """Does a read through `pack` ask the service `provider` (as the state file names it)?"""
    if pack in NOT_SERVICE_PACKS:
        return False
    return pack not in VENDOR_PACKS or pack == provider

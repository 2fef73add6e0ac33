"""A flag's lifecycle, in one place: its expiry (with the default lifetimes of its type), its
status (active, expired, retired, unregistered), the value it is stuck at once it cannot change
any more, and which flags are kill switches.

Every rule, report and command asks this module; none works a status out on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from enum import Enum
from functools import cached_property

import msgspec

from flagkeeper.config import DEFAULT_LAUNCHED_DAYS, DEFAULT_LIFETIMES
from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.model import FlagEntry, Registry
from flagkeeper.registry.served import Served, served_everywhere
from flagkeeper.registry.servicestate import ServiceState

KILL_SWITCH = "kill-switch"  # the flag type whose flags stop critical code (FK010, FK011)


class FlagStatus(str, Enum):
    """Where a key stands in its lifecycle, as `inventory` and `registry list` show it."""

    ACTIVE = "active"
    EXPIRED = "expired"
    RETIRED = "retired"
    UNREGISTERED = "unregistered"

    def __str__(self) -> str:  # the value in f-strings and CSV, on every Python version
        return self.value


class StuckValue(msgspec.Struct, frozen=True):
    """The value a flag can no longer change from, and why (for the finding's message).

    `decided` is False for a flag that is merely expired: it should have been removed, but
    nobody has said which value it keeps, so its code is removable, not yet known dead."""

    value: bool
    reason: str
    decided: bool = True


def lifetime_days(flag_type: str | None, lifetimes: Mapping[str, int | None]) -> int | None:
    """The type's lifetime in days: the configured one, else the default; None when permanent."""
    return lifetimes.get(flag_type or "", DEFAULT_LIFETIMES.get(flag_type or ""))


def default_expiry(flag_type: str | None, created: dt.date | None, lifetimes: Mapping[str, int | None]) -> dt.date | None:
    """`created` plus the type's lifetime (the configured one, else the default); None when permanent."""
    lifetime = lifetime_days(flag_type, lifetimes)
    if created is None or lifetime is None:
        return None
    try:
        return created + dt.timedelta(days=lifetime)
    except OverflowError:
        raise FlagkeeperError(f"{created} plus {lifetime} days is past the last date (9999-12-31): give --expires") from None


def expiry(entry: FlagEntry, lifetimes: Mapping[str, int | None]) -> dt.date | None:
    """`expires`, or `created` plus the type's default lifetime; None for a permanent flag."""
    if entry.expires is not None:
        return entry.expires
    try:
        return default_expiry(entry.type, entry.created, lifetimes)
    except FlagkeeperError:  # created near 9999-12-31: FK008 reports the impossible date
        return dt.date.max


def kill_switches(registry: Registry) -> frozenset[str]:
    """The registered keys of type kill-switch."""
    return frozenset(key for key, entry in registry.flags.items() if entry.type == KILL_SWITCH)


class Lifecycle(msgspec.Struct, frozen=True, dict=True):
    """The lifecycle of every key of a registry, judged as of `today`."""

    registry: Registry
    today: dt.date
    lifetimes: Mapping[str, int | None]
    flags_off: Collection[str] = ()  # keys the configuration declares off
    # Keys registered by any source (code, flag definition files), not only flags.toml: active,
    # with no expiry unless flags.toml gives one.
    registered: Collection[str] = ()
    service: ServiceState | None = None  # what the flag service serves (flag-state.toml)
    launched_days: int = DEFAULT_LAUNCHED_DAYS

    def expiry(self, key: str) -> dt.date | None:
        entry = self.registry.flags.get(key)
        return expiry(entry, self.lifetimes) if entry else None

    def is_expired(self, key: str) -> bool:
        when = self.expiry(key)
        return when is not None and when < self.today

    def status(self, key: str) -> FlagStatus:
        if key in self.registry.retired:
            return FlagStatus.RETIRED
        if key not in self.registry.flags:
            return FlagStatus.ACTIVE if key in self.registered else FlagStatus.UNREGISTERED
        return FlagStatus.EXPIRED if self.is_expired(key) else FlagStatus.ACTIVE

    def lifetime_basis(self, entry: FlagEntry) -> str:
        """How an expiry was worked out, for a message: empty when `expires` is written."""
        return "" if entry.expires else f", {self.lifetimes[entry.type or '']} days after it was created"

    @cached_property
    def kill_switches(self) -> frozenset[str]:
        return kill_switches(self.registry)

    def is_permanent(self, key: str) -> bool:
        """A registered flag whose type lives forever (kill switches, permissions): serving one value is its normal life."""
        entry = self.registry.flags.get(key)
        return entry is not None and entry.type is not None and self.lifetimes.get(entry.type, 0) is None

    def launched(self, key: str | None) -> Served | None:
        """The value the service has served `key` in every environment for at least `launched_days`;
        None for a permanent flag, or when the service has not (or there is no service state)."""
        served = served_everywhere(self.service, key)
        if served is None or key is None or self.is_permanent(key) or not served.launched(self.today, self.launched_days):
            return None
        return served

    def stuck_value(self, key: str | None) -> StuckValue | None:
        """The value a flag can no longer change from, and why; None while it may still go either way.

        Retired, declared-off and expired flags read false (an expired flag declared
        `state = "on"` reads true): code that runs only under the other value is dead. A flag the
        service has launched (served as one true or false everywhere for `launched_days`) reads
        that value, as does an expired flag the service serves as one value everywhere.
        """
        if key is None:
            return None
        entry = self.registry.flags.get(key)
        tombstone = self.registry.retired.get(key)
        state = entry.text("state") if entry else None
        if state in ("on", "off"):
            return StuckValue(state == "on", f"declared {state} in {self.registry.path.name}")
        if key in self.flags_off:
            return StuckValue(False, "declared off in the configuration")
        if tombstone is not None:
            when = f" on {tombstone.retired}" if tombstone.retired else ""
            return StuckValue(False, f"retired{when}" + (f" ({tombstone.meaning})" if tombstone.meaning else ""))
        served = served_everywhere(self.service, key)
        if served is not None and isinstance(served.value, bool) and not self.is_permanent(key):
            if served.launched(self.today, self.launched_days):
                return StuckValue(served.value, f"launched (the flag service has {served.describe(self.today)})")
            if self.is_expired(key):  # its time is up, and the service says which value it keeps
                return StuckValue(served.value, f"expired on {self.expiry(key)} (the flag service has {served.describe(self.today)})")
        if self.is_expired(key):
            return StuckValue(False, f"expired on {self.expiry(key)}", decided=False)
        return None

    def is_dead(self, key: str | None, polarity: bool) -> bool:
        """Does code that runs only when flag `key` is `polarity` never run any more?"""
        stuck = self.stuck_value(key)
        return stuck is not None and stuck.value != polarity

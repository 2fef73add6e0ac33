"""The quarterly flag-cleanup report's data: from a Project to plain dataclasses, deciding nothing about looks.

Everything here comes from what the other stages already know: flag statuses from the
inventory, expiries from the registry, dead flags from the registry's lifecycle, zombie
modules from `Project.module_status`, retired-key reuse (FK003) and unused flags (FK005) from
the checks themselves. `report_render` (markdown, json) and `report_html` only format it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.runner import run_checks, select_rules
from flagkeeper.config import FLAG_TYPES
from flagkeeper.errors import FlagkeeperError
from flagkeeper.project.imports import ModuleStatus
from flagkeeper.project.inventory import InventoryEntry, build_inventory
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import FlagStatus, StuckValue
from flagkeeper.registry.served import remove_command, served_everywhere
from flagkeeper.report.links import CodeLinks
from flagkeeper.report.risks import Risk, find_risks, risk_rules

UNOWNED = "(unowned)"
# Upper bounds in days (exclusive); the last bucket is open.
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0–29 days", 30), ("30–89 days", 90), ("90–179 days", 180), ("180–364 days", 365), ("1 year or more", None),
)  # fmt: skip
NO_AGE = "no created date"
OLDEST_SHOWN = 10
TREND_QUARTERS = 8  # quarters of history a report carries forward for the trend chart
# Actions that say a flag is not healthy; `extend` (due within the quarter) is a plan, not a fault.
UNHEALTHY_ACTIONS = frozenset({"remove", "new-key", "retire", "register", "assign-owner"})


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = re.fullmatch(r"(\d{4})-?Q([1-4])", text.strip(), re.IGNORECASE)
        if match is None:
            raise FlagkeeperError(f"--quarter '{text}' is not a quarter like 2026Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def last_day(self) -> dt.date:
        following = dt.date(self.year + self.number // 4, self.number % 4 * 3 + 1, 1)
        return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class Action:
    """What an owner should do about a flag: `kind` is remove | new-key | extend | retire | assign-owner | register."""

    kind: str
    command: str  # the command to run, or the edit to make
    reason: str


@dataclass(frozen=True)
class FlagRow:
    """One flag in code or registry (tombstones nobody reads are not flags any more)."""

    key: str
    owner: str | None
    type: str | None
    status: str  # a FlagStatus (the inventory's), or as read back from an earlier report
    created: dt.date | None
    expires: dt.date | None
    age_days: int | None
    overdue_days: int | None
    reads: int  # reads in Python
    files: int  # Python files with a read
    dead_lines: int  # lines in branches this flag's dead value guards
    actions: tuple[Action, ...]

    @property
    def owner_label(self) -> str:
        return self.owner or UNOWNED

    @property
    def type_label(self) -> str:
        return self.type or ("unregistered" if self.status == FlagStatus.UNREGISTERED else "(no type)")

    @property
    def healthy(self) -> bool:
        """Owned, registered, in date, read in Python, and its value can still change."""
        return (
            self.status == FlagStatus.ACTIVE and self.owner is not None and self.reads > 0 and not self.dead_lines
            and not any(action.kind in UNHEALTHY_ACTIONS for action in self.actions)
        )  # fmt: skip

    @property
    def age_bucket(self) -> str:
        if self.age_days is None:
            return NO_AGE
        return next(label for label, limit in AGE_BUCKETS if limit is None or self.age_days < limit)


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the report; the field order is the order they are shown in."""

    flags_in_code: int
    registered: int
    expired: int
    unowned: int
    retired_key_reuses: int
    zombie_modules: int
    removable: int
    dead_lines: int
    needing_action: int  # the flag debt: flags with at least one action
    flags: int = 0  # every flag of the report: 0 in a report JSON older than flag health
    healthy: int = 0

    @property
    def health(self) -> int | None:
        """Flag health in whole percent: healthy flags out of all flags; None without flags."""
        return round(100 * self.healthy / self.flags) if self.flags else None


HEALTH_FORMULA = (
    "healthy flags ÷ all flags × 100, where a flag is healthy when it is owned, registered, not expired or retired, "
    "read in Python code, and its value can still change"
)
HEADLINE_LABELS = {
    "flags_in_code": "Flags in code",
    "registered": "Registered flags",
    "expired": "Expired flags",
    "unowned": "Flags without an owner",
    "retired_key_reuses": "Retired keys read again",
    "zombie_modules": "Zombie modules",
    "removable": "Removable flags",
    "dead_lines": "Lines behind dead flags",
    "needing_action": "Flags that need action",
    "flags": "Flags",
    "healthy": "Healthy flags",
}
# What each headline number counts: printed beside it on the page (docs/report-format.md has the same).
HEADLINE_MEANINGS = {
    "flags_in_code": "keys read in Python code",
    "registered": "[flags.*] entries of the registry",
    "expired": "flags past their expiry date (expires, or created plus the type's lifetime)",
    "unowned": "flags registered without an owner, or not registered at all",
    "retired_key_reuses": "retired keys that code reads again (FK003)",
    "zombie_modules": "modules reachable only through a dead flag's branch (FK007)",
    "removable": "flags read in code whose value can no longer change: flagkeeper remove deletes them with their dead branch",
    "dead_lines": "distinct lines that run only under a value a flag can no longer take, plus the zombie modules' lines",
    "needing_action": "flags with at least one suggested action: the flag debt",
    "flags": "keys read in code or registered (tombstones nothing reads are not counted)",
    "healthy": "flags that are owned, registered, in date, read in Python, and whose value can still change",
}
assert list(HEADLINE_LABELS) == list(HEADLINE_MEANINGS) == [field.name for field in fields(Headline)]


@dataclass(frozen=True)
class ZombieModule:
    module: str
    path: str  # relative to the project root
    lines: int


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    today: dt.date
    headline: Headline
    debt_by_type: dict[str, int] = field(default_factory=dict)  # flag type -> flags that need action; {} from an older report


@dataclass(frozen=True)
class Snapshot:
    """What a previous report (its JSON) tells the next one."""

    quarter: str
    today: dt.date
    statuses: dict[str, str]  # flag key -> status
    headline: Headline
    trend: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class Changes:
    """Since the previous report."""

    quarter: str
    today: dt.date
    added: tuple[str, ...]
    removed: tuple[str, ...]
    newly_expired: tuple[str, ...]  # expired now, not expired (or not there) before
    previous: Headline


@dataclass(frozen=True)
class Report:
    project: str
    quarter: Quarter
    today: dt.date
    headline: Headline
    flags: tuple[FlagRow, ...]
    zombie_modules: tuple[ZombieModule, ...]
    trend: tuple[TrendPoint, ...]  # oldest first, this report last
    changes: Changes | None
    risks: tuple[Risk, ...] = ()  # ranked, worst first
    links: CodeLinks | None = None  # where file references link to, when the code host is known

    def by_owner(self) -> dict[str, list[FlagRow]]:
        """Flags that need action per owner, the owner holding the most debt first (flags needing
        action, then dead lines behind them); within an owner, most overdue first."""
        grouped: dict[str, list[FlagRow]] = defaultdict(list)
        for row in self.flags:
            if row.actions:
                grouped[row.owner_label].append(row)
        order = sorted(grouped, key=lambda owner: (-len(grouped[owner]), -sum(row.dead_lines for row in grouped[owner]), owner))
        return {owner: sorted(grouped[owner], key=lambda row: (-(row.overdue_days or 0), row.key)) for owner in order}

    def oldest(self) -> list[FlagRow]:
        dated = [row for row in self.flags if row.age_days is not None]
        return sorted(dated, key=lambda row: (-(row.age_days or 0), row.key))[:OLDEST_SHOWN]

    def types(self) -> list[str]:
        """Flag types present now or in the trend's debt, in the registry's order, then any others."""
        present = {row.type_label for row in self.flags} | {name for point in self.trend for name in point.debt_by_type}
        return [name for name in FLAG_TYPES if name in present] + sorted(present - set(FLAG_TYPES))

    def age_buckets(self) -> list[str]:
        """The age buckets, and one for flags without a `created` date when there are any."""
        return [label for label, _ in AGE_BUCKETS] + ([NO_AGE] if any(row.age_days is None for row in self.flags) else [])

    def age_table(self) -> dict[str, dict[str, int]]:
        """Flag type -> age bucket -> flags; every bucket present, empty ones 0."""
        present, buckets = {row.type_label for row in self.flags}, self.age_buckets()
        table = {name: dict.fromkeys(buckets, 0) for name in self.types() if name in present}
        for row in self.flags:
            table[row.type_label][row.age_bucket] += 1
        return table

    def expired_by_owner(self) -> dict[str, int]:
        counted: dict[str, int] = defaultdict(int)
        for row in self.flags:
            if row.status == FlagStatus.EXPIRED:
                counted[row.owner_label] += 1
        return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))

    @property
    def previous_health(self) -> int | None:
        return None if self.changes is None else self.changes.previous.health

    @property
    def debt_change(self) -> int | None:
        return None if self.changes is None else self.headline.needing_action - self.changes.previous.needing_action


def _dead_lines(project: Project) -> tuple[dict[str, set[tuple[str, int]]], set[tuple[str, int]]]:
    """(path, line) of every line inside a branch that a dead flag value guards, per key and in all."""
    per_key: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for facts in project.files:
        for branch in facts.branches:
            lines = {(facts.path, line) for line in range(branch.first, branch.last + 1)}
            for guard in project.key_guards(facts.module, branch.guards):
                if guard.key is not None and project.is_dead(guard):
                    per_key[guard.key] |= lines
    return per_key, set().union(*per_key.values())


def _zombie_modules(project: Project) -> list[ZombieModule]:
    zombies = []
    for module, status in sorted(project.module_status.items()):
        if status is ModuleStatus.ZOMBIE:
            facts = project.modules[module]
            zombies.append(ZombieModule(module, facts.path, facts.lines))
    return zombies


def _actions(project: Project, entry: InventoryEntry, reads: int, reused: set[str], unused: set[str], quarter: Quarter) -> tuple[Action, ...]:
    key, registry = entry.key, project.registry
    registered = registry.flags.get(key)
    stuck = project.lifecycle.stuck_value(key)
    extend = f'flagkeeper registry extend {key} --to YYYY-MM-DD --reason "..."'
    retire = f'flagkeeper registry retire {key} --meaning "..."'
    actions = []
    if key in reused:
        # The key may gate new code (give it a new key) or the old meaning's dead code (remove it).
        command = f"give the new code a new key, then `flagkeeper remove {key} --value false` deletes the old meaning's code"
        actions.append(Action("new-key", command, "a retired key is read again: FK003"))
    elif reads and (remove := _remove_action(project, key, stuck)) is not None:
        actions.append(remove)
    elif registered is not None and key in unused:
        actions.append(Action("retire", retire, "nothing reads it: FK005"))
    elif registered is not None and stuck is not None and entry.status is not FlagStatus.RETIRED:
        actions.append(Action("retire", retire, f"{stuck.reason}; no Python code reads it"))
    if entry.status is FlagStatus.EXPIRED and reads and registered is not None and registered.text("state") is None:
        actions.append(Action("extend", extend, "only if it must stay"))
    expiry = project.lifecycle.expiry(key)
    if entry.status is FlagStatus.ACTIVE and expiry is not None and expiry <= quarter.last_day:
        reason = f"expires on {expiry}, within {quarter.label}: remove it before then, or extend it"
        actions.append(Action("extend", extend, reason))
    if entry.status is FlagStatus.UNREGISTERED:
        actions.append(Action("register", f"flagkeeper registry add {key} --owner TEAM --type TYPE", "read in code, not registered: FK001"))
    elif entry.owner is None and registered is not None:
        actions.append(Action("assign-owner", f"set `owner` in [flags.{key}] of {registry.path.name}", "no owner"))
    return tuple(actions)


def _remove_action(project: Project, key: str, stuck: StuckValue | None) -> Action | None:
    """Remove a flag read in code that is dead or has launched; the value the flag keeps is the
    decided one or the one the flag service serves everywhere, never a guess."""
    if stuck is not None and stuck.decided:
        return Action("remove", f"flagkeeper remove {key} --value {str(stuck.value).lower()}", stuck.reason)
    launched = project.lifecycle.launched(key)  # here only with a value other than true or false
    if stuck is None and launched is None:
        return None
    served = launched or served_everywhere(project.service, key)
    reason = stuck.reason if stuck is not None else "launched"
    if served is None:
        command = f"decide the value it keeps, then `flagkeeper remove {key} --value VALUE`"
        return Action("remove", command, f"{reason}; {_why_no_served_value(project, key)}")
    command = remove_command(key, served.value) or f"delete the reads of {key} by hand, keeping the code for {served.shown}"
    return Action("remove", command, f"{reason} (the flag service has {served.describe(project.today)})")


def _why_no_served_value(project: Project, key: str) -> str:
    service = project.service
    flag = service.flags.get(key) if service is not None else None
    if service is None:
        return "no service state says which value it serves"
    if flag is None:
        return "the flag service does not define it"
    return "archived in the flag service" if flag.archived else "the flag service serves no single value in every environment"


def _flag_rows(
    project: Project, quarter: Quarter, dead_lines: dict[str, set[tuple[str, int]]], findings: list[Diagnostic]
) -> list[FlagRow]:
    reused = {d.key for d in findings if d.code == "FK003" and d.key}
    unused = {d.key for d in findings if d.code == "FK005" and d.key}
    entries, _ = build_inventory(project)
    rows = []
    for entry in entries:
        python = [place for place in entry.places if place.kind == "python"]
        registered = project.registry.flags.get(entry.key)
        if registered is None and not python and entry.status in (FlagStatus.RETIRED, FlagStatus.UNREGISTERED):
            continue  # a tombstone nobody reads: done with; a key only a stale test override names: FK012's
        created = registered.created if registered else None
        expiry = project.lifecycle.expiry(entry.key)
        rows.append(
            FlagRow(
                entry.key, entry.owner, entry.type, entry.status, created, expiry,
                max(0, (project.today - created).days) if created else None,
                (project.today - expiry).days if entry.status is FlagStatus.EXPIRED and expiry else None,
                len(python), len({place.path for place in python}), len(dead_lines.get(entry.key, ())),
                _actions(project, entry, len(python), reused, unused, quarter),
            )
        )  # fmt: skip
    return rows


def _changes(previous: Snapshot, flags: list[FlagRow]) -> Changes:
    now = {row.key: row.status for row in flags}
    before = previous.statuses
    newly_expired = sorted(key for key, status in now.items() if status == FlagStatus.EXPIRED and before.get(key) != FlagStatus.EXPIRED)
    return Changes(
        previous.quarter, previous.today, tuple(sorted(now.keys() - before.keys())),
        tuple(sorted(before.keys() - now.keys())), tuple(newly_expired), previous.headline,
    )  # fmt: skip


def _trend(previous: Snapshot | None, current: TrendPoint) -> tuple[TrendPoint, ...]:
    """The previous report's trend (a report run again for its quarter replaces that point), then this one."""
    earlier = [point for point in (previous.trend if previous else ()) if point.quarter != current.quarter]
    return (*earlier, current)[-TREND_QUARTERS:]


def build_report(
    project: Project, quarter: Quarter, previous: Snapshot | None = None, links: CodeLinks | None = None, risks: bool = True
) -> Report:
    """The report of `project`; `risks=False` leaves out the Fix-first list (a trend point needs only the headline)."""
    per_key, all_dead = _dead_lines(project)
    zombies = _zombie_modules(project)
    zombie_lines = {(zombie.path, line) for zombie in zombies for line in range(1, zombie.lines + 1)}
    # One run of every rule the report asks (FK003 serves both the flag rows and the Fix-first list).
    rules = select_rules(("FK003", "FK005", *(risk_rules(project) if risks else ())), ())
    findings = run_checks(project, rules)
    flags = _flag_rows(project, quarter, per_key, findings)
    removes = {row.key: action.command for row in flags for action in row.actions if action.kind == "remove"}
    ranked = find_risks(project, findings, {key: len(lines) for key, lines in per_key.items()}, removes) if risks else []
    headline = Headline(
        flags_in_code=len(project.inventory),
        registered=len(project.registry.flags),
        expired=sum(1 for row in flags if row.status == FlagStatus.EXPIRED),
        unowned=sum(1 for row in flags if row.owner is None),
        retired_key_reuses=sum(1 for row in flags if any(action.kind == "new-key" for action in row.actions)),
        zombie_modules=len(zombies),
        removable=sum(1 for row in flags if any(action.kind == "remove" for action in row.actions)),
        dead_lines=len(all_dead | zombie_lines),
        needing_action=sum(1 for row in flags if row.actions),
        flags=len(flags),
        healthy=sum(1 for row in flags if row.healthy),
    )
    debt_by_type: dict[str, int] = defaultdict(int)
    for row in flags:
        if row.actions:
            debt_by_type[row.type_label] += 1
    point = TrendPoint(quarter.label, project.today, headline, dict(sorted(debt_by_type.items())))
    changes = _changes(previous, flags) if previous is not None else None
    return Report(
        project.config.root.name, quarter, project.today, headline, tuple(flags), tuple(zombies), _trend(previous, point), changes,
        tuple(ranked), links,
    )  # fmt: skip


def snapshot_of(report: Report) -> Snapshot:
    """What `report` tells the next quarter's, as its JSON would (`--history` chains reports through it)."""
    return Snapshot(report.quarter.label, report.today, {row.key: row.status for row in report.flags}, report.headline, report.trend)

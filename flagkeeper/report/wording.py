"""The report's sentences and small number formats, shared by the Markdown and HTML templates.

A sentence is a list of fragments: plain text, or a number with the name of the headline (or
glossary entry) that defines it. Markdown joins the texts; HTML wraps each number in an element
pointing at its definition on the page, so every number a reader sees is defined where shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flagkeeper.report.data import FlagRow, Report
from flagkeeper.report.risks import Risk


@dataclass(frozen=True)
class Fragment:
    text: str
    defined_by: str | None = None  # a headline field or glossary name; None: words, not a number


Sentence = list[Fragment]

# What a Fix-first finding is, in a few words (the summary names the worst one).
RISK_PHRASES = {
    "FK003": "a retired key is read again",
    "FK011": "the servers' deploy manifests disagree",
    "FK010": "a critical function runs without a kill switch",
    "FK004": "a flag means two things",
    "FK007": "code runs only behind a dead flag",
    "FK006": "a module nothing can import",
}


# Definitions of the numbers that are not headline counts: the glossary at the end of the page.
GLOSSARY = {  # name (the page's anchor) -> (what it is called, what it counts)
    "rank": ("Rank (#)", "The finding's place in the Fix-first ranking: by severity, then by lines at stake."),
    "risks": ("Ranked findings", "Findings on the Fix-first list: retired keys read again (FK003), deploy manifests that disagree (FK011), "
              "critical functions without a kill switch (FK010), keys that mean two things (FK004), zombie code (FK007) and unreachable modules (FK006)."),
    "severity": ("Severity", "How bad a Fix-first finding is: critical (it can switch dead code on in production, or nothing can stop it), high, medium."),
    "lines": ("Lines (Fix first)", "Blast radius: the lines a finding puts at stake: a module's length; for a key, the lines its dead value guards "
              "plus its zombie modules' lines; – when not counted."),
    "zombie_lines": ("Lines in zombie modules", "Lines of the modules reachable only through a dead flag's branch (FK007)."),
    "owner_flags": ("Flags per owner", "The number after an owner's name: flags of this owner that need action."),
    "age": ("Age", "Days from the flag's created date to the report's date."),
    "overdue": ("Overdue", "Days since the flag's expiry, for an expired flag."),
    "reads": ("Reads", "Reads of the key in Python code."),
    "files": ("Files", "Python files with a read of the key."),
    "module_lines": ("Lines (zombie modules)", "The module's length in lines."),
    "bucket": ("Flags by type and age", "Flags of this type whose age falls in this bucket; Total: all flags of the type."),
    "then_now": ("Since the previous report", "A headline number in the previous report and in this one, and the change."),
}  # fmt: skip


def date(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def days(count: int | None) -> str:
    if count is None:
        return "–"
    return "1 day" if count == 1 else f"{count} days"


def expires(row: FlagRow) -> str:
    """The expiry date; "never" for a registered permanent flag, a dash for a key the registry does not know."""
    return date(row.expires) if row.expires else ("never" if row.type else "–")


def signed(change: int) -> str:
    return f"+{change}" if change > 0 else ("±0" if change == 0 else f"−{-change}")


def percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def tone(change: int, more_is_worse: bool = True) -> str:
    """The colour class of a change: `bad`, `good`, or `neutral` when nothing moved."""
    if change == 0:
        return "neutral"
    return "bad" if (change > 0) == more_is_worse else "good"


def plain(sentence: Sentence) -> str:
    return "".join(fragment.text for fragment in sentence)


def _health_clause(report: Report) -> Sentence:
    now, before = report.headline, report.previous_health
    clause = [Fragment("flag health is "), Fragment(percent(now.health), "health")]
    if before is not None and now.health is not None and report.changes is not None:
        word = "up" if now.health > before else ("down" if now.health < before else "unchanged")
        clause += [Fragment(f" ({word} from "), Fragment(percent(before), "health"), Fragment(f" in {report.changes.quarter})")]
    return clause


def _debt_clause(report: Report) -> Sentence:
    debt = report.headline.needing_action
    clause = [Fragment(str(debt), "needing_action"), Fragment(" of "), Fragment(str(report.headline.flags), "flags")]
    clause.append(Fragment(" flag needs action" if debt == 1 else " flags need action"))
    change = report.debt_change
    if change is not None:
        clause += [Fragment(" ("), Fragment(signed(change), "needing_action"), Fragment(f" since {report.changes.quarter})" if report.changes else ")")]
    return clause


def _worst(risks: tuple[Risk, ...]) -> Sentence:
    if not risks:
        return [Fragment("nothing on the Fix-first list")]
    worst = risks[0]
    clause = [Fragment(f"fix first: {RISK_PHRASES[worst.code]} ({worst.code}"), Fragment(f", `{worst.key}`" if worst.key else ""), Fragment(")")]
    if len(risks) > 1:
        clause += [Fragment(", one of "), Fragment(str(len(risks)), "risks"), Fragment(" ranked findings")]
    return clause


def summary(report: Report) -> Sentence:
    """One sentence: what changed (debt, health) and what matters most (the worst risk)."""
    return [*_debt_clause(report), Fragment(" and "), *_health_clause(report), Fragment("; "), *_worst(report.risks), Fragment(".")]


def debt_sentence(report: Report) -> Sentence:
    """'Flag debt went up since …' for the changes section."""
    change = report.debt_change
    assert report.changes is not None and change is not None
    direction = "up" if change > 0 else ("down" if change < 0 else "nowhere")
    return [
        Fragment(f"Flag debt went {direction} since {report.changes.quarter}: "), Fragment(str(report.headline.needing_action), "needing_action"),
        Fragment(" flag needs action, " if report.headline.needing_action == 1 else " flags need action, "),
        Fragment(str(report.changes.previous.needing_action), "needing_action"),
        Fragment(" did then ("), Fragment(signed(change), "needing_action"), Fragment(")."),
    ]  # fmt: skip


def dead_code_sentence(report: Report) -> Sentence:
    dead, in_zombies = report.headline.dead_lines, sum(zombie.lines for zombie in report.zombie_modules)
    return [
        Fragment(str(dead), "dead_lines"), Fragment(" lines run only under a value a flag can no longer take: "),
        Fragment(str(dead - in_zombies), "dead_lines"), Fragment(" in branches of live modules, "),
        Fragment(str(in_zombies), "zombie_lines"), Fragment(" in zombie modules."),
    ]  # fmt: skip

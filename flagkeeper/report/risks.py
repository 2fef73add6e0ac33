"""The report's "Fix first" list: the findings that can hurt, ranked by severity and blast radius.

The findings come from the checks themselves (nothing is judged twice): a retired key read
again (FK003), fleet drift (FK011, with deploy manifests), a critical path without a kill
switch (FK010), a key that means two things (FK004), zombie code (FK007) and unreachable
modules (FK006). Severity is the rule's tier below; the blast radius is the number of lines
the finding puts at stake (see `Risk.lines`). Each comes with the command or change that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.checks.runner import select_rules
from flagkeeper.paths import relative_path
from flagkeeper.project.model import Project

# Rule -> severity tier (0 is the worst). A reused key or a server on another build can switch
# dead code on in production, as at Knight; no kill switch means nothing stops it once it runs.
TIERS = {"FK003": 0, "FK011": 0, "FK010": 0, "FK004": 1, "FK007": 1, "FK006": 2}
TIER_NAMES = ("critical", "high", "medium")


@dataclass(frozen=True)
class Risk:
    code: str
    name: str  # the rule's name, e.g. retired-key-reused
    severity: str  # one of TIER_NAMES
    key: str | None
    path: str  # relative to the project root (a manifest outside it: as given)
    line: int
    lines: int | None  # blast radius: lines at stake (the module's; for a key, those it guards and its zombie modules'); None: not counted
    message: str
    fix: str  # the command to run, or the change to make


def _fix(diagnostic: Diagnostic, removes: dict[str, str], rule_fix: str) -> str:
    key = diagnostic.key
    if diagnostic.code == "FK003" and key:
        remove = removes.get(key, f"flagkeeper remove {key} --value false")
        return f"give the new code a new key (`flagkeeper registry add NEW_KEY --owner TEAM --type TYPE`), then `{remove}`"
    if diagnostic.code == "FK007" and key and key in removes:
        return f"`{removes[key]}` deletes the branch and the code only it reaches"
    if diagnostic.code == "FK004" and key:
        return f"give the reads outside the declared scope a key of their own (`flagkeeper registry add NEW_KEY ...`), or widen the scope of `{key}`"
    return rule_fix.replace("KEY", key) if key else rule_fix


def _lines(diagnostic: Diagnostic, path: str, module_lines: dict[str, int], key_lines: dict[str, int]) -> int | None:
    if diagnostic.code in ("FK006", "FK007") and diagnostic.line == 1 and path in module_lines:
        return module_lines[path]  # a whole module
    if diagnostic.code in ("FK003", "FK004") and diagnostic.key:
        return key_lines.get(diagnostic.key, 0)
    return None


def risk_rules(project: Project) -> tuple[str, ...]:
    """The codes of the rules whose findings rank: FK011 only where deploy manifests were given."""
    return tuple(code for code in TIERS if code != "FK011" or project.fleet)


def find_risks(project: Project, findings: list[Diagnostic], key_lines: dict[str, int], removes: dict[str, str]) -> list[Risk]:
    """The ranked ones of `findings`; `key_lines`: lines each key's dead value guards; `removes`: key -> its remove command."""
    rules = {rule.code: rule for rule in select_rules(risk_rules(project), ())}
    found = [diagnostic for diagnostic in findings if diagnostic.code in rules]
    module_lines = {facts.path: facts.lines for facts in project.files}
    # A key's blast radius: the lines its dead value guards and the zombie modules only it reaches.
    key_lines = dict(key_lines)
    for diagnostic in found:
        if diagnostic.code == "FK007" and diagnostic.key and diagnostic.line == 1:
            key_lines[diagnostic.key] = key_lines.get(diagnostic.key, 0) + module_lines.get(relative_path(diagnostic.path, project.config.root), 0)
    risks = []
    for diagnostic in found:
        path = relative_path(diagnostic.path, project.config.root)
        rule = rules[diagnostic.code]
        risks.append(
            Risk(
                diagnostic.code, rule.name, TIER_NAMES[TIERS[diagnostic.code]], diagnostic.key, path, diagnostic.line,
                _lines(diagnostic, path, module_lines, key_lines),
                diagnostic.message, _fix(diagnostic, removes, rule.fix),
            )
        )  # fmt: skip
    return sorted(risks, key=lambda risk: (TIERS[risk.code], -(risk.lines or 0), risk.code, risk.path, risk.line))

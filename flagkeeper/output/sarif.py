"""SARIF 2.1.0, in the subset GitHub code scanning reads.

One run; `tool.driver.rules[]` from the rules that ran (`id` code, `name`, `shortDescription`
summary, `fullDescription` why, `help` why + fix in text and Markdown,
`defaultConfiguration.level` severity, `properties.tags`); one `result` per finding (`ruleId`,
`ruleIndex`, `level`, `message.text`, a `physicalLocation` relative to `%SRCROOT%` with
`startLine`, `startColumn` and `endLine`, and `partialFingerprints` from the finding's
identity; a dead-code finding's confidence as `rank` and `properties.confidence`). Paths are
relative to the repository root (the nearest folder above the project
with a `.git`, else the project root), which is `%SRCROOT%`, whatever the working folder:
GitHub resolves them against the repository root. Every rule has a `helpUri`, its page under
the package's Documentation URL. FK007's import chain and FK010's call path are a `codeFlow`
(one thread, from the entry point); FK004's other reads are `relatedLocations`.
Output is deterministic: no timestamps, sorted keys, findings in the order given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from flagkeeper import __version__
from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic, Related
from flagkeeper.output.identity import Identity, identities
from flagkeeper.output.json import dump_json
from flagkeeper.output.links import rule_url
from flagkeeper.paths import inside_root, repository_root

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/flagkeeper/"
SRCROOT = "%SRCROOT%"
TOOL = "flagkeeper"

# semver.org's regular expression: SARIF's semanticVersion must be Semantic Versioning 2.0.0.
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)


def _artifact(path: Path, base: Path) -> dict[str, Any]:
    """An artifactLocation: relative to %SRCROOT% (`base`) when inside it, else an absolute file: URI."""
    inside = inside_root(path, base)
    if inside is None:
        return {"uri": PurePosixPath(path.as_posix()).as_uri()}
    return {"uri": quote(inside, safe="/"), "uriBaseId": SRCROOT}


def _location(place: Related, base: Path, index: int | None = None) -> dict[str, Any]:
    # A finding is a point; its region runs to the end of its line (SARIF's default for a missing endColumn).
    region = {"startLine": place.line, "startColumn": place.column, "endLine": place.line}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": _artifact(place.path, base), "region": region}}
    if place.message:
        location["message"] = {"text": place.message}
    if index is not None:
        location["id"] = index
    return location


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why}\n\nHow to fix: {rule.fix}",
            "markdown": f"**Why it matters.** {rule.why}\n\n**How to fix.** {rule.fix}",
        },
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"tags": ["feature-flags"], "problem.severity": rule.severity},
    }


def _sarif_result(diagnostic: Diagnostic, rule_index: dict[str, int], identity: Identity, base: Path) -> dict[str, Any]:
    d = diagnostic
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": d.severity,
        "message": {"text": d.message},
        "locations": [_location(Related(d.path, d.line, d.column, ""), base)],
        # GitHub reads only this key; as CodeQL does, `:n` tells identical findings in one file apart.
        "partialFingerprints": {"primaryLocationLineHash": str(identity)},
    }
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    if d.confidence is not None:  # a dead-code finding: how sure, which SARIF viewers sort by as `rank`
        result["rank"] = float(d.confidence)
        result["properties"] = {"confidence": d.confidence}
    if d.related:
        result["relatedLocations"] = [_location(place, base, index) for index, place in enumerate(d.related)]
    if d.flow:
        steps = [{"location": _location(step, base)} for step in d.flow]
        result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    return result


def render_sarif(diagnostics: list[Diagnostic], rules: Sequence[Rule], root: Path) -> str:
    """A SARIF 2.1.0 log with one run; `root` is the project root the findings' identities are relative to."""
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    base = repository_root(root.resolve())
    driver: dict[str, Any] = {
        "name": TOOL,
        "informationUri": INFORMATION_URI,
        "version": __version__,
        "rules": [_sarif_rule(rule) for rule in rules],
    }
    if _SEMVER.fullmatch(__version__):
        driver["semanticVersion"] = __version__
    run = {
        "tool": {"driver": driver},
        # Columns count characters (libcst positions), not SARIF's default UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The repository root (or the project root outside a repository)."}},
        },
        "results": [_sarif_result(d, rule_index, identity, base) for d, identity in zip(diagnostics, identities(diagnostics, root), strict=True)],
    }
    return dump_json({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})

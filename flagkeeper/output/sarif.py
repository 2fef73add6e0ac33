"""SARIF 2.1.0, in the subset GitHub code scanning reads.

One run; `tool.driver.rules[]` from the rules that ran (`id` code, `name`, `shortDescription`
summary, `fullDescription` why, `help` why + fix in text and Markdown,
`defaultConfiguration.level` severity, `properties.tags`); one `result` per finding (`ruleId`,
`ruleIndex`, `level`, `message.text`, a `physicalLocation` relative to `%SRCROOT%` with
`startLine`, `startColumn` and `endLine`, and `partialFingerprints` from the finding's
identity). Paths are written as `display_path` gives them: relative to the working folder,
which is `%SRCROOT%`; GitHub resolves them against the repository root, so run flagkeeper
from there. Output is deterministic: no timestamps, sorted keys, findings in the order given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from flagkeeper import __version__
from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import Diagnostic
from flagkeeper.output.identity import Identity, identities
from flagkeeper.output.json import dump_json
from flagkeeper.paths import display_path

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


def _sarif_uri(shown: str) -> str:
    """A URI reference for a displayed path: relative paths stay relative (to %SRCROOT%), others become file: URIs."""
    path = PurePosixPath(shown)
    if path.is_absolute():
        return path.as_uri()
    return quote(shown, safe="/")


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
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"tags": ["feature-flags"], "problem.severity": rule.severity},
    }


def _sarif_location(path: Path, line: int, column: int) -> dict[str, Any]:
    shown = display_path(path)
    artifact: dict[str, Any] = {"uri": _sarif_uri(shown)}
    if not PurePosixPath(shown).is_absolute():
        artifact["uriBaseId"] = SRCROOT
    # A finding is a point; its region runs to the end of its line (SARIF's default for a missing endColumn).
    region = {"startLine": line, "startColumn": column, "endLine": line}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _sarif_result(diagnostic: Diagnostic, rule_index: dict[str, int], identity: Identity) -> dict[str, Any]:
    d = diagnostic
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": d.severity,
        "message": {"text": d.message},
        "locations": [_sarif_location(d.path, d.line, d.column)],
        # GitHub reads only this key; as CodeQL does, `:n` tells identical findings in one file apart.
        "partialFingerprints": {"primaryLocationLineHash": str(identity)},
    }
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    if d.related:
        result["relatedLocations"] = [
            {"id": index, **_sarif_location(place.path, place.line, place.column), "message": {"text": place.message}}
            for index, place in enumerate(d.related)
        ]
    return result


def render_sarif(diagnostics: list[Diagnostic], rules: Sequence[Rule], root: Path) -> str:
    """A SARIF 2.1.0 log with one run; `root` is the project root the findings' identities are relative to."""
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
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
            SRCROOT: {"description": {"text": "The folder flagkeeper ran in; run it from the repository root."}},
        },
        "results": [_sarif_result(d, rule_index, identity) for d, identity in zip(diagnostics, identities(diagnostics, root), strict=True)],
    }
    return dump_json({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})

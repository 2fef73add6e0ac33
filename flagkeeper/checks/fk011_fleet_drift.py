"""FK011 fleet-drift: deploy manifests disagree on the build, or on what an enabled flag means."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Example, Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.fleet.fingerprint import load_manifests, verify
from flagkeeper.project.model import Project


def _manifest(server: str, build: str) -> str:
    return f'server = "{server}"\nbuild = "{build}"\ncode-fingerprint = "sha256:{build}"\n\n[flags]\nenabled = ["new-checkout"]\n'


_FILES = {"app.py": "print('shop')\n", "flags.toml": '[flags.new-checkout]\nowner = "web"\ntype = "permission"\n'}


class FleetDriftRule(Rule):
    code = "FK011"
    name = "fleet-drift"
    severity = ERROR
    summary = "Deploy manifests (`--fleet DIR`, or `flagkeeper fleet verify`) disagree on the build or on what an enabled flag means."
    why = (
        "Knight Capital's release was copied by hand to eight servers and one was missed. When the "
        "reused flag was switched on, seven servers ran the new RLP code and the eighth ran Power "
        "Peg. Each server's manifest names its build, a fingerprint of its code and, from "
        "`flagkeeper fingerprint`, the meaning of every flag key (its registry entry and the modules "
        "that read it). A server on another build or code than the majority, a flag switched on "
        "where it means something else, a flag the server's build does not know, and a kill switch "
        "missing from a server are reported."
    )
    fix = "Deploy the same build everywhere before switching a flag on; give a changed meaning a new key."
    fires = Example(
        {**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"), "deploy/web-2.toml": _manifest("web-2", "2026.05.01"),
         "deploy/web-3.toml": _manifest("web-3", "2026.04.17")},
        args=("--fleet", "deploy"),
    )  # fmt: skip
    passes = Example(
        {**_FILES, "deploy/web-1.toml": _manifest("web-1", "2026.05.01"), "deploy/web-2.toml": _manifest("web-2", "2026.05.01")},
        args=("--fleet", "deploy"),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        if project.fleet:
            yield from verify(load_manifests(list(project.fleet)), None, project.registry).diagnostics

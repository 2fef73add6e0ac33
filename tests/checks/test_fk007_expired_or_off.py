"""FK007 tells "off" from "expired": dead code is an error, merely removable code a warning."""

from __future__ import annotations

from tests.conftest import run

APP = (
    "import ldclient\nfrom algos import power_peg\n\n"
    'def route(order):\n    if ldclient.get().variation("peg_enabled", order, False):\n'
    "        power_peg.work(order)\n"
)
FILES = {"flagkeeper.toml": 'entry-points = ["app"]\n', "app.py": APP, "algos/__init__.py": "", "algos/power_peg.py": ""}
EXPIRED = '[flags.peg_enabled]\nowner = "routing"\ntype = "release"\nexpires = 2026-03-31\n'


def severities(project, flags_toml: str) -> dict[str, tuple[str, str]]:
    folder = project({**FILES, "flags.toml": flags_toml})
    findings = run(["check", ".", "--select", "FK007", "--format", "json", "--today", "2026-06-01"], folder).json()
    return {finding["path"]: (finding["severity"], finding["message"]) for finding in findings}


def test_merely_expired_is_a_warning_that_says_which_value_to_pass_to_remove(project) -> None:
    found = severities(project, EXPIRED)
    severity, message = found["algos/power_peg.py"]
    assert severity == "warning"
    assert "removable once the flag's final value is decided: if it stays false, `flagkeeper remove peg_enabled --value false`" in message


def test_declared_off_or_retired_is_dead_code_and_an_error(project) -> None:
    for flags_toml in (EXPIRED + 'state = "off"\n', '[retired.peg_enabled]\nretired = 2003-06-30\n'):
        severity, message = severities(project, flags_toml)["algos/power_peg.py"]
        assert severity == "error" and message.endswith("delete the dead branch and this module")

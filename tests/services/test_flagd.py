"""`flagkeeper pull flagd`: a flagd flag definition file, read from disk or from a URL."""

from __future__ import annotations

import json

from flagkeeper.registry.servicestate import load_state
from tests.services.conftest import ReplayService

FLAGD = {
    "$schema": "https://flagd.dev/schema/v0/flags.json",
    "metadata": {"team": "payments"},
    "flags": {
        "new-checkout": {"state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": "on", "metadata": {"owner": "alice"}},
        "color": {"state": "ENABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "red",
                  "targeting": {"if": [{"==": [{"var": "email"}, "a@example.com"]}, "blue"]}},
        "legacy": {"state": "DISABLED", "variants": {"on": True, "off": False}, "defaultVariant": "off"},
    },
}  # fmt: skip

EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "flagd"
source = "SOURCE"

[flags.color]
type = "string"
variations = ["#f00", "#00f"]
maintainer = "payments"

[flags.color.environments.default]
on = true

[flags.legacy]
type = "boolean"
variations = [true, false]
maintainer = "payments"

[flags.legacy.environments.default]
on = false

[flags.new-checkout]
type = "boolean"
variations = [true, false]
maintainer = "alice"

[flags.new-checkout.environments.default]
on = true
served = true
"""


def test_pull_from_a_file_names_it_relative_to_the_project(pull_project) -> None:
    (pull_project.root / "flags.flagd.json").write_text(json.dumps(FLAGD), encoding="utf-8")
    result, state = pull_project("flagd", "--source", "flags.flagd.json")
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("SOURCE", "flags.flagd.json")
    flags = load_state(pull_project.root / "flag-state.toml").flags  # as the rules read it
    assert flags["new-checkout"].served_everywhere() == (True, None)
    assert flags["color"].served_everywhere() is None and flags["legacy"].environments["default"].on is False


def test_pull_from_a_url(service: ReplayService, pull_project) -> None:
    service.reply("/flags.json", FLAGD)
    result, state = pull_project("flagd", "--source", f"{service.url}/flags.json")
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("SOURCE", f"{service.url}/flags.json")
    assert "authorization" not in service.requests[0].headers
    pull_project.again("flagd", "--source", f"{service.url}/flags.json")


def test_a_malformed_flag_names_the_file_and_the_field(pull_project) -> None:
    broken = {"flags": {"x": {"state": "ON", "variants": {"on": True}, "defaultVariant": "on"}}}
    (pull_project.root / "flags.flagd.json").write_text(json.dumps(broken), encoding="utf-8")
    result, state = pull_project("flagd", "--source", "flags.flagd.json")
    assert (result.exit_code, state) == (2, None)
    assert result.stderr == 'flagkeeper: error: flags.flagd.json: flags.x.state: must be one of "ENABLED", "DISABLED", not "ON"\n'


def test_json_nulls_are_left_out_as_toml_has_none(pull_project) -> None:
    flags = {"flags": {"layout": {"state": "ENABLED", "variants": {"a": {"columns": 2, "theme": None}, "b": None}, "defaultVariant": "a"}}}
    (pull_project.root / "flags.flagd.json").write_text(json.dumps(flags), encoding="utf-8")
    result, state = pull_project("flagd", "--source", "flags.flagd.json")
    assert result.exit_code == 0, result.stderr
    assert "[[flags.layout.variations]]\ncolumns = 2\n" in state
    assert "[flags.layout.environments.default.served]\ncolumns = 2\n" in state


def test_pull_writes_where_the_config_says_the_rules_read(pull_project) -> None:
    root = pull_project.root
    (root / "flagkeeper.toml").write_text('flag-state = "ops/served.toml"\n', encoding="utf-8")
    (root / "ops").mkdir()
    (root / "flags.flagd.json").write_text(json.dumps(FLAGD), encoding="utf-8")
    result, _ = pull_project("flagd", "--source", "flags.flagd.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "wrote ops/served.toml: 3 flags from flagd\n"
    assert load_state(root / "ops" / "served.toml").flags["new-checkout"].served_everywhere() == (True, None)

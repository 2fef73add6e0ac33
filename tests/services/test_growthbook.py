"""`flagkeeper pull growthbook` against a local server answering as GrowthBook's REST API documents (GET /api/v1/features)."""

from __future__ import annotations

import pytest

from tests.services.conftest import ReplayService


def rule(kind: str, value: str, condition: str = "", **fields: object) -> dict[str, object]:
    return {"description": "", "condition": condition, "savedGroupTargeting": [], "id": f"fr_{kind}", "enabled": True, "type": kind,
            "value": value, **({"coverage": 1, "hashAttribute": "id"} if kind == "rollout" else {}), **fields}  # fmt: skip


def growthbook_feature(key: str, value_type: str, default: str, environments: dict[str, tuple[bool, list[dict[str, object]]]],
                       **fields: object) -> dict[str, object]:  # fmt: skip
    return {
        "id": key, "dateCreated": "2026-01-05T09:00:00.000Z", "dateUpdated": "2026-10-01T00:00:00.000Z", "archived": False,
        "description": "", "owner": "Alice", "ownerEmail": "alice@example.com", "project": "prj_1", "valueType": value_type,
        "defaultValue": default, "tags": ["checkout"], "prerequisites": [],
        "environments": {name: {"enabled": on, "defaultValue": default, "rules": rules, "definition": "{}"} for name, (on, rules) in environments.items()},
        "revision": {"version": 3, "comment": "", "date": "2026-10-01T00:00:00.000Z", "publishedBy": "Alice"},
        **fields,
    }  # fmt: skip


def serve_growthbook(service: ReplayService) -> None:
    second = [
        growthbook_feature("max-items", "number", "10", {
            "dev": (True, [rule("force", "25")]), "production": (True, [rule("force", "50", '{"country": "NL"}')]),
        }),
        growthbook_feature("power-peg", "boolean", "false", {"production": (True, [])}, archived=True),
    ]  # fmt: skip
    first = [
        growthbook_feature("new-checkout", "boolean", "false", {"dev": (True, [rule("rollout", "true")]), "production": (False, [])}),
        growthbook_feature("banner", "json", '{"text": "Hi"}', {"dev": (True, [rule("force", "{}", enabled=False)]), "production": (True, [])}),
    ]  # fmt: skip
    service.reply("/api/v1/features", {"features": second, "limit": 2, "offset": 2, "count": 2, "total": 4, "hasMore": False, "nextOffset": None},
                  query={"offset": "2"})  # fmt: skip
    service.reply("/api/v1/features", {"features": first, "limit": 2, "offset": 0, "count": 2, "total": 4, "hasMore": True, "nextOffset": 2})


EXPECTED = """\
# Written by `flagkeeper pull`: what the flag service knows. Review changes like code; do not edit by hand.

[service]
provider = "growthbook"
source = "URL"

[flags.banner]
type = "object"
tags = ["checkout"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.banner.environments.dev]
on = true
served-since = 2026-10-01T00:00:00Z

[flags.banner.environments.dev.served]
text = "Hi"

[flags.banner.environments.production]
on = true
served-since = 2026-10-01T00:00:00Z

[flags.banner.environments.production.served]
text = "Hi"

[flags.max-items]
type = "float"
tags = ["checkout"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.max-items.environments.dev]
on = true
served = 25
served-since = 2026-10-01T00:00:00Z

[flags.max-items.environments.production]
on = true
served-since = 2026-10-01T00:00:00Z

[flags.new-checkout]
type = "boolean"
variations = [true, false]
tags = ["checkout"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z

[flags.new-checkout.environments.dev]
on = true
served = true
served-since = 2026-10-01T00:00:00Z

[flags.new-checkout.environments.production]
on = false
served-since = 2026-10-01T00:00:00Z

[flags.power-peg]
type = "boolean"
variations = [true, false]
tags = ["checkout"]
maintainer = "alice@example.com"
created = 2026-01-05T09:00:00Z
archived = true
"""


def test_pull_follows_next_offset_and_reads_values_by_their_type(service: ReplayService, pull_project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROWTHBOOK_API_KEY", "secret_abc")
    serve_growthbook(service)
    result, state = pull_project("growthbook", "--url", service.url)
    assert result.exit_code == 0, result.stderr
    assert state == EXPECTED.replace("URL", service.url)
    assert [request.query["offset"] for request in service.requests] == [["0"], ["2"]]
    assert {request.headers["authorization"] for request in service.requests} == {"Bearer secret_abc"}
    pull_project.again("growthbook", "--url", service.url)

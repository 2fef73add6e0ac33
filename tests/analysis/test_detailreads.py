"""The details reads (OpenFeature `get_*_details`, LaunchDarkly `variation_detail`) the per-file
analysis records for FK019 when their failure is never looked at."""

from __future__ import annotations

from tests.analysis.test_analyse import facts_of

SOURCE = """\
from openfeature import api
client = api.get_client()

def route(ctx):
    on = client.get_boolean_details("a", False).value
    details = client.get_string_details("b", "x")
    use(details.value, details.flag_key)
    checked = client.get_string_details("c", "x")
    if checked.error_code:
        return
    passed = client.get_string_details("d", "x")
    return passed

async def later():
    result = await client.get_boolean_details_async("e", False)
    return result.value

def launchdarkly(ctx):
    if ldclient.get().variation_detail("f", ctx, False).reason["kind"] == "ERROR":
        return
    return ldclient.get().variation_detail("g", ctx, False).value

def unused():
    client.get_boolean_details("h", False)
    log(client.get_boolean_details("i", False))
"""


def test_a_details_read_used_only_for_its_value_is_unchecked() -> None:
    assert facts_of(SOURCE).unchecked_details == ((5, 10), (6, 15), (15, 20), (21, 12))


def test_a_file_without_details_calls_has_none() -> None:
    assert facts_of("value = client.get_boolean_value('a', False)\n").unchecked_details == ()

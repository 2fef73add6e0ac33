"""The registries example: a project whose flags are registered in code (calls, a loop over a list
literal, a dict literal of defaults with comments), in a flagd file and in an OpenFeature
manifest, with flags.toml holding lifecycle metadata only."""

from __future__ import annotations

from tests.conftest import FIXTURES, run

EXAMPLE = FIXTURES / "registries"
TODAY = ["--today", "2026-06-01"]


def test_inventory_lists_every_registered_key_with_its_sources() -> None:
    flags = {flag["key"]: flag for flag in run(["inventory", ".", "--format", "json", *TODAY], EXAMPLE).json()["flags"]}
    sources = {key: sorted({found["source"] for found in flag["sources"]}) for key, flag in flags.items()}
    assert sources == {
        "FEATURE_DARK_MODE": ["code"],  # the dict literal in shop/settings.py
        "FEATURE_LEGACY_EXPORT": ["code"],
        "holiday-banner": ["flagd"],
        "pricing-v2": ["openfeature"],
        "recommendations": ["flagd", "openfeature"],
        "shop:gift-cards": ["code"],  # the loop over a list literal
        "shop:new-cart": ["code"],  # a key through an imported constant
        "shop:new-checkout": ["code", "flags.toml"],
        "shop:old-search": ["code"],
        "shop:one-click": [],  # only overridden in a test, registered nowhere
        "shop:wish-list": [],  # read, registered nowhere
        "shop:wishlist": ["code"],
    }
    # fields from each source: flags.toml, the call's arguments, the comment's @lifecycle, flagd metadata
    assert (flags["shop:new-checkout"]["owner"], flags["shop:new-checkout"]["expires"]) == ("payments", "2026-09-30")
    assert (flags["shop:new-cart"]["owner"], flags["shop:new-cart"]["type"]) == ("growth", "experiment")
    assert flags["FEATURE_DARK_MODE"]["type"] == "permission"
    assert flags["recommendations"]["owner"] == "discovery"
    assert flags["shop:wish-list"]["status"] == "unregistered"


def test_check_reports_the_unregistered_read_and_exactly_the_unread_registrations() -> None:
    result = run(["check", ".", "--format", "json", *TODAY], EXAMPLE)
    assert result.exit_code == 1
    found = sorted((f["code"], f["key"], f["path"], f["line"]) for f in result.json())
    assert found == [
        ("FK001", "shop:wish-list", "shop/views.py", 28),  # no FK001 for any registered key
        ("FK005", "FEATURE_LEGACY_EXPORT", "shop/settings.py", 9),  # a dict literal key nothing reads
        ("FK005", "holiday-banner", "deploy/flagd.json", 10),  # only named in the flagd file
        ("FK005", "shop:old-search", "shop/feature_registry.py", 11),  # registered in the loop, never read (a test overrides it)
        ("FK012", "shop:one-click", "tests/view_overrides.py", 18),  # the stale test override
    ]


def test_inventory_shows_overrides_apart_from_reads() -> None:
    flags = {flag["key"]: flag for flag in run(["inventory", ".", "--format", "json", *TODAY], EXAMPLE).json()["flags"]}
    overrides = {key: [(o["path"], o["line"], o["function"], o.get("value")) for o in flag["overrides"]] for key, flag in flags.items() if flag["overrides"]}
    assert overrides == {
        "shop:new-checkout": [("tests/view_overrides.py", 7, "test_new_checkout", "True")],
        "shop:old-search": [("tests/view_overrides.py", 14, "test_search_falls_back", "False")],
        "shop:one-click": [("tests/view_overrides.py", 18, "test_one_click", "True")],
    }
    assert [ref["path"] for ref in flags["shop:old-search"]["references"]] == []  # an override is not a read
    table = run(["inventory", ".", *TODAY], EXAMPLE).stdout
    assert "tests/view_overrides.py:14:10  override  in test_search_falls_back  (override = False)" in table


def test_the_report_leaves_a_key_only_a_stale_override_names_to_fk012() -> None:
    keys = [flag["key"] for flag in run(["report", ".", "--format", "json", *TODAY], EXAMPLE).json()["flags"]]
    assert "shop:one-click" not in keys and "shop:wish-list" in keys  # the unregistered read stays


def test_registry_list_shows_the_merged_registry() -> None:
    table = run(["registry", "list", *TODAY], EXAMPLE).stdout.splitlines()
    assert table[0].split() == ["KEY", "STATUS", "OWNER", "TYPE", "EXPIRES", "READS", "SOURCES"]
    assert [line.split()[0] for line in table[1:]] == [
        "FEATURE_DARK_MODE", "FEATURE_LEGACY_EXPORT", "holiday-banner", "pricing-v2", "recommendations",
        "shop:gift-cards", "shop:new-cart", "shop:new-checkout", "shop:old-search", "shop:wishlist",
    ]  # fmt: skip


def test_teams_that_want_owners_everywhere_get_fk008_for_each_key_without_a_flags_toml_entry() -> None:
    result = run(["check", ".", "--format", "json", "--select", "FK008", *TODAY, "--config", str(EXAMPLE / "strict.toml")], EXAMPLE)
    keys = sorted(f["key"] for f in result.json())
    assert keys == sorted([
        "FEATURE_DARK_MODE", "FEATURE_LEGACY_EXPORT", "holiday-banner", "pricing-v2", "recommendations",
        "shop:gift-cards", "shop:new-cart", "shop:old-search", "shop:wishlist",
    ])  # fmt: skip

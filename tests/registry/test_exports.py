"""parse_export: flag definitions read from flagd, OpenFeature manifest, Unleash and LaunchDarkly exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.exports import FORMATS, ImportedFlag, detect_format, parse_export
from tests.conftest import FIXTURES

EXPORTS = FIXTURES / "exports"
MALFORMED = EXPORTS / "malformed"


def parse(name: str, source_format: str) -> list[ImportedFlag]:
    path = EXPORTS / name
    return parse_export(path.read_text(encoding="utf-8"), source_format, path)


def error(text: str, source_format: str, path: Path = Path("export.json")) -> FlagkeeperError:
    with pytest.raises(FlagkeeperError) as caught:
        parse_export(text, source_format, path)
    return caught.value


# --- the fixtures, flag by flag --------------------------------------------------------------


def test_flagd_map_form_reads_metadata_and_inherits_flag_set_metadata() -> None:
    assert parse("flagd.json", "flagd") == [
        ImportedFlag(
            "new-welcome-banner",
            "release",
            "growth",
            dt.date(2024, 3, 4),
            dt.date(2024, 6, 30),
            "Show the redesigned welcome banner to example.com staff",
            default="false",  # the value of defaultVariant, as JSON
        ),
        # owner from the flag set's metadata.team; a date-time gives its date
        ImportedFlag("header-color", "experiment", "web-platform", dt.date(2024, 4, 2), None, None, default='"#FF0000"'),
        # DISABLED is off, not archived; metadata.owner wins over metadata.team
        ImportedFlag("legacy-search", "operational", "search", None, None, "Serve search from the old Solr cluster", default="true"),
        ImportedFlag("fibAlgo", None, "web-platform", None, None, None, default='"recursive"'),
        # metadata "type": "number" is not a flagkeeper type: None
        ImportedFlag("max-cart-items", None, "web-platform", None, dt.date(2024, 12, 31), None),
    ]


def test_flagd_array_form() -> None:
    assert parse("flagd-array.json", "flagd") == [
        ImportedFlag("kill-recommendations", "kill-switch", "sre", dt.date(2023, 9, 1), None, None, default="false"),
        ImportedFlag("beta-reports", "permission", None, None, None, None, default="false"),
    ]


def test_unleash_state_export() -> None:
    assert parse("unleash.json", "unleash") == [
        # featureTags: the "owner" tag wins over the "team" tag listed before it
        ImportedFlag("new-checkout", "release", "payments", dt.date(2024, 2, 12), None, "One-page checkout for logged-in customers"),
        # stale is not archived
        ImportedFlag(
            "recommendations.ranking-v2",
            "experiment",
            None,
            dt.date(2023, 11, 3),
            None,
            "A/B test of the new ranking model on the product page",
        ),
        ImportedFlag(
            "payment-provider-fallback",
            "kill-switch",
            "sre",
            dt.date(2022, 6, 1),
            None,
            "Turn off the secondary payment provider during an incident",
        ),
        # an empty description and a null createdAt are None
        ImportedFlag("beta-reports", "permission", None, None, None, None),
        ImportedFlag("batch-size-tuning", "operational", None, None, None, None),
        # archived: true; owner from the feature's own tags
        ImportedFlag(
            "spring-sale-banner",
            "release",
            "marketing-web",
            dt.date(2023, 3, 1),
            None,
            "Spring sale banner on the home page",
            archived=True,
            archived_on=dt.date(2023, 5, 15),  # archivedAt, the tombstone's date
        ),
        # archivedAt alone is enough
        ImportedFlag("old-search-endpoint", "operational", None, dt.date(2021, 1, 20), None, "Route search to the v1 endpoint", archived=True,
                     archived_on=dt.date(2021, 4, 2)),
    ]


def test_unleash_batch_export_has_no_creation_dates() -> None:
    assert parse("unleash-batch.json", "unleash") == [
        ImportedFlag("new-checkout", "release", "checkout-team", None, None, "One-page checkout for logged-in customers"),
        ImportedFlag("dark-mode", "release", None, None, None, None),
        ImportedFlag("fraud-score-threshold", "operational", "risk", None, None, "Raise the fraud score needed to hold an order for review"),
        ImportedFlag("legacy-coupons", "permission", None, None, None, "Accept coupon codes from the 2019 campaign", archived=True),
    ]


def test_launchdarkly_flag_list() -> None:
    assert parse("launchdarkly.json", "launchdarkly") == [
        # temporary: release; owner the maintainer's email; expires from the custom property
        ImportedFlag(
            "new-checkout",
            "release",
            "ariel@example.com",
            dt.date(2024, 2, 12),
            dt.date(2024, 6, 30),
            "One-page checkout for logged-in customers",
        ),
        # a type tag wins over temporary; the maintainer team over the member; name for an empty description
        ImportedFlag("checkout-button-color", "experiment", "growth", dt.date(2024, 4, 22), None, "Checkout button colour test"),
        ImportedFlag(
            "disable-recommendations",
            "kill-switch",
            "sre",
            dt.date(2021, 11, 30),
            None,
            "Turn recommendations off when the ranking service degrades",
        ),
        # permanent with no type tag: None; a name equal to the key is no description
        ImportedFlag("enterprise-sso", None, None, dt.date(2022, 8, 9), None, None),
        ImportedFlag("holiday-banner-2023", "release", "kim@example.com", dt.date(2023, 11, 20), None, "Holiday banner 2023", archived=True,
                     archived_on=dt.date(2024, 1, 8)),  # archivedDate 1704715200000 ms
    ]


def test_launchdarkly_creation_date_is_a_utc_date() -> None:
    text = '{"items": [{"key": "late", "creationDate": 1711929599999}]}'  # 2024-03-31T23:59:59.999Z
    assert parse_export(text, "launchdarkly", Path("ld.json"))[0].created == dt.date(2024, 3, 31)


# --- malformed exports -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source_format", "message"),
    [
        ("flagd-bad-state.json", "flagd", 'flags.new-checkout.state: must be one of "ENABLED", "DISABLED", not "on"'),
        ("flagd-array-no-key.json", "flagd", "flags[1].key: is missing"),
        # as `flagkeeper pull` judges a flagd file: a default that names no variant is an error, not "no default"
        ("flagd-bad-default-variant.json", "flagd", 'flags.new-checkout.defaultVariant: must be the name of one of the variants, not "maybe"'),
        ("flagd-bad-created.json", "flagd", 'flags.new-checkout.metadata.created: must be an ISO 8601 date or date-time like 2024-05-01, not "last tuesday"'),
        ("unleash-created-at-number.json", "unleash", "features[1].createdAt: must be an ISO 8601 date or date-time like 2024-05-01, not 12"),
        ("unleash-empty-name.json", "unleash", 'features[0].name: a flag key must be a non-empty string, not ""'),
        (
            "unleash-unknown-type.json",
            "unleash",
            'features[0].type: must be one of "release", "experiment", "operational", "kill-switch", "permission", not "ops-toggle"',
        ),
        ("launchdarkly-no-key.json", "launchdarkly", "items[1].key: is missing"),
        ("launchdarkly-bad-creation-date.json", "launchdarkly", 'items[0].creationDate: must be milliseconds since 1970, not "2024-02-12T08:15:31Z"'),
        ("launchdarkly-duplicate-key.json", "launchdarkly", "flag key 'new-checkout' is defined twice"),
    ],
)
def test_malformed_fixture_names_file_and_field(name: str, source_format: str, message: str) -> None:
    path = MALFORMED / name
    caught = error(path.read_text(encoding="utf-8"), source_format, path)
    assert caught.path == path
    assert caught.message == message
    assert str(caught) == f"{path}: {message}"


def test_invalid_json_names_the_line() -> None:
    path = MALFORMED / "bad-json.json"
    caught = error(path.read_text(encoding="utf-8"), "flagd", path)
    assert (caught.path, caught.line) == (path, 7)
    assert str(caught).startswith(f"{path}:7: invalid JSON: ")


@pytest.mark.parametrize(
    ("text", "source_format", "message"),
    [
        ("[]", "flagd", "a flagd export must be a JSON object, not an array"),
        ("{}", "flagd", "flags: is missing"),
        ("{}", "unleash", "features: is missing"),
        ("{}", "launchdarkly", "items: is missing"),
        ('{"flags": {"": {"state": "ENABLED"}}}', "flagd", 'flags.: a flag key must be a non-empty string, not ""'),
        ('{"flags": {"a": "on"}}', "flagd", 'flags.a: must be an object, not "on"'),
        ('{"flags": {"a": {"variants": {}}}}', "flagd", 'flags.a.state: must be one of "ENABLED", "DISABLED", not missing'),
        ('{"flags": [{"key": 7, "state": "ENABLED"}]}', "flagd", "flags[0].key: a flag key must be a non-empty string, not 7"),
        ('{"flags": {"a": {"state": "ENABLED", "metadata": {"owner": 3}}}}', "flagd", "flags.a.metadata.owner: must be a string, not 3"),
        ('{"metadata": {"team": true}, "flags": {"a": {"state": "ENABLED"}}}', "flagd", "metadata.team: must be a string, not true"),
        ('{"features": {"name": "a"}}', "unleash", "features: must be an array, not an object"),
        ('{"features": ["a"]}', "unleash", 'features[0]: must be an object, not "a"'),
        ('{"features": [{"name": "a", "archived": "yes"}]}', "unleash", 'features[0].archived: must be true or false, not "yes"'),
        ('{"features": [{"name": "a", "description": 5}]}', "unleash", "features[0].description: must be a string, not 5"),
        ('{"features": [{"name": "a"}], "featureTags": [{"tagType": "owner", "tagValue": "x"}]}', "unleash", "featureTags[0].featureName: is missing"),
        ('{"items": [{"key": "a", "tags": "kill-switch"}]}', "launchdarkly", 'items[0].tags: must be an array of strings, not "kill-switch"'),
        ('{"items": [{"key": "a", "creationDate": true}]}', "launchdarkly", "items[0].creationDate: must be milliseconds since 1970, not true"),
        (
            '{"items": [{"key": "a", "creationDate": 100000000000000000000}]}',
            "launchdarkly",
            "items[0].creationDate: must be milliseconds since 1970, not 100000000000000000000",
        ),
        ('{"items": [{"key": "a", "_maintainer": "ariel"}]}', "launchdarkly", 'items[0]._maintainer: must be an object, not "ariel"'),
        (
            '{"items": [{"key": "a", "customProperties": {"expires": {"name": "Expires", "value": ["soon"]}}}]}',
            "launchdarkly",
            'items[0].customProperties.expires.value[0]: must be an ISO 8601 date or date-time like 2024-05-01, not "soon"',
        ),
    ],
)
def test_malformed_field_is_named_by_its_json_path(text: str, source_format: str, message: str) -> None:
    caught = error(text, source_format)
    assert caught.message == message
    assert str(caught) == f"export.json: {message}"


def test_unknown_format_lists_the_formats() -> None:
    caught = error("{}", "split")
    assert caught.message == "unknown export format 'split' (one of flagd, openfeature, unleash, launchdarkly)"
    assert caught.path == Path("export.json")


def test_formats() -> None:
    assert FORMATS == ("flagd", "openfeature", "unleash", "launchdarkly")
    for source_format in FORMATS:
        assert parse_export('{"flags": {}, "features": [], "items": []}', source_format, Path("empty.json")) == []


def test_openfeature_manifest() -> None:
    text = (
        '{"$schema": "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json",\n'
        ' "flags": {"enableFeatureA": {"flagType": "boolean", "defaultValue": false, "description": "Controls feature A"},\n'
        '           "greeting": {"flagType": "string", "defaultValue": "hi"}}}\n'
    )
    assert parse_export(text, "openfeature", Path("flags.json")) == [
        ImportedFlag("enableFeatureA", None, None, None, None, "Controls feature A", default="false"),
        ImportedFlag("greeting", None, None, None, None, None, default='"hi"'),
    ]
    # without a format, the shape tells it
    assert parse_export(text, None, Path("flags.json"))[0].key == "enableFeatureA"
    caught = error('{"flags": {"x": {"flagType": "number"}}}', "openfeature")
    assert caught.message.startswith("flags.x.flagType: must be one of")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("flagd.json", "flagd"), ("flagd-array.json", "flagd"), ("unleash.json", "unleash"), ("unleash-batch.json", "unleash"),
        ("launchdarkly.json", "launchdarkly"),
    ],
)
def test_detect_format(name: str, expected: str) -> None:
    path = EXPORTS / name
    assert detect_format(json.loads(path.read_text())) == expected


def test_a_file_of_no_known_format_is_an_error() -> None:
    with pytest.raises(FlagkeeperError, match="not a flag definition file of a known format"):
        parse_export('{"toggles": []}', None, Path("x.json"))

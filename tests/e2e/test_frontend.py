"""A Python backend with a TypeScript/React frontend (tests/fixtures/frontend/shop): FK005 fires
exactly on the keys that neither Python nor the frontend reads, and the inventory lists every
frontend read with its file, line, language and SDK.

The frontend uses four SDKs (LaunchDarkly React, OpenFeature React, Unleash React, PostHog) and
the generic `organization.features.includes(...)`, with keys in an enum imported from another
file (once relatively, once through the bundler's base folder, `src/flags`), a key in
LaunchDarkly's camelCase and one without the prefix the backend registers it with.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run

UNREAD = {"old-search", "holiday-theme"}

# (key, language, file, line, SDK, call, alias): `dark-mode` is read as `darkMode`, in
# camelCase (the LaunchDarkly pack's alias), `organizations:ddm-ui` without its prefix (the
# project's `strip-prefixes`).
FRONTEND_READS = {
    ("dark-mode", "typescript", "web/src/components/Checkout.tsx", 7, "launchdarkly", "useFlags()", "camelCase"),
    ("new-checkout", "typescript", "web/src/components/Checkout.tsx", 8, "launchdarkly", "ldClient.variation", None),
    ("saved-carts", "typescript", "web/src/components/Checkout.tsx", 9, "openfeature", "useBooleanFlagValue", None),
    ("promo-banner", "typescript", "web/src/components/Banner.tsx", 6, "unleash", "useFlag", None),
    ("onboarding-tour", "typescript", "web/src/components/Banner.tsx", 7, "posthog", "posthog.isFeatureEnabled", None),
    ("legacy-pricing", "typescript", "web/src/components/Banner.tsx", 8, "unleash", "useFlag", None),
    ("organizations:ddm-ui", "typescript", "web/src/components/Banner.tsx", 9, "generic", "organization.features.includes", "strip organizations:"),
}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "frontend" / "shop", tmp_path / "shop"))


def test_fk005_fires_exactly_on_the_keys_no_backend_or_frontend_code_reads(shop: Path) -> None:
    findings = run(["check", "--format", "json", "--today", "2026-06-01"], shop).json()
    assert {finding["key"] for finding in findings if finding["code"] == "FK005"} == UNREAD
    # The retired key read again by the frontend, through the enum, is FK003 where it is read.
    assert [(f["code"], f["key"], f["path"], f["line"]) for f in findings if f["code"] == "FK003"] == [
        ("FK003", "legacy-pricing", "web/src/components/Banner.tsx", 8),
    ]
    # A frontend read of a key the registry does not know is no FK001: frontends read what the flag service serves.
    assert not [finding for finding in findings if finding["code"] == "FK001"]


def test_the_inventory_lists_each_frontend_read_with_file_line_and_sdk(shop: Path) -> None:
    data = run(["inventory", "--format", "json", "--today", "2026-06-01"], shop).json()
    found = {
        (flag["key"], ref["kind"], ref["path"], ref["line"], ref["pack"], ref["call"], ref.get("alias"))
        for flag in data["flags"]
        for ref in flag["references"]
        if ref["kind"] not in ("python", "text")
    }
    assert found == FRONTEND_READS
    table = run(["inventory", "--today", "2026-06-01"], shop).stdout
    assert "    web/src/components/Banner.tsx:7:16  posthog.isFeatureEnabled  (typescript, posthog)\n" in table
    assert "    web/src/components/Checkout.tsx:7:11  useFlags()  (typescript, launchdarkly, alias camelCase)\n" in table


def test_a_cached_run_gives_the_same_frontend_reads_and_a_changed_file_is_read_again(shop: Path, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = run(["inventory", "--format", "json", *cache], shop).stdout
    assert list((tmp_path / "cache").glob("facts-?.msgpack"))
    assert run(["inventory", "--format", "json", *cache], shop).stdout == first
    # A changed frontend file is read again.
    banner = shop / "web" / "src" / "components" / "Banner.tsx"
    banner.write_text(banner.read_text().replace('useFlag("promo-banner")', 'useFlag("holiday-theme")'))
    findings = run(["check", "--format", "json", "--select", "FK005", *cache], shop).json()
    assert {finding["key"] for finding in findings} == {"old-search", "promo-banner"}

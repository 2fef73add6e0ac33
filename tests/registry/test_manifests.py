"""`registry export`: the merged registry as an OpenFeature CLI manifest or a flagd definition,
valid against the published schemas (tests/schemas), the same bytes every time; and `registry
import` telling the format by itself and dating tombstones as the vendor archived them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from flagkeeper.registry.model import load_registry
from tests.conftest import FIXTURES, REPO, run, write_tree

SCHEMAS = REPO / "tests" / "schemas"
EXAMPLE = FIXTURES / "registries"
TODAY = ["--today", "2026-06-01"]


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def _validator(to: str) -> jsonschema.Draft7Validator:
    if to == "openfeature":
        return jsonschema.Draft7Validator(_schema("openfeature-flag-manifest.json"))
    # flags.json refers to ./targeting.json, resolved against its $id (https://flagd.dev/schema/v0/)
    targeting = _schema("flagd-targeting.json")
    registry: Registry[Any] = Registry().with_resource(targeting["$id"], Resource.from_contents(targeting))
    return jsonschema.Draft7Validator(_schema("flagd-flags.json"), registry=registry)


def _errors(to: str, document: Any) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in _validator(to).iter_errors(document)]


@pytest.mark.parametrize("to", ["openfeature", "flagd"])
def test_the_schemas_can_fail(to: str) -> None:
    assert not _errors(to, {"flags": {}})
    bad = {"flags": {"x": {"flagType": "boolean", "defaultValue": "yes"}}} if to == "openfeature" else {"flags": {"x": {"state": "ON", "variants": {}}}}
    assert _errors(to, bad)


@pytest.mark.parametrize("to", ["openfeature", "flagd"])
def test_the_example_exports_valid_and_deterministic(to: str, tmp_path: Path) -> None:
    result = run(["registry", "export", "--to", to, *TODAY], EXAMPLE)
    assert result.exit_code == 0, result.stderr
    exported = result.json()
    assert not _errors(to, exported)
    assert run(["registry", "export", "--to", to, *TODAY], EXAMPLE).stdout == result.stdout
    # every registered key, sorted; never a key only read (shop:wish-list)
    assert list(exported["flags"]) == sorted(
        ["FEATURE_DARK_MODE", "FEATURE_LEGACY_EXPORT", "holiday-banner", "pricing-v2", "recommendations",
         "shop:gift-cards", "shop:new-cart", "shop:new-checkout", "shop:old-search", "shop:wishlist"]
    )  # fmt: skip
    written = tmp_path / "out.json"
    assert run(["registry", "export", "--to", to, "-o", str(written), *TODAY], EXAMPLE).stdout == ""
    assert written.read_text(encoding="utf-8") == result.stdout


def test_openfeature_export_types_values_by_their_defaults() -> None:
    flags = run(["registry", "export", "--to", "openfeature", *TODAY], EXAMPLE).json()["flags"]
    assert flags["FEATURE_LEGACY_EXPORT"] == {  # the dict literal's value and the comment above its key
        "flagType": "boolean", "defaultValue": True,
        "description": "CSV export of the old reporting screens; the new screens export by themselves.",
    }  # fmt: skip
    assert flags["shop:new-checkout"] == {"flagType": "boolean", "defaultValue": False, "description": "The one-page checkout"}


def test_flagd_export_keeps_lifecycle_metadata() -> None:
    flags = run(["registry", "export", "--to", "flagd", *TODAY], EXAMPLE).json()["flags"]
    assert flags["shop:new-checkout"] == {
        "state": "ENABLED", "variants": {"on": True, "off": False}, "defaultVariant": "off",
        "metadata": {"owner": "payments", "type": "release", "created": "2026-05-01", "expires": "2026-09-30",
                     "description": "The one-page checkout"},
    }  # fmt: skip
    assert flags["recommendations"]["metadata"] == {"owner": "discovery", "description": "Show product recommendations on the product page"}
    assert flags["FEATURE_DARK_MODE"]["metadata"]["type"] == "permission"  # lifted from the comment's @lifecycle


VALUES_PACK = """\
[pack]
name = "values"
description = "defaults of every kind"

[[read]]
call = "app.flags.get"
key = { position = 0 }

[[register]]
assign = "app.flags.DEFAULTS"
"""


def test_value_types_map_to_each_format(tmp_path: Path) -> None:
    defaults = '{"LIMIT": 10, "RATIO": 0.5, "THEME": "blue", "LAYOUT": {"columns": 2}, "ORDER": [1, 2], "UNSET": None, "HUGE": 1e999}'
    reads = "".join(f'get("{key}")\n' for key in ("LIMIT", "RATIO", "THEME", "LAYOUT", "ORDER", "UNSET", "HUGE"))
    folder = write_tree(tmp_path / "values", {
        "flagkeeper.toml": 'rule-packs = ["values.toml"]\n', "values.toml": VALUES_PACK,
        "app/__init__.py": "", "app/flags.py": f"DEFAULTS = {defaults}\n\n\ndef get(key):\n    return DEFAULTS[key]\n\n\n{reads}",
    })  # fmt: skip
    manifest = run(["registry", "export", "--to", "openfeature"], folder).json()["flags"]
    assert {key: (flag["flagType"], flag["defaultValue"]) for key, flag in manifest.items()} == {
        "HUGE": ("boolean", False),  # not a number JSON can hold
        "LAYOUT": ("object", {"columns": 2}),
        "LIMIT": ("integer", 10),
        "ORDER": ("boolean", False),  # a list: neither format types it
        "RATIO": ("float", 0.5),
        "THEME": ("string", "blue"),
        "UNSET": ("boolean", False),
    }
    flagd = run(["registry", "export", "--to", "flagd"], folder).json()
    assert not _errors("flagd", flagd) and not _errors("openfeature", {"flags": manifest})
    assert flagd["flags"]["THEME"] == {"state": "ENABLED", "variants": {"default": "blue"}, "defaultVariant": "default"}


def test_an_export_imports_back_with_its_format_detected(tmp_path: Path) -> None:
    exported = tmp_path / "flagd.json"
    assert run(["registry", "export", "--to", "flagd", "-o", str(exported), *TODAY], EXAMPLE).exit_code == 0
    folder = write_tree(tmp_path / "new", {})
    result = run(["registry", "import", str(exported), *TODAY], folder)  # no --from
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "changed 10 of 10 flags in flags.toml"
    entry = load_registry(folder / "flags.toml", required=True).flags["shop:new-checkout"]
    assert (entry.owner, entry.type, str(entry.created), str(entry.expires)) == ("payments", "release", "2026-05-01", "2026-09-30")


def test_import_of_an_unknown_shape_names_the_formats(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "new", {"export.json": '{"toggles": []}'})
    result = run(["registry", "import", "export.json"], folder)
    assert (result.exit_code, result.stderr) == (
        2, "flagkeeper: error: export.json: not a flag definition file of a known format (flagd, openfeature, unleash, launchdarkly)\n"
    )  # fmt: skip


@pytest.mark.parametrize(("export", "key", "retired"), [
    ("unleash.json", "spring-sale-banner", "2023-05-15"),  # archivedAt
    ("launchdarkly.json", "holiday-banner-2023", "2024-01-08"),  # archivedDate, ms since 1970
])  # fmt: skip
def test_tombstones_keep_the_vendors_archive_date(tmp_path: Path, export: str, key: str, retired: str) -> None:
    folder = write_tree(tmp_path / "new", {})
    result = run(["registry", "import", str(FIXTURES / "exports" / export), *TODAY], folder)
    assert result.exit_code == 0, result.stderr
    assert str(load_registry(folder / "flags.toml", required=True).retired[key].retired) == retired

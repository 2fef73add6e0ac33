"""Onboarding that ends clean: on a fresh project whose flags are registered in code and in an
OpenFeature manifest, `init` writes what lifecycle metadata needs, fills what the sources and
CODEOWNERS say, prints one command per gap; running those commands leaves `check` with nothing."""

from __future__ import annotations

import shlex
from pathlib import Path

from flagkeeper.registry.model import load_registry
from tests.conftest import run, write_tree

TODAY = ["--today", "2026-06-01"]

PACK = """\
[pack]
name = "app"
description = "The app's feature manager"

[[read]]
call = "app.features.manager.has"
key = { position = 0 }

[[register]]
call = "*.add"
receiver = "app.features.manager"
key = { position = 0 }
type = { position = 1, keyword = "kind" }
owner = { keyword = "owner" }
"""

FILES = {
    # Every flag registered in code or in flags.json needs an entry here (require-registry-entry).
    "flagkeeper.toml": (
        'rule-packs = ["rules/app.toml"]\nregistry-sources = ["flags.json"]\nrequire-registry-entry = true\n'
        'entry-points = ["app.main"]\n'
    ),
    "rules/app.toml": PACK,
    ".github/CODEOWNERS": (
        "# the last matching line wins\n"
        "*                @acme/platform\n"
        "/app/search/     @acme/search\n"
        "/app/shop/       @acme/shop  # the storefront\n"
        "/app/shared.py\n"  # no owner: nobody owns it
    ),
    "flags.json": (
        '{\n  "flags": {\n'
        '    "recommendations": {"flagType": "boolean", "defaultValue": false, "description": "Product recommendations"}\n'
        "  }\n}\n"
    ),
    "app/__init__.py": "",
    "app/features.py": (
        "class Manager:\n"
        "    def add(self, key, kind, owner=None):\n        pass\n\n"
        "    def has(self, key):\n        return False\n\n\nmanager = Manager()\n"
    ),
    "app/registry.py": (
        "from app.features import manager\n\n"
        'manager.add("app:new-checkout", "release", owner="payments")\n'
        'for key in ["app:search-v2", "app:dark-mode"]:\n    manager.add(key, "experiment")\n'
    ),
    "app/search/__init__.py": "from app.features import manager\n\nV2 = manager.has(\"app:search-v2\")\n",
    "app/shop/__init__.py": (
        "from app.features import manager\n\n"
        'CHECKOUT = manager.has("app:new-checkout")\nRECS = manager.has("recommendations")\nDARK = manager.has("app:dark-mode")\n'
    ),
    "app/shared.py": 'from app.features import manager\n\nDARK = manager.has("app:dark-mode")\nEXPORT = manager.has("app:legacy-export")\n',
    "app/main.py": "import app.registry\nimport app.search\nimport app.shared\nimport app.shop\n",
}


def test_init_then_the_printed_commands_then_check_is_clean(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "fresh", FILES)
    config = (project / "flagkeeper.toml").read_text()
    before = run(["check", ".", *TODAY], project)
    assert before.exit_code == 1 and before.stdout.endswith("Found 5 findings in 3 files (5 errors, 0 warnings).\n")  # 4 x FK008, 1 x FK001

    result = run(["init", ".", *TODAY], project)
    assert result.exit_code == 0, result.stderr
    assert (project / "flagkeeper.toml").read_text() == config  # the project's config is kept
    lines = result.stdout.splitlines()
    assert lines[0] == "wrote flags.toml (5 flags) and kept the config in flagkeeper.toml"
    commands = [line.strip() for line in lines[2:]]
    assert commands == [
        "flagkeeper registry set app:dark-mode --owner OWNER",  # read under two owners' code
        "flagkeeper registry set app:legacy-export --owner OWNER",  # read only in a file CODEOWNERS leaves unowned
        "flagkeeper registry set app:legacy-export --type TYPE",  # registered nowhere: nothing says its type
        "flagkeeper registry set recommendations --type TYPE",  # an OpenFeature manifest has value types only
    ]
    registry = load_registry(project / "flags.toml", required=True)
    checkout, search = registry.flags["app:new-checkout"], registry.flags["app:search-v2"]
    # from the registration call; expires written out from the type's lifetime (release: 40 days)
    assert (checkout.owner, checkout.type, str(checkout.created), str(checkout.expires)) == ("payments", "release", "2026-06-01", "2026-07-11")
    assert (search.owner, search.type, str(search.expires)) == ("@acme/search", "experiment", "2026-07-11")  # CODEOWNERS, last match
    assert registry.flags["recommendations"].owner == "@acme/shop"
    assert registry.flags["recommendations"].fields["description"] == "Product recommendations"

    filled = {"OWNER": "web", "TYPE": "release"}
    for command in commands:
        args = [filled.get(word, word) for word in shlex.split(command)[1:]]
        done = run([*args, *TODAY], project)
        assert done.exit_code == 0, done.stderr
    check = run(["check", ".", *TODAY], project)
    assert (check.exit_code, check.stdout) == (0, "All checks passed (7 Python files).\n"), check.stdout + check.stderr
    assert not (project / "flags.toml.lock").exists()
    text = (project / "flags.toml").read_text()
    assert text.startswith("# The flag registry") and '[flags.recommendations]\nowner = "@acme/shop"\ntype = "release"\n' in text


def test_init_without_lifecycle_requirements_writes_only_the_unregistered_reads(tmp_path: Path) -> None:
    files = {**FILES, "flagkeeper.toml": FILES["flagkeeper.toml"].replace("require-registry-entry = true\n", "")}
    project = write_tree(tmp_path / "fresh", files)
    result = run(["init", ".", *TODAY], project)
    assert result.exit_code == 0, result.stderr
    assert list(load_registry(project / "flags.toml", required=True).flags) == ["app:legacy-export"]
    assert result.stdout.splitlines()[0] == "wrote flags.toml (1 flag) and kept the config in flagkeeper.toml"


def test_init_writes_all_or_nothing(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "fresh", {"app.py": 'import os\nif os.getenv("FEATURE_DARK"):\n    pass\n'})
    (project / "flagkeeper.toml").unlink()
    (project / "flagkeeper.toml").mkdir()  # the config cannot be written, after the registry was
    before = sorted(path.name for path in project.iterdir())
    result = run(["init", ".", *TODAY], project)
    assert result.exit_code == 2 and result.stderr.startswith("flagkeeper: error: ")
    assert sorted(path.name for path in project.iterdir()) == before  # no flags.toml left behind

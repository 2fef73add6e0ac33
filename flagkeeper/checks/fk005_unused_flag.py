"""FK005 unused-flag: an active registry entry that nothing reads any more."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.checks.base import Case, Need, Rule
from flagkeeper.checks.diagnostic import WARNING, Diagnostic
from flagkeeper.project.model import Project

_REGISTRY = '[flags.new-checkout]\nowner = "payments"\ntype = "operational"\n'
_REMOVE_REGISTRATION = "remove its registration, and retire it in flags.toml so the key cannot be reused"
_PACK = (
    '[pack]\nname = "house"\ndescription = "in-house flags"\n'
    '[[read]]\ncall = "features.manager.has"\nkey = { position = 0 }\n'
    '[[register]]\ncall = "*.add"\nreceiver = "features.manager"\nkey = { position = 0 }\n'
)
_MANAGER = "class Manager:\n    def add(self, key): ...\n    def has(self, key): ...\n\nmanager = Manager()\n"
_CONFIG = 'rule-packs = ["house.toml"]\nregistry-sources = ["flags.flagd.json"]\n'
_FLAGD = '{"flags": {\n  "dark-mode": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}\n}}\n'


class UnusedFlagRule(Rule):
    code = "FK005"
    name = "unused-flag"
    severity = WARNING
    summary = "An active registry entry that nothing reads any more, in Python or in other text files."
    why = (
        "A registered flag that no code reads is a loaded key waiting for a new meaning: someone "
        "will find it switched on in a manifest and reuse it. Frontends, templates and configs "
        "read flags too, so a key found as a whole word in any tracked non-Python text file "
        "(JavaScript, TypeScript, HTML, YAML, JSON, TOML; not the registry or the config) counts "
        "as read. Reads through keys built at run time (FK009) cannot be seen."
    )
    fix = "Retire the entry (`[retired.KEY]` with its meaning) so the key can never be reused."
    needs = frozenset({Need.REGISTRY, Need.REFERENCES})
    whole_program = True
    INVALID = (
        Case(
            {"app.py": "print('nothing reads the flag')\n", "flags.toml": _REGISTRY},
            expect=(
                "flags.toml:1:1: FK005 flag 'new-checkout' (owner payments) is registered but nothing reads it, in Python or in"
                " other text files: retire it so the key cannot be reused",
            ),
        ),
        # a longer identifier in a text file is not a read
        Case(
            {
                "app.py": "print('no flag reads')\n",
                "web/app.ts": 'if (client.variation("new_checkout_v2", false)) { render(); }\n',
                "flags.toml": _REGISTRY + '\n[flags.new_checkout]\ntype = "operational"\n',
            },
            expect=(
                "flags.toml:1:1: FK005 flag 'new-checkout' (owner payments) is registered but nothing reads it, in Python or in"
                " other text files: retire it so the key cannot be reused",
                "flags.toml:5:1: FK005 flag 'new_checkout' is registered but nothing reads it, in Python or in other text "
                "files: retire it so the key cannot be reused",
            ),
        ),
        # registered in code (twice, in a loop over a list literal) and in a flagd file; only new-search is read
        Case(
            {
                "flagkeeper.toml": _CONFIG, "house.toml": _PACK, "flags.flagd.json": _FLAGD,
                "features/__init__.py": _MANAGER,
                "features/registry.py": (
                    "from features import manager\n\n"
                    'for key in ["new-search", "bulk-export"]:\n    manager.add(key)\n'
                ),
                "app.py": 'from features import manager\n\nif manager.has("new-search"):\n    pass\n',
            },
            expect=(
                "features/registry.py:4:5: FK005 flag 'bulk-export' is registered (code) but nothing reads it, in Python or "
                "in other text files: remove its registration, and retire it in flags.toml so the key cannot be reused",
                "flags.flagd.json:2:1: FK005 flag 'dark-mode' is registered (flagd) but nothing reads it, in Python or in "
                "other text files: remove its registration, and retire it in flags.toml so the key cannot be reused",
            ),
        ),
    )  # fmt: skip
    VALID = (
        Case({
            "app.py": "print('the frontend reads the flag')\n",
            "web/checkout.ts": 'if (client.variation("new-checkout", false)) { renderNewCheckout(); }\n',
            "flags.toml": _REGISTRY,
        }),
        # read only by the frontend, through a member of useFlags()
        Case({
            "app.py": "print('the frontend reads the flag')\n",
            "web/Checkout.tsx": "const { newCheckout } = useFlags();\n",
            "flags.toml": '[flags.newCheckout]\nowner = "payments"\ntype = "operational"\n',
        }),
        # read through an imported constant
        Case({
            "keys.py": 'CHECKOUT = "new-checkout"\n',
            "app.py": 'import ldclient\nfrom keys import CHECKOUT\n\nif ldclient.get().variation(CHECKOUT, None, False):\n    pass\n',
            "flags.toml": _REGISTRY,
        }),
    )  # fmt: skip

    def check(self, project: Project) -> Iterator[Diagnostic]:
        registry = project.registry
        unread = [key for key in project.registered if key not in project.inventory and key not in registry.retired]
        unread = [key for key in unread if key not in project.frontend_inventory]
        text_reads = project.text_references(unread)
        for key in unread:
            if text_reads[key]:
                continue
            flag = project.registered[key]
            owner = f" (owner {flag.field('owner')})" if flag.field("owner") else ""
            where = "" if flag.in_registry_file else f" ({', '.join(flag.source_names)})"
            message = (
                f"flag '{key}'{owner} is registered{where} but nothing reads it, in Python or in other text files: "
                + ("retire it so the key cannot be reused" if flag.in_registry_file else _REMOVE_REGISTRATION)
            )
            first = flag.sources[0]
            yield self.report(first.path, first.line, first.column, message, key)

"""`flagkeeper server` driven over standard input and output by a real LSP client (tests/lsp/editor.py)."""

from __future__ import annotations

import asyncio
import difflib
import time
from pathlib import Path

from lsprotocol import types

from tests.conftest import run, write_tree
from tests.lsp.editor import Editor, apply_edit, uri

APP = (
    "import ldclient\n"
    "\n"
    "\n"
    "def route(order):\n"
    '    if ldclient.get().variation("rlp_routing", order, False):\n'
    '        return "rlp"\n'
    '    return "classic"\n'
)
REGISTRY = (
    "[flags.rlp_routing]\n"
    'owner = "equities-routing"\n'
    'type = "release"\n'
    "created = 2026-05-01\n"
    "expires = 2026-06-30\n"
    'description = "Route eligible retail orders to the RLP"\n'
    "\n"
    "[retired.power_peg]\n"
    "retired = 2003-06-30\n"
    'meaning = "Power Peg: re-peg child orders until the parent order is filled"\n'
)
STATE = (
    "[service]\n"
    'provider = "launchdarkly"\n'
    'source = "test"\n'
    "\n"
    '[flags."rlp_routing"]\n'
    'type = "boolean"\n'
    "\n"
    '[flags."rlp_routing".environments.production]\n'
    "on = true\n"
    "served = true\n"
)
NEW_READ = '    if ldclient.get().variation("dark_pool", order, False):\n        return "dark"\n'


def _tree(tmp_path: Path, **extra: str) -> Path:
    return write_tree(tmp_path / "repo", {"app.py": APP, "flags.toml": REGISTRY, **extra})


def _codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in diagnostics)


def test_typing_a_new_flag_read_brings_fk001(tmp_path: Path) -> None:
    root = _tree(tmp_path)

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            assert _codes(await editor.diagnostics_where(app, lambda found: True)) == []
            editor.type(app, 6, 0, NEW_READ)
            [fk001] = await editor.diagnostics_where(app, lambda found: found)
            assert fk001.code == "FK001"
            assert fk001.message == "flag 'dark_pool' is read here but not registered in flags.toml: register it with an owner, a type and an expiry"
            assert fk001.severity == types.DiagnosticSeverity.Error
            assert fk001.source == "flagkeeper"
            assert fk001.code_description is not None and fk001.code_description.href.endswith("/docs/rules/FK001.md")
            assert fk001.range == types.Range(types.Position(6, 7), types.Position(6, 59))  # from the read to the end of its line

    asyncio.run(session())


def test_a_change_after_a_pause_is_judged_at_once_and_a_burst_once_it_ends(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    debounce = 4.0  # seconds: far longer than judging this project takes, even on a loaded machine

    async def session() -> None:
        async with Editor(root, "--debounce", str(int(debounce * 1000))) as editor:
            app = editor.open("app.py")
            await editor.diagnostics_where(app, lambda found: True)
            await asyncio.sleep(debounce)  # a pause
            editor.type(app, 6, 0, NEW_READ)
            typed = time.monotonic()
            assert _codes(await editor.diagnostics_where(app, lambda found: found)) == ["FK001"]
            assert time.monotonic() - typed < debounce  # the leading edge: not held back
            editor.type(app, 6, 0, NEW_READ.replace("dark_pool", "lit_pool"))  # right after: a burst
            typed = time.monotonic()
            assert _codes(await editor.diagnostics_where(app, lambda found: len(found) == 2)) == ["FK001", "FK001"]
            assert time.monotonic() - typed >= debounce  # judged once the burst is over

    asyncio.run(session())


def test_a_registry_buffer_changes_the_findings_of_the_code_without_a_save(tmp_path: Path) -> None:
    root = _tree(tmp_path)

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            registry = editor.open("flags.toml")
            await editor.diagnostics_where(app, lambda found: not found)
            editor.replace(registry, REGISTRY.replace("[flags.rlp_routing]", "[flags.rlp_routing_v2]"))
            found = await editor.diagnostics_where(app, lambda found: found)
            assert _codes(found) == ["FK001"]
            unused = await editor.diagnostics_where(registry, lambda found: "FK005" in _codes(found))  # the renamed entry is read nowhere
            assert [diagnostic.range.start.line for diagnostic in unused if diagnostic.code == "FK005"] == [0]
            editor.replace(registry, "[flags.rlp_routing\n")  # not TOML: the file on disk counts meanwhile, and the error is shown
            broken = await editor.diagnostics_where(registry, lambda found: any(diagnostic.code is None for diagnostic in found))
            assert "invalid TOML" in broken[0].message or "TOML" in broken[0].message
            assert (await editor.diagnostics_where(app, lambda found: not found)) == ()

    asyncio.run(session())


def test_related_places_of_a_finding_are_related_information(tmp_path: Path) -> None:
    root = _tree(tmp_path, **{"app.py": APP.replace("rlp_routing", "power_peg")})

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            [fk003] = await editor.diagnostics_where(app, lambda found: found)
            assert fk003.code == "FK003"
            assert fk003.code_description is not None and fk003.code_description.href.endswith("/docs/rules/FK003.md")

    asyncio.run(session())


def test_hover_on_a_read_a_registry_entry_and_a_tombstone(tmp_path: Path) -> None:
    root = _tree(tmp_path, **{"flag-state.toml": STATE})

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            hover = await editor.hover(app, 4, 35)
            assert hover is not None and isinstance(hover.contents, types.MarkupContent)
            text = hover.contents.value
            assert text.startswith("**flag `rlp_routing`**: active")
            assert "owner: equities-routing · type: release · created: 2026-05-01 · expires: 2026-06-30 (in 29 days)" in text
            assert "*Route eligible retail orders to the RLP*" in text
            assert "1 read: `app.py:5`" in text
            assert "flag service: serves `True` in every environment" in text
            assert hover.range == types.Range(types.Position(4, 32), types.Position(4, 45))  # the key's string
            assert await editor.hover(app, 3, 4) is None  # `def`: no key
            registry = editor.open("flags.toml")
            entry = await editor.hover(registry, 0, 3)
            assert entry is not None and "**flag `rlp_routing`**" in str(entry.contents)
            tombstone = await editor.hover(registry, 7, 3)
            assert tombstone is not None
            assert "retired 2003-06-30: it meant *Power Peg: re-peg child orders until the parent order is filled*" in str(tombstone.contents)

    asyncio.run(session())


def test_definition_and_references_of_a_key(tmp_path: Path) -> None:
    other = 'import ldclient\n\nENABLED = ldclient.get().variation("rlp_routing", None, False)\n'
    root = _tree(tmp_path, **{"jobs.py": other})

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            [definition] = await editor.definition(app, 4, 35)
            assert definition.uri == uri(root / "flags.toml") and definition.range.start.line == 0
            references = await editor.references(app, 4, 35)
            assert sorted((Path(found.uri).name, found.range.start.line, found.range.start.character) for found in references) == [
                ("app.py", 4, 32),
                ("jobs.py", 2, 35),
            ]

    asyncio.run(session())


def _unified(before: str, after: str, name: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"))


def test_the_remove_action_edits_as_remove_diff_prints(tmp_path: Path) -> None:
    other = 'import ldclient\n\n\ndef batch():\n    if not ldclient.get().variation("rlp_routing", None, False):\n        return 1\n    return 2\n'
    root = _tree(tmp_path, **{"jobs.py": other})
    expected = run(["remove", "rlp_routing", "--value", "false", "--diff"], root)
    assert expected.exit_code == 1 and expected.stdout

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            actions = await editor.actions(app, 4, 35, [])
            titles = [action.title for action in actions]
            assert titles == ["Extend the expiry of 'rlp_routing'", "Remove flag 'rlp_routing' as true", "Remove flag 'rlp_routing' as false"]
            extension = actions[0].edit
            assert extension is not None  # the type's 40 days from the expiry, which is later than today
            extended = apply_edit({uri(root / "flags.toml"): REGISTRY}, extension)[uri(root / "flags.toml")]
            assert "expires = 2026-08-09\n" in extended and 'reason = "extended from the editor"' in extended
            removal = await editor.resolve(actions[2])
            assert removal.disabled is None and removal.edit is not None
            texts = {uri(root / name): (root / name).read_text() for name in ("app.py", "jobs.py")}
            after = apply_edit(texts, removal.edit)
            shown = "".join(_unified(texts[uri(root / name)], after[uri(root / name)], name) for name in ("app.py", "jobs.py"))
            assert shown == expected.stdout
            editor.type(app, 0, 0, "# unsaved\n")
            await asyncio.sleep(0)
            refused = await editor.resolve(actions[2])
            assert refused.edit is None and refused.disabled is not None and "save app.py first" in refused.disabled.reason

    asyncio.run(session())


def test_register_action_then_the_saved_registry_clears_fk001(tmp_path: Path) -> None:
    root = _tree(tmp_path, **{"app.py": APP + NEW_READ.replace("    if", "def other(order):\n    if")})

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            [fk001] = await editor.diagnostics_where(app, lambda found: found)
            actions = await editor.actions(app, fk001.range.start.line, fk001.range.start.character, [fk001])
            by_title = {action.title: action for action in actions}
            assert set(by_title) == {
                "Suppress FK001 on this line (# noqa: FK001)",
                "Register flag 'dark_pool' in flags.toml",
                "Remove flag 'dark_pool' as true",
                "Remove flag 'dark_pool' as false",
            }
            register = by_title["Register flag 'dark_pool' in flags.toml"]
            assert register.edit is not None and register.kind == types.CodeActionKind.QuickFix
            registry = uri(root / "flags.toml")
            after = apply_edit({registry: REGISTRY}, register.edit)[registry]
            assert after.startswith(REGISTRY.split("\n[retired")[0])
            assert '[flags.dark_pool]\ntype = "release"\ncreated = 2026-06-01\nexpires = 2026-07-11\n' in after
            (root / "flags.toml").write_text(after)  # the editor saved it: the watcher tells the server
            assert any(registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for registration in editor.registrations)
            event = types.FileEvent(registry, types.FileChangeType.Changed)
            editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([event]))
            assert not await editor.diagnostics_where(app, lambda found: not found)

    asyncio.run(session())


def test_suppress_action_adds_a_noqa_comment(tmp_path: Path) -> None:
    text = APP.replace("rlp_routing", "dark_pool")
    root = _tree(tmp_path, **{"app.py": text})

    async def session() -> None:
        async with Editor(root) as editor:
            app = editor.open("app.py")
            [fk001] = await editor.diagnostics_where(app, lambda found: found)
            actions = await editor.actions(app, 4, 5, [fk001])
            [suppress] = [action for action in actions if action.title.startswith("Suppress")]
            assert suppress.edit is not None
            after = apply_edit({app: text}, suppress.edit)[app]
            assert after.splitlines()[4] == '    if ldclient.get().variation("dark_pool", order, False):  # noqa: FK001'
            editor.replace(app, after)
            assert not await editor.diagnostics_where(app, lambda found: not found)

    asyncio.run(session())

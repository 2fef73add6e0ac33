"""The Language Server Protocol over standard input and output (pygls), in front of workspace.py.

Diagnostics are published for every open document after an open, change or save: at once for
the first change after DEBOUNCE seconds of quiet (one edit is judged without waiting), else
once the editor has been quiet that long (a burst of keystrokes is judged once, at its end).
One run of the rules on the project with the buffers applied serves them all,
so an edit in one file (a registration, a constant) updates the findings in the others. Hover,
definition and references find the key under the cursor (keys.py); code actions compute their
edits with actions.py, the removal only when the editor resolves the action (it runs libcst
over every file that reads the key). Files changed on disk (watched files: the config, the
registry, rule packs, a branch switch) rebuild the project.
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from flagkeeper import __version__
from flagkeeper.checks.base import Rule
from flagkeeper.checks.diagnostic import ERROR, Diagnostic
from flagkeeper.config import Config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.lsp.actions import FileEdit, extend_edit, register_edit, removal_edits, suppress_edit
from flagkeeper.lsp.keys import KeyIndex, Place, describe_key
from flagkeeper.lsp.workspace import Workspace
from flagkeeper.output.links import rule_url
from flagkeeper.project.model import Project
from flagkeeper.registry.lifecycle import FlagStatus

DEBOUNCE = 0.15  # seconds of quiet that end a burst of keystrokes
SOURCE = "flagkeeper"
WATCHED = ("**/*.py", "**/*.toml", "**/*.json", "**/*.yaml", "**/*.yml", "**/.git/HEAD")
_DEAD_CODE = ("FK006", "FK007")  # shown faded (DiagnosticTag.Unnecessary)


class FlagkeeperServer(LanguageServer):
    """The pygls server with the workspace it serves; `load` builds the project around a root."""

    def __init__(self, load: Callable[[Path], Project], rules: Callable[[Config], list[Rule]], debounce: float = DEBOUNCE):
        super().__init__("flagkeeper", __version__)
        self.load_project = load
        self.rules = rules
        self.debounce = debounce
        self.model: Workspace | None = None
        self.pending: asyncio.Task[None] | None = None
        self.last_activity = -math.inf  # loop time of the last change or the end of the last run
        self.uris: dict[Path, str] = {}  # an open document's path (resolved) -> the URI the editor names it by

    @property
    def root(self) -> Path:
        root = self.workspace.root_path
        return Path(root).resolve() if root else Path.cwd()

    def ready(self) -> Workspace:
        if self.model is None:
            root = self.root
            self.model = Workspace(lambda: self.load_project(root), self.rules)
        return self.model

    # -- positions ---------------------------------------------------------------------------
    def lines(self, path: Path) -> list[str]:
        """A file's lines as the editor has them, else as on disk."""
        text = self.ready().text(path)
        return (text or "").splitlines(keepends=True)

    def position(self, lines: list[str], line: int, character: int) -> types.Position:
        """0-based line and character (code points) -> the client's units (UTF-16 by default)."""
        if line >= len(lines):
            return types.Position(line=line, character=0)
        codec = self.workspace.position_codec
        return codec.position_to_client_units(lines, types.Position(line=line, character=min(character, len(lines[line]))))

    def place_range(self, place: Place) -> types.Range:
        lines = self.lines(place.path)
        return types.Range(self.position(lines, place.line - 1, place.start), self.position(lines, place.line - 1, place.end))

    def location(self, place: Place) -> types.Location:
        return types.Location(uri=from_fs_path(str(place.path)) or "", range=self.place_range(place))

    def line_range(self, lines: list[str], line: int, column: int) -> types.Range:
        """From (line, column), 1-based, of a file's `lines` to the end of the line, as SARIF's region without an end column."""
        end = len(lines[line - 1].rstrip("\r\n")) if 0 < line <= len(lines) else column
        return types.Range(self.position(lines, line - 1, column - 1), self.position(lines, line - 1, end))

    def cursor(self, uri: str, position: types.Position) -> tuple[Path, int, int]:
        """The path, 1-based line and 0-based code-point column of a client position."""
        document = self.workspace.get_text_document(uri)
        server = self.workspace.position_codec.position_from_client_units(document.lines, position)
        return Path(document.path).resolve(), server.line + 1, server.character


def create_server(load: Callable[[Path], Project], rules: Callable[[Config], list[Rule]], debounce: float = DEBOUNCE) -> FlagkeeperServer:
    """The server with every feature registered."""
    server = FlagkeeperServer(load, rules, debounce)
    _register_documents(server)
    _register_navigation(server)
    _register_actions(server)
    return server


def serve(load: Callable[[Path], Project], rules: Callable[[Config], list[Rule]], debounce: float = DEBOUNCE) -> None:
    """Run the server on standard input and output until the client says exit."""
    create_server(load, rules, debounce).start_io()


# -- documents and diagnostics -----------------------------------------------------------------
def _register_documents(server: FlagkeeperServer) -> None:
    @server.feature(types.INITIALIZED)
    def initialized(ls: FlagkeeperServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED])
            registration = types.Registration(id="flagkeeper-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
            ls.client_register_capability(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FlagkeeperServer, params: types.DidOpenTextDocumentParams) -> None:
        _buffer_changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FlagkeeperServer, params: types.DidChangeTextDocumentParams) -> None:
        _buffer_changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FlagkeeperServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.ready().saved(_path(params.text_document.uri))
        _buffer_changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FlagkeeperServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.ready().close_buffer(_path(params.text_document.uri))
        ls.uris.pop(_path(params.text_document.uri), None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))
        _schedule(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: FlagkeeperServer, params: types.DidChangeWatchedFilesParams) -> None:
        model = ls.ready()
        if any(model.needs_reload(_path(change.uri)) for change in params.changes):
            model.reload()
            _schedule(ls)


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri).resolve()


def _buffer_changed(ls: FlagkeeperServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    ls.uris[_path(uri)] = uri
    ls.ready().set_buffer(_path(uri), document.source)
    _schedule(ls)


def _schedule(ls: FlagkeeperServer) -> None:
    """Publish the diagnostics at once when the editor was quiet for the debounce time before this
    change (since the last change and the last run), else once it has been quiet that long: a
    change during a burst cancels the run waiting for the burst's end."""
    loop = asyncio.get_event_loop()
    now = loop.time()
    delay = ls.debounce if now - ls.last_activity < ls.debounce else 0.0
    ls.last_activity = now
    if ls.pending is not None:
        ls.pending.cancel()
    ls.pending = loop.create_task(_publish_later(ls, delay))


async def _publish_later(ls: FlagkeeperServer, delay: float) -> None:
    await asyncio.sleep(delay)  # also at 0: the changes already received are applied first
    publish(ls)
    ls.last_activity = asyncio.get_event_loop().time()  # a change that waited for this run is part of the burst


def publish(ls: FlagkeeperServer) -> None:
    """The findings of every open document (and errors reading a buffer), one run of the rules for all."""
    model = ls.ready()
    try:
        findings = model.findings()
    except FlagkeeperError as error:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"flagkeeper: {error}"))
        return
    lines_of = functools.cache(ls.lines)  # each file read and split once per run, not once per finding
    by_path: dict[Path, list[types.Diagnostic]] = {path: [] for path in model.buffers}
    for finding in findings:
        if finding.path in by_path:
            by_path[finding.path].append(_diagnostic(ls, finding, lines_of))
    for path, problem in model.errors.items():
        where = ls.line_range(lines_of(path), problem.line or 1, 1)
        by_path[path].append(types.Diagnostic(where, str(problem.message), types.DiagnosticSeverity.Error, source=SOURCE))
    for path, diagnostics in by_path.items():
        uri = ls.uris.get(path) or from_fs_path(str(path)) or ""
        version = ls.workspace.get_text_document(uri).version
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))


def _diagnostic(ls: FlagkeeperServer, finding: Diagnostic, lines_of: Callable[[Path], list[str]]) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(from_fs_path(str(place.path)) or "", ls.line_range(lines_of(place.path), place.line, place.column)), place.message
        )
        for place in (*finding.related, *finding.flow)
    ]
    return types.Diagnostic(
        range=ls.line_range(lines_of(finding.path), finding.line, finding.column),
        message=finding.message,
        severity=types.DiagnosticSeverity.Error if finding.severity == ERROR else types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code)),
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code in _DEAD_CODE else None,
        data={"key": finding.key, "line": finding.line},
    )


# -- hover, definition, references ---------------------------------------------------------------
def _key_at(ls: FlagkeeperServer, uri: str, position: types.Position) -> tuple[KeyIndex, str, Place] | None:
    path, line, character = ls.cursor(uri, position)
    index = KeyIndex(ls.ready().project, ls.lines)
    found = index.key_at(path, line, character)
    return None if found is None else (index, *found)


def _register_navigation(server: FlagkeeperServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: FlagkeeperServer, params: types.HoverParams) -> types.Hover | None:
        found = _key_at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, key, place = found
        text = describe_key(index.project, key, index.reads(key))
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=ls.place_range(place))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: FlagkeeperServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = _key_at(ls, params.text_document.uri, params.position)
        return None if found is None else [ls.location(place) for place in found[0].definitions(found[1])]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: FlagkeeperServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = _key_at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        index, key, _ = found
        places = index.reads(key) + (index.definitions(key) if params.context.include_declaration else [])
        return [ls.location(place) for place in places]


# -- code actions ------------------------------------------------------------------------------
QUICK_FIX = types.CodeActionKind.QuickFix
REWRITE = types.CodeActionKind.RefactorRewrite


def _register_actions(server: FlagkeeperServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[QUICK_FIX, REWRITE], resolve_provider=True)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    def code_action(ls: FlagkeeperServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(ls: FlagkeeperServer, action: types.CodeAction) -> types.CodeAction:
        return _resolved(ls, action)


def code_actions(ls: FlagkeeperServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Suppress each finding in the range on its line; for the key of a finding or under the
    cursor: register it, extend its expiry, or remove it as true or as false."""
    uri = params.text_document.uri
    path = _path(uri)
    model = ls.ready()
    actions: dict[str, types.CodeAction] = {}
    keys: dict[str, list[types.Diagnostic]] = {}
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
            continue
        line = diagnostic.range.start.line + 1
        title = f"Suppress {diagnostic.code} on this line (# noqa: {diagnostic.code})"
        suppress = functools.partial(suppress_edit, path, model.text(path) or "", line, diagnostic.code)
        actions[title] = _action(ls, title, QUICK_FIX, suppress, [diagnostic])
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        if data.get("key"):
            keys.setdefault(data["key"], []).append(diagnostic)
    found = _key_at(ls, uri, params.range.start)
    if found is not None:
        keys.setdefault(found[1], [])
    for key, diagnostics in keys.items():
        for action in _key_actions(ls, key, diagnostics):
            actions.setdefault(action.title, action)
    return list(actions.values())


def _key_actions(ls: FlagkeeperServer, key: str, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    model = ls.ready()
    project = model.project
    registry = project.config.registry
    actions = []
    if project.lifecycle.status(key) is FlagStatus.UNREGISTERED:
        register = functools.partial(register_edit, project, key, model.text(registry))
        actions.append(_action(ls, f"Register flag '{key}' in {registry.name}", QUICK_FIX, register, diagnostics))
    if key in project.registry.flags and project.lifecycle.expiry(key) is not None:
        extend = functools.partial(extend_edit, project, key, model.text(registry) or "")
        actions.append(_action(ls, f"Extend the expiry of '{key}'", QUICK_FIX, extend, diagnostics))
    if key in project.inventory:
        for value in (True, False):
            data = {"remove": key, "value": value}
            action = types.CodeAction(title=f"Remove flag '{key}' as {str(value).lower()}", kind=REWRITE, diagnostics=diagnostics or None, data=data)
            actions.append(action if _resolves_edits(ls) else _resolved(ls, action))
    return actions


def _resolves_edits(ls: FlagkeeperServer) -> bool:
    """Does the client ask for a code action's edit only when the user picks it?"""
    text = ls.client_capabilities.text_document
    support = text.code_action.resolve_support if text and text.code_action else None
    return support is not None and "edit" in support.properties


def _resolved(ls: FlagkeeperServer, action: types.CodeAction) -> types.CodeAction:
    """A removal action with its edit: the plan on the files as saved (refused while one that changes is not)."""
    data = action.data if isinstance(action.data, dict) else {}
    if "remove" not in data:
        return action
    model = ls.ready()
    try:
        changes = removal_edits(model.base, str(data["remove"]), bool(data["value"]))
        unsaved = [change.path.name for change in changes if model.buffers.get(change.path, change.before) != change.before]
        if unsaved:
            raise FlagkeeperError(f"save {', '.join(unsaved)} first: the removal works on the files as saved")
    except FlagkeeperError as error:
        action.disabled = types.CodeActionDisabled(reason=str(error.message))
        return action
    action.edit = workspace_edit(ls, changes)
    return action


def _action(ls: FlagkeeperServer, title: str, kind: str, edit: Callable[[], FileEdit], diagnostics: list[types.Diagnostic]) -> types.CodeAction:
    """An action whose edit is computed now; one that cannot be made is shown disabled, with why."""
    action = types.CodeAction(title=title, kind=kind, diagnostics=diagnostics or None)
    try:
        action.edit = workspace_edit(ls, [edit()])
    except FlagkeeperError as error:
        action.disabled = types.CodeActionDisabled(reason=str(error.message))
    return action


def workspace_edit(ls: FlagkeeperServer, changes: list[FileEdit]) -> types.WorkspaceEdit:
    """The edits as versioned document edits; a file that does not exist yet is created first."""
    document_changes: list[Any] = []
    for change in changes:
        uri = from_fs_path(str(change.path)) or ""
        lines = (change.before or "").splitlines(keepends=True)
        edits = [
            types.TextEdit(types.Range(ls.position(lines, *edit.start), ls.position(lines, *edit.end)), edit.text) for edit in change.edits()
        ]  # fmt: skip
        if change.before is None:
            document_changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        version = ls.workspace.text_documents[uri].version if uri in ls.workspace.text_documents else None
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        document_changes.append(types.TextDocumentEdit(text_document=identifier, edits=edits))
    return types.WorkspaceEdit(document_changes=document_changes)

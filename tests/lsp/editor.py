"""A real LSP client (pygls's LanguageClient) driving `flagkeeper server` in a subprocess, as an editor would."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

TODAY = "2026-06-01"
WAIT = 30.0  # seconds a test waits for the server at most (a loaded machine analyses slowly)

CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
    ),
    text_document=types.TextDocumentClientCapabilities(
        code_action=types.CodeActionClientCapabilities(resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])),
    ),
)


def uri(path: Path) -> str:
    return from_fs_path(str(path)) or ""


class Editor:
    """One server for one workspace folder; keeps the latest diagnostics published for each document."""

    def __init__(self, root: Path, *options: str):
        self.root = root
        self.options = options  # more options of `flagkeeper server`
        self.client = LanguageClient("flagkeeper-tests", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.published = asyncio.Event()
        self.registrations: list[types.Registration] = []
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.published.set()

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    async def __aenter__(self) -> Editor:
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        await self.client.start_io(sys.executable, "-m", "flagkeeper", "server", "--today", TODAY, *self.options, cwd=self.root, env=environment)
        await self.client.initialize_async(types.InitializeParams(capabilities=CAPABILITIES, root_uri=uri(self.root), process_id=os.getpid()))
        self.client.initialized(types.InitializedParams())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def open(self, name: str, text: str | None = None) -> str:
        path = self.root / name
        text = path.read_text(encoding="utf-8") if text is None else text
        document = uri(path)
        self.versions[document] = 1
        language = "python" if name.endswith(".py") else "toml"
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(document, language, 1, text)))
        return document

    def replace(self, document: str, text: str) -> None:
        """The whole text changed (as typing ends up)."""
        self.versions[document] += 1
        change = types.TextDocumentContentChangeWholeDocument(text=text)
        identifier = types.VersionedTextDocumentIdentifier(version=self.versions[document], uri=document)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(identifier, [change]))

    def type(self, document: str, line: int, character: int, text: str) -> None:
        """Insert `text` at a position, as a keystroke's incremental change."""
        self.versions[document] += 1
        where = types.Position(line, character)
        change = types.TextDocumentContentChangePartial(range=types.Range(where, where), text=text)
        identifier = types.VersionedTextDocumentIdentifier(version=self.versions[document], uri=document)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(identifier, [change]))

    async def diagnostics_where(self, document: str, condition: Any) -> list[types.Diagnostic]:
        """The first diagnostics published for `document` that satisfy `condition`."""

        async def wait() -> list[types.Diagnostic]:
            while document not in self.diagnostics or not condition(self.diagnostics[document]):
                self.published.clear()
                await self.published.wait()
            return self.diagnostics[document]

        return await asyncio.wait_for(wait(), WAIT)

    async def hover(self, document: str, line: int, character: int) -> types.Hover | None:
        params = types.HoverParams(types.TextDocumentIdentifier(document), types.Position(line, character))
        return await asyncio.wait_for(self.client.text_document_hover_async(params), WAIT)

    async def actions(self, document: str, line: int, character: int, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
        where = types.Position(line, character)
        params = types.CodeActionParams(types.TextDocumentIdentifier(document), types.Range(where, where), types.CodeActionContext(diagnostics))
        found = await asyncio.wait_for(self.client.text_document_code_action_async(params), WAIT)
        return [action for action in found or [] if isinstance(action, types.CodeAction)]

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        return await asyncio.wait_for(self.client.code_action_resolve_async(action), WAIT)

    async def definition(self, document: str, line: int, character: int) -> list[types.Location]:
        params = types.DefinitionParams(types.TextDocumentIdentifier(document), types.Position(line, character))
        found = await asyncio.wait_for(self.client.text_document_definition_async(params), WAIT)
        return found if isinstance(found, list) else []  # type: ignore[return-value]

    async def references(self, document: str, line: int, character: int) -> list[types.Location]:
        context = types.ReferenceContext(include_declaration=False)
        params = types.ReferenceParams(context, types.TextDocumentIdentifier(document), types.Position(line, character))
        return await asyncio.wait_for(self.client.text_document_references_async(params), WAIT) or []


def apply_edit(texts: dict[str, str], edit: types.WorkspaceEdit) -> dict[str, str]:
    """The texts (by URI) after a WorkspaceEdit, applied as an editor does: each document's edits from the end backwards."""
    result = dict(texts)
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            result.setdefault(change.uri, "")
            continue
        assert isinstance(change, types.TextDocumentEdit)
        text = result[change.text_document.uri]
        for text_edit in sorted(change.edits, key=lambda item: (item.range.start.line, item.range.start.character), reverse=True):
            assert isinstance(text_edit, types.TextEdit)
            start, end = _offset(text, text_edit.range.start), _offset(text, text_edit.range.end)
            text = text[:start] + text_edit.new_text + text[end:]
        result[change.text_document.uri] = text
    return result


def _offset(text: str, position: types.Position) -> int:
    lines = text.splitlines(keepends=True)
    if position.line >= len(lines):
        return len(text)
    return sum(len(line) for line in lines[: position.line]) + position.character  # ASCII texts: UTF-16 units are characters

"""`flagkeeper server`: the language server over standard input and output (docs/editors.md).

pygls and lsprotocol are imported when the command runs, so they cost the other commands nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from flagkeeper.cli.common import CONFIG_OPTION, TODAY_OPTION, load_project

if TYPE_CHECKING:
    from flagkeeper.project.model import Project


@click.command()
@CONFIG_OPTION
@TODAY_OPTION
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport; editors pass it).")
@click.option(
    "--debounce", "debounce_ms", type=click.IntRange(0, 10_000), metavar="MS",
    help="Quiet time that ends a burst of keystrokes, in milliseconds (default 150); the first change after such a pause is judged at once.",
)  # fmt: skip
def server(config_file: Path | None, today: dt.datetime | None, stdio: bool, debounce_ms: int | None) -> None:
    """Run the language server: diagnostics as you type, hover on flag keys, code actions
    (register, extend, remove, suppress), go to definition and find references.

    The project is the one around the editor's workspace folder, analysed as `check` does,
    through the same cache. See docs/editors.md for VS Code, Neovim, Helix and Emacs.
    """
    from flagkeeper.cli.main import selected_rules
    from flagkeeper.lsp.server import DEBOUNCE, serve

    def load(root: Path) -> Project:
        return load_project([root], config_file, None, today, require_registry=False, progress=False)

    serve(load, lambda config: selected_rules(config, (), (), ()), DEBOUNCE if debounce_ms is None else debounce_ms / 1000)

"""The console script and `python -m flagkeeper`: `--version` answers before the commands and their imports load.

Loading every command imports most of the package (a third of a second of CPU); a version
check in a CI log or an editor's probe needs none of it.
"""

from __future__ import annotations

import sys

from flagkeeper import __version__


def run() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"flagkeeper, version {__version__}")  # what click's version_option prints
        return
    from flagkeeper.analysis.scan import ignore_scanned_code_warnings
    from flagkeeper.cli.main import run as run_commands

    ignore_scanned_code_warnings()
    run_commands()

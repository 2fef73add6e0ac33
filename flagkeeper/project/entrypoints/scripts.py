"""Modules run as programs: `__main__` modules (`python -m package`), scripts outside any
package (a top-level file with an `if __name__ == "__main__":` block, such as Django's manage.py)
or in a folder of programs (`scripts/`, `bin/`), and files no import can name (a
folder or file name such as `.semgrep/rules/no-requests.py`), which only a tool runs, by path.

Any other module inside a package that has such a block is not counted: it is importable, and
the block is as often a leftover test harness as a way to run it; FK006 says when it looks like
a script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles

_PROGRAM_FOLDERS = ("scripts", "bin")
# A module name `import` can spell, every dotted part of it: digits first are fine (`0001_initial`
# is loaded by name).
_IMPORTABLE = re.compile(r"\w+(?:\.\w+)*")
# Names only a path can spell, as tools' files have them (`.semgrep/`, `check-strings.py`);
# any other character (a space, `=`, a control character) makes no convention.
_PATH = re.compile(r"[\w-]*(?:\.[\w-]*)*")


def _run_by_path(module: str) -> bool:
    return not _IMPORTABLE.fullmatch(module) and _PATH.fullmatch(module) is not None


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    for module, facts in files.modules.items():
        package = module.rpartition(".")[0]
        if module.rsplit(".", 1)[-1] == "__main__":
            yield EntryPoint(module, "a `__main__` module: runs with `python -m`")
        elif _run_by_path(module):
            yield EntryPoint(module, f"no import can name {facts.path}: a tool runs it by path", by_path=True)
        elif facts.is_script and package not in files.modules:
            yield EntryPoint(module, "a script outside any package (it has an `if __name__ == '__main__':` block)")
        elif facts.is_script and package.rpartition(".")[2] in _PROGRAM_FOLDERS:
            yield EntryPoint(module, f"a script in folder {package.replace('.', '/')}/ (it has an `if __name__ == '__main__':` block)")

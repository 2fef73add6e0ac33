"""Modules run as programs: `__main__` modules (`python -m package`), and scripts outside any
package (a top-level file with an `if __name__ == "__main__":` block, such as Django's manage.py).

A module inside a package that has such a block is not counted: it is importable, and the block
is as often a leftover test harness as a way to run it; FK006 says when it looks like a script.
"""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    for module, facts in files.modules.items():
        if module.rsplit(".", 1)[-1] == "__main__":
            yield EntryPoint(module, "a `__main__` module: runs with `python -m`")
        elif facts.is_script and module.rpartition(".")[0] not in files.modules:
            yield EntryPoint(module, "a script outside any package (it has an `if __name__ == '__main__':` block)")

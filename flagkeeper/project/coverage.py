"""Runtime evidence: which project files ran, read from a coverage.py data file with coverage's API.

A zombie or unreachable finding says whether its code ran in the measured run, so a branch
that production coverage saw running is never called dead without saying so. Files are
matched by their path relative to the project root, so data measured in another checkout
(a production host, a CI runner) still applies.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from flagkeeper.errors import FlagkeeperError


def load_executed_lines(data_file: Path, project_paths: list[str]) -> dict[str, int]:
    """Project-relative path -> number of lines that ran, for every project file the data measured."""
    try:  # imported only when asked: coverage is needed for --coverage alone
        from coverage import CoverageData
        from coverage.exceptions import CoverageException
    except ImportError:
        raise FlagkeeperError("--coverage needs coverage.py: install it (pip install coverage)", data_file) from None

    if not data_file.is_file():
        raise FlagkeeperError("coverage data file not found", data_file)
    data = CoverageData(basename=str(data_file))
    try:
        data.read()
    except (CoverageException, OSError) as error:  # sqlite3.DatabaseError is reported as CoverageException
        raise FlagkeeperError(f"not a coverage.py data file: {error}", data_file) from None
    by_parts = {PurePath(path).parts: path for path in project_paths}
    executed: dict[str, int] = {}
    for measured in data.measured_files():
        parts = PurePath(measured).parts
        for length in range(len(parts), 0, -1):  # the longest tail that names a project file
            relative = by_parts.get(parts[-length:])
            if relative is not None:
                executed[relative] = len(data.lines(measured) or [])
                break
    return executed

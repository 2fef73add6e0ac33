"""The one exception type for bad input: the CLI prints it as a single line and exits 2."""

from __future__ import annotations

from pathlib import Path


class FlagkeeperError(Exception):
    """Bad input that stops the run: a missing path, a malformed config, registry or pack."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return self.located(str(self.path) if self.path is not None else None)

    def located(self, shown_path: str | None) -> str:
        """The one-line message, with the path written as the caller displays paths."""
        if shown_path is None:
            return self.message
        return f"{shown_path}: {self.message}" if self.line is None else f"{shown_path}:{self.line}: {self.message}"


class FlagkeeperErrors(FlagkeeperError):
    """Several problems with one input, found together: the CLI prints one line for each."""

    def __init__(self, errors: list[FlagkeeperError]):
        super().__init__("; ".join(error.message for error in errors), errors[0].path, errors[0].line)
        self.errors = tuple(errors)

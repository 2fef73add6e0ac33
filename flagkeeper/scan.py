"""Scan: read and decode every discovered Python file and run the per-file analysis on it."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from flagkeeper.analysis import analyse_file
from flagkeeper.config import Config
from flagkeeper.discovery import module_name, relative_path
from flagkeeper.errors import FlagkeeperError
from flagkeeper.facts import FileFacts
from flagkeeper.packs import Matcher


def read_source(path: Path) -> str:
    """The text of a Python file in its declared encoding (PEP 263); bad bytes name file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FlagkeeperError(f"cannot read: {exc.strerror or exc}", path) from None
    return decode_source(data, path)


def decode_source(data: bytes, path: Path) -> str:
    """Decode Python source bytes as the interpreter would; `path` names them in errors."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FlagkeeperError(f"cannot decode as {exc.encoding}: byte 0x{data[exc.start]:02x} is not valid", path, line) from None
    except (SyntaxError, LookupError) as exc:
        raise FlagkeeperError(f"cannot decode: {exc}", path) from None


def scan(paths: tuple[Path, ...], config: Config, matcher: Matcher) -> list[FileFacts]:
    """FileFacts for every file, in the order given; paths in the facts are relative to the root."""
    facts = []
    for path in paths:
        module, is_package = module_name(path, config)
        facts.append(analyse_file(relative_path(path, config.root), read_source(path), module, is_package, matcher))
    return facts

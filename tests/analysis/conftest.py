"""Fixtures of the analysis tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flagkeeper.analysis import analyse as analyse_module
from flagkeeper.analysis.facts import FileFacts


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the scan analyses (rather than reads from the cache), in order."""
    analysed: list[str] = []
    original: Callable[..., FileFacts] = analyse_module.analyse_file

    def counting(path: str, *rest: object) -> FileFacts:
        analysed.append(path)
        return original(path, *rest)

    monkeypatch.setattr(analyse_module, "analyse_file", counting)  # the scan imports it when it analyses
    return analysed

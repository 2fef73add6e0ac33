"""The fast paths find what the plain ones find (issue 24): the structure walk with its own
dispatch against ast.NodeVisitor's, suppressions tokenized only where one could be against every
file tokenized, statement extents without a walk of the expressions against ast.walk, the worker
pool against one process, and a warm cache against a cold one. On every fixture project, the
SMARS example and a small generated corpus with what real code carries (noqa comments for other
tools, long docstrings, vendored copies, a large TypeScript/JSON/YAML tree) plus suppressions of
ours in the awkward places."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from flagkeeper.analysis import structure, suppressions
from flagkeeper.analysis.scan import ScanOptions
from tests.analysis.test_scan import _load_make_corpus, facts_of
from tests.conftest import FIXTURES, REPO, run

PROJECTS = sorted(
    [path for group in ("imports", "packs", "frameworks") for path in (FIXTURES / group).iterdir() if path.is_dir()]
    + [REPO / "examples" / "smars_legacy"]
)
# Suppressions of ours where the cheap text test and the statement extents could go wrong: a
# multi-line statement, a compound statement's header, a decorated function, other tools' codes
# beside ours, and the marker inside a string, where it suppresses nothing.
SUPPRESSED = '''

def _bench_dynamic(name):
    return ldclient.get().variation(  # flagkeeper: ignore[FK009]
        "pricing_" + name, {}, False,
    )


if ldclient.get().variation("never_registered", {}, False):  # noqa: E501, FK001
    pass


@staticmethod  # noqa: FK001
def _decorated():
    return "# noqa: FK001 in a string is not a comment"
'''
SUPPRESSING_MODULES = 6


@pytest.fixture(scope="module")
def real_code_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("real-code") / "corpus"
    _load_make_corpus().generate(root, modules=140, lines=20_000, seed=3, real_code=True)
    modules = sorted(path for path in root.glob("*/*.py") if path.name != "__init__.py")[:SUPPRESSING_MODULES]
    for module in modules:
        module.write_text("import ldclient\n" + module.read_text(encoding="utf-8") + SUPPRESSED, encoding="utf-8")
    return root


def _every_statement(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.stmt):
            yield node


def use_plain_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain paths: ast.NodeVisitor's walk, every file tokenized, every node walked for extents."""
    monkeypatch.setattr(structure._Collector, "visit", ast.NodeVisitor.visit)
    monkeypatch.setattr(structure._Collector, "generic_visit", ast.NodeVisitor.generic_visit)
    monkeypatch.setattr(suppressions, "_may_suppress", lambda source: True)
    monkeypatch.setattr(suppressions, "_statements", _every_statement)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_fast_facts_equal_plain_facts_on_every_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = facts_of(project, ScanOptions())
    use_plain_paths(monkeypatch)
    assert facts_of(project, ScanOptions()) == fast


def test_fast_facts_equal_plain_facts_on_real_looking_code(real_code_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = facts_of(real_code_corpus, ScanOptions(jobs=1))
    # Ours name a code; the corpus's bare noqa comments suppress everything, as in ruff; the
    # marker in a string is no suppression.
    named = [suppression for facts in fast for suppression in facts.suppressions if suppression.codes]
    assert len(named) == SUPPRESSING_MODULES * 3
    assert all(facts.error is None for facts in fast)
    use_plain_paths(monkeypatch)
    assert facts_of(real_code_corpus, ScanOptions(jobs=1)) == fast


def test_findings_equal_across_jobs_and_cache(real_code_corpus: Path, tmp_path: Path) -> None:
    check = ["check", ".", "--today", "2026-06-01", "--format", "json"]
    serial = run([*check, "--no-cache", "--jobs", "1"], real_code_corpus)
    assert serial.exit_code == 1 and len(serial.json()) > 20
    cache = ["--cache-dir", str(tmp_path / "cache")]
    for args in (["--no-cache", "--jobs", "2"], [*cache, "--jobs", "2"], cache, [*cache, "--jobs", "1"]):
        assert run([*check, *args], real_code_corpus).stdout == serial.stdout, args

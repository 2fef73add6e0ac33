"""The scan stage: the FileFacts cache, parallel analysis, the flag reader's shortcut and the progress bar."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

import flagkeeper
from flagkeeper.analysis import scan as scan_module
from flagkeeper.analysis.cache import FACT_SHARDS, RECENT_RUNS, decode_shard, encode_shard, facts_file
from flagkeeper.analysis.facts import FileFacts
from flagkeeper.analysis.packs import Matcher
from flagkeeper.analysis.scan import ScanOptions
from flagkeeper.config import load_config
from flagkeeper.project.model import ProjectInputs, build_project
from tests.conftest import REPO, run, write_tree

APP = 'import ldclient\n\nclient = ldclient.get()\n\nif client.variation("new_checkout", ctx, False):\n    from app import legacy\n'
PACK = '[pack]\nname = "inhouse"\ndescription = "In-house flags"\n\n[[read]]\ncall = "*.{name}"\nkey = {{ position = 0 }}\n'


def _load_make_corpus():  # benchmarks/ is not a package: load the generator by path
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small monorepo from the benchmark generator: every pack, constants, dead and guarded modules."""
    root = tmp_path_factory.mktemp("corpus") / "corpus"
    _load_make_corpus().generate(root, modules=260, lines=40_000, seed=11)
    return root


def facts_of(root: Path, options: ScanOptions) -> list[FileFacts]:
    return build_project([root], load_config([root]), dt.date(2026, 6, 1), ProjectInputs(options=options)).files


def small_project(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "project",
        {
            "app/__init__.py": "",
            "app/main.py": APP,
            "app/legacy.py": "def run():\n    return inhouse.check('old_pricing')\n",
            "inhouse.toml": PACK.format(name="check"),
            "flagkeeper.toml": 'rule-packs = ["launchdarkly", "inhouse.toml"]\n',
        },
    )


def test_second_run_reads_every_file_from_the_cache(tmp_path: Path, counted: list[str]) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    first = facts_of(root, options)
    assert sorted(counted) == ["app/__init__.py", "app/legacy.py", "app/main.py"]
    counted.clear()
    assert facts_of(root, options) == first
    assert counted == []
    assert (tmp_path / "cache" / "CACHEDIR.TAG").is_file() and (tmp_path / "cache" / ".gitignore").read_text().endswith("*\n")


def test_a_changed_file_alone_is_analysed_again(tmp_path: Path, counted: list[str]) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    facts_of(root, options)
    counted.clear()
    (root / "app" / "legacy.py").write_text("def run():\n    return inhouse.check('new_pricing')\n")
    files = facts_of(root, options)
    assert counted == ["app/legacy.py"]
    legacy = next(facts for facts in files if facts.path == "app/legacy.py")
    assert [ref.key_code for ref in legacy.references] == ["'new_pricing'"]


def test_a_changed_rule_pack_invalidates_every_entry(tmp_path: Path, counted: list[str]) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    assert [len(facts.references) for facts in facts_of(root, options)] == [0, 1, 1]
    counted.clear()
    (root / "inhouse.toml").write_text(PACK.format(name="is_on"))  # legacy.py's call is no read any more
    assert [len(facts.references) for facts in facts_of(root, options)] == [0, 0, 1]
    assert len(counted) == 3


def test_a_new_flagkeeper_version_invalidates_every_entry(tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    facts_of(root, options)
    counted.clear()
    monkeypatch.setattr(flagkeeper, "__version__", "99.0.0")
    facts_of(root, options)
    assert len(counted) == 3


def stored_facts(cache: Path) -> dict[str, msgspec.Raw]:
    """Every entry of every facts shard."""
    entries: dict[str, msgspec.Raw] = {}
    for shard in FACT_SHARDS:
        stored = cache / facts_file(shard)
        entries.update((decode_shard(stored.read_bytes(), shard) or {}) if stored.exists() else {})
    return entries


def store_facts(cache: Path, entries: dict[str, msgspec.Raw]) -> None:
    """Write `entries` over the shards, each in the shard its name picks."""
    for shard in FACT_SHARDS:
        (cache / facts_file(shard)).write_bytes(encode_shard({name: entry for name, entry in entries.items() if name[0] == shard}))


def test_a_corrupt_entry_is_analysed_again_and_rewritten(tmp_path: Path, counted: list[str]) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    expected = facts_of(root, options)
    entries = stored_facts(tmp_path / "cache")
    assert len(entries) == 3
    first, second = sorted(entries)[:2]
    # an entry of another shape, and facts of another file under this one's name
    entries[first], entries[second] = msgspec.Raw(msgspec.msgpack.encode(["torn", 1])), entries[first]
    store_facts(tmp_path / "cache", entries)
    counted.clear()
    assert facts_of(root, options) == expected
    assert len(counted) == 2
    counted.clear()
    assert facts_of(root, options) == expected and counted == []  # the damaged entries rewritten


@pytest.mark.parametrize("damage", [b"", b"\x80\x05 torn", msgspec.msgpack.encode(["not", "a", "dict"]), msgspec.msgpack.encode({"k": 1})])
def test_a_corrupt_cache_file_is_a_cold_cache(tmp_path: Path, counted: list[str], damage: bytes) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    expected = facts_of(root, options)
    for shard in (tmp_path / "cache").glob("facts-?.msgpack"):
        shard.write_bytes(damage)
    counted.clear()
    assert facts_of(root, options) == expected and len(counted) == 3


def test_entries_of_files_gone_drop_out(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    options = ScanOptions(cache_dir=tmp_path / "cache")
    facts_of(root, options)
    (root / "app" / "legacy.py").unlink()
    facts_of(root, options)
    assert len(stored_facts(tmp_path / "cache")) == 2


def test_an_unwritable_cache_costs_speed_not_the_run(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert len(facts_of(root, ScanOptions(cache_dir=blocker))) == 3


def test_parallel_analysis_equals_serial(corpus: Path) -> None:
    serial = facts_of(corpus, ScanOptions(jobs=1))
    assert len(serial) > scan_module.PARALLEL_THRESHOLD * 2
    assert facts_of(corpus, ScanOptions(jobs=2)) == serial


def test_last_name_shortcut_changes_no_finding_on_the_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["check", ".", "--today", "2026-06-01", "--format", "json", "--no-cache", "--jobs", "1"]
    fast = run(args, corpus)
    assert fast.exit_code == 1 and len(fast.json()) > 50
    monkeypatch.setattr(Matcher, "ends_a_pattern", lambda self, name: True)
    assert run(args, corpus).stdout == fast.stdout


def test_cli_caches_at_the_project_root_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAGKEEPER_CACHE_DIR", raising=False)
    root = small_project(tmp_path)
    assert run(["inventory", ".", "--no-cache"], root).exit_code == 0
    assert not (root / ".flagkeeper_cache").exists()
    assert run(["inventory", "."], root).exit_code == 0
    assert (root / ".flagkeeper_cache" / "CACHEDIR.TAG").is_file()
    assert run(["inventory", ".", "--cache-dir", str(tmp_path / "elsewhere")], root).exit_code == 0
    assert len(stored_facts(tmp_path / "elsewhere")) == 3
    monkeypatch.setenv("FLAGKEEPER_NO_CACHE", "1")
    assert run(["inventory", ".", "--cache-dir", str(tmp_path / "not-written")], root).exit_code == 0
    assert not (tmp_path / "not-written").exists()


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    result = run(["check", ".", "--jobs", "0"], small_project(tmp_path))
    assert result.exit_code == 2 and "--jobs" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bar_only_on_a_terminal(corpus: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    files = facts_of(corpus, ScanOptions(jobs=1, progress=True))
    shown = stderr.getvalue()
    scripts = [path for path in (corpus / "frontend").rglob("*") if path.suffix in (".ts", ".tsx")]
    if terminal:  # the frontend's TypeScript is analysed too
        assert f"Analysing {len(files) + len(scripts)} files" in shown and "100%" in shown
    else:
        assert shown == ""


@pytest.fixture
def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time the rules really run (rather than their findings coming from the cache)."""
    import flagkeeper.checks.runner as checks

    ran: list[int] = []
    original = checks.run_checks

    def counting(*args: object, **kwargs: object) -> object:
        ran.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "run_checks", counting)
    return ran


REGISTRY = '[flags.new_checkout]\nowner = "payments"\ntype = "release"\nexpires = 2026-09-30\n'


@pytest.mark.parametrize(
    ("change", "reruns"),
    [
        (lambda root: None, False),
        (lambda root: (root / "flags.toml").write_text(REGISTRY.replace("2026-09-30", "2026-01-31")), True),
        (lambda root: (root / "web" / "app.ts").write_text("isOn('old_pricing')\n"), True),
        (lambda root: (root / "flagkeeper.toml").write_text('rule-packs = ["launchdarkly", "inhouse.toml"]\nflags-off = ["new_checkout"]\n'), True),
        (lambda root: (root / "app" / "legacy.py").write_text("def run():\n    return 1\n"), True),
    ],
    ids=["nothing", "registry", "text file", "config", "python file"],
)
def test_check_findings_are_cached_until_an_input_changes(tmp_path: Path, checks_run: list[int], change: Callable[[Path], object], reruns: bool) -> None:
    root = small_project(tmp_path)
    (root / "flags.toml").write_text(REGISTRY)
    (root / "web").mkdir()
    (root / "web" / "app.ts").write_text("// no flags here\n")
    args = ["check", ".", "--format", "json", "--today", "2026-06-01", "--cache-dir", str(tmp_path / "cache")]
    first = run(args, root)
    assert checks_run == [1]
    change(root)
    again = run(args, root)
    assert checks_run == ([1, 1] if reruns else [1])
    if not reruns:
        assert (again.exit_code, again.stdout) == (first.exit_code, first.stdout)
    assert run([*args[:-2], "--no-cache"], root).stdout == again.stdout  # the cache never changes a finding


def test_check_findings_are_cached_per_date_and_rule_selection(tmp_path: Path, checks_run: list[int]) -> None:
    root = small_project(tmp_path)
    args = ["check", ".", "--format", "json", "--cache-dir", str(tmp_path / "cache")]
    for extra in (["--today", "2026-06-01"], ["--today", "2026-06-02"], ["--today", "2026-06-02", "--select", "FK001"]):
        run([*args, *extra], root)
    assert checks_run == [1, 1, 1]


def test_only_recent_check_runs_are_kept(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    for day in range(1, 12):
        run(["check", ".", "--today", f"2026-06-{day:02}", "--cache-dir", str(tmp_path / "cache")], root)
    assert len(list((tmp_path / "cache" / "runs").iterdir())) == RECENT_RUNS


def test_concurrent_runs_share_a_cache_safely(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    command = [sys.executable, "-m", "flagkeeper", "check", ".", "--format", "json", "--today", "2026-06-01", "--cache-dir", str(tmp_path / "cache")]
    runs = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = {(run.wait(), run.stdout.read() if run.stdout else "") for run in runs}
    assert len(outputs) == 1 and next(iter(outputs))[0] == 1  # the same findings, whoever wrote the cache
    assert not list((tmp_path / "cache").rglob(".*.tmp"))  # no temporary file left behind
    assert len(stored_facts(tmp_path / "cache")) == 3

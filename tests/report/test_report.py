"""`flagkeeper report`: the quarterly cleanup report on the SMARS example (golden files), over two
quarters of a small storefront (the trend), and on bad input (one line, exit 2).

FLAGKEEPER_UPDATE_GOLDEN=1 rewrites the golden files (review the diff).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from flagkeeper.report.charts import nice_ticks
from tests.conftest import FIXTURES, REPO, Result, assert_golden, run

# --no-links: the goldens must not depend on the checkout's git remote and commit.
SMARS = ["report", "examples/smars_legacy", "--today", "2012-08-01", "--no-links"]
STOREFRONT = FIXTURES / "report" / "storefront"


def test_markdown_on_smars_is_golden() -> None:
    result = run([*SMARS, "--format", "markdown"], REPO)
    assert result.exit_code == 0
    assert_golden("smars_legacy_report.md", result.stdout)


def test_json_on_smars_is_golden() -> None:
    result = run([*SMARS, "--format", "json"], REPO)
    assert result.exit_code == 0
    assert_golden("smars_legacy_report.json", result.stdout)


def test_smars_headline_counts_the_flag_debt() -> None:
    report = run([*SMARS, "--format", "json"], REPO).json()
    assert report["schema"] == 1 and report["quarter"] == "2012Q3"
    assert report["headline"] == {
        "flags_in_code": 7, "registered": 7, "expired": 3, "unowned": 2, "retired_key_reuses": 1,
        "zombie_modules": 3, "removable": 2, "dead_lines": 173, "needing_action": 5, "flags": 8, "healthy": 3,
    }  # fmt: skip
    # Healthy: owned, registered, in date, read, and able to change: the kill switch, dark_pool_ioc and inet_routing.
    assert report["health"] == 38 and sorted(flag["key"] for flag in report["flags"] if flag["healthy"]) == [
        "dark_pool_ioc", "inet_routing", "smars_kill_switch",
    ]  # fmt: skip
    flags = {flag["key"]: flag for flag in report["flags"]}
    # Expired, and no service state says which value it keeps: the report does not guess one.
    assert flags["odd_lot_sweep"]["actions"][0] == {
        "kind": "remove", "command": "decide the value it keeps, then `flagkeeper remove odd_lot_sweep --value VALUE`",
        "reason": "expired on 2011-03-31; no service state says which value it serves",
    }  # fmt: skip
    assert flags["odd_lot_sweep"]["overdue_days"] == 489 and flags["odd_lot_sweep"]["files"] == 2
    # The reused Power Peg key is not "removable": removing it would delete the new RLP code too.
    assert [action["kind"] for action in flags["peg_enabled"]["actions"]] == ["new-key"]
    assert {action["kind"] for action in flags["legacy_odd_lot_router"]["actions"]} == {"remove", "extend", "assign-owner"}
    assert flags["nyse_lrp_cap"]["owner"] is None and flags["nyse_lrp_cap"]["actions"][0]["kind"] == "register"
    assert flags["arca_midpoint_peg"]["actions"][0]["kind"] == "retire"
    assert "power_peg" not in flags  # a tombstone nobody reads is not a flag


def test_markdown_is_github_tables_without_html() -> None:
    text = run([*SMARS, "--format", "markdown"], REPO).stdout
    assert re.search(r"</?[a-zA-Z][^>]*>", text) is None
    assert "### (unowned) (2)" in text and "| `legacy_odd_lot_router` | operational | 1633 days | 2008-02-18 | 1626 days |" in text


def test_html_is_one_self_contained_page_without_scripts() -> None:
    page = run([*SMARS, "--format", "html"], REPO).stdout
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page and "@media print" in page
    # Nothing fetched: no src, no stylesheet link, no url() but a pattern of the page's own (#id); links (<a href>) are not fetched.
    assert "<script" not in page.lower() and not re.search(r"""src=|<link|url\((?!#)|@import""", page)
    assert 'id="chart-age"' in page and 'id="chart-expired"' in page and 'id="chart-trend"' not in page
    assert page.count('role="img"') == 2


def test_html_escapes_what_the_registry_and_code_say(tmp_path: Path) -> None:
    shutil.copytree(STOREFRONT, tmp_path / "shop")
    registry = tmp_path / "shop" / "flags.toml"
    registry.write_text(registry.read_text(encoding="utf-8").replace('owner = "growth"', 'owner = "<b>growth</b> & co"'), encoding="utf-8")
    page = run(["report", "shop", "--today", "2026-07-01", "--format", "html"], tmp_path).stdout
    assert "<b>growth" not in page and "&lt;b&gt;growth&lt;/b&gt; &amp; co" in page


def test_output_writes_the_file(tmp_path: Path) -> None:
    result = run([*SMARS, "--format", "html", "--output", str(tmp_path / "report.html")], REPO)
    assert result.exit_code == 0 and result.stdout == ""
    assert "wrote the html report to" in result.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_quarter_defaults_to_the_one_today_falls_in_and_can_be_chosen() -> None:
    assert run(["report", str(STOREFRONT), "--today", "2026-12-31", "--format", "json"], REPO).json()["quarter"] == "2026Q4"
    chosen = run(["report", str(STOREFRONT), "--today", "2026-07-01", "--format", "json", "--quarter", "2026q4"], REPO).json()
    assert chosen["quarter"] == "2026Q4"
    # Flags expiring before the quarter ends need a plan: new_checkout expires on 2026-12-31.
    assert [flag["actions"][0]["kind"] for flag in chosen["flags"] if flag["key"] == "new_checkout"] == ["extend"]


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flagkeeper: error: ")
    return lines[0]


@pytest.mark.parametrize("quarter", ["2026Q5", "Q4", "2026-10", "last"])
def test_a_malformed_quarter_is_one_line(quarter: str) -> None:
    line = _one_line_error(run([*SMARS, "--quarter", quarter], REPO))
    assert f"--quarter '{quarter}' is not a quarter like 2026Q4" in line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "last.json: file not found"),
        ("{not json", "last.json:1: not a flagkeeper report JSON"),
        ('{"flags": []}', 'last.json: not a flagkeeper report JSON (written by `flagkeeper report --format json`): no "schema": 1 field'),
        ('{"schema": 1, "quarter": "2026Q2", "today": "2026-04-01"}', "last.json: not a flagkeeper report JSON (written by `flagkeeper report"),
        ('{"schema": 1, "quarter": "2026Q2", "today": "2026-04-01"}', "missing field 'flags'"),
        ('{"schema": 1, "quarter": "2026Q2", "today": "someday", "flags": [], "trend": [], "headline": {}}', "isoformat string"),
        ('{"schema": 1, "quarter": "2026Q2", "today": "2026-04-01", "flags": [], "trend": [], "headline": {"expired": "3"}}', "a headline needs"),
    ],
)  # fmt: skip
def test_a_missing_or_malformed_previous_report_is_one_line_naming_it(tmp_path: Path, content: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / "last.json").write_text(content, encoding="utf-8")
    line = _one_line_error(run(["report", str(STOREFRONT), "--previous", "last.json"], tmp_path))
    assert message in line


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    line = _one_line_error(run([*SMARS, "--output", str(tmp_path / "missing" / "report.md")], REPO))
    assert "report.md: cannot write the report" in line


# Two quarters -------------------------------------------------------------------------------------


def _next_quarter(tmp_path: Path) -> Path:
    """The storefront in 2026Q4: old_search removed with its engine, dark_mode added (unregistered)."""
    tree = tmp_path / "storefront"
    shutil.copytree(STOREFRONT, tree)
    app = tree / "shop" / "app.py"
    text = app.read_text(encoding="utf-8")
    text = text.replace("from shop import legacy_search, search", "from shop import search")
    text = text.replace('    if client.variation("old_search", user, False):\n        return legacy_search.find(query)\n', "")
    text += '\n\ndef theme(user) -> str:\n    return "dark" if client.variation("dark_mode", user, False) else "light"\n'
    app.write_text(text, encoding="utf-8")
    (tree / "shop" / "legacy_search.py").unlink()
    registry = tree / "flags.toml"
    entries = registry.read_text(encoding="utf-8").split("\n\n")
    registry.write_text("\n\n".join(entry for entry in entries if "[flags.old_search]" not in entry), encoding="utf-8")
    return tree


@pytest.fixture
def two_quarters(tmp_path: Path) -> tuple[Path, list[str]]:
    """The 2026Q3 JSON report written, and the arguments of the 2026Q4 report that reads it."""
    assert run(["report", str(STOREFRONT), "--today", "2026-07-01", "--format", "json", "--output", "q3.json"], tmp_path).exit_code == 0
    tree = _next_quarter(tmp_path)
    return tmp_path, ["report", str(tree), "--today", "2026-10-15", "--previous", "q3.json"]


def test_json_over_two_quarters_shows_the_trend(two_quarters: tuple[Path, list[str]]) -> None:
    folder, args = two_quarters
    report = run([*args, "--format", "json"], folder).json()
    assert report["changes"] == {
        "quarter": "2026Q3", "today": "2026-07-01", "added": ["dark_mode"], "removed": ["old_search"],
        "newly_expired": ["beta_banner"], "debt": {"previous": 2, "current": 3, "change": 1},
    }  # fmt: skip
    assert [(point["quarter"], point["headline"]["needing_action"], point["headline"]["zombie_modules"]) for point in report["trend"]] == [
        ("2026Q3", 2, 1), ("2026Q4", 3, 0),
    ]  # fmt: skip


def test_markdown_over_two_quarters_says_debt_went_up(two_quarters: tuple[Path, list[str]]) -> None:
    folder, args = two_quarters
    text = run([*args, "--format", "markdown"], folder).stdout
    assert "## Since 2026Q3 (report of 2026-07-01)" in text
    assert "Flag debt went up since 2026Q3: 3 flags need action, 2 did then (+1)." in text
    assert "| Zombie modules | 1 | 0 | −1 |" in text
    assert "- Added: `dark_mode`\n- Removed: `old_search`\n- Newly expired: `beta_banner`" in text


def test_html_over_two_quarters_draws_the_trend(two_quarters: tuple[Path, list[str]]) -> None:
    folder, args = two_quarters
    page = run([*args, "--format", "html"], folder).stdout
    trend = page.split('<svg id="chart-trend"', 1)[1].split("</svg>", 1)[0]
    assert "<title>Flags that need action, 2026Q3: 2</title>" in trend and "<title>Flags that need action, 2026Q4: 3</title>" in trend
    by_type = page.split('<svg id="chart-trend-types"', 1)[1].split("</svg>", 1)[0]
    assert "<title>release, 2026Q3: 1</title>" in by_type and "<title>unregistered, 2026Q4: 1</title>" in by_type


def test_the_trend_carries_forward_and_debt_can_go_down(two_quarters: tuple[Path, list[str]]) -> None:
    folder, args = two_quarters
    assert run([*args, "--format", "json", "--output", "q4.json"], folder).exit_code == 0
    tree = Path(args[1])
    (tree / "flags.toml").write_text(
        (tree / "flags.toml").read_text(encoding="utf-8")
        + '\n[flags.dark_mode]\nowner = "design"\ntype = "release"\ncreated = 2026-10-01\nexpires = 2027-06-30\n',
        encoding="utf-8",
    )
    report = run(["report", str(tree), "--today", "2027-01-05", "--previous", "q4.json", "--format", "json"], folder).json()
    assert [point["quarter"] for point in report["trend"]] == ["2026Q3", "2026Q4", "2027Q1"]
    assert report["changes"]["debt"] == {"previous": 3, "current": 2, "change": -1}
    text = run(["report", str(tree), "--today", "2027-01-05", "--previous", "q4.json"], folder).stdout
    assert "Flag debt went down since 2026Q4: 2 flags need action, 3 did then (−1)." in text


def test_json_is_what_the_documentation_describes() -> None:
    """Every field of the JSON is documented in docs/report-format.md."""
    report = run([*SMARS, "--format", "json"], REPO).json()
    documented = (REPO / "docs" / "report-format.md").read_text(encoding="utf-8")
    fields = set(report) | set(report["headline"]) | set(report["flags"][0]) | set(report["flags"][0]["actions"][0])
    fields |= set(report["zombie_modules"][0]) | set(report["trend"][0]) | set(report["fix_first"][0])
    assert sorted(name for name in fields if f"`{name}`" not in documented) == []
    assert json.dumps(report["headline"]) == json.dumps(report["trend"][-1]["headline"])


def test_chart_scales_step_in_ones_twos_and_fives() -> None:
    assert nice_ticks(0) == [0, 1] and nice_ticks(6) == [0, 2, 4, 6] and nice_ticks(158) == [0, 50, 100, 150, 200]


# Edge cases ---------------------------------------------------------------------------------------

EDGES = {
    "flagkeeper.toml": 'entry-points = ["app"]\n',
    "app.py": 'import ldclient\n\nif ldclient.get().variation("fast_path", ctx, False):\n    pass\nelse:\n    slow = True\n',
    "deploy.yaml": "enabled: [old_banner]\n",
    "flags.toml": (
        '[flags.fast_path]\nowner = "core"\ntype = "release"\ncreated = 2026-01-05\nexpires = 2026-02-01\nstate = "on"\n\n'
        '[flags.old_banner]\nowner = "growth"\ntype = "experiment"\ncreated = 2025-12-01\n\n'
        '[retired.power_peg]\nretired = 2003-06-30\nmeaning = "Power Peg"\n'
    ),
}  # fmt: skip


def test_stuck_flags_get_the_value_they_are_stuck_at(project: Callable[[dict[str, str]], Path]) -> None:
    folder = project(EDGES)
    report = run(["report", "--today", "2026-06-01", "--format", "json"], folder).json()
    flags = {flag["key"]: flag for flag in report["flags"]}
    assert set(flags) == {"fast_path", "old_banner"}  # the tombstone nobody reads is not a flag
    # Declared on for good: removing it keeps the `on` branch; no "extend", the state says it stays.
    assert [(action["kind"], action["command"]) for action in flags["fast_path"]["actions"]] == [("remove", "flagkeeper remove fast_path --value true")]
    assert flags["fast_path"]["dead_lines"] == 1  # the else branch
    # Expired and mentioned only in a deploy file: nothing in Python to remove, so retire it.
    assert flags["old_banner"]["actions"] == [
        {"kind": "retire", "command": 'flagkeeper registry retire old_banner --meaning "..."', "reason": "expired on 2026-01-10; no Python code reads it"}
    ]  # fmt: skip


def test_a_project_without_flags_says_so(project: Callable[[dict[str, str]], Path]) -> None:
    folder = project({"app.py": "print('hello')\n"})
    text = run(["report", "--today", "2026-06-01"], folder).stdout
    assert "None: every flag is owned, registered, in date and read." in text
    page = run(["report", "--today", "2026-06-01", "--format", "html"], folder).stdout
    assert "No flags in code or registry." in page and "No expired flags." in page and 'id="chart-age"' in page


def test_each_rule_runs_once_per_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """FK003 feeds both the flag rows and the Fix-first list: one run of it serves both."""
    from flagkeeper.checks.fk003_retired_key_reused import RetiredKeyReusedRule

    calls: list[str] = []
    check = RetiredKeyReusedRule.check
    monkeypatch.setattr(RetiredKeyReusedRule, "check", lambda self, project: calls.append("FK003") or check(self, project))
    report = run([*SMARS, "--format", "json"], REPO).json()
    assert calls == ["FK003"]
    assert report["headline"]["retired_key_reuses"] == 1 and any(risk["code"] == "FK003" for risk in report["fix_first"])

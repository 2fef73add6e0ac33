"""The report as a lead reads it: every number defined on the page, a ranked Fix-first list, charts
whose series never share a look, links into the code host, and templates an organisation can replace.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import REPO, Result, run, write_tree

SMARS = ["report", "examples/smars_legacy", "--today", "2012-08-01", "--no-links"]
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "source", "wbr"}
# Not counts: dates, quarters, rule codes, and what sits in code, in a chart (its own <desc>) or a definition.
NOT_A_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}Q[1-4]|FK\d{3}")
EXEMPT_TAGS = {"code", "svg", "style", "title", "dd"}


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[_Node | str] = []

    def ancestors(self) -> list[_Node]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)


class _Tree(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.root = self.current = _Node("#document", {}, None)
        self.by_id: dict[str, _Node] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(node)
        if "id" in node.attrs:
            self.by_id[node.attrs["id"]] = node
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _column_header(cell: _Node) -> _Node | None:
    """The <th> over a <td>: same position in the table's header row."""
    row = cell.parent
    table = next((node for node in cell.ancestors() if node.tag == "table"), None)
    if row is None or table is None:
        return None
    index = [child for child in row.children if isinstance(child, _Node)].index(cell)
    header = next(node for node in _walk(table) if node.tag == "thead")
    first_row = next(child for child in header.children if isinstance(child, _Node))
    return [child for child in first_row.children if isinstance(child, _Node)][index]


def _walk(node: _Node) -> list[_Node]:
    found = [node]
    for child in node.children:
        if isinstance(child, _Node):
            found += _walk(child)
    return found


def _definition(node: _Node, tree: _Tree) -> str | None:
    """The text that defines a number shown in `node`: through data-def on it, an ancestor or its column's header."""
    for ancestor in node.ancestors():
        target = ancestor.attrs.get("data-def")
        if target is None and ancestor.tag == "td":
            header = _column_header(ancestor)
            target = header.attrs.get("data-def") if header is not None else None
        if target is not None:
            defined = tree.by_id.get(target)
            return defined.text().strip() if defined is not None else f"(no element #{target})"
    return None


def undefined_numbers(page: str) -> list[str]:
    tree = _Tree(page)
    problems = []
    for node in _walk(tree.root):
        if {ancestor.tag for ancestor in node.ancestors()} & EXEMPT_TAGS or "def" in node.attrs.get("class", "").split():
            continue
        for child in node.children:
            if isinstance(child, str) and re.search(r"\d", NOT_A_NUMBER.sub("", child)):
                definition = _definition(node, tree)
                if definition is None or definition.startswith("(no element") or len(definition) < 15:
                    problems.append(f"{child.strip()!r} in <{node.tag}>: {definition}")
    return problems


def test_every_number_on_the_smars_page_is_defined_on_it() -> None:
    page = run([*SMARS, "--format", "html"], REPO).stdout
    assert undefined_numbers(page) == []
    # The check finds an undefined number: the same page with one definition taken away.
    assert undefined_numbers(page.replace('id="def-expired"', 'id="gone"')) == ["'3' in <div>: (no element #def-expired)"]


def test_the_top_of_the_page_has_the_summary_health_and_fix_first() -> None:
    page = run([*SMARS, "--format", "html"], REPO).stdout
    top = page.split('<section class="tiles"', 1)[0]
    assert "flag health is <span" in top and ">38%</span>" in top and "Healthy flags ÷ all flags × 100" in top
    codes = re.findall(r"<code>(FK\d{3})</code> [a-z-]+", top.split('id="fix-first"', 1)[1])
    assert codes[:4] == ["FK003", "FK003", "FK010", "FK004"] and codes[4:7] == ["FK007"] * 3 and codes[7:] == ["FK006", "FK006"]


def test_fix_first_ranks_findings_with_their_fix_and_blast_radius() -> None:
    risks = run([*SMARS, "--format", "json"], REPO).json()["fix_first"]
    first = risks[0]
    assert (first["code"], first["severity"], first["key"], first["path"], first["line"]) == ("FK003", "critical", "peg_enabled", "smars/rlp/rlp_router.py", 31)
    # The reused key can switch on the lines it guards and the zombie modules only it reaches.
    assert first["lines"] == 6 + 5 + 126 + 32 and "flagkeeper remove peg_enabled --value false" in first["fix"]
    zombies = [(risk["path"], risk["lines"]) for risk in risks if risk["code"] == "FK007"]
    assert zombies == [("smars/algos/power_peg.py", 126), ("smars/rlp/eligibility.py", 32), ("smars/algos/__init__.py", 5)]


def test_owners_come_in_order_of_the_debt_they_hold() -> None:
    text = run([*SMARS, "--format", "markdown"], REPO).stdout
    owners = re.findall(r"^### (.+) \((\d+)\)$", text, re.MULTILINE)
    assert owners == [("equities-routing", "2"), ("(unowned)", "2"), ("venue-connectivity", "1")]


def test_fleet_drift_joins_fix_first_when_manifests_are_given() -> None:
    risks = run([*SMARS, "--format", "json", "--fleet", "examples/smars_legacy/deploy/servers"], REPO).json()["fix_first"]
    drift = [risk for risk in risks if risk["code"] == "FK011"]
    assert drift and all(risk["severity"] == "critical" for risk in drift) and drift[0]["path"].endswith(".toml")


# Charts -------------------------------------------------------------------------------------------

TYPES = ("release", "experiment", "operational", "kill-switch", "permission", "ops", "canary", "rollout", "migration", "beta", "holdout", "entitlement")


def _series_looks(page: str, chart_id: str) -> dict[str, tuple[str, str]]:
    """Series name -> (colour, pattern) of its legend key, patterns read from the chart's <defs>."""
    svg = page.split(f'<svg id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
    patterns = {found[0]: (found[1], found[2]) for found in re.findall(r'<pattern id="([^"]+)" data-colour="([^"]+)" data-pattern="([^"]+)"', svg)}
    looks = {}
    for name, fill in re.findall(r'<rect class="key" data-series="([^"]+)"[^>]* fill="([^"]+)"', svg):
        looks[name] = patterns[fill[5:-1]] if fill.startswith("url(#") else (fill, "solid")
    return looks


def test_twelve_flag_types_never_share_a_colour_in_a_chart(project: Callable[[dict[str, str]], Path]) -> None:
    # Types the registry does not know are FK008's business; the report still counts each by its type.
    files = {"flagkeeper.toml": 'entry-points = ["app"]\n', "app.py": "import flags\n"}
    registry = [f'[flags.f{index}]\nowner = "team{index % 3}"\ntype = "{name}"\ncreated = 2026-0{1 + index % 5}-01\n' for index, name in enumerate(TYPES)]
    files["flags.toml"] = "\n".join(registry)
    folder = project(files)
    page = run(["report", "--today", "2026-07-01", "--format", "html", "--no-links"], folder).stdout
    looks = _series_looks(page, "chart-age")
    assert len(looks) == 12 and len(set(looks.values())) == 12
    # Past the eight colours (five registry types, unregistered, no type, the first measure): stripes, then dots.
    assert [looks[name][1] for name in ("release", "permission", "beta", "rollout")] == ["solid", "solid", "stripes", "dots"]
    # The bar chart's "expired" has a look of its own, no type's: a colour means one thing on the page.
    expired = re.search(r'<svg id="chart-expired".*?<rect x="160"[^>]* fill="url\(#chart-expired-(\w+)-(\w+)\)"', page, re.DOTALL)
    assert expired is not None and (f"#{expired.group(2).upper()}", expired.group(1)) not in looks.values()


def test_debt_that_went_nowhere_is_not_shown_as_good(tmp_path: Path) -> None:
    store = REPO / "tests" / "fixtures" / "report" / "storefront"
    assert run(["report", str(store), "--today", "2026-07-01", "--format", "json", "--output", "q3.json"], tmp_path).exit_code == 0
    page = run(["report", str(store), "--today", "2026-07-02", "--previous", "q3.json", "--format", "html"], tmp_path).stdout
    assert '<p class="neutral"><strong>Flag debt went nowhere' in page


# Templates ----------------------------------------------------------------------------------------


def test_a_template_folder_replaces_the_shipped_templates_by_name(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("body { font-family: 'Acme Sans'; }\n", encoding="utf-8")
    own = "# {{ report.project }}: {{ headline.needing_action }} flags for {{ report.by_owner() | length }} owners\n"
    (tmp_path / "report.md.j2").write_text(own, encoding="utf-8")
    page = run([*SMARS, "--format", "html", "--template", str(tmp_path)], REPO).stdout
    assert "font-family: 'Acme Sans'" in page and "Fix first" in page  # our page, their style
    assert run([*SMARS, "--template", str(tmp_path)], REPO).stdout == "# smars_legacy: 5 flags for 3 owners\n"


def _error(result: Result) -> str:
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("flagkeeper: error: ")
    return result.stderr.strip()


def test_a_broken_template_is_one_line_naming_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("# title\n{% for x in %}\n", encoding="utf-8")
    assert re.search(r"report\.md\.j2:2: template error: ", _error(run([*SMARS, "--template", str(tmp_path)], REPO)))
    (tmp_path / "report.md.j2").write_text("{{ report.no_such_thing }}\n", encoding="utf-8")
    assert "template error: 'flagkeeper.report.data.Report object' has no attribute 'no_such_thing'" in _error(run([*SMARS, "--template", str(tmp_path)], REPO))


def test_html_is_escaped_also_through_the_templates(project: Callable[[dict[str, str]], Path]) -> None:
    folder = project({"app.py": "import flags\n", "flags.toml": '[flags.x]\nowner = "<script>alert(1)</script>"\ntype = "release"\ncreated = 2026-01-01\n'})
    page = run(["report", "--today", "2026-07-01", "--format", "html"], folder).stdout
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Links --------------------------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> str:
    environment = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                   "HOME": str(folder), "PATH": "/usr/bin:/bin"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True, env=environment).stdout.strip()


LINKED = {
    "flagkeeper.toml": 'entry-points = ["app"]\n',
    "app.py": 'import ldclient\n\nif ldclient.get().variation("new_checkout", ctx, False):\n    pass\n',
    "flags.toml": '[retired.new_checkout]\nretired = 2020-01-01\nmeaning = "the old checkout"\n',
}


def test_file_references_link_to_the_commit_on_the_code_host(tmp_path: Path) -> None:
    repository = write_tree(tmp_path / "repo", {"shop/" + name: text for name, text in LINKED.items()})
    _git(repository, "init", "-q")
    _git(repository, "remote", "add", "origin", "git@github.com:acme/shop.git")
    _git(repository, "add", ".")
    _git(repository, "commit", "-qm", "start")
    commit = _git(repository, "rev-parse", "HEAD")
    url = f"https://github.com/acme/shop/blob/{commit}/shop/app.py#L3"
    page = run(["report", "shop", "--today", "2026-07-01", "--format", "html"], repository).stdout
    assert f'<a href="{url}"><code>app.py:3</code></a>' in page
    assert f"[`app.py:3`]({url})" in run(["report", "shop", "--today", "2026-07-01"], repository).stdout
    own = run(["report", "shop", "--today", "2026-07-01", "--link-template", "https://code.acme/{commit}/{path}?line={line}"], repository).stdout
    assert f"(https://code.acme/{commit}/shop/app.py?line=3)" in own
    assert "https://" not in run(["report", "shop", "--today", "2026-07-01", "--no-links"], repository).stdout


def test_project_urls_name_the_host_and_without_git_nothing_links(project: Callable[[dict[str, str]], Path]) -> None:
    folder = project({**LINKED, "pyproject.toml": '[project]\nname = "shop"\n[project.urls]\nSource = "https://gitlab.com/acme/shop"\n'})
    assert "](https://" not in run(["report", "--today", "2026-07-01"], folder).stdout  # not pinned to a commit: no link
    _git(folder, "init", "-q")
    _git(folder, "add", ".")
    _git(folder, "commit", "-qm", "start")
    assert f"(https://gitlab.com/acme/shop/-/blob/{_git(folder, 'rev-parse', 'HEAD')}/app.py#L3)" in run(["report", "--today", "2026-07-01"], folder).stdout


def test_a_link_template_with_an_unknown_placeholder_is_one_line() -> None:
    line = _error(run([*SMARS, "--link-template", "https://host/{repo}/{path}"], REPO))
    assert "--link-template 'https://host/{repo}/{path}': unknown placeholder {repo}" in line


def test_a_report_json_older_than_flag_health_still_serves_as_previous(tmp_path: Path) -> None:
    store = REPO / "tests" / "fixtures" / "report" / "storefront"
    assert run(["report", str(store), "--today", "2026-07-01", "--format", "json", "--output", "q3.json"], tmp_path).exit_code == 0
    old = json.loads((tmp_path / "q3.json").read_text(encoding="utf-8"))
    for headline in [old["headline"], *(point["headline"] for point in old["trend"])]:
        del headline["flags"], headline["healthy"]
    for point in old["trend"]:
        del point["debt_by_type"]
    (tmp_path / "q3.json").write_text(json.dumps(old), encoding="utf-8")
    text = run(["report", str(store), "--today", "2026-10-15", "--previous", "q3.json"], tmp_path).stdout
    assert "flag health is 50%;" in text and "**Flag health: 50%** (2026Q3: –)." in text  # nothing to compare with


def test_a_template_that_fails_as_it_runs_or_reaches_for_internals_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("# title\n\n{{ headline.expired + 'x' }}\n", encoding="utf-8")
    assert re.search(r"report\.md\.j2:3: template error: unsupported operand", _error(run([*SMARS, "--template", str(tmp_path)], REPO)))
    # The sandbox: a template folder from a repository under review cannot reach Python's internals.
    (tmp_path / "report.md.j2").write_text("{{ report.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    assert "template error: " in _error(run([*SMARS, "--template", str(tmp_path)], REPO))


def test_the_page_lists_the_worst_fifteen_and_counts_the_rest(project: Callable[[dict[str, str]], Path]) -> None:
    orphans = {f"orphan{index:02}.py": "x = 1\n" * (index + 1) for index in range(17)}
    folder = project({"flagkeeper.toml": 'entry-points = ["app"]\n', "app.py": "import os\n", **orphans})
    text = run(["report", "--today", "2026-07-01"], folder).stdout
    assert "| 15 | medium | FK006 unreachable-module | – | `orphan02.py:1` | 3 | Delete the module" in text and "\n| 16 |" not in text
    assert "And 2 more of lower rank: `flagkeeper check --select FK006` lists them." in text
    assert len(run(["report", "--today", "2026-07-01", "--format", "json"], folder).json()["fix_first"]) == 17
    page = run(["report", "--today", "2026-07-01", "--format", "html"], folder).stdout
    assert undefined_numbers(page) == [] and "<p>And <span" in page

"""An attacker's checkout against every output: hostile flag keys and file names, and symlinks at the output paths.

Keys and file names come from the scanned code, which in CI is a pull request anyone can
write. Whatever they hold, no format lets them write lines of their own, send control
sequences to the terminal, inject GitHub workflow commands, add Graphviz attributes, break
XML or start a spreadsheet formula; and no output is written through a link the checkout
committed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import run, write_tree

NEWLINE_KEY = "a\n::error file=x.py::pwned"
STOP_KEY = "b\n::stop-commands::token"
ESC_KEY = "\x1b[2J\x1b]0;title\x07"
QUOTE_KEY = 'k", URL="javascript:alert(1)'
FORMULA_KEY = "=HYPERLINK(1)"
HOSTILE_FILE = "app/evil\x1b[31m\nname.py"

MAIN = f"""\
import flags
from app import helper, quoted

for key in ({NEWLINE_KEY!r}, {STOP_KEY!r}, {ESC_KEY!r}, {FORMULA_KEY!r}):
    pass
if flags.is_enabled({NEWLINE_KEY!r}):
    helper.run()
if flags.is_enabled({STOP_KEY!r}):
    pass
if flags.is_enabled({ESC_KEY!r}):
    pass
if flags.is_enabled({QUOTE_KEY!r}):
    quoted.run()
if flags.is_enabled({FORMULA_KEY!r}):
    pass
"""

FILES = {
    "flagkeeper.toml": 'registry = "flags.toml"\nentry-points = ["app.main"]\n',
    "flags.toml": '[flags."=owner"]\nowner = "@evil"\ntype = "release"\ncreated = 2026-01-01\nexpires = 2026-12-31\ndescription = "x"\n',
    "app/__init__.py": "",
    "app/main.py": MAIN,
    "app/helper.py": "def run():\n    pass\n",
    "app/quoted.py": "def run():\n    pass\n",
    HOSTILE_FILE: "import flags\nif flags.is_enabled('@SUM(1)'):\n    pass\n",
}
FINDINGS = 8  # five FK001 in main.py, FK001 and FK006 in the hostile file, FK005 for the unread "=owner"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "checkout", FILES)


def _no_control_characters(text: str) -> None:
    """Nothing a terminal acts on: only printable characters and the line breaks the format itself writes."""
    assert all(line.isprintable() for line in text.split("\n")), [line for line in text.split("\n") if not line.isprintable()]


def test_text_shows_keys_and_file_names_with_repr_escapes(checkout: Path) -> None:
    result = run(["check", ".", "--today", "2026-02-01"], checkout)
    assert result.exit_code == 1
    _no_control_characters(result.stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == FINDINGS + 1  # a key with a newline writes no line of its own
    assert all(re.match(r"(app/|flags\.toml:|Found )", line) for line in lines), lines
    assert r"flag 'a\n::error file=x.py::pwned' is read here" in result.stdout
    assert r"flag '\x1b[2J\x1b]0;title\x07' is read here" in result.stdout
    assert r"app/evil\x1b[31m\nname.py:2:4: FK001" in result.stdout


def test_github_writes_only_our_own_workflow_commands(checkout: Path) -> None:
    result = run(["check", ".", "--today", "2026-02-01", "--format", "github"], checkout)
    _no_control_characters(result.stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == FINDINGS
    assert all(re.match(r"::(error|warning) file=[^:]*,line=\d+,col=\d+,title=FK\d{3} [a-z-]+::", line) for line in lines), lines
    assert not any("::stop-commands::" in line.split("::", 2)[1] for line in lines)
    assert "flag 'a%0A::error file=x.py::pwned'" in result.stdout and "file=app/evil\\x1b[31m%0Aname.py," in result.stdout


def test_junit_is_valid_xml_with_hostile_file_names(checkout: Path) -> None:
    result = run(["check", ".", "--today", "2026-02-01", "--format", "junit"], checkout)
    root = ET.fromstring(result.stdout)
    classnames = [case.get("classname", "") for case in root.iter("testcase")]
    assert "app/evil\ufffd[31m\nname.py" in classnames
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("output_format", ["json", "sarif", "gitlab"])
def test_json_formats_escape_control_characters(checkout: Path, output_format: str) -> None:
    result = run(["check", ".", "--today", "2026-02-01", "--format", output_format], checkout)
    _no_control_characters(result.stdout)
    assert any(ESC_KEY in text for text in _strings(result.json()))  # escaped in the document, the same key when read back


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [text for value in data.values() for text in _strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in _strings(value)]
    return [data] if isinstance(data, str) else []


def test_csv_cells_cannot_start_a_formula(checkout: Path) -> None:
    result = run(["inventory", ".", "--format", "csv"], checkout)
    _no_control_characters(result.stdout)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["key"] for row in rows} >= {"'=HYPERLINK(1)", "'@SUM(1)", "'==owner"[1:] and "'=owner"}
    assert [row["owner"] for row in rows if row["key"] == "'=owner"] == ["'@evil"]
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values() if cell), row


def test_inventory_table_and_graph_text_show_escapes(checkout: Path) -> None:
    table = run(["inventory", "."], checkout).stdout
    _no_control_characters(table)
    assert r"a\n::error file=x.py::pwned" in table
    graph = run(["graph", "."], checkout).stdout
    _no_control_characters(graph)
    assert r"app.evil\x1b[31m\nname" in graph


def test_dot_keys_cannot_add_attributes(checkout: Path) -> None:
    dot = run(["graph", ".", "--format", "dot"], checkout).stdout
    outside_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    assert set(re.findall(r"(\w+)\s*=", outside_strings)) <= {"rankdir", "shape", "fontname", "fontsize", "style", "fillcolor", "fontcolor", "color", "label"}
    assert "URL" not in outside_strings
    assert r'[label="k\", URL=\"javascript:alert(1)", style=dashed' in dot
    _no_control_characters(dot)


def test_diff_text_shows_escapes(checkout: Path, tmp_path: Path) -> None:
    before = write_tree(tmp_path / "before", {**FILES, "app/main.py": "import flags\n"})
    result = run(["diff", str(before), str(checkout)], tmp_path)
    _no_control_characters(result.stdout)
    assert r"a\n::error file=x.py::pwned" in result.stdout


# Output files: a committed symlink at the output path is replaced, never written through ---------

WRITERS = {
    "check --output-file": (["check", ".", "--output-file", "out.txt"], "out.txt"),
    "check --write-baseline": (["check", ".", "--write-baseline", "baseline.json"], "baseline.json"),
    "report --output": (["report", ".", "--output", "report.md"], "report.md"),
    "fingerprint --output": (["fingerprint", ".", "--output", "fragment.toml"], "fragment.toml"),
    "init (registry)": (["init", ".", "--force"], "flags.toml"),
    "init (config)": (["init", ".", "--force"], "flagkeeper.toml"),
}


def _plant_link(checkout: Path, tmp_path: Path, name: str) -> Path:
    """A committed symlink at `name` to a private file outside the checkout; returns that file."""
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text("# precious\n", encoding="utf-8")
    victim.chmod(0o600)
    target = checkout / name
    target.unlink(missing_ok=True)
    target.symlink_to(victim)
    return victim


# The registry is also an input: a flags.toml linked out of the project is refused before anything is written.
LINK_REPLACED = [name for name in WRITERS if name != "init (registry)"]


@pytest.mark.parametrize("writer", LINK_REPLACED)
def test_a_symlink_at_the_output_path_is_replaced_not_followed(checkout: Path, tmp_path: Path, writer: str) -> None:
    args, name = WRITERS[writer]
    victim = _plant_link(checkout, tmp_path, name)
    target = checkout / name
    result = run(args, checkout)
    assert result.exit_code in (0, 1), result.stderr
    assert victim.read_text(encoding="utf-8") == "# precious\n" and victim.stat().st_mode & 0o777 == 0o600
    assert not target.is_symlink() and target.read_text(encoding="utf-8")
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # a new file's mode, not the link target's


def test_init_refuses_a_registry_linked_out_of_the_project(checkout: Path, tmp_path: Path) -> None:
    victim = _plant_link(checkout, tmp_path, "flags.toml")
    result = run(["init", ".", "--force"], checkout)
    assert result.exit_code == 2
    assert result.stderr.endswith("'registry' names 'flags.toml', which leads outside the project root (only a path given on the command line may be)\n")
    assert victim.read_text(encoding="utf-8") == "# precious\n" and (checkout / "flags.toml").is_symlink()


@pytest.mark.parametrize("writer", [name for name in WRITERS if not name.startswith("init")])
def test_a_missing_output_folder_is_one_line_and_exit_2(checkout: Path, writer: str) -> None:
    args, name = WRITERS[writer]
    args = [f"missing/{arg}" if arg == name else arg for arg in args]
    result = run(args, checkout)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"flagkeeper: error: missing/{name}: cannot write the {_what(writer)}: No such file or directory"
    assert not (checkout / "missing").exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_a_full_disk_leaves_the_old_file_and_no_temporary(checkout: Path, writer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args, name = WRITERS[writer]
    (checkout / name).write_text("# old\n", encoding="utf-8")
    before = sorted(path.name for path in checkout.iterdir())

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = run(args, checkout)
    assert result.exit_code == 2
    # init writes its config first, so that is the file it names
    assert re.fullmatch(r"flagkeeper: error: [\w.]+: cannot write the \w+: No space left on device", result.stderr.splitlines()[-1])
    assert (checkout / name).read_text(encoding="utf-8") == "# old\n"
    assert sorted(path.name for path in checkout.iterdir()) == before


def _what(writer: str) -> str:
    return {"check --output-file": "findings", "check --write-baseline": "baseline", "report --output": "report", "fingerprint --output": "fingerprint"}[writer]

"""`flagkeeper fingerprint` and `flagkeeper fleet verify` (FK011 fleet-drift)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REPO, run, write_tree

SMARS = REPO / "examples" / "smars_legacy"


def manifest(server: str, build: str = "b1", code: str = "sha256:aaa", enabled: tuple[str, ...] = ("new_ui",),
             meanings: dict[str, str] | None = None, readers: dict[str, list[str]] | None = None, extra: str = "") -> str:  # fmt: skip
    lines = [f'server = "{server}"', f'build = "{build}"', f'code-fingerprint = "{code}"', extra, "[flags]"]
    lines.append("enabled = [" + ", ".join(f'"{key}"' for key in enabled) + "]")
    if meanings is not None:
        lines += ["[meanings]"] + [f'{key} = "{value}"' for key, value in meanings.items()]
    if readers:
        lines += ["[meanings-readers]"] + [f"{key} = {json.dumps(value)}" for key, value in readers.items()]
    return "\n".join(lines) + "\n"


def fleet(tmp_path: Path, manifests: dict[str, str]) -> Path:
    folder = tmp_path / "servers"
    folder.mkdir()
    for name, text in manifests.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


MEANINGS = {"new_ui": "sha256:m1", "halt": "sha256:k1"}


def test_all_agree(tmp_path: Path) -> None:
    folder = fleet(tmp_path, {f"s{n}.toml": manifest(f"s{n}", meanings=MEANINGS) for n in range(3)})
    result = run(["fleet", "verify", str(folder)], tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "All 3 servers agree: build b1" in result.stdout


def test_stale_build_is_named(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}") for n in range(3)}
    servers["s3.toml"] = manifest("s3", build="b0", code="sha256:old")
    result = run(["fleet", "verify", "servers"], fleet(tmp_path, servers).parent)
    assert result.exit_code == 1
    assert "servers/s3.toml:2:1: FK011 s3 runs build b0" in result.stdout
    assert "3 of 4 servers run build b1" in result.stdout


def test_same_build_other_code(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}") for n in range(3)}
    servers["s3.toml"] = manifest("s3", code="sha256:bbb")
    result = run(["fleet", "verify", "servers"], fleet(tmp_path, servers).parent)
    assert result.exit_code == 1
    assert "s3 runs build b1 with code bbb, but 3 servers of that build run code aaa" in result.stdout


def test_enabled_flag_with_another_meaning(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}", meanings=MEANINGS, readers={"new_ui": ["app.ui"]}) for n in range(3)}
    servers["s3.toml"] = manifest("s3", meanings={**MEANINGS, "new_ui": "sha256:m0"}, readers={"new_ui": ["app.legacy"]})
    result = run(["fleet", "verify", "servers", "--format", "json"], fleet(tmp_path, servers).parent)
    assert result.exit_code == 1
    [finding] = result.json()
    assert finding["path"] == "servers/s3.toml" and finding["key"] == "new_ui"
    assert "on s3 the enabled flag 'new_ui' means something else than on the other 3 servers" in finding["message"]
    assert "read by app.legacy instead of app.ui" in finding["message"]


def test_enabled_key_unknown_to_the_build(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}", meanings=MEANINGS) for n in range(2)}
    servers["s2.toml"] = manifest("s2", enabled=("new_ui", "ghost"), meanings=MEANINGS)
    result = run(["fleet", "verify", "servers"], fleet(tmp_path, servers).parent)
    assert result.exit_code == 1
    assert "flag 'ghost' is switched on on s2, but that server's build does not know it" in result.stdout


def test_kill_switch_missing_on_one_server(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}", meanings=MEANINGS) for n in range(2)}
    servers["s2.toml"] = manifest("s2", meanings={"new_ui": "sha256:m1"})
    folder = fleet(tmp_path, servers)
    write_tree(tmp_path, {"flags.toml": '[flags.halt]\nowner = "ops"\ntype = "kill-switch"\n'})
    result = run(["fleet", "verify", "servers"], folder.parent)
    assert result.exit_code == 1
    assert "kill switch 'halt' is not defined on s2" in result.stdout
    assert result.stdout.count("FK011") == 1


def test_kill_switch_listed_in_the_reference_manifest(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}", meanings=MEANINGS, extra='kill-switches = ["halt"]') for n in range(2)}
    servers["s2.toml"] = manifest("s2", meanings={"new_ui": "sha256:m1"}, extra='kill-switches = ["halt"]')
    result = run(["fleet", "verify", "servers"], fleet(tmp_path, servers).parent)
    assert result.exit_code == 1
    assert "kill switch 'halt' is not defined on s2" in result.stdout


def test_malformed_manifest_names_file_and_field(tmp_path: Path) -> None:
    folder = fleet(tmp_path, {"s1.toml": manifest("s1"), "s2.toml": 'server = "s2"\nbuild = 7\ncode-fingerprint = "x"\n'})
    result = run(["fleet", "verify", "servers"], folder.parent)
    assert result.exit_code == 2
    assert result.stderr.strip() == "flagkeeper: error: servers/s2.toml:2: invalid deploy manifest: 'build' must be a non-empty string"


def test_bad_toml_and_missing_field(tmp_path: Path) -> None:
    folder = fleet(tmp_path, {"s1.toml": "server = \n", "s2.json": '{"server": "s2", "build": "b"}'})
    result = run(["fleet", "verify", "servers/s1.toml"], folder.parent)
    assert result.exit_code == 2 and "servers/s1.toml:1: invalid TOML" in result.stderr
    result = run(["fleet", "verify", "servers/s2.json"], folder.parent)
    assert result.exit_code == 2 and "servers/s2.json: invalid deploy manifest: missing 'code-fingerprint'" in result.stderr


def test_server_listed_twice(tmp_path: Path) -> None:
    folder = fleet(tmp_path, {"a.toml": manifest("s1"), "b.toml": manifest("s1")})
    result = run(["fleet", "verify", "servers"], folder.parent)
    assert result.exit_code == 2
    assert "server 's1' is listed twice: in servers/a.toml and in servers/b.toml" in result.stderr


def test_empty_folder(tmp_path: Path) -> None:
    folder = fleet(tmp_path, {})
    result = run(["fleet", "verify", "servers"], folder.parent)
    assert result.exit_code == 2 and "no deploy manifests" in result.stderr


def test_expect(tmp_path: Path) -> None:
    servers = {f"s{n}.toml": manifest(f"s{n}") for n in range(3)}
    folder = fleet(tmp_path, servers)
    assert run(["fleet", "verify", "servers", "--expect", "b1"], folder.parent).exit_code == 0
    result = run(["fleet", "verify", "servers", "--expect", "b2", "--format", "json"], folder.parent)
    assert result.exit_code == 1
    assert [f["message"] for f in result.json()] == [f"s{n} runs build b1, not the expected build b2" for n in range(3)]


def test_json_manifests_and_json_output(tmp_path: Path) -> None:
    record = {"server": "j1", "build": "b1", "code-fingerprint": "sha256:aaa", "flags": {"enabled": ["new_ui"]}}
    folder = fleet(tmp_path, {"j1.json": json.dumps(record), "s1.toml": manifest("s1"), "s2.toml": manifest("s2", build="b0")})
    result = run(["fleet", "verify", "servers", "--format", "json"], folder.parent)
    assert result.exit_code == 1
    [finding] = result.json()
    assert set(finding) == {"code", "name", "severity", "message", "path", "line", "column", "key"}
    assert (finding["code"], finding["name"], finding["severity"], finding["path"]) == ("FK011", "fleet-drift", "error", "servers/s2.toml")


APP = {
    "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\nexpires = 2030-01-01\ndescription = "The new UI"\n',
    "app/__init__.py": "",
    "app/ui.py": 'import ldclient\n\nif ldclient.get().variation("new_ui", ctx, False):\n    pass\n',
    "app/other.py": "x = 1\n",
}


def test_fingerprint_is_deterministic(tmp_path: Path) -> None:
    first = write_tree(tmp_path / "one", APP)
    args = ["fingerprint", ".", "--build-id", "b1"]
    output = run(args, first).stdout
    assert output == run(args, first).stdout
    copy = tmp_path / "elsewhere" / "two"
    shutil.copytree(first, copy)
    assert run(args, copy).stdout == output
    assert 'build = "b1"' in output and "[meanings]" in output and "new_ui = " in output
    assert 'new_ui = ["app.ui"]' in output


def test_fingerprint_changes_with_readers_and_code(tmp_path: Path) -> None:
    before = run(["fingerprint", ".", "--build-id", "b1"], write_tree(tmp_path / "one", APP)).stdout
    moved = {**APP, "app/other.py": 'import ldclient\n\nif ldclient.get().variation("new_ui", ctx, False):\n    x = 1\n'}
    after = run(["fingerprint", ".", "--build-id", "b1"], write_tree(tmp_path / "two", moved)).stdout

    def line(text: str, start: str) -> str:
        return next(item for item in text.splitlines() if item.startswith(start))

    assert line(before, "new_ui = \"sha256:") != line(after, "new_ui = \"sha256:")
    assert line(before, "code-fingerprint") != line(after, "code-fingerprint")


def test_fingerprint_output_file_is_a_valid_manifest_fragment(tmp_path: Path) -> None:
    folder = write_tree(tmp_path / "one", APP)
    assert run(["fingerprint", ".", "--build-id", "b1", "--output", "fragment.toml"], folder).exit_code == 0
    fragment = (folder / "fragment.toml").read_text(encoding="utf-8")
    servers = fleet(tmp_path, {f"s{n}.toml": f'server = "s{n}"\n' + fragment for n in range(2)})
    assert run(["fleet", "verify", "servers"], servers.parent).exit_code == 0


def test_smars_fleet_names_smars_08_and_both_meanings() -> None:
    result = run(["fleet", "verify", "examples/smars_legacy/deploy/servers"], REPO)
    assert result.exit_code == 1, result.stderr
    findings = [line for line in result.stdout.splitlines() if "FK011" in line]
    assert findings and all(line.startswith("examples/smars_legacy/deploy/servers/smars-08.toml:") for line in findings)
    assert any("smars-08 runs build 2012.06.29-r4411" in line and "7 of 8 servers run build 2012.07.27-rlp" in line for line in findings)
    [meaning] = [line for line in findings if "peg_enabled" in line]
    assert "on smars-08 the enabled flag 'peg_enabled' means something else than on the other 7 servers" in meaning
    assert "smars.algos.power_peg" in meaning and "Power Peg" in meaning
    assert "smars.rlp.rlp_router" in meaning and "RLP" in meaning


def test_smars_rlp_manifests_carry_the_current_meanings() -> None:
    output = run(["fingerprint", "examples/smars_legacy", "--build-id", "x"], REPO).stdout
    meanings = output[output.index("[meanings]") :]
    manifest_text = (SMARS / "deploy" / "servers" / "smars-01.toml").read_text(encoding="utf-8")
    assert meanings in manifest_text

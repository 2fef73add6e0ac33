"""What real repositories carry and the generated corpus lacks: `make_corpus.py --real-code`.

A pass over the generated files, before they are written, that adds (deterministically, from
the seed):

- comments for other tools (`# noqa: E501`, `# type: ignore[...]`, `# pragma: no cover`, ...)
  on about 5 % of the Python lines: real code carries them on many lines, and every file with
  one used to be tokenized again for flagkeeper's own suppressions;
- long docstrings on about a third of the functions and classes;
- a few very large modules (over 5,000 lines each) holding deep class hierarchies;
- vendored third-party folders (`third_party/`): copies of some modules under other names,
  with more comments for other tools, as vendored code has;
- a TypeScript, JSON and YAML tree (`web/`) of three non-Python text files per Python file, a
  few of which mention flag keys, as a frontend and its configuration do.

Every changed Python file is parsed again; one that would not parse keeps its generated text.
"""

from __future__ import annotations

import ast
import random
import re

OTHER_TOOLS = (
    "  # noqa: E501",
    "  # noqa",
    "  # type: ignore[attr-defined]",
    "  # type: ignore",
    "  # noqa: F401",
    "  # pragma: no cover",
    "  # noqa: B008, E501",
    "  # nosec B101",
    "  # pylint: disable=protected-access",
)
COMMENT_SHARE = 0.05
DOCSTRING_SHARE = 0.33
LARGE_MODULES = 4
HIERARCHY_DEPTH = 110  # classes per large module, each deriving from the one before
VENDORED_SHARE = 0.04
TEXT_FILES_PER_PYTHON_FILE = 3
KEY_MENTION_SHARE = 0.02
_HEADER = re.compile(r"^(\s*)(?:async\s+def|def|class)\s+(\w+).*:\s*$")
WORDS = (
    "the value is read from the request and normalised before it is stored; callers that need the raw "
    "form keep their own copy. Retries are bounded, and a failure after the last one is reported to the "
    "caller rather than swallowed, so that the job scheduler can decide whether to try again later. See "
    "the runbook for the order in which the dependent services must be restarted after an incident."
).split()


def add_real_code(files: dict[str, str], keys: list[str], seed: int) -> None:
    """Change and extend `files` (relative path -> text) in place."""
    rng = random.Random(f"{seed}:real-code")
    python = sorted(name for name in files if name.endswith(".py"))
    for name in python:
        files[name] = _parsed_or(files[name], _with_docstrings(_with_comments(files[name], rng, COMMENT_SHARE), rng))
    packages = sorted({name.split("/")[0] for name in python if name.count("/") >= 1 and name.split("/")[0] not in ("tests", "scripts")})
    for index in range(LARGE_MODULES):
        files[f"{packages[index % len(packages)]}/legacy_models_{index}.py"] = _large_module(rng, index)
    for name in rng.sample(python, k=int(len(python) * VENDORED_SHARE)):
        vendored = "third_party/" + name.replace("/", "_", 1)
        files[vendored] = _parsed_or(files[name], _with_comments(files[name], rng, COMMENT_SHARE * 3))
        files.setdefault(vendored.rsplit("/", 1)[0] + "/__init__.py", '"""Vendored copy; do not edit."""\n')
    files.setdefault("third_party/__init__.py", "")
    python_count = sum(1 for name in files if name.endswith(".py"))
    for index in range(python_count * TEXT_FILES_PER_PYTHON_FILE):
        mention = rng.choice(keys) if keys and rng.random() < KEY_MENTION_SHARE else None
        files.update([_text_file(rng, index, mention)])


def _parsed_or(original: str, changed: str) -> str:
    try:
        ast.parse(changed)
    except SyntaxError:
        return original
    return changed


def _with_comments(text: str, rng: random.Random, share: float) -> str:
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.strip() and not line.rstrip().endswith("\\") and rng.random() < share:
            lines[number] = line + rng.choice(OTHER_TOOLS)
    return "\n".join(lines)


def _with_docstrings(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    out: list[str] = []
    for number, line in enumerate(lines):
        out.append(line)
        header = _HEADER.match(line)
        following = lines[number + 1] if number + 1 < len(lines) else ""
        indent = len(following) - len(following.lstrip())
        if header and indent > len(header.group(1)) and rng.random() < DOCSTRING_SHARE:
            out += _docstring(rng, " " * indent, header.group(2))
    return "\n".join(out)


def _docstring(rng: random.Random, indent: str, name: str) -> list[str]:
    lines = [f'{indent}"""{name.replace("_", " ").strip().capitalize()}: what it does and why.', ""]
    for _ in range(rng.randint(6, 30)):
        start = rng.randrange(len(WORDS) - 12)
        lines.append(indent + " ".join(WORDS[start : start + 12]))
    return [*lines, "", f"{indent}Args:", f"{indent}    value: the input, unchanged on failure.", f'{indent}"""']


def _large_module(rng: random.Random, index: int) -> str:
    out = [f'"""Legacy models, generation {index}: a deep hierarchy kept for old records."""', "", "from __future__ import annotations", ""]
    base = "object"
    for level in range(HIERARCHY_DEPTH):
        name = f"LegacyModel{index}Level{level}"
        out += ["", "", f"class {name}({base}):"]
        out += _docstring(rng, "    ", name)
        out += [f'    table = "legacy_{index}_{level}"', f"    version = {level}", ""]
        for method in ("load", "save", "validate", "describe"):
            out += [
                f"    def {method}_{level}(self, record: dict[str, object], strict: bool = False) -> dict[str, object]:",
                f'        """{method.capitalize()} one record at level {level}."""',
                "        result = dict(record)" + (rng.choice(OTHER_TOOLS) if rng.random() < COMMENT_SHARE else ""),
                "        for field, value in record.items():",
                "            if strict and value is None:",
                f'                raise ValueError(f"{{field}} is required at level {level}")',
                "            result[field] = value",
                f'        result["level"] = {level}',
                "        return result",
                "",
            ]
        base = name
    return "\n".join(out) + "\n"


def _text_file(rng: random.Random, index: int, key: str | None) -> tuple[str, str]:
    area = f"area{index % 97}"
    kind = index % 3
    if kind == 0:
        name = f"web/src/{area}/component{index}.tsx"
        body = [
            'import React, { useMemo } from "react";',
            "",
            f"export interface Props{index} {{ items: string[]; title: string }}",
            "",
            f"export function Component{index}({{ items, title }}: Props{index}) {{",
            "  const sorted = useMemo(() => [...items].sort(), [items]);",
        ]
        body += [f"  // {' '.join(rng.sample(WORDS, 8))}" for _ in range(rng.randint(5, 40))]
        if key:
            body.append(f'  const enabled = useFlag("{key}");')
        body += ["  return <ul title={title}>{sorted.map((item) => <li key={item}>{item}</li>)}</ul>;", "}"]
    elif kind == 1:
        name = f"web/src/{area}/locales/messages{index}.json"
        entries = [f'  "message_{index}_{n}": "{" ".join(rng.sample(WORDS, 6))}"' for n in range(rng.randint(5, 60))]
        if key:
            entries.append(f'  "flag": "{key}"')
        body = ["{", ",\n".join(entries), "}"]
    else:
        name = f"web/config/{area}/settings{index}.yaml"
        body = [f"# Settings of screen {index}.", "screen:", f"  id: {index}", "  options:"]
        body += [f"    option_{n}: {rng.choice(['true', 'false', rng.randint(1, 999)])}" for n in range(rng.randint(5, 40))]
        if key:
            body.append(f"  flag: {key}")
    return name, "\n".join(body) + "\n"

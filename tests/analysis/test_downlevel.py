"""Syntax newer than the interpreter (type parameters, `type` statements, `except A, B:`) is
analysed, not reported as a parse error, and its imports count."""

from __future__ import annotations

import ast

import pytest

from flagkeeper.analysis.downlevel import downlevel
from tests.conftest import run

NEWER = {
    "type parameters on a function": ("def f[T: (int, str)](x: T) -> T:\n    return x\n", "def f(x: T) -> T:\n    return x\n"),
    "type parameters on a class": ("class C[K](Base[K]):\n    pass\n", "class C(Base[K]):\n    pass\n"),
    "type statements": ("type ID = int\ntype Pair[T] = tuple[T, T]\n", "ID = int\nPair = tuple[T, T]\n"),
    "unparenthesised exceptions": ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "try:\n    pass\nexcept (ValueError, TypeError):\n    pass\n"),
    "unparenthesised exception groups": ("try:\n    pass\nexcept* A, B:\n    pass\n", "try:\n    pass\nexcept* (A, B):\n    pass\n"),
    "parameters over several lines keep the line numbers": ("def f[\n    T,\n](x):\n    return x\n", "def f\\\n\\\n(x):\n    return x\n"),
}


@pytest.mark.parametrize("source, expected", NEWER.values(), ids=NEWER.keys())
def test_newer_syntax_is_rewritten_line_for_line(source: str, expected: str) -> None:
    rewritten = downlevel(source)
    assert rewritten == expected
    ast.parse(rewritten)


@pytest.mark.parametrize(
    "source",
    ["x = 1\n", "try:\n    pass\nexcept (A, B) as error:\n    pass\n", "print(type(x))\ntype = 3\nitems[0]\n", "s = 'unterminated\n"],
)
def test_what_needs_no_rewrite_is_left_alone(source: str) -> None:
    assert downlevel(source) is None


def test_a_module_in_newer_syntax_is_checked_and_its_imports_count(project) -> None:
    root = project({
        "pyproject.toml": '[tool.flagkeeper]\nentry-points = ["app"]\n',
        "flags.toml": "",
        "app.py": "import loaders\n\ntype ID = int\n\n\ndef load[T](key: T) -> T:\n    return loaders.get(key)\n",
        "loaders.py": 'import ldclient\n\n\ndef get(key):\n    return ldclient.get().variation("beta", key, False)\n',
    })  # fmt: skip
    findings = run(["check", ".", "--output-format", "json"], root).json()
    assert [(finding["code"], finding["path"]) for finding in findings] == [("FK001", "loaders.py")]

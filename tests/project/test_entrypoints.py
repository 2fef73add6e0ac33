"""The entry-point detectors, one small project each: what `graph --entry-points` lists and why."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run


def listed(folder: Path) -> dict[str, list[str]]:
    result = run(["graph", ".", "--entry-points", "--format", "json"], folder)
    assert result.exit_code == 0, result.stderr
    return {point["module"]: point["reasons"] for point in result.json()["entry_points"]}


def test_packaging_setup_py_and_setup_cfg_are_read_never_run(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "setup.py": "import sys\nfrom setuptools import setup\nsys.exit('setup.py was run')\n"
        "setup(name='x', entry_points={'console_scripts': ['x = tool.cli:main'], 'x.plugins': ['csv = tool.csv_out']})\n",
        "setup.cfg": "[metadata]\nname = x\n[options.entry_points]\nconsole_scripts =\n    y = tool.other:run\n",
        "tool/__init__.py": "", "tool/cli.py": "def main():\n    pass\n", "tool/csv_out.py": "", "tool/other.py": "def run():\n    pass\n",
        "tool/dead.py": "",
    })  # fmt: skip
    assert listed(folder) == {
        "setup": ["setup.py, run by the build backend"],
        "tool.cli": ["named in setup.py (line 4)"],
        "tool.csv_out": ["named in setup.py (line 4)"],
        "tool.other": ["named in setup.cfg [options.entry_points]"],
    }
    found = run(["check", ".", "--select", "FK006", "--format", "json"], folder).json()
    assert [finding["path"] for finding in found] == ["tool/dead.py"]


def test_config_entry_point_globs(project) -> None:
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app", "jobs/*.py"]\n',
        "app.py": "", "jobs/nightly.py": "", "jobs/weekly.py": "", "dead.py": "",
    })  # fmt: skip
    assert listed(folder) == {
        "app": ["named in entry-points (config)"],
        "jobs.nightly": ["matches entry-points glob 'jobs/*.py' (config)"],
        "jobs.weekly": ["matches entry-points glob 'jobs/*.py' (config)"],
    }
    folder.joinpath("flagkeeper.toml").write_text('entry-points = ["app", "cron/*.py"]\n')
    result = run(["check", "."], folder)
    assert result.exit_code == 2 and "entry-points glob 'cron/*.py' matches no Python file of the project" in result.stderr


def test_fastapi_alembic_and_a_main_module(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "api/__init__.py": "", "api/main.py": "from fastapi import FastAPI\nfrom api.routes import router\n"
        "app = FastAPI()\napp.include_router(router)\n",
        "api/routes.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
        "api/__main__.py": "import uvicorn\nuvicorn.run('api.main:app')\n",
        "migrations/env.py": "from alembic import context\ncontext.configure()\n",
        "migrations/versions/1a2b_create_users.py": "revision = '1a2b'\n",
        "api/unused.py": "",
    })  # fmt: skip
    assert listed(folder) == {
        "api.__main__": ["a `__main__` module: runs with `python -m`"],
        "api.main": ["creates the FastAPI application (fastapi.FastAPI() at module level)"],
        "migrations.env": ["the Alembic migration environment (env.py)"],
        "migrations.versions.1a2b_create_users": ["an Alembic revision in migrations/versions"],
    }
    found = run(["check", ".", "--select", "FK006", "--format", "json"], folder).json()
    assert [finding["path"] for finding in found] == ["api/unused.py"]


def test_frameworks_not_in_use_find_nothing(project) -> None:
    """A settings-like list or a `create_app` means nothing without the framework."""
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "def create_app():\n    return Flask()\n",
        "env.py": "", "versions/v1.py": "", "tasks.py": "@task\ndef nightly():\n    pass\n",
    })  # fmt: skip
    assert listed(folder) == {"app": ["named in entry-points (config)"]}

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


def unreachable(folder: Path) -> list[str]:
    result = run(["check", ".", "--select", "FK006", "--format", "json"], folder)
    return [finding["path"] for finding in result.json()]


def test_django_settings_package_built_urlconf_namespace_app_and_backends(project) -> None:
    """flagsmith and kitsune: settings per environment, `ROOT_URLCONF` built with format(), an app
    without `__init__.py`, an app with no migrations yet, a database ENGINE package."""
    folder = project({
        "flagkeeper.toml": "",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings.local')\n"
        "if __name__ == '__main__':\n    pass\n",
        "site_cfg/__init__.py": "", "site_cfg/urls.py": "from django.urls import include\nurls = [include('shop.urls')]\n",
        "site_cfg/settings/__init__.py": "",
        "site_cfg/settings/common.py": "PROJECT = 'site_cfg'\nROOT_URLCONF = '{}.urls'.format(PROJECT)\n"
        "INSTALLED_APPS = ['shop', 'reports.exports', 'audit']\n",
        "site_cfg/settings/local.py": "from .common import *\n",
        "site_cfg/settings/production.py": "from .common import *\nDATABASES = {'default': {'ENGINE': 'db.pooled'}}\n",
        "shop/__init__.py": "", "shop/urls.py": "", "shop/views.py": "", "shop/old_forms.py": "",
        "reports/exports/apps.py": "", "reports/exports/migrations/0001_initial.py": "",
        "audit/__init__.py": "", "audit/migrations/__init__.py": "",
        "db/__init__.py": "", "db/pooled/__init__.py": "", "db/pooled/base.py": "from db.pooled import operations\n",
        "db/pooled/operations.py": "",
    })  # fmt: skip
    reasons = listed(folder)
    assert reasons["site_cfg.settings.production"] == ["a settings module of package site_cfg.settings (chosen by DJANGO_SETTINGS_MODULE)"]
    assert reasons["site_cfg.urls"] == ["the root URL conf beside the settings (startproject layout; ROOT_URLCONF is not a literal)"]
    assert reasons["reports.exports.apps"] == ["a conventional module (apps) of Django app reports.exports"]
    assert reasons["audit.migrations"] == ["a conventional module (migrations/) of Django app audit"]
    assert reasons["db.pooled.base"] == ["the base module of a Django backend package named in site_cfg.settings.production"]
    assert unreachable(folder) == ["shop/old_forms.py"]


def test_django_runscript_and_wagtail_hooks(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "cms/__init__.py": "", "cms/settings.py": "INSTALLED_APPS = ['wagtail.admin', 'django_extensions', 'blog']\n",
        "blog/__init__.py": "", "blog/wagtail_hooks.py": "", "blog/scripts/__init__.py": "",
        "blog/scripts/reindex.py": "def run():\n    pass\n", "blog/scripts/helpers.py": "def slug():\n    pass\n",
        "scripts/__init__.py": "", "scripts/cohorts.py": "def run():\n    pass\n",
    })  # fmt: skip
    reasons = listed(folder)
    assert reasons["blog.wagtail_hooks"] == ["a conventional module (wagtail_hooks) of Django app blog"]
    assert reasons["blog.scripts.reindex"] == ["a script of django-extensions' runscript (defines run() in blog/scripts/)"]
    assert reasons["scripts.cohorts"] == ["a script of django-extensions' runscript (defines run() in scripts/)"]
    assert unreachable(folder) == ["blog/scripts/helpers.py"]


def test_scripts_folders_and_files_no_import_can_name(project) -> None:
    """Files a tool runs by path (saleor's rule samples; hidden folders such as `.semgrep/` are
    not analysed at all, as in ruff) and kitsune's `scripts/` package."""
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "",
        "scripts/__init__.py": "", "scripts/year_report.py": "if __name__ == '__main__':\n    print('report')\n",
        ".semgrep/rules/no-requests.py": "import requests\n", "ci/check-deps.py": "import requests\n",
        "lib/__init__.py": "", "lib/harness.py": "if __name__ == '__main__':\n    print('leftover')\n",
    })  # fmt: skip
    reasons = listed(folder)
    assert reasons["scripts.year_report"] == ["a script in folder scripts/ (it has an `if __name__ == '__main__':` block)"]
    assert reasons["ci.check-deps"] == ["no import can name ci/check-deps.py: a tool runs it by path"]
    assert not any(name.startswith(".semgrep") for name in reasons)
    assert unreachable(folder) == ["lib/__init__.py", "lib/harness.py"]
    folder.joinpath("flagkeeper.toml").write_text("")  # files run by path alone: reachability is not judged
    folder.joinpath("scripts/year_report.py").write_text("")
    assert unreachable(folder) == []


def test_flask_wsgi_module_and_plugins_imported_by_computed_name(project) -> None:
    """redash: gunicorn runs `redash.wsgi:app` from a shell script; query runners named in an
    environment variable are imported by `__import__(name)` in their package's `__init__`."""
    folder = project({
        "flagkeeper.toml": "",
        "dash/__init__.py": "from flask import Flask\nfrom dash import runners, tools\n\ndef create_app():\n    return Flask(__name__)\n"
        "runners.load(['dash.runners.pg'])\n",
        "dash/wsgi.py": "from dash import create_app\napp = create_app()\n",
        "dash/runners/__init__.py": "def load(names):\n    for name in names:\n        __import__(name)\n",
        "dash/runners/pg.py": "", "dash/runners/python.py": "",
        "dash/tools/__init__.py": "import importlib\nimportlib.import_module('dash.tools.used')\n",
        "dash/tools/used.py": "", "dash/tools/unused.py": "",
    })  # fmt: skip
    assert listed(folder)["dash.wsgi"] == ["a WSGI module: servers load it by name (`dash.wsgi:app`)"]
    assert unreachable(folder) == ["dash/tools/unused.py"]


def test_pyproject_task_runner_strings_name_entry_points(project) -> None:
    folder = project({
        "pyproject.toml": "[tool.flagkeeper]\n\n[tool.poe.tasks]\n"
        "beat.cmd = 'celery --app shop.celeryconf:app beat --scheduler shop.schedulers.DatabaseScheduler'\n"
        "schema.capture_stdout = 'shop/schema.py'\n\n"
        "[tool.mypy]\nplugins = ['shop.mypy_plugin']\n",
        "shop/__init__.py": "", "shop/celeryconf.py": "", "shop/schedulers.py": "class DatabaseScheduler:\n    pass\n",
        "shop/schema.py": "", "shop/mypy_plugin.py": "",
    })  # fmt: skip
    assert listed(folder) == {
        "shop.celeryconf": ["named in pyproject.toml [tool.poe]"],
        "shop.schedulers": ["named in pyproject.toml [tool.poe]"],
    }
    assert unreachable(folder) == ["shop/mypy_plugin.py", "shop/schema.py"]


def test_tests_py_and_test_folders_are_never_reported(project) -> None:
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "", "shop/__init__.py": "", "shop/tests.py": "import shop\n", "shop/dead.py": "",
        "playwright_tests/pages/home.py": "", "playwright_tests/flows/login.py": "",
    })  # fmt: skip
    assert unreachable(folder) == ["shop/__init__.py", "shop/dead.py"]


def test_gunicorn_configuration_file(project) -> None:
    """kitsune: `gunicorn --config wsgi/config.py` in a shell script; one setting alone is not enough."""
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\n',
        "app.py": "",
        "deploy/__init__.py": "", "deploy/config.py": "wsgi_app = 'app:application'\nbind = '0.0.0.0:8000'\nloglevel = 'info'\n",
        "deploy/logging.py": "loglevel = 'info'\n",
    })  # fmt: skip
    assert listed(folder)["deploy.config"] == ["a gunicorn configuration file (assigns bind, loglevel, wsgi_app): gunicorn --config runs it by path"]
    assert unreachable(folder) == ["deploy/logging.py"]

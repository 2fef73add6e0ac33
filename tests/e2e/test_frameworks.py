"""Framework projects with zero configuration: FK006 reports exactly the modules planted dead.

tests/fixtures/frameworks/ holds a Django + Celery project (settings, two apps, URL confs, admin,
signals connected in AppConfig.ready, a management command, a migration, a template tag, tasks,
a plugin folder loaded with pkgutil, a module loaded with import_module("literal")) and a Flask
app factory with a blueprint. Neither Django, Celery nor Flask is installed: flagkeeper reads
the code and never imports it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run

PLANTED_DEAD = {
    "django_celery": {"mysite/unused_helpers.py", "orders/legacy_pricing.py", "billing/old_invoice_pdf.py"},
    "flask_factory": {"shopapp/old_checkout.py", "shopapp/catalog/unused_filters.py"},
}

# Each entry point the detectors must find, with a phrase of the reason they must give.
ENTRY_POINTS = {
    "django_celery": {
        "manage": "a script outside any package",
        "mysite.settings": "Django settings (defines INSTALLED_APPS)",
        "mysite.wsgi": "the Django WSGI application (get_wsgi_application())",
        "mysite.celery": "creates the Celery application (celery.Celery() at module level)",
        "orders": "a Django app in INSTALLED_APPS of mysite.settings",
        "billing": "a Django app in INSTALLED_APPS of mysite.settings",
        "orders.apps": "a conventional module (apps) of Django app orders",
        "orders.models": "a conventional module (models) of Django app orders",
        "orders.admin": "a conventional module (admin) of Django app orders",
        "orders.signals": "a conventional module (signals) of Django app orders",
        "orders.urls": "a conventional module (urls) of Django app orders",
        "orders.views": "a conventional module (views) of Django app orders",
        "orders.tasks": "defines Celery tasks (@celery.shared_task)",
        "orders.management.commands.close_day": "a conventional module (management/commands/) of Django app orders",
        "orders.migrations.0001_initial": "a conventional module (migrations/) of Django app orders",
        "orders.templatetags.money": "a conventional module (templatetags/) of Django app orders",
        "billing.models": "a conventional module (models) of Django app billing",
        "billing.admin": "a conventional module (admin) of Django app billing",
    },
    "flask_factory": {"shopapp": "creates the Flask application (flask.Flask() in create_app)"},
}


@pytest.fixture(params=sorted(PLANTED_DEAD))
def example(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """A copy of one framework example (a run writes its cache next to the project)."""
    name: str = request.param
    return name, Path(shutil.copytree(FIXTURES / "frameworks" / name, tmp_path / name))


def test_fk006_reports_exactly_the_planted_dead_modules(example: tuple[str, Path]) -> None:
    name, folder = example
    result = run(["check", ".", "--select", "FK006", "--format", "json"], folder)
    assert result.exit_code == 1
    assert {finding["path"] for finding in result.json()} == PLANTED_DEAD[name]
    # The project was read, not imported.
    assert not {"mysite", "orders", "billing", "shopapp"} & set(sys.modules)


def test_graph_lists_each_entry_point_and_why(example: tuple[str, Path]) -> None:
    name, folder = example
    listed = {point["module"]: point["reasons"] for point in run(["graph", ".", "--entry-points", "--format", "json"], folder).json()["entry_points"]}
    assert set(listed) == set(ENTRY_POINTS[name])
    for module, reason in ENTRY_POINTS[name].items():
        assert any(reason in given for given in listed[module]), (module, listed[module])
    text = run(["graph", ".", "--entry-points"], folder).stdout
    assert text.startswith(f"Entry points ({len(ENTRY_POINTS[name])}):\n")


def test_modules_reached_only_by_name_are_reachable(tmp_path: Path) -> None:
    """What no import statement reaches: settings strings, include(), Celery include=, pkgutil plugins,
    import_module("literal"), from_object("dotted.path"), and packages above a reached module."""
    statuses = {
        node["module"]: node["status"]
        for name in PLANTED_DEAD
        for node in run(["graph", ".", "--format", "json"], shutil.copytree(FIXTURES / "frameworks" / name, tmp_path / name)).json()["nodes"]
    }
    for module in (
        "mysite", "mysite.middleware", "mysite.urls", "mysite.beat", "orders.context", "billing.auth", "billing.reports",
        "orders.exporters.csv_export", "orders.exporters.pdf_export", "orders.management", "shopapp.config", "shopapp.catalog",
    ):  # fmt: skip
        assert statuses[module] == "reachable", module

"""Entry points from framework calls that load modules by a literal argument: Celery's
`autodiscover_tasks` and Flask's `config.from_pyfile`."""

from __future__ import annotations

from tests.conftest import run
from tests.project.test_entrypoints import listed


def _unreachable(folder) -> list[str]:
    return [finding["path"] for finding in run(["check", ".", "--select", "FK006", "--format", "json"], folder).json()]


def test_celery_autodiscover_tasks_over_listed_packages(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "worker.py": "from celery import Celery\n\napp = Celery('shop')\n"
        "app.autodiscover_tasks(['shop.orders', 'shop.billing'])\napp.autodiscover_tasks(packages=('shop.reports',), related_name='jobs')\n",
        "shop/__init__.py": "",
        "shop/orders/__init__.py": "", "shop/orders/tasks.py": "def close_day():\n    pass\n",
        "shop/billing/__init__.py": "", "shop/billing/tasks.py": "", "shop/billing/legacy.py": "",
        "shop/reports/__init__.py": "", "shop/reports/jobs.py": "", "shop/reports/tasks.py": "",
    })  # fmt: skip
    found = listed(folder)
    assert found["shop.orders.tasks"] == ["loaded by autodiscover_tasks in worker:4"]
    assert found["shop.billing.tasks"] == ["loaded by autodiscover_tasks in worker:4"]
    assert found["shop.reports.jobs"] == ["loaded by autodiscover_tasks in worker:5"]
    assert _unreachable(folder) == ["shop/billing/legacy.py", "shop/reports/tasks.py"]


def test_celery_autodiscover_tasks_from_installed_apps(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "site_cfg/__init__.py": "", "site_cfg/settings.py": "INSTALLED_APPS = ['shop.apps.ShopConfig']\n",
        "site_cfg/celery.py": "from celery import Celery\nfrom django.conf import settings\n\napp = Celery('site')\n"
        "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, related_name='jobs')\n",
        "shop/__init__.py": "", "shop/apps.py": "", "shop/jobs.py": "", "shop/stale.py": "",
    })  # fmt: skip
    assert listed(folder)["shop.jobs"] == ["loaded by autodiscover_tasks in site_cfg.celery:5"]
    assert _unreachable(folder) == ["shop/stale.py"]


def test_flask_config_from_pyfile(project) -> None:
    folder = project({
        "flagkeeper.toml": "",
        "shopapp/__init__.py": "import os\nfrom flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n"
        "    app.config.from_pyfile('settings.py')\n"
        "    app.config.from_pyfile(os.environ.get('SHOP_LOCAL', '../deploy/local.py'), silent=True)\n    return app\n",
        "shopapp/settings.py": "DEBUG = False\n",
        "deploy/local.py": "DEBUG = True\n",
        "shopapp/old_settings.py": "",
    })  # fmt: skip
    found = listed(folder)
    assert found["shopapp.settings"] == ["run by config.from_pyfile in shopapp:6"]
    assert found["deploy.local"] == ["run by config.from_pyfile in shopapp:7"]
    assert _unreachable(folder) == ["shopapp/old_settings.py"]

"""Django: the settings modules (those defining INSTALLED_APPS; their other dotted-path strings,
MIDDLEWARE, ROOT_URLCONF, backends, context processors, are links), the WSGI/ASGI modules a
server loads, and each installed app's modules that Django or its tools load by convention.

`DJANGO_SETTINGS_MODULE` strings in manage.py, wsgi.py and asgi.py are links as well, and
`include("app.urls")` strings in URL confs.
"""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles

_SERVERS = {"django.core.wsgi.get_wsgi_application": "WSGI", "django.core.asgi.get_asgi_application": "ASGI"}
# Loaded by Django itself (models, admin, apps, checks, template tags, management commands,
# migrations), by Celery's autodiscover_tasks (tasks), or by custom by name (signals, urls, views).
_CONVENTIONAL = ("models", "admin", "apps", "signals", "urls", "views", "tasks", "checks")
_CONVENTIONAL_FOLDERS = ("templatetags", "management.commands", "migrations")


def _app_package(files: ProjectFiles, name: str) -> str | None:
    """The package of an INSTALLED_APPS entry: `shop` or `shop.apps.ShopConfig` -> `shop`."""
    if name in files.modules:
        return name
    owner = name.rpartition(".")[0]
    if owner.endswith(".apps") and owner in files.modules:
        return owner.removesuffix(".apps")
    return None


def _conventional(files: ProjectFiles, app: str) -> Iterator[tuple[str, str]]:
    for name in _CONVENTIONAL:
        if f"{app}.{name}" in files.modules:
            yield f"{app}.{name}", name
    for folder in _CONVENTIONAL_FOLDERS:
        for module in files.below(f"{app}.{folder}"):
            yield module, f"{folder.replace('.', '/')}/"


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    settings = {module: facts.string_lists["INSTALLED_APPS"] for module, facts in files.modules.items() if "INSTALLED_APPS" in facts.string_lists}
    if not (settings or files.uses("django")):
        return
    for module, facts in files.modules.items():
        for callee, _, _, _ in facts.calls:
            if callee in _SERVERS:
                yield EntryPoint(module, f"the Django {_SERVERS[callee]} application ({callee.rsplit('.', 1)[-1]}())")
                break
    for module, installed in settings.items():
        yield EntryPoint(module, "Django settings (defines INSTALLED_APPS)")
        for name in installed:
            app = _app_package(files, name)
            if app is None:
                continue
            yield EntryPoint(app, f"a Django app in INSTALLED_APPS of {module}")
            for found, kind in _conventional(files, app):
                yield EntryPoint(found, f"a conventional module ({kind}) of Django app {app}")

"""Django: the settings modules (those defining INSTALLED_APPS; their other dotted-path strings,
MIDDLEWARE, ROOT_URLCONF, backends, context processors, are links), the WSGI/ASGI modules a
server loads, and each installed app's modules that Django or its tools load by convention.

`DJANGO_SETTINGS_MODULE` strings in manage.py, wsgi.py and asgi.py are links as well, and
`include("app.urls")` strings in URL confs. Three conventions of `startproject` and of
deployments are followed too: a `settings` package holds one module per environment, chosen by
`DJANGO_SETTINGS_MODULE` at deploy time (`settings/production.py`); the project package's
`urls` is the ROOT_URLCONF when the setting is built (`"{}.urls".format(PROJECT)`); a
database `ENGINE` names a package whose `base` module Django loads.
"""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.analysis.facts import STRING_LINK, Literal
from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles

ROOT_URLCONF = "ROOT_URLCONF"
SERVERS = {"django.core.wsgi.get_wsgi_application": "WSGI", "django.core.asgi.get_asgi_application": "ASGI"}
# Loaded by Django itself (models, admin, apps, checks, template tags, management commands,
# migrations), by Celery's autodiscover_tasks (tasks), or by custom by name (signals, urls, views).
_CONVENTIONAL = ("models", "admin", "apps", "signals", "urls", "views", "tasks", "checks")
_CONVENTIONAL_FOLDERS = ("templatetags", "management.commands", "migrations")
# Django imports these packages themselves, even with no module inside (the migration loader and
# the template library search); `management/commands` it only lists as a folder.
_IMPORTED_FOLDERS = ("templatetags", "migrations")
# Installed apps that load a module of every app by name: Wagtail its hooks; django-extensions'
# `manage.py runscript NAME` a `run()` in `scripts/NAME.py`, of the project or of an app.
_WAGTAIL_HOOKS = "wagtail_hooks"
_RUNSCRIPT_APP = "django_extensions"


def _app_package(files: ProjectFiles, name: str) -> str | None:
    """The package of an INSTALLED_APPS entry: `shop` or `shop.apps.ShopConfig` -> `shop`; a
    namespace package (a folder without `__init__.py`) counts when it holds modules."""
    owner = name.rpartition(".")[0]
    for package in (name, owner.removesuffix(".apps")) if owner.endswith(".apps") else (name,):
        if package in files.modules or next(files.below(package), None):
            return package
    return None


def _conventional(files: ProjectFiles, app: str, installed: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    wagtail = (_WAGTAIL_HOOKS,) if any(name.split(".", 1)[0] == "wagtail" for name in installed) else ()
    for name in _CONVENTIONAL + wagtail:
        if f"{app}.{name}" in files.modules:
            yield f"{app}.{name}", name
    for name in _IMPORTED_FOLDERS:  # a module inside reaches the package; an empty one is loaded too
        if f"{app}.{name}" in files.modules and next(files.below(f"{app}.{name}"), None) is None:
            yield f"{app}.{name}", f"{name}/"
    for folder in _CONVENTIONAL_FOLDERS:
        for module in files.below(f"{app}.{folder}"):
            yield module, f"{folder.replace('.', '/')}/"


def _project_modules(files: ProjectFiles, settings: str) -> Iterator[EntryPoint]:
    """The sibling settings of a `settings` package, the project's root URL conf, and the `base`
    of every database backend package the settings name."""
    package = settings.rpartition(".")[0]
    project, all_settings = package, [settings]
    if package.rpartition(".")[2] == "settings":
        project = package.rpartition(".")[0]
        all_settings += [sibling for sibling in files.below(package) if sibling != settings]
        for sibling in all_settings[1:]:
            yield EntryPoint(sibling, f"a settings module of package {package} (chosen by DJANGO_SETTINGS_MODULE)")
    urls = f"{project}.urls" if project else "urls"
    # A literal ROOT_URLCONF is a link already; a built one (`"{}.urls".format(...)`) is not.
    if urls in files.modules and not isinstance(files.modules[settings].constants.get(ROOT_URLCONF), Literal):
        yield EntryPoint(urls, "the root URL conf beside the settings (startproject layout; ROOT_URLCONF is not a literal)")
    for module in all_settings:
        for link in files.modules[module].links:
            if link.kind == STRING_LINK and link.target in files.modules and f"{link.target}.base" in files.modules:
                yield EntryPoint(f"{link.target}.base", f"the base module of a Django backend package named in {module}")


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    settings = {module: facts.string_lists["INSTALLED_APPS"] for module, facts in files.modules.items() if "INSTALLED_APPS" in facts.string_lists}
    if not (settings or files.uses("django")):
        return
    for module, facts in files.modules.items():
        for callee, _ in facts.calls:
            if callee in SERVERS:
                yield EntryPoint(module, f"the Django {SERVERS[callee]} application ({callee.rsplit('.', 1)[-1]}())")
                break
    for module, installed in settings.items():
        yield EntryPoint(module, "Django settings (defines INSTALLED_APPS)")
        yield from _project_modules(files, module)
        for name in installed:
            app = _app_package(files, name)
            if app is None:
                continue
            yield EntryPoint(app, f"a Django app in INSTALLED_APPS of {module}")
            for found, kind in _conventional(files, app, installed):
                yield EntryPoint(found, f"a conventional module ({kind}) of Django app {app}")
        if _RUNSCRIPT_APP in installed:
            yield from _runscripts(files, installed)


def _runscripts(files: ProjectFiles, installed: tuple[str, ...]) -> Iterator[EntryPoint]:
    """The modules `manage.py runscript` finds: a `run()` in the project's or an app's `scripts`."""
    folders = ("scripts", *(f"{app}.scripts" for app in installed))
    for folder in folders:
        for module in files.below(folder):
            if module.count(".") == folder.count(".") + 1 and "run" in files.modules[module].functions:
                yield EntryPoint(module, f"a script of django-extensions' runscript (defines run() in {folder.replace('.', '/')}/)")

"""Celery: the module creating the app (`Celery(...)`, loaded by `celery -A`; its `include=`
strings are links), every module defining tasks (`@shared_task`, `@app.task`), which a
worker imports through `imports`/`include`/`autodiscover_tasks`, and the modules
`autodiscover_tasks` names: `pkg.tasks` for each package it lists, or for each of
INSTALLED_APPS when it is given a lambda, a name or nothing (analysis/frameworkcalls.py)."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.analysis.facts import TASKS_LINK
from flagkeeper.analysis.frameworkcalls import INSTALLED_APPS_TASKS
from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles, creators_of

APP_FACTORY = "celery.Celery"
_TASK_DECORATORS = ("shared_task", "task", "periodic_task")


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if not files.uses("celery"):
        return
    yield from creators_of(files, APP_FACTORY, "Celery application")
    for module, facts in files.modules.items():
        tasks = [name for name in facts.decorators if name.rsplit(".", 1)[-1] in _TASK_DECORATORS]
        if tasks:
            yield EntryPoint(module, f"defines Celery tasks (@{tasks[0]})")
    for module, facts in files.modules.items():
        for name in facts.string_lists.get("CELERY_IMPORTS", ()) + facts.string_lists.get("CELERY_INCLUDE", ()):
            if name in files.modules:
                yield EntryPoint(name, f"in CELERY_IMPORTS of {module}")
    yield from _autodiscovered(files)


def _autodiscovered(files: ProjectFiles) -> Iterator[EntryPoint]:
    installed = [name for facts in files.modules.values() for name in facts.string_lists.get("INSTALLED_APPS", ())]
    for module, facts in files.modules.items():
        for link in facts.links:
            if link.kind != TASKS_LINK:
                continue
            package, _, related = link.target.rpartition(".")
            # `shop` or `shop.apps.ShopConfig` -> shop
            packages = [name.split(".apps.")[0] for name in installed] if package == INSTALLED_APPS_TASKS else [package]
            for found in dict.fromkeys(f"{name}.{related}" for name in packages):
                if found in files.modules:
                    yield EntryPoint(found, f"loaded by autodiscover_tasks in {module}:{link.line}")

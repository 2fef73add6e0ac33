"""Celery: the module creating the app (`Celery(...)`, loaded by `celery -A`; its `include=`
strings are links) and every module defining tasks (`@shared_task`, `@app.task`), which a
worker imports through `imports`/`include`/`autodiscover_tasks`."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles, creators_of

_TASK_DECORATORS = ("shared_task", "task", "periodic_task")


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    if not files.uses("celery"):
        return
    yield from creators_of(files, "celery.Celery", "Celery application")
    for module, facts in files.modules.items():
        tasks = [name for name in facts.decorators if name.rsplit(".", 1)[-1] in _TASK_DECORATORS]
        if tasks:
            yield EntryPoint(module, f"defines Celery tasks (@{tasks[0]})")
    for module, facts in files.modules.items():
        for name in facts.string_lists.get("CELERY_IMPORTS", ()) + facts.string_lists.get("CELERY_INCLUDE", ()):
            if name in files.modules:
                yield EntryPoint(name, f"in CELERY_IMPORTS of {module}")

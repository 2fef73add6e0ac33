"""gunicorn: a configuration file (`gunicorn --config wsgi/config.py`, or `gunicorn.conf.py`) is
Python that gunicorn runs by path; it is known by the settings it assigns at module level."""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.entrypoints.base import EntryPoint, ProjectFiles

# Settings only a gunicorn configuration assigns; two of them make a configuration file.
SETTINGS = frozenset({"bind", "wsgi_app", "worker_class", "accesslog", "errorlog", "loglevel", "graceful_timeout", "max_requests_jitter"})


def detect(files: ProjectFiles) -> Iterator[EntryPoint]:
    for module, facts in files.modules.items():
        assigned = sorted(SETTINGS.intersection(facts.constants))
        if len(assigned) >= 2:
            yield EntryPoint(module, f"a gunicorn configuration file (assigns {', '.join(assigned[:3])}): gunicorn --config runs it by path")

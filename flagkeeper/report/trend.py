"""`report --history N`: last quarters' figures from the repository's own history.

Each earlier quarter is reported as the code and registry stood at the last commit before the
quarter ended, read with today's configuration and rule packs (as `flagkeeper diff` reads a
revision: project/revisions.py) and judged as of the quarter's last day. The reports are chained
as `--previous` would chain them, so the first report a team makes already has a trend.
Reads in non-Python text files are not counted at earlier commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flagkeeper.project.model import Project
from flagkeeper.project.revisions import Repository
from flagkeeper.report.data import Quarter, Snapshot, build_report, snapshot_of


def quarters_before(quarter: Quarter, count: int) -> list[Quarter]:
    """The `count` quarters before `quarter`, oldest first."""
    index = quarter.year * 4 + quarter.number - 1
    return [Quarter(earlier // 4, earlier % 4 + 1) for earlier in range(index - count, index)]


def history_snapshot(project: Project, quarter: Quarter, points: int) -> Snapshot | None:
    """The report before `quarter` with the trend of the `points - 1` quarters before it, from git;
    None when the history has no commit that old. Quarters before the first commit are left out."""
    repository = Repository.of(project.config.root)
    previous: Snapshot | None = None
    for earlier in quarters_before(quarter, points - 1):
        end = earlier.last_day + dt.timedelta(days=1)
        commit = repository.last_commit_by(f"{end.isoformat()}T00:00:00+00:00")
        if commit is None:
            continue
        files, registry = repository.snapshot(commit, project.config, project.matcher)
        then = dataclasses.replace(project.at(files, registry), today=min(earlier.last_day, project.today))
        previous = snapshot_of(build_report(then, earlier, previous, risks=False))
    return previous

"""Links from the report's file references into the code host, pinned to the commit reported on.

Where the repository lives comes from, in order: `--link-template`, the scanned project's
`[project.urls]` (a Source, Repository or Homepage address on a known host), the git remote
`origin`. The commit is the repository's HEAD; without one (no git) a template that needs
`{commit}` makes no links: a link to a moving branch could point at other code than the report saw.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flagkeeper.errors import FlagkeeperError
from flagkeeper.project.model import Project
from flagkeeper.project.revisions import Repository
from flagkeeper.tomlread import parse_toml

# Host -> how it addresses one line of a file at a commit.
HOSTS = {
    "github.com": "{base}/blob/{{commit}}/{{path}}#L{{line}}",
    "gitlab.com": "{base}/-/blob/{{commit}}/{{path}}#L{{line}}",
    "codeberg.org": "{base}/src/commit/{{commit}}/{{path}}#L{{line}}",
    "bitbucket.org": "{base}/src/{{commit}}/{{path}}#lines-{{line}}",
}
URL_KEYS = ("source", "source code", "repository", "code", "homepage")
_REPOSITORY = re.compile(r"(?:https?://|ssh://git@|git@)(?P<host>[\w.-]+)[/:](?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?/?$")
PLACEHOLDERS = ("commit", "path", "line")


@dataclass(frozen=True)
class CodeLinks:
    template: str  # with {commit}, {path} (from the repository's top) and {line}
    commit: str | None
    prefix: str  # the project root inside the repository: "" or "sub/dir/"

    def url(self, path: str, line: int | None = None) -> str:
        """The address of `path` (relative to the project root), at `line` when given."""
        url = self.template.format(commit=self.commit or "", path=self.prefix + path, line=line or 1)
        return url if line else url.split("#", 1)[0]


def check_template(template: str) -> str:
    """A --link-template names only {commit}, {path} and {line}, and at least {path}."""
    names = set(re.findall(r"{(\w*)}", template))
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown or "path" not in names:
        problem = f"unknown placeholder {{{unknown[0]}}}" if unknown else "no {path} placeholder"
        raise FlagkeeperError(f"--link-template '{template}': {problem} (it may use {{commit}}, {{path}} and {{line}})")
    return template


def _host_template(address: str) -> str | None:
    match = _REPOSITORY.match(address.strip())
    if match is None or match.group("host") not in HOSTS:
        return None
    base = f"https://{match.group('host')}/{match.group('owner')}/{match.group('name')}"
    return HOSTS[match.group("host")].format(base=base)


def _from_project_urls(project: Project) -> str | None:
    text = project.pyproject_text
    if text is None:
        return None
    urls = parse_toml(text, project.pyproject).get("project", {}).get("urls", {})
    if not isinstance(urls, dict):
        return None
    named = {str(name).lower(): value for name, value in urls.items() if isinstance(value, str)}
    return next((template for name in URL_KEYS if name in named and (template := _host_template(named[name])) is not None), None)


def _from_remote(top: Path) -> str | None:
    remote = subprocess.run(["git", "remote", "get-url", "origin"], cwd=top, capture_output=True, text=True, check=False)
    return _host_template(remote.stdout) if remote.returncode == 0 else None


def code_links(project: Project, template: str | None) -> CodeLinks | None:
    """Where the report's file references link to, or None when the code host is not known."""
    repository: Repository | None = None
    commit: str | None = None
    try:
        repository = Repository.of(project.config.root)
        commit = repository.commit("HEAD")
    except FlagkeeperError:  # not a git repository, or one without commits
        pass
    chosen = template or _from_project_urls(project) or (_from_remote(repository.top) if repository else None)
    if chosen is None or (commit is None and "{commit}" in chosen):
        return None
    return CodeLinks(chosen, commit, repository.prefix if repository else "")

"""Where a rule's documentation lives on the web: docs/rules/CODE.md under the package's `Documentation` URL.

The URL comes from `[project.urls]` in pyproject.toml, read back from the installed package's
metadata, so a fork that changes it there links to its own pages; the fallback is the same URL,
for a run from a source tree that was never installed.
"""

from __future__ import annotations

import functools

DOCUMENTATION = "https://github.com/flagkeeper/flagkeeper/blob/main/docs"


@functools.cache
def documentation_url() -> str:
    """The `Documentation` entry of the package's project URLs, without a trailing slash."""
    from importlib import metadata  # only formats that link to the rules pay for it

    try:
        entries = metadata.metadata("flagkeeper").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip() == "Documentation" and url.strip():
            return url.strip().rstrip("/")
    return DOCUMENTATION


def rule_url(code: str) -> str:
    """The page of rule `code` (FK001 -> .../docs/rules/FK001.md)."""
    return f"{documentation_url()}/rules/{code}.md"

"""What every provider shares: the settings of one pull, and how a flag's values are typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_ENVIRONMENT = "default"  # the environment of a service that has none (PostHog, a flagd file)


@dataclass(frozen=True)
class PullSettings:
    """One pull: which project and environments of the service, where it is, and the project root."""

    root: Path
    project: str | None = None
    environments: tuple[str, ...] = ()  # only these; empty: every environment the service has
    url: str | None = None  # the service's base URL (each provider has a default), or the flagd file's URL
    source: str | None = None  # a flagd file or URL

    def wants(self, environment: str) -> bool:
        return not self.environments or environment in self.environments

    def environment(self) -> str:
        """The environment name of a service that has only one."""
        return self.environments[0] if self.environments else DEFAULT_ENVIRONMENT


def value_type(values: Iterable[Any]) -> str | None:
    """The OpenFeature type that holds every value: boolean, integer, float, string or object; None for no values."""
    kinds = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("integer")
        elif isinstance(value, float):
            kinds.add("float")
        elif isinstance(value, str):
            kinds.add("string")
        else:
            kinds.add("object")
    if kinds == {"integer", "float"}:
        return "float"
    return kinds.pop() if len(kinds) == 1 else ("object" if kinds else None)

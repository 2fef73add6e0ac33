"""What the flag-service rules (FK014–FK018) share: the reads in code that ask the service, how a
finding names the service, and the state files their cases are written with.

Without a state file (`flagkeeper pull` writes flag-state.toml) none of them has anything to say.
A retired key is FK003's and FK017's, so the rules that judge reads leave its reads alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from flagkeeper.project.model import Project, Reference
from flagkeeper.registry.served import NOT_SERVICE_PACKS, reads_service
from flagkeeper.registry.servicestate import ServiceState

STATE_HEADER = '[service]\nprovider = "launchdarkly"\nsource = "https://app.launchdarkly.com project default"\n'


def state_flag(key: str, environments: dict[str, str], fields: str = "") -> str:
    """A `[flags.KEY]` table of a state file with one table per environment (its fields as TOML lines), for cases."""
    tables = "".join(f"\n[flags.{key}.environments.{name}]\n{body}" for name, body in environments.items())
    return f"\n[flags.{key}]\n{fields}{tables}"


def service_reads(project: Project, through_its_sdk: bool = False) -> Iterator[tuple[ServiceState, Reference]]:
    """Python reads of a key, not retired, that may ask the service the state describes: all but
    environment variables and django-waffle (a key the service defines is evidence enough, and a
    shipped pack's call may match a wrapper of another SDK: mitxonline's PostHog `is_enabled` reads
    as Unleash's); `through_its_sdk` also leaves out reads through another vendor's pack."""
    state = project.service
    if state is None:
        return
    for reference in project.references:
        key, pack = reference.key, reference.read.pack
        if key is None or key in project.registry.retired or pack in NOT_SERVICE_PACKS:
            continue
        if not through_its_sdk or reads_service(pack, state.provider):
            yield state, reference


def service_name(state: ServiceState) -> str:
    """`the flag service (launchdarkly)`, as messages name it."""
    return f"the flag service ({state.provider})" if state.provider else "the flag service"

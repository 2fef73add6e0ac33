"""`flagkeeper pull`: flag definitions and served values from the flag service, into the state file."""

from __future__ import annotations

from pathlib import Path

import click

from flagkeeper.cli.common import CONFIG_OPTION, fail
from flagkeeper.config import load_config
from flagkeeper.errors import FlagkeeperError
from flagkeeper.output.text import plural
from flagkeeper.paths import display_path
from flagkeeper.services.pull import PROVIDERS, pull_state, write_state
from flagkeeper.services.settings import PullSettings


@click.command()
@click.argument("provider", type=click.Choice(PROVIDERS))
@CONFIG_OPTION
@click.option("--project", metavar="ID", help="The service's project: key (LaunchDarkly, Unleash; default \"default\") or id (Flagsmith, PostHog, GrowthBook).")
@click.option("--environment", "environments", multiple=True, metavar="NAME",
              help="Only this environment (repeatable; default: all). For PostHog and flagd: the name to write (default \"default\").")  # fmt: skip
@click.option("--url", metavar="URL", help="The service's base URL (default: the provider's environment variable, else its cloud).")
@click.option("--source", metavar="FILE|URL", help="flagd: the flag definition file or its URL.")
@click.option("--state", "state_file", type=click.Path(path_type=Path, dir_okay=False), help="The state file (default: the config's flag-state).")
@click.option("--dry-run", is_flag=True, help="Show how the state file would change; write nothing.")
def pull(
    provider: str, config_file: Path | None, project: str | None, environments: tuple[str, ...], url: str | None, source: str | None,
    state_file: Path | None, dry_run: bool,
) -> None:  # fmt: skip
    """Read flag definitions and per-environment state from PROVIDER into the state file.

    \b
    Credentials come from environment variables only (docs/flag-services.md):
      launchdarkly  LD_ACCESS_TOKEN            unleash    UNLEASH_API_TOKEN, UNLEASH_URL
      flagsmith     FLAGSMITH_API_KEY          posthog    POSTHOG_PERSONAL_API_KEY
      growthbook    GROWTHBOOK_API_KEY         flagd      none (--source FILE|URL)

    The file is rewritten only when something changed. Exit 0 on success, 2 when the service
    cannot be read (unreachable, credential refused, unexpected answer): the file is untouched.
    """
    try:
        config = load_config([Path(".")], config_file)
        root = config.root
        target = state_file or config.flag_state  # the config's `flag-state`, where the rules read it
        settings = PullSettings(root=root, project=project, environments=environments, url=url, source=source)
        outcome = pull_state(provider, settings, target)
        shown = display_path(target.resolve())
        if dry_run:
            click.echo(outcome.diff(shown) or f"{shown} is up to date", nl=not outcome.changed)
            return
        write_state(outcome, target)
    except FlagkeeperError as error:
        fail(error)
    verb = ("wrote" if outcome.old_text is None else "updated") if outcome.changed else "unchanged:"
    click.echo(f"{verb} {shown}: {plural(len(outcome.state.flags), 'flag')} from {provider}", err=True)

"""Find and validate the configuration: `[tool.flagkeeper]` in pyproject.toml or a flagkeeper.toml.

Each path is judged by the nearest config above it, as in ruff's hierarchical model: the first
flagkeeper.toml, or pyproject.toml with a `[tool.flagkeeper]` table, wins. Its folder is the
project root: every relative path in the configuration is relative to it, also in settings it
inherits through `extend`. Command-line options override (`--config KEY=VALUE` one setting).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from flagkeeper.errors import FlagkeeperError
from flagkeeper.paths import inside_root, repository_root

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants  # type: ignore[attr-defined]  # no stubs; stable since 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - exercised only on Python 3.10
    import sre_constants
    import sre_parse
from flagkeeper.tomlread import key_line, parse_config_toml, parse_toml, read_text

FLAG_TYPES = ("release", "experiment", "operational", "kill-switch", "permission")

# Unleash's flag types: release and experiment flags live 40 days, operational 7, the rest forever.
DEFAULT_LIFETIMES: dict[str, int | None] = {
    "release": 40,
    "experiment": 40,
    "operational": 7,
    "kill-switch": None,
    "permission": None,
}
MAX_LIFETIME = 36525  # a hundred years: beyond, say "permanent"

# LaunchDarkly's "launched": one value served to everyone for 7 days.
DEFAULT_LAUNCHED_DAYS = 7

# A syntax tree takes over a hundred times its source in memory: 5 MB is far above hand-written
# code and keeps one file's analysis under about a gigabyte.
DEFAULT_MAX_FILE_SIZE = 5.0

# The case transforms an `[aliases]` table may name (flagkeeper/project/aliases.py spells them).
ALIAS_CASES = ("camelCase", "PascalCase", "snake_case", "UPPER_SNAKE", "kebab-case", "dot.case")
KEY_PLACEHOLDER = "{key}"


class AliasConfig(msgspec.Struct, frozen=True):
    """How a key may be spelled outside Python, from the config's or a pack's `[aliases]` table
    (docs/text-references.md): prefixes to strip, case transforms, and per file glob a regular
    expression in which `{key}` stands for any spelling of a key."""

    strip_prefixes: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    patterns: tuple[tuple[str, str], ...] = ()  # (file glob, regular expression with {key})

    def __add__(self, other: AliasConfig) -> AliasConfig:
        def union(first: tuple[Any, ...], second: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(dict.fromkeys(first + second))

        return AliasConfig(
            union(self.strip_prefixes, other.strip_prefixes), union(self.cases, other.cases), union(self.patterns, other.patterns)
        )


class Config(msgspec.Struct, frozen=True):
    """The settings of one run; paths are absolute."""

    root: Path
    source: Path | None = None
    src: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    registry: Path = Path("flags.toml")
    registry_named: bool = False  # named by the config: then a missing file is an error
    entry_points: tuple[str, ...] = ()
    rule_packs: tuple[str, ...] = ()
    extend_rule_packs: tuple[str, ...] = ()  # added to what `rule-packs` selects, as `extend-select` is to `select`
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    critical: tuple[str, ...] = ()
    flags_off: tuple[str, ...] = ()
    baseline: Path | None = None
    lifetimes: dict[str, int | None] = msgspec.field(default_factory=lambda: dict(DEFAULT_LIFETIMES))
    key_patterns: dict[str, str] = msgspec.field(default_factory=dict)
    max_file_size: float = DEFAULT_MAX_FILE_SIZE  # MB; larger Python files are reported (FK000), not parsed
    # Flag definition files (flagd, OpenFeature manifest, Unleash or LaunchDarkly export) whose
    # flags the registry adds to those of flags.toml and code registrations.
    registry_sources: tuple[Path, ...] = ()
    # Every registered flag needs a flags.toml entry (owner, type, expiry), not only those in it.
    require_registry_entry: bool = False
    # Dead-code findings (FK006, FK007) less sure than this percentage are not reported.
    min_confidence: int = 0
    # ruff's names: added to `exclude`, `select` and `ignore` rather than replacing them;
    # `force-exclude` applies the excludes to paths named on the command line too (pre-commit).
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    # FK002 is a warning for this many days after a flag's expiry, an error after; None: a warning always.
    expiry_grace_days: int | None = None
    aliases: AliasConfig = AliasConfig()  # how keys are spelled in frontends and other text files
    text_references_exclude: tuple[str, ...] = ()  # globs of text files that name keys without reading them
    # FK013: calls that only tell someone (added to the rule's defaults) and calls that stop the program.
    alert_calls: tuple[str, ...] = ()
    halt_calls: tuple[str, ...] = ()
    # The flag-service state file (`flagkeeper pull`); read when it exists, an error when named and missing.
    flag_state: Path = Path("flag-state.toml")
    flag_state_named: bool = False
    launched_days: int = DEFAULT_LAUNCHED_DAYS  # served as one value everywhere this long: launched (FK014)

    @property
    def project_packs(self) -> tuple[Path, ...]:
        """The project's own packs: the .toml paths `rule-packs` and `extend-rule-packs` name, in order."""
        entries = (*self.rule_packs, *self.extend_rule_packs)
        return tuple(dict.fromkeys(self.root / entry for entry in entries if entry.endswith(".toml")))

    def with_overrides(self, **overrides: Any) -> Config:
        """A copy with the command line's non-empty values applied."""
        return msgspec.structs.replace(self, **{name: value for name, value in overrides.items() if value})


def _may_backtrack(items: Any, repeated: bool = False) -> bool:
    """Does a parsed pattern repeat a part that itself repeats or alternates, as `(a+)+` or `(a|ab)*` do?"""
    for op, argument in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, body = argument
            if repeated or _may_backtrack(body, repeated=high > 1):
                return True
        elif repeated and op is sre_constants.BRANCH:
            return True
        else:  # groups, lookarounds, alternatives: the parts inside
            parts = argument if isinstance(argument, (list, tuple)) else [argument]
            nested = [part for part in parts if isinstance(part, sre_parse.SubPattern)]
            nested += [branch for part in parts if isinstance(part, list) for branch in part if isinstance(branch, sre_parse.SubPattern)]
            if any(_may_backtrack(part, repeated) for part in nested):
                return True
    return False


def compile_key_pattern(text: str) -> re.Pattern[str]:
    """Compile a `key-pattern`; raises re.error for an invalid one, and for one whose matching time
    may grow exponentially with the key (Python's re backtracks, and keys come from the scanned code)."""
    pattern = re.compile(text)
    if _may_backtrack(sre_parse.parse(text)):
        raise re.error("a repeated part repeats or alternates again inside (as in (a+)+ or (a|ab)*): it can take exponential time")
    return pattern


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _string_table(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
        return dict(value)
    return None


def _list_table(value: Any) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, dict):
        return None
    converted = {glob: _string_list(codes) for glob, codes in value.items()}
    if any(codes is None for codes in converted.values()):
        return None
    return {glob: codes for glob, codes in converted.items() if codes is not None}


def _lifetimes(value: Any) -> dict[str, int | None] | None:
    if not isinstance(value, dict) or not set(value) <= set(FLAG_TYPES):
        return None
    lifetimes = dict(DEFAULT_LIFETIMES)
    for flag_type, days in value.items():
        if days == "permanent":
            lifetimes[flag_type] = None
        elif isinstance(days, int) and not isinstance(days, bool) and 0 < days <= MAX_LIFETIME:
            lifetimes[flag_type] = days
        else:
            return None
    return lifetimes


def _percent(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100 else None
def _days(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LIFETIME else None


def parse_aliases(value: Any) -> AliasConfig:
    """An `[aliases]` table; raises ValueError naming what is wrong with it."""
    known = {"strip-prefixes", "cases", "patterns"}
    if not isinstance(value, dict) or not set(value) <= known:
        raise ValueError("must be a table of strip-prefixes, cases and patterns")
    prefixes, cases = _string_list(value.get("strip-prefixes", [])), _string_list(value.get("cases", []))
    if prefixes is None or not all(prefixes):
        raise ValueError("'strip-prefixes' must be a list of non-empty strings")
    if cases is None or not set(cases) <= set(ALIAS_CASES):
        raise ValueError(f"'cases' must be a list of {', '.join(ALIAS_CASES)}")
    patterns = _string_table(value.get("patterns", {}))
    if patterns is None:
        raise ValueError("'patterns' must be a table of file glob = regular expression with {key}")
    for glob, pattern in patterns.items():
        if pattern.count(KEY_PLACEHOLDER) != 1:
            raise ValueError(f"patterns.'{glob}' must hold {KEY_PLACEHOLDER} once")
        try:
            compile_key_pattern(pattern.replace(KEY_PLACEHOLDER, "(?:key)"))
        except re.error as exc:
            raise ValueError(f"patterns.'{glob}': invalid regular expression: {exc}") from None
    return AliasConfig(prefixes, cases, tuple(patterns.items()))


def _megabytes(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf"):
        return float(value)
    return None


# key -> (converter returning None when the value has the wrong shape, what the value must be)
_KEYS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "src": (_string_list, "a list of folders"),
    "exclude": (_string_list, "a list of glob patterns"),
    "registry": (_string, "a path"),
    "entry-points": (_string_list, "a list of module names"),
    "rule-packs": (_string_list, "a list of pack names or .toml paths"),
    "extend-rule-packs": (_string_list, "a list of pack names or .toml paths"),
    "select": (_string_list, "a list of rule codes"),
    "ignore": (_string_list, "a list of rule codes"),
    "per-file-ignores": (_list_table, "a table of glob = [rule codes]"),
    "critical": (_string_list, "a list of dotted function names"),
    "flags-off": (_string_list, "a list of flag keys that are off for good"),
    "baseline": (_string, "a path"),
    "lifetimes": (_lifetimes, f"a table of flag type ({', '.join(FLAG_TYPES)}) = days (1 to {MAX_LIFETIME}) or \"permanent\""),
    "key-patterns": (_string_table, "a table of pack name = regular expression"),
    "max-file-size": (_megabytes, "a positive number of megabytes"),
    "registry-sources": (_string_list, "a list of paths of flag definition files (flagd, OpenFeature, Unleash, LaunchDarkly)"),
    "require-registry-entry": (_boolean, "true or false"),
    "min-confidence": (_percent, "a whole percentage from 0 to 100"),
    "extend-exclude": (_string_list, "a list of glob patterns"),
    "force-exclude": (_boolean, "true or false"),
    "extend-select": (_string_list, "a list of rule codes"),
    "extend-ignore": (_string_list, "a list of rule codes"),
    "expiry-grace-days": (_days, f"a number of days (0 to {MAX_LIFETIME})"),
    "aliases": (parse_aliases, "a table: strip-prefixes (strings), cases (of " + ", ".join(ALIAS_CASES) + "), patterns (glob = regex with {key})"),
    "text-references-exclude": (_string_list, "a list of glob patterns"),
    "alert-calls": (_string_list, "a list of dotted call names or glob patterns"),
    "halt-calls": (_string_list, "a list of dotted call names or glob patterns"),
    "flag-state": (_string, "the path of the flag-service state file that `flagkeeper pull` writes"),
    "launched-days": (_days, f"a number of days (0 to {MAX_LIFETIME})"),
}

CONFIG_KEYS = tuple(_KEYS)


def _tool_table(pyproject: Path) -> dict[str, Any] | None:
    """`[tool.flagkeeper]` of a pyproject.toml, None when it has none; a `tool` or section of another shape is an error."""
    text = read_text(pyproject)
    tool = parse_config_toml(text, pyproject).get("tool", {})
    if not isinstance(tool, dict):
        raise FlagkeeperError("'tool' must be a table", pyproject, key_line(text, "tool"))
    table = tool.get("flagkeeper")
    if table is not None and not isinstance(table, dict):
        raise FlagkeeperError("[tool.flagkeeper] must be a table", pyproject, key_line(text, "flagkeeper"))
    return table


def _require_inside(source: Path, values: dict[str, Any], line_of: Callable[[str], int | None]) -> None:
    """Files the config names lie inside the project root, links resolved: a checkout's config must
    not make a run read (or a registry edit write) files elsewhere. The command line may name any."""
    named = [("registry", values.get("registry", "flags.toml")), ("baseline", values.get("baseline"))]
    named += [(key, pack) for key in ("rule-packs", "extend-rule-packs") for pack in values.get(key, ()) if pack.endswith(".toml")]
    named += [("registry-sources", path) for path in values.get("registry-sources", ())]
    named += [("flag-state", values.get("flag-state", "flag-state.toml"))]  # the default too, as for the registry
    root = source.parent.resolve()
    for key, value in named:
        if value is not None and inside_root((root / value).resolve(), root) is None:
            message = f"'{key}' names '{value}', which leads outside the project root (only a path given on the command line may be)"
            raise FlagkeeperError(message, source, line_of(key))


def _config_table(path: Path) -> dict[str, Any]:
    """The flagkeeper table of a pyproject.toml (empty without one) or of a flagkeeper.toml."""
    return (_tool_table(path) or {}) if path.name == "pyproject.toml" else parse_config_toml(read_text(path), path)


class Settings(msgspec.Struct, frozen=True):
    """A config table with its `extend` chain merged in (the extending file's values win), the
    command line's `--config KEY=VALUE` on top, and where each value came from."""

    source: Path | None
    table: dict[str, Any]
    origins: dict[str, str]  # key -> the file that set it, or `--config`


def _extended(source: Path, table: dict[str, Any], seen: tuple[Path, ...] = ()) -> Settings:
    """`table` read from `source`, with the settings of the file its `extend` names underneath."""
    own = {key: value for key, value in table.items() if key != "extend"}
    origins = dict.fromkeys(own, str(source))
    if seen:  # an extended file's own values, checked here so that an error names that file, not the one extending it
        for key, raw in own.items():
            try:
                _convert(key, raw)
            except ValueError as exc:
                raise FlagkeeperError(str(exc), source, key_line(read_text(source), key)) from None
    if "extend" not in table:
        return Settings(source, own, origins)
    line = key_line(read_text(source), "extend")
    if not isinstance(table["extend"], str) or not table["extend"].endswith(".toml"):
        raise FlagkeeperError("'extend' must be the path of a pyproject.toml or flagkeeper.toml", source, line)
    parent = (source.parent / table["extend"]).resolve()
    if parent in (source, *seen):
        raise FlagkeeperError(f"'extend' names '{table['extend']}', which extends this file again", source, line)
    if not parent.is_file():
        raise FlagkeeperError(f"'extend' names '{table['extend']}', which does not exist", source, line)
    if not _may_extend(source, parent):
        raise FlagkeeperError(f"'extend' names '{table['extend']}', which leads outside the repository", source, line)
    inherited = _extended(parent, _config_table(parent), (*seen, source))
    return Settings(source, {**inherited.table, **own}, {**inherited.origins, **origins})


CONFIG_FILE_NAMES = ("flagkeeper.toml", "pyproject.toml")  # what discovery reads in each folder


def _may_extend(source: Path, target: Path) -> bool:
    """A checkout cannot send the run out of it: `extend` names a file of the repository, or a
    config file that discovery would read anyway (a pyproject.toml or flagkeeper.toml in a folder
    above `source`)."""
    if inside_root(target, repository_root(source.parent)) is not None:
        return True
    return target.name in CONFIG_FILE_NAMES and target.parent in source.parents


def parse_override(text: str) -> tuple[str, Any]:
    """`--config KEY=VALUE` (VALUE in TOML syntax) -> (key, value), validated as in a config file."""
    try:
        table = parse_toml(text, Path("--config"))
    except FlagkeeperError:
        table = {}
    if len(table) != 1 or "=" not in text:
        raise FlagkeeperError(f"--config '{text}' is neither a config file nor KEY = VALUE in TOML syntax (e.g. min-confidence = 80)")
    [(key, value)] = table.items()
    try:
        _convert(key, value)
    except ValueError as exc:
        raise FlagkeeperError(f"--config '{text}': {exc}") from None
    return key, value


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest flagkeeper.toml, or pyproject.toml with [tool.flagkeeper], at or above start."""
    folder = start if start.is_dir() else start.parent
    return next((found for candidate in (folder, *folder.parents) if (found := config_file_in(candidate)) is not None), None)


def config_file_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The config file of `folder` itself: its flagkeeper.toml, else its pyproject.toml when that has [tool.flagkeeper]."""
    own = folder / "flagkeeper.toml"
    if own.is_file():
        return own, parse_config_toml(read_text(own), own)
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        table = _tool_table(pyproject)
        if table is not None:
            return pyproject, table
    return None


def _convert(key: str, raw: Any) -> Any:
    """The value of config key `key`; raises ValueError saying what is wrong with the key or the value."""
    if key not in _KEYS:
        raise ValueError(f"unknown configuration key '{key}' (known: {', '.join(_KEYS)})")
    convert, expected = _KEYS[key]
    try:
        value = convert(raw)
    except ValueError as exc:  # a converter that can say what is wrong
        raise ValueError(f"'{key}' {exc}") from None
    if value is None:
        raise ValueError(f"'{key}' must be {expected}")
    return value


def parse_config(table: dict[str, Any], source: Path, given: bool = False) -> Config:
    """Validate a configuration table read from `source`; unknown keys and bad values are errors.

    A config found in the checkout names files inside the project root only; one `given` on the
    command line (--config) is the user's choice, as a --registry path is, and may name any."""
    def line_of(key: str) -> int | None:  # read again only to point at the offending line
        return key_line(read_text(source), key) if source.is_file() else None

    values: dict[str, Any] = {}
    for key, raw in table.items():
        try:
            values[key] = _convert(key, raw)
        except ValueError as exc:
            raise FlagkeeperError(str(exc), source, line_of(key)) from None
    root = source.parent
    if not given:
        _require_inside(source, values, line_of)
    for key, value in values.get("key-patterns", {}).items():
        try:
            compile_key_pattern(value)
        except re.error as exc:
            raise FlagkeeperError(f"key-patterns.{key}: invalid regular expression: {exc}", source, line_of(key)) from None
    return Config(
        root=root,
        source=source,
        src=tuple(root / folder for folder in values.get("src", (".", "src"))),
        exclude=values.get("exclude", ()),
        registry=root / values.get("registry", "flags.toml"),
        registry_named="registry" in values,
        entry_points=values.get("entry-points", ()),
        rule_packs=values.get("rule-packs", ()),
        extend_rule_packs=values.get("extend-rule-packs", ()),
        select=values.get("select", ()),
        ignore=values.get("ignore", ()),
        per_file_ignores=values.get("per-file-ignores", {}),
        critical=values.get("critical", ()),
        flags_off=values.get("flags-off", ()),
        baseline=root / values["baseline"] if "baseline" in values else None,
        lifetimes=values.get("lifetimes", dict(DEFAULT_LIFETIMES)),
        key_patterns=values.get("key-patterns", {}),
        max_file_size=values.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
        registry_sources=tuple(root / path for path in values.get("registry-sources", ())),
        require_registry_entry=values.get("require-registry-entry", False),
        min_confidence=values.get("min-confidence", 0),
        extend_exclude=values.get("extend-exclude", ()),
        force_exclude=values.get("force-exclude", False),
        extend_select=values.get("extend-select", ()),
        extend_ignore=values.get("extend-ignore", ()),
        expiry_grace_days=values.get("expiry-grace-days"),
        aliases=values.get("aliases", AliasConfig()),
        text_references_exclude=values.get("text-references-exclude", ()),
        alert_calls=values.get("alert-calls", ()),
        halt_calls=values.get("halt-calls", ()),
        flag_state=root / values.get("flag-state", "flag-state.toml"),
        flag_state_named="flag-state" in values,
        launched_days=values.get("launched-days", DEFAULT_LAUNCHED_DAYS),
    )


def find_settings(start: Path, config_file: Path | None = None, overrides: tuple[str, ...] = (), isolated: bool = False) -> Settings:
    """The settings that judge the file or folder `start`: those of the given config file, else of
    the nearest one above it (none with `isolated`), with `overrides` (`--config KEY=VALUE`) on top."""
    if config_file is not None:
        settings = _extended(config_file.resolve(), _config_table(config_file))
    elif not isolated and (found := find_config_file(start.resolve())) is not None:
        settings = _extended(found[0].resolve(), found[1])
    else:
        settings = Settings(None, {}, {})
    inline = dict(parse_override(text) for text in overrides)
    return Settings(settings.source, {**settings.table, **inline}, {**settings.origins, **dict.fromkeys(inline, "--config")})


def settings_config(settings: Settings, default_root: Path, given: bool = False) -> Config:
    """The Config of `settings`; without a config file, the defaults rooted at `default_root`."""
    if settings.source is None:
        # parse_config's defaults are those of a config file in default_root; it has none to name
        return msgspec.structs.replace(parse_config(settings.table, default_root / "flagkeeper.toml", given=True), source=None)
    return parse_config(settings.table, settings.source, given=given)


def load_config(paths: list[Path], config_file: Path | None = None) -> Config:
    """The configuration for a run over `paths`: the given file, the one nearest the first path, or defaults."""
    start = paths[0].resolve()
    return settings_config(find_settings(start, config_file), start if start.is_dir() else start.parent, given=config_file is not None)

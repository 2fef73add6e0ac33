"""Rule packs: declarative TOML files that say which calls read a flag, which code registers one
and which code overrides one in tests (see docs/rule-packs.md).

`load_matcher` reads the active packs once per run; the resulting `Matcher` is what per-file
analysis asks "does this call read a flag, and where is its key?".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from flagkeeper.config import AliasConfig, Config, compile_key_pattern, parse_aliases
from flagkeeper.errors import FlagkeeperError
from flagkeeper.tomlread import key_line, load_toml


def shipped_packs_dir() -> Path:
    """rules/ inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).parent.parent
    installed = package / "rules"
    return installed if installed.is_dir() else package.parent / "rules"


class ArgSpec(msgspec.Struct, frozen=True):
    """Where an argument sits in a call: by position, by one of its keyword names, or either."""

    position: int | None
    keywords: tuple[str, ...]


class ReadPattern(msgspec.Struct, frozen=True):
    """One `[[read]]` of a pack: a call or subscript that reads a flag."""

    pack: str
    pattern: str
    is_subscript: bool
    key: ArgSpec | None
    default: ArgSpec | None
    # A flags mapping (`get_flags()`, `config["FLAGS"]`): `M[key]`, `M.get(key, default)` and
    # `key in M` read flags.
    is_mapping: bool = False
    # `attribute-of`: `settings.FLAG` reads the flag FLAG of the object `pattern` names;
    # `registered-only`: such a read counts only for a key some registry source registers.
    is_attribute: bool = False
    registered_only: bool = False
    language: str = "python"  # or SCRIPT: JavaScript and TypeScript files (analysis/javascript.py)


PYTHON, SCRIPT = "python", "typescript"  # the languages a [[read]] may name
REGISTRY_FIELDS = ("type", "owner", "description", "expires", "default")


class RegisterPattern(msgspec.Struct, frozen=True):
    """One `[[register]]` of a pack: a call that registers a flag, or a module-level dict literal
    whose keys are flags (`assign`)."""

    pack: str
    pattern: str
    is_assign: bool
    key: ArgSpec | None = None  # calls: where the key is
    receiver: str | None = None  # calls: the dotted name the method must be called on
    fields: tuple[tuple[str, ArgSpec], ...] = ()  # calls: registry field -> its argument
    comment_fields: re.Pattern[str] | None = None  # assigns: named groups lift fields from a key's comment


class OverridePattern(msgspec.Struct, frozen=True):
    """One `[[override]]` of a pack: a call (also a decorator or a `with` item) that sets a flag
    for a test or a settings block. Its keys are the `key` argument (a string, a list of keys, or
    a dict literal of key -> value) or, with `keywords_are_keys`, the call's keyword names."""

    pack: str
    pattern: str
    key: ArgSpec | None
    receiver: str | None = None
    keywords_are_keys: bool = False
    value: ArgSpec | None = None  # where the overridden value is, when the key argument does not carry it
    registered_only: bool = False  # counts only for a key some registry source registers (`override_settings(DEBUG=True)`)


class Pack(msgspec.Struct, frozen=True):
    name: str
    description: str
    path: Path
    reads: tuple[ReadPattern, ...]
    key_pattern: re.Pattern[str] | None
    fallback: bool
    registers: tuple[RegisterPattern, ...] = ()
    aliases: AliasConfig = AliasConfig()  # how the SDK's frontend spells keys (React: camelCase)
    overrides: tuple[OverridePattern, ...] = ()


class _DottedName:
    """A pack's name pattern: `a.b.c` matches that dotted name, `*.b.c` also any name ending `.b.c`.

    Two string tests rather than a regular expression: compiling one per pattern of every active
    pack was a tenth of a warm `check` of a small project, and the tests are faster to run too.
    (A plain class: generating a dataclass's methods costs a millisecond at every start.)"""

    __slots__ = ("name", "any_prefix")

    def __init__(self, name: str, any_prefix: bool):
        self.name, self.any_prefix = name, any_prefix

    @classmethod
    def of(cls, pattern: str) -> _DottedName:
        return cls(pattern[2:], True) if pattern.startswith("*.") else cls(pattern, False)

    def match(self, dotted: str) -> bool:
        return dotted == self.name or (self.any_prefix and dotted.endswith("." + self.name))


_CallPattern = TypeVar("_CallPattern", RegisterPattern, OverridePattern)


class _CallIndex(Generic[_CallPattern]):
    """Call patterns by the callee's last name: nearly every call is ruled out by a dict lookup."""

    def __init__(self, patterns: list[_CallPattern]):
        self.patterns: list[_CallPattern] = patterns
        self._by_last_name: dict[str, list[tuple[_CallPattern, _DottedName]]] = {}
        for pattern in patterns:
            self._by_last_name.setdefault(pattern.pattern.rpartition(".")[2], []).append((pattern, _DottedName.of(pattern.pattern)))

    def ends_a_pattern(self, name: str) -> bool:
        return name in self._by_last_name

    def matching(self, dotted: str) -> Iterator[_CallPattern]:
        for pattern, regex in self._by_last_name.get(dotted.rpartition(".")[2], ()):
            if regex.match(dotted):
                yield pattern


class Matcher:
    """Answers which pack, if any, reads a flag through a given callee or subscripted name."""

    def __init__(self, packs: list[Pack]):
        self.packs = packs
        self._by_name = {pack.name: pack for pack in packs}
        # A project's own packs know its calls better than a shipped pack does: they are tried first.
        shipped = shipped_packs_dir()
        ordered = sorted(packs, key=lambda pack: (pack.fallback, pack.path.parent == shipped))
        python = [read for pack in ordered for read in pack.reads if read.language == PYTHON]
        reads = [(read, _DottedName.of(read.pattern)) for read in python if not (read.is_mapping or read.is_attribute)]
        # Nearly every call in a file reads no flag: a dict lookup on the callee's last name rules
        # it out, before its dotted name is built, and leaves the few patterns worth testing.
        self._reads_by_last_name: dict[str, list[tuple[ReadPattern, _DottedName]]] = {}
        for read, regex in reads:
            self._reads_by_last_name.setdefault(read.pattern.rpartition(".")[2], []).append((read, regex))
        self._register_calls: _CallIndex[RegisterPattern] = _CallIndex([register for pack in ordered for register in pack.registers if not register.is_assign])
        self._override_calls: _CallIndex[OverridePattern] = _CallIndex([override for pack in ordered for override in pack.overrides])
        self._assigns = [(register, _DottedName.of(register.pattern)) for pack in ordered for register in pack.registers if register.is_assign]
        # A registry mapping is read where it is looked up: `DEFAULT_FEATURE_FLAGS["X"]` (seen on
        # Redash, whose organisation settings' defaults dict is subscripted by its keys). Only for
        # a registered key: the accessor wrapping the dict (`DEFAULTS.get(name)`) is no FK009.
        registry_mappings = [
            ReadPattern(register.pack, register.pattern, False, None, None, is_mapping=True, registered_only=True) for register, _ in self._assigns
        ]
        self._mappings = [(read, _DottedName.of(read.pattern)) for read in [*python, *registry_mappings] if read.is_mapping]
        self._attributes = [(read, _DottedName.of(read.pattern)) for read in python if read.is_attribute]
        self.script_reads = ScriptReads([read for pack in ordered for read in pack.reads if read.language == SCRIPT])

    @property
    def reads_mappings(self) -> bool:
        return bool(self._mappings)

    def mapping(self, name: str) -> ReadPattern | None:
        """The first `[[read]]` whose `mapping` matches a mapping expression's resolved name."""
        return next((read for read, regex in self._mappings if regex.match(name)), None)

    def ends_a_pattern(self, name: str) -> bool:
        """Can a call or subscript whose dotted name ends in `name` read a flag?"""
        return name in self._reads_by_last_name

    def candidates(self, dotted: str, is_subscript: bool) -> Iterator[ReadPattern]:
        """The reads whose pattern matches, in order: specific packs first, each in file order."""
        for read, regex in self._reads_by_last_name.get(dotted.rpartition(".")[2], ()):
            if read.is_subscript == is_subscript and regex.match(dotted):
                yield read

    @property
    def reads_attributes(self) -> bool:
        return bool(self._attributes)

    def attribute(self, name: str) -> ReadPattern | None:
        """The first `[[read]]` whose `attribute-of` matches the resolved name of the object an attribute is read from."""
        return next((read for read, regex in self._attributes if regex.match(name)), None)

    def registrations(self, dotted: str) -> Iterator[RegisterPattern]:
        """The `[[register]]` calls whose pattern matches the callee's resolved dotted name."""
        return self._register_calls.matching(dotted)

    @property
    def registers_flags(self) -> bool:
        """Does any active pack have a `[[register]]`? (Most projects' packs do not.)"""
        return bool(self._register_calls.patterns or self._assigns)

    def registers_calls_named(self, name: str) -> bool:
        return self._register_calls.ends_a_pattern(name)

    def overrides(self, dotted: str) -> Iterator[OverridePattern]:
        """The `[[override]]` calls whose pattern matches the callee's resolved dotted name."""
        return self._override_calls.matching(dotted)

    @property
    def overrides_flags(self) -> bool:
        return bool(self._override_calls.patterns)

    def overrides_calls_named(self, name: str) -> bool:
        return self._override_calls.ends_a_pattern(name)

    def registry_assigns(self, module: str) -> dict[str, RegisterPattern]:
        """Module-level names of `module` bound to a registry mapping: NAME -> its `[[register]]`."""
        return {
            register.pattern.rpartition(".")[2]: register
            for register, regex in self._assigns
            if regex.match(module + "." + register.pattern.rpartition(".")[2])
        }

    def is_flag_key(self, pack: str, key: str) -> bool:
        """False for a key the pack's key-pattern excludes (an environment variable like HOME)."""
        pattern = self._by_name[pack].key_pattern
        return pattern is None or pattern.search(key) is not None

    def reports_dynamic_keys(self, pack: str) -> bool:
        return self._by_name[pack].key_pattern is None


class ScriptReads:
    """The `[[read]]`s of JavaScript and TypeScript files: calls, and mappings (`useFlags()`)
    whose members are flags; the same order as Python reads (specific packs, then fallbacks)."""

    def __init__(self, reads: list[ReadPattern]):
        self._calls = [(read, _DottedName.of(read.pattern)) for read in reads if not read.is_mapping]
        self._mappings = [(read, _DottedName.of(read.pattern.removesuffix("()"))) for read in reads if read.is_mapping and read.pattern.endswith("()")]
        # A name that is a mapping (`clientConfig.showBeta`): its members are read as a bound name's.
        self.mapping_variables = {read.pattern: read for read in reversed(reads) if read.is_mapping and not read.pattern.endswith("()")}

    def __bool__(self) -> bool:
        return bool(self._calls or self._mappings or self.mapping_variables)

    @functools.cached_property
    def call_names(self) -> frozenset[str]:
        """The last names of callees that may read a flag (the parser's query keeps only these)."""
        return frozenset(read.pattern.rpartition(".")[2] for read, _ in self._calls)

    @functools.cached_property
    def mapping_names(self) -> frozenset[str]:
        return frozenset(read.pattern.removesuffix("()").rpartition(".")[2] for read, _ in self._mappings)

    def calls(self, dotted: str) -> Iterator[ReadPattern]:
        return (read for read, regex in self._calls if regex.match(dotted))

    def mapping(self, dotted: str) -> ReadPattern | None:
        """The mapping whose function `dotted` (a callee, without the call's `()`) returns."""
        return next((read for read, regex in self._mappings if regex.match(dotted)), None)


_PACK_FIELDS = {"name", "description", "url", "key-pattern", "fallback"}
_READ_FIELDS = {"call", "subscript", "mapping", "attribute-of", "registered-only", "key", "default", "language"}
_READ_KINDS = ("call", "subscript", "mapping", "attribute-of")
_REGISTER_FIELDS = {"call", "assign", "key", "receiver", "comment-fields", *REGISTRY_FIELDS}
_OVERRIDE_FIELDS = {"call", "key", "receiver", "keywords-are-keys", "value", "registered-only"}
_RECEIVER = r"\w+(?:\.\w+)*"
_DOTTED = r"(?:\*\.)?[\w()]+(?:\.[\w()]+)*(?<!\(\))"
# In JavaScript a mapping is what a function returns (`useFlags()`, `*.allFlags()`) or a name
# imported or declared in the file (`clientConfig`).
_SCRIPT_MAPPING = r"(?:\*\.)?\w+(?:\.\w+)*\(\)|\w+"
# A mapping's name may also end in a call and hold subscripts by string: `app.flags()`, `config["FLAGS"]`.
_MAPPING = r"(?:\*\.)?\w+(?:\(\)|\[\"[^\"\\]*\"\]|\.\w+)*"


class _PackReader:
    """Validates one pack file; every error names the file and, where it can, the line."""

    def __init__(self, path: Path):
        self.path = path
        self.data = load_toml(path)

    def fail(self, message: str, near: str | None = None) -> FlagkeeperError:
        line = key_line(self.path.read_text(encoding="utf-8"), near) if near else None
        return FlagkeeperError(f"invalid rule pack: {message}", self.path, line)

    def check_table(self, raw: Any, table: str, known: set[str]) -> None:
        """`raw` is a table (of `[[table]]`, or the `[pack]` header) with no field outside `known`."""
        shown = "[pack]" if table == "pack" else f"[[{table}]]"
        if not isinstance(raw, dict):
            raise self.fail(f"each {shown} must be a table", table)
        unknown = sorted(set(raw) - known)
        if unknown:
            raise self.fail(f"unknown field '{unknown[0]}' in {shown} (known: {', '.join(sorted(known))})", unknown[0])

    def arg_spec(self, raw: Any, field_name: str) -> ArgSpec:
        if not isinstance(raw, dict) or not raw or not set(raw) <= {"position", "keyword"}:
            raise self.fail(f"'{field_name}' must be a table with 'position' and/or 'keyword'", field_name)
        position, keyword = raw.get("position"), raw.get("keyword", [])
        if position is not None and (not isinstance(position, int) or isinstance(position, bool) or position < 0):
            raise self.fail(f"'{field_name}.position' must be a whole number from 0", field_name)
        keywords = [keyword] if isinstance(keyword, str) else keyword
        if not isinstance(keywords, list) or not all(isinstance(name, str) and name.isidentifier() for name in keywords):
            raise self.fail(f"'{field_name}.keyword' must be a parameter name or a list of them", field_name)
        return ArgSpec(position, tuple(keywords))

    def read_pattern(self, raw: Any, name: str) -> ReadPattern:
        self.check_table(raw, "read", _READ_FIELDS)
        if sum(kind in raw for kind in _READ_KINDS) != 1:
            raise self.fail("each [[read]] needs exactly one of 'call', 'subscript', 'mapping' and 'attribute-of'", "read")
        if "registered-only" in raw and "attribute-of" not in raw:
            raise self.fail("'registered-only' is for an 'attribute-of' [[read]]", "registered-only")
        language = raw.get("language", PYTHON)
        if language not in (PYTHON, SCRIPT):
            raise self.fail(f"'language' must be \"{PYTHON}\" or \"{SCRIPT}\" (which covers JavaScript too)", "language")
        if language == SCRIPT:
            return self.script_pattern(raw, name)
        if "mapping" in raw:
            return self.mapping_pattern(raw, name)
        if "attribute-of" in raw:
            return self.attribute_pattern(raw, name)
        is_subscript = "subscript" in raw
        pattern = raw["subscript" if is_subscript else "call"]
        if not isinstance(pattern, str) or not re.fullmatch(_DOTTED, pattern):
            raise self.fail(f"'{pattern}' is not a dotted name (optionally starting with '*.')", "call")
        if not is_subscript and "key" not in raw:
            raise self.fail(f"[[read]] '{pattern}' needs 'key'", pattern)
        key = self.arg_spec(raw["key"], "key") if "key" in raw else None
        default = self.arg_spec(raw["default"], "default") if "default" in raw else None
        return ReadPattern(name, pattern, is_subscript, key, default)

    def script_pattern(self, raw: Any, name: str) -> ReadPattern:
        """A JavaScript/TypeScript read: a call with the key by position, or a mapping function."""
        if "subscript" in raw:
            raise self.fail("a typescript [[read]] has 'call' or 'mapping' (`flags['k']` is a mapping's member)", "subscript")
        if "attribute-of" in raw:
            raise self.fail("a typescript [[read]] has 'call' or 'mapping': 'attribute-of' is for Python", "attribute-of")
        if "mapping" in raw:
            pattern = raw["mapping"]
            if not isinstance(pattern, str) or not re.fullmatch(_SCRIPT_MAPPING, pattern):
                raise self.fail(f"'{pattern}' is not a call like useFlags() or *.allFlags(), or a name, whose members are flags", "mapping")
            if "key" in raw or "default" in raw:
                raise self.fail(f"[[read]] mapping '{pattern}' takes its keys from the members read: no 'key' or 'default'", "mapping")
            return ReadPattern(name, pattern, False, None, None, is_mapping=True, language=SCRIPT)
        read = self.read_pattern({field: value for field, value in raw.items() if field != "language"}, name)
        for field_name, spec in (("key", read.key), ("default", read.default)):
            if spec is not None and (spec.keywords or spec.position is None):
                raise self.fail(f"JavaScript has no keyword arguments: '{field_name}' of a typescript [[read]] takes only 'position'", field_name)
        return msgspec.structs.replace(read, language=SCRIPT)

    def mapping_pattern(self, raw: Any, name: str) -> ReadPattern:
        pattern = raw["mapping"]
        if not isinstance(pattern, str) or not re.fullmatch(_MAPPING, pattern):
            raise self.fail(f"'{pattern}' is not a mapping expression like app.flags.get_flags() or config[\"FLAGS\"]", "mapping")
        if "key" in raw or "default" in raw:
            raise self.fail(f"[[read]] mapping '{pattern}' takes its key from the subscript, .get() or `in`: no 'key' or 'default'", "mapping")
        return ReadPattern(name, pattern, False, None, None, is_mapping=True)

    def attribute_pattern(self, raw: Any, name: str) -> ReadPattern:
        pattern = raw["attribute-of"]
        if not isinstance(pattern, str) or not re.fullmatch(r"(?:\*\.)?" + _RECEIVER, pattern):
            raise self.fail(f"'{pattern}' is not a dotted name like django.conf.settings", "attribute-of")
        if "key" in raw or "default" in raw:
            raise self.fail(f"[[read]] attribute-of '{pattern}' takes its key from the attribute's name: no 'key' or 'default'", "attribute-of")
        return ReadPattern(name, pattern, False, None, None, is_attribute=True, registered_only=self.flag(raw, "registered-only"))

    def flag(self, raw: Any, field_name: str) -> bool:
        """A true-or-false field, false when absent."""
        value = raw.get(field_name, False)
        if not isinstance(value, bool):
            raise self.fail(f"'{field_name}' must be true or false", field_name)
        return value

    def receiver(self, raw: Any) -> str | None:
        receiver = raw.get("receiver")
        if receiver is not None and (not isinstance(receiver, str) or not re.fullmatch(_RECEIVER, receiver)):
            raise self.fail("'receiver' must be a dotted name like app.features.manager", "receiver")
        return receiver

    def override_pattern(self, raw: Any, name: str) -> OverridePattern:
        self.check_table(raw, "override", _OVERRIDE_FIELDS)
        pattern = raw.get("call")
        if not isinstance(pattern, str) or not re.fullmatch(_DOTTED, pattern):
            raise self.fail(f"each [[override]] needs a 'call': a dotted name (optionally starting with '*.'), not {pattern!r}", "override")
        keywords_are_keys = self.flag(raw, "keywords-are-keys")
        if keywords_are_keys == ("key" in raw):
            raise self.fail(f"[[override]] '{pattern}' needs exactly one of 'key' and 'keywords-are-keys = true'", pattern)
        if keywords_are_keys and "value" in raw:
            raise self.fail(f"[[override]] '{pattern}' takes each key's value from its keyword: no 'value'", "value")
        key = self.arg_spec(raw["key"], "key") if "key" in raw else None
        value = self.arg_spec(raw["value"], "value") if "value" in raw else None
        return OverridePattern(name, pattern, key, self.receiver(raw), keywords_are_keys, value, self.flag(raw, "registered-only"))

    def register_pattern(self, raw: Any, name: str) -> RegisterPattern:
        self.check_table(raw, "register", _REGISTER_FIELDS)
        if ("call" in raw) == ("assign" in raw):
            raise self.fail("each [[register]] needs exactly one of 'call' and 'assign'", "register")
        is_assign = "assign" in raw
        pattern = raw["assign" if is_assign else "call"]
        if not isinstance(pattern, str) or not re.fullmatch(_DOTTED, pattern) or (is_assign and "(" in pattern):
            raise self.fail(f"'{pattern}' is not a dotted name (optionally starting with '*.')", "assign" if is_assign else "call")
        if is_assign:
            misplaced = sorted(set(raw) & {"key", "receiver", *REGISTRY_FIELDS})
            if misplaced:
                raise self.fail(f"[[register]] '{pattern}' is a mapping: '{misplaced[0]}' is for calls", misplaced[0])
            return RegisterPattern(name, pattern, True, comment_fields=self.comment_fields(raw.get("comment-fields")))
        if "comment-fields" in raw:
            raise self.fail(f"[[register]] '{pattern}' is a call: 'comment-fields' is for 'assign'", "comment-fields")
        if "key" not in raw:
            raise self.fail(f"[[register]] '{pattern}' needs 'key'", pattern)
        fields = tuple((field_name, self.arg_spec(raw[field_name], field_name)) for field_name in REGISTRY_FIELDS if field_name in raw)
        return RegisterPattern(name, pattern, False, self.arg_spec(raw["key"], "key"), self.receiver(raw), fields)

    def comment_fields(self, raw: Any) -> re.Pattern[str] | None:
        if raw is None:
            return None
        try:
            regex = compile_key_pattern(raw) if isinstance(raw, str) else None
        except re.error as exc:
            raise self.fail(f"'comment-fields' is not a regular expression: {exc}", "comment-fields") from None
        if regex is None or not regex.groupindex or not set(regex.groupindex) <= set(REGISTRY_FIELDS):
            raise self.fail(
                f"'comment-fields' must be a regular expression with named groups among {', '.join(REGISTRY_FIELDS)}", "comment-fields"
            )
        return regex

    def pack(self) -> Pack:
        header = self.data.get("pack")
        if not isinstance(header, dict):
            raise self.fail("missing [pack] table")
        self.check_table(header, "pack", _PACK_FIELDS)
        name, description = header.get("name"), header.get("description")
        if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
            raise self.fail("[pack] needs a 'name' (letters, digits, '_', '-', '.')", "pack")
        if not isinstance(description, str):
            raise self.fail("[pack] needs a 'description'", "pack")
        extra = set(self.data) - {"pack", "read", "register", "override", "aliases"}
        if extra:
            message = f"unknown table '{sorted(extra)[0]}' (a pack has [pack], [[read]], [[register]], [[override]] and [aliases])"
            raise self.fail(message, sorted(extra)[0])
        try:
            aliases = parse_aliases(self.data.get("aliases", {}))
        except ValueError as exc:
            raise self.fail(f"[aliases] {exc}", "aliases") from None
        reads, registers, overrides = self.data.get("read", []), self.data.get("register", []), self.data.get("override", [])
        if not all(isinstance(table, list) for table in (reads, registers, overrides)) or not (reads or registers or overrides):
            raise self.fail("a pack needs at least one [[read]], [[register]] or [[override]]")
        pattern_text = header.get("key-pattern")
        try:
            key_pattern = compile_key_pattern(pattern_text) if pattern_text else None
        except (re.error, TypeError) as exc:
            raise self.fail(f"'key-pattern' is not a regular expression: {exc}", "key-pattern") from None
        fallback = header.get("fallback", False)
        if not isinstance(fallback, bool):
            raise self.fail("'fallback' must be true or false", "fallback")
        return Pack(
            name, description, self.path, tuple(self.read_pattern(raw, name) for raw in reads), key_pattern, fallback,
            tuple(self.register_pattern(raw, name) for raw in registers), aliases, tuple(self.override_pattern(raw, name) for raw in overrides),
        )  # fmt: skip


def shipped_pack_names() -> list[str]:
    return sorted(path.stem for path in shipped_packs_dir().glob("*.toml"))


def load_pack(path: Path) -> Pack:
    return _PackReader(path).pack()


def load_matcher(config: Config) -> Matcher:
    """The active packs: shipped ones (all, or those `rule-packs` names, plus those
    `extend-rule-packs` names), then project packs by path."""
    named = [entry for entry in config.rule_packs if not entry.endswith(".toml")]
    extra = [entry for entry in config.extend_rule_packs if not entry.endswith(".toml")]
    available = shipped_pack_names()
    for name in named + extra:
        if name not in available:
            raise FlagkeeperError(f"unknown rule pack '{name}' (shipped: {', '.join(available)})", config.source)
    chosen = sorted({*named, *extra}) if named else available
    shipped = [shipped_packs_dir() / f"{name}.toml" for name in chosen]
    packs = [load_pack(path) for path in [*shipped, *config.project_packs]]
    known = {pack.name for pack in packs}
    if len(known) != len(packs):
        raise FlagkeeperError("two active rule packs share a name", config.source)
    for name in config.key_patterns:
        if name not in known:
            raise FlagkeeperError(f"key-patterns names '{name}', which is not an active rule pack", config.source)
    overrides = {name: compile_key_pattern(pattern) for name, pattern in config.key_patterns.items()}
    return Matcher([msgspec.structs.replace(pack, key_pattern=overrides[pack.name]) if pack.name in overrides else pack for pack in packs])

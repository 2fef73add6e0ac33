#!/usr/bin/env python3
"""Generate a synthetic Python monorepo for benchmarking flagkeeper.

    python benchmarks/make_corpus.py OUT_DIR [--modules 5000] [--lines 1000000] [--seed 7] [--real-code]

The tree is deterministic: the same arguments give a byte-identical tree. It holds what a
linter meets in a real monorepo:

- a few top-level packages with nested subpackages, modules of varied size (most 50-300
  lines, a few over 2,000), classes, methods, functions, docstrings, comments, type hints,
  loops, try/except, comprehensions, f-strings, decorators, `match`, async code and calls
  to the standard library; a `scripts/` folder and a `tests/` package;
- imports between its modules (absolute and relative, some inside functions, some under
  `if TYPE_CHECKING:`, some through a package's re-exports) forming a connected graph from
  a handful of entry points, a few percent of modules nothing imports, and modules that are
  imported only inside a branch guarded by a flag read (dead when that flag is retired or
  expired: the Power Peg pattern);
- flag reads, about one per 400 lines but concentrated in a fifth of the modules, through
  the launchdarkly, openfeature, unleash, env, growthbook and django-waffle packs, with keys
  given as literals, module constants, constants imported from each package's `flag_names`
  module (by name, as a module attribute, as a class attribute), `+` and f-string joins of
  constants, and a few keys built at run time (FK009);
- `flags.toml` registering most keys (active, expired as of 2026-06-01, retired tombstones
  whose key is still read, entries with hygiene problems, entries nothing reads), a few read
  keys left unregistered, `pyproject.toml` with `[project]` and `[tool.flagkeeper]`, and a
  TypeScript frontend and YAML deploy configuration that read some keys.

Only the standard library is used. A one-line summary goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_real  # noqa: E402

TODAY = dt.date(2026, 6, 1)  # expired / active are judged as of this date (`--today 2026-06-01`)

PACKS = ("launchdarkly", "openfeature", "unleash", "env", "growthbook", "django-waffle")
PACK_SHARE = {"launchdarkly": 30, "openfeature": 20, "unleash": 15, "env": 15, "growthbook": 10, "django-waffle": 10}

TOPS = [
    "billing", "checkout", "catalog", "identity", "logistics", "notifications", "payments", "search",
    "pricing", "reporting", "messaging", "warehouse", "loyalty", "onboarding", "support", "fraud",
]  # fmt: skip
SUBPACKAGES = [
    "api", "core", "models", "services", "adapters", "handlers", "jobs", "utils", "storage", "schemas",
    "workers", "integrations", "legacy", "domain", "views", "tasks", "clients", "events", "rules", "admin",
    "internal", "exports", "sync", "cache", "webhooks", "pipelines", "serializers", "reconciliation",
    "backfills", "policies", "gateways", "streaming", "audit", "batch", "experiments", "contrib",
]  # fmt: skip
NOUNS = [
    "invoice", "ledger", "account", "session", "cart", "order", "refund", "shipment", "customer", "product",
    "price", "discount", "coupon", "receipt", "payment", "subscription", "plan", "tax", "address", "carrier",
    "parcel", "stock", "sku", "vendor", "report", "metric", "event", "audit", "token", "user", "profile",
    "permission", "role", "webhook", "message", "template", "campaign", "segment", "query", "ranking",
    "review", "rating", "wallet", "balance", "transfer", "payout", "dispute", "chargeback", "quote",
    "contract", "region", "currency", "rate", "batch", "upload", "document", "note", "ticket", "schedule",
    "slot", "route", "zone", "label", "bundle", "listing", "merchant", "settlement", "statement", "credit",
]  # fmt: skip
SUFFIXES = [
    "", "", "", "_service", "_repository", "_handler", "_utils", "_client", "_models", "_schema", "_tasks",
    "_views", "_serializers", "_validators", "_helpers", "_manager", "_policy", "_store", "_events",
    "_mapper", "_builder", "_adapter", "_rules", "_api", "_cache", "_sync", "_worker", "_queries",
]  # fmt: skip
CLASS_KINDS = [
    "Service", "Repository", "Handler", "Manager", "Client", "Builder", "Policy", "Validator", "Record",
    "Snapshot", "Request", "Response", "Summary", "Processor", "Adapter", "Mapper", "Exporter", "Scheduler",
    "Resolver", "Calculator", "Gateway", "Index", "Registry", "View",
]  # fmt: skip
VERBS = [
    "load", "save", "build", "compute", "validate", "normalize", "fetch", "sync", "apply", "render", "parse",
    "format", "resolve", "merge", "split", "refresh", "reconcile", "export", "publish", "notify", "schedule",
    "cancel", "archive", "estimate", "allocate", "score", "rank", "filter", "group", "summarize", "enqueue",
    "retry", "expire", "lookup", "register", "prepare", "dispatch", "collect", "index", "transform",
]  # fmt: skip
ADJECTIVES = [
    "new", "fast", "async", "bulk", "smart", "unified", "instant", "tiered", "realtime", "partial", "express",
    "guest", "multi", "split", "streamlined", "adaptive", "cached", "parallel", "inline", "regional",
    "dynamic", "simplified", "grouped", "deferred", "strict", "lazy", "batched", "optimistic", "v2", "v3",
]  # fmt: skip
VARS = [
    "result", "items", "records", "payload", "total", "count", "entries", "rows", "batch", "summary",
    "values", "pending", "matched", "changes", "state", "options", "candidates", "response", "selected",
]  # fmt: skip
FIELDS = [
    "id", "status", "amount", "currency", "created_at", "updated_at", "owner_id", "name", "email", "region",
    "priority", "quantity", "price", "source", "kind", "version", "tags", "reference", "score", "attempts",
]  # fmt: skip
STATUSES = ["pending", "active", "failed", "settled", "cancelled", "archived", "draft", "queued", "expired"]
COMMENTS = [
    "Keep the order stable: downstream reconciliation depends on it.",
    "The upstream API returns null instead of an empty list here.",
    "Cheap check first; the lookup below hits the database.",
    "Amounts are in minor units (cents) from here on.",
    "Retries are safe: the operation is idempotent on the reference.",
    "Do not log the payload, it may hold personal data.",
    "Legacy rows have no region; treat them as the default one.",
    "Batching keeps us under the partner's rate limit.",
    "Timestamps are UTC everywhere below this point.",
    "See the runbook before changing this threshold.",
    "Sorting here avoids a second pass in the exporter.",
    "An empty result is valid and must not raise.",
]  # fmt: skip
TODOS = ["TODO", "FIXME", "NOTE", "XXX", "HACK"]

STDLIB = {  # name used in generated code -> (module, imported name or None for `import module`)
    "json": ("json", None), "re": ("re", None), "time": ("time", None), "os": ("os", None),
    "hashlib": ("hashlib", None), "itertools": ("itertools", None), "functools": ("functools", None),
    "asyncio": ("asyncio", None), "math": ("math", None), "uuid": ("uuid", None), "csv": ("csv", None),
    "threading": ("threading", None), "logging": ("logging", None), "argparse": ("argparse", None),
    "datetime": ("datetime", "datetime"), "timedelta": ("datetime", "timedelta"), "timezone": ("datetime", "timezone"),
    "Path": ("pathlib", "Path"), "Counter": ("collections", "Counter"), "defaultdict": ("collections", "defaultdict"),
    "deque": ("collections", "deque"), "dataclass": ("dataclasses", "dataclass"), "field": ("dataclasses", "field"),
    "replace": ("dataclasses", "replace"), "Enum": ("enum", "Enum"), "Decimal": ("decimal", "Decimal"),
    "contextmanager": ("contextlib", "contextmanager"), "Any": ("typing", "Any"),
    "TYPE_CHECKING": ("typing", "TYPE_CHECKING"), "Iterable": ("collections.abc", "Iterable"),
    "Iterator": ("collections.abc", "Iterator"), "Mapping": ("collections.abc", "Mapping"),
    "Sequence": ("collections.abc", "Sequence"), "Callable": ("collections.abc", "Callable"),
}  # fmt: skip
THIRD_PARTY = {
    "ldclient": ("ldclient", None), "Context": ("ldclient", "Context"), "api": ("openfeature", "api"),
    "waffle": ("waffle", None), "waffle_flag": ("waffle.decorators", "waffle_flag"),
    "HttpRequest": ("django.http", "HttpRequest"), "HttpResponse": ("django.http", "HttpResponse"),
    "JsonResponse": ("django.http", "JsonResponse"), "getenv": ("os", "getenv"), "pytest": ("pytest", None),
    "UnleashClient": ("UnleashClient", "UnleashClient"), "GrowthBook": ("growthbook", "GrowthBook"),
}  # fmt: skip


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_") if part)


def const_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper()


def day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


# --------------------------------------------------------------------------------------------
# The plan: modules, imports between them, flag keys and reads. Bodies are written afterwards.
# --------------------------------------------------------------------------------------------


@dataclass
class Export:
    name: str
    kind: str  # class | func | const


@dataclass
class Edge:
    target: Module
    kind: str  # top | func | typecheck | guarded | tree
    export: Export | None = None  # None: the module itself (`from pkg import mod; mod.run()`)
    read: Read | None = None  # the guarding read of a `guarded` edge


@dataclass
class Key:
    key: str
    pkg: str
    pack: str
    status: str = "active"  # active | expired | retired | unregistered | hygiene | unused | frontend
    reads: int = 0
    const: str = ""  # its constant in the package's flag_names module
    attr: str = ""  # its member of flag_names.FlagKeys


@dataclass
class Read:
    pack: str
    key: Key | None  # None: dynamic
    form: str = "literal"  # literal | local | imported | attr | classattr | concat | fstring | dynamic
    context: str = "if"  # if | ternary | and | not | assign | elif | while | predicate | decorator | guard


@dataclass
class Module:
    index: int
    name: str  # dotted
    path: str  # relative, POSIX
    pkg: str  # top-level package (or "scripts" / "tests")
    role: str  # init | regular | entry | dead | guarded | flag_names | clients | script | test
    size: int = 0
    exports: list[Export] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    reads: list[Read] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    reexports: list[tuple[Module, Export]] = field(default_factory=list)

    @property
    def package(self) -> str:
        """The package that relative imports in this module start from."""
        return self.name if self.role == "init" else self.name.rpartition(".")[0]


class Plan:
    def __init__(self, modules: int, lines: int, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.target_modules = max(60, modules)
        self.target_lines = max(self.target_modules * 30, lines)
        self.modules: list[Module] = []
        self.keys: list[Key] = []
        self.keys_by_name: dict[str, Key] = {}
        self.pkg_packs: dict[str, list[str]] = {}
        self.entry_points: list[str] = []
        self.retired_unread: list[str] = []
        self.frontend_keys: list[Key] = []
        self._layout()
        self._roles_and_sizes()
        self._imports()
        self._reads()

    # -- layout ---------------------------------------------------------------------------

    def _layout(self) -> None:
        rng, n = self.rng, self.target_modules
        self.tops = TOPS[: max(3, min(len(TOPS), round(n / 650)))]
        dirs: list[tuple[str, int]] = [(top, 0) for top in self.tops]  # (dotted, depth)
        children: dict[str, list[str]] = {top: [] for top in self.tops}
        for _ in range(max(0, round(n / 11) - len(self.tops))):
            choices = [(d, depth) for d, depth in dirs if depth < 4]
            parent, depth = rng.choices(choices, weights=[1.0 / (1 + depth) ** 1.2 for _, depth in choices])[0]
            used = children[parent]
            name = rng.choice(SUBPACKAGES if rng.random() < 0.7 else NOUNS)
            while name in used:
                name = rng.choice(SUBPACKAGES + NOUNS) + ("_v2" if rng.random() < 0.2 else "")
            used.append(name)
            dotted = f"{parent}.{name}"
            dirs.append((dotted, depth + 1))
            children[dotted] = []
        self.dirs = [d for d, _ in dirs]
        scripts = max(3, n // 500)
        test_dirs = ["tests"] + [f"tests.{top}" for top in self.tops]
        tests = max(len(self.tops), n // 35)
        specials = 2 * len(self.tops)
        regular = n - len(self.dirs) - len(test_dirs) - scripts - tests - specials
        weights = [rng.lognormvariate(0, 0.8) for _ in self.dirs]
        per_dir = [1] * len(self.dirs)
        for index in rng.choices(range(len(self.dirs)), weights=weights, k=max(0, regular - len(self.dirs))):
            per_dir[index] += 1
        names_in: dict[str, set[str]] = {d: set(children[d]) for d in self.dirs}

        def add(name: str, role: str, pkg: str) -> Module:
            path = name.replace(".", "/") + ("/__init__.py" if role == "init" else ".py")
            module = Module(len(self.modules), name, path, pkg, role)
            self.modules.append(module)
            return module

        entries_wanted = min(len(self.tops), 5)
        for d, count in zip(self.dirs, per_dir, strict=True):
            top = d.split(".")[0]
            add(d, "init", top)
            if d == top:
                add(f"{d}.flag_names", "flag_names", top)
                add(f"{d}.feature_clients", "clients", top)
                names_in[d] |= {"flag_names", "feature_clients"}
                if self.tops.index(top) < entries_wanted:
                    add(f"{d}.main", "entry", top)
                    names_in[d].add("main")
                    count -= 1
                    self.entry_points.append(f"{d}.main")
            for _ in range(count):
                stem = rng.choice(NOUNS) + rng.choice(SUFFIXES)
                while stem in names_in[d]:
                    stem = rng.choice(NOUNS) + rng.choice(SUFFIXES) + rng.choice(["", "_v2", "s", "_legacy", "_ext"])
                names_in[d].add(stem)
                add(f"{d}.{stem}", "regular", top)
        if len(self.tops) > 1:  # a second entry point in the first package: the worker process
            add(f"{self.tops[0]}.worker", "entry", self.tops[0])
            self.entry_points.append(f"{self.tops[0]}.worker")
        script_names: set[str] = set()
        for _ in range(scripts):
            stem = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s"
            while stem in script_names:
                stem = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s_{rng.randrange(2, 9)}"
            script_names.add(stem)
            add(f"scripts.{stem}", "script", "scripts")
        for d in test_dirs:
            add(d, "init", "tests")
        self.test_count = tests

    def _roles_and_sizes(self) -> None:
        rng = self.rng
        regular = [m for m in self.modules if m.role == "regular"]
        for module in rng.sample(regular, k=max(2, round(len(regular) * 0.03))):
            module.role = "dead"
        alive = [m for m in regular if m.role == "regular"]
        for module in rng.sample(alive, k=max(2, round(len(regular) * 0.015))):
            module.role = "guarded"
            parent, _, leaf = module.name.rpartition(".")
            new_leaf = rng.choice(["legacy_", "old_", "v1_", "classic_"]) + leaf
            module.name = f"{parent}.{new_leaf}"
            module.path = module.name.replace(".", "/") + ".py"
        # Sizes: log-normal around 150 lines, a few giants; scaled to the wanted total.
        sized = [m for m in self.modules if m.role in ("regular", "entry", "dead", "guarded", "script")]
        raw = []
        for module in sized:
            if module.role == "script":
                raw.append(rng.uniform(40, 160))
            elif rng.random() < 0.005:
                raw.append(rng.uniform(2000, 6000))
            else:
                raw.append(min(1800.0, rng.lognormvariate(math.log(150), 0.62)))
        self.tests = []
        for index in range(self.test_count):
            top = self.tops[index % len(self.tops)]
            self.tests.append(top)
        test_lines = 90 * self.test_count
        other = 6 * len(self.dirs) + 60 * len(self.tops)  # __init__, flag_names, feature_clients (rough)
        scale = max(0.2, (self.target_lines - test_lines - other) / sum(raw))
        for module, size in zip(sized, raw, strict=True):
            module.size = max(25, round(size * scale))

    # -- imports --------------------------------------------------------------------------

    def _exports(self) -> None:
        rng = self.rng
        for module in self.modules:
            if module.role == "flag_names":
                module.exports = [Export("ALL_KEYS", "const")]
            elif module.role == "clients":
                module.exports = [Export("configure", "func")]
            elif module.role in ("regular", "dead", "guarded", "entry"):
                taken: set[str] = set()
                units = max(2, min(60, round(module.size / 55)))
                stem = module.name.rsplit(".", 1)[-1].split("_")[-1]
                nouns = [stem if stem in NOUNS else rng.choice(NOUNS)] + rng.sample(NOUNS, 3)
                for _ in range(units):
                    noun = rng.choice(nouns)
                    if rng.random() < 0.4:
                        name = camel(noun) + rng.choice(CLASS_KINDS)
                        kind = "class"
                    else:
                        name = f"{rng.choice(VERBS)}_{noun}" + rng.choice(["", "", "s", "_batch", "_for_region"])
                        kind = "func"
                    if name in taken or name in ("main", "run"):
                        continue
                    taken.add(name)
                    module.exports.append(Export(name, kind))
                if module.role == "guarded":
                    module.exports.append(Export("run", "func"))
                if module.role == "entry":
                    module.exports.append(Export("main", "func"))

    def _imports(self) -> None:
        rng = self.rng
        self._exports()
        by_name = {m.name: m for m in self.modules}
        self.by_name = by_name
        connected: dict[str, list[Module]] = {top: [] for top in self.tops}
        for name in self.entry_points:
            module = by_name[name]
            connected[module.pkg].append(module)
        tree = [m for m in self.modules if m.role in ("regular", "flag_names", "clients")]
        rng.shuffle(tree)
        # flag_names and feature_clients join early, so that they hang close to the entry points
        tree.sort(key=lambda m: m.role == "regular")
        pending = list(tree)
        while pending:
            module = pending.pop(0)
            pool = connected[module.pkg]
            if not pool:
                others = [m for top in self.tops for m in connected[top]]
                if not others:
                    pending.append(module)
                    continue
                pool = others
            if rng.random() < 0.6:
                importer = pool[rng.randrange(max(0, len(pool) - 48), len(pool))]
            else:
                importer = rng.choice(pool)
            importer.edges.append(Edge(module, "tree", rng.choice(module.exports)))
            if module.role == "regular":  # flag_names and feature_clients are written from templates
                connected[module.pkg].append(module)
        live = [m for m in tree if m.role == "regular"]
        live_by_pkg: dict[str, list[Module]] = {top: [] for top in self.tops}
        for module in live:
            live_by_pkg[module.pkg].append(module)
        # Package re-exports: some __init__ files lift a few names out of their modules.
        inits_with_exports: list[Module] = []
        for init in (m for m in self.modules if m.role == "init" and m.pkg != "tests"):
            if rng.random() < 0.3:
                inside = [m for m in live_by_pkg[init.pkg] if m.name.rpartition(".")[0] == init.name]
                for source in rng.sample(inside, k=min(len(inside), rng.randint(1, 3))):
                    export = rng.choice(source.exports)
                    init.reexports.append((source, export))
                    init.exports.append(export)
                if init.exports:
                    inits_with_exports.append(init)
        # Extra edges: most within the package, some across, a few into functions or type hints.
        importers = [m for m in self.modules if m.role in ("regular", "dead", "guarded", "entry")]
        for module in importers:
            wanted = min(12, int(rng.expovariate(1 / 3.2)))
            seen = {module.name} | {edge.target.name for edge in module.edges}
            for _ in range(wanted):
                if rng.random() < 0.06 and inits_with_exports:
                    target = rng.choice(inits_with_exports)
                else:
                    pool = live_by_pkg[module.pkg] if rng.random() < 0.75 else live
                    target = rng.choice(pool)
                if target.name in seen:
                    continue
                seen.add(target.name)
                roll = rng.random()
                kind = "func" if roll < 0.12 else "typecheck" if roll < 0.20 else "top"
                if kind == "typecheck":
                    classes = [e for e in target.exports if e.kind == "class"]
                    if not classes:
                        kind, export = "top", rng.choice(target.exports)
                    else:
                        export = rng.choice(classes)
                else:
                    export = rng.choice(target.exports)
                module.edges.append(Edge(target, kind, export))
        # Guarded modules: their one importer uses them only inside a branch that reads a flag.
        for module in (m for m in self.modules if m.role == "guarded"):
            pool = [m for m in live_by_pkg[module.pkg] if m.role == "regular"] or live
            importer = rng.choice(pool)
            importer.edges.append(Edge(module, "guarded", None))
        # Scripts and tests import live modules; nothing imports them.
        for module in (m for m in self.modules if m.role == "script"):
            for target in rng.sample(live, k=rng.randint(1, 4)):
                module.edges.append(Edge(target, "top", rng.choice(target.exports)))
        names: set[str] = set()
        for top in self.tests:
            pool = live_by_pkg[top] or live
            target = rng.choice(pool)
            stem = "test_" + target.name.rsplit(".", 1)[-1]
            while stem in names:
                stem = f"test_{target.name.rsplit('.', 1)[-1]}_{rng.choice(['api', 'edge_cases', 'regressions', 'unit', 'integration'])}{rng.randrange(2, 99)}"
            names.add(stem)
            test = Module(len(self.modules), f"tests.{top}.{stem}", f"tests/{top}/{stem}.py", "tests", "test")
            test.size = rng.randint(40, 160)
            for export in rng.sample(target.exports, k=min(len(target.exports), rng.randint(1, 3))):
                test.edges.append(Edge(target, "top", export))
            self.modules.append(test)

    # -- flag keys and reads --------------------------------------------------------------

    def _new_key(self, pkg: str, pack: str, hint: str | None = None) -> Key:
        rng = self.rng
        while True:
            adjective, noun = rng.choice(ADJECTIVES), hint or rng.choice(NOUNS)
            noun = noun.replace("_", "-")
            if pack == "unleash":
                key = f"{pkg}.{adjective}-{noun}"
            elif pack == "django-waffle":
                key = f"{pkg}_{adjective}_{noun}".replace("-", "_")
            elif pack == "env":
                prefix = rng.choices(["FEATURE", "FF", "ENABLE"], weights=[7, 2, 1])[0]
                key = f"{prefix}_{pkg}_{adjective}_{noun}".replace("-", "_").upper()
            else:
                key = f"{pkg}-{adjective}-{noun}"
            if rng.random() < 0.15:
                key += {"django-waffle": "_v2", "env": "_V2"}.get(pack, "-v2")
            if key not in self.keys_by_name:
                made = Key(key, pkg, pack)
                self.keys.append(made)
                self.keys_by_name[key] = made
                return made
            hint = None

    def _reads(self) -> None:
        rng = self.rng
        shuffled = list(PACKS)
        rng.shuffle(shuffled)
        for index, top in enumerate(self.tops):
            primary = shuffled[index % len(shuffled)]
            others = [p for p in PACKS if p != primary]
            extra = rng.choices(others, weights=[PACK_SHARE[p] for p in others], k=rng.randint(1, 2))
            self.pkg_packs[top] = [primary] + [p for i, p in enumerate(extra) if p not in extra[:i]]
        wanted = max(3, round(sum(m.size for m in self.modules) / 400))
        candidates = [m for m in self.modules if m.role in ("regular", "dead", "guarded", "entry")]
        guard_importers = [m for m in candidates if any(e.kind == "guarded" for e in m.edges)]
        readers = set(id(m) for m in guard_importers)
        cumulative_sizes, acc_size = [], 0.0
        for module in candidates:
            acc_size += math.sqrt(module.size)
            cumulative_sizes.append(acc_size)
        chosen: list[Module] = list(guard_importers)
        total = len(guard_importers)
        counts: dict[int, int] = {}
        while total < wanted and len(readers) < len(candidates):
            module = rng.choices(candidates, cum_weights=cumulative_sizes)[0]
            if id(module) in readers:
                continue
            readers.add(id(module))
            heavy = rng.random() < 0.02
            n = rng.randint(8, 24) if heavy else min(8, 1 + int(rng.expovariate(1 / 1.7)))
            n = min(n, max(1, module.size // 25), wanted - total)
            counts[module.index] = n
            chosen.append(module)
            total += n
        groups: dict[tuple[str, str], list[Read]] = {}
        for module in chosen:
            packs = self.pkg_packs[module.pkg]
            own = [packs[0] if rng.random() < 0.65 or len(packs) == 1 else rng.choice(packs[1:])]
            if rng.random() < 0.12:
                second = "env" if own[0] != "env" and rng.random() < 0.5 else rng.choice(PACKS)
                if second not in own:
                    own.append(second)
            module.packs = own
            for _ in range(counts.get(module.index, 0)):
                pack = own[0] if len(own) == 1 or rng.random() < 0.7 else own[1]
                read = Read(pack, None)
                module.reads.append(read)
                groups.setdefault((module.pkg, pack), []).append(read)
        # Keys per (package, pack): about 3.2 reads per key, every key read at least once, Zipf tail.
        for (pkg, pack), reads in sorted(groups.items()):
            rng.shuffle(reads)
            keys = [self._new_key(pkg, pack) for _ in range(max(1, round(len(reads) / 3.2)))]
            cumulative, acc = [], 0.0
            for rank in range(len(keys)):
                acc += 1 / (rank + 1) ** 0.9
                cumulative.append(acc)
            for index, read in enumerate(reads):
                read.key = keys[index] if index < len(keys) else rng.choices(keys, cum_weights=cumulative)[0]
        # Cross-package reads: a key of another package, same SDK.
        all_reads = [r for m in chosen for r in m.reads]
        for key in self.keys:
            key.reads = 0
        for read in all_reads:
            assert read.key is not None
            read.key.reads += 1
        by_pack: dict[str, list[Key]] = {}
        for key in self.keys:
            by_pack.setdefault(key.pack, []).append(key)
        for read in rng.sample(all_reads, k=len(all_reads) // 12):
            assert read.key is not None
            others = [k for k in by_pack[read.pack] if k.pkg != read.key.pkg]
            if read.key.reads > 1 and others:
                read.key.reads -= 1
                read.key = rng.choice(others)
                read.key.reads += 1
        # Key statuses.
        statuses = rng.choices(
            ["active", "expired", "retired", "unregistered", "hygiene"], weights=[72, 21, 1.5, 3.5, 2], k=len(self.keys)
        )
        for key, status in zip(self.keys, statuses, strict=True):
            key.status = status
        for status in ("retired", "unregistered", "hygiene"):  # at least a few of each
            have = [k for k in self.keys if k.status == status]
            pool = [k for k in self.keys if k.status == "active"]
            for key in rng.sample(pool, k=min(len(pool) // 4, max(0, 3 - len(have)))):
                key.status = status
        # Forms and contexts.
        for module in chosen:
            for read in module.reads:
                self._shape(read, module)
        # Guarded edges take one read of their importer, on a dedicated legacy key.
        for module in guard_importers:
            for edge in (e for e in module.edges if e.kind == "guarded"):
                pack = (module.packs or self.pkg_packs[module.pkg])[0]
                stem = edge.target.name.rsplit(".", 1)[-1].split("_")
                key = self._new_key(module.pkg, pack, hint=next((s for s in stem if s in NOUNS), None))
                key.status = rng.choices(["expired", "retired", "active"], weights=[45, 15, 40])[0]
                key.reads = 1
                read = Read(pack, key, rng.choice(["literal", "local", "imported"]), "guard")
                if read.pack == "django-waffle" and read.form == "literal":
                    read.form = "local"
                module.reads.append(read)
                edge.read = read
        # Dynamic keys (FK009), about 2 % of reads on top.
        for module in rng.sample(chosen, k=max(2, total // 50)):
            pack = rng.choice(["launchdarkly", "openfeature", "unleash", "growthbook"])
            if pack not in module.packs:
                module.packs.append(pack)
            module.reads.append(Read(pack, None, "dynamic", rng.choice(["predicate", "if"])))
        # Registered keys nothing reads (FK005), keys read only by the frontend, retired keys left alone.
        for _ in range(max(3, len(self.keys) // 50)):
            top = rng.choice(self.tops)
            self._new_key(top, rng.choice(self.pkg_packs[top])).status = "unused"
        for _ in range(max(4, len(self.keys) // 40)):
            top = rng.choice(self.tops)
            key = self._new_key(top, rng.choice(["launchdarkly", "growthbook", "openfeature"]))
            key.status = "frontend"
            self.frontend_keys.append(key)
        for _ in range(max(3, len(self.keys) // 60)):
            top = rng.choice(self.tops)
            self.retired_unread.append(self._new_key(top, rng.choice(self.pkg_packs[top])).key)
            self.keys.pop()
        # Constant and enum member names, unique within each package's flag_names.
        taken: set[tuple[str, str]] = set()
        for key in self.keys:
            for slot in ("const", "attr"):
                name = const_name(key.key)
                if slot == "attr":
                    name = name.removeprefix(key.pkg.upper() + "_") or name
                base, number = name, 2
                while (key.pkg, slot + name) in taken:
                    name, number = f"{base}_{number}", number + 1
                taken.add((key.pkg, slot + name))
                setattr(key, slot, name)

    def _shape(self, read: Read, module: Module) -> None:
        rng = self.rng
        assert read.key is not None
        roll = rng.random()
        kebab = read.pack in ("launchdarkly", "openfeature", "growthbook") and read.key.key.startswith(read.key.pkg + "-")
        if roll < 0.36:
            read.form = "literal"
        elif roll < 0.56:
            read.form = "local"
        elif roll < 0.79:
            read.form = "imported"
        elif roll < 0.88:
            read.form = "attr"
        elif roll < 0.94:
            read.form = "classattr"
        else:
            read.form = rng.choice(["concat", "concat", "fstring"]) if kebab else "imported"
        if read.pack == "django-waffle" and rng.random() < 0.3:
            read.context = "decorator"
        else:
            read.context = rng.choices(
                ["if", "ternary", "and", "not", "assign", "elif", "while", "predicate"],
                weights=[40, 11, 11, 11, 10, 6, 2, 9],
            )[0]


# --------------------------------------------------------------------------------------------
# Writing module bodies
# --------------------------------------------------------------------------------------------


class Imports:
    """The import block of one module, rendered isort-style."""

    def __init__(self) -> None:
        self.plain: dict[tuple[int, str], str | None] = {}  # (section, module) -> alias
        self.froms: dict[tuple[int, str], dict[str, None]] = {}
        self.typecheck: dict[str, dict[str, None]] = {}

    def need(self, name: str) -> None:
        spec = STDLIB.get(name)
        section = 0
        if spec is None:
            spec, section = THIRD_PARTY[name], 1
        module, imported = spec
        if imported is None:
            self.plain[(section, module)] = None
        else:
            self.froms.setdefault((section, module), {})[imported] = None

    def local_from(self, module: str, name: str) -> None:
        self.froms.setdefault((2 if not module.startswith(".") else 3, module), {})[name] = None

    def local_plain(self, module: str, alias: str | None) -> None:
        self.plain[(2, module)] = alias

    def render(self) -> list[str]:
        out: list[str] = []
        for section in range(4):
            lines = []
            for (sec, module), alias in sorted(self.plain.items()):
                if sec == section:
                    lines.append(f"import {module}" + (f" as {alias}" if alias else ""))
            for (sec, module), names in sorted(self.froms.items()):
                if sec == section:
                    lines += _from_line(module, sorted(names, key=lambda n: (not n.isupper(), n)))
            if lines:
                out += lines + [""]
        if self.typecheck:
            out.append("if TYPE_CHECKING:")
            for module, names in sorted(self.typecheck.items()):
                out += ["    " + line for line in _from_line(module, sorted(names))]
            out.append("")
        return out


def _from_line(module: str, names: list[str]) -> list[str]:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 99:
        return [line]
    return [f"from {module} import ("] + [f"    {name}," for name in names] + [")"]


@dataclass
class Use:
    """One use of an imported name, to be placed in some function body."""

    expr: str  # how the name is reached: `Foo`, `mod.Foo`, `pkg.mod.Foo`
    kind: str  # class | func | const
    import_line: str | None = None  # set for imports inside the function


@dataclass
class Unit:
    kind: str  # func | class | predicate | decorator | guard | dynamic_helper
    name: str
    lines: int
    reads: list[Read] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    annotations: list[str] = field(default_factory=list)
    edge: Edge | None = None


class Writer:
    """Writes one module. Each module has its own random stream, so modules are independent."""

    def __init__(self, plan: Plan, module: Module):
        self.plan = plan
        self.module = module
        self.rng = random.Random(f"{plan.seed}:{module.name}")
        self.imports = Imports()
        self.constants: dict[str, str] = {}  # module-level flag constants: name -> value
        self.extra_header: list[str] = []
        self.error_class = camel(module.name.rsplit(".", 1)[-1].split("_")[0]) + "Error"
        self.uses_error = False
        self.flag_count = 0
        # About a third of real modules call `dict.get` (measured: CPython's Lib 38 %, a venv's
        # site-packages 32 %); the word matters, since os.environ.get makes `get` a pack name.
        self.uses_get = self.rng.random() < 0.35
        self.bound: set[str] = {"logger", "_flags", "main", "run", self.error_class} | {e.name for e in module.exports}
        self.imported: dict[tuple[str, str], str] = {}

    # -- key expressions and reads --------------------------------------------------------

    def _flag_names_access(self, key: Key, name: str, how: str) -> str:
        """An expression for constant `name` of `key.pkg`'s flag_names module."""
        module = self.module
        target = f"{key.pkg}.flag_names"
        same = key.pkg == module.pkg and module.role not in ("script", "test")
        relative = self.relative(target) if same and self.rng.random() < 0.4 else None
        if how == "module":
            source = relative[: -len("flag_names")] if relative else key.pkg
            if not same:
                return f"{self._aliased(key.pkg, 'flag_names', f'{key.pkg}_flags')}.{name}"
            return f"{self.import_name(source, 'flag_names', target + ':module')}.{name}"
        if name == "FlagKeys" and not same:  # every package has a FlagKeys: alias another package's
            return self._aliased(target, "FlagKeys", f"{camel(key.pkg)}FlagKeys")
        return self.import_name(relative or target, name, target)

    def _aliased(self, module: str, name: str, alias: str) -> str:
        key = (module, f"{name} as {alias}")
        if key not in self.imported:
            local = self.bind(alias)
            self.imports.local_from(module, f"{name} as {local}")
            self.imported[key] = local
        return self.imported[key]

    def key_expr(self, read: Read) -> str:
        key = read.key
        rng = self.rng
        if key is None:
            return rng.choice(["flag_key", "key", "name", "feature"])
        constant = key.const
        if read.form == "literal":
            return f'"{key.key}"'
        if read.form == "local":
            local = f"_{constant}" if not constant.startswith(("FEATURE_", "FF_", "ENABLE_")) else constant
            self.constants[local] = f'"{key.key}"'
            return local
        if read.form == "imported":
            return self._flag_names_access(key, constant, "name")
        if read.form == "attr":
            return self._flag_names_access(key, constant, "module")
        if read.form == "classattr":
            attr = key.attr
            holder = self._flag_names_access(key, "FlagKeys", "name")
            return f"{holder}.{attr}" + (".value" if rng.random() < 0.3 else "")
        prefix, rest = f"{key.pkg.upper()}_PREFIX", key.key[len(key.pkg) + 1 :]
        if read.form == "concat":
            head = self._flag_names_access(key, prefix, rng.choice(["name", "module"]))
            if rng.random() < 0.5:
                return f'{head} + "{rest}"'
            suffix = f"_{const_name(rest)}_SUFFIX"
            self.constants[suffix] = f'"{rest}"'
            return f"{head} + {suffix}"
        head = self._flag_names_access(key, prefix, "name")
        return 'f"{' + head + "}" + rest + '"'

    def call(self, read: Read, k: str) -> tuple[str, list[str]]:
        """The call expression reading the flag, and lines that must come before it."""
        rng, pack, need = self.rng, read.pack, self.imports.need
        if pack == "launchdarkly":
            need("ldclient")
            need("Context")
            variant = rng.randrange(5)
            if variant == 0:
                return f'ld_client.variation({k}, context, False)', [
                    "ld_client = ldclient.get()",
                    'context = Context.builder(user_id).kind("user").build()',
                ]
            if variant == 1:
                return f'ldclient.get().variation_detail({k}, Context.create(user_id), False).value', []
            if variant == 2:
                return f"ldclient.get().variation(key={k}, context=Context.create(user_id), default=False)", []
            return f"ldclient.get().variation({k}, Context.create(user_id), False)", []
        if pack == "openfeature":
            need("api")
            self.extra_header.append(f'_flags = api.get_client("{self.module.pkg}")')
            return rng.choice([
                f"_flags.get_boolean_value({k}, False)",
                f"_flags.get_boolean_value({k}, False)",
                f'_flags.get_string_value({k}, "control") == "treatment"',
                f"_flags.get_boolean_details({k}, False).value",
                f"_flags.get_integer_value({k}, 0) > 0",
            ]), []  # fmt: skip
        if pack in ("unleash", "growthbook"):
            client = self._client_import("unleash" if pack == "unleash" else "growthbook")
            if pack == "unleash":
                return rng.choice([
                    f'{client}.is_enabled({k}, {{"userId": user_id}})',
                    f"{client}.is_enabled({k})",
                    f'{client}.is_enabled({k}, {{"userId": user_id}}, default_value=False)',
                    f'{client}.get_variant({k}, {{"userId": user_id}})["name"] == "treatment"',
                ]), []  # fmt: skip
            return rng.choice([
                f"{client}.is_on({k})",
                f"{client}.is_on({k})",
                f"{client}.is_off({k})",
                f'{client}.get_feature_value({k}, "control") == "treatment"',
                f"{client}.eval_feature({k}).on",
            ]), []  # fmt: skip
        if pack == "env":
            variant = rng.randrange(6)
            if variant == 5:
                need("getenv")
                return f'getenv({k}, "0") == "1"', []
            need("os")
            return [
                f'os.getenv({k}, "false").lower() == "true"',
                f'os.environ.get({k}) == "1"',
                f'os.environ.get({k}, "off") in ("1", "on", "true")',
                f'os.getenv({k}) == "1"',
                f'os.environ[{k}] == "1"',
            ][variant], []
        need("waffle")
        if rng.random() < 0.6:
            return f"waffle.flag_is_active(request, {k})", []
        return rng.choice([f"waffle.switch_is_active({k})", f"waffle.sample_is_active({k})"]), []

    def _client_import(self, client: str) -> str:
        target = f"{self.module.pkg}.feature_clients"
        relative = self.relative(target) if self.rng.random() < 0.4 else None
        return self.import_name(relative or target, client, target)

    def read_block(self, read: Read, ind: str) -> list[str]:
        """A flag read in the body of a function, in its context."""
        rng = self.rng
        self.flag_count += 1
        call, before = self.call(read, self.key_expr(read))
        noun = rng.choice(NOUNS)
        out = [ind + line for line in before]
        inner = ind + "    "
        context = read.context if read.context not in ("predicate", "decorator", "guard") else "if"
        if context == "if":
            out.append(f"{ind}if {call}:")
            out += self.block(inner, rng.randint(1, 4))
            if rng.random() < 0.4:
                out.append(f"{ind}else:")
                out += self.block(inner, rng.randint(1, 3))
        elif context == "ternary":
            out.append(f'{ind}{noun}_mode = "{rng.choice(ADJECTIVES)}" if {call} else "default"')
        elif context == "and":
            var = rng.choice(VARS)
            out.append(f"{ind}if {var} and {call}:")
            out += self.block(inner, rng.randint(1, 3))
        elif context == "not":
            out.append(f"{ind}if not {call}:")
            out += self.block(inner, rng.randint(0, 2))
            out.append(f"{inner}return {rng.choice(['None', 'False', rng.choice(VARS)])}")
        elif context == "assign":
            out.append(f"{ind}use_{noun} = {call}")
            out.append(f"{ind}if use_{noun}:")
            out += self.block(inner, rng.randint(1, 3))
        elif context == "elif":
            var = rng.choice(VARS)
            out.append(f"{ind}if {var} is None:")
            out += self.block(inner, 1)
            out.append(f"{ind}elif {call}:")
            out += self.block(inner, rng.randint(1, 3))
        else:  # while
            out.append(f"{ind}attempts = 0")
            out.append(f"{ind}while {call} and attempts < {rng.randint(2, 5)}:")
            out.append(f"{inner}attempts += 1")
            out += self.block(inner, rng.randint(0, 2))
        return out

    # -- statements -----------------------------------------------------------------------

    def simple(self, ind: str) -> list[str]:
        rng = self.rng
        need = self.imports.need
        a, b = rng.choice(VARS), rng.choice(VARS)
        f, g = rng.choice(FIELDS), rng.choice(FIELDS)
        roll = rng.randrange(40)
        if roll < 11 and not self.uses_get:
            roll = rng.randrange(11, 40)
        if roll < 6:
            default = rng.choice(['None', '0', '""', "[]", "{}", "False"])
            return [f'{ind}{a} = {b}.get("{f}", {default})']
        if roll < 9:
            return [f'{ind}logger.{rng.choice(["debug", "info", "debug", "warning"])}("{rng.choice(VERBS)} %s {rng.choice(NOUNS)} for %s", len({a}), {b})']
        if roll < 11:
            return [f'{ind}{a} = [row for row in {b} if row.get("{f}") is not None]']
        if roll < 12:
            return [f'{ind}{a} = {{row["{f}"]: row for row in {b}}}']
        if roll < 13:
            return [f"{ind}{a} = sum(item.{f} for item in {b} if item.{g})"]
        if roll < 15:
            return [f'{ind}{a} = f"{{{b}!r}}-{rng.choice(NOUNS)}:{{len({b}):04d}}"']
        if roll < 16:
            need("datetime")
            need("timezone")
            return [f"{ind}now = datetime.now(timezone.utc)"]
        if roll < 17:
            need("datetime")
            need("timedelta")
            return [f"{ind}deadline = datetime.now() + timedelta(days={rng.randint(1, 90)})"]
        if roll < 18:
            need("json")
            return [f"{ind}{a} = json.dumps({b}, sort_keys=True, default=str)"]
        if roll < 19:
            need("Path")
            return [f'{ind}target = Path("/var/lib/{self.module.pkg}") / f"{rng.choice(NOUNS)}-{{{a}}}.json"']
        if roll < 20:
            need("Counter")
            return [f'{ind}{a} = Counter(row["{f}"] for row in {b})']
        if roll < 21:
            need("defaultdict")
            return [f"{ind}{a}: defaultdict[str, list[Any]] = defaultdict(list)"] if self._any() else [f"{ind}{a} = defaultdict(list)"]
        if roll < 22:
            need("hashlib")
            return [f"{ind}digest = hashlib.sha256(str({a}).encode()).hexdigest()[:{rng.choice([8, 12, 16])}]"]
        if roll < 24:
            return [f"{ind}{a} = sorted({b}, key=lambda item: (item.{f}, item.{g}){rng.choice(['', ', reverse=True'])})"]
        if roll < 25:
            need("itertools")
            return [f"{ind}{a} = list(itertools.islice({b}, {rng.choice([10, 50, 100, 500])}))"]
        if roll < 26:
            n = rng.choice([25, 100, 250, 1000])
            return [f"{ind}chunks = [{a}[i : i + {n}] for i in range(0, len({a}), {n})]"]
        if roll < 27:
            return [f"{ind}{a} = next(iter({b}), None)"]
        if roll < 28:
            return [f"{ind}{a} = any(item.{f} == {rng.choice(STATUSES)!r} for item in {b})"]
        if roll < 29:
            return [f'{ind}assert {a} is not None, "{rng.choice(NOUNS)} is required"']
        if roll < 30:
            return [f"{ind}{a} = {{key: value for key, value in {b}.items() if value is not None}}"]
        if roll < 31:
            return [f'{ind}{a}.setdefault("{f}", []).append({b})']
        if roll < 32:
            need("Decimal")
            return [f'{ind}{a} = Decimal(str({b})).quantize(Decimal("0.01"))']
        if roll < 33:
            need("uuid")
            return [f"{ind}reference = uuid.uuid4().hex"]
        if roll < 34:
            need("time")
            return [f"{ind}started = time.monotonic()"]
        if roll < 35:
            return [f"{ind}{a} = {{item.{f} for item in {b}}}"]
        if roll < 36:
            return [f"{ind}# {rng.choice(COMMENTS)}", f"{ind}{a} = {b}[: {rng.choice([10, 20, 100])}]"]
        if roll < 37:
            return [f"{ind}# {rng.choice(TODOS)}({self.module.pkg.upper()[:4]}-{rng.randint(100, 9999)}): {rng.choice(COMMENTS).lower()}", f"{ind}{a} += {rng.randint(1, 5)}"]
        if roll < 38:
            need("math")
            return [f"{ind}pages = math.ceil(len({a}) / {rng.choice([20, 50, 100])})"]
        if roll < 39:
            return [f'{ind}{a} = "{rng.choice(["; ", ", ", " | "])}".join(str(item) for item in {b})']
        return [f"{ind}{a} = {b}"]

    def _any(self) -> bool:
        self.imports.need("Any")
        return True

    def compound(self, ind: str, depth: int) -> list[str]:
        rng = self.rng
        inner = ind + "    "
        a, b = rng.choice(VARS), rng.choice(VARS)
        f = rng.choice(FIELDS)
        roll = rng.randrange(20)
        if roll < 6:
            out = [f"{ind}for item in {b}:"]
            if rng.random() < 0.5:
                out += [f"{inner}if not item.{f}:", f"{inner}    continue"]
            return out + self.block(inner, rng.randint(1, 3), depth + 1)
        if roll < 10:
            out = [f'{ind}if {a}.{f} == "{rng.choice(STATUSES)}":'] + self.block(inner, rng.randint(1, 3), depth + 1)
            if rng.random() < 0.3:
                out += [f'{ind}elif {a}.{f} in ("{rng.choice(STATUSES)}", "{rng.choice(STATUSES)}"):'] + self.block(inner, 1, depth + 1)
            if rng.random() < 0.4:
                out += [f"{ind}else:"] + self.block(inner, rng.randint(1, 2), depth + 1)
            return out
        if roll < 13:
            exc = rng.choice(["KeyError", "ValueError", "(KeyError, ValueError)", "TimeoutError", "(TypeError, ValueError)", "OSError"])
            out = [f"{ind}try:"] + self.block(inner, rng.randint(1, 3), depth + 1)
            out.append(f"{ind}except {exc} as exc:")
            out.append(f'{inner}logger.warning("{rng.choice(VERBS)} {rng.choice(NOUNS)} failed: %s", exc)')
            if rng.random() < 0.5:
                self.uses_error = True
                out.append(f'{inner}raise {self.error_class}(f"cannot {rng.choice(VERBS)} {{{a}!r}}") from exc')
            if rng.random() < 0.2:
                out += [f"{ind}finally:", f"{inner}{rng.choice(VARS)}.clear()"]
            return out
        if roll < 15:
            if rng.random() < 0.5:
                self.imports.need("json")
                return [f'{ind}with open({a}, encoding="utf-8") as handle:', f"{inner}{b} = json.load(handle)"]
            return [f"{ind}with self._lock:" if rng.random() < 0.01 else f"{ind}with {a}.transaction():"] + self.block(inner, rng.randint(1, 2), depth + 1)
        if roll < 16:
            self.imports.need("time")
            return [
                f"{ind}attempt = 0",
                f"{ind}while attempt < {rng.randint(2, 6)}:",
                f"{inner}attempt += 1",
                f"{inner}if {a}.{f}:",
                f"{inner}    break",
                f"{inner}time.sleep({rng.choice(['0.1', '0.5', '2 ** attempt'])})",
            ]
        if roll < 17:
            out = [f"{ind}match {a}.{f}:"]
            for status in rng.sample(STATUSES, 2):
                out += [f'{inner}case "{status}":'] + self.block(inner + "    ", 1, depth + 2)
            return out + [f"{inner}case _:"] + self.block(inner + "    ", 1, depth + 2)
        if roll < 18:
            return [f"{ind}if ({a} := len({b})) > {rng.choice([10, 100, 1000])}:", f'{inner}logger.info("large {rng.choice(NOUNS)} batch: %d", {a})']
        return [f"{ind}for index, row in enumerate({b}, start=1):", f'{inner}{a}[row["{f}"]] = index'] + self.block(inner, rng.randint(0, 2), depth + 1)

    def block(self, ind: str, statements: int, depth: int = 1) -> list[str]:
        out: list[str] = []
        for _ in range(max(1, statements)):
            if depth < 2 and self.rng.random() < 0.2:
                out += self.compound(ind, depth)
            else:
                out += self.simple(ind)
        return out

    def use_line(self, use: Use, ind: str) -> list[str]:
        rng = self.rng
        a, b = rng.choice(VARS), rng.choice(VARS)
        out = [f"{ind}{use.import_line}"] if use.import_line else []
        if use.kind == "class":
            out.append(rng.choice([f"{ind}{a} = {use.expr}({b})", f"{ind}{a} = {use.expr}.from_mapping({b})", f"{ind}{a} = [{use.expr}(row) for row in {b}]"]))
        elif use.kind == "func":
            out.append(rng.choice([f"{ind}{a} = {use.expr}({b})", f"{ind}{use.expr}({b})", f"{ind}{a} = {use.expr}({b}, limit={rng.choice([10, 100])})"]))
        else:
            out.append(f"{ind}{a} = list({use.expr})")
        return out

    # -- functions and classes ------------------------------------------------------------

    def signature(self, ind: str, name: str, method: str | None, unit: Unit, is_async: bool = False) -> list[str]:
        rng = self.rng
        params = [method] if method else []
        pool = [
            ("payload", "dict[str, Any]"), ("items", "list[dict[str, Any]]"), ("records", "Iterable[Mapping[str, Any]]"),
            ("name", "str"), ("limit", "int"), ("amount", "Decimal"), ("key", "str"),
        ]  # fmt: skip
        chosen = rng.sample(pool, rng.randint(0, 2))
        if any(r.pack != "django-waffle" for r in unit.reads):
            chosen.append(("user_id", "str"))
        if any(r.pack == "django-waffle" and r.context != "decorator" for r in unit.reads):
            chosen.insert(0, ("request", "HttpRequest"))
            self.imports.need("HttpRequest")
        for annotation in unit.annotations:
            chosen.append((re.sub(r"(?<!^)(?=[A-Z])", "_", annotation).lower(), annotation))
        for _, hint in chosen:
            for word in ("Any", "Iterable", "Mapping", "Decimal"):
                if word in hint:
                    self.imports.need(word)
        params += [f"{p}: {h}" for p, h in dict(chosen).items()]
        defaults = rng.sample([("dry_run", "bool", "False"), ("timeout", "float", "30.0"), ("region", "str", '"eu-west-1"'),
                               ("since", "datetime | None", "None"), ("tags", "Sequence[str]", "()")], rng.randint(0, 2))  # fmt: skip
        if defaults:
            if rng.random() < 0.3:
                params.append("*")
            for p, h, d in defaults:
                params.append(f"{p}: {h} = {d}")
                for word in ("datetime", "Sequence"):
                    if word in h:
                        self.imports.need(word)
        returns = rng.choice(["None", "bool", "int", "str", "dict[str, Any]", "list[dict[str, Any]]", "float"])
        if "Any" in returns:
            self.imports.need("Any")
        head = f"{ind}{'async ' if is_async else ''}def {name}("
        line = f"{head}{', '.join(params)}) -> {returns}:"
        if len(line) <= 99:
            return [line]
        return [head] + [f"{ind}    {p}," for p in params] + [f"{ind}) -> {returns}:"]

    def docstring(self, ind: str, name: str) -> list[str]:
        rng = self.rng
        words = name.strip("_").split("_")
        first = f"{words[0].capitalize()} {' '.join(words[1:]) or rng.choice(NOUNS)} {rng.choice(['for the current region', 'from the store', 'and return the result', 'in one pass', 'for a batch', 'idempotently'])}."
        if rng.random() < 0.6:
            return [f'{ind}"""{first}"""']
        out = [f'{ind}"""{first}', ""]
        out.append(f"{ind}{rng.choice(COMMENTS)}")
        if rng.random() < 0.5:
            out += ["", f"{ind}Args:", f"{ind}    {rng.choice(VARS)}: the {rng.choice(NOUNS)}s to {rng.choice(VERBS)}."]
        return out + [f'{ind}"""']

    def function(self, ind: str, unit: Unit, method: str | None = None) -> list[str]:
        rng = self.rng
        out: list[str] = []
        is_async = rng.random() < 0.05
        if rng.random() < 0.12 and not method:
            self.imports.need("functools")
            out.append(f"{ind}@functools.lru_cache(maxsize={rng.choice([32, 128, 1024])})")
        elif method and rng.random() < 0.1:
            out.append(f"{ind}@{rng.choice(['staticmethod', 'classmethod', 'property'])}")
            if out[-1].endswith("staticmethod"):
                method = None
            elif out[-1].endswith("classmethod"):
                method = "cls"
            elif unit.reads or unit.uses or unit.annotations:
                out.pop()
        out += self.signature(ind, unit.name, method, unit, is_async)
        body = ind + "    "
        if rng.random() < 0.7:
            out += self.docstring(body, unit.name)
        out += self.body_lines(unit, body, len(out))
        if is_async:
            self.imports.need("asyncio")
            out.append(f"{body}await asyncio.sleep(0)")
        out.append(f"{body}return {rng.choice(VARS)}")
        return out

    def body_lines(self, unit: Unit, body: str, used: int = 0) -> list[str]:
        """Statements holding the unit's reads and uses, filled up to about `unit.lines` lines."""
        rng = self.rng
        out: list[str] = []
        tasks: list[tuple[str, object]] = [("read", r) for r in unit.reads] + [("use", u) for u in unit.uses]
        rng.shuffle(tasks)
        filler = max(0, unit.lines - used - 2 - 4 * len(tasks))
        while tasks or len(out) < filler:
            if tasks and (rng.random() < 0.35 or len(out) >= filler):
                what, item = tasks.pop()
                out += self.read_block(item, body) if what == "read" else self.use_line(item, body)  # type: ignore[arg-type]
            elif rng.random() < 0.3:
                out += self.compound(body, 1)
            else:
                out += self.simple(body)
        return out

    def klass(self, unit: Unit) -> list[str]:
        rng = self.rng
        name = unit.name
        flavour = rng.random()
        out: list[str] = []
        if flavour < 0.22 and not unit.reads:
            self.imports.need("dataclass")
            out.append(f"@dataclass{rng.choice(['', '(frozen=True)', '(slots=True)'])}")
            out.append(f"class {name}:")
            out += self.docstring("    ", camel_to_words(name))
            for f in rng.sample(FIELDS, rng.randint(3, 9)):
                out.append(f"    {f}: {rng.choice(['str', 'int', 'float', 'bool', 'str | None'])}")
            if rng.random() < 0.4:
                self.imports.need("field")
                self.imports.need("Any")
                out.append("    metadata: dict[str, Any] = field(default_factory=dict)")
            methods = max(0, (unit.lines - len(out)) // 12)
        elif flavour < 0.30 and not unit.reads and not unit.uses:
            self.imports.need("Enum")
            out.append(f"class {name}(str, Enum):")
            out += self.docstring("    ", camel_to_words(name))
            for status in rng.sample(STATUSES, rng.randint(3, 7)):
                out.append(f'    {status.upper()} = "{status}"')
            return out
        else:
            out.append(f"class {name}:")
            out += self.docstring("    ", camel_to_words(name))
            out.append("")
            attrs = rng.sample(FIELDS, rng.randint(1, 4))
            out.append(f"    def __init__(self, {', '.join(f'{a}: Any' for a in attrs)}) -> None:")
            self.imports.need("Any")
            out += [f"        self._{a} = {a}" for a in attrs]
            methods = max(1, (unit.lines - len(out)) // 14)
        # Spread reads and uses over methods.
        per: list[Unit] = []
        taken: set[str] = set()
        for _ in range(methods):
            mname = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
            if mname in taken:
                mname += f"_{len(taken)}"
            taken.add(mname)
            per.append(Unit("func", mname, rng.randint(6, 22)))
        if not per and (unit.reads or unit.uses or unit.annotations):
            per.append(Unit("func", f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}", 8))
        for read in unit.reads:
            rng.choice(per).reads.append(read)
        for use in unit.uses:
            rng.choice(per).uses.append(use)
        for annotation in unit.annotations:
            rng.choice(per).annotations.append(annotation)
        for method in per:
            out.append("")
            out += self.function("    ", method, "self")
        return out

    def predicate(self, unit: Unit) -> list[str]:
        read = unit.reads[0]
        self.flag_count += 1
        call, before = self.call(read, self.key_expr(read))
        who = "request: HttpRequest" if read.pack == "django-waffle" else "user_id: str"
        if read.pack == "django-waffle":
            self.imports.need("HttpRequest")
        out = [f"def {unit.name}({who}) -> bool:", f'    """Whether the {unit.name[3:-8].replace("_", " ")} path is on."""']
        out += ["    " + line for line in before]
        return out + [f"    return bool({call})"]

    def dynamic_helper(self, unit: Unit) -> list[str]:
        read = unit.reads[0]
        self.flag_count += 1
        if read.context == "predicate":
            call, before = self.call(read, "flag_key")
            out = [f"def {unit.name}(flag_key: str, user_id: str) -> bool:", '    """Evaluate any boolean flag for a user; callers pass the key."""']
            return out + ["    " + line for line in before] + [f"    return bool({call})"]
        region = self.rng.choice(["region", "market", "tenant"])
        call, before = self.call(read, f'f"{self.module.pkg}-{{{region}}}-rollout"')
        out = [f"def {unit.name}({region}: str, user_id: str) -> str:", f'    """Pick the rollout of the given {region}."""']
        out += ["    " + line for line in before]
        return out + [f"    if {call}:", '        return "rollout"', '    return "stable"']

    def decorated_view(self, unit: Unit) -> list[str]:
        read = unit.reads[0]
        self.flag_count += 1
        self.imports.need("waffle_flag")
        self.imports.need("HttpRequest")
        self.imports.need("JsonResponse")
        k = self.key_expr(read)
        out = [f"@waffle_flag({k})", f"def {unit.name}(request: HttpRequest) -> JsonResponse:", f'    """The {unit.name[:-5].replace("_", " ")} page, behind its flag."""']
        out += self.block("    ", max(1, unit.lines - 5))
        return out + ['    return JsonResponse({"status": "ok"})']

    def guard_function(self, unit: Unit) -> list[str]:
        rng = self.rng
        edge = unit.edge
        assert edge is not None and edge.read is not None
        read = edge.read
        self.flag_count += 1
        call, before = self.call(read, self.key_expr(read))
        parent, _, leaf = edge.target.name.rpartition(".")
        who = "request: HttpRequest" if read.pack == "django-waffle" else "user_id: str"
        if read.pack == "django-waffle":
            self.imports.need("HttpRequest")
        self.imports.need("Any")
        out = [f"def {unit.name}(payload: dict[str, Any], {who}) -> Any:"]
        out.append(f'    """Hand the payload to {leaf} while its flag says so (kept for the old clients)."""')
        out += ["    " + line for line in before]
        negative = rng.random() < 0.2
        condition = f"not {call}" if negative else call
        if rng.random() < 0.5:  # import inside the branch
            out += [f"    if {condition}:", f"        from {parent} import {leaf}", "", f"        return {leaf}.run(payload)"]
        else:  # import at the top, used only inside the branch
            local = self.import_name(parent, leaf, edge.target.name + ":module")
            out += [f"    if {condition}:", f'        logger.info("routing through {leaf}")', f"        return {local}.run(payload)"]
        return out + self.block("    ", rng.randint(1, 3)) + ["    return None"]

    # -- the module -----------------------------------------------------------------------

    def bind(self, name: str) -> str:
        """A module-level name for `name` that nothing else in the module uses yet."""
        local, number = name, 2
        while local in self.bound:
            local, number = (f"{name}_{number}" if name[:1].islower() else f"{name}{number}"), number + 1
        self.bound.add(local)
        return local

    def import_name(self, module: str, name: str, canonical: str | None = None) -> str:
        """`from module import name` at the top of the file; returns the name it is bound to.

        `canonical` is the absolute module of a relative `module`, so that one name imported
        both ways is bound once.
        """
        key = (canonical or module, name)
        if key not in self.imported:
            local = self.bind(name)
            self.imports.local_from(module, name if local == name else f"{name} as {local}")
            self.imported[key] = local
        return self.imported[key]

    def relative(self, target: str) -> str | None:
        """`target` relative to this module (`.x`, `..y.z`, `.`), or None when too far up."""
        source_parts, target_parts = self.module.package.split("."), target.split(".")
        common = 0
        while common < min(len(source_parts), len(target_parts)) and source_parts[common] == target_parts[common]:
            common += 1
        dots = len(source_parts) - common + 1
        return None if dots > 3 or common == 0 else "." * dots + ".".join(target_parts[common:])

    def edge_uses(self) -> tuple[list[Use], list[str], list[Unit]]:
        """Import statements for the module's edges: uses to place, annotations, guard units."""
        rng, module = self.rng, self.module
        uses: list[Use] = []
        annotations: list[str] = []
        guards: list[Unit] = []
        for edge in module.edges:
            target, export = edge.target, edge.export
            if edge.kind == "guarded":
                leaf = target.name.rsplit(".", 1)[-1]
                guards.append(Unit("guard", f"{rng.choice(['route', 'handle', 'process', 'settle'])}_{leaf}", 8, edge=edge))
                continue
            assert export is not None
            if edge.kind == "typecheck":
                local = self.imported.get((target.name, export.name))
                if local is None:
                    local = self.bind(export.name)
                    self.imports.need("TYPE_CHECKING")
                    shown = export.name if local == export.name else f"{export.name} as {local}"
                    self.imports.typecheck.setdefault(target.name, {})[shown] = None
                    self.imported[(target.name, export.name)] = local
                annotations.append(local)
                continue
            parent, _, leaf = target.name.rpartition(".")
            relative = None
            if target.pkg == module.pkg and module.role not in ("script", "test") and rng.random() < 0.4:
                relative = self.relative(target.name)
            roll = rng.random()
            if edge.kind == "func":  # imported inside the function that uses it
                source = relative if relative and relative.strip(".") else target.name
                uses.append(Use(export.name, export.kind, f"from {source} import {export.name}"))
            elif roll < 0.72 or target.role == "init" or not parent:
                source = relative if relative and (relative.strip(".") or target.role == "init") else target.name
                uses.append(Use(self.import_name(source, export.name, target.name), export.kind))
            elif roll < 0.92:
                source = self.relative(parent) if relative else parent
                local = self.import_name(source or parent, leaf, target.name + ":module")
                uses.append(Use(f"{local}.{export.name}", export.kind))
            elif rng.random() < 0.5:
                self.imports.local_plain(target.name, None)
                self.bound.add(target.name.split(".")[0])
                uses.append(Use(f"{target.name}.{export.name}", export.kind))
            else:
                alias = self.bind(f"{leaf}_mod")
                self.imports.local_plain(target.name, alias)
                uses.append(Use(f"{alias}.{export.name}", export.kind))
        return uses, annotations, guards

    def write(self) -> str:
        module = self.module
        if module.role == "init":
            return self.write_init()
        rng = self.rng
        uses, annotations, guards = self.edge_uses()
        units: list[Unit] = []
        extra: list[Unit] = []
        body_reads = []
        for read in module.reads:
            if read.context == "guard":
                continue
            if read.key is None:
                extra.append(Unit("dynamic_helper", f"_{rng.choice(['flag_on', 'is_flag_on', 'rollout_for', 'evaluate_flag'])}_{len(extra)}", 4, [read]))
            elif read.context == "predicate":
                noun = read.key.key.replace(".", "_").replace("-", "_").lower().split("_")[-1]
                extra.append(Unit("predicate", f"is_{noun}_{len(extra)}_enabled", 4, [read]))
            elif read.context == "decorator":
                extra.append(Unit("decorator", f"{rng.choice(NOUNS)}_{len(extra)}_view", rng.randint(6, 14), [read]))
            else:
                body_reads.append(read)
        exports = module.exports if module.role not in ("script", "test") else []
        fixed = sum(u.lines for u in extra) + 10 * len(guards) + 25
        per_unit = max(8, (module.size - fixed) // max(1, len(exports)))
        for export in exports:
            if export.name == "main":
                continue
            kind = "class" if export.kind == "class" else "func"
            lines = max(6, round(per_unit * rng.uniform(0.5, 1.5)))
            units.append(Unit(kind, export.name, lines))
        if module.role == "test":
            for use in uses:
                units.append(Unit("test", f"test_{rng.choice(VERBS)}_{use.expr.split('.')[-1].lower()}", rng.randint(8, 30), uses=[use]))
            uses = []
        if module.role in ("script", "entry") or not units:
            units.append(Unit("func", "main", max(10, module.size - 25 if module.role == "script" else 20)))
        for read in body_reads:
            rng.choice(units).reads.append(read)
        for use in uses:
            rng.choice(units).uses.append(use)
        for annotation in annotations:
            rng.choice(units).annotations.append(annotation)
        order = units + extra + guards
        rng.shuffle(order)
        chunks: list[list[str]] = []
        for unit in order:
            if unit.kind == "class":
                chunks.append(self.klass(unit))
            elif unit.kind == "predicate":
                chunks.append(self.predicate(unit))
            elif unit.kind == "dynamic_helper":
                chunks.append(self.dynamic_helper(unit))
            elif unit.kind == "decorator":
                chunks.append(self.decorated_view(unit))
            elif unit.kind == "guard":
                chunks.append(self.guard_function(unit))
            elif unit.kind == "test":
                chunks.append(self.test_function(unit))
            elif unit.name == "main":
                chunks.append(self.main_function(unit))
            elif unit.name == "run":
                chunks.append(self.function("", unit))
            else:
                chunks.append(self.function("", unit))
        # Header last: the bodies decided which imports and constants are needed.
        constants = ["logger = logging.getLogger(__name__)", ""]
        self.imports.need("logging")
        if rng.random() < 0.5:
            constants.append(f"DEFAULT_TIMEOUT = {rng.choice(['5.0', '10.0', '30.0'])}")
        if rng.random() < 0.4:
            constants.append(f"MAX_RETRIES = {rng.randint(2, 8)}")
        if rng.random() < 0.2:
            self.imports.need("re")
            constants.append('_PATTERN = re.compile(r"^[A-Z]{2,4}-\\d+$")')
        for name, value in self.constants.items():
            constants.append(f"{name} = {value}")
        constants += list(dict.fromkeys(self.extra_header))
        head = [f'"""{module_doc(rng, module)}']
        if rng.random() < 0.5:
            head += ["", rng.choice(COMMENTS)]
        head += ['"""', ""]
        if rng.random() < 0.85 or self.imports.typecheck:
            head += ["from __future__ import annotations", ""]
        head += self.imports.render() + constants
        if self.uses_error:
            head += ["", "", f"class {self.error_class}(Exception):", f'    """Raised when a {module.name.rsplit(".", 1)[-1].replace("_", " ")} operation cannot complete."""']
        out = head
        for chunk in chunks:
            out += ["", ""] + chunk
        if module.role in ("script", "entry"):
            out += ["", "", 'if __name__ == "__main__":', "    raise SystemExit(main())"]
        return "\n".join(out) + "\n"

    def main_function(self, unit: Unit) -> list[str]:
        rng = self.rng
        self.imports.need("argparse")
        out = ["def main(argv: list[str] | None = None) -> int:", f'    """Command-line entry point of {self.module.name}."""']
        out.append(f'    parser = argparse.ArgumentParser(prog="{self.module.name.rsplit(".", 1)[-1]}")')
        for option in rng.sample(["--dry-run", "--limit", "--region", "--since", "--verbose"], 2):
            out.append(f'    parser.add_argument("{option}"' + (', action="store_true")' if option in ("--dry-run", "--verbose") else ")"))
        out.append("    args = parser.parse_args(argv)")
        if unit.reads:
            out.append('    user_id = os.environ.get("BATCH_USER", "system")')
            self.imports.need("os")
        out += self.body_lines(unit, "    ", len(out))
        out.append(f'    logger.info("done: %s", {rng.choice(VARS)})' if rng.random() < 0.5 else "    logger.info(\"done\")")
        return out + ["    return 0"]

    def test_function(self, unit: Unit) -> list[str]:
        rng = self.rng
        out = []
        if rng.random() < 0.25:
            self.imports.need("pytest")
            param = rng.choice(FIELDS)
            out.append(f'@pytest.mark.parametrize("{param}", [{", ".join(repr(s) for s in rng.sample(STATUSES, 3))}])')
            out.append(f"def {unit.name}({param}: str) -> None:")
        else:
            out.append(f"def {unit.name}() -> None:")
        for use in unit.uses:
            out += self.use_line(use, "    ")
        out += self.block("    ", max(1, unit.lines // 3))
        out.append(f"    assert {rng.choice(VARS)} {rng.choice(['is not None', '== []', '!= {}'])}")
        return out

    def write_init(self) -> str:
        module = self.module
        rng = self.rng
        words = module.name.split(".")[-1].replace("_", " ")
        out = [f'"""{words.capitalize()}: {rng.choice(["public interface", "domain code", "package", "internals", "integration layer"])} of {module.pkg}."""']
        if module.reexports:
            out.append("")
            names = []
            for source, export in module.reexports:
                leaf = source.name.rsplit(".", 1)[-1]
                out.append(f"from .{leaf} import {export.name}")
                names.append(export.name)
            out += ["", "__all__ = [" + ", ".join(f'"{n}"' for n in dict.fromkeys(names)) + "]"]
        return "\n".join(out) + "\n"


def camel_to_words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def module_doc(rng: random.Random, module: Module) -> str:
    leaf = module.name.rsplit(".", 1)[-1].replace("_", " ")
    if module.role == "guarded":
        return f"{leaf.capitalize()}: the previous implementation, still wired behind a flag."
    if module.role == "script":
        return f"One-off maintenance script: {leaf}."
    if module.role == "test":
        return f"Tests for {leaf.removeprefix('test ')}."
    return f"{leaf.capitalize()} {rng.choice(['for', 'of', 'used by'])} the {module.pkg} {rng.choice(['service', 'domain', 'platform', 'backend'])}."


# --------------------------------------------------------------------------------------------
# Shared modules, registry, configuration and non-Python files
# --------------------------------------------------------------------------------------------


def write_flag_names(plan: Plan, module: Module) -> str:
    keys = [k for k in plan.keys if k.pkg == module.pkg]
    out = [f'"""Flag keys of the {module.pkg} package.', "", "Code reads flags through these names so that a key is spelt in one place.", '"""', ""]
    out += ["from __future__ import annotations", "", "from enum import Enum", ""]
    prefix = f"{module.pkg.upper()}_PREFIX"
    out += [f'{prefix} = "{module.pkg}-"  # LaunchDarkly, OpenFeature and GrowthBook keys start with it', ""]
    by_pack: dict[str, list[Key]] = {}
    for key in keys:
        by_pack.setdefault(key.pack, []).append(key)
    names = []
    for pack in PACKS:
        if pack in by_pack:
            out.append(f"# {pack}")
            for key in by_pack[pack]:
                out.append(f'{key.const} = "{key.key}"')
                names.append(key.const)
            out.append("")
    out += ["", "class FlagKeys(str, Enum):", '    """The keys again, as an enumeration (the admin pages list them)."""', ""]
    out += [f'    {key.attr} = "{key.key}"' for key in keys] or ['    NONE = ""']
    out += ["", "", "ALL_KEYS = ("] + [f"    {name}," for name in names] + [")"]
    return "\n".join(out) + "\n"


def write_clients(plan: Plan, module: Module) -> str:
    pkg = module.pkg
    return "\n".join([
        f'"""Feature-flag clients of the {pkg} package, configured once per process."""',
        "",
        "from __future__ import annotations",
        "",
        "import os",
        "",
        "import ldclient",
        "from growthbook import GrowthBook",
        "from ldclient.config import Config",
        "from UnleashClient import UnleashClient",
        "",
        "unleash = UnleashClient(",
        '    url=os.environ.get("UNLEASH_URL", "https://unleash.internal/api"),',
        f'    app_name="{pkg}",',
        '    custom_headers={"Authorization": os.environ.get("UNLEASH_TOKEN", "")},',
        ")",
        'growthbook = GrowthBook(api_host="https://cdn.growthbook.io", client_key=os.environ.get("GROWTHBOOK_KEY", ""))',
        "",
        "",
        "def configure() -> None:",
        '    """Start the clients; call once at process start."""',
        '    ldclient.set_config(Config(os.environ.get("LD_SDK_KEY", "")))',
        "    unleash.initialize_client()",
        "    growthbook.load_features()",
        "",
    ])  # fmt: skip


TEAMS = ["core", "platform", "growth", "payments-ops", "web", "data", "mobile", "sre", "risk", "experience"]


def write_registry(plan: Plan) -> tuple[str, dict[str, int]]:
    rng = random.Random(f"{plan.seed}:registry")
    out = [
        "# Flag registry of the monorepo.",
        "#",
        "# Every flag that code, the frontend or a deploy config reads is registered here with its owner,",
        "# type and expiry. Reviewed like code. [retired.*] entries are tombstones: never reuse their key.",
        "",
    ]
    counts = {"flags": 0, "retired": 0}
    registered = [k for k in plan.keys if k.status not in ("retired", "unregistered")]
    for top in plan.tops:
        section = [k for k in registered if k.pkg == top]
        if not section:
            continue
        out += [f"# --- {top} " + "-" * (86 - len(top)), ""]
        for key in sorted(section, key=lambda k: k.key):
            out += _flag_entry(rng, key)
            counts["flags"] += 1
    out += ["# --- retired keys " + "-" * 75, ""]
    retired = sorted([k.key for k in plan.keys if k.status == "retired"] + plan.retired_unread)
    for key in retired:
        when = day(rng, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
        out.append(f"[retired.{_toml_key(key)}]")
        out.append(f"retired = {when.isoformat()}")
        out.append(f'meaning = "{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} handling, replaced by the {rng.choice(ADJECTIVES)} path"')
        if rng.random() < 0.4:
            out.append(f'last-commit = "{rng.getrandbits(160):040x}"')
        out.append("")
        counts["retired"] += 1
    return "\n".join(out), counts


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


def _flag_entry(rng: random.Random, key: Key) -> list[str]:
    lines = []
    if rng.random() < 0.3:
        lines.append(f"# {key.pkg.upper()[:4]}-{rng.randint(100, 9999)}")
    lines.append(f"[flags.{_toml_key(key.key)}]")
    owner = f"{key.pkg}-{rng.choice(TEAMS)}"
    status = key.status
    problem = rng.choice(["owner", "expiry", "type", "order"]) if status == "hygiene" else None
    if status in ("active", "unused", "frontend", "hygiene"):
        kind = rng.choices(["release", "experiment", "operational", "kill-switch", "permission"], weights=[50, 15, 15, 12, 8])[0]
        created = day(rng, dt.date(2025, 9, 1), dt.date(2026, 5, 20))
        expires = day(rng, TODAY + dt.timedelta(days=14), dt.date(2027, 6, 1)) if kind in ("release", "experiment", "operational") else None
    else:  # expired
        kind = rng.choices(["release", "experiment", "operational"], weights=[60, 25, 15])[0]
        created = day(rng, dt.date(2023, 1, 1), dt.date(2025, 12, 1))
        expires = min(created + dt.timedelta(days=rng.randint(30, 240)), TODAY - dt.timedelta(days=rng.randint(1, 60)))
        if kind == "operational" and rng.random() < 0.5:
            expires = None  # created + 7 days, long past
    if problem == "type":
        kind = rng.choice(["temporary", "rollout", "ops"])
    if problem == "expiry" and kind in ("release", "experiment"):
        expires = None
    elif problem == "expiry":
        kind, expires = "release", None
    if problem == "order" and expires is not None:
        expires = created - dt.timedelta(days=rng.randint(1, 90))
    elif problem == "order":
        kind, expires = "release", created - dt.timedelta(days=rng.randint(1, 90))
    if problem != "owner":
        lines.append(f'owner = "{owner}"')
    lines.append(f'type = "{kind}"')
    lines.append(f"created = {created.isoformat()}")
    if expires is not None:
        lines.append(f"expires = {expires.isoformat()}")
    words = key.key.replace(key.pkg, "", 1).strip("._-").replace("_", " ").replace("-", " ").lower()
    lines.append(f'description = "{words.capitalize()} in {key.pkg}"')
    if rng.random() < 0.15:
        lines.append(f'tags = ["{rng.choice(["web", "api", "mobile", "batch"])}", "{rng.choice(["q1", "q2", "q3", "q4"])}"]')
    return lines + [""]


def write_pyproject(plan: Plan) -> str:
    packages = ", ".join(f'"{top}*"' for top in plan.tops)
    entries = "\n".join(f'    "{name}",' for name in plan.entry_points)
    return f"""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "acme-monorepo"
version = "2026.5.0"
description = "Synthetic monorepo generated by flagkeeper's benchmarks/make_corpus.py (seed {plan.seed})"
requires-python = ">=3.10"
dependencies = [
    "django>=4.2",
    "django-waffle>=4.1",
    "growthbook>=1.2",
    "launchdarkly-server-sdk>=9.0",
    "openfeature-sdk>=0.8",
    "UnleashClient>=6.0",
]

[project.scripts]
{plan.tops[0]} = "{plan.tops[0]}.main:main"

[tool.setuptools.packages.find]
include = [{packages}]

[tool.flagkeeper]
registry = "flags.toml"
entry-points = [
{entries}
]
"""


def write_frontend(plan: Plan) -> dict[str, str]:
    rng = random.Random(f"{plan.seed}:frontend")
    shared = [k for k in plan.keys if k.pack in ("launchdarkly", "openfeature", "growthbook") and k.status in ("active", "expired")]
    keys = plan.frontend_keys + rng.sample(shared, k=min(len(shared), max(5, len(shared) // 12)))
    rng.shuffle(keys)
    files: dict[str, str] = {}
    files["frontend/package.json"] = '{\n  "name": "acme-web",\n  "private": true,\n  "dependencies": {\n    "launchdarkly-react-client-sdk": "^3.4.0",\n    "react": "^18.3.1"\n  }\n}\n'
    per_file = 4
    for index in range(0, len(keys), per_file):
        group = keys[index : index + per_file]
        area = group[0].pkg
        name = f"frontend/src/features/{area}/{rng.choice(NOUNS)}{index // per_file}.tsx"
        lines = ['import { useFlags, useLDClient } from "launchdarkly-react-client-sdk";', 'import React from "react";', ""]
        lines.append("export const FLAG_KEYS = {")
        for key in group:
            lines.append(f'  {camel(const_name(key.key).lower())}: "{key.key}",')
        lines += ["} as const;", ""]
        for key in group:
            component = camel(const_name(key.key).lower())
            lines += [
                f"export function {component}Gate({{ children }}: {{ children: React.ReactNode }}) {{",
                "  const client = useLDClient();",
                f'  const enabled = client?.variation("{key.key}", false) ?? false;',
                "  return enabled ? <>{children}</> : null;",
                "}",
                "",
            ]
        files[name] = "\n".join(lines)
    files["frontend/src/flags.ts"] = "// Flag keys shared by several screens.\n" + "".join(
        f'export const {const_name(k.key)} = "{k.key}";\n' for k in keys[:6]
    )
    env_keys = [k for k in plan.keys if k.pack == "env" and k.status in ("active", "expired")]
    values = ["# Helm values for the API deployment.", "replicaCount: 6", "image:", "  repository: registry.internal/acme/api", '  tag: "2026.5.0"', "env:"]
    for key in rng.sample(env_keys, k=min(len(env_keys), 12)):
        values += [f"  - name: {key.key}", f'    value: "{rng.choice(["true", "false", "1", "0"])}"']
    files["deploy/helm/values.yaml"] = "\n".join(values) + "\n"
    defaults = ["# Fallback values served when the flag service is unreachable.", "defaults:"]
    for key in rng.sample(shared, k=min(len(shared), 10)):
        defaults.append(f"  {key.key}: {rng.choice(['true', 'false'])}")
    files["config/flag-defaults.yaml"] = "\n".join(defaults) + "\n"
    files["README.md"] = "# acme monorepo (synthetic)\n\nGenerated by flagkeeper's `benchmarks/make_corpus.py`. Do not edit.\n"
    return files


# --------------------------------------------------------------------------------------------


def generate(out_dir: Path, modules: int, lines: int, seed: int, real_code: bool = False) -> dict[str, int]:
    plan = Plan(modules, lines, seed)
    files: dict[str, str] = {}
    reads = dynamic = 0
    for module in plan.modules:
        if module.role == "flag_names":
            continue
        if module.role == "clients":
            files[module.path] = write_clients(plan, module)
            continue
        writer = Writer(plan, module)
        files[module.path] = writer.write()
        reads += writer.flag_count
        dynamic += sum(1 for r in module.reads if r.key is None)
    for module in plan.modules:  # after the readers: FlagKeys holds every key of the package
        if module.role == "flag_names":
            files[module.path] = write_flag_names(plan, module)
    registry, counts = write_registry(plan)
    files["flags.toml"] = registry
    files["pyproject.toml"] = write_pyproject(plan)
    files.update(write_frontend(plan))
    if real_code:
        corpus_real.add_real_code(files, [key.key for key in plan.keys], seed)
    for relative in sorted(files):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8", newline="\n")
    python = [text for name, text in files.items() if name.endswith(".py")]
    read_keys = {r.key.key for m in plan.modules for r in m.reads if r.key is not None}
    by_status: dict[str, int] = {}
    for key in plan.keys:
        by_status[key.status] = by_status.get(key.status, 0) + 1
    return {
        "modules": len(python),
        "lines": sum(text.count("\n") for text in python),
        "reads": reads,
        "dynamic": dynamic,
        "keys": len(read_keys),
        "registry_flags": counts["flags"],
        "registry_retired": counts["retired"],
        "dead": sum(1 for m in plan.modules if m.role == "dead"),
        "guarded": sum(1 for m in plan.modules if m.role == "guarded"),
        "text_files": len(files) - len(python),
        **{f"keys_{status}": n for status, n in sorted(by_status.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the corpus into (created; must be empty or absent)")
    parser.add_argument("--modules", type=int, default=5000, help="about this many Python modules (default 5000)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="about this many lines of Python (default 1000000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same tree (default 7)")
    parser.add_argument("--real-code", action="store_true", help="add what real repositories carry (see corpus_real.py)")
    args = parser.parse_args(argv)
    if args.out_dir.exists() and any(args.out_dir.iterdir()):
        parser.error(f"{args.out_dir} exists and is not empty")
    started = time.perf_counter()
    stats = generate(args.out_dir, args.modules, args.lines, args.seed, args.real_code)
    elapsed = time.perf_counter() - started
    print(
        f"make_corpus: {stats['modules']} modules, {stats['lines']} lines, {stats['reads']} flag reads "
        f"({stats['dynamic']} dynamic), {stats['keys']} keys read; registry {stats['registry_flags']} flags "
        f"+ {stats['registry_retired']} retired; {stats['text_files']} other files; {stats['dead']} dead and {stats['guarded']} flag-guarded modules; "
        f"key status " + ", ".join(f"{k[5:]} {v}" for k, v in stats.items() if k.startswith("keys_")) + f"; {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Per-file analysis of JavaScript and TypeScript: the flag reads the active packs'
`language = "typescript"` reads describe, the module-level names that may hold a key, and the
imports that name them. The result is FileFacts, as for Python, with `language` set.

Parsed with tree-sitter (its grammars for TypeScript, TSX and JavaScript), imported on the first
such file: a project without one never loads it. The parser tolerates syntax errors (the rest of
the file is still read); a file it cannot parse at all is recorded with an error, never raised.
Queries run in C and keep only calls whose callee ends in a name some pack reads, so the Python
side sees a handful of nodes per file. Nothing walks the tree recursively: a deeply nested file
cannot exhaust the stack.

Key expressions are the same records as Python's: `FeatureFlag.X` is a NameRef that the project
resolves through `constants` (enum members and object-literal members by dotted name,
`export enum FeatureFlag { X = "x" }` -> `FeatureFlag.X`) and `aliases` (imports, by module name:
the file's path without its suffix, `a/b/index.ts` -> `a/b`).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flagkeeper.analysis.discovery import SCRIPT_SUFFIXES
from flagkeeper.analysis.facts import Concat, Dynamic, FileFacts, FlagRef, KeyExpr, Literal, NameRef, ParseError
from flagkeeper.analysis.packs import ReadPattern, ScriptReads

if TYPE_CHECKING:
    from tree_sitter import Language, Node, Query

# A key spelled as a chain this long (`"a" + "b" + ...`) or an object literal nested this deep
# is not a flag key: it is read as dynamic, or left out, rather than walked.
MAX_KEY_DEPTH = 32
MAX_OBJECT_DEPTH = 6
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"})
# A script over MINIFIED_MIN_BYTES whose lines average more characters than MINIFIED_LINE_LENGTH
# is a minified bundle (`jquery.min.js`, a vendored build): written by a tool, not where a team
# reads a flag by hand, and the most expensive kind of file to parse. Hand-written code averages
# 30-40 characters a line; the size floor spares small hand-written files with a long line of
# data (an SVG path in a React component), which cost little to parse anyway.
MINIFIED_LINE_LENGTH = 200
MINIFIED_MIN_BYTES = 8 * 1024
_CALLEE = "[(identifier) @name (member_expression property: (property_identifier) @name)] @callee"


def script_module_name(project_path: str) -> tuple[str, bool]:
    """`web/src/flags.ts` -> `web/src/flags`; an `index` file names its folder, as `__init__` does."""
    stem = project_path.rsplit(".", 1)[0]
    head, _, last = stem.rpartition("/")
    return (head, True) if last == "index" and head else (stem, False)


@functools.cache
def _language(suffix: str) -> Language:
    import tree_sitter

    if suffix == ".tsx":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if SCRIPT_SUFFIXES[suffix] == "typescript":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    import tree_sitter_javascript

    return tree_sitter.Language(tree_sitter_javascript.language())


def _names(names: frozenset[str]) -> str:
    return " ".join(f'"{name}"' for name in sorted(names))


@functools.lru_cache(maxsize=32)
def _query(suffix: str, calls: frozenset[str], mappings: frozenset[str], bound: frozenset[str] = frozenset()) -> Query:
    """Calls of the pack's names; members of a mapping call's result and the names bound to one."""
    from tree_sitter import Query

    patterns = []
    if calls:
        patterns.append(f"(call_expression function: {_CALLEE} arguments: (arguments) @args (#any-of? @name {_names(calls)})) @call")
    if mappings:
        result = f"(call_expression function: {_CALLEE} (#any-of? @name {_names(mappings)}))"
        patterns += [
            f"(member_expression object: {result} property: (property_identifier) @member) @read",
            f"(subscript_expression object: {result} index: (_) @index) @read",
            f"(variable_declarator name: (_) @target value: {result}) @read",
        ]
    if bound:
        holder = f"(identifier) @holder (#any-of? @holder {_names(bound)})"
        patterns += [
            f"(member_expression object: {holder} property: (property_identifier) @member) @read",
            f"(subscript_expression object: {holder} index: (_) @index) @read",
            f"(variable_declarator name: (object_pattern) @target value: {holder}) @read",
        ]
    return Query(_language(suffix), "\n".join(patterns))


class _ScriptReader:
    """One file's reads, constants and imports."""

    def __init__(self, path: str, source: bytes, reads: ScriptReads):
        self.path, self.source, self.reads = path, source, reads
        self.references: list[FlagRef] = []
        self.constants: dict[str, KeyExpr] = {}
        self.aliases: dict[str, str] = {}

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode(errors="replace")

    def column(self, node: Node) -> int:
        """The 1-based character column of a node's start (tree-sitter counts bytes)."""
        byte_column = node.start_point[1]
        line_start = node.start_byte - byte_column
        return 1 + len(self.source[line_start : node.start_byte].decode(errors="ignore"))

    def add(self, read: ReadPattern, key: KeyExpr, key_node: Node, call: str, at: Node, default: Node | None = None) -> None:
        default_code = self.text(default) if default is not None else None
        self.references.append(FlagRef(key, self.text(key_node), read.pack, call, at.start_point[0] + 1, self.column(at), default=default_code))

    # Reads ---------------------------------------------------------------------------------

    def find_reads(self, root: Node, suffix: str) -> None:
        from tree_sitter import QueryCursor

        # `const flags = useFlags()`: name -> its mapping; a pack's own mapping names are bound from the start.
        bound = {name: (read, name) for name, read in self.reads.mapping_variables.items()}
        first = _query(suffix, self.reads.call_names, self.reads.mapping_names) if self.reads.call_names or self.reads.mapping_names else None
        for _, captures in QueryCursor(first).matches(root) if first is not None else ():
            callee = self.dotted(captures["callee"][0])
            if "call" in captures:
                self.call(captures["call"][0], callee, captures["args"][0])
            elif (read := self.reads.mapping(callee)) is not None:
                for name in self.member_read(captures, read, callee + "()"):
                    bound[name] = read, callee + "()"
        if bound:  # rare, so a second query only then
            for _, captures in QueryCursor(_query(suffix, frozenset(), frozenset(), frozenset(bound))).matches(root):
                read, mapping = bound[self.text(captures["holder"][0])]
                self.member_read(captures, read, mapping)

    def call(self, call: Node, dotted: str, args: Node) -> None:
        arguments = [node for node in args.named_children if node.type != "comment"]
        for read in self.reads.calls(dotted):
            assert read.key is not None and read.key.position is not None  # packs.py: script reads key by position
            position = read.key.position
            if position >= len(arguments) or any(node.type == "spread_element" for node in arguments[: position + 1]):
                continue
            default = read.default.position if read.default is not None else None
            default_node = arguments[default] if default is not None and default < len(arguments) else None
            self.add(read, self.key_expr(arguments[position]), arguments[position], dotted, call, default_node)
            return

    def member_read(self, captures: dict[str, list[Node]], read: ReadPattern, mapping: str) -> list[str]:
        """A member of a flags mapping read (`.k`, `['k']`, `{ k }`); a name bound to the mapping
        itself is returned, to follow."""
        if "member" in captures:
            member = captures["member"][0]
            self.add(read, Literal(self.text(member)), member, mapping, member)
        elif "index" in captures:
            index = captures["index"][0]
            self.add(read, self.key_expr(index), index, mapping, index)
        elif captures["target"][0].type == "identifier":
            return [self.text(captures["target"][0])]
        else:
            for name_node, key in self.destructured(captures["target"][0]):
                self.add(read, key, name_node, mapping, name_node)
        return []

    def destructured(self, pattern: Node) -> Iterator[tuple[Node, KeyExpr]]:
        """`{ a, b: c, d = false }` -> the members a, b, d (a rest element reads no one key)."""
        for entry in pattern.named_children:
            if entry.type == "shorthand_property_identifier_pattern":
                yield entry, Literal(self.text(entry))
            elif entry.type == "object_assignment_pattern" and entry.child_by_field_name("left") is not None:
                left = entry.child_by_field_name("left")
                assert left is not None
                yield left, Literal(self.text(left))
            elif entry.type == "pair_pattern" and (key := entry.child_by_field_name("key")) is not None:
                yield key, Literal(self.text(key)) if key.type == "property_identifier" else self.key_expr(key)

    # Names and keys ------------------------------------------------------------------------

    def dotted(self, node: Node) -> str:
        """`ldClient.variation`, `useFlags`, `client().variation`; an unnameable receiver leaves
        the last name, which `*.name` patterns still match."""
        parts: list[str] = []
        current: Node | None = node
        while current is not None:
            if current.type in ("identifier", "this", "property_identifier"):
                parts.append(self.text(current))
                break
            if current.type == "member_expression":
                property_node = current.child_by_field_name("property")
                parts.append(self.text(property_node) if property_node is not None else "?")
                current = current.child_by_field_name("object")
            elif current.type == "call_expression":
                parts.append("()")
                current = current.child_by_field_name("function")
            else:
                break
        # ["variation", "()", "useLDClient"] -> "useLDClient().variation"
        return ".".join(reversed(parts)).replace(".()", "()").removeprefix("()").removeprefix(".") or "?"

    def key_expr(self, node: Node, depth: int = 0) -> KeyExpr:
        """A key argument as a KeyExpr: a string, a name (`FLAG`, `FeatureFlag.X`), `+` and
        template strings of those; anything else is dynamic."""
        while node.type in _WRAPPERS and node.named_child_count:
            node = node.named_children[0]
        if depth > MAX_KEY_DEPTH:
            return Dynamic(self.text(node))
        if node.type == "string":
            return self.string(node)
        if node.type == "template_string":
            parts = [self.template_part(child, depth) for child in node.named_children]
            if all(isinstance(part, Literal) for part in parts):
                return Literal("".join(part.value for part in parts if isinstance(part, Literal)))
            return Concat(tuple(parts))
        if node.type == "binary_expression" and self.text(node.child_by_field_name("operator") or node) == "+":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                return Concat((self.key_expr(left, depth + 1), self.key_expr(right, depth + 1)))
        name = self.dotted_name(node)
        return NameRef(name) if name is not None else Dynamic(self.text(node))

    def template_part(self, node: Node, depth: int) -> KeyExpr:
        if node.type == "string_fragment":
            return Literal(self.text(node))
        if node.type == "template_substitution" and node.named_child_count == 1:
            return self.key_expr(node.named_children[0], depth + 1)
        return Dynamic(self.text(node))

    def string(self, node: Node) -> KeyExpr:
        # An escape in a key is rare and JavaScript's escapes are not Python's: left dynamic.
        if any(child.type == "escape_sequence" for child in node.named_children):
            return Dynamic(self.text(node))
        return Literal(self.text(node)[1:-1])

    def dotted_name(self, node: Node) -> str | None:
        """`FLAG`, `FeatureFlag.X`, `FLAGS['X']`: a name the project can resolve, or None."""
        parts: list[str] = []
        current = node
        for _ in range(MAX_KEY_DEPTH):
            if current.type == "identifier":
                return ".".join([self.text(current), *reversed(parts)])
            if current.type == "member_expression" and (prop := current.child_by_field_name("property")) is not None:
                parts.append(self.text(prop))
            elif current.type == "subscript_expression" and (index := current.child_by_field_name("index")) is not None:
                key = self.key_expr(index, MAX_KEY_DEPTH)
                if not isinstance(key, Literal):
                    return None
                parts.append(key.value)
            else:
                return None
            obj = current.child_by_field_name("object")
            if obj is None:
                return None
            current = obj
        return None

    # Module-level names and imports ---------------------------------------------------------

    def find_names(self, root: Node) -> None:
        for statement in root.named_children:
            if statement.type == "export_statement":
                source = statement.child_by_field_name("source")
                declaration = statement.child_by_field_name("declaration")
                if source is not None:
                    self.reexports(statement, self.module_of(source))
                statement = declaration if declaration is not None else statement
            if statement.type in ("lexical_declaration", "variable_declaration"):
                for declarator in statement.named_children:
                    name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                    if declarator.type == "variable_declarator" and name is not None and value is not None and name.type == "identifier":
                        self.constant(self.text(name), value, 0)
            elif statement.type == "enum_declaration":
                self.enum(statement)
            elif statement.type == "import_statement":
                self.imports(statement)

    def constant(self, name: str, value: Node, depth: int) -> None:
        """A module-level name that may hold a key: a string, `+` or template of such, a dotted name."""
        while value.type in _WRAPPERS and value.named_child_count:
            value = value.named_children[0]
        if value.type == "call_expression" and self.dotted(value.child_by_field_name("function") or value) == "Object.freeze":
            arguments = value.child_by_field_name("arguments")
            value = arguments.named_children[0] if arguments is not None and arguments.named_child_count else value
        if value.type == "object":
            self.members(name, value, depth)
            return
        key = self.key_expr(value)
        # `const DARK = FeatureFlag.DarkMode` holds a key too; a plain identifier is too common to keep.
        if not isinstance(key, Dynamic) and value.type != "identifier":
            self.constants[name] = key

    def members(self, name: str, value: Node, depth: int) -> None:
        """`const FLAGS = { nav: { NEW: "new-nav" } }` -> FLAGS.nav.NEW, nested a few levels."""
        if depth < MAX_OBJECT_DEPTH:
            for pair in value.named_children:
                label_node, member = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                if pair.type == "pair" and label_node is not None and member is not None:
                    label = self.key_expr(label_node) if label_node.type == "string" else Literal(self.text(label_node))
                    if isinstance(label, Literal):
                        self.constant(f"{name}.{label.value}", member, depth + 1)

    def enum(self, declaration: Node) -> None:
        name, body = declaration.child_by_field_name("name"), declaration.child_by_field_name("body")
        if name is None or body is None:
            return
        for member in body.named_children:
            member_name, value = member.child_by_field_name("name"), member.child_by_field_name("value")
            if member.type == "enum_assignment" and member_name is not None and value is not None:
                self.constant(f"{self.text(name)}.{self.text(member_name).strip(chr(34) + chr(39))}", value, MAX_OBJECT_DEPTH)

    def module_of(self, source: Node) -> str:
        """An import's module: relative ones against this file's folder, others as written (the
        project matches them to a file by their end, `@/flags` and `common/flags` alike)."""
        specifier = self.text(source)[1:-1]
        if not specifier.startswith("."):
            return specifier.removeprefix("@/").removeprefix("~/")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), specifier))
        stem, suffix = posixpath.splitext(target)
        target = stem if suffix in SCRIPT_SUFFIXES else target
        return target.removesuffix("/index")

    def imports(self, statement: Node) -> None:
        source = statement.child_by_field_name("source")
        clause = next((child for child in statement.named_children if child.type == "import_clause"), None)
        if source is None or clause is None:
            return
        module = self.module_of(source)
        for part in clause.named_children:
            if part.type == "identifier":
                self.aliases[self.text(part)] = f"{module}.default"
            elif part.type == "namespace_import" and part.named_child_count:
                self.aliases[self.text(part.named_children[0])] = module
            elif part.type == "named_imports":
                self.specifiers(part, module)

    def reexports(self, statement: Node, module: str) -> None:
        clause = next((child for child in statement.named_children if child.type == "export_clause"), None)
        if clause is not None:
            self.specifiers(clause, module)

    def specifiers(self, clause: Node, module: str) -> None:
        for specifier in clause.named_children:
            name, alias = specifier.child_by_field_name("name"), specifier.child_by_field_name("alias")
            if name is not None:
                self.aliases[self.text(alias if alias is not None else name)] = f"{module}.{self.text(name)}"


def is_minified(source: str, lines: int) -> bool:
    """Is this script a minified bundle, read for nothing but its text (FK005 still searches it)?"""
    return len(source) > max(MINIFIED_MIN_BYTES, MINIFIED_LINE_LENGTH * max(lines, 1))


def analyse_script(path: str, source: str, module: str, is_package: bool, reads: ScriptReads) -> FileFacts:
    """The facts of one JavaScript or TypeScript file; a file the parser cannot read is recorded
    with an error (its text is still searched for keys), never raised. A minified bundle is not
    parsed: its facts are its size alone."""
    suffix = posixpath.splitext(path)[1]
    language = SCRIPT_SUFFIXES[suffix]
    lines = source.count("\n") + (not source.endswith("\n") and bool(source))
    if is_minified(source, lines):
        return FileFacts(path, module, is_package, lines=lines, language=language)
    data = source.encode(errors="replace")
    try:
        from tree_sitter import Parser

        tree = Parser(_language(suffix)).parse(data)
        if tree is None:
            raise ValueError("the parser gave up")
        reader = _ScriptReader(path, data, reads)
        reader.find_names(tree.root_node)
        if reads:
            reader.find_reads(tree.root_node, suffix)
    except (ValueError, RuntimeError, RecursionError, MemoryError) as exc:
        return FileFacts(path, module, is_package, error=ParseError(f"cannot parse as {language}: {exc}", 1, 1), language=language)
    references = tuple(sorted(reader.references, key=lambda ref: (ref.line, ref.column)))
    return FileFacts(path, module, is_package, reader.aliases, reader.constants, references=references, lines=lines, language=language)

"""JavaScript source facts from a real parser (tree-sitter's JavaScript grammar), with 1-based positions.

The linter never reads JS with regular expressions: ``require('./apis/x.js')`` and
``require("./apis/" + name)`` differ in what they mean, and only a syntax tree tells them apart. The
helpers here answer small questions over one parsed file: which calls are made (``getApp()``,
``require(...)``, ``wx.request(...)``), which object literals sit under a key (``structuredContent``),
what a name is bound to at the top level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar, cast

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser, Tree

__all__ = ["JsFile", "Node", "Syntax", "is_async_function", "member_path", "object_keys", "parse_js", "string_value"]


T = TypeVar("T")


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_javascript.language()))


#: The node kinds the rules ask :meth:`JsFile.walk` for: the one walk of a tree indexes these only
#: (a quarter of the nodes). A kind not listed is found by a walk of its own when asked.
INDEXED_KINDS = frozenset(
    {
        "assignment_expression",
        "call_expression",
        "import_statement",
        "member_expression",
        "pair",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "string_fragment",
        "variable_declarator",
    }
)


@lru_cache(maxsize=1)
def _kind_names() -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """For each node kind id of the grammar: its name (what ``Node.type`` says) and whether it is indexed.

    ``node.kind_id`` and a lookup here cost less than ``node.type``, which builds a new string per node.
    """
    language = _parser().language
    assert language is not None
    names = tuple(language.node_kind_for_id(i) or "" for i in range(language.node_kind_count))
    return names, tuple(n in INDEXED_KINDS for n in names)


@dataclass
class Syntax:
    """What tree-sitter makes of one text: the tree and the node index, shared by files with that text."""

    tree: Tree
    data: bytes
    by_kind: dict[str, list[Node]] | None = None
    calls: list[tuple[str, Node]] | None = None
    pairs: dict[str, list[Node]] | None = None  # pair nodes by key text (JsFile.pairs)
    bindings: dict[str, Node | None] = field(default_factory=dict)  # top_binding answers
    facts: dict[str, object] = field(default_factory=dict)  # other facts of the text (jsfacts), by name


@dataclass
class JsFile:
    """One parsed JS file: its label (relative posix path), text and syntax tree."""

    label: str
    text: str
    _syntax: Syntax = field(repr=False)

    @property
    def tree(self) -> Tree:
        """The syntax tree (shared with every file of the same text: trees are read, never edited)."""
        return self._syntax.tree

    @property
    def data(self) -> bytes:
        """The UTF-8 bytes the tree's byte offsets count."""
        return self._syntax.data

    def position(self, node: Node) -> tuple[int, int]:
        """1-based line and column (characters, not bytes: a line may hold CJK text) of ``node``'s start."""
        row, col_bytes = node.start_point
        line_start = node.start_byte - col_bytes
        return row + 1, len(self._syntax.data[line_start : node.start_byte].decode("utf-8", "replace")) + 1

    @property
    def root(self) -> Node:
        """The ``program`` node."""
        return self._syntax.tree.root_node

    def _index(self) -> dict[str, list[Node]]:
        # One walk of the tree per text: rules ask for the same kinds of node many times. A cursor walks
        # it in document order (pre-order) three times faster than lists of ``node.children`` would.
        # Only the kinds of INDEXED_KINDS are kept; reading a node's kind costs a Node object all the same
        # (the cursor tells no kind), but not a string, a list entry and a live object per node.
        syntax = self._syntax
        if syntax.by_kind is None:
            names, indexed = _kind_names()
            count = len(names)
            by_kind: dict[str, list[Node]] = {}
            cursor = self.root.walk()
            first_child, next_sibling, parent = cursor.goto_first_child, cursor.goto_next_sibling, cursor.goto_parent
            while True:
                node = cursor.node
                assert node is not None
                kind = node.kind_id
                # ERROR (and any id past the table) is named by the node itself; it is never indexed.
                if kind < count and indexed[kind]:
                    name = names[kind]
                    found = by_kind.get(name)
                    if found is None:
                        by_kind[name] = [node]
                    else:
                        found.append(node)
                if first_child():
                    continue
                while not next_sibling():
                    if not parent():
                        syntax.by_kind = by_kind
                        return by_kind
        return syntax.by_kind

    def walk(self, kind: str | None = None) -> Iterator[Node]:
        """Every node (of ``kind``, when given) in document order."""
        if kind is not None:
            if kind in INDEXED_KINDS:
                yield from self._index().get(kind, ())
            else:
                yield from (node for node in self.walk() if node.type == kind)
            return
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def calls(self) -> Iterator[tuple[str, Node]]:
        """``(callee text, call node)`` for every call; the callee as written (``wx.modelContext.createSkill``)."""
        syntax = self._syntax
        if syntax.calls is None:
            found = []
            for node in self.walk("call_expression"):
                fn = node.child_by_field_name("function")
                if fn is not None:
                    found.append((callee_text(fn), node))
            syntax.calls = found
        yield from syntax.calls

    def pairs(self, key: str) -> list[Node]:
        """The ``pair`` nodes whose key, as written without its quotes, is ``key`` (document order).

        Four rule families look for pairs by key (``content``, ``structuredContent``, a returned key):
        each pair's key is read once per text, not once per family and question.
        """
        syntax = self._syntax
        if syntax.pairs is None:
            by_key: dict[str, list[Node]] = {}
            for pair in self.walk("pair"):
                k = pair.child_by_field_name("key")
                if k is not None:
                    by_key.setdefault((k.text or b"").decode().strip("'\""), []).append(pair)
            syntax.pairs = by_key
        return syntax.pairs.get(key, [])

    def syntax_error(self) -> tuple[int, int] | None:
        """Line and column of the first syntax error, if the file does not parse."""
        if not self.root.has_error:
            return None
        for node in self.walk():
            if node.is_error or node.is_missing:
                return self.position(node)
        return self.position(self.root)

    def fact(self, name: str, compute: Callable[[JsFile], T]) -> T:
        """``compute(self)`` once per text: for a fact that depends on the text alone, never on the file's path."""
        facts = self._syntax.facts
        if name not in facts:
            facts[name] = compute(self)
        return cast(T, facts[name])

    def top_binding(self, name: str) -> Node | None:
        """What the top level binds ``name`` to: a function declaration or a declarator's value node."""
        bindings = self._syntax.bindings
        if name not in bindings:
            bindings[name] = self._top_binding(name)
        return bindings[name]

    def _top_binding(self, name: str) -> Node | None:
        for stmt in self.root.children:
            decl = stmt
            if stmt.type == "export_statement":
                decl = stmt.child_by_field_name("declaration") or stmt
            if decl.type in ("function_declaration", "generator_function_declaration"):
                ident = decl.child_by_field_name("name")
                if ident is not None and ident.text == name.encode():
                    return decl
            if decl.type in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    if d.type != "variable_declarator":
                        continue
                    target = d.child_by_field_name("name")
                    if target is not None and target.type == "identifier" and target.text == name.encode():
                        return d.child_by_field_name("value")
        return None


def parse_js(label: str, text: str, shared: dict[str, Syntax] | None = None) -> JsFile:
    """Parse ``text`` (never raises: a file with syntax errors gets a tree with ERROR nodes).

    ``shared``: the parses already made during this lint, by text; a file whose text is one of
    them gets that tree and node index (a skill copied from another, a vendored helper in every
    skill) instead of parsing and walking the same text again. Nothing in a tree names its file.
    """
    syntax = shared.get(text) if shared is not None else None
    if syntax is None:
        data = text.encode("utf-8", "surrogatepass")
        syntax = Syntax(_parser().parse(data), data)
        if shared is not None:
            shared[text] = syntax
    return JsFile(label, text, syntax)


def key_shaped_lines(js: JsFile, min_length: int = 16) -> set[int]:
    """1-based lines holding a string literal shaped like a key: ``min_length``+ ASCII characters, no whitespace."""
    lines: set[int] = set()
    for node in js.walk("string_fragment"):
        text = node.text or b""
        if len(text) >= min_length and text.isascii() and not any(c in text for c in b" \t"):
            lines.update(range(node.start_point[0] + 1, node.end_point[0] + 2))
    return lines


def string_value(node: Node | None) -> str | None:
    """The value of a string literal (or a template string without substitutions), else None."""
    if node is None:
        return None
    if node.type == "string":
        return "".join(_string_piece(c) for c in node.named_children)
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return "".join(_string_piece(c) for c in node.named_children)
    return None


def _string_piece(node: Node) -> str:
    raw = (node.text or b"").decode("utf-8", "replace")
    if node.type == "escape_sequence":
        simple = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\", "`": "`", "0": "\0"}
        return simple.get(raw[1:], raw[1:]) if len(raw) == 2 else raw
    return raw


def member_path(node: Node) -> str | None:
    """``a.b.c`` for an identifier or a chain of dotted member reads, else None."""
    if node.type in ("identifier", "this", "property_identifier"):
        return (node.text or b"").decode()
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            return None
        base = member_path(obj)
        return None if base is None else f"{base}.{(prop.text or b'').decode()}"
    if node.type == "parenthesized_expression" and node.named_children:
        return member_path(node.named_children[0])
    return None


def callee_text(node: Node) -> str:
    """A callee as written, calls in the chain kept: ``wx.modelContext.getContext().sendFollowUpMessage``."""
    plain = member_path(node)
    if plain is not None:
        return plain
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = callee_text(obj) if obj is not None else "?"
        return f"{base}.{(prop.text or b'').decode() if prop is not None else '?'}"
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        return (callee_text(fn) if fn is not None else "?") + "()"
    return "?"


def object_keys(node: Node) -> tuple[list[tuple[str, Node]], bool]:
    """The literal keys of an object literal with their pair nodes, and whether it also has spreads or computed keys."""
    keys: list[tuple[str, Node]] = []
    open_ended = False
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            name = _key_name(key)
            if name is None:
                open_ended = True
            else:
                keys.append((name, child))
        elif child.type == "shorthand_property_identifier":
            keys.append(((child.text or b"").decode(), child))
        elif child.type == "method_definition":
            key = child.child_by_field_name("name")
            name = _key_name(key)
            if name is not None:
                keys.append((name, child))
        elif child.type in ("spread_element",):
            open_ended = True
    return keys, open_ended


def _key_name(key: Node | None) -> str | None:
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier", "number"):
        return (key.text or b"").decode()
    if key.type == "string":
        return string_value(key)
    return None


def pair_value(obj: Node, name: str) -> Node | None:
    """The value of key ``name`` in object literal ``obj`` (a shorthand property gives the identifier)."""
    for key, pair in object_keys(obj)[0]:
        if key == name:
            return pair.child_by_field_name("value") if pair.type == "pair" else pair
    return None


def is_async_function(node: Node) -> bool | None:
    """Whether a function node is ``async`` (None when ``node`` is no function)."""
    if node.type not in ("function_declaration", "function_expression", "function", "arrow_function", "method_definition"):
        return None
    return any(c.type == "async" for c in node.children)


def unwrap(node: Node | None) -> Node | None:
    """``node`` without parentheses, ``await``, or ``x || {}`` defaults (the left side is kept)."""
    while node is not None:
        if node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        elif (
            node.type == "binary_expression"
            and node.child_by_field_name("operator") is not None
            and (
                (node.child_by_field_name("operator").text or b"") in (b"||", b"??")  # type: ignore[union-attr]
            )
        ):
            node = node.child_by_field_name("left")
        else:
            return node
    return None

"""Safe YAML reading that remembers where every value came from.

Scenario files are written by hand, often by people who do not program, so the reader is strict
and its errors point at the line:

- **Safe only.** Nothing is ever evaluated: any tag other than the plain data tags (``!!str``,
  ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``) is an error, so
  ``!!python/object`` cannot even be constructed.
- **Plain data with YAML 1.2 scalars.** Only ``true``/``false`` are booleans (``yes``, ``no``,
  ``on``, ``off`` stay text); ``2026-01-05`` and other dates stay text (no datetime objects in
  storage); ``010`` is ten; ``.inf``/``.nan`` stay text (JSON has neither). Mapping keys are
  always text, as in JSON (``200: ok`` has the key ``"200"``). The result is what
  ``json.loads`` of the same document would give.
- **Duplicate keys are errors** (naming both lines); ``<<`` merge keys and anchors work.
- **One document per file**; ``---`` separating a second one is an error.
- **Positions.** :class:`YamlDoc` maps every value's path (``("turns", 0, "plan", 1, "args")``)
  to its :class:`Span`, and every mapping member's path to the span of its key, so later checks
  can point at the exact key or value.

Nodes are composed by libyaml when PyYAML has it, for speed (PyYAML's pure-Python scanner and
parser were ~90% of loading a scenario); the pure-Python loader stays the reference, reading every
text libyaml reads differently and producing every error, so data, positions and messages do not
depend on libyaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from wxreplay.errors import ScenarioError
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS, LineIndex, display_path, excerpt, numbered_lines
from wxreplay.source import read_text as read_file_text

# excerpt and numbered_lines live in wxreplay.source; they stay importable from here for the scenario model.
__all__ = ["ScenarioLoader", "Span", "YamlDoc", "excerpt", "numbered_lines", "parse_yaml", "read_yaml"]

PathPart = str | int
YamlPath = tuple[PathPart, ...]

_MAX_NODES = 200_000  # an alias bomb ("billion laughs") stops here instead of eating the memory

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"


class ScenarioLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader with YAML 1.2 core-schema scalars; :func:`parse_yaml` builds the values.

    Only the scanner, parser, composer and resolver are used: nodes are turned into values by
    this module, never by PyYAML's constructors, so no tag can construct anything.
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, Any]]] = {}  # noqa: RUF012 (PyYAML's class-level registry)

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """PyYAML's composer, which recurses per level, stopped past :data:`MAX_NESTING` levels."""
        self._depth += 1
        try:
            # The root is at depth 1; a scalar does not recurse, so only collections are counted.
            if self._depth > MAX_NESTING + 1 and self.check_event(yaml.CollectionStartEvent):
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooDeep(Exception):
    """The pure-Python composer went past :data:`MAX_NESTING` levels at ``mark``."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


_DEEP_HINT = "a scenario needs a few levels; write the value flatter (or put a large payload in a fixture file)"


def _too_deep_message() -> str:
    return f"the YAML nests deeper than {MAX_NESTING} levels of lists and mappings"


for _tag, _regexp, _first in (
    (_NULL, r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", [*"tTfF"]),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", [*"-+0123456789"]),
    (_FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$", [*"-+.0123456789"]),
    (_MERGE, r"^(?:<<)$", ["<"]),
):
    ScenarioLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


# libyaml's composer (CParser) asks the Python-side resolve() for the tag of every untagged node,
# so sharing ScenarioLoader's resolver table gives it the same YAML 1.2 scalars. BaseResolver,
# not SafeLoader: only composition happens here, no constructor is ever attached.
_LibyamlLoader: type[Any] | None = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _ScenarioCLoader(CParser, BaseResolver):
        yaml_implicit_resolvers = ScenarioLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self)

    _LibyamlLoader = _ScenarioCLoader

# libyaml's composer recurses in C, ~300 bytes of stack per nesting level, so a deeply nested text
# ("[[[[...") would overflow the C stack: a crash, not an exception (past ~3,000 levels in a thread
# with a 1 MB stack). Every collection is opened by '[' or '{' or holds a '-', ':' or '?' of its
# own, so their count bounds the nesting; above the cap the pure-Python loader reads the text (it
# stops at Python's recursion limit, ~500 levels, with a RecursionError).
_LIBYAML_MAX_INDICATORS = 1_000
_INDICATORS = "[{-:?"


class Span(NamedTuple):
    """Where a value is written: 1-based first line/column and last line/column (inclusive line)."""

    line: int
    column: int
    end_line: int
    end_column: int


# YamlDoc stores positions as plain tuples: a loaded scenario keeps one per value and key for its
# messages, and the garbage collector skips tuples of ints but scans every Span (a tuple subclass),
# which made a large pytest run's collections noticeably slower. YamlDoc.span() gives Spans.
_Pos = tuple[int, int, int, int]


def _last_node(node: Node) -> Node:
    """The node whose text ends ``node``'s own: a block collection ends with its last item, not at the next token."""
    seen: set[int] = set()
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value and id(node) not in seen:
        seen.add(id(node))
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def _span(node: Node) -> _Pos:
    start, end = node.start_mark, _last_node(node).end_mark
    end_line, end_column = end.line + 1, end.column + 1
    # A block scalar (| or >) ends at column 0 of the line after its text.
    if end.column == 0 and end.line > start.line:
        end_line, end_column = end.line, 1
    return (start.line + 1, start.column + 1, max(end_line, start.line + 1), end_column)


@dataclass
class YamlDoc:
    """A parsed YAML file: plain data plus the position of every value and key."""

    data: Any
    text: str
    file: str  # as shown in messages (see source.display_path)
    path: Path | None = None
    values: dict[YamlPath, _Pos] = field(default_factory=dict)  # (line, column, end line, end column)
    keys: dict[YamlPath, _Pos] = field(default_factory=dict)

    def span(self, at: YamlPath = (), *, key: bool = False) -> Span:
        """The span of the key (``key=True``) or value at ``at``, or of its nearest written ancestor."""
        if key and at in self.keys:
            return Span._make(self.keys[at])
        for depth in range(len(at), -1, -1):
            found = self.values.get(at[:depth])
            if found is not None:
                return Span._make(found)
        return Span(1, 1, 1, 1)

    def error(self, message: str, at: YamlPath = (), *, key: bool = False, hint: str | None = None) -> ScenarioError:
        """A :class:`ScenarioError` at the key or value at ``at``, with the excerpt."""
        span = self.span(at, key=key)
        return located(message, self.text, self.file, span.line, span.column, hint=hint)


def located(message: str, text: str, file: str, line: int, column: int, *, hint: str | None = None) -> ScenarioError:
    """A :class:`ScenarioError` at ``file:line:column`` showing the lines before it and a caret."""
    return ScenarioError(message, file=file, line=line, column=column, hint=hint, excerpt=excerpt(text, line, column))


# -- reading ----------------------------------------------------------------------------------------


def read_text(path: Path, label: str) -> str:
    """The file's text (UTF-8, a BOM is dropped) or a located :class:`ScenarioError` (see :func:`read_file_text`)."""
    return read_file_text(
        path, label=label, error=ScenarioError, missing_hint="check the path; scenario files end in .scenario.yaml"
    )


def read_yaml(path: Path, *, label: str | None = None) -> YamlDoc:
    """Read and parse the YAML file at ``path`` (see :func:`parse_yaml`)."""
    label = label if label is not None else display_path(path)
    doc = parse_yaml(read_text(path, label), file=label)
    doc.path = path
    return doc


def parse_yaml(text: str, *, file: str = "<scenario>") -> YamlDoc:
    """Parse ``text`` as one YAML document into plain data with positions; :class:`ScenarioError` otherwise."""
    if _LibyamlLoader is not None:
        try:
            doc = _parse_libyaml(text, file)
        except Exception:
            # Whatever failed (bad YAML, a _Builder error, anything unexpected), the reference loader
            # re-parses so the error is exactly its own; errors are rare, parsing twice costs nothing.
            doc = None
        if doc is not None:
            return doc
    return _parse_pure(text, file)


def _parse_pure(text: str, file: str) -> YamlDoc:
    """:func:`parse_yaml` with PyYAML's pure-Python composer: the reference for results and errors."""
    try:
        loader = ScenarioLoader(text)  # the reader refuses control characters here already
    except yaml.reader.ReaderError as e:
        raise _unprintable(e, text, file) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, file) from None
    except yaml.reader.ReaderError as e:
        raise _unprintable(e, text, file) from None
    except _TooDeep as e:
        line, column = e.mark.line + 1, e.mark.column + 1
        raise located(_too_deep_message(), text, file, line, column, hint=_DEEP_HINT) from None
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML marks its errors; kept as a safety net
        raise ScenarioError(f"invalid YAML: {e}", file=file) from None
    finally:
        loader.dispose()
    return _build(node, text, file)


def _unprintable(e: yaml.reader.ReaderError, text: str, file: str) -> ScenarioError:
    """A character YAML does not allow (a control character, a lone surrogate), at its line and column."""
    line, column = LineIndex(text).position(e.position)
    code = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "\0")
    return located(
        f"the file holds the character U+{code:04X}, which YAML does not allow",
        text,
        file,
        line,
        column,
        hint='remove it (often pasted along with text); write it as "\\u...." in a double-quoted string if it is meant',
    )


def _parse_libyaml(text: str, file: str) -> YamlDoc | None:
    """:func:`parse_yaml` with libyaml's composer, or None where libyaml reads ``text`` differently.

    Raises whatever composing or building raises; :func:`parse_yaml` then re-parses with
    :func:`_parse_pure` so every error is the reference one. Where libyaml accepts YAML that the
    pure-Python loader rejects, or reads it otherwise, this returns None and the reference decides:

    - a tab as separator (``a:<tab>b``, ``- x<tab>``): libyaml allows it, PyYAML rejects it;
    - a BOM after the first character: libyaml skips it at the start of any line, PyYAML keeps it
      as text;
    - ``#`` right after a block scalar header (``|#``, ``>-#``): a comment for libyaml, an error for
      PyYAML;
    - ``?`` in a plain scalar inside ``[ ]`` or ``{ }`` (``[https://x?y=1]``): libyaml keeps it in
      the text, PyYAML ends the scalar there and rejects the document;
    - an empty value after ``:`` inside ``[ ]`` or ``{ }`` (``{a: }``): PyYAML places it right after
      the ``:``, libyaml at the next token;
    - ``!`` (the non-specific tag) on an empty value: text for libyaml, null for PyYAML;
    - an empty value at the very end of a text without a final line break: libyaml places it on a
      line after the last one;
    - documents that could nest deeper than the C composer's stack allows (``_LIBYAML_MAX_INDICATORS``).
    """
    assert _LibyamlLoader is not None
    if (
        "\t" in text
        or "\ufeff" in text
        or sum(map(text.count, _INDICATORS)) > _LIBYAML_MAX_INDICATORS
        or _BLOCK_HEADER_COMMENT.search(text)
    ):
        return None
    loader = _LibyamlLoader(text)
    try:
        node: Node | None = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return _build(node, text, file)
    # Looking at every scalar costs ~10% of a load, so only when the text can hold one of those.
    if ("?" in text or "!" in text or _EMPTY_FLOW_VALUE.search(text)) and _scalar_read_differently(node):
        return None
    if text[-1] not in _LINE_BREAKS and _ends_with_empty_scalar(node):
        return None
    return _build(node, text, file)


_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
# ':' then only blanks and comments up to ',', ']' or '}' (possessive: no backtracking on '###...').
_EMPTY_FLOW_VALUE = re.compile(r":(?:\s|#[^\n\r\x85\u2028\u2029]*+)*+[,\]}]")


def _scalar_read_differently(root: Node) -> bool:
    """Whether libyaml composed a plain scalar PyYAML reads otherwise (see :func:`_parse_libyaml`)."""
    seen: set[int] = set()
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, in_flow = todo.pop()
        if id(node) in seen:  # aliases share nodes: visit each once (an alias bomb stays cheap)
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if node.style != "":
                continue
            if node.value == "":
                # An empty plain !!str was tagged "!!str" (the same in PyYAML) or "!" (null there).
                if in_flow or node.tag == _STR:
                    return True
            elif in_flow and "?" in node.value:
                return True
        elif isinstance(node, SequenceNode):
            todo.extend((item, in_flow or bool(node.flow_style)) for item in node.value)
        elif isinstance(node, MappingNode):
            todo.extend((part, in_flow or bool(node.flow_style)) for pair in node.value for part in pair)
    return False


def _ends_with_empty_scalar(node: Node) -> bool:
    """Whether the last value written is empty (libyaml marks it after a line break the text lacks)."""
    node = _last_node(node)
    start, end = node.start_mark, node.end_mark
    return isinstance(node, ScalarNode) and (start.line, start.column) == (end.line, end.column)


def _build(node: Node | None, text: str, file: str) -> YamlDoc:
    doc = YamlDoc(data=None, text=text, file=file)
    if node is not None:
        doc.data = _Builder(doc).build(node, ())
    return doc


def _syntax_error(e: yaml.MarkedYAMLError, text: str, file: str) -> ScenarioError:
    mark = e.problem_mark or e.context_mark
    problem = e.problem or e.context or "invalid YAML"
    if mark is None:  # pragma: no cover - scanner and parser errors always carry a mark
        return ScenarioError(f"invalid YAML: {problem}", file=file)
    line, column = mark.line + 1, mark.column + 1
    index = LineIndex(text)
    src, above = index.line_text(line), index.line_text(line - 1)
    hint: str | None = None
    if "expected a single document" in problem or "but found another document" in problem:
        problem = "a scenario file holds one document, but a second one starts here"
        hint = "put each scenario in its own .scenario.yaml file (remove the extra '---')"
    elif "\t" in problem or "'\\t'" in problem:
        hint = "indent with spaces, never tabs"
    elif ("expected ',' or '}'" in problem or "expected ',' or ']'" in problem) and any(c in src for c in "${}[]"):
        hint = (
            "inside { } or [ ], quote a value that holds ${...}, [ ] or { }: "
            'args: {drinkId: "${drinkId}"}, save: {drinkId: "structuredContent.items[0].drinkId"}'
        )
    elif "：" in src or "：" in above:
        hint = "use an ASCII ':' after a key; the Chinese '：' counts as text (e.g. user: 点一杯拿铁)"
    elif "mapping values are not allowed" in problem:
        hint = "a value contains ': ' — put the text in quotes, e.g. reply: \"时间: 10:30\""
    elif "could not find expected ':'" in problem or "expected <block end>" in problem:
        hint = "check the indentation: keys of the same mapping start in the same column, list items with '- '"
    elif "found undefined alias" in problem:
        hint = "define the anchor (&name) before using it (*name)"
    elif "found character" in problem and ("'@'" in problem or "'`'" in problem):
        hint = "a value cannot start with @ or `; put it in quotes"
    return located(f"invalid YAML: {problem}", text, file, line, column, hint=hint)


_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ, _MERGE}


class _Builder:
    """Turns composed nodes into plain values while recording positions."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.active: set[int] = set()
        self.count = 0

    def fail(self, node: Node, message: str, hint: str | None = None) -> ScenarioError:
        line, column, _, _ = _span(node)
        return located(message, self.doc.text, self.doc.file, line, column, hint=hint)

    def build(self, node: Node, at: YamlPath) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise self.fail(
                node,
                f"the document expands to more than {_MAX_NODES:,} values (aliases inside aliases?)",
                hint="a scenario needs far less; write the values out or use fewer nested aliases",
            )
        self.doc.values.setdefault(at, _span(node))
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            shown = tag.replace(_TAG, "!!") if tag.startswith(_TAG) else tag
            raise self.fail(
                node,
                f"the tag {shown} is not allowed: scenario files hold plain data only, nothing is constructed or run",
                hint="remove the tag; write the value as plain text, a number, a list or a mapping",
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if len(at) > MAX_NESTING:  # aliases can nest deeper than the text itself
            raise self.fail(node, _too_deep_message(), hint=_DEEP_HINT)
        if id(node) in self.active:
            raise self.fail(
                node, "this alias refers to itself (a recursive structure)", hint="a scenario is a tree: copy the values instead"
            )
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if tag != _SEQ:
                    raise self.fail(node, f"a list cannot carry the tag {tag}")
                return [self.build(item, (*at, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            if tag != _MAP:
                raise self.fail(node, f"a mapping cannot carry the tag {tag}")
            return self.mapping(node, at)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            if value not in ("~", "null", "Null", "NULL", ""):
                raise self.fail(node, f"{value!r} is not null")
            return None
        if tag == _BOOL:
            if value not in ("true", "True", "TRUE", "false", "False", "FALSE"):
                raise self.fail(node, f"{value!r} is not a boolean", hint="write true or false")
            return value.lower() == "true"
        if tag in (_INT, _FLOAT) and len(value) > MAX_NUMBER_DIGITS:
            raise self.fail(
                node,
                f"a number written with {len(value):,} characters (at most {MAX_NUMBER_DIGITS:,} are read)",
                hint='write a shorter number, or quote it ("...") if it is an identifier',
            )
        if tag == _INT:
            text = value.strip()
            try:
                if text.startswith("0x"):
                    return int(text[2:], 16)
                if text.startswith("0o"):
                    return int(text[2:], 8)
                return int(text, 10)
            except ValueError:
                raise self.fail(node, f"{value!r} is not an integer") from None
        if tag == _FLOAT:
            try:
                number = float(value)
            except ValueError:
                raise self.fail(node, f"{value!r} is not a number") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise self.fail(node, f"{value!r} is not a JSON number", hint="use a finite number")
            return number
        if tag == _MERGE:
            raise self.fail(node, "'<<' (merge) is only allowed as a mapping key")
        raise self.fail(node, f"unsupported scalar tag {tag}")  # pragma: no cover - filtered in build()

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "a key must be plain text, not a list or a mapping", hint="write key: value")
        if node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
            shown = node.tag.replace(_TAG, "!!")
            raise self.fail(node, f"the tag {shown} is not allowed on a key: scenario files hold plain data only")
        if node.value == "" and node.tag != _STR:
            raise self.fail(node, "a key is missing before ':'", hint="write key: value")
        return str(node.value)

    def pairs(self, node: MappingNode) -> tuple[list[tuple[Node, Node]], list[tuple[Node, Node]]]:
        """(explicit pairs, pairs merged in through ``<<``); merged pairs are flattened recursively."""
        explicit: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                explicit.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise self.fail(
                        source,
                        "'<<' merges a mapping (or a list of mappings) into this one",
                        hint="write <<: *anchor where &anchor names a mapping",
                    )
                if id(source) in self.active:
                    raise self.fail(source, "this mapping merges itself in (a recursive structure)")
                self.active.add(id(source))
                try:
                    inner, inner_merged = self.pairs(source)
                finally:
                    self.active.discard(id(source))
                merged.extend(inner)
                merged.extend(inner_merged)
        return explicit, merged

    def mapping(self, node: MappingNode, at: YamlPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        explicit, merged = self.pairs(node)
        for key_node, value_node in explicit:
            key = self.key(key_node)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} (first written at line {first})",
                    hint="each key appears once per mapping: merge the two or rename one",
                )
            seen[key] = key_node
            self.doc.keys[(*at, key)] = _span(key_node)
            out[key] = self.build(value_node, (*at, key))
        for key_node, value_node in merged:  # explicit keys win; among merges the first one wins
            key = self.key(key_node)
            if key not in out:
                self.doc.keys[(*at, key)] = _span(key_node)
                out[key] = self.build(value_node, (*at, key))
        return out

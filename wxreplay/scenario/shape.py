"""Check a loaded document against the scenario JSON Schema and report the first problem.

This is a JSON Schema evaluator for the keywords ``scenario.schema.json`` uses (listed in
:data:`KEYWORDS`; a test fails when the schema uses another). It exists beside ``jsonschema``
(the reference the tests compare it with) for two reasons:

- **messages.** A ``oneOf`` of turns or steps is decided the way a reader decides it: by the
  value's type, then by the key that names the kind (``user:``, ``call:`` ...). The problem is
  then the one inside the chosen alternative (``unknown key `plna` in a user turn``), not
  "is not valid under any of the given schemas".
- **speed.** ``jsonschema`` evaluates every alternative of every ``oneOf``: its Draft 7
  validator took 4.1 ms per file of the repository's scenarios, four times a whole load (read,
  YAML, checks, model: 1.0 ms). Deciding the alternative first visits each value once, and each
  node is prepared once (:class:`_Node`), so the load stays at 1.0 ms.

Problems come in document order within a mapping: unknown keys first (the most common mistake,
and the one that explains the others), then missing keys and combinations, then each value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import wxreplay.scenario.schema as format_schema
from wxreplay.scenario.loader import YamlPath

__all__ = ["ANNOTATIONS", "KEYWORDS", "Problem", "first_problem", "is_valid"]

Schema = Mapping[str, Any]

#: The keywords this evaluator understands; the others in the file only document (help for editors).
KEYWORDS = frozenset(
    {
        "$ref",
        "allOf",
        "type",
        "const",
        "enum",
        "oneOf",
        "anyOf",
        "not",
        "pattern",
        "minimum",
        "minItems",
        "items",
        "properties",
        "additionalProperties",
        "propertyNames",
        "required",
        "dependencies",
    }
)
ANNOTATIONS = frozenset({"$schema", "title", "description", "examples", "definitions"})


@dataclass(frozen=True)
class Problem:
    """The first place a document breaks the schema.

    ``keyword`` is the JSON Schema keyword that failed, ``schema`` the node holding it, ``at`` the
    path of the value (or of the key, with ``key=True``) and ``value`` what is written there (the
    key's text for key problems). ``names`` holds the property names involved (``required``,
    ``dependencies``, ``not``) and ``alternatives`` the ``oneOf`` branches the value was measured
    against when a branch's own ``const``/``enum`` or the ``oneOf`` itself failed.
    """

    keyword: str
    at: YamlPath
    schema: Schema
    value: Any
    key: bool = False
    names: tuple[str, ...] = ()
    alternatives: tuple[Schema, ...] = ()


def first_problem(data: Any, node: Schema | None = None, at: YamlPath = ()) -> Problem | None:
    """The first problem of ``data`` against the scenario schema (or its part ``node``, found at ``at``), or None."""
    return _compiled(format_schema.root() if node is None else node).check(data, at)


def is_valid(node: Schema, value: Any) -> bool:
    """Whether ``value`` satisfies the schema ``node``."""
    return _compiled(node).check(value, ()) is None


# The loader builds only these types, so a type test is one set lookup (and ``True`` is no integer).
_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "object": frozenset({dict}),
    "array": frozenset({list}),
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "null": frozenset({type(None)}),
    "integer": frozenset({int}),
    "number": frozenset({int, float}),
}
_TYPE_NAMES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null", int: "integer", float: "number"}


def type_name(value: Any) -> str:
    """The JSON type of a loaded value (``integer`` for whole numbers)."""
    return _TYPE_NAMES[type(value)]


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``."""
    kinds = {type_name(a), type_name(b)}
    return (len(kinds) == 1 or kinds == {"integer", "number"}) and a == b


def _types(node: Schema) -> frozenset[type] | None:
    """The Python types a node's ``type``, ``const`` or ``enum`` admits; None: any."""
    if "type" in node:
        names = [node["type"]] if isinstance(node["type"], str) else node["type"]
        return frozenset().union(*(_PYTHON_TYPES[n] for n in names))
    if "const" in node:
        return frozenset({type(node["const"])})
    if "enum" in node:
        return frozenset(type(option) for option in node["enum"])
    return None


_COMPILED: dict[int, _Node] = {}


def _compiled(node: Schema) -> _Node:
    """The evaluator of a schema node, made once per node (the schema is loaded once and never changes).

    Keyed by identity: the schema's nodes live as long as the process, and each ``_Node`` keeps its
    node, so an id is never reused for another node.
    """
    node = format_schema.resolve(node)
    found = _COMPILED.get(id(node))
    if found is None:
        found = _COMPILED[id(node)] = _Node(node)
    return found


class _Node:
    """One schema node made ready to check values: references followed, patterns compiled, types as sets."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.all_of = [_compiled(part) for part in schema.get("allOf", ())]
        self.types = _types({"type": schema["type"]}) if "type" in schema else None
        self.const = schema.get("const", _ABSENT)
        self.enum = schema.get("enum")
        self.pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
        self.minimum = schema.get("minimum")
        self.min_items = schema.get("minItems", 0)
        self.items = _compiled(schema["items"]) if "items" in schema else None
        self.properties = {name: _compiled(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties")
        self.closed = extra is False
        self.extra = _compiled(extra) if isinstance(extra, Mapping) else None
        self.property_names = _compiled(schema["propertyNames"]) if "propertyNames" in schema else None
        self.required: tuple[str, ...] = tuple(schema.get("required", ()))
        self.dependencies: dict[str, list[str]] = dict(schema.get("dependencies", {}))
        self.gate = _types(schema)  # what a oneOf decides this alternative by, first
        self.kind = format_schema.kind_of(schema)  # ... and then (a mapping) by this key
        self.one_of = [_compiled(b) for b in schema["oneOf"]] if "oneOf" in schema else None
        self.any_of = [_compiled(b) for b in schema.get("anyOf", ())]
        self.not_ = _compiled(schema["not"]) if "not" in schema else None
        self.mapping_rules = bool(self.closed or self.property_names or self.required or self.dependencies)

    def check(self, value: Any, at: YamlPath) -> Problem | None:
        schema = self.schema
        for part in self.all_of:
            if problem := part.check(value, at):
                return problem
        if self.types is not None and type(value) not in self.types:
            return Problem("type", at, schema, value)
        if self.const is not _ABSENT and not same(value, self.const):
            return Problem("const", at, schema, value)
        if self.enum is not None and not any(same(value, option) for option in self.enum):
            return Problem("enum", at, schema, value)
        kind = type(value)
        if kind is dict and self.mapping_rules and (problem := self.keys(value, at)):
            return problem
        if self.one_of is not None and (problem := self.choose(value, at)):
            return problem
        if self.any_of and not any(b.check(value, at) is None for b in self.any_of):
            return Problem("anyOf", at, schema, value)
        if self.not_ is not None and self.not_.check(value, at) is None:
            names = tuple(self.not_.required)
            return Problem("not", (*at, names[-1]) if names else at, schema, value, key=bool(names), names=names)
        if kind is str:
            if self.pattern is not None and not self.pattern.search(value):
                return Problem("pattern", at, schema, value)
        elif kind is list:
            if len(value) < self.min_items:
                return Problem("minItems", at, schema, value)
            if self.items is not None:
                for i, item in enumerate(value):
                    if problem := self.items.check(item, (*at, i)):
                        return problem
        elif kind is dict:
            if self.properties or self.extra is not None:
                return self.values(value, at)
        elif self.minimum is not None and kind in (int, float) and value < self.minimum:
            return Problem("minimum", at, schema, value)
        return None

    def keys(self, value: dict[str, Any], at: YamlPath) -> Problem | None:
        """Unknown keys, key names, missing keys and keys that need another, in that order."""
        if self.closed:
            for key in value:
                if key not in self.properties:
                    return Problem("additionalProperties", (*at, key), self.schema, key, key=True)
        if self.property_names is not None:
            for key in value:
                if self.property_names.check(key, ()) is not None:
                    return Problem("propertyNames", (*at, key), self.schema, key, key=True)
        for name in self.required:
            if name not in value:
                return Problem("required", at, self.schema, value, names=(name,))
        for name, needs in self.dependencies.items():
            missing = [n for n in needs if n not in value] if name in value else []
            if missing:
                return Problem("dependencies", (*at, name), self.schema, value, key=True, names=(name, missing[0]))
        return None

    def values(self, value: dict[str, Any], at: YamlPath) -> Problem | None:
        for key, item in value.items():
            sub = self.properties.get(key, self.extra)
            if sub is not None and (problem := sub.check(item, (*at, key))):
                return problem
        return None

    def choose(self, value: Any, at: YamlPath) -> Problem | None:
        """Decide the ``oneOf`` alternative by type, then by the key naming the kind; the problem is the one inside it."""
        options = self.one_of or []
        fitting = [b for b in options if b.gate is None or type(value) in b.gate]
        if len(fitting) > 1 and type(value) is dict:
            named = [b for b in fitting if b.kind is not None and b.kind in value]
            if len(named) != 1:
                return Problem("oneOf", at, self.schema, value, alternatives=tuple(b.schema for b in fitting))
            fitting = named
        if len(fitting) != 1:
            return Problem("oneOf", at, self.schema, value, alternatives=tuple(b.schema for b in options))
        problem = fitting[0].check(value, at)
        if problem is not None and problem.at == at and problem.keyword in ("const", "enum"):
            # The value has the type of this alternative but not one of its values: say what all alternatives allow.
            return Problem(problem.keyword, at, problem.schema, value, alternatives=tuple(b.schema for b in options))
        return problem


_ABSENT = object()

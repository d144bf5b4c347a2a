"""Arguments for an API made from its ``inputSchema`` alone: deterministic, minimal, valid where possible.

The whole-package tally (:mod:`wxreplay.tally`) calls every API of a package without knowing what
the API means, so it needs arguments a model could have sent: the required properties only, each
filled the same way every time. For one (sub)schema, in this order:

- ``const``, then the first of ``examples``, then ``default``, then the first ``enum`` value;
- ``$ref`` (``#/...`` inside the same schema), ``allOf`` (merged), ``anyOf`` / ``oneOf`` (the first
  branch that is not ``null``);
- by ``type`` (the first non-null one of a list, or guessed from ``properties`` / ``items``):
  an object with its required properties; an array of ``max(minItems, 1)`` items (none when
  ``maxItems`` is 0; told apart for ``uniqueItems``); a string by ``format`` (date, date-time, email, uri, uuid ...) or ``"test"``
  fitted to ``minLength`` / ``maxLength`` / a simple ``pattern``; a number or integer 1 moved into
  ``minimum`` / ``maximum`` / ``multipleOf``; ``false``; ``null``.

Whether the result validates is for the caller to check (with the API's own validator): a schema
this cannot satisfy (an exotic ``pattern``) is reported, never guessed at.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["sample_arguments", "sample_value"]

#: Values for string ``format`` keywords (JSON Schema draft 7 and 2019-09 names).
FORMAT_VALUES: dict[str, str] = {
    "date-time": "2026-01-05T09:30:00+08:00",
    "date": "2026-01-05",
    "time": "09:30:00+08:00",
    "duration": "PT1H",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "iri-reference": "https://example.com/",
    "url": "https://example.com/",
    "uri-template": "https://example.com/{id}",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "json-pointer": "/a",
    "relative-json-pointer": "0",
    "regex": ".*",
}

#: Strings tried, in order, against a ``pattern`` when the plain sample does not match it.
PATTERN_CANDIDATES = ("test", "a", "A", "1", "0", "abc123", "ABC123", "WS0001", "A1", "x-1", "2026-01-05", "13800000000")

_MAX_DEPTH = 12  # nested schemas deeper than this get null: a recursive $ref must end


def sample_arguments(schema: Any) -> dict[str, Any]:
    """The arguments of an API with ``inputSchema`` ``schema``: always an object (``{}`` for a schema that allows one)."""
    value = sample_value(schema, root=schema)
    return value if isinstance(value, dict) else {}


def sample_value(schema: Any, *, root: Any = None, depth: int = 0) -> Any:
    """A deterministic value for ``schema`` (``root`` resolves ``$ref``); see the module docstring."""
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if "default" in schema:
        return schema["default"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(ref, root)
        if target is not None:
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return sample_value({**target, **rest}, root=root, depth=depth + 1)
        return None
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged = _merge([{k: v for k, v in schema.items() if k != "allOf"}, *all_of])
        return sample_value(merged, root=root, depth=depth + 1)
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            branch = next((b for b in branches if isinstance(b, dict) and b.get("type") != "null"), branches[0])
            rest = {k: v for k, v in schema.items() if k != key}
            return sample_value(_merge([rest, branch]), root=root, depth=depth + 1)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        return _array(schema, root, depth)
    if kind == "string":
        return _string(schema)
    if kind in ("number", "integer"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    return None


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
        return "number"
    return None


def _resolve(ref: str, root: Any) -> dict[str, Any] | None:
    """``#/a/b`` inside ``root`` (JSON pointer escapes ``~0`` ``~1``); None for anything else."""
    if not ref.startswith("#"):
        return None
    node = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, dict) else None


def _merge(schemas: list[Any]) -> dict[str, Any]:
    """``allOf`` as one schema: properties and required lists joined, other keywords last one wins."""
    out: dict[str, Any] = {}
    for s in schemas:
        if not isinstance(s, dict):
            continue
        for key, value in s.items():
            if key == "properties" and isinstance(value, dict):
                out["properties"] = {**out.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                out["required"] = [*out.get("required", []), *[r for r in value if r not in out.get("required", [])]]
            else:
                out[key] = value
    return out


def _object(schema: dict[str, Any], root: Any, depth: int) -> dict[str, Any]:
    props = schema.get("properties")
    props = props if isinstance(props, dict) else {}
    required = schema.get("required")
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for name in required if isinstance(required, list) else []:
        if not isinstance(name, str):
            continue
        sub = props.get(name, extra if isinstance(extra, dict) else None)
        out[name] = sample_value(sub, root=root, depth=depth + 1) if sub is not None else "test"
    return out


def _array(schema: dict[str, Any], root: Any, depth: int) -> list[Any]:
    low, high = _int(schema, "minItems") or 0, _int(schema, "maxItems")
    count = max(low, 1) if high is None else min(max(low, 1), high)
    items = schema.get("items")
    prefix = schema.get("prefixItems")
    if isinstance(items, list):  # draft 7 tuple form
        prefix, items = items, schema.get("additionalItems")
    prefix = prefix if isinstance(prefix, list) else []
    out: list[Any] = []
    for i in range(count):
        sub = prefix[i] if i < len(prefix) else items
        out.append(sample_value(sub, root=root, depth=depth + 1) if isinstance(sub, dict) else "test")
    if schema.get("uniqueItems") and len(out) > 1:
        out = [_nth(v, i) for i, v in enumerate(out)]
    return out


def _nth(value: Any, i: int) -> Any:
    """The ``i``-th of several items that must differ: ``test``, ``test1`` ...; 1, 2 ... (other values as they are)."""
    if i == 0:
        return value
    if isinstance(value, str):
        return f"{value}{i}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value + i
    return value


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    text = FORMAT_VALUES.get(fmt, "test") if isinstance(fmt, str) else "test"
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, text):
        text = next((c for c in PATTERN_CANDIDATES if _matches(pattern, c)), text)
    low, high = _int(schema, "minLength") or 0, _int(schema, "maxLength")
    if len(text) < low:
        text += (text[-1:] or "x") * (low - len(text))
    if high is not None and len(text) > high:
        text = text[:high]
    return text


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    """1, moved into the bounds (draft 6+ numeric exclusive bounds; draft 4's boolean ones are ignored)."""
    value: float = 1
    low, high = _float(schema, "minimum"), _float(schema, "maximum")
    ex_low, ex_high = _float(schema, "exclusiveMinimum"), _float(schema, "exclusiveMaximum")
    step = _float(schema, "multipleOf")
    nudge = step if step is not None and step > 0 else 1
    if low is not None and value < low:
        value = low
    if ex_low is not None and value <= ex_low:
        value = ex_low + nudge
    if high is not None and value > high:
        value = high
    if ex_high is not None and value >= ex_high:
        value = ex_high - nudge
    if step is not None and step > 0:
        value = math.ceil(value / step) * step
    if integer:
        return math.ceil(value)
    return int(value) if float(value).is_integer() else value


def _int(schema: dict[str, Any], key: str) -> int | None:
    v = schema.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _float(schema: dict[str, Any], key: str) -> float | None:
    v = schema.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None

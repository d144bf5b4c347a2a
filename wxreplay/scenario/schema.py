"""The scenario format, described once: ``scenario.schema.json`` (shipped beside this module).

The JSON Schema is the one description of what a ``*.scenario.yaml`` may hold: its keys, their
types, the kinds of turns and steps, the examples and the bilingual help editors show. The loader
checks files against it (:mod:`wxreplay.scenario.shape`) and reads the names it needs for its
messages from it through the helpers below; nothing else lists the keys. ``wxreplay schema``
prints :func:`schema_text`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "SCHEMA_FILE",
    "branches",
    "definition",
    "expect_places",
    "flag_events",
    "format_version",
    "kind_of",
    "resolve",
    "root",
    "scenario_schema",
    "schema_text",
    "step_kinds",
    "turn_kinds",
]

SCHEMA_FILE = "scenario.schema.json"

Schema = Mapping[str, Any]


@cache
def _text() -> str:
    return resources.files("wxreplay.scenario").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def _shared() -> dict[str, Any]:
    """The parsed schema the loader reads (never handed out: callers get copies)."""
    schema: dict[str, Any] = json.loads(_text())
    return schema


def schema_text() -> str:
    """The JSON Schema of ``*.scenario.yaml`` files, as shipped (pretty JSON, UTF-8, newline at the end)."""
    return _text()


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of ``*.scenario.yaml`` files (a fresh dict each call)."""
    schema: dict[str, Any] = json.loads(_text())
    return schema


def root() -> Schema:
    """The schema itself (shared, read-only by convention)."""
    return _shared()


def definition(name: str) -> Schema:
    """``#/definitions/<name>``."""
    found: Schema = _shared()["definitions"][name]
    return found


def resolve(node: Schema) -> Schema:
    """``node`` with its ``$ref`` followed (the schema only refers to ``#/definitions/...``)."""
    while "$ref" in node:
        node = definition(node["$ref"].rsplit("/", 1)[1])
    return node


def branches(node: Schema) -> list[Schema]:
    """The alternatives of a ``oneOf`` node, references followed."""
    return [resolve(b) for b in resolve(node).get("oneOf", ())]


def kind_of(branch: Schema) -> str | None:
    """The key that names a kind of mapping (``user`` for a user turn, ``call`` for a call step)."""
    required = branch.get("required") or ()
    return str(required[0]) if required else None


@cache
def turn_kinds() -> tuple[str, ...]:
    """``user``, ``tap``, ``message`` and the lifecycle events, in the order the schema lists them."""
    return tuple(k for b in branches(definition("turn")) if (k := kind_of(b)) is not None)


@cache
def flag_events() -> tuple[str, ...]:
    """Lifecycle events written as a bare word (``- restart``): they take no value."""
    words = next(b for b in branches(definition("turn")) if "enum" in b)
    return tuple(words["enum"])


@cache
def step_kinds() -> tuple[str, ...]:
    """``call``, ``render``, ``reply``."""
    return tuple(k for b in branches(definition("step")) if (k := kind_of(b)) is not None)


@cache
def expect_places() -> dict[str, tuple[str, ...]]:
    """What ``expect:`` may check, by where it is written (``call``, ``render``, ``tap``, ``message``, ``event``)."""
    places = ("call", "render", "tap", "message", "event")
    return {place: tuple(definition(f"{place}Expect")["properties"]) for place in places}


def format_version() -> int:
    """The format version this wxreplay reads (``version:``)."""
    version: int = _shared()["properties"]["version"]["const"]
    return version

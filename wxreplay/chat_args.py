"""``wxreplay chat``: the line protocol's pieces with no session behind them.

Parsing a command line, turning one typed value into the JSON type an ``inputSchema`` property
asks for, and finding values for an argument in earlier results (fields of the same name in their
``structuredContent``). Everything here is pure, so it is tested without V8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EVENTS",
    "Command",
    "Suggestion",
    "convert_value",
    "parse_command",
    "parse_duration",
    "schema_type",
    "suggestions",
]

#: Lifecycle events a chat may trigger, and whether each takes a duration.
EVENTS: dict[str, bool] = {
    "background": True,
    "advance": True,
    "foreground": False,
    "restart": False,
    "new_session": False,
    "memory_warning": False,
}

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$")


@dataclass(frozen=True)
class Command:
    """One line of the protocol: ``name`` (``say`` for what the user types) and the rest of the line."""

    name: str
    rest: str


def parse_command(line: str) -> Command:
    """``:call searchDrinks`` -> ``Command("call", "searchDrinks")``; text without ``:`` -> ``Command("say", text)``.

    A line starting with ``::`` is what the user says, starting with one ``:`` (an escape).
    """
    text = line.strip()
    if text.startswith("::"):
        return Command("say", text[1:])
    if not text.startswith(":"):
        return Command("say", text)
    name, _, rest = text[1:].partition(" ")
    return Command(name.strip().lower().replace("-", "_"), rest.strip())


def parse_duration(text: str) -> int | None:
    """``30m`` / ``5s`` / ``1h30m`` / ``1500ms`` -> milliseconds; ``None`` when it is no duration."""
    m = _DURATION.match(text.strip())
    if not text.strip() or m is None or not any(m.groups()):
        return None
    h, mins, s, ms = (int(g) if g else 0 for g in m.groups())
    return ((h * 60 + mins) * 60 + s) * 1000 + ms


def schema_type(prop: dict[str, Any]) -> str:
    """The JSON type a property asks for (``string`` when it says none; the first of a list)."""
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None and "enum" in prop and prop["enum"]:
        kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(prop["enum"][0]), "string")
    return str(kind or "string")


def convert_value(text: str, prop: dict[str, Any]) -> Any:
    """The typed value for ``text`` as ``prop`` asks for it; :class:`ValueError` saying what was expected.

    Numbers and booleans are read as JSON words, objects and arrays as JSON, a string is taken as
    typed; an ``enum`` must contain the value.
    """
    kind = schema_type(prop)
    value: Any
    if kind == "string":
        value = text
    elif kind in ("integer", "number"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a{'n integer' if kind == 'integer' else ' number'}, got {text!r}")
        if kind == "integer" and not float(value).is_integer():
            raise ValueError(f"expected an integer, got {text!r}")
        if kind == "integer":
            value = int(value)
    elif kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"expected true or false, got {text!r}")
        value = text.lower() == "true"
    elif kind in ("object", "array"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"expected a JSON {kind}: {e.msg} at column {e.colno}") from None
        if not isinstance(value, dict if kind == "object" else list):
            raise ValueError(f"expected a JSON {kind}, got {text!r}")
    else:
        raise ValueError(f"the inputSchema asks for type {kind!r}, which a chat cannot type")
    enum = prop.get("enum")
    if isinstance(enum, list) and enum and value not in enum:
        raise ValueError("expected one of " + ", ".join(json.dumps(e, ensure_ascii=False) for e in enum) + f", got {text!r}")
    return value


@dataclass(frozen=True)
class Suggestion:
    """A value for an argument found in an earlier result: which call (0-based) and where in it."""

    value: Any
    call: int
    path: str  # the save: path into the result, e.g. structuredContent.items[0].drinkId


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """``(field name, path, value)`` of every mapping field below ``value`` (lists by their first items)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_$][\w$]*", key):
                continue  # a save: path can only name identifier-like keys
            here = f"{path}.{key}"
            yield key, here, sub
            yield from _walk(sub, here)
    elif isinstance(value, list):
        for i, item in enumerate(value[:20]):
            yield from _walk(item, f"{path}[{i}]")


def suggestions(name: str, results: list[dict[str, Any] | None]) -> list[Suggestion]:
    """Values of fields called ``name`` in the ``structuredContent`` of ``results`` (newest call first).

    ``results`` are the chat's calls in order (``None`` for a call that cannot be saved from: an
    ``isError`` result). Only scalars are suggested, each value once.
    """
    out: list[Suggestion] = []
    seen: list[Any] = []
    for index in range(len(results) - 1, -1, -1):
        data = results[index]
        if data is None:
            continue
        for key, path, value in _walk(data.get("structuredContent"), "structuredContent"):
            if key == name and isinstance(value, (str, int, float, bool)) and value not in seen:
                seen.append(value)
                out.append(Suggestion(value, index, path))
    return out

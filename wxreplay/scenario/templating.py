"""``${var}`` placeholders and ``save:`` paths: the only "programming" a scenario file has.

**Paths** (``save:`` values and the inside of ``${...}``) walk into a value::

    structuredContent.items[0].drinkId     .key for a mapping member, [n] for a list element
    content[0].text                        [-1] is the last element
    _meta["image url"]                     ["..."] or ['...'] for a key with spaces or dots

A ``save:`` path starts at a field of the call result: ``isError``, ``content``,
``structuredContent``, ``_meta``, ``handoff``, ``apiCalls`` or ``arguments`` (the arguments the
call actually ran with, handy when they came from a card's upstream message).

**Placeholders** ``${name}`` or ``${name.path[0]}`` are replaced by :func:`substitute`:

- a string that is exactly one placeholder takes the saved value *with its type*
  (``drinkId: ${drinkId}`` passes the number 101, not the text "101");
- placeholders inside longer text are written the way JavaScript's ``String()`` would
  (``true``, ``null``, ``28``, compact JSON for mappings and lists), so a message reads the
  same as the card that produced it;
- ``$${`` writes a literal ``${``.

Names are letters, digits and ``_`` (Chinese characters allowed), not starting with a digit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from wxreplay.errors import ScenarioError
from wxreplay.source import did_you_mean

__all__ = [
    "RESULT_FIELDS",
    "Placeholder",
    "extract",
    "format_path",
    "has_placeholders",
    "parse_path",
    "placeholders",
    "substitute",
]

#: Where a ``save:`` path may start: the fields of a call result (``CallResult.to_dict()``).
RESULT_FIELDS = ("isError", "content", "structuredContent", "_meta", "handoff", "apiCalls", "arguments")

#: A variable name: ASCII letters, digits, ``_`` and CJK ideographs, not starting with a digit.
NAME_PATTERN = r"[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*"
_NAME_RE = re.compile(NAME_PATTERN)
_NAME_FULL_RE = re.compile(f"^{NAME_PATTERN}$")

# ``$${`` escapes; otherwise ``${`` up to the next ``}``.
_TOKEN_RE = re.compile(r"\$\$\{|\$\{([^{}]*)\}|\$\{")

# A list index past 2**53 means nothing in JSON; a longer one would only cost int()'s quadratic time.
_MAX_INDEX_DIGITS = 15
_KEY_RE = re.compile(r"[^.\[\]\s\"']+")
_INDEX_RE = re.compile(r"\[\s*(-?\d+)\s*\]")
_QUOTED_RE = re.compile(r"""\[\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*\]""")

PathPart = str | int


def is_name(text: str) -> bool:
    """Whether ``text`` is a valid variable name."""
    return bool(_NAME_FULL_RE.match(text))


def parse_path(path: str) -> tuple[PathPart, ...]:
    """Split ``a.b[0]["c d"]`` into ``("a", "b", 0, "c d")``; :class:`ValueError` says what is wrong."""
    text = path.strip()
    if not text:
        raise ValueError("the path is empty")
    match = _KEY_RE.match(text)
    if match is None:
        raise ValueError(f"{path!r} must start with a field name, e.g. structuredContent.items[0].drinkId")
    parts: list[PathPart] = [match.group(0)]
    i = match.end()
    while i < len(text):
        ch = text[i]
        if ch == ".":
            key = _KEY_RE.match(text, i + 1)
            if key is None:
                raise ValueError(f"{path!r}: a name is missing after the '.' at position {i + 1}")
            parts.append(key.group(0))
            i = key.end()
        elif ch == "[":
            index = _INDEX_RE.match(text, i)
            quoted = _QUOTED_RE.match(text, i)
            if index is not None:
                digits = index.group(1).lstrip("-")
                if len(digits) > _MAX_INDEX_DIGITS:
                    raise ValueError(
                        f"the index at position {i + 1} has {len(digits):,} digits; a list index has at most {_MAX_INDEX_DIGITS}"
                    )
                parts.append(int(index.group(1)))
                i = index.end()
            elif quoted is not None:
                parts.append(quoted.group(1) if quoted.group(1) is not None else quoted.group(2))
                i = quoted.end()
            else:
                raise ValueError(f'{path!r}: [...] at position {i + 1} must hold a number like [0] or a quoted key like ["a b"]')
        else:
            raise ValueError(f"{path!r}: unexpected {ch!r} at position {i + 1}; write .key or [0]")
    return tuple(parts)


def format_path(parts: tuple[PathPart, ...] | list[PathPart]) -> str:
    """The inverse of :func:`parse_path`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _KEY_RE.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


@dataclass(frozen=True)
class Placeholder:
    """One ``${...}`` found in a value: the variable ``name`` and the ``path`` inside it."""

    text: str  # as written, "${order.items[0]}"
    name: str
    path: tuple[PathPart, ...]  # after the name; () for a plain ${name}
    at: tuple[PathPart, ...]  # where in the enclosing value the string holding it is


def _parse_placeholder(inner: str, written: str) -> tuple[str, tuple[PathPart, ...]]:
    inner = inner.strip()
    name = _NAME_RE.match(inner)
    if name is None:
        raise ValueError(f"{written} does not start with a variable name (letters, digits, _)")
    try:
        parts = parse_path(inner)
    except ValueError as e:
        raise ValueError(f"{written}: {e}") from None
    if parts[0] != name.group(0):
        raise ValueError(f"{written}: {parts[0]!r} is not a variable name (letters, digits, _)")
    return name.group(0), parts[1:]


def _scan(text: str) -> Iterator[tuple[re.Match[str], str | None, tuple[PathPart, ...]]]:
    """Each token of ``text``: ``(match, name, path)``; name None for the ``$${`` escape."""
    for m in _TOKEN_RE.finditer(text):
        written = m.group(0)
        if written == "$${":
            yield m, None, ()
            continue
        if m.group(1) is None:
            raise ValueError(f"'${{' at position {m.start() + 1} is not closed by '}}'; write $${{ for a literal ${{")
        name, path = _parse_placeholder(m.group(1), written)
        yield m, name, path


def placeholders(value: Any, at: tuple[PathPart, ...] = ()) -> list[Placeholder]:
    """Every placeholder in ``value`` (strings, mapping values, list items), in order.

    Raises :class:`ValueError` for a malformed one (``${}``, ``${1x}``, an unclosed ``${``).
    """
    found: list[Placeholder] = []
    if isinstance(value, str):
        for m, name, path in _scan(value):
            if name is not None:
                found.append(Placeholder(m.group(0), name, path, at))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(placeholders(item, (*at, str(key))))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found.extend(placeholders(item, (*at, i)))
    return found


def has_placeholders(value: Any) -> bool:
    """Whether ``value`` holds any ``${...}`` (the ``$${`` escape does not count)."""
    try:
        return bool(placeholders(value))
    except ValueError:
        return True


def js_string(value: Any) -> str:
    """``String(value)`` as JavaScript writes it: ``true``, ``null``, ``28``, compact JSON for objects."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _lookup(variables: Mapping[str, Any], name: str, path: tuple[PathPart, ...], written: str) -> Any:
    if name not in variables:
        saved = ", ".join(sorted(variables)) or "none yet"
        close = did_you_mean(name, variables)
        hint = f"did you mean ${{{close}}}?" if close else f"save it first with save: {{{name}: structuredContent...}}"
        raise ScenarioError(f"{written}: no variable {name!r} has been saved (saved so far: {saved})", hint=hint)
    if not path:
        return variables[name]
    return _walk(variables[name], path, name, written)


def substitute(value: Any, variables: Mapping[str, Any]) -> Any:
    """``value`` with every ``${...}`` replaced; a new structure, the input is not changed.

    A string that is one placeholder and nothing else becomes the saved value itself (its type
    kept, a deep copy for mappings and lists); placeholders in longer text are interpolated as
    JavaScript's ``String()`` would. Mapping keys are left alone. Raises :class:`ScenarioError`
    (without a location: the caller adds it) for an unknown variable or a path that does not
    resolve.
    """
    if isinstance(value, str):
        return _substitute_text(value, variables)
    if isinstance(value, Mapping):
        return {key: substitute(item, variables) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [substitute(item, variables) for item in value]
    return value


def _substitute_text(text: str, variables: Mapping[str, Any]) -> Any:
    try:
        tokens = list(_scan(text))
    except ValueError as e:
        raise ScenarioError(str(e), hint="write ${name} with a saved variable name, or $${ for a literal ${") from None
    if not tokens:
        return text
    if len(tokens) == 1:
        m, name, path = tokens[0]
        if name is not None and m.start() == 0 and m.end() == len(text):
            return json.loads(json.dumps(_lookup(variables, name, path, m.group(0)), ensure_ascii=False))
    out: list[str] = []
    last = 0
    for m, name, path in tokens:
        out.append(text[last : m.start()])
        out.append("${" if name is None else js_string(_lookup(variables, name, path, m.group(0))))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _walk(value: Any, parts: tuple[PathPart, ...], root: str, written: str) -> Any:
    """Follow ``parts`` from ``value`` (reached as ``root``); errors name the step that failed."""
    walked: list[PathPart] = [root]
    for part in parts:
        here = format_path(walked)
        if isinstance(part, int):
            if not isinstance(value, list | tuple):
                raise ScenarioError(f"{written}: {here} is {_kind(value)}, not a list, so [{part}] does not apply")
            n = len(value)
            if not -n <= part < n:
                noun = "element" if n == 1 else "elements"
                raise ScenarioError(f"{written}: {_last(walked)} has {n} {noun}, so [{part}] does not exist")
            value = value[part]
        else:
            if not isinstance(value, Mapping):
                raise ScenarioError(f"{written}: {here} is {_kind(value)}, not a mapping, so .{part} does not apply")
            if part not in value:
                keys = [str(k) for k in value]
                close = did_you_mean(part, keys)
                shown = (", ".join(keys[:12]) + (", …" if len(keys) > 12 else "")) if keys else "none"
                raise ScenarioError(
                    f"{written}: {_last(walked)} has no key {part!r} (keys: {shown})",
                    hint=f"did you mean {close!r}?" if close else None,
                )
            value = value[part]
        walked.append(part)
    return value


def _last(walked: list[PathPart]) -> str:
    """The path from its last name on, for messages: ``items`` for ``structuredContent.items``."""
    start = max(i for i, part in enumerate(walked) if isinstance(part, str))
    return format_path(walked[start:])


def extract(result: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` in a call result (``CallResult.to_dict()`` shape).

    ``path`` must start at one of :data:`RESULT_FIELDS`. Errors read like
    ``structuredContent.items[0].drinkId: items has 0 elements, so [0] does not exist``.
    ``isError`` is false when the result does not carry it.
    """
    try:
        parts = parse_path(path)
    except ValueError as e:
        raise ScenarioError(f"bad path: {e}", hint="write e.g. structuredContent.items[0].drinkId") from None
    root = parts[0]
    if root not in RESULT_FIELDS:
        raise ScenarioError(f"{path}: a path starts at a result field, not {root!r}", hint=root_hint(str(root)))
    if root not in result:
        if root == "isError":
            value: Any = False
        elif root == "apiCalls":
            value = []
        else:
            state = " (the call returned isError: true)" if result.get("isError") else ""
            raise ScenarioError(f"{path}: the result has no {root}{state}")
    else:
        value = result[root]
    return _walk(value, parts[1:], str(root), path)


def root_hint(root: str) -> str:
    """The fix for a path that does not start at a result field (with a did-you-mean)."""
    close = did_you_mean(root, RESULT_FIELDS, cutoff=0.5)
    valid = ", ".join(RESULT_FIELDS)
    if close:
        return f"did you mean {close!r}? a path starts at one of: {valid}"
    return f"start the path at one of: {valid} (e.g. structuredContent.items[0].drinkId)"

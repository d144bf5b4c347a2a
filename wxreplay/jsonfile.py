"""Strict JSON reading with errors a skill developer can act on.

``app.json``, ``mcp.json`` and ``page-meta.json`` are hand-written, and the WeChat toolchain parses
them with a strict JSON parser. Python's ``json`` module is strict too (except for ``NaN`` and
``Infinity``, which we reject here because ``JSON.parse`` does), but its messages ("Expecting
property name enclosed in double quotes: line 7 column 3 (char 120)") do not say which file, do not
show the line and do not say what to do. Every problem here becomes a :class:`ProjectError` with
``file:line:column``, an excerpt of the offending line with a caret under the column, and a hint
for the usual culprits: trailing commas, comments, single quotes, unquoted keys.

Structural errors found *after* parsing (a missing ``description``, a duplicate API name) still
deserve a line number; :func:`locate` finds the position of a value by its path in the document
and :func:`key_line` is a cruder fallback that only searches for ``"key":``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wxreplay.errors import ProjectError
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS, NEWLINE, LineIndex, display_path, excerpt, nesting_overflow
from wxreplay.source import read_text as read_file_text

__all__ = [
    "SCALAR_RE",
    "JsonDoc",
    "display_path",
    "json_type",
    "key_line",
    "load_json",
    "loads_bounded",
    "locate",
    "member_offsets",
    "read_json",
    "read_text",
    "skip_ws",
    "string_end",
]

_JSON_WS = " \t\n\r"
#: A JSON scalar as :func:`locate` skips it (numbers, true/false/null, and Python's NaN/Infinity).
SCALAR_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


def json_type(value: object) -> str:
    """Name a Python value by its JSON type, for messages like ``must be an array, got object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of offset ``pos``, counted the way ``json.JSONDecodeError`` does."""
    return LineIndex(text, breaks=NEWLINE).position(pos)


def _excerpt(text: str, line: int, column: int) -> str:
    """The lines up to ``line`` with a caret under ``column``, lines counted as ``json`` counts them."""
    return excerpt(LineIndex(text, breaks=NEWLINE), line, column)


def _prev_significant(text: str, pos: int) -> tuple[int, str]:
    """The last non-whitespace character before ``pos`` and its offset (-1, "" when none)."""
    i = pos - 1
    while i >= 0 and text[i] in _JSON_WS:
        i -= 1
    return (i, text[i]) if i >= 0 else (-1, "")


def _decode_hint(text: str, err: json.JSONDecodeError) -> str | None:
    """Guess the usual mistake behind a decode error, from the text around the error position."""
    pos = err.pos
    at = text[pos : pos + 2]
    msg = err.msg
    if at in ("//", "/*") or at[:1] == "#":
        return 'comments are not allowed in JSON; delete them (or move the note into a "description")'
    comma_pos, prev = _prev_significant(text, pos)
    if prev == "," and at[:1] in ("}", "]"):
        line, col = _line_col(text, comma_pos)
        return f"trailing comma: remove the ',' at line {line} column {col} (JSON allows none before '{at[:1]}')"
    if at[:1] == "'":
        return "use double quotes: JSON strings and keys are written \"like this\", never 'like this'"
    if msg.startswith("Expecting property name"):
        word = re.match(r"[A-Za-z_$][\w$]*", text[pos:])
        if word:
            return f'put the key in double quotes: "{word.group(0)}": ...'
        return 'object keys must be strings in double quotes, e.g. {"name": "value"}'
    if msg.startswith("Expecting value"):
        word = re.match(r"[A-Za-z_]\w*", text[pos:])
        if word and word.group(0).lower() in ("true", "false", "null", "none"):
            fixed = "null" if word.group(0).lower() == "none" else word.group(0).lower()
            return f"JSON literals are lower case: write {fixed}, not {word.group(0)}"
        if word:
            return f'strings must be in double quotes: "{word.group(0)}"'
        if not text.strip():
            return "the file is empty; it must contain a JSON object such as {}"
        if pos >= len(text.rstrip()):
            return "the file ends too early: a value, '}' or ']' is missing at the end"
    if msg.startswith("Expecting ',' delimiter"):
        return "a ',' is missing between two items (often at the end of the previous line)"
    if msg.startswith("Expecting ':' delimiter"):
        return "a ':' is missing between a key and its value"
    if msg.startswith("Unterminated string"):
        return "close the string with '\"'; write line breaks inside strings as \\n"
    if msg.startswith("Invalid control character"):
        return "write line breaks inside strings as \\n and tabs as \\t"
    if msg.startswith(("Invalid \\escape", "Invalid \\u")):
        return 'only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX escapes exist in JSON; write a backslash as \\\\'
    if msg.startswith("Extra data"):
        return "the document continues after its end: look for a stray '}' or ']' or a second value"
    return None


def read_text(path: Path, *, root: Path | None = None) -> str:
    """Read a UTF-8 text file (a leading BOM is dropped) or raise :class:`ProjectError` (see :func:`read_file_text`)."""
    return read_file_text(path, label=lambda: display_path(path, root), error=ProjectError)


@dataclass(frozen=True)
class JsonDoc:
    """A parsed JSON file that remembers its text, so later errors can point at a line."""

    data: Any
    text: str
    path: Path
    label: str  # the file as shown in messages (see display_path)

    def position(self, at: Sequence[str | int] = ()) -> tuple[int | None, int | None]:
        """Line and column of the value at path ``at``, or of its nearest existing ancestor."""
        for depth in range(len(at), -1, -1):
            found = locate(self.text, at[:depth])
            if found is not None:
                return found
        return None, None

    def error(self, message: str, *, at: Sequence[str | int] = (), hint: str | None = None) -> ProjectError:
        """Build a :class:`ProjectError` located at path ``at`` in this document."""
        line, column = self.position(at)
        return ProjectError(message, file=self.label, line=line, column=column, hint=hint)


class _BadConstant(ValueError):
    """Raised from ``parse_constant``: JSON.parse rejects NaN and Infinity, so must we."""


def _reject_constant(name: str) -> Any:
    raise _BadConstant(name)


class _LongNumber(ValueError):
    """Raised from ``parse_int`` / ``parse_float``: a number written with too many digits."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _LongNumber(text)
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _LongNumber(text)
    return float(text)


_NUMBER_RE = re.compile(r"-?\d[\d.eE+-]*")


def _outside_strings(text: str) -> Iterator[int]:
    """The offsets of the characters of ``text`` that stand outside JSON string literals (quotes included)."""
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        else:
            yield i


def _number_outside_strings(text: str, number: str) -> int:
    """Offset of the number literal ``number`` where it stands as a value (not inside a string), or -1."""
    past = 0  # the end of the last number read: a match inside it would be a part of another number
    for i in _outside_strings(text):
        if i < past or not (text[i] == "-" or text[i].isdigit()):
            continue
        m = _NUMBER_RE.match(text, i)
        if m is not None and m.group() == number:
            return i
        past = m.end() if m is not None else i + 1
    return -1


def _find_outside_strings(text: str, token: str) -> int:
    """Offset of the first ``token`` that is not inside a string literal, or -1."""
    return next((i for i in _outside_strings(text) if text.startswith(token, i)), -1)


def read_json(path: Path, *, root: Path | None = None) -> JsonDoc:
    """Read and parse a JSON file; raise :class:`ProjectError` with line, column and excerpt."""
    text = read_text(path, root=root)
    label = display_path(path, root)
    deep = nesting_overflow(text)
    if deep is not None:
        deep_line, deep_col = _line_col(text, deep)
        raise ProjectError(
            f"the JSON nests deeper than {MAX_NESTING} levels of [ ] and {{ }}",
            excerpt=_excerpt(text, deep_line, deep_col),
            file=label,
            line=deep_line,
            column=deep_col,
            hint="no project file needs that many levels: flatten the structure",
        )
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_int=_int, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise ProjectError(
            f"invalid JSON: {exc.msg}",
            excerpt=_excerpt(text, exc.lineno, exc.colno),
            file=label,
            line=exc.lineno,
            column=exc.colno,
            hint=_decode_hint(text, exc),
        ) from None
    except _BadConstant as exc:
        token = str(exc)
        raise _error_at(
            text,
            _find_outside_strings(text, token),
            label,
            f"invalid JSON: {token} is not a JSON value",
            "use a number or null (NaN and Infinity exist in JavaScript, not in JSON)",
        ) from None
    except _LongNumber as exc:
        number = str(exc)
        raise _error_at(
            text,
            _number_outside_strings(text, number),
            label,
            f"a number written with {len(number):,} characters (at most {MAX_NUMBER_DIGITS:,} are read)",
            "write a shorter number, or the value as a string if it is an identifier",
        ) from None
    return JsonDoc(data=data, text=text, path=path, label=label)


def _error_at(text: str, pos: int, label: str, message: str, hint: str) -> ProjectError:
    """The error for what was found at offset ``pos`` of ``text`` (-1: not found, so no line)."""
    line, col = _line_col(text, pos) if pos >= 0 else (None, None)
    return ProjectError(
        message,
        excerpt=_excerpt(text, line, col) if line is not None and col is not None else None,
        file=label,
        line=line,
        column=col,
        hint=hint,
    )


def load_json(path: Path, *, root: Path | None = None) -> Any:
    """Parse the UTF-8 (BOM optional) JSON file ``path``.

    Raises :class:`ProjectError` naming the file (shown relative to ``root`` when given, see
    :func:`display_path`), with line, column, an excerpt with a caret, and a hint.
    """
    return read_json(path, root=root).data


def loads_bounded(text: str) -> Any:
    """``json.loads(text)``, with the loader's nesting limit: a text nested deeper than it raises ValueError too.

    For code that parses a JSON text itself and treats a ValueError as "not JSON" (the linter's size
    rules): Python's parser would recurse past its own limit on such a text and raise RecursionError.
    """
    if nesting_overflow(text) is not None:
        raise ValueError(f"the JSON nests deeper than {MAX_NESTING} levels of [ ] and {{ }}")
    return json.loads(text)


def key_line(text: str, key: str) -> int | None:
    """Best-effort 1-based line of the first ``"key":`` in ``text``, or None.

    This ignores nesting; prefer :func:`locate` when the path to the value is known.
    """
    pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    match = pattern.search(text)
    if match is None:
        # The file may spell the key with \u escapes; try that form too.
        match = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(text)
    return None if match is None else _line_col(text, match.start())[0]


# -- locating values by path ------------------------------------------------------------------
#
# A tiny scanner over text that json.loads already accepted. It only skips values and reads keys,
# so it can stay simple; any surprise makes ``locate`` return None rather than raise.


#: JSON's four whitespace characters, and a string literal (a backslash takes the next character,
#: whatever it is): read by the regular-expression engine, not a loop per character in Python.
_WS_RUN = re.compile(r"[ \t\n\r]*")
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def skip_ws(text: str, i: int) -> int:
    """Offset of the first non-whitespace character (JSON's four) at or after ``i``."""
    end = _WS_RUN.match(text, i)
    assert end is not None  # ``*`` matches the empty string
    return end.end()


def string_end(text: str, i: int) -> int:
    """Offset just past the string literal starting at ``text[i] == '"'`` (IndexError if it never ends)."""
    match = _STRING_LITERAL.match(text, i)
    if match is None:
        raise IndexError("unterminated string")
    return match.end()


#: A key ``json.loads`` would give back as written: no escape, no control character.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"')

Step = str | int


def member_offsets(text: str) -> dict[tuple[Step, ...], int]:
    """The offset of every value in the JSON ``text`` by its path (a member's is its key's), from one scan:
    what :func:`locate` finds path by path. Raises IndexError or ValueError on anything unexpected."""
    start = skip_ws(text, 0)
    out: dict[tuple[Step, ...], int] = {(): start}
    _value_end(text, start, (), out)
    return out


def _value_end(text: str, i: int, path: tuple[Step, ...] = (), out: dict[tuple[Step, ...], int] | None = None) -> int:
    """Offset just past the JSON value starting at ``i``; with ``out``, every member under it recorded there."""
    ch = text[i]
    if ch == '"':
        return string_end(text, i)
    if ch in "{[":
        close = "}" if ch == "{" else "]"
        i = skip_ws(text, i + 1)
        if text[i] == close:
            return i + 1
        index = 0
        child = path
        while True:
            if ch == "{":
                if out is None:
                    key_end = string_end(text, i)
                else:
                    plain = _PLAIN_KEY.match(text, i)
                    if plain is not None:
                        key_end, key = plain.end(), plain.group(1)
                    else:
                        key_end = string_end(text, i)
                        key = json.loads(text[i:key_end])
                    child = (*path, key)
                    if child in out:  # a duplicate key: like json.loads (and locate), the last one wins
                        for stale in [p for p in out if p[: len(child)] == child]:
                            del out[stale]
                    out[child] = i  # a member's position is its key's
                i = skip_ws(text, key_end)
                if text[i] != ":":
                    raise ValueError("':' expected")
                i = skip_ws(text, i + 1)
            elif out is not None:
                child = (*path, index)
                out[child] = i
                index += 1
            i = skip_ws(text, _value_end(text, i, child, out))
            if text[i] == ",":
                i = skip_ws(text, i + 1)
            elif text[i] == close:
                return i + 1
            else:
                raise ValueError("',' expected")
    match = SCALAR_RE.match(text, i)
    if match is None:
        raise ValueError("value expected")
    return match.end()


def _child(text: str, i: int, step: str | int) -> int | None:
    """Offset of member ``step`` (the key, for objects; the element, for arrays) of the value at ``i``."""
    ch = text[i]
    if ch == "{" and isinstance(step, str):
        found: int | None = None
        i = skip_ws(text, i + 1)
        if text[i] == "}":
            return None
        while True:
            key_start = i
            key_end = string_end(text, i)
            key = json.loads(text[key_start:key_end])
            i = skip_ws(text, skip_ws(text, key_end) + 1)
            if key == step:
                found = key_start  # keep looking: like json.loads, the last duplicate wins
            i = skip_ws(text, _value_end(text, i))
            if text[i] == "}":
                return found
            i = skip_ws(text, i + 1)
    if ch == "[" and isinstance(step, int) and not isinstance(step, bool):
        i = skip_ws(text, i + 1)
        index = 0
        if text[i] == "]":
            return None
        while True:
            if index == step:
                return i
            i = skip_ws(text, _value_end(text, i))
            if text[i] == "]":
                return None
            i = skip_ws(text, i + 1)
            index += 1
    return None


def locate(text: str, path: Sequence[str | int]) -> tuple[int, int] | None:
    """1-based (line, column) of the value at ``path`` in valid JSON ``text``, or None.

    For an object member the position is that of its key (``"description": ...``), which is where a
    reader looks; for an array element it is the element's first character. ``()`` locates the
    document itself.
    """
    try:
        i = skip_ws(text, 0)
        at_key = False
        for step in path:
            if at_key:
                # Positions of object members are their keys: move on to the value to descend.
                i = skip_ws(text, skip_ws(text, string_end(text, i)) + 1)
            child = _child(text, i, step)
            if child is None:
                return None
            i, at_key = child, isinstance(step, str)
        return _line_col(text, i)
    except (IndexError, ValueError):
        return None

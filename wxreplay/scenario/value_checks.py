"""Value checks the scenario schema's patterns only approximate, shared by the parser and the explainer.

Durations (``30m``, ``1h30m``), ``start_time`` with its UTC offset and ``save:`` paths into a call
result: each check returns (message, fix) in the words the explainer uses for every other problem.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import wxreplay.scenario.schema as format_schema
from wxreplay.scenario.templating import RESULT_FIELDS, parse_path, root_hint

_DURATION_PART = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|h|m|s)\s*")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


#: The longest duration a scenario may write: the virtual clock stays within the calendar.
_MAX_DURATION_MS = 100 * 366 * 24 * 3600 * 1000


def parse_duration(text: str) -> int:
    """Milliseconds of ``30m``, ``5s``, ``1500ms``, ``2h``, ``1h30m`` or ``1.5s``; :class:`ValueError` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a duration is a number with a unit: 30m, 5s, 1500ms, 2h")
    total = 0.0
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"{text!r} is not a duration: write a number and a unit (ms, s, m, h), e.g. 30m, 5s, 1500ms, 2h")
        total += float(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    if total > _MAX_DURATION_MS:  # also inf: a number of hundreds of digits
        raise ValueError(f"{text!r} is longer than the 100 years a duration may be")
    if total != int(total):
        raise ValueError(f"{text!r} is not a whole number of milliseconds")
    if total <= 0:
        raise ValueError(f"{text!r} is no time at all; a duration must be longer than 0")
    return int(total)


def duration_problem(kind: str, value: Any) -> tuple[str, str] | None:
    """(message, fix) when ``value`` is not a duration for the ``kind`` event, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"`{kind}: {value}` has no unit", f"write {kind}: {value}m, {value}s or {value}ms"
    fix = f"write {kind}: 30m, 5s, 1500ms, 2h or 1h30m"
    if not isinstance(value, str):
        return f"`{kind}` must be a duration (text), got {what(value)}", fix
    try:
        parse_duration(value)
    except ValueError as e:
        return f"bad duration for `{kind}`: {e}", fix
    return None


def start_time_problem(value: str) -> tuple[str, str] | None:
    """(message, fix) when ``value`` is not an ISO 8601 date and time with a UTC offset, else None."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return (f"`start_time` {value!r} is not an ISO 8601 date and time", "write start_time: '2026-01-05T09:30:00+08:00'")
    pattern = format_schema.definition("device")["properties"]["start_time"]["pattern"]
    if parsed.tzinfo is None or not re.search(pattern, value):
        return (
            f"`start_time` {value!r} has no UTC offset, so the time would depend on the machine",
            f"add the offset, e.g. {value}+08:00 (Beijing time) or {value}Z (UTC)",
        )
    return None


def save_path_problem(name: str, path: str) -> tuple[str, str] | None:
    """(message, fix) when ``path`` is not a path into a call result, else None."""
    try:
        parts = parse_path(path)
    except ValueError as e:
        return f"bad path for `{name}`: {e}", f"write {name}: structuredContent.{name}"
    if parts[0] not in RESULT_FIELDS:
        return f"the path of `{name}` must start at a result field, not {parts[0]!r}", root_hint(str(parts[0]))
    return None


def what(value: Any) -> str:
    """How a value's type is named in messages ("got a list")."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


NETWORK_TARGET_HINT = "write a host (api.example.com, 127.0.0.1:8765) or a URL prefix (https://api.example.com/menu)"


def network_target_problem(target: str) -> str | None:
    """Why ``target`` of ``device.network`` can never match a request (a bad host or URL prefix), else None."""
    if "://" in target:
        scheme, _, rest = target.partition("://")
        if scheme not in ("http", "https") or not rest or rest.startswith("/"):
            return f"{target!r} is not an http(s) URL prefix"
        return None
    if "/" in target or "?" in target:
        return f"{target!r} is neither a host nor a URL (a URL prefix starts with http:// or https://)"
    host, colon, port = target.partition(":")
    if not host or (colon and not port.isdigit()):
        return f"{target!r} is not a host or host:port"
    return None

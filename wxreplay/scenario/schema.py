"""The keys of the scenario format, and its JSON Schema for editors.

The tuples below are what the loader accepts; ``scenario.schema.json`` (shipped beside this module)
describes the same format for editors (autocomplete, hover help in Chinese and English). A test
keeps the two in step. ``wxreplay schema`` prints :func:`schema_text`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from wxreplay.record_mode import RecordMode

__all__ = [
    "CARD_KEYS",
    "CLOUD_KEYS",
    "DEVICE_KEYS",
    "DURATION_EVENTS",
    "EXPECT_KEYS",
    "FLAG_EVENTS",
    "LOCATION_KEYS",
    "LOGIN_KEYS",
    "MESSAGE_KEYS",
    "PAYMENT_KEYS",
    "PAYMENT_OUTCOMES",
    "RECORD_MODES",
    "SCHEMA_FILE",
    "STEP_KEYS",
    "STEP_KINDS",
    "SYSTEM_KEYS",
    "TAP_KEYS",
    "TOP_KEYS",
    "TURN_KEYS",
    "TURN_KINDS",
    "scenario_schema",
    "schema_text",
]

SCHEMA_FILE = "scenario.schema.json"
FORMAT_VERSION = 1

TOP_KEYS = (
    "version", "name", "description", "project", "skill", "cassette", "record", "marks", "skip", "xfail",
    "device", "turns",
)
DEVICE_KEYS = (
    "storage", "login", "session_valid", "payments", "location", "phone_number", "system", "seed", "start_time",
    "timezone", "locale", "app_id", "stubs", "cloud",
)
LOGIN_KEYS = ("code", "fail")
PAYMENT_OUTCOMES = ("success", "cancel", "fail")
PAYMENT_KEYS = ("outcome", "errMsg")
LOCATION_KEYS = ("latitude", "longitude", "speed", "accuracy", "altitude", "verticalAccuracy", "horizontalAccuracy")
SYSTEM_KEYS = ("deviceInfo", "windowInfo", "appBaseInfo", "systemSetting")
CLOUD_KEYS = ("collections", "functions", "files", "ai", "env", "openid")
RECORD_MODES = tuple(mode.value for mode in RecordMode)

FLAG_EVENTS = ("foreground", "memory_warning", "restart", "new_session")  # no value
DURATION_EVENTS = ("background", "advance")  # a duration: 30m, 5s, 1500ms, 2h, 1h30m
TURN_KINDS = ("user", "tap", "background", "foreground", "memory_warning", "restart", "advance", "new_session")
TURN_KEYS = (*TURN_KINDS, "plan", "expect")
TAP_KEYS = ("card", "api", "text", "selector", "index")

STEP_KINDS = ("call", "render", "reply")
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "call": ("call", "args", "save", "expect"),
    "render": ("render", "expect"),
    "reply": ("reply",),
}

#: What ``expect:`` may check, by where it is written.
EXPECT_KEYS: dict[str, tuple[str, ...]] = {
    "call": (
        "isError", "structuredContent", "_meta", "handoff", "content", "facts", "actions", "host_calls", "findings",
    ),
    "render": ("card", "host_calls", "findings"),
    "tap": ("message", "card", "rerender", "host_calls", "findings"),
    "event": ("session", "card", "host_calls", "findings"),
}
EXPECT_PLACES = {
    "call": "a call step",
    "render": "a render step",
    "tap": "a tap",
    "event": "a lifecycle event",
}
CARD_KEYS = ("component", "text", "selector", "count")
MESSAGE_KEYS = ("text", "api_call", "arguments")
SESSION_VALUES = ("new", "same")

DURATION_PATTERN = r"^\s*(?:[0-9]+(?:\.[0-9]+)?\s*(?:ms|h|m|s)\s*)+$"
START_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
MARK_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


@cache
def _text() -> str:
    return resources.files("wxreplay.scenario").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def schema_text() -> str:
    """The JSON Schema of ``*.scenario.yaml`` files, as shipped (pretty JSON, UTF-8, newline at the end)."""
    return _text()


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of ``*.scenario.yaml`` files (a fresh dict each call)."""
    schema: dict[str, Any] = json.loads(_text())
    return schema

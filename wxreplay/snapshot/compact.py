"""Large values in snapshots: a size and a digest in place of the value, deterministic and never ambiguous.

A skill that keeps a 35-item catalogue in storage writes it with every ``wx.setStorageSync`` and
reads it back with every ``wx.getStorageSync``; in full, each of those host calls put kilobytes
into the snapshot. In a snapshot (and only there: the transcript, ``expect:`` checks, failure
reports and ``wxreplay run --json`` keep every value), a host call's ``args`` or ``outcome`` part
whose canonical JSON is over the run's limit (:data:`DEFAULT_COMPACT_BYTES`,
``[tool.wxreplay] snapshot_compact_bytes``) becomes a stand-in such as (all 64 hex digits)::

    <compacted list of 35 items, 8956 bytes, sha256=38bc5727ca7d7964846fea263dea9cd3...>

* **Where**: only host calls' ``args`` and ``outcome`` (storage values, cloud call data, message
  contents). Facts, actions, ``structuredContent`` and the other parts of a result, upstream
  messages and card trees are what a snapshot is for, and are never compacted.
* **As little as possible**: a large mapping, or a large list of up to 8 items (a call's
  arguments), keeps its small members and only its large ones are replaced (``[key, {version: 3,
  items: <compacted list of 35 items ...>}]``); the whole value is replaced only when it is still
  over the limit after that, and a longer list (a catalogue's items) is replaced whole.
* **Deterministic**: the canonical form is compact JSON (no spaces, CJK as is, UTF-8) of the value
  as the snapshot would have shown it, so *after* secrets are redacted and volatile values masked:
  the digest never depends on a secret (it cannot be used to guess one) nor on a session id. Keys
  keep their order, as in the full snapshot: storage holds the JSON text, and a skill that writes
  the same object with its keys in another order has changed what it stored.
* **Never lies**: two different values never give the same stand-in. The digest is the full
  SHA-256 of a canonical form that tells every two values apart (text keys only: a value with
  another kind of key stays in full), and a real string that itself starts like a stand-in is always
  replaced by its own stand-in, so no value can pass for another's stand-in.
* **No secret in the summary**: it names the kind, the number of items (and the first keys of a
  mapping, already redacted), never a part of a text.

The limit in force is one per process, like the run's secrets (:func:`compact_bytes`): the pytest
plugin and ``wxreplay run`` set it from the configuration (:func:`compacting`), ``0`` keeps every
value in full.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = [
    "DEFAULT_COMPACT_BYTES",
    "MARKER",
    "compact_bytes",
    "compact_snapshot",
    "compact_value",
    "compacted_changed",
    "compacting",
    "set_compact_bytes",
    "stand_in",
]

#: The default limit: values whose canonical JSON is over 4 KiB are compacted (the example's
#: 8-drink menu, 1.9 KB, stays in full; a 35-item catalogue does not).
DEFAULT_COMPACT_BYTES = 4096
#: How every stand-in starts; a real string starting so is always compacted (see the module docstring).
MARKER = "<compacted "
_HOST_PARTS = ("args", "outcome")
_SHOWN_KEYS = 5
_KEY_CHARS = 24

#: A list longer than this over the limit is replaced whole: its members are not weighed one by one (a
#: catalogue's 35 items would each be serialised again only to find them all small).
_SPLIT_ITEMS = 8
_LEAVES = (str, int, float, type(None))

_LIMIT = [DEFAULT_COMPACT_BYTES]


def compact_bytes() -> int:
    """The limit in force in this process (``0``: every value in full)."""
    return _LIMIT[0]


def set_compact_bytes(limit: int) -> int:
    """Make ``limit`` the limit in force (``0``: every value in full); returns the one it replaces."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"the snapshot compact limit is a number of bytes >= 0, not {limit!r}")
    previous, _LIMIT[0] = _LIMIT[0], limit
    return previous


@contextmanager
def compacting(limit: int) -> Iterator[None]:
    """``limit`` in force for the ``with`` block, the previous one after it."""
    previous = set_compact_bytes(limit)
    try:
        yield
    finally:
        set_compact_bytes(previous)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def compacted_changed(diff_lines: Iterable[str]) -> bool:
    """True when a changed line of a snapshot diff (``-`` / ``+``, colours ignored) holds a stand-in: the report
    then says how to see the values in full."""
    for line in diff_lines:
        plain = _ANSI.sub("", line)  # a context line starts with a space, even one of a YAML list item
        if plain[:1] in ("-", "+") and MARKER in plain:
            return True
    return False


def compact_snapshot(data: Any, limit: int | None = None) -> Any:
    """``data`` (a scenario snapshot, or one step's) with its host calls' large values compacted.

    ``limit`` defaults to the one in force. Nothing is changed in place: the parts that change are
    new objects, the rest is shared with ``data``.
    """
    limit = compact_bytes() if limit is None else limit
    if not limit or not isinstance(data, dict):
        return data
    if isinstance(data.get("turns"), list):
        return {**data, "turns": [_turn(t, limit) for t in data["turns"]]}
    return _step(data, limit)


def _turn(turn: Any, limit: int) -> Any:
    if not isinstance(turn, dict) or not isinstance(turn.get("steps"), list):
        return turn
    return {**turn, "steps": [_step(s, limit) for s in turn["steps"]]}


def _step(step: Any, limit: int) -> Any:
    calls = step.get("hostCalls") if isinstance(step, dict) else None
    if not isinstance(calls, list):
        return step
    out = [_host_call(c, limit) for c in calls]
    if all(a is b for a, b in zip(out, calls, strict=True)):
        return step
    return {**step, "hostCalls": out}


def _host_call(call: Any, limit: int) -> Any:
    if not isinstance(call, dict):
        return call
    changed: dict[str, Any] = {}
    for part in _HOST_PARTS:
        if part in call:
            value = compact_value(call[part], limit)
            if value is not call[part]:
                changed[part] = value
    return {**call, **changed} if changed else call


def compact_value(value: Any, limit: int) -> Any:
    """``value`` with its parts over ``limit`` bytes of canonical JSON replaced by stand-ins (``value`` itself when
    nothing is: the common case costs one ``json.dumps``)."""
    if not limit:
        return value
    text = _canonical(value)
    if text is None:  # not JSON data (cannot be digested faithfully): kept as it is
        return value
    if MARKER not in text and _fits(text, limit):
        return value
    return _fit(value, text, limit)


def _fit(value: Any, text: str, limit: int) -> Any:
    """``value`` (whose canonical JSON is ``text``) fitted under ``limit``: its members first, then the whole."""
    if isinstance(value, (dict, list)):
        if isinstance(value, dict):
            fitted: Any = {key: compact_value(member, limit) for key, member in value.items()}
            changed = any(fitted[key] is not member for key, member in value.items())
        elif len(value) <= _SPLIT_ITEMS or MARKER in text:
            fitted = [compact_value(member, limit) for member in value]
            changed = any(a is not b for a, b in zip(fitted, value, strict=True))
        else:
            fitted, changed = value, False
        if not changed:
            fitted = value  # only keys held the marker, or no member alone is large
        fitted_text = _canonical(fitted) if changed else text
        if fitted_text is not None and _fits(fitted_text, limit):
            return fitted
        return stand_in(value, text) if _faithful(value) else fitted
    if _fits(text, limit) and not (isinstance(value, str) and value.startswith(MARKER)):
        return value  # the marker inside a text, not at its start: no stand-in starts so
    return stand_in(value, text)


def stand_in(value: Any, text: str | None = None) -> str:
    """The stand-in of ``value``: its kind and size, the bytes and SHA-256 of its canonical JSON (``text``, when known)."""
    if text is None:
        text = _canonical(value)
        if text is None:
            raise TypeError(f"not JSON data: {type(value).__name__}")
    data = _utf8(text)
    return f"{MARKER}{_summary(value)}, {len(data)} bytes, sha256={hashlib.sha256(data).hexdigest()}>"


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (JavaScript strings may hold one) as its three bytes, not an error."""
    return text.encode("utf-8", "surrogatepass")


def _summary(value: Any) -> str:
    """What a reviewer can know without the value: never a part of a text (it could be half a secret)."""
    if isinstance(value, dict):
        keys = [_key(k) for k in list(value)[:_SHOWN_KEYS]]
        more = ", …" if len(value) > _SHOWN_KEYS else ""
        return f"object of {_count(len(value), 'key')} {{{', '.join(keys)}{more}}}"
    if isinstance(value, list):
        return f"list of {_count(len(value), 'item')}"
    if isinstance(value, str):
        return f"text of {_count(len(value), 'character')}"
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


def _key(key: Any) -> str:
    """A key as the summary shows it: on one line (control characters escaped as JSON does), cut to 24 characters."""
    text = str(key)
    if not text.isprintable():
        text = json.dumps(text, ensure_ascii=False)[1:-1]
    return text if len(text) <= _KEY_CHARS else text[: _KEY_CHARS - 1] + "…"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _canonical(value: Any) -> str | None:
    """Compact JSON, keys in their order, CJK as is; ``None`` for what JSON cannot hold (objects, circular data)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def _fits(text: str, limit: int) -> bool:
    """``text`` is at most ``limit`` bytes of UTF-8 (counted only when its length leaves a doubt)."""
    if len(text) > limit:
        return False
    return len(text) * 4 <= limit or len(_utf8(text)) <= limit


def _faithful(value: Any) -> bool:
    """True when the canonical JSON of ``value`` tells it from every other value: every mapping key is a text
    (JSON writes the key ``1`` as ``"1"``, so ``{1: x}`` and ``{"1": x}`` would share a digest).

    A loop with exact type tests: it walks every node of each value replaced (a 35-item catalogue
    is 2,000 of them), on the snapshot path.
    """
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict or (kind is not list and isinstance(node, Mapping)):
            for key in node:
                if type(key) is not str and not isinstance(key, str):
                    return False
            stack += [v for v in node.values() if not isinstance(v, _LEAVES)]
        elif kind is list or kind is tuple:
            stack += [v for v in node if not isinstance(v, _LEAVES)]
    return True

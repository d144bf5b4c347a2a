"""Which recording answers a live request: the comparison rules, the index, and the diff of a miss.

Two requests match when their method, scheme, host and path are equal, their query parameters
are equal in any order, their headers are equal (names case-insensitive), and their bodies are
equal: JSON compared parsed (key order does not matter), text exactly, binary by content. Host
calls match on name and args (compared like JSON bodies). On top of that:

- ``ignore`` drops fields from both sides before comparing: ``query.NAME``, ``headers.NAME``,
  ``body.a.b`` (a dotted path into a JSON body; ``*`` is any key or list index) and ``args.a.b``
  (into a host call's args);
- redacted fields are compared for presence only, wherever they sit (query, header, JSON body, form
  or text body, inside a URL string): both sides go through the redaction rules and every
  placeholder becomes ``<present>``; where the recording holds ``<present>``, any non-empty live
  value matches (the cassette holds a placeholder, the live request the real value or a replayed
  placeholder);
- redacted keys (``{"<redacted:phone-number#1>": {...}}``) are ``<present>`` as well: a live object
  matches when each recorded ``<present>`` key pairs with one live key and their values match;
- custom matchers ``(live_entry, recorded_entry) -> bool`` must all agree (they see the entries
  as dicts in the file's shape, ``kind`` included).

Each recording answers one live request: repeated identical requests take the recordings in
order, so a poll that saw NOTPAY then SUCCESS replays the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wxreplay.cassette.model import url_of
from wxreplay.cassette.rules import PLACEHOLDER_RE
from wxreplay.errors import UsageError

Matcher = Callable[[dict[str, Any], dict[str, Any]], bool]
"""A custom rule: ``(live_entry, recorded_entry) -> bool``; both are entry dicts (``kind`` http or host)."""

DEFAULT_IGNORE: tuple[str, ...] = ("headers.x-request-id", "headers.traceparent", "headers.date")
_PRESENT = "<present>"
_SECTIONS = ("query", "headers", "body", "args")
_KEY_SEP = "#"  # the second redacted key of an object is ``<present>#2``
_KEY_SUFFIX_RE = re.compile(r"(?<=" + re.escape(_PRESENT) + ")" + _KEY_SEP + r"\d+\Z")


@dataclass(frozen=True)
class MatchRules:
    """How live requests are compared with recordings (see the module docstring)."""

    ignore: tuple[str, ...] = DEFAULT_IGNORE
    matchers: tuple[Matcher, ...] = ()
    match_headers: bool = True

    def __post_init__(self) -> None:
        for spec in self.ignore:
            section, _, rest = spec.partition(".")
            if section not in _SECTIONS or not rest:
                raise UsageError(
                    f"ignored field {spec!r} must start with one of {', '.join(s + '.' for s in _SECTIONS)}",
                    hint="e.g. 'query.ts', 'headers.x-request-id', 'body.meta.nonce', 'args.data.time'",
                )

    def with_ignored(self, *specs: str) -> MatchRules:
        """These rules, ignoring ``specs`` as well."""
        return MatchRules(tuple(dict.fromkeys((*self.ignore, *specs))), self.matchers, self.match_headers)


@dataclass
class _Compiled:
    query: frozenset[str]
    headers: frozenset[str]
    body: tuple[tuple[str, ...], ...]
    args: tuple[tuple[str, ...], ...]


def _compile(rules: MatchRules) -> _Compiled:
    parts: dict[str, list[str]] = {s: [] for s in _SECTIONS}
    for spec in rules.ignore:
        section, _, rest = spec.partition(".")
        parts[section].append(rest)
    return _Compiled(
        query=frozenset(parts["query"]),
        headers=frozenset(h.lower() for h in parts["headers"]),
        body=tuple(tuple(p.split(".")) for p in parts["body"]),
        args=tuple(tuple(p.split(".")) for p in parts["args"]),
    )


def _drop_path(value: Any, path: Sequence[str]) -> Any:
    """``value`` without the field(s) at ``path`` (``*`` matches any key / index)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        keys = list(value) if head == "*" else [head] if head in value else []
        if not keys:
            return value
        out = dict(value)
        for k in keys:
            if rest:
                out[k] = _drop_path(out[k], rest)
            else:
                del out[k]
        return out
    if isinstance(value, list):
        if head == "*":
            return [_drop_path(v, rest) for v in value] if rest else []
        if head.isdigit() and int(head) < len(value):
            out_l = list(value)
            if rest:
                out_l[int(head)] = _drop_path(out_l[int(head)], rest)
            else:
                del out_l[int(head)]
            return out_l
    return value


class Comparator:
    """Turns requests into comparable views under ``rules`` and decides matches."""

    def __init__(self, rules: MatchRules, redact: Callable[[Any], Any]) -> None:
        self.rules = rules
        self._ignore = _compile(rules)
        self._redact = redact

    def view(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The part of ``entry`` (live or recorded) that must be equal for a match; secrets as ``<present>``."""
        view: dict[str, Any] = _presence(self._view(self._redact(entry)))
        return view

    def matches(self, recorded_view: dict[str, Any], live_view: dict[str, Any]) -> bool:
        """Whether two views match: equal, where the recording holds ``<present>`` any non-empty live value."""
        return recorded_view == live_view or _present_match(recorded_view, live_view)

    def _view(self, entry: dict[str, Any]) -> dict[str, Any]:
        ig = self._ignore
        if entry["kind"] == "host":
            args = entry["call"]["args"]
            for path in ig.args:
                args = _drop_path(args, path)
            return {"name": entry["call"]["name"], "args": args}
        req = entry["request"]
        query = {k: sorted(vs, key=str) for k, vs in req["query"].items() if k not in ig.query}
        view: dict[str, Any] = {
            "method": req["method"],
            "scheme": req["scheme"],
            "host": req["host"],
            "path": req["path"],
            "query": query,
        }
        if self.rules.match_headers:
            view["headers"] = {k: v for k, v in req["headers"].items() if k not in ig.headers}
        body = req["body"]
        if body is not None and "json" in body:
            value = body["json"]
            for path in ig.body:
                value = _drop_path(value, path)
            view["body"] = {"json": value}
        else:
            view["body"] = body
        return view

    def custom(self, live: dict[str, Any], recorded: dict[str, Any]) -> bool:
        """Whether every custom matcher accepts the pair."""
        return all(m(live, recorded) for m in self.rules.matchers)


def _presence(value: Any) -> Any:
    """``value`` with every redaction placeholder shown as ``<present>`` (its number says nothing)."""
    if isinstance(value, str):
        return PLACEHOLDER_RE.sub(_PRESENT, value) if "<redacted:" in value else value
    if isinstance(value, dict):
        if not any(type(k) is str and "<redacted:" in k for k in value):
            return {k: _presence(v) for k, v in value.items()}
        # redacted keys (``{"<redacted:phone-number#1>": ...}``) become ``<present>`` too; several in one
        # object are told apart by their values, not by their numbers (``<present>``, ``<present>#2``, ...)
        out: dict[Any, Any] = {}
        hidden: list[tuple[str, str, Any]] = []
        for k, v in value.items():
            if type(k) is str and "<redacted:" in k:
                shown = _presence(v)
                hidden.append((PLACEHOLDER_RE.sub(_PRESENT, k), json.dumps(shown, sort_keys=True, default=str), shown))
            else:
                out[k] = _presence(v)
        hidden.sort(key=lambda h: (h[0], h[1]))
        seen: dict[str, int] = {}
        for key, _, shown in hidden:
            n = seen[key] = seen.get(key, 0) + 1
            out[key if n == 1 else f"{key}{_KEY_SEP}{n}"] = shown
        return out
    if isinstance(value, list):
        return [_presence(v) for v in value]
    return value


def _present_match(recorded: Any, live: Any) -> bool:
    if isinstance(recorded, str) and _PRESENT in recorded:
        if recorded == _PRESENT:
            return live is not None and live != ""
        if not isinstance(live, str):
            return False
        pattern = ".+?".join(re.escape(part) for part in recorded.split(_PRESENT))
        return re.fullmatch(pattern, live, re.DOTALL) is not None
    if isinstance(recorded, dict) and isinstance(live, dict):
        if recorded.keys() == live.keys():
            return all(_present_match(v, live[k]) for k, v in recorded.items())
        return _present_keys_match(recorded, live)
    if isinstance(recorded, list) and isinstance(live, list):
        return len(recorded) == len(live) and all(_present_match(a, b) for a, b in zip(recorded, live, strict=True))
    return bool(recorded == live)


def _present_keys_match(recorded: dict[Any, Any], live: dict[Any, Any]) -> bool:
    """Objects whose keys differ: every recorded ``<present>`` key takes one live key it stands for."""
    if len(recorded) != len(live):
        return False
    left = [k for k in live if k not in recorded]
    for k, v in recorded.items():
        if k in live:
            if not _present_match(v, live[k]):
                return False
            continue
        if not (isinstance(k, str) and _PRESENT in k):
            return False
        pattern = _KEY_SUFFIX_RE.sub("", k)
        for i, other in enumerate(left):
            if isinstance(other, str) and _present_match(pattern, other) and _present_match(v, live[other]):
                del left[i]
                break
        else:
            return False
    return not left


def bucket_key(entry: dict[str, Any]) -> tuple[str, ...]:
    """The coarse key an entry is indexed under: method + scheme + host + path, or the host call name."""
    if entry["kind"] == "host":
        return ("host", entry["call"]["name"])
    r = entry["request"]
    return ("http", r["method"], r["scheme"], r["host"], r["path"])


@dataclass
class Index:
    """Recorded entries by bucket, with their views computed on first use and a used-once flag."""

    entries: list[dict[str, Any]]
    comparator: Comparator
    used: list[bool] = field(init=False)
    _buckets: dict[tuple[str, ...], list[int]] = field(init=False)
    _views: dict[int, dict[str, Any]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.used = [False] * len(self.entries)
        self._buckets = {}
        for i, e in enumerate(self.entries):
            self._buckets.setdefault(bucket_key(e), []).append(i)

    def view_of(self, i: int) -> dict[str, Any]:
        v = self._views.get(i)
        if v is None:
            v = self._views[i] = self.comparator.view(self.entries[i])
        return v

    def take(self, live: dict[str, Any], live_view: dict[str, Any], turn: int | None) -> int | None:
        """Index of the first unused recording matching ``live`` (marked used), or ``None``."""
        for i in self._buckets.get(bucket_key(live), ()):
            if self.used[i]:
                continue
            rec = self.entries[i]
            if turn is not None and rec.get("turn") is not None and rec["turn"] != turn:
                continue
            if self.comparator.matches(self.view_of(i), live_view) and self.comparator.custom(live, rec):
                self.used[i] = True
                return i
        return None

    def nearest(self, live: dict[str, Any], live_view: dict[str, Any], n: int = 3) -> list[int]:
        """Up to ``n`` recordings of the same kind closest to ``live``, best first."""
        kind = live["kind"]
        scored: list[tuple[float, int]] = []
        for i, rec in enumerate(self.entries):
            if rec["kind"] != kind:
                continue
            view = self.view_of(i)
            score = float(sum(1 for k in set(view) | set(live_view) if view.get(k) != live_view.get(k)))
            if bucket_key(rec) != bucket_key(live):
                score += 10
            if self.used[i]:
                score += 0.5
            scored.append((score, i))
        scored.sort()
        return [i for _, i in scored[:n]]


# ---- describing a miss -----------------------------------------------------------------------------
def _path(p: str) -> str:
    """deepdiff's ``root['a'][0]['b']`` as ``a[0].b``."""
    out = re.sub(r"\['((?:[^'\\]|\\.)*)'\]", r".\1", p.removeprefix("root"))
    return out.lstrip(".") or "(whole)"


def _short(v: Any, limit: int = 120) -> str:
    import json

    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_diff(recorded: dict[str, Any], live: dict[str, Any]) -> list[str]:
    """What differs between two views, one line per field (deepdiff underneath)."""
    from deepdiff import DeepDiff

    diff = DeepDiff(recorded, live, verbose_level=2)
    lines: list[str] = []
    for path, change in diff.get("values_changed", {}).items():
        lines.append(f"{_path(path)}: recorded {_short(change['old_value'])}, live {_short(change['new_value'])}")
    for path, change in diff.get("type_changes", {}).items():
        lines.append(f"{_path(path)}: recorded {_short(change['old_value'])}, live {_short(change['new_value'])}")
    for key in ("dictionary_item_added", "iterable_item_added"):
        for path, value in diff.get(key, {}).items():
            lines.append(f"{_path(path)}: only in the live request ({_short(value)})")
    for key in ("dictionary_item_removed", "iterable_item_removed"):
        for path, value in diff.get(key, {}).items():
            lines.append(f"{_path(path)}: only in the recording ({_short(value)})")
    return sorted(lines)


_QUOTED_PLACEHOLDER_RE = re.compile(r"(<redacted:[A-Za-z0-9_.-]+)%23(\d+>)")


def _url(request: dict[str, Any]) -> str:
    """The request's URL as a miss message shows it: placeholders readable (``<redacted:key#1>``, not ``%23``)."""
    return _QUOTED_PLACEHOLDER_RE.sub(r"\1#\2", url_of(request))


def describe_request(entry: dict[str, Any]) -> list[str]:
    """The lines that show a live request in a miss message."""
    if entry["kind"] == "host":
        return [f"wx.{entry['call']['name']}({_short(entry['call']['args'], 400)})"]
    r = entry["request"]
    lines = [f"{r['method']} {_url(r)}"]
    if r["query"]:
        lines.append(f"query: {_short(r['query'], 400)}")
    body = r["body"]
    if body is not None:
        shown = body["json"] if "json" in body else body["text"] if "text" in body else f"<{body.get('bytes')} bytes>"
        lines.append(f"body: {_short(shown, 400)}")
    return lines


def label(entry: dict[str, Any]) -> str:
    """One line naming a recording: its request and the API it was made under."""
    head = f"wx.{entry['call']['name']}" if entry["kind"] == "host" else f"{entry['request']['method']} {_url(entry['request'])}"
    bits = [f"API {entry['api']}" if entry.get("api") else "no API", f"#{entry.get('ordinal')}"]
    if entry.get("turn") is not None:
        bits.append(f"turn {entry['turn']}")
    return f"{head} ({', '.join(bits)})"


def lines_for(items: Iterable[str], indent: str) -> str:
    """``items`` as indented lines."""
    return "\n".join(indent + s for s in items)

"""Host calls in a cassette are witnesses, not answers: the script answers, the recording is checked.

``wx.login``, payments, location, phone number and ``wx.cloud`` are scripted by the scenario's
``device:`` (or the test's ``Device``): what the script says is the truth in every mode. The
cassette keeps each such call with the outcome it had while the HTTP was recorded, because that
HTTP depends on it (a login code posted to the server, a payment followed by a status poll). In
replay the script answers; when its outcome contradicts the recorded one, the cassette was
recorded under another script and is stale: the run fails instead of passing on traffic that no
longer belongs to the scenario.

Recorded values may hold redaction placeholders (``<redacted:code#1>``): a placeholder agrees
with any value in its place, as request matching compares redacted fields by presence.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wxreplay.cassette.redact import PLACEHOLDER_RE, is_placeholder

__all__ = ["outcome_differences", "placeholder_in"]

_MAX_SHOWN = 120


def outcome_differences(recorded: dict[str, Any], live: dict[str, Any], shown: dict[str, Any]) -> list[str]:
    """Where the scripted ``live`` outcome ({ok, value}) contradicts the ``recorded`` one: ``path: recorded X, script Y``.

    ``shown`` is ``live`` redacted with the cassette's rules: messages show the script's values
    from it, so a secret the script holds (a login code) never reaches the output.
    """
    out: list[str] = []
    if bool(recorded.get("ok")) != bool(live.get("ok")):
        out.append(f"ok: recorded {_show(recorded.get('ok'))}, script {_show(live.get('ok'))}")
    _diff(recorded.get("value"), live.get("value"), shown.get("value"), "value", out)
    return out


def _diff(rec: Any, live: Any, shown: Any, path: str, out: list[str]) -> None:
    if isinstance(rec, str) and PLACEHOLDER_RE.search(rec):
        if not _placeholder_agrees(rec, live):
            out.append(f"{path}: recorded {_show(rec)}, script {_show(shown)}")
        return
    if isinstance(rec, dict) and isinstance(live, dict):
        # ``shown`` is ``live`` redacted, keys included (key order kept): its key and value for a live key
        same = isinstance(shown, dict) and len(shown) == len(live)
        shown_key = dict(zip(live, shown, strict=True)) if same else {}
        if same:
            shown_of = dict(zip(live, shown.values(), strict=True))
        else:
            shown_of = {k: shown.get(k) if isinstance(shown, dict) else shown for k in live}
        pair = {k: k for k in rec if k in live}
        # a redacted key (``<redacted:phone-number#1>``) stands for a live key the recording lacks
        left = [k for k in live if k not in rec]
        for key in (k for k in rec if k not in live and PLACEHOLDER_RE.search(str(k))):
            other = next((k for k in left if _placeholder_agrees(key, k)), None)
            if other is not None:
                left.remove(other)
                pair[key] = other
        for key in rec:
            if key in pair:
                _diff(rec[key], live[pair[key]], shown_of[pair[key]], f"{path}.{key}", out)
            else:
                out.append(f"{path}.{key}: recorded {_show(rec[key])}, the script gives no such field")
        for other in left:
            out.append(f"{path}.{shown_key.get(other, other)}: not recorded, script {_show(shown_of[other])}")
        return
    if isinstance(rec, list) and isinstance(live, list) and len(rec) == len(live):
        for i, (r, v) in enumerate(zip(rec, live, strict=True)):
            s = shown[i] if isinstance(shown, list) and i < len(shown) else shown
            _diff(r, v, s, f"{path}[{i}]", out)
        return
    if rec != live or (type(rec) is not type(live) and not _same_number(rec, live)):
        out.append(f"{path}: recorded {_show(rec)}, script {_show(shown)}")


def _same_number(a: Any, b: Any) -> bool:
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    return number(a) and number(b) and a == b


def _placeholder_agrees(rec: str, live: Any) -> bool:
    """A whole placeholder stands for any value; one inside a text for any non-empty run of characters."""
    if is_placeholder(rec):
        return live is not None
    if not isinstance(live, str):
        return False
    pieces = PLACEHOLDER_RE.split(rec)  # text, kind, n, text, kind, n, ..., text
    pattern = ".+?".join(re.escape(p) for p in pieces[::3])
    return re.fullmatch(pattern, live, flags=re.DOTALL) is not None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def placeholder_in(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first ``(path, placeholder)`` of a redaction placeholder anywhere in ``value`` (keys included), or ``None``."""
    if isinstance(value, str):
        m = PLACEHOLDER_RE.search(value)
        return (path or "(the value)", m.group(0)) if m else None
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            m = PLACEHOLDER_RE.search(str(k))
            if m:
                return sub, m.group(0)
            found = placeholder_in(v, sub)
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = placeholder_in(v, f"{path}[{i}]")
            if found:
                return found
    return None

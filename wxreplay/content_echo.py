"""Does a result's ``content`` text repeat its ``structuredContent``? (platform-spec 9.3.35, 9.3.39)

An API whose result a card shows hands the data to the card in ``structuredContent``; its
``content`` says what happened and what to do next. A text that carries the JSON of the structured
data, or most of its values, makes the model read the data twice and repeat it to the user instead
of letting the card show it. The judgement here is on the real values of one result; the linter's
rule WXR413 finds the same thing in the source (``JSON.stringify`` of the structured value).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MIN_LEAVES", "SEARCH_BUDGET", "SHARE", "repeated_structure"]

#: A structuredContent with fewer distinctive values than this is not judged by its values (a text may
#: well name the one order number it is about); its JSON in the text still is.
MIN_LEAVES = 4
#: The share of distinctive values found in the text from which the text repeats the data.
SHARE = 0.75
#: At most this many characters searched in all (values x text): a 200 KB result of thousands of
#: values is judged on its first values in sorted order (the same ones every run), not on all of them.
SEARCH_BUDGET = 2_000_000


def _leaves(value: Any) -> list[Any]:
    """Every scalar under ``value`` (plain JSON data), by an explicit stack: it runs on every call of a card API."""
    out: list[Any] = []
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is dict:
            stack.extend(v.values())
        elif t is list:
            stack.extend(v)
        else:
            out.append(v)
    return out


def _distinctive(value: Any) -> str | None:
    """The text form of a leaf that would not be in a sentence by chance: strings of 2+ characters, numbers of 3+ digits."""
    t = type(value)
    if t is str:
        text = value.strip()
        return text if len(text) >= 2 else None
    if t is int:
        return str(value) if value >= 100 or value <= -100 else None
    if t is float:
        text = str(value)
        return text if sum(c.isdigit() for c in text) >= 3 else None
    return None  # None, booleans


_SPACE = re.compile(r"\s+")


def _squeezed_json(value: Any) -> str:
    """``JSON.stringify(value)`` without whitespace: it matches ``JSON.stringify(value, null, 2)`` squeezed too."""
    return _SPACE.sub("", json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def repeated_structure(text: str, structured: Any) -> str | None:
    """Why ``text`` repeats ``structured`` (its JSON, or most of its distinctive values), or None."""
    if not isinstance(structured, dict) or not structured or not text:
        return None
    if "{" in text or "[" in text:  # no JSON without a bracket
        squeezed = _SPACE.sub("", text)
        candidates = [structured, *(v for v in structured.values() if isinstance(v, (dict, list)) and v)]
        for value in candidates:
            if len(_leaves(value)) >= 2 and _squeezed_json(value) in squeezed:
                return "holds the JSON of structuredContent"
    values = sorted({d for d in map(_distinctive, _leaves(structured)) if d is not None})
    if len(values) >= MIN_LEAVES:
        judged = values[: max(MIN_LEAVES, SEARCH_BUDGET // len(text))]
        found = 0
        misses_allowed = len(judged) - SHARE * len(judged)
        for v in judged:
            if v in text:
                found += 1
            else:
                misses_allowed -= 1
                if misses_allowed < 0:
                    return None  # past a quarter missing: it cannot reach the share any more
        if found >= SHARE * len(judged):
            shown = f"{found} of the {len(values)}" if len(judged) == len(values) else f"{found} of {len(judged)} sampled"
            return f"repeats {shown} values of structuredContent"
    return None

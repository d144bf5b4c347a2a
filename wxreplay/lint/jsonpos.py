"""Where a value sits in a JSON file the linter reads, for findings with a line and column."""

from __future__ import annotations

import json
import re
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from wxreplay.jsonfile import SCALAR_RE, locate, skip_ws, string_end
from wxreplay.source import NEWLINE, LineIndex

__all__ = ["json_position"]


Step = str | int


class _Positions:
    """Every value's offset in one JSON text, from one scan (what :func:`locate` finds, path by path).

    A rule family asks for a dozen positions in each ``mcp.json``; :func:`locate` scans the text from
    the start for each. ``offsets`` is None when the scan meets anything unexpected: each question
    then goes to :func:`locate`, which answers it (or not) as it always has.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text, breaks=NEWLINE)  # json counts lines as locate does
        offsets: dict[tuple[Step, ...], int] = {}
        try:
            start = skip_ws(text, 0)
            offsets[()] = start
            _scan(text, start, (), offsets)
        except (IndexError, ValueError):
            self.offsets: dict[tuple[Step, ...], int] | None = None
        else:
            self.offsets = offsets

    def find(self, path: tuple[Step, ...]) -> tuple[int, int] | None:
        if self.offsets is None or any(isinstance(s, bool) for s in path):
            return locate(self.text, path)  # True == 1 as a dict key: locate tells them apart
        at = self.offsets.get(path)
        return None if at is None else self.lines.position(at)


#: A key ``json.loads`` would give back as written: no escape, no control character.
_PLAIN_KEY = re.compile(r'"([^"\\\x00-\x1f]*)"')


def _scan(text: str, i: int, path: tuple[Step, ...], out: dict[tuple[Step, ...], int]) -> int:
    """Record the offset of every member under the value at ``i``; the offset just past it."""
    ch = text[i]
    if ch == '"':
        return string_end(text, i)
    if ch in "{[":
        close = "}" if ch == "{" else "]"
        i = skip_ws(text, i + 1)
        if text[i] == close:
            return i + 1
        index = 0
        while True:
            if ch == "{":
                plain = _PLAIN_KEY.match(text, i)
                if plain is not None:
                    key_end, key = plain.end(), plain.group(1)
                else:
                    key_end = string_end(text, i)
                    key = json.loads(text[i:key_end])
                child: tuple[Step, ...] = (*path, key)
                if child in out:  # a duplicate key: like json.loads (and locate), the last one wins
                    for stale in [p for p in out if p[: len(child)] == child]:
                        del out[stale]
                out[child] = i  # a member's position is its key's
                i = skip_ws(text, key_end)
                if text[i] != ":":
                    raise ValueError("':' expected")
                i = skip_ws(text, i + 1)
            else:
                child = (*path, index)
                out[child] = i
                index += 1
            i = skip_ws(text, _scan(text, i, child, out))
            if text[i] == ",":
                i = skip_ws(text, i + 1)
            elif text[i] == close:
                return i + 1
            else:
                raise ValueError("',' expected")
    match = SCALAR_RE.match(text, i)  # the scalars locate skips: it finds what locate finds
    if match is None:
        raise ValueError("value expected")
    return match.end()


def json_position(
    text: str | None, at: Sequence[Step], cache: MutableMapping[tuple[str, str], object] | None = None
) -> tuple[int | None, int | None]:
    """Line and column of the value at ``at`` (or its nearest existing ancestor) in JSON ``text``.

    ``cache``: where the scan of each text is kept for the lint (:attr:`LintContext.text_cache`),
    so each text is scanned once however many positions are asked of it.
    """
    if text is None:
        return None, None
    positions: object = cache.get(("json-positions", text)) if cache is not None else None
    if not isinstance(positions, _Positions):
        positions = _Positions(text)
        if cache is not None:
            cache[("json-positions", text)] = positions
    path = tuple(at)
    for depth in range(len(path), -1, -1):
        found = positions.find(path[:depth])
        if found is not None:
            return found
    return None, None


def is_inside(path: Path, top: Path) -> bool:
    """Whether ``path`` (normalised, not resolved) is ``top`` or under it."""
    return path == top or top in path.parents

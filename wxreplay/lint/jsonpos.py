"""Where a value sits in a JSON file the linter reads, for findings with a line and column."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from pathlib import Path

from wxreplay.jsonfile import Step, locate, member_offsets
from wxreplay.source import NEWLINE, LineIndex

__all__ = ["json_position"]


class _Positions:
    """Every value's offset in one JSON text, from one scan (what :func:`locate` finds, path by path).

    A rule family asks for a dozen positions in each ``mcp.json``; :func:`locate` scans the text from
    the start for each. ``offsets`` is None when the scan meets anything unexpected: each question
    then goes to :func:`locate`, which answers it (or not) as it always has.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text, breaks=NEWLINE)  # json counts lines as locate does
        try:
            self.offsets: dict[tuple[Step, ...], int] | None = member_offsets(text)
        except (IndexError, ValueError):
            self.offsets = None

    def find(self, path: tuple[Step, ...]) -> tuple[int, int] | None:
        if self.offsets is None or any(isinstance(s, bool) for s in path):
            return locate(self.text, path)  # True == 1 as a dict key: locate tells them apart
        at = self.offsets.get(path)
        return None if at is None else self.lines.position(at)


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

"""Where a value sits in a JSON file the linter reads, for findings with a line and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wxreplay.jsonfile import locate

__all__ = ["json_position"]


def json_position(text: str | None, at: Sequence[str | int]) -> tuple[int | None, int | None]:
    """Line and column of the value at ``at`` (or its nearest existing ancestor) in JSON ``text``."""
    if text is None:
        return None, None
    for depth in range(len(at), -1, -1):
        found = locate(text, at[:depth])
        if found is not None:
            return found
    return None, None


def is_inside(path: Path, top: Path) -> bool:
    """Whether ``path`` (normalised, not resolved) is ``top`` or under it."""
    return path == top or top in path.parents

"""TOML documents parsed once per text: a suite reads the same pyproject.toml for every scenario.

Keyed by the file's *text*, not its path or mtime: a file edited between two runs of one process
is read again and parsed anew, so nothing stale can be served. Each caller gets its own deep copy
(the parsed tables are mutable).
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from typing import Any

__all__ = ["loads"]


@lru_cache(maxsize=32)
def _parsed(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, parsed once per distinct text; raises ``tomllib.TOMLDecodeError`` as it does."""
    return copy.deepcopy(_parsed(text))

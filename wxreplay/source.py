"""Located source: the one place that turns "what did the user mean, and where" into text.

Loaders of every file format (JSON, YAML scenarios, cassettes, WXML, WXSS) and every lookup by
name (APIs, skills, cards, keys, variables, CSS properties) share these helpers, so a message
reads the same whichever file or name it is about.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def _fold(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def did_you_mean(word: str, valid: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The valid name ``word`` was probably meant to be, or ``None``.

    Close spelling first (``difflib`` at ``cutoff``), then the same name in another case or with
    ``_`` / ``-`` left out or added, then the only valid name that ``word`` starts (or that starts
    ``word``) when ``word`` has three characters or more.
    """
    names = list(dict.fromkeys(valid))
    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    if close:
        return close[0]
    folded = _fold(word)
    for name in names:
        if _fold(name) == folded:
            return name
    if len(word) >= 3:
        starts = [name for name in names if name.startswith(word) or word.startswith(name)]
        if len(starts) == 1:
            return starts[0]
    return None

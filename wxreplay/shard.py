"""A deterministic split of a suite into N shards, for CI jobs that each run one part (``--wx-shard K/N``).

Every job collects the same suite from the same checkout, sorts the test ids and takes every
N-th one from its own offset: the shards are disjoint, together they are the whole suite, their
sizes differ by at most one, and the split depends on nothing but the ids (not on the machine,
the order files were found in, or the time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from wxreplay.errors import UsageError

_SHARD_RE = re.compile(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*")  # 9 digits: no int() of a huge number


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (from 1) of ``total``."""

    index: int
    total: int

    @classmethod
    def parse(cls, text: str, *, option: str = "--shard") -> Shard:
        """``"2/4"`` -> ``Shard(2, 4)``; anything else is a :class:`UsageError` naming ``option``."""
        m = _SHARD_RE.fullmatch(text or "")
        hint = f"write {option} K/N with 1 <= K <= N, e.g. {option} 1/2 in one CI job and {option} 2/2 in the other"
        if m is None:
            raise UsageError(f"{option} {text!r} is not K/N", hint=hint)
        index, total = int(m.group(1)), int(m.group(2))
        if total < 1 or not 1 <= index <= total:
            raise UsageError(f"{option} {text!r}: shard {index} of {total} does not exist", hint=hint)
        return cls(index, total)

    def pick(self, ids: Iterable[str]) -> set[str]:
        """The ids of ``ids`` this shard runs: every ``total``-th of the sorted ids, from offset ``index - 1``."""
        ordered = sorted(set(ids))
        return set(ordered[self.index - 1 :: self.total])

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

"""Record modes, named as vcrpy users know them, resolved once at the boundary (CLI flag, plugin option).

A word of the scenario format (``record:``) as much as of the cassette, so it lives below both,
importing nothing but the errors: the scenario layer never imports the cassette package
(``tests/unit/test_architecture.py``). ``wxreplay.cassette`` re-exports ``RecordMode`` and
``resolve_mode``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping

from wxreplay.errors import UsageError

__all__ = ["RecordMode", "ci_active", "resolve_mode"]


class RecordMode(enum.Enum):
    """What a cassette may do with traffic it has no recording of."""

    NONE = "none"  # replay only: a request without a recording fails the call; nothing leaves the process
    ONCE = "once"  # record when the cassette file does not exist yet, else replay only
    NEW_EPISODES = "new_episodes"  # replay what matches, record what is new (appended)
    ALL = "all"  # re-record everything, replaying nothing

    @classmethod
    def parse(cls, value: str | RecordMode) -> RecordMode:
        """``RecordMode`` from its name (``"new_episodes"``; ``-`` is accepted for ``_``)."""
        if isinstance(value, RecordMode):
            return value
        text = str(value).strip().lower().replace("-", "_")
        for mode in cls:
            if mode.value == text:
                return mode
        valid = ", ".join(m.value for m in cls)
        raise UsageError(
            f"unknown record mode {value!r} (valid: {valid})",
            hint="none replays only; once records a missing cassette; new_episodes adds what is new; all re-records",
        )


def ci_active(env: Mapping[str, str]) -> bool:
    """Whether ``env`` says we run in CI (``CI`` set to anything but empty/0/false/no)."""
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def resolve_mode(
    requested: str | RecordMode | None,
    env: Mapping[str, str] | None = None,
    *,
    explicit: bool = False,
) -> RecordMode:
    """The mode to run with: ``requested`` (default ``none``), forced to ``none`` under CI.

    ``explicit`` means the user asked for this mode for this very run (a CLI flag): it wins even
    under CI. A mode that comes from a default or a configuration file does not.
    """
    mode = RecordMode.parse(requested) if requested is not None else RecordMode.NONE
    if explicit:
        return mode
    return RecordMode.NONE if ci_active(os.environ if env is None else env) else mode

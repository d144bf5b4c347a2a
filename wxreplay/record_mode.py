"""The four record modes, as a plain enum below the cassette and the scenario format.

The cassette acts on a mode (:mod:`wxreplay.cassette.modes` resolves the one in force); a scenario
file only names one (``record: once``). Kept here, importing nothing but the errors, so the
scenario model needs no part of the cassette machinery.
"""

from __future__ import annotations

import enum

from wxreplay.errors import UsageError

__all__ = ["RecordMode"]


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
        raise UsageError(f"unknown record mode {value!r} (valid: {valid})",
                         hint="none replays only; once records a missing cassette; new_episodes adds what is new; all re-records")

"""Record modes, named as vcrpy users know them, resolved once at the boundary (CLI flag, plugin option)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from wxreplay.record_mode import RecordMode

__all__ = ["RecordMode", "ci_active", "resolve_mode"]


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

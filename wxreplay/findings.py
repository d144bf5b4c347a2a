"""Findings: things wxreplay noticed that do not stop a call (warnings) or that make it wrong."""

from __future__ import annotations

from dataclasses import dataclass

from wxreplay.diagnostic import Diagnostic, Level

__all__ = ["Finding", "Level"]


@dataclass(frozen=True)
class Finding(Diagnostic):
    """A :class:`Diagnostic` about a call or a skill: also which API and which execution context.

    Built as ``Finding(code, message, level=..., api=..., context=..., file=..., line=...)``; a
    finding is a warning unless said otherwise. ``code`` reads the rule.
    """

    level: Level = "warning"
    api: str | None = None
    context: str | None = None

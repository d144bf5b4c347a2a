"""Diagnostic: one thing wxreplay noticed in a skill, a card or a run, with where it is and what to do.

Every checker reports through this one type: the WXML card rules (``card-tag``, ...), the WXSS
subset checker (``wxss-banned``, ...) and the findings of a run (:class:`wxreplay.findings.Finding`,
which adds the API and the execution context). Checkers collect them and never raise; the caller
decides whether an ``error`` stops anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from wxreplay import serialize

__all__ = ["Diagnostic", "Level"]

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One observation: which ``rule`` and how bad (``level``), where (``file:line:column``), what and the fix."""

    rule: str
    message: str
    level: Level = "error"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def code(self) -> str:
        """The rule, under the name findings have always used for it."""
        return self.rule

    @property
    def where(self) -> str:
        """``file:line`` or ``file:line:column`` when the file and line are known, else ``""``."""
        if not (self.file and self.line):
            return ""
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")

    def to_dict(self) -> dict[str, Any]:
        """The set fields as plain data (``None`` fields are left out): :func:`wxreplay.serialize.diagnostic`."""
        return serialize.diagnostic(self)

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        fix = f"\n  fix: {self.hint}" if self.hint else ""
        return f"{self.level}: {where}{self.message} [{self.rule}]{fix}"

"""Findings: things wxreplay noticed that do not stop a call (warnings) or that make it wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One observation about a call or a skill, with where it happened when known."""

    code: str
    message: str
    level: Level = "warning"
    api: str | None = None
    context: str | None = None
    file: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        return f"{self.level}: {where}{self.message} [{self.code}]"

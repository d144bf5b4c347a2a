"""What the linter reports: a :class:`LintFinding` per broken rule, in a :class:`LintReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wxreplay.findings import Finding

__all__ = ["LintFinding", "LintReport"]


@dataclass(frozen=True)
class LintFinding(Finding):
    """A :class:`~wxreplay.findings.Finding` of the linter: ``rule`` is the lint rule id (``WXR109``).

    ``file`` is shown as :func:`~wxreplay.source.display_path` shows it (posix; relative to the working
    directory when the project lies inside it), ``line``/``column`` 1-based when known.
    ``severity`` is the rule's (``info`` included, which a run's findings never have).
    """

    severity: str = "warning"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Files in order, then positions, then rules."""
        return (self.file or "", self.line or 0, self.column or 0, self.rule)

    def to_json(self) -> dict[str, Any]:
        """The finding as plain data for ``--format json``."""
        out: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "message": self.message}
        for key in ("file", "line", "column", "hint", "api"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass
class LintReport:
    """The findings of one lint run, what was linted, and the findings that suppressions hid."""

    findings: list[LintFinding] = field(default_factory=list)
    suppressed: int = 0
    targets: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """``{"error": n, "warning": n, "info": n}``."""
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

"""The rule registry: every lint rule's stable id, the platform's V-id, severity, title and explanation.

A rule is data (:class:`Rule`) plus one check function registered with :func:`rule`. Ids are ours
(``WXR1xx`` package and config, ``WXR2xx`` mcp.json against code, ``WXR3xx`` cards, ``WXR4xx``
writing rules) and never change meaning; where the platform's own validator has a rule for the same
thing its id (``V007``) is shown beside ours, so people who know that tool recognise it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wxreplay.lint.context import LintContext
    from wxreplay.lint.model import LintFinding

__all__ = ["CHECKS", "RULES", "SEVERITY_RANK", "Check", "Rule", "Severity", "rule"]

Severity = Literal["error", "warning", "info"]
Check = Callable[["LintContext"], Iterable["LintFinding"]]

#: Severity order: a finding counts against the threshold when its rank is at least the threshold's.
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Rule:
    """One lint rule: ``id`` (``WXR109``), the platform's ``vid`` if any, ``severity``, ``title``, ``explanation``."""

    id: str
    severity: Severity
    title: str
    explanation: str
    vid: str | None = None
    spec: str | None = None  # where platform-spec states it ("9.1.1", "5.2", "A3")
    runtime: bool = False  # the check may ask for the runtime's registration facts (LintContext.runtime)

    @property
    def label(self) -> str:
        """``WXR109 (V001)``: our id with the platform's beside it."""
        return f"{self.id} ({self.vid})" if self.vid else self.id


RULES: dict[str, Rule] = {}
CHECKS: dict[str, Check] = {}


def rule(
    id: str,
    severity: Severity,
    title: str,
    explanation: str,
    *,
    vid: str | None = None,
    spec: str | None = None,
    runtime: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated check as rule ``id``; a second rule with the same id is a programming error.

    ``runtime`` marks a check that may call :meth:`~wxreplay.lint.context.LintContext.runtime`: the
    runner starts the skill loads before the other rules and runs these last, so V8 works meanwhile.
    """

    def register(check: Check) -> Check:
        if id in RULES:
            raise ValueError(f"lint rule {id} registered twice")
        RULES[id] = Rule(id, severity, title, explanation, vid, spec, runtime)
        CHECKS[id] = check
        return check

    return register

"""``--format json``: the findings and a summary as one JSON document."""

from __future__ import annotations

import json

from wxreplay.lint.model import LintReport
from wxreplay.lint.registry import RULES

__all__ = ["format_json"]


def format_json(report: LintReport) -> str:
    """``{"findings": [...], "summary": {...}}`` with each finding's rule id, the platform V-id and the fix."""
    findings = []
    for f in report.findings:
        item = f.to_json()
        vid = RULES[f.rule].vid if f.rule in RULES else None
        if vid:
            item["platform_rule"] = vid
        findings.append(item)
    doc = {"findings": findings, "summary": {**report.counts(), "suppressed": report.suppressed, "targets": report.targets}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

"""``--format sarif``: SARIF 2.1.0, as code-scanning tools read it (rules from the registry, results with locations)."""

from __future__ import annotations

import json
from typing import Any

from wxreplay.lint.catalog import all_rules
from wxreplay.lint.model import LintReport

__all__ = ["format_sarif"]

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_sarif(report: LintReport, *, version: str) -> str:
    """The report as a SARIF log with one run of the ``wxreplay lint`` tool."""
    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index.get(f.rule, -1),
            "level": _LEVELS[f.severity],
            "message": {"text": f.message + (f" (fix: {f.hint})" if f.hint else "")},
        }
        if f.file:
            location: dict[str, Any] = {"artifactLocation": {"uri": f.file}}
            if f.line:
                location["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wxreplay lint",
                        "version": version,
                        "rules": [
                            {
                                "id": r.id,
                                "name": r.title,
                                "shortDescription": {"text": r.title},
                                "fullDescription": {"text": r.explanation},
                                "defaultConfiguration": {"level": _LEVELS[r.severity]},
                                "properties": {"platformRule": r.vid} if r.vid else {},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

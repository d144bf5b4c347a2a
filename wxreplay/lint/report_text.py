"""``--format text``: findings grouped by file, one ``path:line:col: ID message`` line each, colours on a terminal."""

from __future__ import annotations

from itertools import groupby

from wxreplay.lint.model import LintFinding, LintReport
from wxreplay.lint.registry import RULES

__all__ = ["format_text"]

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _line(f: LintFinding, colour: bool) -> str:
    where = f.file or "<project>"
    if f.line:
        where += f":{f.line}" + (f":{f.column}" if f.column else "")
    label = RULES[f.rule].label if f.rule in RULES else f.rule
    sev = f.severity
    head = f"{_BOLD}{where}{_RESET}: {_COLOURS[sev]}{label}{_RESET} {f.message}" if colour else f"{where}: {label} {f.message}"
    if f.severity != "error":
        head += f" [{sev}]" if not colour else f" {_DIM}[{sev}]{_RESET}"
    if f.hint:
        head += f"\n    fix: {f.hint}" if not colour else f"\n    {_DIM}fix:{_RESET} {f.hint}"
    return head


def format_text(report: LintReport, *, colour: bool = False) -> str:
    """The report as text: a block per file, then a summary line."""
    blocks = []
    for _, group in groupby(report.findings, key=lambda f: f.file or ""):
        blocks.append("\n".join(_line(f, colour) for f in group))
    counts = report.counts()
    total = sum(counts.values())
    summary = (
        f"{total} finding{'s' if total != 1 else ''}: {counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['info']} info"
    )
    if report.suppressed:
        summary += f" ({report.suppressed} suppressed)"
    if not total:
        summary = "no findings" + (f" ({report.suppressed} suppressed)" if report.suppressed else "")
    return "\n\n".join([*blocks, summary]) + "\n"

"""``--format text``: findings grouped by file, one ``path:line:col: ID message`` line each, colours on a terminal."""

from __future__ import annotations

from itertools import groupby

from wxreplay.lint.model import LintFinding, LintReport
from wxreplay.lint.registry import RULES
from wxreplay.term import Style

__all__ = ["format_text"]

# The colour of each severity (wxreplay.term paints them, only when the output is coloured).
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _line(f: LintFinding, style: Style) -> str:
    where = f.file or "<project>"
    if f.line:
        where += f":{f.line}" + (f":{f.column}" if f.column else "")
    label = RULES[f.rule].label if f.rule in RULES else f.rule
    sev = f.severity
    head = f"{style.bold(where)}: {style.paint(label, _COLOURS[sev])} {f.message}"
    if f.severity != "error":
        head += f" {style.dim(f'[{sev}]')}"
    if f.hint:
        head += f"\n    {style.dim('fix:')} {f.hint}"
    return head


def format_text(report: LintReport, *, style: Style | None = None) -> str:
    """The report as text: a block per file, then a summary line (coloured by ``style``, default plain)."""
    style = style or Style(False)
    blocks = []
    for _, group in groupby(report.findings, key=lambda f: f.file or ""):
        blocks.append("\n".join(_line(f, style) for f in group))
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

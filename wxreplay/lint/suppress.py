"""Inline suppression comments: silence one finding where it is, with the rule named.

In any file with comments (JS, WXS, WXSS, WXML, Markdown)::

    getApp() // wxreplay-lint: disable=WXR109          (this line)
    // wxreplay-lint: disable-next-line=WXR109          (the next line)
    /* wxreplay-lint: disable-file=WXR307 */           (the whole file)
    <!-- wxreplay-lint: disable-next-line=WXR310 -->

Several ids are comma-separated; ``all`` silences every rule. JSON has no comments: use
``per-file-ignores`` in ``[tool.wxreplay.lint]``. The marker is looked for on the finding's line only
(and the line before it), so a suppression never hides a finding somewhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wxreplay.lint.model import LintFinding

__all__ = ["Marks", "is_suppressed"]

_MARK = re.compile(r"wxreplay-lint:\s*(disable|disable-next-line|disable-file)\s*=\s*([A-Za-z0-9_, ]+)")


def _names(ids: str, rule: str) -> bool:
    wanted = {p.strip().upper() for p in ids.split(",") if p.strip()}
    return "ALL" in wanted or rule in wanted


#: What :func:`_marks` found in a file: its ``disable-file`` ids and its lines (None: no suppression comment).
Marks = tuple[list[str], list[str]] | None


def is_suppressed(finding: LintFinding, text_of: Callable[[str], str | None], memo: dict[str, Marks] | None = None) -> bool:
    """Whether a comment in ``finding``'s file silences it (``text_of`` reads the file a finding names).

    ``memo``: what each file's comments are, by label, kept by the caller for one lint. A file can have
    thousands of findings (a generated stylesheet), and reading its whole text again for each was
    quadratic (40,000 findings in a 100 KB file: seconds).
    """
    if finding.file is None:
        return False
    if memo is not None and finding.file in memo:
        marks = memo[finding.file]
    else:
        text = text_of(finding.file)
        marks = _marks(text) if text else None
        if memo is not None:
            memo[finding.file] = marks
    if marks is None:
        return False
    whole_file, lines = marks
    if any(_names(ids, finding.rule) for ids in whole_file):
        return True
    if finding.line is None or not 1 <= finding.line <= len(lines):
        return False
    for m in _MARK.finditer(lines[finding.line - 1]):
        if m.group(1) == "disable" and _names(m.group(2), finding.rule):
            return True
    if finding.line >= 2:
        for m in _MARK.finditer(lines[finding.line - 2]):
            if m.group(1) == "disable-next-line" and _names(m.group(2), finding.rule):
                return True
    return False


def _marks(text: str) -> Marks:
    """The ids of a file's ``disable-file`` comments and its lines, or None when it has no suppression comment."""
    if "wxreplay-lint" not in text:
        return None
    whole_file = [m.group(2) for m in _MARK.finditer(text) if m.group(1) == "disable-file"]
    return whole_file, text.splitlines()

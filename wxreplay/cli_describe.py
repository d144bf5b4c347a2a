"""``wxreplay describe``: what wxreplay sees in a project, as tables for a person or JSON for a tool.

The JSON (``--json``) is :meth:`wxreplay.project.Project.describe` as it is; the text shows the same
facts: the project line, then per skill its APIs (card, page, ``outputSchema``, the start of the
description) and its cards (related page, dynamic, expirable, the APIs bound to them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wxreplay.term import Style, display_width, table

__all__ = ["describe_text"]

# API descriptions are paragraphs: the table shows their start; --json has them in full.
_DESCRIPTION_COLUMNS = 40


def _yes(flag: Any) -> str:
    return "yes" if flag else "no"


def _cut(text: str | None, columns: int = _DESCRIPTION_COLUMNS) -> str:
    """``text`` on one line, cut to ``columns`` display columns with an ellipsis."""
    one_line = " ".join((text or "").split())
    if display_width(one_line) <= columns:
        return one_line
    out, used = "", 0
    for ch in one_line:
        w = display_width(ch)
        if used + w > columns - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _project_lines(data: Mapping[str, Any], style: Style) -> list[str]:
    kind = "a skill directory (no app.json)" if data.get("standalone") else "a Mini Program project"
    lines = [f"{style.bold('project')} {data.get('root')}: {kind}"]
    facts = [
        ("instruction", data.get("instruction")),
        ("page metadata", data.get("page_metadata")),
        ("lazyCodeLoading", data.get("lazy_code_loading")),
    ]
    shown = [f"{name} {value}" for name, value in facts if value]
    if shown:
        lines.append("  " + ", ".join(shown))
    if data.get("pages"):
        lines.append("  pages: " + ", ".join(data["pages"]))
    for sp in data.get("subpackages", []):
        pages = f", pages: {', '.join(sp['pages'])}" if sp.get("pages") else ""
        lines.append(f"  subpackage {sp['root']}{' (independent)' if sp.get('independent') else ''}{pages}")
    return lines


def _skill_lines(skill: Mapping[str, Any], style: Style) -> list[str]:
    where = [skill.get("path") or "."]
    if skill.get("subpackage_root"):
        where.append(f"subpackage {skill['subpackage_root']}")
    where.append("SKILL.md" if skill.get("skill_md") else "no SKILL.md")
    lines = [f"{style.bold('skill')} {style.cyan(str(skill.get('name')))} ({', '.join(where)})"]
    if skill.get("description"):
        lines.append(f"  {skill['description']}")
    apis: Sequence[Mapping[str, Any]] = skill.get("apis", [])
    lines.append("")
    if apis:
        rows = [
            [a["name"], a.get("component") or "-", a.get("page") or "-", _yes(a.get("output_schema")), _cut(a.get("description"))]
            for a in apis
        ]
        lines.append(table(["API", "card", "page", "outputSchema", "description"], rows, indent="  ", style=style))
    else:
        lines.append("  (no APIs)")
    cards: Sequence[Mapping[str, Any]] = skill.get("components", [])
    lines.append("")
    if cards:
        rows = [
            [
                c["path"],
                c.get("related_page") or "-",
                _yes(c.get("dynamic")),
                f"yes ({c.get('expired_text')})" if c.get("expirable") else "no",
                ", ".join(c.get("apis") or []) or "- (no API binds it)",
            ]
            for c in cards
        ]
        lines.append(table(["card", "related page", "dynamic", "expirable", "bound to APIs"], rows, indent="  ", style=style))
    else:
        lines.append("  (no cards)")
    return lines


def describe_text(data: Mapping[str, Any], style: Style | None = None) -> str:
    """The readable form of ``Project.describe()``: the project, then per skill its APIs and cards as tables."""
    style = style or Style(False)
    lines = _project_lines(data, style)
    for skill in data.get("skills", []):
        lines.append("")
        lines += _skill_lines(skill, style)
    lines.append("")
    lines.append(style.dim("(descriptions are cut to fit: --json prints everything)"))
    return "\n".join(lines) + "\n"

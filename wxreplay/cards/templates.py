"""The WXML compiler as a session uses it: a card's template compiled once per skill, the runtime helper.

Cards ``<import>`` / ``<include>`` other templates and ``<wxs src>`` modules of the subpackage,
so a template is compiled against every ``.wxml`` and ``.wxs`` file of the skill; both the sources
and the compiled templates are kept per loaded skill (bounded caches).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wxreplay.project import Skill

__all__ = ["compile_card_template", "wxml_runtime_js"]

_WXML_SOURCES: dict[int, tuple[Skill, dict[str, str]]] = {}
_TEMPLATES: dict[tuple[int, str], tuple[Skill, str]] = {}


def _wxml_sources(skill: Skill) -> dict[str, str]:
    """Every ``.wxml`` and ``.wxs`` file of the skill's subpackage (``<import>``, ``<include>``, ``<wxs src>``)."""
    hit = _WXML_SOURCES.get(id(skill))
    if hit is not None and hit[0] is skill:
        return hit[1]
    from wxreplay.jsonfile import read_text

    root = skill.root
    top = root / skill.subpackage_root if skill.subpackage_root else skill.dir
    found: dict[str, str] = {}
    for file in sorted(top.rglob("*")):
        rel = file.relative_to(root)
        if (
            file.suffix in (".wxml", ".wxs")
            and file.is_file()
            and not any(p == "node_modules" or p.startswith(".") for p in rel.parts)
        ):
            found[rel.as_posix()] = read_text(file, root=root)
    if len(_WXML_SOURCES) > 32:
        _WXML_SOURCES.clear()
    _WXML_SOURCES[id(skill)] = (skill, found)
    return found


def compile_card_template(skill: Skill, path: str) -> str:
    """The JS of the compiled template ``path`` (project-relative ``.wxml``), compiled once per skill."""
    hit = _TEMPLATES.get((id(skill), path))
    if hit is not None and hit[0] is skill:
        return hit[1]
    from wxreplay.cards.wxml.compiler import compile_template

    js = compile_template(_wxml_sources(skill), path).js
    if len(_TEMPLATES) > 256:
        _TEMPLATES.clear()
    _TEMPLATES[(id(skill), path)] = (skill, js)
    return js


def wxml_runtime_js() -> str:
    """The JS expression that builds the WXML runtime helper ``R`` in a card context."""
    from wxreplay.cards.wxml.compiler import WXML_RUNTIME_JS

    return WXML_RUNTIME_JS

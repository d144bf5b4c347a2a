"""The WXML compiler as a session uses it: a card's template compiled once per skill, the runtime helper.

Cards ``<import>`` / ``<include>`` other templates and ``<wxs src>`` modules of the subpackage,
so a template is compiled against every ``.wxml`` and ``.wxs`` file of the skill; both the sources
and the compiled templates are kept per loaded skill (bounded caches).

A method call in a template's ``{{ }}`` (``item.date.slice(5)``) is not a documented data-binding
operator: by default it renders as ``undefined``, as on the device, and each render of the card
reports it as a ``wxml-call`` warning finding (:meth:`CardTemplate.findings`); with
``wxml_calls = "javascript"`` it is evaluated instead (see :mod:`wxreplay.cards.wxml.compiler`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wxreplay.findings import Finding

if TYPE_CHECKING:
    from wxreplay.cards.wxml.compiler import MethodCall
    from wxreplay.config import WxmlCalls
    from wxreplay.project import Skill

__all__ = ["CardTemplate", "compile_card_template", "wxml_runtime_js"]

_WXML_SOURCES: dict[int, tuple[Skill, dict[str, str]]] = {}
_TEMPLATES: dict[tuple[int, str, str], tuple[Skill, CardTemplate]] = {}

WXML_CALL_HINT = (
    "move the call into a <wxs> module function and call that (e.g. {{fmt.short(item.date)}}), or compute the "
    "value in the API result or the card's JS (setData); if your client evaluates such calls, set "
    'wxml_calls = "javascript" under [tool.wxreplay] in pyproject.toml'
)


@dataclass(frozen=True)
class CardTemplate:
    """A card's compiled template: ``js`` for the card context, and the method calls it renders as ``undefined``."""

    js: str
    method_calls: tuple[MethodCall, ...] = ()

    def findings(self, *, api: str, context: str) -> list[Finding]:
        """One ``wxml-call`` warning per method call compiled to ``undefined`` (none with ``calls="javascript"``)."""
        return [
            Finding(
                "wxml-call",
                f"{{{{{c.expression}}}}}: the device shows nothing for {c.call}: WXML data binding has no "
                "method calls (only <wxs> module functions), so the call reads as undefined",
                api=api,
                context=context,
                file=c.file,
                line=c.line,
                column=c.column,
                hint=WXML_CALL_HINT,
            )
            for c in self.method_calls
        ]


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


def compile_card_template(skill: Skill, path: str, calls: WxmlCalls = "undefined") -> CardTemplate:
    """The compiled template ``path`` (project-relative ``.wxml``), compiled once per skill and ``calls``."""
    hit = _TEMPLATES.get((id(skill), path, calls))
    if hit is not None and hit[0] is skill:
        return hit[1]
    from wxreplay.cards.wxml.compiler import compile_template

    compiled = compile_template(_wxml_sources(skill), path, calls=calls)
    template = CardTemplate(compiled.js, compiled.method_calls)
    if len(_TEMPLATES) > 256:
        _TEMPLATES.clear()
    _TEMPLATES[(id(skill), path, calls)] = (skill, template)
    return template


def wxml_runtime_js() -> str:
    """The JS expression that builds the WXML runtime helper ``R`` in a card context."""
    from wxreplay.cards.wxml.compiler import WXML_RUNTIME_JS

    return WXML_RUNTIME_JS

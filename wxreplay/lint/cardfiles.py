"""The cards of the linted skills: each component's files, its parsed WXML, and the APIs bound to it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from wxreplay.cards.wxml import Document, parse_wxml
from wxreplay.cards.wxml.parser import Element, Node
from wxreplay.errors import TemplateError
from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.project import ApiDecl, ComponentDecl, Skill
from wxreplay.project.declarations import norm_rel

__all__ = ["Card", "cards", "parsed_wxml"]


@dataclass
class Card:
    """One card component of a loaded skill: its path, files, declaration and bound APIs."""

    target: SkillTarget
    skill: Skill
    path: str  # "components/drink-list/index"
    base: Path  # the files without extension
    decl: ComponentDecl | None
    apis: tuple[ApiDecl, ...]

    def file(self, ext: str) -> Path:
        """The component's ``index.<ext>``."""
        return self.base.with_name(f"{self.base.name}.{ext}")

    @property
    def dynamic(self) -> bool:
        """A realtime dynamic component (``scope.dynamic``): timers and network allowed."""
        return self.decl is not None and self.decl.dynamic


def cards(ctx: LintContext) -> Iterator[Card]:
    """Every card named by an API's componentPath or a components[] entry, once, inside the skill folder."""
    # Found once per lint: a dozen rules walk the cards, and resolving each card's path is file-system work.
    yield from ctx.per_lint("cards", ctx.root, lambda: list(_find_cards(ctx)))


def _find_cards(ctx: LintContext) -> Iterator[Card]:
    for target in ctx.skills:
        skill = target.skill
        if skill is None:
            continue
        paths: dict[str, None] = {}
        for api in skill.apis:
            if api.component_path is not None:
                paths[norm_rel(api.component_path)] = None
        for c in skill.components:
            paths[norm_rel(c.path)] = None
        for path in paths:
            base = (skill.dir / path).resolve()
            if not base.is_relative_to(skill.dir.resolve()):
                continue
            bound = tuple(a for a in skill.apis if a.component_path is not None and norm_rel(a.component_path) == path)
            yield Card(target, skill, path, base, skill.component(path), bound)


def parsed_wxml(ctx: LintContext, card: Card) -> Document | TemplateError | None:
    """The card's parsed ``index.wxml``, the parse error, or None when it cannot be read."""
    path = card.file("wxml")

    def parse() -> Document | TemplateError | None:
        text = ctx.text(path) if ctx.is_file(path) else None
        if text is None:
            return None
        try:
            return _parse_once_per_text(ctx, ctx.label(path), text)
        except TemplateError as e:
            return e

    return ctx.per_lint("wxml", path, parse)


def _parse_once_per_text(ctx: LintContext, label: str, text: str) -> Document:
    """``parse_wxml(label, text)``, parsed once per lint for every card of that text.

    The parse depends on the text alone; the label is only kept on the document's source (what
    findings and the card rules' diagnostics name), so a copy of a card already parsed (one
    copied into another skill) gets that parse's nodes under a source of its own label.
    """
    first = ctx.text_cache.get(("wxml", text))
    if not isinstance(first, Document):
        first = parse_wxml(label, text)  # a TemplateError names its file: never shared
        ctx.text_cache[("wxml", text)] = first
        return first
    if first.path == label:
        return first
    source = copy.copy(first.source)
    source.path = label

    def relabelled(nodes: list[Node]) -> list[Node]:
        return [replace(n, source=source, children=relabelled(n.children)) if isinstance(n, Element) else n for n in nodes]

    return Document(source, relabelled(first.children))

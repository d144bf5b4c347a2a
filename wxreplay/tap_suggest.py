"""Taps a scenario's failure report suggests, written as the scenario writes them.

When a scenario taps something nothing handles, or something the card does not show, its report
lists the nodes that do handle a tap as lines to paste into the scenario::

    - tap: {card: drink-list, text: 拿铁}   # view.tile @tap=onTapDrink data={"drinkId":101}
    - tap: {card: drink-list, text: 拿铁, index: 1}   # ... when two tiles read 拿铁

Each line is checked against the rules the planner taps by (:func:`wxreplay.tap_target.tap_candidates`):
the text is one the node shows, and the tap it describes reaches that node's handler first. ``index``
is written when the text needs it (another node comes first, or several match equally well: the
``ambiguous-tap`` warning). A node whose texts cannot reach it (an icon without text) is tapped by
``selector`` (and ``index`` among the nodes that selector matches). Python's own form,
``card.tap(".tile", index=1)``, stays in the message of :class:`~wxreplay.cards.card.UnhandledTapError`
for Python tests.
"""

from __future__ import annotations

import json

import yaml

from wxreplay.cards.card import tappable_nearest
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode
from wxreplay.tap_target import tap_candidates

__all__ = ["handler_of", "tap_line", "tap_suggestions", "yaml_scalar"]

# At most this many taps are suggested (the nearest ones); a line says how many more there are.
_SHOWN = 8


def handler_of(node: CardNode) -> CardNode | None:
    """The node whose ``tap`` handler runs first when ``node`` is tapped (itself or the nearest above), if any."""
    p: CardNode | None = node
    while p is not None and p.tag != ROOT_TAG:
        if p.tag != TEXT_TAG and "tap" in p.events:
            return p
        p = p.parent
    return None


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when YAML reads it back as that string, else double-quoted."""
    if text and text == text.strip() and "\n" not in text:
        try:  # read back where it goes, in a flow mapping: 28, yes, a, b, {x} ... are not that string there
            if yaml.safe_load("{k: " + text + "}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _by_text(tree: CardNode, node: CardNode) -> tuple[str, int, bool] | None:
    """``(text, index, index needed)`` of the best text tap reaching ``node`` first, or None.

    The texts tried are those of the elements inside the node, in document order (the short label a
    person reads, such as a drink's name), then the node's whole text; one that needs no ``index``
    wins, else the one with the smallest index.
    """
    best: tuple[str, int, bool] | None = None
    seen: set[str] = set()
    for element in [*(n for n in node.iter() if n is not node), node]:
        if element.tag in (TEXT_TAG, ROOT_TAG):
            continue
        text = element.texts().strip()
        if not text or text in seen or "${" in text:  # ${...} would be read as a saved variable
            continue
        seen.add(text)
        candidates = tap_candidates(tree, text)
        index = next((i for i, c in enumerate(candidates) if handler_of(c) is node), None)
        if index is None:
            continue
        exact = [c for c in candidates if c.texts().strip() == text]
        tied = exact if exact else candidates
        needed = index != 0 or len(tied) > 1  # without it, the tap would warn ambiguous-tap
        if not needed:
            return text, index, False
        if best is None or index < best[1]:
            best = (text, index, True)
    return best


def tap_line(tree: CardNode, node: CardNode, card_name: str) -> str:
    """The scenario line that taps ``node`` (a node bound to ``tap``) of the ``card_name`` card."""
    head = f"card: {yaml_scalar(card_name)}"
    found = _by_text(tree, node)
    if found is not None:
        text, index, needed = found
        body = f"{head}, text: {yaml_scalar(text)}" + (f", index: {index}" if needed else "")
    else:
        selector = node.selector()
        index = next(i for i, m in enumerate(tree.find_all(selector)) if m is node)
        body = f"{head}, selector: {yaml_scalar(selector)}" + (f", index: {index}" if index else "")
    return "- tap: {" + body + "}"


def tap_suggestions(tree: CardNode, card_name: str, near: CardNode | None = None, *, indent: str = "    ") -> str:
    """The card's tappable nodes as scenario lines (nearest to ``near`` first), each with the node as a comment."""
    nodes = tappable_nearest(tree, near)
    if not nodes:
        return f"{indent}(no node of the {card_name} card is bound to tap)"
    lines = [f"{indent}{tap_line(tree, n, card_name)}   # {n.label()}" for n in nodes[:_SHOWN]]
    if len(nodes) > _SHOWN:
        lines.append(f"{indent}# ... {len(nodes) - _SHOWN} more tappable nodes")
    return "\n".join(lines)

"""Cards in the HTML report: the card runtime's HTML with its WXSS applied, each isolated in a shadow root.

A transcript keeps each card as its tree (``CardNode.to_data()``, already masked). The page of
:func:`wxreplay.cards.html.render_html` is built from that tree and the component's ``index.wxss``,
exactly as ``wxreplay render --html`` builds it; its ``<style>`` and card container are then put in
a declarative shadow root (``<template shadowrootmode="open">``), so one card's CSS (which may style
``#wxr-card`` or any class) never reaches another card or the report around it. Remote images are
replaced by a transparent pixel (the URL kept in ``data-wxr-src``): the report loads nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from wxreplay.cards.html import DEFAULT_DEVICE_WIDTH, render_html

__all__ = ["CARD_HOST_CLASS", "card_fragment"]

CARD_HOST_CLASS = "wx-card"

_BLANK_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
_REMOTE_SRC = re.compile(r'(<img\b[^>]*?\s)src="(?!data:)([^"]*)"', re.IGNORECASE)
# The page render_html writes: its <style>, then the card. Greedy: the style ends at the last
# "</style></head><body>", since the card after it is escaped HTML that cannot hold that text.
_PAGE = re.compile(r"<style>\n(.*)</style>\n</head>\n<body>\n(.*)\n</body>\n</html>\n\Z", re.DOTALL)


class DataNode:
    """A card node read from its plain data (``CardNode.to_data()``), in the shape ``render_html`` reads."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    @property
    def tag(self) -> str:
        return str(self._data["tag"]) if "tag" in self._data else "#text"

    @property
    def id(self) -> str | None:
        value = self._data.get("id")
        return str(value) if value else None

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(str(self._data.get("class") or "").split())

    @property
    def attrs(self) -> Mapping[str, Any]:
        return self._data.get("attrs") or {}

    @property
    def dataset(self) -> Mapping[str, Any]:
        return self._data.get("data") or {}

    @property
    def events(self) -> Mapping[str, Any]:
        return self._data.get("on") or {}  # "catch:handler" or "handler": the form render_html writes

    @property
    def text(self) -> str | None:
        return str(self._data.get("text", "")) if "tag" not in self._data else None

    @property
    def children(self) -> Sequence[DataNode]:
        if "tag" in self._data and "text" in self._data:  # an element whose only children are text
            return [DataNode({"text": self._data["text"]})]
        return [DataNode(c) for c in self._data.get("children") or [] if isinstance(c, Mapping)]


def card_fragment(card: Mapping[str, Any], wxss: str, *, label: str, device_width: int = DEFAULT_DEVICE_WIDTH) -> str:
    """The HTML of one card of a transcript (``card`` with ``component`` and ``tree``), styled by ``wxss``.

    ``label`` names the card for people (``searchDrinks · drink-list``), shown above it.
    """
    component = str(card.get("component") or "")
    tree = card.get("tree") or []
    nodes = [DataNode(n) for n in tree if isinstance(n, Mapping)]
    page = render_html(
        nodes,
        wxss,
        file=f"{component}.wxss",
        device_width=device_width,
        title=label,
        expired_text=str(card["expired"]) if card.get("expired") else None,
    )
    parts = _PAGE.search(page)
    if parts is None:  # render_html's page has this shape; anything else is a bug here, not the skill's
        raise ValueError("unexpected card page from render_html")
    # A WXSS string or a dropped declaration (kept as a comment) such as content: "</style>" must not
    # close the <style> element: "<\\/" reads as "</" in CSS strings and comments alike.
    css = parts.group(1).replace("</", "<\\/")
    content = _REMOTE_SRC.sub(lambda m: f'{m.group(1)}src="{_BLANK_GIF}" data-wxr-src="{m.group(2)}"', parts.group(2))
    number = card.get("number")
    return (
        f'<figure class="card-figure"><figcaption>{escape(label, quote=False)}'
        + (f' <span class="card-no">#{escape(str(number))}</span>' if number is not None else "")
        + f'</figcaption><div class="{CARD_HOST_CLASS}" data-component="{escape(component)}">'
        f'<template shadowrootmode="open"><style>:host {{ display: block; }}\n{css}</style>{content}</template>'
        "</div></figure>"
    )

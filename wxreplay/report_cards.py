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
_STYLE = re.compile(r"<style>\n(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body>\n(.*)\n</body>", re.DOTALL)


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
    style = _STYLE.search(page)
    body = _BODY.search(page)
    # A WXSS string such as content: "</style>" must not close the report's <style> element.
    css = (style.group(1) if style else "").replace("</", "<\\/")
    content = _REMOTE_SRC.sub(
        lambda m: f'{m.group(1)}src="{_BLANK_GIF}" data-wxr-src="{m.group(2)}"', body.group(1) if body else ""
    )
    number = card.get("number")
    return (
        f'<figure class="card-figure"><figcaption>{escape(label, quote=False)}'
        + (f' <span class="card-no">#{escape(str(number))}</span>' if number is not None else "")
        + f'</figcaption><div class="{CARD_HOST_CLASS}" data-component="{escape(component)}">'
        f'<template shadowrootmode="open"><style>:host {{ display: block; }}\n{css}</style>{content}</template>'
        "</div></figure>"
    )

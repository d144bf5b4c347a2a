"""A rendered card (atomic component) and what it did: upstream messages, page requests, re-renders.

A :class:`Card` is made by :meth:`wxreplay.Session.render` from an API result. It keeps the card
tree the user would see now (``tree``) and every earlier one (``history``, each with its cause),
and records what the card's code asked of the platform: upstream messages
(``sendFollowUpMessage``), silent model-context updates, the related page, detail pages it opened
or preloaded, custom events. :meth:`Card.tap` dispatches a tap like the client does (bubbling from
the target to the root, ``catch`` stops it) and returns a :class:`TapResult` with what that tap did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from wxreplay import serialize
from wxreplay.cards.records import (
    ApiCallRequest,
    CardEvent,
    Cause,
    DetailPage,
    ModelContextUpdate,
    RelatedPage,
    TapResult,
    TreeVersion,
    UpstreamMessage,
    text_blocks,
)
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode
from wxreplay.errors import ApiCallError, ArgumentsError, WxReplayError
from wxreplay.findings import Finding
from wxreplay.result import validate_arguments
from wxreplay.source import did_you_mean

if TYPE_CHECKING:
    from wxreplay.cards.browser import OverflowReport
    from wxreplay.project import ComponentDecl, Skill

__all__ = [
    "ApiCallRequest",
    "Card",
    "CardError",
    "CardEvent",
    "CardHost",
    "DetailPage",
    "ModelContextUpdate",
    "RelatedPage",
    "TapResult",
    "TreeVersion",
    "UnhandledTapError",
    "UpstreamMessage",
]


class CardError(ApiCallError):
    """Rendering or tapping a card failed: its JavaScript threw, its WXML broke, or the tap had no target.

    ``api`` is the API whose result the card shows; ``component`` the card's componentPath;
    ``js_stack`` V8's stack (project-relative paths) when JavaScript threw.
    """

    def __init__(self, message: str, *, component: str | None = None, js_stack: str = "", **kwargs: Any) -> None:
        self.component = component
        self.js_stack = js_stack
        super().__init__(message, **kwargs)


class UnhandledTapError(CardError):
    """A tap nothing handles: neither ``target`` nor a node above it is bound with ``bindtap`` / ``catchtap``.

    Its message lists the card's tappable nodes as Python calls (``card.tap(".tile", index=1)``); a
    scenario's report lists them in the scenario's YAML instead (:mod:`wxreplay.tap_suggest`).
    """

    def __init__(self, message: str, *, target: CardNode | None = None, **kwargs: Any) -> None:
        self.target = target  # None only in a copy rebuilt from its message (pickled)
        super().__init__(message, **kwargs)


# ---- the card -----------------------------------------------------------------------------------


class CardHost(Protocol):
    """What a card asks of the session that rendered it (``wxreplay.cards.runtime.CardRuntime``)."""

    def check_tappable(self, card: Card) -> None:
        """Raise :class:`CardError` when ``card`` can take no tap (its session ended, it is expired)."""
        ...

    def tap(
        self, card: Card, target: CardNode, *, strict: bool, event: str = "tap", detail: dict[str, Any] | None = None
    ) -> TapResult:
        """Dispatch ``event`` on ``target`` as the client does and return what the card did."""
        ...

    def notify(self, card: Card, kind: str, payload: dict[str, Any]) -> None:
        """Deliver a platform notification (``overflow``) to the card's listeners."""
        ...

    def window_width(self) -> int:
        """The device's window width in px, the width cards are laid out at."""
        ...


class Card:
    """A card rendered from an API result, as the user sees it now, plus everything it did."""

    def __init__(
        self,
        host: CardHost,
        *,
        number: int,
        decl: ComponentDecl,
        skill: Skill,
        api: str,
        arguments: dict[str, Any],
        context: Literal["card", "dynamic"],
        wxml_file: str,
        wxss: str,
    ) -> None:
        self._host = host
        self.number = number  # 1, 2, ... in the order the session rendered them (failed renders use one too)
        self.decl = decl
        self.component_path = decl.path  # relative to the skill, as in mcp.json
        self.absolute_path = f"{skill.path}/{decl.path}"  # with the subpackage prefix (expireAllCards)
        self.api = api
        self.arguments = arguments
        self.context = context
        self.wxml_file = wxml_file
        self.wxss = wxss
        self.history: list[TreeVersion] = []
        self.expired = False
        self.detached = False  # the runtime ended and ran the card's detached lifetime
        self.related_page: RelatedPage | None = None
        self.messages: list[UpstreamMessage] = []
        self.model_updates: list[ModelContextUpdate] = []
        self.pages: list[DetailPage] = []
        self.events: list[CardEvent] = []
        self.findings: list[Finding] = []

    # ---- state ---------------------------------------------------------------------------------
    @property
    def tree(self) -> CardNode:
        """The card tree the user sees now."""
        if not self.history:
            return CardNode(ROOT_TAG, file=self.wxml_file)
        return self.history[-1].tree

    @property
    def expirable(self) -> bool:
        return self.decl.expirable

    @property
    def expired_text(self) -> str | None:
        """The overlay text of an expired card (``expiredText``, default 服务已过期); None while live."""
        return self.decl.expired_text if self.expired else None

    @property
    def dynamic(self) -> bool:
        return self.context == "dynamic"

    def __repr__(self) -> str:
        state = " expired" if self.expired else ""
        return f"<Card {self.component_path} of {self.api} ({self.context}{state}, {len(self.history)} renders)>"

    # ---- queries -------------------------------------------------------------------------------
    def find(self, selector: str, index: int = 0) -> CardNode:
        """The ``index``-th node matching ``selector`` (``.cls``, ``#id``, ``tag``, descendants)."""
        return self.tree.find(selector, index)

    def find_all(self, selector: str) -> list[CardNode]:
        """Every node matching ``selector``."""
        return self.tree.find_all(selector)

    def find_text(self, text: str, *, exact: bool = False, index: int = 0) -> CardNode:
        """The innermost node whose text contains (or equals) ``text``."""
        return self.tree.find_text(text, exact=exact, index=index)

    def texts(self) -> str:
        return self.tree.texts()

    def to_text(self) -> str:
        """The compact indented tree (``view.card`` / ``text "拿铁"``), with the expiry overlay if expired."""
        text = self.tree.to_text()
        if self.expired:
            text += f"\n[expired: {self.expired_text}]"
        return text

    def to_data(self) -> dict[str, Any]:
        """The card as nested plain data: component, api, context, expired (the overlay text), relatedPage, tree."""
        return serialize.card(self, number=False, api=True)

    # ---- interaction ---------------------------------------------------------------------------
    def tap(
        self,
        selector: str | None = None,
        *,
        text: str | None = None,
        index: int = 0,
        node: CardNode | None = None,
        strict: bool = False,
    ) -> TapResult:
        """Tap a node (by selector, text or node) and return what the card did.

        The tap bubbles from the target up to the root through every node bound with ``bindtap``;
        a ``catchtap`` stops it. With ``strict`` an error finding (e.g. an upstream message naming
        an unknown API) raises :class:`CardError` instead of only being reported.
        """
        self._host.check_tappable(self)
        target = self._target(selector, text, index, node)
        return self._host.tap(self, target, strict=strict)

    def image_load(self, selector: str = "image", *, index: int = 0, width: int = 320, height: int = 240) -> TapResult:
        """Fire an image's ``load`` event (``bindload``) with ``detail: {width, height}``."""
        self._host.check_tappable(self)
        target = self._target(selector, None, index, None)
        return self._host.tap(self, target, strict=False, event="load", detail={"width": width, "height": height})

    def image_error(self, selector: str = "image", *, index: int = 0, err_msg: str = "error: image load failed") -> TapResult:
        """Fire an image's ``error`` event (``binderror``) with ``detail: {errMsg}``."""
        self._host.check_tappable(self)
        target = self._target(selector, None, index, None)
        return self._host.tap(self, target, strict=False, event="error", detail={"errMsg": err_msg})

    def _target(self, selector: str | None, text: str | None, index: int, node: CardNode | None) -> CardNode:
        given = sum(x is not None for x in (selector, text, node))
        if given != 1:
            raise WxReplayError(
                "tap() takes exactly one of: a selector, text=..., node=...",
                hint='e.g. card.tap(".tile", index=1) or card.tap(text="拿铁")',
            )
        tree = self.tree
        if node is not None:
            if any(n is node for n in tree.iter()):
                return node
            try:
                return tree.at(node.path)
            except IndexError:
                raise CardError(
                    f"the node {node.label()} is not in the card's current tree",
                    component=self.component_path,
                    api=self.api,
                    hint="find it again after the card re-rendered",
                ) from None
        if text is not None:
            return tree.find_text(text, index=index)
        assert selector is not None
        return tree.find(selector, index)

    # ---- pictures ------------------------------------------------------------------------------
    def html(self, *, dark: bool = False) -> str:
        """The card as a standalone HTML page, styled with its index.wxss at the device width."""
        from wxreplay.cards.html import render_html

        width = self._host.window_width()
        return render_html(
            self.tree.children,
            self.wxss,
            file=self.wxml_file.removesuffix(".wxml") + ".wxss",
            device_width=width,
            dark=dark,
            title=f"{self.api} · {self.component_path}",
            expired_text=self.expired_text,
        )

    def png(self, path: str | Path, *, dark: bool = False, height: int | None = None) -> Path:
        """A screenshot of :meth:`html` taken with headless Chromium (if installed)."""
        from wxreplay.cards.browser import screenshot

        width = self._host.window_width()
        out = Path(path)
        screenshot(self.html(dark=dark), out, width=width, height=height if height is not None else width)
        return out

    def overflow(self, *, dark: bool = False) -> OverflowReport:
        """Lay the card out in headless Chromium and deliver the platform's ``Overflow`` notification.

        The card's ``NotificationType.Overflow`` listeners get ``{ contentHeight, overflowHeight,
        maxHeight }`` (px; ``overflowHeight`` > 0 means the host clips the card) and may re-render.
        """
        from wxreplay.cards.browser import measure_overflow

        report = measure_overflow(self.html(dark=dark))
        self._host.notify(
            self,
            "overflow",
            {
                "contentHeight": report.content_height,
                "overflowHeight": report.overflow_height,
                "maxHeight": report.max_height,
            },
        )
        return report

    # ---- recording (called by the session) -----------------------------------------------------
    def _push(self, tree: CardNode, cause: Cause, at_ms: int) -> None:
        self.history.append(TreeVersion(cause, tree, at_ms))


# ---- checks of what cards send ------------------------------------------------------------------


def check_follow_up(content: Any, skill: Skill, *, component: str) -> list[Finding]:
    """Findings for a ``sendFollowUpMessage`` content array (spec 5.3)."""
    found: list[Finding] = []

    def err(code: str, msg: str) -> None:
        found.append(Finding(code, f"{component}: sendFollowUpMessage: {msg}", level="error", context="card"))

    if not isinstance(content, list) or not content:
        shown = json.dumps(content, ensure_ascii=False)[:80]
        err("follow-up-content", f"content must be a non-empty array of blocks, got {shown}")
        return found
    seen_text = False
    for i, block in enumerate(content):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            if not isinstance(block.get("text"), str) or not block["text"].strip():
                err("follow-up-text", f"content[{i}] is a text block with no text")
            seen_text = True
        elif kind == "api/call":
            data = block.get("data")
            if not seen_text:
                err(
                    "follow-up-order",
                    f"content[{i}] is an api/call block with no text block before it; "
                    "write what the user means first, e.g. { type: 'text', text: '我想看看拿铁' }",
                )
            if not isinstance(data, dict) or not isinstance(data.get("name"), str):
                err("follow-up-api", f"content[{i}] api/call needs data: {{ name, arguments }}")
                continue
            name = data["name"]
            names = skill.api_names()
            if name not in names:
                close = did_you_mean(name, names)
                err(
                    "follow-up-unknown-api",
                    f"content[{i}] calls {name!r}, which mcp.json does not declare"
                    + (f" (did you mean {close!r}?)" if close else f" (declared: {', '.join(names) or 'none'})"),
                )
                continue
            args = data.get("arguments", {})
            try:
                validate_arguments(skill.api(name), {} if args is None else args)
            except ArgumentsError as e:
                err("follow-up-arguments", f"content[{i}] api/call {e.message}")
        else:
            err(
                "follow-up-block",
                f"content[{i}] has type {json.dumps(kind, ensure_ascii=False)}; a card may send only text and api/call blocks",
            )
    return found


def check_model_update(content: Any, *, component: str, in_tap: bool) -> list[Finding]:
    """Findings for an ``updateModelContext`` call (spec 5.3: tap handlers only, non-empty text)."""
    found: list[Finding] = []
    if not in_tap:
        found.append(
            Finding(
                "model-context-outside-tap",
                f"{component}: updateModelContext was called outside a tap handler "
                "(from a lifetime, a notification, async code or a timer); the client accepts it only "
                "synchronously inside a tap handler",
                level="error",
                context="card",
            )
        )
    texts = text_blocks(content)
    only_text = isinstance(content, list) and bool(content) and len(texts) == len(content)
    if not only_text or not all(t.strip() for t in texts):
        found.append(
            Finding(
                "model-context-content",
                f"{component}: updateModelContext needs a non-empty content array of text blocks with non-empty text",
                level="error",
                context="card",
            )
        )
    return found


def tappable_nearest(tree: CardNode, near: CardNode | None = None) -> list[CardNode]:
    """Every node of ``tree`` bound to ``tap``, nearest to ``near`` first (in the tree), else in document order."""

    def depth_path(n: CardNode) -> list[CardNode]:
        chain = []
        p: CardNode | None = n
        while p is not None:
            chain.append(p)
            p = p.parent
        return chain

    near_chain = depth_path(near) if near is not None else []

    def distance(n: CardNode) -> int:
        chain = depth_path(n)
        for i, anc in enumerate(chain):
            for j, other in enumerate(near_chain):
                if anc is other:
                    return i + j
        return 1 << 30

    nodes = [n for n in tree.iter() if n.tag not in (ROOT_TAG, TEXT_TAG) and "tap" in n.events]
    if near is None:
        return nodes
    return [n for _, n in sorted(enumerate(nodes), key=lambda t: (distance(t[1]), t[0]))]


def tappable_nodes(tree: CardNode, near: CardNode, limit: int = 8) -> str:
    """The nodes of ``tree`` bound to ``tap``, nearest to ``near`` first, as lines to paste into a test."""
    nodes = tappable_nearest(tree, near)
    if not nodes:
        return "  (no node of this card is bound to tap)"
    lines = []
    for n in nodes[:limit]:
        sel = n.selector()
        same = tree.find_all(sel)
        idx = next(i for i, m in enumerate(same) if m is n)
        text = n.texts().strip()
        text = text if len(text) <= 24 else text[:23] + "…"
        call = f'card.tap("{sel}"' + (f", index={idx}" if idx else "") + ")"
        shown = f"  — {json.dumps(text, ensure_ascii=False)}" if text and f'"{text}"' not in n.label() else ""
        lines.append(f"  {n.label()}{shown}  → {call}")
    if len(nodes) > limit:
        lines.append(f"  ... ({len(nodes) - limit} more)")
    return "\n".join(lines)


def no_handler_error(card: Card, target: CardNode) -> UnhandledTapError:
    """The error of a tap on ``target`` that nothing handles, listing the tappable nodes nearby."""
    return UnhandledTapError(
        f"nothing handles a tap on {target.label()} (line {target.line}): neither it nor any node above it is bound "
        f"with bindtap/catchtap. Tappable nodes nearby:\n{tappable_nodes(card.tree, target)}",
        component=card.component_path,
        api=card.api,
        file=card.wxml_file,
        line=target.line,
        hint='tap one of the nodes listed, or bind the handler in the WXML: bindtap="onTap"',
        target=target,
    )

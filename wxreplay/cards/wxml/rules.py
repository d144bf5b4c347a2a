"""Card WXML rules (platform-spec 5.2 and 9 rule 44) as reusable checks over a parsed ``Document``.

Each check returns a list of :class:`~wxreplay.diagnostic.Diagnostic` in document order; nothing raises here. The compiler
raises the first ``error`` violation; a linter can report all of them, warnings included.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wxreplay.cards.wxml.parser import Attr, Document, Element
from wxreplay.diagnostic import Diagnostic, Level

ALLOWED_TAGS = frozenset(
    ("view", "text", "map", "button", "image", "canvas", "scroll-view", "collapsible-view",
     "block", "template", "import", "include", "wxs", "slot")
)  # fmt: skip
EVENT_ATTR = re.compile(r"^(bind|catch|capture-bind|capture-catch|mut-bind)(:?)(.*)$")
ALLOWED_EVENTS: dict[str, frozenset[str]] = {"*": frozenset({"tap"}), "image": frozenset({"tap", "load", "error"})}


def _at(
    el: Element, rule: str, message: str, *, attr: Attr | None = None, level: Level = "error", hint: str | None = None
) -> Diagnostic:
    line, col = (attr.line, attr.column) if attr else (el.line, el.column)
    return Diagnostic(rule, message, level, el.source.path, line, col, hint)


def event_of(name: str) -> tuple[str, str] | None:
    """``("bind"|"catch"|..., event)`` for an event attribute name (``bindtap``, ``catch:tap``), else None."""
    m = EVENT_ATTR.match(name)
    return (m.group(1), m.group(3)) if m else None


def check_tags(doc: Document) -> list[Diagnostic]:
    """Only the spec 5.2 whitelist of built-in components (custom components included: not allowed)."""
    return [
        _at(el, "card-tag", f"tag <{el.tag}> is not allowed in cards (spec 5.2)",
            hint="cards may use only " + ", ".join(sorted(ALLOWED_TAGS)))
        for el in doc.elements()
        if el.tag not in ALLOWED_TAGS
    ]  # fmt: skip


def check_button_open_type(doc: Document) -> list[Diagnostic]:
    """``<button open-type>`` is not allowed at all in cards."""
    out = []
    for el in doc.elements():
        a = el.attr("open-type")
        if el.tag == "button" and a is not None:
            out.append(
                _at(
                    el,
                    "card-button-open-type",
                    "open-type on <button> is not allowed in cards (spec 5.2)",
                    attr=a,
                    hint="use bindtap and do the work in the component's JS",
                )
            )
    return out


def check_scroll_view(doc: Document) -> list[Diagnostic]:
    """``<scroll-view>`` scrolls horizontally only: ``scroll-x`` required, ``scroll-y`` forbidden."""
    out = []
    for el in doc.elements():
        if el.tag != "scroll-view":
            continue
        y = el.attr("scroll-y")
        if y is not None:
            out.append(
                _at(
                    el,
                    "card-scroll-view",
                    "scroll-view with scroll-y is not allowed in cards: vertical scrolling is not possible (spec 5.2)",
                    attr=y,
                    hint="use scroll-x only",
                )
            )
        elif not el.has("scroll-x"):
            out.append(
                _at(
                    el,
                    "card-scroll-view",
                    "scroll-view in a card needs scroll-x: only horizontal scrolling is allowed (spec 5.2)",
                    hint='add scroll-x="{{true}}"',
                )
            )
    return out


def check_events(doc: Document) -> list[Diagnostic]:
    """Only ``tap`` (``bind``/``catch``), plus ``load``/``error`` on ``<image>``."""
    out = []
    for el in doc.elements():
        allowed = ALLOWED_EVENTS.get(el.tag, ALLOWED_EVENTS["*"])
        for a in el.attrs:
            ev = event_of(a.name)
            if ev is None:
                continue
            prefix, name = ev
            if name not in allowed:
                what = "tap and <image> load/error" if el.tag != "image" else "tap, load and error"
                out.append(
                    _at(
                        el,
                        "card-event",
                        f"event {name or '(none)'!r} ({a.name}) on <{el.tag}> is not allowed in cards: only {what} (spec 5.2)",
                        attr=a,
                        hint="cards have no touch, longpress, input or scroll events; use bindtap",
                    )
                )
            elif prefix not in ("bind", "catch"):
                out.append(
                    _at(el, "card-event", f"{prefix}:{name} is not supported in cards: use bind{name} or catch{name}", attr=a)
                )
    return out


def check_image_src(doc: Document) -> list[Diagnostic]:
    """Warning: a static ``<image src>`` should be a network .png/.jpg URL (spec 5.2)."""
    out = []
    for el in doc.elements():
        a = el.attr("src")
        if el.tag != "image" or a is None or a.value is None or "{{" in a.value:
            continue
        url = a.value.strip()
        path = url.split("?", 1)[0].split("#", 1)[0].lower()
        if not re.match(r"https?://", url):
            out.append(
                _at(
                    el,
                    "card-image-src",
                    f"<image src={url!r}>: cards load network images only (spec 5.2)",
                    attr=a,
                    level="warning",
                )
            )
        elif not path.endswith((".png", ".jpg", ".jpeg")):
            out.append(
                _at(
                    el,
                    "card-image-src",
                    f"<image src={url!r}>: cards show png/jpg images only (spec 5.2)",
                    attr=a,
                    level="warning",
                )
            )
    return out


def check_text_user_select(doc: Document) -> list[Diagnostic]:
    """Warning: ``<text user-select>`` is not supported in cards."""
    return [
        _at(el, "card-text-user-select", "user-select on <text> is not supported in cards (spec 5.2)",
            attr=el.attr("user-select"), level="warning")
        for el in doc.elements()
        if el.tag == "text" and el.has("user-select")
    ]  # fmt: skip


def check_canvas_type(doc: Document) -> list[Diagnostic]:
    """Warning: cards support ``<canvas type="2d">`` only."""
    out = []
    for el in doc.elements():
        a = el.attr("type")
        if el.tag == "canvas" and (a is None or (a.value != "2d" and "{{" not in (a.value or ""))):
            out.append(_at(el, "card-canvas-type", 'cards support <canvas type="2d"> only (spec 5.2)', attr=a, level="warning"))
    return out


Check = Callable[[Document], list[Diagnostic]]
ERROR_CHECKS: tuple[Check, ...] = (check_tags, check_button_open_type, check_scroll_view, check_events)
WARNING_CHECKS: tuple[Check, ...] = (check_image_src, check_text_user_select, check_canvas_type)


def check_card_rules(doc: Document, *, warnings: bool = False) -> list[Diagnostic]:
    """All violations of ``doc`` sorted by position (errors only unless ``warnings``)."""
    checks = ERROR_CHECKS + (WARNING_CHECKS if warnings else ())
    found = [v for check in checks for v in check(doc)]
    return sorted(found, key=lambda v: (v.line, v.column))

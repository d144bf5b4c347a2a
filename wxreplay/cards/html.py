"""Render a card tree to a standalone HTML page, so people can look at a card in any browser.

The page emulates the card host: a box ``device_width`` px wide whose height follows the platform's
rules (at least width/4, at most width; content beyond the maximum is clipped by the host with
``overflow: hidden``). The card's WXSS becomes browser CSS with everything resolved up front so the
page looks the same in every browser and on every OS:

* ``rpx`` → px at the device width (``rpx * device_width / 750``) and ``vw`` → px (the card's vw is the
  screen width, not the viewer's window); ``calc()`` is left to the browser after that;
* ``env(safe-area-inset-*)`` → the card's values (all ``0px``: a card sits inside the chat, away from
  the screen edges, so the device's 34 px bottom inset does not apply);
* ``@media`` is evaluated here for the simulated device and the colour scheme (``dark``): matching
  rules are kept (unwrapped), the others dropped, so the viewer's OS setting does not matter;
* selectors and declarations the card engine does not support are left out (with a CSS comment),
  so the page shows what the card shows; ``-wx-line-clamp`` and ``text-overflow: ellipsis`` are
  emulated with the browser's equivalents.

WXML tags map to HTML (view → div, text → span, image → img with ``mode`` → ``object-fit``,
button → button, scroll-view → a horizontally scrolling div, map/canvas → a labelled placeholder);
each element keeps its id and classes and carries ``data-wx-tag``, which tag selectors are rewritten to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Protocol

import tinycss2  # type: ignore[import-untyped]

from wxreplay.cards.wxss import Declaration, media_matches, parse_style_attribute, parse_wxss

DEFAULT_DEVICE_WIDTH = 393
DEFAULT_DEVICE_HEIGHT = 852
CARD_SAFE_AREA: Mapping[str, float] = {
    "safe-area-inset-left": 0.0,
    "safe-area-inset-top": 0.0,
    "safe-area-inset-right": 0.0,
    "safe-area-inset-bottom": 0.0,
}

CARD_ID = "wxr-card"
CONTENT_ID = "wxr-card-content"
EXPIRED_ID = "wxr-expired"

_TAGS = {
    "view": "div",
    "text": "span",
    "image": "img",
    "button": "button",
    "scroll-view": "div",
    "collapsible-view": "div",
    "map": "div",
    "canvas": "div",
    "block": "div",
    "template": "div",
}
_PLACEHOLDERS = frozenset({"map", "canvas"})

# image mode -> inline CSS (the mini program's image modes)
_IMAGE_MODES = {
    "scaleToFill": "object-fit: fill",
    "aspectFit": "object-fit: contain",
    "aspectFill": "object-fit: cover",
    "widthFix": "height: auto",
    "heightFix": "width: auto",
    "top": "object-fit: none; object-position: center top",
    "bottom": "object-fit: none; object-position: center bottom",
    "center": "object-fit: none; object-position: center",
    "left": "object-fit: none; object-position: left center",
    "right": "object-fit: none; object-position: right center",
    "top left": "object-fit: none; object-position: left top",
    "top right": "object-fit: none; object-position: right top",
    "bottom left": "object-fit: none; object-position: left bottom",
    "bottom right": "object-fit: none; object-position: right bottom",
}

# The components' default styles; :where() keeps them at zero specificity so any WXSS rule wins.
_BASE_CSS = """\
html, body { margin: 0; padding: 0; }
body { background: %(page_bg)s; }
#%(card)s { position: relative; width: %(width)spx; min-height: %(min_h)spx; max-height: %(max_h)spx;
  overflow: hidden; color: #000000; font-size: 16px;
  font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
#%(content)s { display: flow-root; }
:where([data-wx-tag="view"], [data-wx-tag="collapsible-view"]) { display: block; }
:where([data-wx-tag="block"], [data-wx-tag="template"]) { display: contents; }
:where([data-wx-tag="text"]) { display: inline; }
:where([data-wx-tag="image"]) { display: inline-block; width: 320px; height: 240px; overflow: hidden; object-fit: fill; }
:where([data-wx-tag="button"]) { display: block; position: relative; box-sizing: border-box; margin: 0 auto;
  padding: 0 14px; border: 0; border-radius: 5px; background-color: #f8f8f8; color: #000000; font: inherit;
  font-size: 18px; line-height: 2.55555556; text-align: center; overflow: hidden; }
:where([data-wx-tag="scroll-view"]) { display: block; overflow: hidden; }
:where([data-wx-tag="scroll-view"][data-wx-scroll-x]) { overflow-x: auto; overflow-y: hidden; scrollbar-width: none; }
:where([data-wx-tag="map"], [data-wx-tag="canvas"]) { display: block; position: relative; width: 300px; height: 150px;
  box-sizing: border-box; border: 1px dashed #b0b0b0; background-color: #eef0f2; }
:where([data-wxr-placeholder]) { position: absolute; left: 0; right: 0; top: 50%%; transform: translateY(-50%%);
  text-align: center; font-size: 12px; color: #8c8c8c; }
#%(expired)s { position: absolute; left: 0; top: 0; right: 0; bottom: 0; display: flex; align-items: center;
  justify-content: center; background-color: %(expired_bg)s; color: %(expired_fg)s; font-size: 15px; }
"""


class CardNodeLike(Protocol):
    """The shape of :class:`wxreplay.cards.tree.CardNode` this module reads."""

    @property
    def tag(self) -> str: ...
    @property
    def id(self) -> str | None: ...
    @property
    def classes(self) -> tuple[str, ...]: ...
    @property
    def attrs(self) -> Mapping[str, Any]: ...
    @property
    def dataset(self) -> Mapping[str, Any]: ...
    @property
    def events(self) -> Mapping[str, Any]: ...
    @property
    def text(self) -> str | None: ...
    @property
    def children(self) -> Sequence[CardNodeLike]: ...


def card_heights(device_width: float) -> tuple[float, float]:
    """The card's (min, max) height in px for a screen ``device_width`` px wide: 4:1 to 1:1."""
    return device_width / 4, float(device_width)


def render_html(
    root_nodes: Sequence[CardNodeLike],
    wxss: str,
    *,
    file: str,
    device_width: int = DEFAULT_DEVICE_WIDTH,
    dark: bool = False,
    title: str = "",
    expired_text: str | None = None,
    device_height: int = DEFAULT_DEVICE_HEIGHT,
) -> str:
    """A standalone HTML document showing the card ``root_nodes`` styled by ``wxss`` (from ``file``).

    ``dark`` emulates ``prefers-color-scheme: dark``; ``expired_text`` (when not None) covers the card
    with the expired overlay. ``device_height`` only matters for ``@media`` height/orientation queries.
    """
    min_h, max_h = card_heights(device_width)
    css = _BASE_CSS % {
        "page_bg": "#111111" if dark else "#ededed",
        "card": CARD_ID,
        "content": CONTENT_ID,
        "expired": EXPIRED_ID,
        "width": _num(device_width),
        "min_h": _num(min_h),
        "max_h": _num(max_h),
        "expired_bg": "rgba(17, 17, 17, 0.72)" if dark else "rgba(255, 255, 255, 0.78)",
        "expired_fg": "#a6a6a6" if dark else "#737373",
    }
    css += stylesheet_css(wxss, file=file, device_width=device_width, device_height=device_height, dark=dark)

    body: list[str] = []
    for node in root_nodes:
        _render_node(node, body, device_width)
    overlay = ""
    if expired_text is not None:
        overlay = f'<div id="{EXPIRED_ID}" role="status"><span>{escape(expired_text, quote=False)}</span></div>'
    scheme = "dark" if dark else "light"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width={device_width}">\n'
        f'<meta name="generator" content="wxreplay">\n'
        f"<title>{escape(title or file, quote=False)}</title>\n"
        f"<style>\n{_in_style_element(css)}</style>\n</head>\n<body>\n"
        f'<div id="{CARD_ID}" data-file="{escape(file)}" data-color-scheme="{scheme}" '
        f'data-card-width="{device_width}" data-card-min-height="{_num(min_h)}" data-card-max-height="{_num(max_h)}"'
        f"{' data-expired' if expired_text is not None else ''}>"
        f'<div id="{CONTENT_ID}">{"".join(body)}</div>{overlay}</div>\n'
        "</body>\n</html>\n"
    )


# ---- CSS ----------------------------------------------------------------------------------------


def stylesheet_css(
    wxss: str,
    *,
    file: str,
    device_width: int = DEFAULT_DEVICE_WIDTH,
    device_height: int = DEFAULT_DEVICE_HEIGHT,
    dark: bool = False,
) -> str:
    """Browser CSS for the card WXSS ``wxss``, scoped to the card container (see the module docs)."""
    sheet = parse_wxss(wxss, file)
    out: list[str] = []
    for face in sheet.font_faces:
        if media_matches(face.media, width=device_width, height=device_height, dark=dark):
            body = "; ".join(f"{d.name}: {css_value(d.value, device_width)}" for d in face.declarations if d.supported)
            out.append(f"@font-face {{ {body}; }}\n")
    for rule in sheet.rules:
        if not media_matches(rule.media, width=device_width, height=device_height, dark=dark):
            continue
        selectors = [
            _scoped_selector(toks) for toks, ok in zip(rule.selector_tokens, rule.supported_selectors, strict=True) if ok
        ]
        where = f"{file}:{rule.line}"
        dropped = [s for s, ok in zip(rule.selectors, rule.supported_selectors, strict=True) if not ok]
        if dropped:
            out.append(_comment(f"{where}: dropped selector(s) cards do not support: {', '.join(dropped)}"))
        if not selectors:
            continue
        body_parts: list[str] = []
        for d in rule.declarations:
            if not d.supported:
                body_parts.append(_comment(f"dropped {d.name}: {d.value_text} (line {d.line}: not supported in cards)"))
                continue
            body_parts.extend(_declaration_css(d, device_width))
        out.append(_comment(where) + ",\n".join(selectors) + " {\n" + "".join(f"  {p}\n" for p in body_parts) + "}\n")
    return "".join(out)


def _in_style_element(css: str) -> str:
    """``css`` safe inside ``<style>``: no ``</`` can end the element early (``</style><script>`` in a font name
    or in a dropped value kept as a comment). ``<\\/`` is the same text to CSS (an escaped slash)."""
    return css.replace("</", "<\\/")


def _comment(text: str) -> str:
    return "/* " + text.replace("*/", "* /") + " */\n"


def _declaration_css(d: Declaration, device_width: float) -> list[str]:
    value = css_value(d.value, device_width)
    imp = " !important" if d.important else ""
    if d.name == "-wx-line-clamp":
        return [
            f"display: -webkit-box{imp};",
            f"-webkit-box-orient: vertical{imp};",
            f"-webkit-line-clamp: {value}{imp};",
            f"overflow: hidden{imp}; /* emulates -wx-line-clamp */",
        ]
    out = [f"{d.name}: {value}{imp};"]
    if d.name == "text-overflow":
        out.append("overflow: hidden; /* the card engine clips ellipsis text itself */")
    return out


def _scoped_selector(tokens: Iterable[Any]) -> str:
    parts: list[str] = []
    for t in tokens:
        if t.type in ("whitespace", "comment"):
            if parts and parts[-1] != " ":
                parts.append(" ")
        elif t.type == "ident" and (not parts or parts[-1] != "."):
            parts.append(f'[data-wx-tag="{t.lower_value}"]')
        else:
            parts.append(tinycss2.serialize([t]))
    return f"#{CONTENT_ID} " + "".join(parts).strip()


def css_value(tokens: Iterable[Any], device_width: float) -> str:
    """Serialise declaration tokens with rpx/vw turned into px and env(safe-area-inset-*) resolved."""
    return "".join(_value_parts(tokens, device_width)).strip()


def _value_parts(tokens: Iterable[Any], device_width: float) -> Iterable[str]:
    for t in tokens:
        if t.type == "dimension" and t.lower_unit in ("rpx", "vw"):
            factor = device_width / 750 if t.lower_unit == "rpx" else device_width / 100
            yield _num(float(t.value) * factor) + "px"
        elif t.type == "function" and t.lower_name == "env":
            names = [a for a in t.arguments if a.type == "ident"]
            if names and names[0].value in CARD_SAFE_AREA:
                yield _num(CARD_SAFE_AREA[names[0].value]) + "px"
            else:
                yield tinycss2.serialize([t])
        elif t.type == "function":
            yield f"{tinycss2.serialize_identifier(t.name)}(" + "".join(_value_parts(t.arguments, device_width)) + ")"
        elif t.type == "() block":
            yield "(" + "".join(_value_parts(t.content, device_width)) + ")"
        elif t.type == "[] block":
            yield "[" + "".join(_value_parts(t.content, device_width)) + "]"
        elif t.type == "comment":
            continue
        else:
            yield tinycss2.serialize([t])


def _num(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def inline_style_css(style: str, device_width: float) -> str:
    """An inline ``style`` attribute value with rpx/vw/env resolved and unsupported declarations dropped."""
    parts: list[str] = []
    for d in parse_style_attribute(style):
        if d.supported:
            parts.extend(p.split(" /*")[0] for p in _declaration_css(d, device_width))
    return " ".join(parts)


# ---- elements -------------------------------------------------------------------------------------


def _truthy(v: Any) -> bool:
    """A boolean attribute as the client reads it: JS truthiness, so ``hidden="false"`` (the string) is true.

    Platform spec addendum A1: ``checked="false"`` is the string "false"; only ``{{false}}`` is false.
    """
    if v is None or v is False or v == "":
        return False
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v == v and v != 0  # NaN and 0 are falsy
    return True


def _render_node(node: CardNodeLike, out: list[str], device_width: float) -> None:
    tag = node.tag
    if tag == "#text":
        out.append(escape(node.text or "", quote=False))
        return
    if tag == "#card":
        for child in node.children:
            _render_node(child, out, device_width)
        return
    html_tag = _TAGS.get(tag, "div")
    attrs = node.attrs
    styles: list[str] = []
    extra: list[tuple[str, str | None]] = []

    if tag == "image":
        mode = str(attrs.get("mode") or "scaleToFill")
        styles.append(_IMAGE_MODES.get(mode, _IMAGE_MODES["scaleToFill"]) + ";")
        extra.append(("data-mode", mode))
        src = attrs.get("src")
        if isinstance(src, str) and src:
            extra.append(("src", src))
        extra.append(("alt", ""))
    elif tag == "button":
        extra.append(("type", "button"))
    elif tag == "scroll-view" and _truthy(attrs.get("scroll-x")):
        extra.append(("data-wx-scroll-x", None))
    hover = attrs.get("hover-class")
    if isinstance(hover, str) and hover and hover != "none":
        extra.append(("data-hover-class", hover))
    style = attrs.get("style")
    if isinstance(style, str) and style.strip():
        styles.append(inline_style_css(style, device_width))
    if _truthy(attrs.get("hidden")):
        styles.append("display: none;")

    parts = [html_tag, f'data-wx-tag="{escape(tag)}"']
    if node.id:
        parts.append(f'id="{escape(node.id)}"')
    if node.classes:
        parts.append(f'class="{escape(" ".join(node.classes))}"')
    for name, value in extra:
        parts.append(name if value is None else f'{name}="{escape(value)}"')
    for key in sorted(node.dataset):
        attr = "data-" + re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), str(key))
        if re.fullmatch(r"data-[a-z0-9_.-]+", attr) and not attr.startswith(("data-wx-", "data-wxr-")):
            parts.append(f'{attr}="{escape(_attr_text(node.dataset[key]))}"')
    if node.events:
        on = " ".join(f"{name}:{_handler(b)}" for name, b in sorted(node.events.items()))
        parts.append(f'data-wx-on="{escape(on)}"')
    style_text = " ".join(s for s in styles if s)
    if style_text:
        parts.append(f'style="{escape(style_text)}"')
    out.append("<" + " ".join(parts) + ">")
    if html_tag == "img":
        return
    if tag in _PLACEHOLDERS:
        label = tag + (f"#{node.id}" if node.id else "")
        out.append(f"<span data-wxr-placeholder>{escape(label, quote=False)}</span>")
    for child in node.children:
        _render_node(child, out, device_width)
    out.append(f"</{html_tag}>")


def _attr_text(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _handler(binding: Any) -> str:
    handler = getattr(binding, "handler", binding)
    return ("catch:" if getattr(binding, "catch", False) else "") + str(handler)

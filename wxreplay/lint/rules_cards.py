"""Card markup and style rules (platform-spec 5.2, 9.3.43-45, 10), through the card runtime's WXML and WXSS parsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import cast

from wxreplay.cards.wxml import Document
from wxreplay.cards.wxml.expr import Call, ExprError, Member, Name, parse_expression
from wxreplay.cards.wxml.parser import Element, Text, find_interpolation_end
from wxreplay.cards.wxml.rules import (
    check_button_open_type,
    check_canvas_type,
    check_events,
    check_image_src,
    check_scroll_view,
    check_tags,
    check_text_user_select,
)
from wxreplay.cards.wxss import StyleSheet, check_and_parse_wxss, check_style_attribute
from wxreplay.diagnostic import Diagnostic
from wxreplay.lint.cardfiles import cards, parsed_wxml
from wxreplay.lint.context import LintContext
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule


def _documents(ctx: LintContext) -> Iterator[Document]:
    for card in cards(ctx):
        doc = parsed_wxml(ctx, card)
        if isinstance(doc, Document):
            yield doc


def _from_diagnostics(ctx: LintContext, rule_id: str, check: Callable[[Document], list[Diagnostic]]) -> Iterator[LintFinding]:
    for doc in _documents(ctx):
        for d in check(doc):
            yield ctx.finding(rule_id, d.message, file=d.file, line=d.line, column=d.column, hint=d.hint)


@rule(
    "WXR317",
    "error",
    "the card's WXML parses",
    "Malformed markup (an unclosed tag, a bad attribute) stops the card from rendering at all.",
    spec="5.1",
)
def wxml_parses(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        doc = parsed_wxml(ctx, card)
        if doc is not None and not isinstance(doc, Document):
            yield ctx.finding("WXR317", doc.reason, file=doc.file, line=doc.line, column=doc.column, hint=doc.hint)


@rule(
    "WXR308",
    "error",
    "cards use only the whitelisted tags",
    "view, text, map, button, image, canvas, scroll-view, collapsible-view, block and template (plus import, include, "
    "wxs, slot); swiper, input, form, navigator, web-view, rich-text and custom components are not rendered.",
    vid="V003",
    spec="5.2, 9.3.44",
)
def card_tags(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR308", check_tags)


@rule(
    "WXR309",
    "error",
    "no open-type on a card's button",
    "Card buttons have no open-type at all; do the work in a tap handler.",
    vid="V003",
    spec="5.2, 9.3.44",
)
def button_open_type(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR309", check_button_open_type)


@rule(
    "WXR310",
    "error",
    "scroll-view scrolls horizontally only (scroll-x, never scroll-y)",
    "Cards cannot scroll vertically: a scroll-view needs scroll-x and must not have scroll-y (seen in real packages).",
    vid="V003",
    spec="5.2, 9.3.44, A3",
)
def scroll_view(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR310", check_scroll_view)


@rule(
    "WXR311",
    "error",
    "cards bind only tap (and image load/error)",
    "No touch, longpress, input or scroll events reach a card; capture-/mut- bindings are not supported.",
    vid="V003",
    spec="5.2, 9.3.44",
)
def card_events(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR311", check_events)


@rule(
    "WXR312",
    "warning",
    "card images are network .png/.jpg",
    "A card image must be a network URL of a PNG or JPEG; other formats and local paths do not show.",
    vid="V003",
    spec="5.2, 9.3.44",
)
def image_src(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR312", check_image_src)


@rule(
    "WXR313",
    "warning",
    "no user-select on text, canvas is type 2d",
    "<text user-select> and non-2d canvases are not supported in cards.",
    spec="5.2",
)
def text_and_canvas(ctx: LintContext) -> Iterator[LintFinding]:
    yield from _from_diagnostics(ctx, "WXR313", lambda d: check_text_user_select(d) + check_canvas_type(d))


def interpolations(text: str) -> Iterator[tuple[int, str]]:
    """``(offset of the body, body)`` of each ``{{ }}`` in ``text``."""
    i = text.find("{{")
    while i >= 0:
        end = find_interpolation_end(text, i + 2)
        if end < 0:
            return
        yield i + 2, text[i + 2 : end]
        i = text.find("{{", end + 2)


def doc_expressions(ctx: LintContext, doc: Document) -> list[tuple[Element | None, int, int, object]]:
    """:func:`expressions` of ``doc``, parsed once per lint (two rule families read every binding)."""
    key = ("wxml-expressions", Path(doc.path))
    hit = ctx.cache.get(key)
    if not (isinstance(hit, tuple) and hit[0] is doc):  # the elements are this document's own
        hit = ctx.cache[key] = (doc, list(expressions(doc)))
    return cast(list[tuple[Element | None, int, int, object]], hit[1])


def expressions(doc: Document) -> Iterator[tuple[Element | None, int, int, object]]:
    """Every parsed ``{{ }}`` expression of a document: ``(element, line, column, Expr)`` (unparsable ones skipped)."""
    yield from _expressions(doc, doc.children, None)


def _expressions(
    doc: Document, nodes: list[Element | Text], parent: Element | None
) -> Iterator[tuple[Element | None, int, int, object]]:
    # A module-level function, not a closure calling itself (that is a reference cycle, freed late).
    for node in nodes:
        if isinstance(node, Element):
            if node.tag == "wxs":
                continue
            for a in node.attrs:
                if a.value and "{{" in a.value:
                    for offset, body in interpolations(a.value):
                        expr = _parse(body, object_body=node.tag == "template" and a.name == "data")
                        if expr is not None:
                            line, col = doc.source.position(a.value_offset + offset)
                            yield node, line, col, expr
            yield from _expressions(doc, node.children, node)
        elif "{{" in node.raw:
            for offset, body in interpolations(node.raw):
                expr = _parse(body)
                if expr is not None:
                    line, col = doc.source.position(node.offset + offset)
                    yield parent, line, col, expr


def _parse(body: str, *, object_body: bool = False) -> object | None:
    try:
        return parse_expression(body, object_body=object_body)
    except ExprError:
        return None  # the card runtime reports syntax errors when it compiles; lint looks at what parses


def sub_expressions(e: object) -> Iterator[object]:
    """``e`` and every expression inside it."""
    from wxreplay.cards.wxml.expr import _children

    stack = [e]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(_children(cur))  # type: ignore[arg-type]


def wxs_modules(doc: Document) -> set[str]:
    """The ``<wxs module="m">`` names of a document: calls into them are allowed."""
    return {a.value for el in doc.elements() if el.tag == "wxs" for a in el.attrs if a.name == "module" and a.value}


def _root_name(e: object) -> str | None:
    while isinstance(e, (Member, Call)):
        e = e.obj if isinstance(e, Member) else e.callee
    return e.name if isinstance(e, Name) else None


@rule(
    "WXR314",
    "warning",
    "no method calls inside WXML data bindings",
    "{{ }} supports paths, operators, ternaries and literals, not calls: item.tags.slice(0, 2) or ids.indexOf(x) give "
    "undefined on the client (the card shows nothing there). Compute the value in JS and setData it, or use a <wxs> module.",
    spec="5.2, A1",
)
def wxml_calls(ctx: LintContext) -> Iterator[LintFinding]:
    for doc in _documents(ctx):
        for line, column, callee in ctx.per_text("wxml-calls", doc.source.text, lambda: _calls(ctx, doc)):  # noqa: B023
            yield ctx.finding(
                "WXR314",
                f"{callee}(...) is a method call in a data binding: the client renders undefined",
                file=doc.path,
                line=line,
                column=column,
                hint="compute it in the component's JS and setData the result (or call a <wxs> module function)",
            )


def _calls(ctx: LintContext, doc: Document) -> list[tuple[int, int, str]]:
    """``(line, column, callee)`` of each method call in the document's bindings (not into a ``<wxs>`` module)."""
    modules = wxs_modules(doc)
    return [
        (line, column, sub.callee_text)
        for _, line, column, expr in doc_expressions(ctx, doc)
        for sub in sub_expressions(expr)
        if isinstance(sub, Call) and _root_name(sub.callee) not in modules
    ]


@rule(
    "WXR307",
    "warning",
    "interactive card elements have bindtap and a hover-class",
    "A button without a tap handler is a dead button; an element with a tap handler needs a hover-class so the user "
    "sees the tap land.",
    spec="9.3.43",
)
def interactive(ctx: LintContext) -> Iterator[LintFinding]:
    for doc in _documents(ctx):
        for el in doc.elements():
            tap = any(a.name in ("bindtap", "catchtap", "bind:tap", "catch:tap") for a in el.attrs)
            if el.tag == "button" and not tap:
                yield ctx.finding(
                    "WXR307",
                    "<button> without bindtap: a dead button",
                    file=doc.path,
                    line=el.line,
                    column=el.column,
                    hint='add bindtap="onTap" and handle it in methods',
                )
            elif tap and el.tag != "image" and not el.has("hover-class"):
                yield ctx.finding(
                    "WXR307",
                    f"<{el.tag}> reacts to taps but has no hover-class",
                    file=doc.path,
                    line=el.line,
                    column=el.column,
                    hint='add hover-class="hover" and style .hover in index.wxss',
                )


_ROOT_SIZES = ("height", "min-height", "max-height")


@rule(
    "WXR315",
    "error",
    "the card's root sets no height, min-height or max-height",
    "The card's height is decided at initialisation from its content; a fixed root height breaks the Overflow event.",
    spec="5.2, 9.3.45",
)
def root_height(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        doc = parsed_wxml(ctx, card)
        if not isinstance(doc, Document):
            continue
        roots = [n for n in doc.children if isinstance(n, Element) and n.tag not in ("wxs", "import", "include", "template")]
        if not roots:
            continue
        root = roots[0]
        style = root.attr("style")
        if style is not None and style.value and "{{" not in style.value:
            for name in _ROOT_SIZES:
                if any(part.split(":")[0].strip() == name for part in style.value.split(";")):
                    yield ctx.finding(
                        "WXR315",
                        f"the card's root <{root.tag}> sets {name} inline",
                        file=doc.path,
                        line=style.line,
                        column=style.column,
                        hint=f"remove {name}; let the content decide",
                    )
        selectors = {f".{c}" for a in root.attrs if a.name == "class" and a.value for c in a.value.split() if "{{" not in c}
        selectors |= {f"#{a.value}" for a in root.attrs if a.name == "id" and a.value}
        wxss = card.file("wxss")
        text = ctx.text(wxss) if ctx.is_file(wxss) else None
        if not selectors or text is None:
            continue
        sheet = _sheet(ctx, wxss, text)
        if sheet is None:
            continue  # WXR316 reports why the stylesheet cannot be read
        for r in sheet.rules:
            if r.media or not any(sel.strip() in selectors for sel in r.selectors):
                continue
            for d in r.declarations:
                if d.name in _ROOT_SIZES:
                    yield ctx.finding(
                        "WXR315",
                        f"{d.name} on the card's root ({', '.join(r.selectors)})",
                        file=wxss,
                        line=d.line,
                        column=d.column,
                        hint=f"remove {d.name}; let the content decide",
                    )


def _wxss(ctx: LintContext, path: Path, text: str) -> tuple[list[Diagnostic], StyleSheet | None]:
    """A card stylesheet's checker diagnostics and parsed sheet, from one walk, once per file."""
    return ctx.per_lint("wxss", path, lambda: _wxss_of_text(ctx, text, ctx.label(path)))


def _wxss_of_text(ctx: LintContext, text: str, label: str) -> tuple[list[Diagnostic], StyleSheet | None]:
    """:func:`check_and_parse_wxss` of ``text``, walked once per lint for every stylesheet of that text.

    The walk depends on the text alone; the file label is only stamped on the diagnostics and the
    sheet, so a copy of a stylesheet already walked (a card copied into another skill) gets that
    walk's results under its own label.
    """
    key = ("wxss-text", text)
    first = ctx.text_cache.get(key)
    if first is None:
        first = ctx.text_cache[key] = (label, check_and_parse_wxss(text, label))
    assert isinstance(first, tuple)
    walked_as, (diagnostics, sheet) = first
    if walked_as == label:
        return diagnostics, sheet
    return [replace(d, file=label) for d in diagnostics], None if sheet is None else replace(sheet, file=label)


def _sheet(ctx: LintContext, path: Path, text: str) -> StyleSheet | None:
    return _wxss(ctx, path, text)[1]


def _wxss_diagnostics(ctx: LintContext) -> list[Diagnostic]:
    """The WXSS checker's diagnostics of every card (stylesheets and static style attributes), computed once."""
    return ctx.per_lint("wxss-diagnostics", ctx.root, lambda: list(_check_wxss(ctx)))


def _check_wxss(ctx: LintContext) -> Iterator[Diagnostic]:
    for card in cards(ctx):
        wxss = card.file("wxss")
        text = ctx.text(wxss) if ctx.is_file(wxss) else None
        if text is not None:
            yield from _wxss(ctx, wxss, text)[0]
        doc = parsed_wxml(ctx, card)
        if isinstance(doc, Document):
            for el in doc.elements():
                style = el.attr("style")
                if style is not None and style.value and "{{" not in style.value:
                    yield from check_style_attribute(style.value, doc.path, line=style.line, column=style.column)


@rule(
    "WXR316",
    "error",
    "card WXSS stays inside the supported subset",
    "Cards understand a CSS subset: class/id/tag selectors with descendants, a property whitelist, px/rpx/vw/%/em, "
    "no grid, fixed/sticky, z-index, overflow, animation, CSS variables (V005/V006). Checked by the card runtime's "
    "WXSS checker (tinycss2).",
    vid="V005",
    spec="10",
)
def wxss_subset(ctx: LintContext) -> Iterator[LintFinding]:
    for d in _wxss_diagnostics(ctx):
        if d.level == "error":
            yield ctx.finding("WXR316", f"{d.message} [{d.rule}]", file=d.file, line=d.line, column=d.column, hint=d.hint)


@rule(
    "WXR318",
    "warning",
    "card WXSS avoids what cards render unreliably",
    "rem, position: static, @charset and the other constructs the WXSS checker warns about (V005/V006).",
    vid="V006",
    spec="10",
)
def wxss_warnings(ctx: LintContext) -> Iterator[LintFinding]:
    for d in _wxss_diagnostics(ctx):
        if d.level != "error":
            yield ctx.finding("WXR318", f"{d.message} [{d.rule}]", file=d.file, line=d.line, column=d.column, hint=d.hint)

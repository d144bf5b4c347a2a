"""The card WXSS subset: a checker, and a parsed form for the HTML renderer.

Cards are drawn by WeChat's own card engine, which understands only a subset of CSS (platform spec
section 10): ``.class``/``#id``/``tag`` selectors with descendant combinators, ``@media`` with a few
features, ``@font-face``, the units px/rpx/vw/%/em, ``env(safe-area-inset-*)``, ``calc()`` and a
property whitelist with value restrictions. :func:`check_wxss` reports everything outside the
subset as :class:`Violation` s that name ``file:line:column``, the offending thing and the fix.
:func:`parse_wxss` gives the rules in a form :mod:`wxreplay.cards.html` turns into browser CSS.

The real CSS tokenizer/parser is tinycss2; positions are 1-based lines and columns.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import tinycss2  # type: ignore[import-untyped]

Level = Literal["error", "warning"]

# ---- the subset, as data ----------------------------------------------------------------------

CARD_TAGS = frozenset({"view", "text", "image", "button", "scroll-view", "map", "canvas", "collapsible-view"})

_SIDES = ("top", "right", "bottom", "left")

PROPERTIES: frozenset[str] = frozenset(
    [
        # layout, interaction, colour/visibility
        "display", "position", "box-sizing", "pointer-events", "color", "opacity", "visibility",
        # flex
        "flex-direction", "flex-wrap", "align-items", "align-self", "align-content", "justify-content",
        "flex-grow", "flex-shrink", "flex-basis", "flex", "aspect-ratio",
        # background and mask
        "background", "background-color", "background-image", "background-size", "background-repeat",
        "background-origin", "background-clip", "background-position", "background-position-x",
        "background-position-y",
        "mask", "mask-image", "mask-size", "mask-repeat", "mask-origin", "mask-clip", "mask-position", "mask-mode",
        # size / position
        "width", "height", "min-width", "min-height", "max-width", "max-height", "left", "right", "top", "bottom",
        # spacing
        "padding", "margin",
        *(f"padding-{s}" for s in _SIDES), *(f"margin-{s}" for s in _SIDES),
        # borders and radius
        "border", "border-width", "border-style", "border-color",
        *(f"border-{s}" for s in _SIDES),
        *(f"border-{s}-{p}" for s in _SIDES for p in ("width", "style", "color")),
        "border-radius", *(f"border-{v}-{h}-radius" for v in ("top", "bottom") for h in ("left", "right")),
        # shadow, text, transform
        "box-shadow", "text-shadow",
        "font", "font-size", "line-height", "text-align", "font-weight", "word-break", "white-space", "text-overflow",
        "text-indent", "vertical-align", "letter-spacing", "word-spacing", "font-family", "font-style",
        "-wx-line-clamp",
        "transform", "transform-origin", "filter",
    ]
)

# Properties whose value must be one keyword (or, for multi-value ones, only these keywords).
KEYWORD_VALUES: dict[str, frozenset[str]] = {
    "display": frozenset({"none", "inline", "inline-block", "block", "flex"}),
    "position": frozenset({"relative", "absolute", "static"}),
    "box-sizing": frozenset({"content-box", "padding-box", "border-box"}),
    "pointer-events": frozenset({"auto", "none"}),
    "visibility": frozenset({"visible", "hidden"}),
    "flex-direction": frozenset({"row", "column"}),
    "word-break": frozenset({"break-word", "break-all"}),
    "white-space": frozenset({"normal", "nowrap", "pre", "pre-wrap", "pre-line"}),
    "text-overflow": frozenset({"clip", "ellipsis"}),
    "font-style": frozenset({"normal", "italic"}),
    "mask-mode": frozenset({"alpha"}),
    "border-style": frozenset({"none", "solid"}),
    **{f"border-{s}-style": frozenset({"none", "solid"}) for s in _SIDES},
}
_MULTI_KEYWORD = frozenset({"border-style", "mask-mode"})  # several keywords allowed (sides / layers)

_BORDER_STYLES = frozenset({"none", "hidden", "dotted", "dashed", "solid", "double", "groove", "ridge", "inset", "outset"})

_BANNED_VALUES: dict[tuple[str, str], str] = {
    ("position", "fixed"): "position: fixed is not supported in cards: a card is a box inside the chat; use relative or absolute",
    ("position", "sticky"): "position: sticky is not supported in cards: cards do not scroll; use relative or absolute",
    ("display", "grid"): "display: grid is not supported in cards; use display: flex",
    ("display", "table"): "display: table is not supported in cards; use display: flex",
    ("display", "inline-flex"): "display: inline-flex is not supported in cards; "
    "use display: flex (inside a flex row if it must sit inline)",
    ("display", "-webkit-box"): "display: -webkit-box is not supported in cards; "
    "use display: flex, and -wx-line-clamp to clamp lines",
}

_BANNED_PROPERTIES: dict[str, str] = {
    "z-index": "z-index is not supported in cards: nodes paint in document order; reorder the nodes and remove it",
    "float": "float is not supported in cards; lay out with display: flex instead",
    "clear": "clear is not supported in cards (there is no float); remove it",
    "cursor": "cursor is not supported in cards: cards are touch-only; remove it",
    "text-decoration": "text-decoration is not supported in cards; remove it (draw an underline with border-bottom)",
    "transition": "transition is not supported in cards: cards do not animate; remove it",
    "animation": "animation is not supported in cards: cards do not animate; remove it",
    "overflow": "overflow is not supported in cards: clipping is done by the host; remove it",
    "overflow-x": "overflow-x is not supported in cards: clipping is done by the host; "
    "for horizontal scrolling use <scroll-view scroll-x>; remove it",
    "overflow-y": "overflow-y is not supported in cards: cards cannot scroll vertically and the host clips content "
    "beyond the maximum height; remove it",
    "gap": "gap is not supported in cards; space the items with margin instead",
    "row-gap": "row-gap is not supported in cards; space the rows with margin instead",
    "column-gap": "column-gap is not supported in cards; space the columns with margin instead",
    "-webkit-line-clamp": "-webkit-line-clamp is not supported in cards; use -wx-line-clamp instead of -webkit-line-clamp",
    "-webkit-box-orient": "-webkit-box-orient is not supported in cards; remove it (-wx-line-clamp needs no -webkit-box)",
}
_BANNED_FAMILIES = ("transition", "animation", "text-decoration")  # their longhands (transition-duration, ...)

_PROPERTY_HINTS: dict[str, str] = {
    "user-select": "text in cards cannot be selected; remove it",
    "flex-flow": "use flex-direction and flex-wrap",
    "order": "reorder the nodes in WXML instead",
    "object-fit": "use the image's mode attribute (aspectFill, aspectFit, widthFix, ...)",
    "outline": "use border",
    "line-clamp": "use -wx-line-clamp",
}

LENGTH_UNITS = frozenset({"px", "rpx", "vw", "em"})
_ANGLE_UNITS = frozenset({"deg", "rad", "grad", "turn"})
_UNIT_FIX: dict[str, tuple[Level, str]] = {
    "rem": ("warning", "rem should be avoided in cards: the root font size cannot be set; use rpx or px"),
    "vh": ("error", "vh is not supported in cards: the card is not as tall as the screen; use rpx, px or vw"),
    "vmin": ("error", "vmin is not supported in cards; use rpx, px or vw"),
    "vmax": ("error", "vmax is not supported in cards; use rpx, px or vw"),
    "pt": ("error", "pt is not supported in cards; use px or rpx"),
}

SAFE_AREA_NAMES = frozenset({f"safe-area-inset-{s}" for s in ("left", "top", "right", "bottom")})

_COLOR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
_TRANSFORM_FUNCTIONS = frozenset(
    {
        "translate", "translatex", "translatey", "translatez", "translate3d",
        "scale", "scalex", "scaley", "scalez", "scale3d",
        "rotate", "rotatex", "rotatey", "rotatez", "rotate3d",
        "skew", "skewx", "skewy", "matrix", "matrix3d", "perspective",
    }
)
_IMAGE_PROPERTIES = frozenset({"background", "background-image", "mask", "mask-image"})
_GENERAL_FUNCTIONS = frozenset({"calc", "env", "url", "linear-gradient"} | _COLOR_FUNCTIONS)

MEDIA_FEATURES = frozenset(
    {"orientation", "width", "min-width", "max-width", "height", "min-height", "max-height", "prefers-color-scheme"}
)
_MEDIA_KEYWORD_VALUES = {
    "orientation": frozenset({"landscape", "portrait"}),
    "prefers-color-scheme": frozenset({"light", "dark"}),
}
MEDIA_TYPES = frozenset({"all", "screen"})
_FONT_FACE_DESCRIPTORS = frozenset({"font-family", "src", "font-weight", "font-style"})


# ---- public types -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    """One place where a WXSS file leaves the card subset."""

    file: str
    line: int
    column: int
    rule: str
    message: str
    level: Level = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.level}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class MediaQuery:
    """One query of a media query list: ``[not] [type] [and (feature: value)]*``."""

    text: str
    negated: bool = False
    media_type: str = "all"
    features: tuple[tuple[str, str | None], ...] = ()

    def matches(self, *, width: float, height: float, dark: bool) -> bool:
        """Whether this query matches a device ``width`` x ``height`` px in the given colour scheme."""
        ok = self.media_type in MEDIA_TYPES and all(
            _feature_matches(name, value, width=width, height=height, dark=dark) for name, value in self.features
        )
        return ok != self.negated


MediaCondition = tuple[MediaQuery, ...]  # a comma list: matches when any query matches


def media_matches(media: Sequence[MediaCondition], *, width: float, height: float, dark: bool) -> bool:
    """Whether every (nested) ``@media`` condition of a rule matches the device."""
    return all(any(q.matches(width=width, height=height, dark=dark) for q in cond) for cond in media)


@dataclass(frozen=True)
class Declaration:
    """``name: value`` as tinycss2 tokens; ``supported`` is false when the card engine ignores it."""

    name: str
    value: tuple[Any, ...]
    important: bool
    line: int
    column: int
    supported: bool = True

    @property
    def value_text(self) -> str:
        return str(tinycss2.serialize(self.value)).strip()


@dataclass(frozen=True)
class Rule:
    """A style rule: its comma groups (each a string, plus whether cards support it) and declarations."""

    selectors: tuple[str, ...]
    declarations: tuple[Declaration, ...]
    media: tuple[MediaCondition, ...] = ()
    line: int = 0
    column: int = 0
    supported_selectors: tuple[bool, ...] = ()
    selector_tokens: tuple[tuple[Any, ...], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class FontFace:
    declarations: tuple[Declaration, ...]
    media: tuple[MediaCondition, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class StyleSheet:
    file: str
    rules: tuple[Rule, ...]
    font_faces: tuple[FontFace, ...] = ()


# ---- the checker ----------------------------------------------------------------------------------

class Report(Protocol):
    def __call__(self, node: Any, rule: str, message: str, level: Level = "error") -> None: ...


def _ignore(node: Any, rule: str, message: str, level: Level = "error") -> None:
    """A :class:`Report` that drops everything (parsing without checking)."""


def check_wxss(text: str, file: str) -> list[Violation]:
    """Every place where ``text`` (the WXSS of a card, from ``file``) leaves the card subset, in order."""
    out: list[Violation] = []

    def report(node: Any, rule: str, message: str, level: Level = "error") -> None:
        out.append(Violation(file, _line(node), _column(node), rule, message, level))

    _walk_stylesheet(text, report, on_rule=None, on_font_face=None)
    out.sort(key=lambda v: (v.line, v.column))
    return out


def check_style_attribute(style: str, file: str, *, line: int = 1, column: int = 1) -> list[Violation]:
    """Check an inline ``style="..."`` value; positions are offset to where the attribute value starts."""
    out: list[Violation] = []

    def report(node: Any, rule: str, message: str, level: Level = "error") -> None:
        ln, col = _line(node), _column(node)
        out.append(Violation(file, line + ln - 1, (column + col - 1) if ln == 1 else col, rule, message, level))

    for decl in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
        _check_declaration_node(decl, report)
    return out


def parse_wxss(text: str, file: str) -> StyleSheet:
    """The rules of ``text`` with their media conditions; unsupported selectors/declarations are flagged, not dropped."""
    rules: list[Rule] = []
    faces: list[FontFace] = []
    _walk_stylesheet(text, _ignore, on_rule=rules.append, on_font_face=faces.append)
    return StyleSheet(file, tuple(rules), tuple(faces))


def parse_style_attribute(style: str) -> tuple[Declaration, ...]:
    """The declarations of an inline ``style`` value, flagged like :func:`parse_wxss` does."""
    out = []
    for decl in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            out.append(_declaration(decl, _check_declaration_node(decl, _ignore)))
    return tuple(out)


# ---- walking -------------------------------------------------------------------------------------

def _line(node: Any) -> int:
    return int(getattr(node, "source_line", 1) or 1)


def _column(node: Any) -> int:
    return int(getattr(node, "source_column", 1) or 1)


def _significant(tokens: Iterable[Any]) -> list[Any]:
    return [t for t in tokens if t.type not in ("whitespace", "comment")]


def _walk_stylesheet(
    text: str,
    report: Report,
    *,
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    _walk_rules(nodes, report, (), on_rule, on_font_face)


def _walk_rules(
    nodes: Iterable[Any],
    report: Report,
    media: tuple[MediaCondition, ...],
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    for node in nodes:
        if node.type == "error":
            report(node, "wxss-parse", _parse_error_message(node))
        elif node.type == "qualified-rule":
            rule = _check_qualified_rule(node, report, media)
            if on_rule is not None:
                on_rule(rule)
        elif node.type == "at-rule":
            _check_at_rule(node, report, media, on_rule, on_font_face)


def _parse_error_message(node: Any) -> str:
    msg = str(getattr(node, "message", "")).replace("{colon.type}", "something else")
    if "EOF reached before {} block" in msg:
        return "a selector without a { ... } block; add the block or remove the stray text"
    if "after declaration name" in msg:
        return "cannot parse this declaration: expected ':' after the property name; write it as name: value;"
    if "for declaration name" in msg:
        return ("cannot parse this declaration: expected a property name; write it as name: value; "
                "(nested rules are not supported)")
    return f"cannot parse the WXSS here: {msg}"


def _check_qualified_rule(node: Any, report: Report, media: tuple[MediaCondition, ...]) -> Rule:
    groups = _split_commas(node.prelude)
    texts: list[str] = []
    ok: list[bool] = []
    toks: list[tuple[Any, ...]] = []
    for group in groups:
        good = _check_selector(group, node, report)
        texts.append(str(tinycss2.serialize(group)).strip())
        ok.append(good)
        toks.append(tuple(group))
    decls = []
    for item in tinycss2.parse_declaration_list(node.content, skip_comments=True, skip_whitespace=True):
        if item.type == "error":
            report(item, "wxss-parse", _parse_error_message(item))
            continue
        decls.append(_declaration(item, _check_declaration_node(item, report)))
    return Rule(tuple(texts), tuple(decls), media, _line(node), _column(node), tuple(ok), tuple(toks))


def _declaration(item: Any, supported: bool) -> Declaration:
    return Declaration(
        name=str(item.lower_name) if not str(item.name).startswith("--") else str(item.name),
        value=tuple(item.value),
        important=bool(item.important),
        line=_line(item),
        column=_column(item),
        supported=supported,
    )


def _split_commas(tokens: Iterable[Any]) -> list[list[Any]]:
    groups: list[list[Any]] = [[]]
    for t in tokens:
        if t.type == "literal" and t.value == ",":
            groups.append([])
        else:
            groups[-1].append(t)
    return groups


# ---- selectors -------------------------------------------------------------------------------------

_COMBINATORS = {">": "child combinator '>'", "+": "adjacent sibling combinator '+'", "~": "sibling combinator '~'"}
_STATE_PSEUDO = frozenset({"hover", "active", "focus", "focus-within", "focus-visible", "visited", "link"})


def _check_selector(group: list[Any], rule_node: Any, report: Report) -> bool:
    """Report what in one comma group is outside the card selector subset; True if the group is fine."""
    sig = _significant(group)
    if not sig:
        report(group[0] if group else rule_node, "wxss-selector", "empty selector (a stray comma?); remove it")
        return False
    ok = True
    i = 0
    while i < len(group):
        t = group[i]
        nxt = group[i + 1] if i + 1 < len(group) else None
        if t.type in ("whitespace", "comment"):
            pass
        elif t.type == "ident":
            if t.lower_value not in CARD_TAGS:
                report(t, "wxss-selector",
                       f"tag selector '{t.value}' matches no card component (cards have view, text, image, button, "
                       "scroll-view, map, canvas, collapsible-view); use a class", "warning")
        elif t.type == "hash":
            if not t.is_identifier:
                report(t, "wxss-selector", f"'#{t.value}' is not a valid id selector; ids must start with a letter")
                ok = False
        elif t.type == "literal" and t.value == ".":
            if nxt is None or nxt.type != "ident":
                report(t, "wxss-selector", "'.' must be followed by a class name, e.g. .item")
                ok = False
            else:
                i += 1
        elif t.type == "literal" and t.value in _COMBINATORS:
            report(t, "wxss-selector",
                   f"the {_COMBINATORS[t.value]} is not supported in cards; use a descendant selector ('.a .b') "
                   "or give the element its own class")
            ok = False
        elif t.type == "literal" and t.value == "*":
            report(t, "wxss-selector", "the universal selector '*' is not supported in cards; use a class")
            ok = False
        elif t.type == "[] block":
            report(t, "wxss-selector",
                   f"attribute selector '{tinycss2.serialize([t])}' is not supported in cards; use a class")
            ok = False
        elif t.type == "literal" and t.value == ":":
            ok = False
            if nxt is not None and nxt.type == "literal" and nxt.value == ":":
                name = group[i + 2] if i + 2 < len(group) else None
                label = "::" + (tinycss2.serialize([name]) if name is not None else "")
                report(t, "wxss-selector",
                       f"pseudo-element '{label}' is not supported in cards; add a real <view> or <text> node instead")
                i += 2
            else:
                label = ":" + (tinycss2.serialize([nxt]) if nxt is not None else "")
                pname = (getattr(nxt, "lower_name", None) or getattr(nxt, "lower_value", "") or "") if nxt else ""
                fix = ("use the hover-class attribute on the node" if pname in _STATE_PSEUDO
                       else "compute a class in JS (e.g. is-first) and bind it in WXML")
                report(t, "wxss-selector", f"pseudo-class '{label}' is not supported in cards; {fix}")
                i += 1
        else:
            report(t, "wxss-selector",
                   f"'{tinycss2.serialize([t])}' is not supported in card selectors; use .class, #id, tag and spaces")
            ok = False
        i += 1
    return ok


# ---- at-rules ---------------------------------------------------------------------------------------

def _check_at_rule(
    node: Any,
    report: Report,
    media: tuple[MediaCondition, ...],
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    kw = str(node.lower_at_keyword)
    if kw == "media":
        cond = _check_media_prelude(node, report)
        if node.content is None:
            report(node, "wxss-parse", "@media needs a { ... } block of rules")
            return
        inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
        _walk_rules(inner, report, (*media, cond), on_rule, on_font_face)
    elif kw == "font-face":
        _check_font_face(node, report, media, on_font_face)
    elif kw == "import":
        report(node, "wxss-at-rule",
               "@import is not supported in card WXSS: a card has one index.wxss; copy the rules into it")
    elif kw in ("keyframes", "-webkit-keyframes"):
        report(node, "wxss-at-rule", f"@{node.at_keyword} is not supported in cards: cards do not animate; remove it")
    elif kw == "charset":
        report(node, "wxss-at-rule", "@charset is not needed: WXSS is UTF-8; remove it", "warning")
    else:
        report(node, "wxss-at-rule",
               f"@{node.at_keyword} is not supported in cards (only @media and @font-face are); remove it")


def _check_media_prelude(node: Any, report: Report) -> MediaCondition:
    queries: list[MediaQuery] = []
    groups = _split_commas(node.prelude)
    if not _significant(node.prelude):
        report(node, "wxss-at-rule", "@media without a condition; add one, e.g. @media (prefers-color-scheme: dark)")
        return (MediaQuery("all"),)
    for group in groups:
        q = _check_media_query(group, node, report)
        if q is not None:
            queries.append(q)
    return tuple(queries) or (MediaQuery("not all", negated=True),)


def _check_media_query(group: list[Any], at_node: Any, report: Report) -> MediaQuery | None:
    sig = _significant(group)
    text = str(tinycss2.serialize(group)).strip()
    if not sig:
        report(at_node, "wxss-at-rule", "empty media query (a stray comma?); remove it")
        return None
    negated = False
    media_type = "all"
    features: list[tuple[str, str | None]] = []
    ok = True
    expect_and = False
    for idx, t in enumerate(sig):
        if t.type == "ident":
            word = t.lower_value
            if word == "and" and expect_and:
                expect_and = False
            elif word == "not" and idx == 0:
                negated = True
            elif word in ("only", "or"):
                fix = "remove 'only'" if word == "only" else "separate alternatives with a comma"
                report(t, "wxss-at-rule", f"'{t.value}' is not supported in card media queries; {fix}")
                ok = False
            elif not expect_and and not features and media_type == "all" and word not in ("and", "not"):
                if word not in MEDIA_TYPES:
                    report(t, "wxss-at-rule",
                           f"media type '{t.value}' is not supported in cards; use all or screen (or leave it out)")
                    ok = False
                media_type = word
                expect_and = True
            else:
                report(t, "wxss-at-rule", f"unexpected '{t.value}' in @media; write e.g. screen and (min-width: 400px)")
                ok = False
        elif t.type == "() block":
            if expect_and:
                report(t, "wxss-at-rule", "media conditions must be joined with 'and'")
                ok = False
            feature = _check_media_feature(t, report)
            if feature is None:
                ok = False
            else:
                features.append(feature)
            expect_and = True
        else:
            report(t, "wxss-at-rule", f"unexpected '{tinycss2.serialize([t])}' in @media")
            ok = False
    if not ok:
        return None
    return MediaQuery(text, negated, media_type, tuple(features))


def _check_media_feature(block: Any, report: Report) -> tuple[str, str | None] | None:
    sig = _significant(block.content)
    if not sig or sig[0].type != "ident":
        report(block, "wxss-at-rule",
               f"media feature '{tinycss2.serialize([block])}' is not supported in cards; use (name: value), e.g. "
               "(max-width: 400px); range syntax like (width >= 400px) is not supported")
        return None
    name = str(sig[0].lower_value)
    if name not in MEDIA_FEATURES:
        report(sig[0], "wxss-at-rule",
               f"media feature '{sig[0].value}' is not supported in cards; use one of "
               + ", ".join(sorted(MEDIA_FEATURES)))
        return None
    if len(sig) == 1:
        return (name, None)
    if not (sig[1].type == "literal" and sig[1].value == ":") or len(sig) < 3:
        report(block, "wxss-at-rule",
               f"media feature '{tinycss2.serialize([block])}' must be (name: value); range syntax is not supported")
        return None
    value = sig[2:]
    if name in _MEDIA_KEYWORD_VALUES:
        allowed = _MEDIA_KEYWORD_VALUES[name]
        if len(value) != 1 or value[0].type != "ident" or value[0].lower_value not in allowed:
            report(value[0], "wxss-at-rule",
                   f"{name}: {tinycss2.serialize(value).strip()} is not valid; use " + " or ".join(sorted(allowed)))
            return None
        return (name, str(value[0].lower_value))
    good = True
    for t in value:
        if t.type == "dimension":
            good = _check_unit(t, report) and good
        elif not (t.type == "number" and t.value == 0):
            report(t, "wxss-at-rule", f"{name} needs a length such as 400px, not '{tinycss2.serialize([t])}'")
            good = False
    if len(value) != 1:
        report(value[0], "wxss-at-rule", f"{name} needs one length such as 400px")
        good = False
    return (name, str(tinycss2.serialize(value)).strip()) if good else None


def _feature_matches(name: str, value: str | None, *, width: float, height: float, dark: bool) -> bool:
    if name == "prefers-color-scheme":
        return value is None or (value == "dark") == dark
    if name == "orientation":
        landscape = width > height
        return value is None or (value == "landscape") == landscape
    if value is None:
        return True
    px = _length_px(value, width)
    if px is None:
        return False
    actual = width if name.endswith("width") else height
    if name.startswith("min-"):
        return actual >= px
    if name.startswith("max-"):
        return actual <= px
    return actual == px


def _length_px(text: str, device_width: float) -> float | None:
    toks = _significant(tinycss2.parse_component_value_list(text))
    if len(toks) != 1:
        return None
    t = toks[0]
    if t.type == "number" and t.value == 0:
        return 0.0
    if t.type != "dimension":
        return None
    unit = t.lower_unit
    factor = {"px": 1.0, "rpx": device_width / 750, "vw": device_width / 100, "em": 16.0, "rem": 16.0}.get(unit)
    return None if factor is None else float(t.value) * factor


def _check_font_face(
    node: Any,
    report: Report,
    media: tuple[MediaCondition, ...],
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    if _significant(node.prelude):
        report(node, "wxss-at-rule", "@font-face takes no prelude; write @font-face { font-family: ...; src: ... }")
    if node.content is None:
        report(node, "wxss-parse", "@font-face needs a { ... } block")
        return
    seen: set[str] = set()
    decls = []
    for item in tinycss2.parse_declaration_list(node.content, skip_comments=True, skip_whitespace=True):
        if item.type == "error":
            report(item, "wxss-parse", _parse_error_message(item))
            continue
        name = str(item.lower_name)
        seen.add(name)
        supported = True
        if name not in _FONT_FACE_DESCRIPTORS:
            report(item, "wxss-at-rule",
                   f"@font-face descriptor '{item.name}' is beyond the basic syntax cards support "
                   "(font-family, src, font-weight, font-style); remove it", "warning")
            supported = False
        for fn in _functions(item.value):
            fname = str(fn.lower_name)
            if fname == "var":
                report(fn, "wxss-css-variable", "CSS variables (var()) are not supported in cards; write the value")
                supported = False
            elif name == "src" and fname not in ("local", "url", "format"):
                report(fn, "wxss-at-rule", f"{fn.name}() is not supported in @font-face src; use local(), url() and format()")
                supported = False
        decls.append(_declaration(item, supported))
    for required in ("font-family", "src"):
        if required not in seen:
            report(node, "wxss-at-rule", f"@font-face without {required}; add it")
    if on_font_face is not None:
        on_font_face(FontFace(tuple(decls), media, _line(node), _column(node)))


# ---- declarations ------------------------------------------------------------------------------------

def _functions(tokens: Iterable[Any]) -> Iterable[Any]:
    """Every function token in ``tokens``, at any depth."""
    for t in tokens:
        if t.type == "function":
            yield t
            yield from _functions(t.arguments)
        elif t.type in ("() block", "[] block", "{} block"):
            yield from _functions(t.content)


def _all_tokens(tokens: Iterable[Any]) -> Iterable[Any]:
    for t in tokens:
        yield t
        if t.type == "function":
            yield from _all_tokens(t.arguments)
        elif t.type in ("() block", "[] block", "{} block"):
            yield from _all_tokens(t.content)


def _check_declaration_node(decl: Any, report: Report) -> bool:
    """Report what is wrong with one declaration; True when the card engine would apply it."""
    if decl.type == "error":
        report(decl, "wxss-parse", _parse_error_message(decl))
        return False
    raw_name = str(decl.name)
    name = str(decl.lower_name)
    if raw_name.startswith("--"):
        report(decl, "wxss-css-variable",
               f"CSS variables ({raw_name}) are not supported in cards; write the value where it is used")
        return False
    banned = _banned_property(name)
    if banned is not None:
        report(decl, "wxss-banned", banned)
        return False
    if name not in PROPERTIES:
        report(decl, "wxss-property", _unknown_property_message(name))
        return False
    value = _significant(decl.value)
    if not value:
        report(decl, "wxss-value", f"{decl.name} has no value; give it one or remove it")
        return False
    return _check_value(name, decl, value, report)


def _banned_property(name: str) -> str | None:
    if name in _BANNED_PROPERTIES:
        return _BANNED_PROPERTIES[name]
    for fam in _BANNED_FAMILIES:
        if name.startswith(fam + "-"):
            return _BANNED_PROPERTIES[fam].replace(fam, name, 1)
    for prefix in ("-webkit-", "-moz-", "-ms-", "-o-"):
        if name.startswith(prefix):
            base = name[len(prefix):]
            if base in _BANNED_PROPERTIES or any(base.startswith(f + "-") or base == f for f in _BANNED_FAMILIES):
                return (_banned_property(base) or "").replace(base, name, 1)
    return None


def _unknown_property_message(name: str) -> str:
    for prefix in ("-webkit-", "-moz-", "-ms-", "-o-"):
        if name.startswith(prefix) and name[len(prefix):] in PROPERTIES:
            return f"{name} is not supported in cards: vendor prefixes are not needed; use {name[len(prefix):]}"
    msg = f"{name} is not in the card property whitelist, so cards ignore it"
    if name in _PROPERTY_HINTS:
        return f"{msg}; {_PROPERTY_HINTS[name]}"
    close = difflib.get_close_matches(name, sorted(PROPERTIES), n=1, cutoff=0.8)
    if close:
        return f"{msg}; did you mean {close[0]}?"
    return f"{msg}; remove it"


def _check_value(name: str, decl: Any, value: list[Any], report: Report) -> bool:
    ok = True
    # CSS variables, env(), calc() and the functions allowed for this property
    for fn in _functions(decl.value):
        fname = str(fn.lower_name)
        if fname == "var":
            report(fn, "wxss-css-variable",
                   "CSS variables (var()) are not supported in cards; write the value where it is used")
            ok = False
        elif fname == "env":
            args = _significant(a for a in fn.arguments if not (a.type == "literal" and a.value == ","))
            if not args or args[0].type != "ident" or args[0].value not in SAFE_AREA_NAMES:
                arg = tinycss2.serialize(fn.arguments).strip()
                report(fn, "wxss-value",
                       f"env({arg}) is not supported in cards; use env(safe-area-inset-left|top|right|bottom)")
                ok = False
        elif fname == "calc":
            pass
        elif name == "filter":
            if fname != "blur":
                report(fn, "wxss-value", f"filter: {fn.name}() is not supported in cards; filter supports blur() only")
                ok = False
        elif name in _IMAGE_PROPERTIES:
            if fname not in _GENERAL_FUNCTIONS:
                report(fn, "wxss-value",
                       f"{fn.name}() is not supported in {name}; cards support url() and linear-gradient() images")
                ok = False
        elif name == "transform":
            if fname not in _TRANSFORM_FUNCTIONS and fname not in _GENERAL_FUNCTIONS:
                report(fn, "wxss-value", f"{fn.name}() is not a transform function")
                ok = False
        elif fname not in _GENERAL_FUNCTIONS:
            report(fn, "wxss-value",
                   f"{fn.name}() is not listed as supported in cards; use calc() or compute the value in JS", "warning")
    # units
    for t in _all_tokens(decl.value):
        if t.type == "dimension":
            ok = _check_unit(t, report) and ok
    # keyword restrictions and banned values
    if name in KEYWORD_VALUES:
        ok = _check_keywords(name, decl, value, report) and ok
    elif name == "filter":
        if not (len(value) == 1 and value[0].type == "ident" and value[0].lower_value == "none"):
            for t in value:
                if t.type != "function":
                    report(t, "wxss-value", f"filter: '{tinycss2.serialize([t])}' is not supported; filter supports blur() only")
                    ok = False
    elif name == "border" or name in {f"border-{s}" for s in _SIDES}:
        for t in value:
            if t.type == "ident" and t.lower_value in _BORDER_STYLES and t.lower_value not in ("none", "solid"):
                report(t, "wxss-banned",
                       f"border style {t.value} is not supported in cards; use solid or none")
                ok = False
    elif name == "-wx-line-clamp" and not (
        len(value) == 1 and value[0].type == "number" and value[0].is_integer and value[0].int_value > 0
    ):
        report(value[0], "wxss-value", f"-wx-line-clamp needs a positive whole number of lines, not '{decl_text(decl.value)}'")
        ok = False
    return ok


def decl_text(tokens: Sequence[Any]) -> str:
    return str(tinycss2.serialize(tokens)).strip()


def _check_keywords(name: str, decl: Any, value: list[Any], report: Report) -> bool:
    allowed = KEYWORD_VALUES[name]
    multi = name in _MULTI_KEYWORD
    words = [t for t in value if not (multi and t.type == "literal" and t.value == ",")]
    if not multi and len(words) != 1:
        report(value[0], "wxss-value",
               f"{name}: {decl_text(decl.value)} is not supported in cards; use one of " + ", ".join(sorted(allowed)))
        return False
    ok = True
    for t in words:
        word = str(t.lower_value) if t.type == "ident" else None
        if word is not None and (name, word) in _BANNED_VALUES:
            report(t, "wxss-banned", _BANNED_VALUES[(name, word)])
            ok = False
        elif word is not None and name.startswith("border") and word in _BORDER_STYLES and word not in allowed:
            report(t, "wxss-banned", f"border style {t.value} is not supported in cards; use solid or none")
            ok = False
        elif word is None or word not in allowed:
            fix = ", ".join(sorted(allowed - {"static"}))
            extra = " (reverse the data order in JS instead)" if name == "flex-direction" else ""
            report(t, "wxss-value", f"{name}: {decl_text([t])} is not supported in cards; use {fix}{extra}")
            ok = False
        elif name == "position" and word == "static":
            report(t, "wxss-value", "position: static is treated as relative in cards; write relative", "warning")
    return ok


def _check_unit(t: Any, report: Report) -> bool:
    unit = str(t.lower_unit)
    if unit in LENGTH_UNITS or unit in _ANGLE_UNITS:
        return True
    if unit in _UNIT_FIX:
        level, msg = _UNIT_FIX[unit]
        report(t, "wxss-unit", f"{tinycss2.serialize([t])}: {msg}", level)
        return level != "error"
    report(t, "wxss-unit", f"{tinycss2.serialize([t])}: unit '{t.unit}' is not supported in cards; use px, rpx, vw, % or em")
    return False

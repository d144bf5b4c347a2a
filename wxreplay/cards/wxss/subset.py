"""The card WXSS subset as data (platform spec section 10): tags, properties, values, units, media.

The checker (:mod:`.checker` and :mod:`.declarations`) reads these tables; nothing here runs.
"""

from __future__ import annotations

from wxreplay.diagnostic import Level

CARD_TAGS = frozenset({"view", "text", "image", "button", "scroll-view", "map", "canvas", "collapsible-view"})

SIDES = ("top", "right", "bottom", "left")

PROPERTIES: frozenset[str] = frozenset(
    [
        # layout, interaction, colour/visibility
        "display",
        "position",
        "box-sizing",
        "pointer-events",
        "color",
        "opacity",
        "visibility",
        # flex
        "flex-direction",
        "flex-wrap",
        "align-items",
        "align-self",
        "align-content",
        "justify-content",
        "flex-grow",
        "flex-shrink",
        "flex-basis",
        "flex",
        "aspect-ratio",
        # background and mask
        "background",
        "background-color",
        "background-image",
        "background-size",
        "background-repeat",
        "background-origin",
        "background-clip",
        "background-position",
        "background-position-x",
        "background-position-y",
        "mask",
        "mask-image",
        "mask-size",
        "mask-repeat",
        "mask-origin",
        "mask-clip",
        "mask-position",
        "mask-mode",
        # size / position
        "width",
        "height",
        "min-width",
        "min-height",
        "max-width",
        "max-height",
        "left",
        "right",
        "top",
        "bottom",
        # spacing
        "padding",
        "margin",
        *(f"padding-{s}" for s in SIDES),
        *(f"margin-{s}" for s in SIDES),
        # borders and radius
        "border",
        "border-width",
        "border-style",
        "border-color",
        *(f"border-{s}" for s in SIDES),
        *(f"border-{s}-{p}" for s in SIDES for p in ("width", "style", "color")),
        "border-radius",
        *(f"border-{v}-{h}-radius" for v in ("top", "bottom") for h in ("left", "right")),
        # shadow, text, transform
        "box-shadow",
        "text-shadow",
        "font",
        "font-size",
        "line-height",
        "text-align",
        "font-weight",
        "word-break",
        "white-space",
        "text-overflow",
        "text-indent",
        "vertical-align",
        "letter-spacing",
        "word-spacing",
        "font-family",
        "font-style",
        "-wx-line-clamp",
        "transform",
        "transform-origin",
        "filter",
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
    **{f"border-{s}-style": frozenset({"none", "solid"}) for s in SIDES},
}
MULTI_KEYWORD = frozenset({"border-style", "mask-mode"})  # several keywords allowed (sides / layers)

BORDER_STYLES = frozenset({"none", "hidden", "dotted", "dashed", "solid", "double", "groove", "ridge", "inset", "outset"})

BANNED_VALUES: dict[tuple[str, str], str] = {
    ("position", "fixed"): "position: fixed is not supported in cards: a card is a box inside the chat; use relative or absolute",
    ("position", "sticky"): "position: sticky is not supported in cards: cards do not scroll; use relative or absolute",
    ("display", "grid"): "display: grid is not supported in cards; use display: flex",
    ("display", "table"): "display: table is not supported in cards; use display: flex",
    ("display", "inline-flex"): "display: inline-flex is not supported in cards; "
    "use display: flex (inside a flex row if it must sit inline)",
    ("display", "-webkit-box"): "display: -webkit-box is not supported in cards; "
    "use display: flex, and -wx-line-clamp to clamp lines",
}

BANNED_PROPERTIES: dict[str, str] = {
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
BANNED_FAMILIES = ("transition", "animation", "text-decoration")  # their longhands (transition-duration, ...)

PROPERTY_HINTS: dict[str, str] = {
    "user-select": "text in cards cannot be selected; remove it",
    "flex-flow": "use flex-direction and flex-wrap",
    "order": "reorder the nodes in WXML instead",
    "object-fit": "use the image's mode attribute (aspectFill, aspectFit, widthFix, ...)",
    "outline": "use border",
    "line-clamp": "use -wx-line-clamp",
}

LENGTH_UNITS = frozenset({"px", "rpx", "vw", "em"})
ANGLE_UNITS = frozenset({"deg", "rad", "grad", "turn"})
UNIT_FIX: dict[str, tuple[Level, str]] = {
    "rem": ("warning", "rem should be avoided in cards: the root font size cannot be set; use rpx or px"),
    "vh": ("error", "vh is not supported in cards: the card is not as tall as the screen; use rpx, px or vw"),
    "vmin": ("error", "vmin is not supported in cards; use rpx, px or vw"),
    "vmax": ("error", "vmax is not supported in cards; use rpx, px or vw"),
    "pt": ("error", "pt is not supported in cards; use px or rpx"),
}

SAFE_AREA_NAMES = frozenset({f"safe-area-inset-{s}" for s in ("left", "top", "right", "bottom")})

COLOR_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
TRANSFORM_FUNCTIONS = frozenset(
    {
        "translate",
        "translatex",
        "translatey",
        "translatez",
        "translate3d",
        "scale",
        "scalex",
        "scaley",
        "scalez",
        "scale3d",
        "rotate",
        "rotatex",
        "rotatey",
        "rotatez",
        "rotate3d",
        "skew",
        "skewx",
        "skewy",
        "matrix",
        "matrix3d",
        "perspective",
    }
)
IMAGE_PROPERTIES = frozenset({"background", "background-image", "mask", "mask-image"})
GENERAL_FUNCTIONS = frozenset({"calc", "env", "url", "linear-gradient"} | COLOR_FUNCTIONS)

MEDIA_FEATURES = frozenset(
    {"orientation", "width", "min-width", "max-width", "height", "min-height", "max-height", "prefers-color-scheme"}
)
MEDIA_KEYWORD_VALUES = {
    "orientation": frozenset({"landscape", "portrait"}),
    "prefers-color-scheme": frozenset({"light", "dark"}),
}
MEDIA_TYPES = frozenset({"all", "screen"})
FONT_FACE_DESCRIPTORS = frozenset({"font-family", "src", "font-weight", "font-style"})

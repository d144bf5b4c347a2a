"""The card WXSS subset: a checker, and a parsed form for the HTML renderer.

Cards are drawn by WeChat's own card engine, which understands only a subset of CSS (platform spec
section 10): ``.class``/``#id``/``tag`` selectors with descendant combinators, ``@media`` with a few
features, ``@font-face``, the units px/rpx/vw/%/em, ``env(safe-area-inset-*)``, ``calc()`` and a
property whitelist with value restrictions. :func:`check_wxss` reports everything outside the
subset as :class:`~wxreplay.diagnostic.Diagnostic` s that name ``file:line:column``, the offending
thing and the fix. :func:`parse_wxss` gives the rules in a form :mod:`wxreplay.cards.html` turns
into browser CSS.

The real CSS tokenizer/parser is tinycss2; positions are 1-based lines and columns. The package:
``subset`` (the whitelist tables), ``sheet`` (the parsed form and token helpers), ``declarations``
(checks of one ``name: value``) and ``checker`` (stylesheets, selectors, at-rules).
"""

from wxreplay.cards.wxss.checker import (
    check_and_parse_wxss,
    check_style_attribute,
    check_wxss,
    parse_style_attribute,
    parse_wxss,
)
from wxreplay.cards.wxss.sheet import (
    Declaration,
    FontFace,
    MediaCondition,
    MediaQuery,
    Rule,
    StyleSheet,
    decl_text,
    media_matches,
)
from wxreplay.cards.wxss.subset import CARD_TAGS, KEYWORD_VALUES, LENGTH_UNITS, MEDIA_FEATURES, MEDIA_TYPES, PROPERTIES

__all__ = [
    "CARD_TAGS",
    "KEYWORD_VALUES",
    "LENGTH_UNITS",
    "MEDIA_FEATURES",
    "MEDIA_TYPES",
    "PROPERTIES",
    "Declaration",
    "FontFace",
    "MediaCondition",
    "MediaQuery",
    "Rule",
    "StyleSheet",
    "check_and_parse_wxss",
    "check_style_attribute",
    "check_wxss",
    "decl_text",
    "media_matches",
    "parse_style_attribute",
    "parse_wxss",
]

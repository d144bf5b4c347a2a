"""WXSS text -> tinycss2 component values, the same list ``tinycss2.parse_component_value_list`` gives, faster.

tinycss2's tokenizer reads a stylesheet character by character in Python: for the card styles of
a large project (120 stylesheets, 200 KB) that is most of the time the WXSS checks take. Card styles
use a small part of CSS syntax: identifiers, numbers, hashes, blocks, plain strings, comments. This
tokenizer reads those with regular expressions and builds the very tokens tinycss2 builds (same
classes, values, representations, lines and columns). Anything else - a backslash escape, a
``url(...)``, a ``U+`` range, a string that breaks at a line end or never ends - makes it hand the
whole text to tinycss2, so the result is always tinycss2's (``tests/unit/cards/test_wxss_tokens.py``
compares the two on every stylesheet of the repository and on generated ones).
"""

from __future__ import annotations

import re
from typing import Any

import tinycss2  # type: ignore[import-untyped]
from tinycss2.ast import (  # type: ignore[import-untyped]
    AtKeywordToken,
    CurlyBracketsBlock,
    DimensionToken,
    FunctionBlock,
    HashToken,
    IdentToken,
    LiteralToken,
    NumberToken,
    ParenthesesBlock,
    ParseError,
    PercentageToken,
    SquareBracketsBlock,
    StringToken,
    WhitespaceToken,
)
from tinycss2.serializer import serialize_string_value  # type: ignore[import-untyped]

__all__ = ["component_values"]

# What tinycss2 reads with a loop per character, without escapes (a text holding a backslash is
# tinycss2's): a name code point is a letter, digit, '_', '-' or anything past ASCII.
_NAME = "A-Za-z0-9_\\-\u0080-\U0010ffff"
_NAME_START = "A-Za-z_\u0080-\U0010ffff"
#: An identifier where one would start (``_is_ident_start``) and its whole name (``_consume_ident``).
_IDENT = f"(?:[{_NAME_START}]|-[{_NAME_START}\\-])[{_NAME}]*"
#: One token, the alternatives in the order tinycss2 tries them (the first that matches wins).
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>[ \n\t]+)",
            r"(?P<range>[Uu]\+[0-9a-fA-F?])",
            r"(?P<cdc>-->)",
            f"(?P<ident>{_IDENT})(?P<fn>\\()?",
            # tinycss2's _NUMBER_RE; an int_value only without a fraction or an exponent
            r"(?P<num>[-+]?(?P<frac>[0-9]*\.)?[0-9]+(?P<exp>[eE][+-]?[0-9]+)?)" + f"(?:(?P<unit>{_IDENT})|(?P<pct>%))?",
            f"(?P<atsign>@(?P<at>{_IDENT})?)",
            f"(?P<hashsign>#(?P<hash>[{_NAME}]+)?)",
            r"(?P<open>[{\[(])",
            r"(?P<close>[}\])])",
            r"(?P<str>\"[^\"\n]*\"|'[^'\n]*')",
            r"(?P<badstr>[\"'])",
            r"(?P<comment>/\*(?:.*?\*/|.*))",
            r"(?P<lit><!--|\|\||[~|^$*]=?|.)",
        )
    ),
    re.DOTALL,
)
_IDENT_AT = re.compile(_IDENT)
_BLOCKS = {"{": (CurlyBracketsBlock, "}"), "[": (SquareBracketsBlock, "]"), "(": (ParenthesesBlock, ")")}


class _NotPlain(Exception):
    """The text uses syntax this tokenizer leaves to tinycss2."""


def component_values(css: str) -> list[Any]:
    """``tinycss2.parse_component_value_list(css, skip_comments=True)``."""
    if "\\" not in css:
        try:
            return _tokenize(css)
        except _NotPlain:
            pass
    found: list[Any] = tinycss2.parse_component_value_list(css, skip_comments=True)
    return found


def _tokenize(css: str) -> list[Any]:
    # What each token becomes is tinycss2's (tokenizer.py, parse_component_value_list); lines and
    # columns too, counted only past the tokens that can hold a line break (whitespace, comments).
    css = css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    line = 1
    last_newline = -1
    root: list[Any] = []
    tokens = root
    end_char: str | None = None
    stack: list[tuple[list[Any], str | None]] = []
    for m in _TOKEN.finditer(css):
        kind = m.lastgroup
        start = m.start()
        column = start - last_newline
        if kind == "ws":
            value = m.group()
            tokens.append(WhitespaceToken(line, column, value))
            breaks = value.count("\n")
            if breaks:
                line += breaks
                last_newline = start + value.rindex("\n")
        elif kind == "ident":
            tokens.append(IdentToken(line, column, m.group()))
        elif kind == "lit":
            tokens.append(LiteralToken(line, column, m.group()))
        elif kind in ("num", "unit", "pct"):
            repr_ = m.group("num")
            value_f = float(repr_)
            int_value = int(repr_) if m.group("frac") is None and m.group("exp") is None else None
            if kind == "unit":
                tokens.append(DimensionToken(line, column, value_f, int_value, repr_, m.group("unit")))
            elif kind == "pct":
                tokens.append(PercentageToken(line, column, value_f, int_value, repr_))
            else:
                tokens.append(NumberToken(line, column, value_f, int_value, repr_))
        elif kind == "open":
            block, closer = _BLOCKS[m.group()]
            content: list[Any] = []
            tokens.append(block(line, column, content))
            stack.append((tokens, end_char))
            end_char = closer
            tokens = content
        elif kind == "close":
            c = m.group()
            if c == end_char:
                tokens, end_char = stack.pop()
            else:
                tokens.append(ParseError(line, column, c, "Unmatched " + c))
        elif kind == "fn":
            name = m.group("ident")
            if name.lower() == "url":  # every name tinycss2 reads as url( (it lowers ASCII letters only)
                raise _NotPlain("url()")
            arguments: list[Any] = []
            tokens.append(FunctionBlock(line, column, name, arguments))
            stack.append((tokens, end_char))
            end_char = ")"
            tokens = arguments
        elif kind == "str":
            value = m.group()[1:-1]
            tokens.append(StringToken(line, column, value, f'"{serialize_string_value(value)}"'))
        elif kind == "comment":
            text = m.group()
            if not text.endswith("*/") or len(text) < 4:
                break  # never closed: tinycss2 stops reading there
            breaks = text.count("\n")
            if breaks:
                line += breaks
                last_newline = start + text.rindex("\n")
        elif kind == "atsign":
            at = m.group("at")
            tokens.append(AtKeywordToken(line, column, at) if at is not None else LiteralToken(line, column, "@"))
        elif kind == "hashsign":
            value = m.group("hash")
            if value is None:
                tokens.append(LiteralToken(line, column, "#"))
            else:
                tokens.append(HashToken(line, column, value, _IDENT_AT.match(value) is not None))
        elif kind == "cdc":
            tokens.append(LiteralToken(line, column, "-->"))
        else:  # "range", "badstr": tinycss2's own
            raise _NotPlain(str(kind))
    return root

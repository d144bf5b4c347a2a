"""The fast WXSS tokenizer gives exactly tinycss2's component values (classes, fields, lines, columns).

:func:`wxreplay.cards.wxss.tokens.component_values` stands in for
``tinycss2.parse_component_value_list(text, skip_comments=True)`` in every WXSS parse (card
rendering and the linter); it must never differ, on real stylesheets, on odd ones, and on
stylesheets generated from the pieces CSS is made of.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import tinycss2

from wxreplay.cards.wxss import tokens
from wxreplay.cards.wxss.tokens import component_values

REPO = Path(__file__).resolve().parents[3]


def _shape(node: Any) -> Any:
    """Everything tinycss2 records of a component value, its nested ones included."""
    if isinstance(node, list):
        return [_shape(n) for n in node]
    fields = {"class": type(node).__name__}
    for cls in type(node).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            value = getattr(node, slot)
            fields[slot] = _shape(value) if isinstance(value, list) else value
    return fields


def _same(text: str) -> None:
    assert _shape(component_values(text)) == _shape(tinycss2.parse_component_value_list(text, skip_comments=True)), text


def test_every_stylesheet_of_the_repository_tokenizes_as_tinycss2_does() -> None:
    files = sorted(p for p in REPO.rglob("*.wxss") if ".git" not in p.parts)
    assert len(files) > 20
    for path in files:
        _same(path.read_text(encoding="utf-8", errors="replace"))


_ODD = [
    "",
    ".a{color:red}",
    ".a { width: 10rpx; margin: -5px +.5em 1e3px 2E-2% -.5 } /* c */ #fff #-x #9a",
    "@media (max-width: 100px) { .b > .c ~ .d + .e { top: 0 } } @font-face{} @ @1 @-x",
    "a[href^='x'] a[b$=\"y\"] a[c*=z] a[d|=e] a[f~=g] a||b | ^ $ * ~",
    "<!-- .x{} --> -->x --x -- -5x --5 -",
    "} ] ) .a { ( [ ] } ) .b { unclosed",
    "content: '咖啡'; font-family: \"PingFang SC\"; 宽: 一;",
    "x: 'it''s' \"a'b\" 'c\"d'",
    "/* unterminated comment",
    "a{}\r\n\rb{}\f c{\0}",
    "é: ñ; \udcff: 1",
    "calc(100% - 10px) var(--main-color) rgba(0,0,0,.5) URL-ish(x) urlx(y)",
    "1.5.5 .5e+ 5e 1e10 007 -0 +-1",
    # tinycss2's own path: escapes, url(), unicode ranges, strings that break or never end
    "a { content: '\\201C'; } .\\31 x{}",
    "background: url(a.png) URL( 'b.png' ) url(c d)",
    "unicode-range: U+0025-00FF, u+4??;",
    "a { content: 'broken\n' }",
    "a { content: 'never ends",
]


@pytest.mark.parametrize("text", _ODD)
def test_odd_stylesheets_tokenize_as_tinycss2_does(text: str) -> None:
    _same(text)


_PIECES = [
    " ",
    "\n",
    "\t",
    "\r\n",
    "a",
    "Z",
    "_x",
    "-",
    "--",
    "-a",
    "0",
    "1.5",
    ".5",
    "e3",
    "%",
    "px",
    "rpx",
    "#",
    "#1",
    "@",
    "@media",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ";",
    ",",
    ".",
    ">",
    "+",
    "~",
    "=",
    "|",
    "^",
    "$",
    "*",
    "!",
    "'s'",
    '"d"',
    "'",
    '"',
    "/*",
    "*/",
    "/* c */",
    "<!--",
    "-->",
    "U+1",
    "url(",
    "\\",
    "\\31 ",
    "咖",
    "é",
    "\0",
    "\f",
    "calc(",
    "var(",
    "!important",
]


#: The pieces that keep a text on the fast path (no escape, url(), range or lone quote).
_PLAIN = [p for p in _PIECES if p not in ("\\", "\\31 ", "url(", "U+1", "'", '"')]


@pytest.mark.parametrize("pieces", [_PIECES, _PLAIN], ids=["any", "plain"])
def test_generated_stylesheets_tokenize_as_tinycss2_does(pieces: list[str]) -> None:
    rng = random.Random(17)
    for _ in range(3000):
        _same("".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))))


def test_plain_stylesheets_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A card stylesheet without escapes, url() or ranges never reaches tinycss2's tokenizer."""
    calls: list[str] = []
    monkeypatch.setattr(tokens.tinycss2, "parse_component_value_list", lambda text, **kw: calls.append(text) or [])
    component_values(".card { padding: 24rpx; color: #333; font-family: 'PingFang SC'; } /* x */ @media (x) {}")
    assert calls == []
    component_values(".a { background: url(x.png) }")
    assert calls == [".a { background: url(x.png) }"]

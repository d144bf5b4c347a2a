"""WXML markup: comments, tags, attributes and quoting, entities, whitespace, markup errors."""

from __future__ import annotations

import pytest
from test_wxml_harness import PATH, el, error, render, texts, tx

from wxreplay.cards.wxml import parse_wxml
from wxreplay.cards.wxml.parser import Element


def test_comments_are_dropped_anywhere() -> None:
    src = """<!-- 卡片：顶部注释 -->
<view class="a"><!-- inline --><text>x</text><!--
  multi
  <view>line</view>
--></view>
<!-- trailing -->"""
    assert render(src) == [el("view", 2, el("text", 2, tx("x", 2)), attrs={"class": "a"})]


def test_self_closing_and_explicitly_closed_tags() -> None:
    src = '<view><image src="https://a/b.png"/><image src="https://a/c.png" ></image><view /></view>'
    assert render(src) == [el("view", 1,
                              el("image", 1, attrs={"src": "https://a/b.png"}),
                              el("image", 1, attrs={"src": "https://a/c.png"}),
                              el("view", 1))]  # fmt: skip


def test_attribute_quoting() -> None:
    src = """<view a="double" b='single' c="it's" d='say "hi"' e="x > y" f='a>b<c' g=bare h
  i = "spaced" j="{{ '>' }}" k="{{ flag ? "yes" : 'no' }}" l='{{ "}}" }}'/>"""
    [node] = render(src, {"flag": True})
    assert node["attrs"] == {
        "a": "double", "b": "single", "c": "it's", "d": 'say "hi"', "e": "x > y", "f": "a>b<c", "g": "bare", "h": True,
        "i": "spaced", "j": ">", "k": "yes", "l": "}}",
    }  # fmt: skip


def test_gt_inside_quotes_does_not_end_the_tag() -> None:
    src = "<view wx:if=\"{{count > 3}}\" class=\"{{count >= 5 ? 'big' : 'small'}}\">n</view>"
    assert render(src, {"count": 4}) == [el("view", 1, tx("n", 1), attrs={"class": "small"})]
    assert render(src, {"count": 1}) == []


def test_cjk_text_and_attributes_pass_through() -> None:
    src = '<view class="卡片" data-名="值"><text>共 {{n}} 款　（全角空格）😀</text>拿铁 · 美式</view>'
    [node] = render(src, {"n": 3})
    assert node["attrs"] == {"class": "卡片"}
    assert node["ds"] == {"名": "值"}
    assert texts([node]) == ["共 3 款　（全角空格）😀", "拿铁 · 美式"]


def test_entities_are_decoded_in_static_text_and_attributes() -> None:
    src = (
        '<view title="a &amp; b &quot;q&quot;"><text>&lt;b&gt; &amp; &nbsp;x&#39;s &#x4e2d;&#25991; &apos;&ensp;&emsp;</text>'
        "<text>&unknown; &#xZZ; {{ '&amp;' }}</text></view>"
    )
    [node] = render(src)
    assert node["attrs"] == {"title": 'a & b "q"'}
    assert texts([node]) == ["<b> & \u00a0x's 中文 '\u2002\u2003", "&unknown; &#xZZ; &amp;"]


def test_whitespace_outside_text_collapses_and_trims() -> None:
    src = """<view>
  <view>
     Hello
     world,   {{name}}  !
  </view>
  <view>   </view>
  <view>\u3000全角\u3000</view>
  <view>a&nbsp;&nbsp;b {{x}}{{y}} {{x}}</view>
</view>"""
    [root] = render(src, {"name": "小明", "x": 1, "y": 2})
    assert root["kids"] == [
        el("view", 2, tx("Hello world, 小明 !", 3)),
        el("view", 6),
        el("view", 7, tx("\u3000全角\u3000", 7)),
        el("view", 8, tx("a\u00a0\u00a0b 12 1", 8)),
    ]


def test_whitespace_inside_text_is_kept_as_written() -> None:
    src = """<text>
  line 1
    line 2  {{v}}
</text>"""
    assert render(src, {"v": "!"}) == [el("text", 1, tx("\n  line 1\n    line 2  !\n", 2))]


def test_whitespace_inside_nested_text_and_blocks() -> None:
    src = '<text> a <block wx:if="{{true}}"> b </block> <text>  c  </text></text>'
    [node] = render(src)
    assert node["kids"] == [tx(" a ", 1), tx(" b ", 1), tx(" ", 1), el("text", 1, tx("  c  ", 1))]


def test_text_line_is_the_first_non_blank_line() -> None:
    src = "<view>\n\n\n   late text\n</view>"
    assert render(src) == [el("view", 1, tx("late text", 4))]


def test_lt_not_starting_a_tag_is_text() -> None:
    assert texts(render("<view>1 < 2 and {{a<b}}</view>", {"a": 1, "b": 2})) == ["1 < 2 and true"]


def test_crlf_and_bom() -> None:
    assert render("\ufeff<view>\r\n<text>a\r\nb</text>\r\n</view>") == [el("view", 1, el("text", 2, tx("a\nb", 2)))]


def test_parse_tree_positions() -> None:
    doc = parse_wxml("x.wxml", '<view>\n  <text class="t">hi</text></view>')
    text = doc.children[0].children[1]  # type: ignore[union-attr]
    assert isinstance(text, Element) and (text.tag, text.line, text.column) == ("text", 2, 3)
    attr = text.attrs[0]
    assert (attr.name, attr.value, attr.line, attr.column) == ("class", "t", 2, 9)
    assert [e.tag for e in doc.elements()] == ["view", "text"]


@pytest.mark.parametrize(
    ("src", "where", "message"),
    [
        ("<view>\n  <text>x\n</view>", ":3:1:", "mismatched close tag </view>: expected </text> for <text> opened at line 2:3"),
        ("<view>\n  <view>\n", ":2:3:", "unclosed tag <view>"),
        ('<view>\n<image src="https://a/b.png">\n</view>', ":3:1:", "mismatched close tag </view>: expected </image>"),
        ("<view></view>\n</text>", ":2:1:", "close tag </text> has no matching open tag"),
        ("<view>\n<!-- never closed\n</view>", ":2:1:", "unclosed comment"),
        ('<view class="a>\n</view>', ":1:13:", 'unclosed " in attribute class of <view>'),
        ("<view>{{ a </view>", ":1:7:", "unclosed {{"),
        ('<view a="1" a="2"/>', ":1:13:", "duplicate attribute a on <view>"),
        ("<view a=/>", ":1:9:", "attribute a of <view> has no value"),
        ("<view\n", ":1:1:", "unclosed start tag <view"),
        ("<view =x/>", ":1:7:", "unexpected '=' in <view> start tag"),
        ("<wxs module='m'>var a = 1 < 2;\n", ":1:1:", "unclosed tag <wxs>"),
    ],
)
def test_markup_errors_name_file_line_column(src: str, where: str, message: str) -> None:
    e = error(src)
    assert str(e).startswith(PATH + where), str(e)
    assert message in str(e)


def test_markup_error_shows_the_line_and_a_caret() -> None:
    e = error("<view>\n  <text>x</view>")
    assert e.file == PATH and (e.line, e.column) == (2, 10)
    assert "    1 | <view>\n  > 2 |   <text>x</view>\n      |          ^" in str(e)

"""WXSS bad input never raises: at-rules inside a block and deep nesting are located diagnostics."""

from __future__ import annotations

import pytest

from wxreplay.cards.wxss import check_style_attribute, check_wxss, parse_style_attribute, parse_wxss
from wxreplay.errors import TemplateError
from wxreplay.source import MAX_NESTING


def test_an_at_rule_inside_a_rule_is_reported() -> None:
    # Was: AttributeError: 'AtRule' object has no attribute 'name'.
    found = check_wxss(".a{ @foo; color: red; }", "c.wxss")
    assert [(d.rule, d.line, d.column) for d in found] == [("wxss-at-rule", 1, 5)]
    assert "@foo inside a block is not supported in cards" in found[0].message
    sheet = parse_wxss(".a{ @foo; color: red; }", "c.wxss")
    assert [d.name for d in sheet.rules[0].declarations] == ["color"]


def test_an_at_rule_inside_font_face_and_style_attribute_is_reported() -> None:
    found = check_wxss("@font-face { @x {} font-family: a; src: local(a); }", "c.wxss")
    assert ("wxss-at-rule", 1, 14) in [(d.rule, d.line, d.column) for d in found]
    assert [d.rule for d in check_style_attribute("@x; color: red", "c.wxml", line=3, column=8)] == ["wxss-at-rule"]
    assert [d.name for d in parse_style_attribute("@x; color: red")] == ["color"]


@pytest.mark.parametrize("css", ["@media " + "(" * 3000 + ")" * 3000 + "{}", ".a{ width: " + "calc(" * 3000 + ")" * 3000 + "}"])
def test_deep_nesting_is_one_located_diagnostic(css: str) -> None:
    # Was: RecursionError in tinycss2's serializer for the @media prelude.
    found = check_wxss("\n" + css, "c.wxss")
    assert len(found) == 1
    d = found[0]
    assert (d.rule, d.level, d.line) == ("wxss-parse", "error", 2)
    assert d.message == f"the WXSS nests deeper than {MAX_NESTING} levels of ( ), [ ] and {{ }}"
    with pytest.raises(TemplateError) as info:
        parse_wxss("\n" + css, "c.wxss")
    assert (info.value.file, info.value.line, info.value.column) == ("c.wxss", 2, d.column)


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    css = '.a::after{ content: "' + "(" * 500 + '"; } /* ' + "{" * 500 + " */"
    assert not [d for d in check_wxss(css, "c.wxss") if "nests deeper" in d.message]


def test_deep_style_attribute_is_reported_where_the_value_is() -> None:
    found = check_style_attribute("width: " + "calc(" * 200 + ")" * 200, "c.wxml", line=4, column=10)
    # At the "(" of the first calc( past the limit, counted from where the attribute value starts.
    assert [(d.rule, d.line, d.column) for d in found] == [("wxss-parse", 4, 10 + len("width: ") + MAX_NESTING * 5 + 4)]
    assert parse_style_attribute("width: " + "calc(" * 200 + ")" * 200) == ()


def test_a_5000_digit_number_is_a_located_diagnostic() -> None:
    # Was: ValueError "Exceeds the limit (4300 digits)" from tinycss2's tokenizer.
    css = ".a {\n  width: " + "9" * 5000 + "px;\n}\n"
    found = check_wxss(css, "c.wxss")
    assert [(d.rule, d.line, d.column) for d in found] == [("wxss-parse", 2, 10)]
    assert "a number written with 5,000 digits" in found[0].message
    with pytest.raises(TemplateError):
        parse_wxss(css, "c.wxss")
    assert [d.rule for d in check_style_attribute("width: " + "1" * 5000, "c.wxml")] == ["wxss-parse"]
    assert parse_style_attribute("width: " + "1" * 5000) == ()

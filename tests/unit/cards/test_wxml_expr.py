"""``{{ }}`` expressions: values computed in V8 from the emitted JS, and compile-time errors with carets."""

from __future__ import annotations

from typing import Any

import pytest
from test_wxml_harness import PATH, compile_src, error, render, run, texts

from wxreplay.cards.wxml.expr import ExprError, parse_expression

DATA = {
    "a": 3, "b": 4, "s": "拿铁", "zero": 0, "empty": "", "no": None, "t": True, "f": False,
    "items": [{"name": "x", "price": 12.5}, {"name": "y"}], "obj": {"k": "v", "n": {"deep": 1}}, "key": "k",
}  # fmt: skip


def value(expr: str, data: Any = DATA) -> Any:
    """The typed value of ``expr`` (a single ``{{ }}`` in a data attribute keeps its type)."""
    [node] = render(f"<view data-v='{{{{ {expr} }}}}'/>", data)
    return node["ds"].get("v", "<undefined>")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a", 3), ("s", "拿铁"), ("missing", "<undefined>"), ("no", None),
        ("a + b * 2", 11), ("(a + b) * 2", 14), ("b - a - 1", 0), ("b / 2 % 3", 2), ("7 % a", 1),
        ("-a + +'2'", -1), ("!t", False), ("!!empty", False), ("- -a", 3),
        ("a + s", "3拿铁"), ("'共 ' + a + ' 款'", "共 3 款"),
        ("a < b", True), ("a > b", False), ("a <= 3", True), ("b >= 5", False),
        ("a == '3'", True), ("a === '3'", False), ("a != 3", False), ("a !== '3'", True),
        ("t && s", "拿铁"), ("f || empty || 'fallback'", "fallback"), ("zero || no", None), ("no && no.x", None),
        ("t ? 'y' : 'n'", "y"), ("f ? 1 : zero ? 2 : 3", 3), ("a > 2 ? b > 5 ? 'p' : 'q' : 'r'", "q"),
        ("items.length", 2), ("items.length === 0 ? 'empty' : 'some'", "some"), ("items[1].name", "y"),
        ("items[0]['price']", 12.5), ("obj[key]", "v"), ("obj.n.deep", 1), ("missing.x.y", "<undefined>"),
        ("no.x", "<undefined>"), ("s.length", 2), ("items[5].name", "<undefined>"),
        ("'it\\'s \\u62ff\\x41\\n' + \"双\\\"\"", "it's 拿A\n双\""), ("'中文 {x}'", "中文 {x}"),
        ("1.5e2", 150), ("0x1F", 31), (".5", 0.5), ("010", 10), ("true", True), ("null", None),
        ("undefined", "<undefined>"),
        ("[a, 'x', [t]]", [3, "x", [True]]), ("[]", []), ("[1, 2,]", [1, 2]),
        ("{x: a, 'y z': s, 3: null}", {"x": 3, "y z": "拿铁", "3": None}), ("{}", {}),
        ("{__proto__: 1}", {"__proto__": 1}),
        ("items[0]", {"name": "x", "price": 12.5}),
    ],
)  # fmt: skip
def test_expression_values(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_expression_may_span_lines_and_has_free_spacing() -> None:
    assert value("\n  a\n  +\n  b\n") == 7


def test_literal_member_names_may_be_keywords() -> None:
    assert value("obj.class", {"obj": {"class": "c"}}) == "c"
    assert value("{class: 1, new: 2}") == {"class": 1, "new": 2}


@pytest.mark.parametrize(
    ("src", "column", "message"),
    [
        ("{{a > }}", 7, "unexpected end of expression"),
        ("{{a b}}", 5, "unexpected 'b', expected the end of the expression"),
        ("{{(a}}", 5, "expected ')'"),
        ("{{a = 1}}", 5, "assignment is not allowed"),
        ("{{a ?? b}}", 5, "?? operator is not supported"),
        ("{{a?.b}}", 4, "optional chaining"),
        ("{{`x`}}", 3, "template strings are not supported"),
        ("{{a & b}}", 5, "bitwise operators"),
        ("{{typeof a}}", 3, "'typeof' is not supported"),
        ("{{new Date()}}", 3, "'new' is not supported"),
        ("{{}}", 3, "empty expression"),
        ("{{ [...a] }}", 5, "array spread is not supported"),
        ("{{[1,,2]}}", 6, "array holes"),
        ("{{a.}}", 5, "expected a property name after '.'"),
        ("{{1a}}", 3, "invalid number"),
        ("{{'\\u12'}}", 4, "invalid \\u escape"),
        ("{{a # b}}", 5, "unexpected '#'"),
    ],
)
def test_syntax_errors_point_at_the_token(src: str, column: int, message: str) -> None:
    e = error(f"<view>\n  <text>{src}</text>\n</view>")
    assert (e.file, e.line) == (PATH, 2)
    assert e.column == 9 + column - 1, str(e)
    assert str(e).startswith(f"{PATH}:2:{e.column}: bad expression "), str(e)
    assert message in str(e)


def test_syntax_error_shows_wxml_line_expression_and_caret() -> None:
    e = error('<view class="card">\n  <view wx:if="{{total > }}" class="x">\n  </view>\n</view>')
    assert str(e) == (
        f"{PATH}:2:26: bad expression {{{{total >}}}}: unexpected end of expression\n"
        '    1 | <view class="card">\n'
        '  > 2 |   <view wx:if="{{total > }}" class="x">\n'
        "      |                          ^"
    )


def test_caret_accounts_for_wide_characters() -> None:
    e = error("<view>拿铁{{a +}}</view>")
    assert e.column == 14  # characters, not bytes or display cells
    assert str(e).endswith("  > 1 | <view>拿铁{{a +}}</view>\n      | " + " " * 15 + "^")  # 拿铁 take 4 cells


def test_unterminated_string_is_reported_at_the_interpolation() -> None:
    e = error("<view>\n  <text>{{'abc}}</text>\n</view>")
    assert str(e).startswith(f"{PATH}:2:9: unclosed {{{{ (no matching }}}}, or an unterminated string inside it)")


def test_calls_of_data_values_render_as_undefined_and_are_listed() -> None:
    # Addendum A1: not a documented operator; the client shows nothing (tests/unit/cards/test_wxml_calls.py).
    t = compile_src("<view>\n<text>{{item.price.toFixed(2)}}</text></view>")
    assert texts(run(t, {"item": {"price": 3}})) == [""]
    [call] = t.method_calls
    assert (call.file, call.line, call.column, call.call) == (PATH, 2, 9, "item.price.toFixed(2)")


def test_calls_of_literals_and_loop_variables_are_not_wxs_calls() -> None:
    assert [c.call for c in compile_src("<view>{{'a'.toUpperCase()}}</view>").method_calls] == ["'a'.toUpperCase()"]
    wxs = '<wxs module="m">module.exports = {f: function () { return 1 }}</wxs>'
    t = compile_src(wxs + '<view wx:for="{{l}}" wx:for-item="m">{{m.f()}}</view>')
    assert [c.call for c in t.method_calls] == ["m.f()"]  # the loop variable shadows the module
    assert texts(run(t, {"l": [{"f": 2}]})) == [""]


def test_parser_positions_are_offsets_into_the_expression() -> None:
    with pytest.raises(ExprError) as info:
        parse_expression("a + (b * )")
    assert info.value.pos == 9
    assert parse_expression("...x, y: 1", object_body=True) is not None

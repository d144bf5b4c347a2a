"""Rendering: attributes, dataset, events, wx:if chains, wx:for, keys, R.line on errors."""

from __future__ import annotations

import json

import pytest
from test_wxml_harness import PATH, compile_src, el, error, render, texts, tx, v8

from wxreplay.cards.wxml import WXML_RUNTIME_JS


def test_attribute_values_keep_types_or_concatenate() -> None:
    src = (
        '<view id="v{{n}}" hidden="{{!show}}" scroll-x="true" flag n="{{n}}" o="{{obj}}" mixed="{{n}}{{n}}" '
        'pad=" {{n}}" u="{{nothing}}" u2="a{{nothing}}b" class="{{cls}}" style="color: {{c}};" hover-class="hv"/>'
    )
    [node] = render(src, {"n": 7, "show": False, "obj": {"a": [1]}, "cls": None, "c": "red"})
    assert node["attrs"] == {
        "id": "v7", "hidden": True, "scroll-x": "true", "flag": True, "n": 7, "o": {"a": [1]}, "mixed": "77",
        "pad": " 7", "u2": "ab", "class": "", "style": "color: red;", "hover-class": "hv",
    }  # fmt: skip  # "u" is undefined: JSON drops it


def test_class_and_style_are_always_strings() -> None:
    [node] = render('<view class="{{n}}" style="{{n}}"/>', {"n": 1})
    assert node["attrs"] == {"class": "1", "style": "1"}


def test_dataset_camel_case_and_types() -> None:
    src = (
        '<view data-drink-id="{{item.drinkId}}" data-item="{{item}}" data-elementType="x" data-a-b-c="s" data-n="{{3}}" '
        'data-flag data-mixed="id-{{item.drinkId}}"/>'
    )
    item = {"drinkId": 101, "name": "拿铁", "tags": ["热"]}
    [node] = render(src, {"item": item})
    assert node["ds"] == {"drinkId": 101, "item": item, "elementtype": "x", "aBC": "s", "n": 3, "flag": True, "mixed": "id-101"}
    assert node["attrs"] == {}


def test_event_bindings() -> None:
    src = """<view bindtap="onTap"/>
<view bind:tap="onTap2"/>
<view catchtap="onCatch"/>
<view catch:tap="{{handler}}"/>
<image src="https://a/b.png" bindload="onLoad" binderror="onError" catch:tap="t"/>"""
    nodes = render(src, {"handler": "dyn"})
    assert [n["ev"] for n in nodes] == [
        {"tap": {"h": "onTap", "c": False}},
        {"tap": {"h": "onTap2", "c": False}},
        {"tap": {"h": "onCatch", "c": True}},
        {"tap": {"h": "dyn", "c": True}},
        {"load": {"h": "onLoad", "c": False}, "error": {"h": "onError", "c": False}, "tap": {"h": "t", "c": True}},
    ]
    assert all(n["attrs"].keys() <= {"src"} for n in nodes)


def test_event_bound_twice_is_an_error() -> None:
    e = error('<view bindtap="a" catch:tap="b"/>')
    assert str(e).startswith(f"{PATH}:1:19: event 'tap' is bound twice on <view>")


IF_CHAIN = """<view>
  <text wx:if="{{n > 2}}">big</text>
  <!-- a comment between branches -->
  <text wx:elif="{{n > 1}}">mid</text>
  <text wx:elif="{{n > 0}}">small</text>
  <text wx:else>none</text>
  <text>after</text>
</view>"""


@pytest.mark.parametrize(("n", "expected"), [(3, ("big", 2)), (2, ("mid", 4)), (1, ("small", 5)), (0, ("none", 6))])
def test_if_elif_else_chain(n: int, expected: tuple[str, int]) -> None:
    text, line = expected
    assert render(IF_CHAIN, {"n": n}) == [el("view", 1, el("text", line, tx(text, line)), el("text", 7, tx("after", 7)))]


def test_if_chains_on_blocks_and_separate_chains() -> None:
    src = """<block wx:if="{{a}}"><text>A1</text><text>A2</text></block>
<block wx:else><text>notA</text></block>
<view wx:if="{{b}}">B</view>
<view wx:if="{{!b}}">notB</view>
<view wx:if>bare-if</view>
<view wx:if="false">string-false-is-truthy</view>"""
    assert texts(render(src, {"a": True, "b": False})) == ["A1", "A2", "notB", "bare-if", "string-false-is-truthy"]
    assert texts(render(src, {"a": 0, "b": 1})) == ["notA", "B", "bare-if", "string-false-is-truthy"]


def test_if_chain_inside_text_drops_whitespace_between_branches_only() -> None:
    src = '<text>x <block wx:if="{{a}}">A</block>\n <block wx:else>B</block> y</text>'
    assert texts(render(src, {"a": False})) == ["x ", "B", " y"]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("<view>\n  <view wx:else>x</view></view>", ":2:3: wx:else on <view> without a preceding wx:if/wx:elif sibling"),
        ('<view wx:if="{{a}}"/><text>t</text><view wx:elif="{{b}}"/>', ":1:36: wx:elif on <view> without a preceding"),
        ('<view wx:if="{{a}}" wx:else/>', ":1:1: <view> has both wx:if and wx:else"),
        ('<view wx:show="{{a}}"/>', ":1:7: unknown control attribute wx:show\n"),  # no guess: not a misspelling
        ("<view wx:esle/>", ":1:7: unknown control attribute wx:esle; did you mean wx:else?\n"),
        (
            '<view wx:for="{{l}}" wx:if="{{item}}"/>\n<view wx:else/>',
            ":2:1: wx:elif/wx:else cannot follow an element with both wx:for and wx:if",
        ),
        ('<view wx:for="{{l}}" wx:for-item="a.b"/>', ":1:35: wx:for-item must be a plain variable name"),
    ],
)
def test_control_attribute_errors(src: str, message: str) -> None:
    assert str(error(src)).startswith(PATH + message)


def test_for_over_arrays_with_default_names_and_keys() -> None:
    src = '<view wx:for="{{items}}" wx:key="id" data-i="{{index}}">{{index}}:{{item.name}}</view>'
    nodes = render(src, {"items": [{"id": "a", "name": "拿铁"}, {"id": "b", "name": "美式"}]})
    assert nodes == [
        el("view", 1, tx("0:拿铁", 1), ds={"i": 0}, key="a"),
        el("view", 1, tx("1:美式", 1), ds={"i": 1}, key="b"),
    ]


def test_for_key_this_and_custom_names() -> None:
    src = '<text wx:for="{{tags}}" wx:for-item="tag" wx:for-index="i" wx:key="*this">{{i}}{{tag}}</text>'
    assert render(src, {"tags": ["热", "冰"]}) == [el("text", 1, tx("0热", 1), key="热"), el("text", 1, tx("1冰", 1), key="冰")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"x": 1, "y": 2}, ["x=1", "y=2"]),  # objects: index is the key
        (3, ["0=0", "1=1", "2=2"]),  # numbers: 0..n-1
        ("拿铁", ["0=拿", "1=铁"]),  # strings: characters
        (None, []),
        ([], []),
        (True, []),
    ],
)
def test_for_over_every_kind_of_value(value: object, expected: list[str]) -> None:
    assert texts(render('<view wx:for="{{v}}">{{index}}={{item}}</view>', {"v": value})) == expected


def test_for_over_a_missing_field_and_a_static_string() -> None:
    assert render('<view wx:for="{{nothing}}">x</view>', {}) == []
    assert texts(render('<view wx:for="ab">{{item}}</view>')) == ["a", "b"]
    assert texts(render('<view wx:for-items="{{[1, 2]}}">{{item}}</view>')) == ["1", "2"]


def test_nested_for_with_shadowing() -> None:
    src = """<view wx:for="{{groups}}">
  <text wx:for="{{item.drinks}}">{{index}}{{item}}</text>
  <text>{{index}}{{item.name}}</text>
</view>"""
    data = {"groups": [{"name": "咖啡", "drinks": ["拿铁", "美式"]}, {"name": "茶", "drinks": []}], "item": "outer"}
    assert texts(render(src, data)) == ["0拿铁", "1美式", "0咖啡", "1茶"]


def test_nested_for_with_distinct_names_sees_both() -> None:
    src = (
        '<view wx:for="{{rows}}" wx:for-item="row" wx:for-index="r">'
        '<text wx:for="{{row}}" wx:for-item="cell" wx:for-index="c">{{r}}{{c}}{{cell}}{{label}}</text></view>'
    )
    assert texts(render(src, {"rows": [["a"], ["b", "c"]], "label": "!"})) == ["00a!", "10b!", "11c!"]


def test_for_with_if_on_the_same_element_checks_each_item() -> None:
    src = '<view wx:for="{{list}}" wx:if="{{item.show}}" wx:key="id">{{item.id}}</view>'
    nodes = render(src, {"list": [{"id": 1, "show": True}, {"id": 2}, {"id": 3, "show": 1}]})
    assert [n["key"] for n in nodes] == [1, 3]


def test_block_for_renders_children_inline() -> None:
    src = '<view><block wx:for="{{[1, 2]}}" wx:key="*this"><text>{{item}}</text><text>-</text></block></view>'
    [root] = render(src)
    assert root["kids"] == [
        el("text", 1, tx("1", 1)),
        el("text", 1, tx("-", 1)),
        el("text", 1, tx("2", 1)),
        el("text", 1, tx("-", 1)),
    ]


def test_elif_and_else_branches_may_loop() -> None:
    src = '<view wx:if="{{none}}">none</view><view wx:else wx:for="{{[1, 2]}}">{{item}}</view>'
    assert texts(render(src, {"none": False})) == ["1", "2"]


def test_render_with_undefined_data() -> None:
    assert render('<view class="{{a.b}}">{{a}}{{a.b.c}}</view>') == [el("view", 1, tx("", 1), attrs={"class": ""})]


def test_runtime_error_reports_wxml_line_and_file() -> None:
    src = (
        '<wxs module="m">module.exports = { boom: function () { throw new Error("boom") } }</wxs>\n'
        "<view>\n\n  <text>{{m.boom()}}</text>\n</view>"
    )
    t = compile_src(src)
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; var T = (0, eval)({json.dumps(t.js)});")
    got = ctx.eval(
        "(function(){ try { T.render({}, R); return 'no error'; }"
        " catch (e) { return e.message + ' @' + R.file + ':' + R.line; } })()"
    )
    assert got == f"boom @{PATH}:4"


def test_render_is_repeatable_and_does_not_mutate_data() -> None:
    src = '<view wx:for="{{items}}" data-item="{{item}}">{{item.n}}</view>'
    t = compile_src(src)
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; var T = (0, eval)({json.dumps(t.js)}); var D = {{items: [{{n: 1}}]}};")
    first = ctx.eval("JSON.stringify([T.render(D, R), T.render(D, R), D])")
    a, b, d = json.loads(first)
    assert a == b and d == {"items": [{"n": 1}]}

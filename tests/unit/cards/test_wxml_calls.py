"""Data-binding semantics of platform spec addendum A1, compiled and evaluated in real V8.

Method calls (``{{item.date.slice(5)}}``) are not a documented operator: by default they render as
``undefined`` and are listed for a warning; ``calls="javascript"`` evaluates them. A space after ``}}``
makes the value a string, ``"false"`` is a truthy string, and object literals take spread and
shorthand in every ``{{ }}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_wxml_harness import PATH, compile_src, el, run, texts, tx, v8

from wxreplay.cards.html import render_html
from wxreplay.cards.tree import build_tree
from wxreplay.cards.wxml import WXML_RUNTIME_JS, compile_template
from wxreplay.config import RootConfig, wxml_calls
from wxreplay.errors import UsageError

DATA = {
    "posts": [
        {"id": "p1", "date": "2026-03-14", "tags": ["新品", "限定", "热饮"], "score": 87.6},
        {"id": "p2", "date": "2026-03-20", "tags": ["会员"], "score": 42.2},
    ],
    "ids": ["p2"],
}

# Each call shape real packages use: text, wx:for, wx:if (with an else), class, style, data-*, a plain attribute.
SHAPES = (
    """<view wx:for="{{posts}}" wx:key="id" class="{{ids.indexOf(item.id) >= 0 ? 'post on' : 'post'}}" """
    """data-day="{{item.date.slice(5)}}">
  <text>{{item.date.slice(5)}}</text>
  <text wx:for="{{item.tags.slice(0, 2)}}" wx:for-item="tag">{{tag}}</text>
  <text wx:if="{{ids.indexOf(item.id) >= 0}}">已收藏</text>
  <text wx:else>未收藏</text>
  <view style="width: {{item.score.toFixed(0)}}%" title="{{item.date.slice(0, 4)}}"/>
</view>"""
)


def post(key: str, on: bool, day: str | None, tags: list[str], saved: str, width: str, year: str | None) -> dict[str, Any]:
    """The expected VNode of one post of :data:`SHAPES`."""
    bar = el("view", 6, attrs={"style": f"width: {width}%", **({"title": year} if year is not None else {})})
    kids = [el("text", 2, tx(day or "", 2)), *(el("text", 3, tx(t, 3)) for t in tags)]
    kids += [el("text", 4 if saved == "已收藏" else 5, tx(saved, 4 if saved == "已收藏" else 5)), bar]
    ds = {"day": day} if day is not None else {}
    return el("view", 1, *kids, attrs={"class": "post on" if on else "post"}, ds=ds, key=key)


def test_method_calls_render_as_undefined_by_default() -> None:
    t = compile_src(SHAPES)
    assert run(t, DATA) == [
        post("p1", False, None, [], "未收藏", "", None),
        post("p2", False, None, [], "未收藏", "", None),
    ]


def test_each_call_is_listed_once_with_its_place_and_expression() -> None:
    t = compile_src(SHAPES)
    assert [(c.file, c.line, c.column, c.call, c.expression) for c in t.method_calls] == [
        (PATH, 1, 47, "ids.indexOf(item.id)", "ids.indexOf(item.id) >= 0 ? 'post on' : 'post'"),
        (PATH, 1, 109, "item.date.slice(5)", "item.date.slice(5)"),
        (PATH, 2, 11, "item.date.slice(5)", "item.date.slice(5)"),
        (PATH, 3, 19, "item.tags.slice(0, 2)", "item.tags.slice(0, 2)"),
        (PATH, 4, 18, "ids.indexOf(item.id)", "ids.indexOf(item.id) >= 0"),
        (PATH, 6, 25, "item.score.toFixed(0)", "item.score.toFixed(0)"),
        (PATH, 6, 60, "item.date.slice(0, 4)", "item.date.slice(0, 4)"),
    ]


def test_javascript_calls_are_evaluated_with_their_receiver() -> None:
    t = compile_template({PATH: SHAPES}, PATH, calls="javascript")
    assert t.method_calls == ()
    assert run(t, DATA) == [
        post("p1", False, "03-14", ["新品", "限定"], "未收藏", "88", "2026"),
        post("p2", True, "03-20", ["会员"], "已收藏", "42", "2026"),
    ]
    src = "<text>{{'ab'.toUpperCase() + [3, 1, 2].concat([0]).join('')}}</text>"
    upper = compile_template({PATH: src}, PATH, calls="javascript")
    assert texts(run(upper)) == ["AB3120"]


def test_a_chain_of_calls_is_one_call_and_its_arguments_are_not_evaluated() -> None:
    src = """<wxs module="m">module.exports = { boom: function () { throw new Error('evaluated') } }</wxs>
<text>{{s.trim().slice(m.boom())}}|{{(s).trim()}}</text>"""
    t = compile_src(src)
    assert [c.call for c in t.method_calls] == ["s.trim().slice(m.boom())", "(s).trim()"]
    assert texts(run(t, {"s": " ab "})) == ["|"]
    js = compile_template({PATH: src.replace("m.boom()", "1")}, PATH, calls="javascript")
    assert texts(run(js, {"s": " ab "})) == ["b|ab"]


def test_calls_of_wxs_functions_are_untouched_in_both_modes() -> None:
    src = """<wxs module="fmt">module.exports = {
  short: function (d) { return d.slice(5) }, two: function (l) { return l.slice(0, 2) }
}</wxs>
<view wx:for="{{posts}}"><text>{{fmt.short(item.date)}}</text><text wx:for="{{fmt.two(item.tags)}}">{{item}}</text></view>"""
    default, javascript = compile_src(src), compile_template({PATH: src}, PATH, calls="javascript")
    assert default.js == javascript.js and default.method_calls == ()
    assert texts(run(default, DATA)) == ["03-14", "新品", "限定", "03-20", "会员"]
    # A method of what a wxs function returned is still part of the wxs call (as before).
    chained = compile_src(src.replace("fmt.short(item.date)", "fmt.short(item.date).slice(1)"))
    assert chained.method_calls == () and texts(run(chained, DATA))[0] == "3-14"


def test_calls_in_included_and_imported_files_are_located_there() -> None:
    d = "skills/s/components/c"
    files = {
        f"{d}/index.wxml": '<import src="./row.wxml"/>\n<include src="./foot.wxml"/>\n<include src="./foot.wxml"/>\n'
        '<template is="row" data="{{n: name}}"/>',
        f"{d}/foot.wxml": "<text>\n  at {{at.slice(11, 16)}}</text>",
        f"{d}/row.wxml": '<template name="row"><text>{{n.toUpperCase()}}</text></template>',
    }
    t = compile_template(files, f"{d}/index.wxml")
    assert [(c.file, c.line, c.column, c.call) for c in t.method_calls] == [
        (f"{d}/row.wxml", 1, 30, "n.toUpperCase()"),
        (f"{d}/foot.wxml", 2, 8, "at.slice(11, 16)"),  # included twice, listed once
    ]
    assert texts(run(t, {"at": "2026-03-21T08:30", "name": "x"})) == ["\n  at ", "\n  at ", ""]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("<view>\n  <text>{{order.note.trim()}}</text>\n</view>", "{{order.note.trim()}}: cannot call trim of undefined"),
        ("<view>\n  <text>{{n.trim()}}</text>\n</view>", "{{n.trim()}}: trim is not a function"),
        ("<view>\n  <text>{{fn(1)}}</text>\n</view>", "{{fn(1)}}: undefined is not a function"),
    ],
)
def test_a_javascript_call_that_throws_is_an_error_at_its_wxml_line(src: str, message: str) -> None:
    t = compile_template({PATH: src}, PATH, calls="javascript")
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; var T = (0, eval)({json.dumps(t.js)});")
    got = ctx.eval(
        "(function(){ try { T.render({order: {}, n: 3}, R); return 'no error'; }"
        " catch (e) { return e.name + ': ' + e.message + ' @' + R.file + ':' + R.line; } })()"
    )
    assert got == f"TypeError: {message} @{PATH}:2"


def test_an_unknown_calls_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="calls must be one of undefined, javascript, not 'js'"):
        compile_template({PATH: "<view/>"}, PATH, calls="js")  # type: ignore[arg-type]


# ---- a space after }} makes a string ---------------------------------------------------------------


def test_a_space_after_the_braces_makes_the_value_a_string() -> None:
    [spaced, concat, bare] = run(
        compile_src('<view data-v="{{[1,2,3]}} "/><view data-v="{{[1,2,3] + \' \'}}"/><view data-v="{{[1,2,3]}}"/>')
    )
    assert spaced["ds"] == concat["ds"] == {"v": "1,2,3 "}
    assert bare["ds"] == {"v": [1, 2, 3]}


def test_a_space_after_the_braces_makes_wx_for_iterate_characters_and_wx_if_a_string() -> None:
    src = """<text wx:for="{{[1,2,3]}} ">[{{item}}]</text>
<text wx:for="{{[1,2,3] + ' '}}">({{item}})</text>
<text wx:if="{{false}} ">shown: the string "false "</text>
<text wx:if="{{false}}">hidden</text>"""
    assert texts(run(compile_src(src))) == [
        *(f"[{c}]" for c in "1,2,3 "),
        *(f"({c})" for c in "1,2,3 "),
        'shown: the string "false "',
    ]


# ---- "false" is a truthy string ---------------------------------------------------------------------


def test_false_in_quotes_is_the_string_false_and_hidden_false_hides() -> None:
    src = '<button disabled="false"/><view hidden="false">a</view><view hidden="{{false}}">b</view><view hidden>c</view>'
    nodes = run(compile_src(src))
    assert [n["attrs"] for n in nodes] == [{"disabled": "false"}, {"hidden": "false"}, {"hidden": False}, {"hidden": True}]
    html = render_html(build_tree(nodes).children, "", file="c/index.wxss")
    hidden = [chunk for chunk in html.split("<div")[1:] if "display: none" in chunk]
    assert [">a<" in h or ">c<" in h for h in hidden] == [True, True] and not any(">b<" in h for h in hidden)


# ---- spread and shorthand in every object literal ------------------------------------------------


def test_object_spread_and_shorthand_work_in_any_expression() -> None:
    src = '<view data-o="{{ {...base, n, k: \'x\', ...missing} }}" data-p="{{ {n} }}"/>'
    [node] = run(compile_src(src), {"base": {"a": 1, "n": 0}, "n": 5})
    assert node["ds"] == {"o": {"a": 1, "n": 5, "k": "x"}, "p": {"n": 5}}


def test_spread_and_shorthand_inside_a_loop_see_the_loop_variables() -> None:
    src = '<view wx:for="{{items}}" wx:for-index="i" data-o="{{ {...item, i} }}"/>'
    nodes = run(compile_src(src), {"items": [{"x": 1}, {"x": 2}]})
    assert [n["ds"]["o"] for n in nodes] == [{"x": 1, "i": 0}, {"x": 2, "i": 1}]


# ---- [tool.wxreplay] wxml_calls -----------------------------------------------------------------


def _root(tmp_path: Path, pyproject: str | None) -> RootConfig:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return RootConfig(tmp_path)


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        (None, "undefined"),
        ("[project]\nname = 'x'\n", "undefined"),
        ("[tool.wxreplay.redact]\nextra_fields = ['x']\n", "undefined"),
        ('[tool.wxreplay]\nwxml_calls = "undefined"\n', "undefined"),
        ('[tool.wxreplay]\nwxml_calls = "javascript"\n', "javascript"),
        ('[tool]\nwxreplay.wxml_calls = "javascript"\n', "javascript"),
    ],
)
def test_the_setting_is_read_from_tool_wxreplay(tmp_path: Path, pyproject: str | None, expected: str) -> None:
    assert wxml_calls(_root(tmp_path, pyproject)) == expected


@pytest.mark.parametrize(
    ("pyproject", "line", "shown"),
    [
        ('[project]\nname = "x"\n\n[tool.wxreplay]\nwxml_calls = "js"\n', 5, '"js"'),
        ("[tool.wxreplay]\n  wxml_calls = true\n", 2, "True"),
    ],
)
def test_a_bad_value_names_the_file_and_line(tmp_path: Path, pyproject: str, line: int, shown: str) -> None:
    with pytest.raises(UsageError) as e:
        wxml_calls(_root(tmp_path, pyproject))
    text = str(e.value)
    assert text.startswith(f"{tmp_path / 'pyproject.toml'}:{line}: [tool.wxreplay] wxml_calls = {shown} is not one of ")
    assert '"undefined", "javascript"' in text and 'fix: write wxml_calls = "undefined"' in text


def test_a_broken_pyproject_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"pyproject\.toml: invalid TOML"):
        wxml_calls(_root(tmp_path, "[tool.wxreplay\n"))

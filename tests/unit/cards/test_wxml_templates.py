"""<template>, <import>, <include> and <wxs>: scoping, paths, dependencies and missing targets."""

from __future__ import annotations

import json

import pytest
from test_wxml_harness import PATH, compile_src, el, error, render, run, texts, tx, v8

from wxreplay.cards.wxml import WXML_RUNTIME_JS
from wxreplay.errors import TemplateError

DIR = "skills/s/components/c"


def test_template_definitions_render_only_where_used() -> None:
    src = """<template name="price"><text class="p">¥{{price}}</text></template>
<view>
  <template is="price" data="{{price: item.price}}"/>
  <template is="price" data="{{...item}}"/>
</view>"""
    assert render(src, {"item": {"price": 12}, "price": 99}) == [
        el("view", 2, el("text", 1, tx("¥12", 1), attrs={"class": "p"}), el("text", 1, tx("¥12", 1), attrs={"class": "p"}))
    ]


def test_template_data_spread_shorthand_and_literals() -> None:
    src = """<template name="t">{{name}}|{{index}}|{{extra}}|{{n}}|{{outer}}</template>
<view wx:for="{{items}}"><template is="t" data="{{...item, index, extra: 'x' + index, n: 1}}"/></view>"""
    assert texts(render(src, {"items": [{"name": "拿铁", "n": 5}], "outer": "hidden"})) == ["拿铁|0|x0|1|"]


def test_template_data_shorthand_passes_a_whole_object() -> None:
    src = '<template name="t">{{item.name}}</template><template is="t" data="{{item}}"/>'
    assert texts(render(src, {"item": {"name": "美式"}})) == ["美式"]


def test_template_without_data_sees_nothing() -> None:
    assert render('<template name="t"><view>{{a}}</view></template><template is="t"/>', {"a": 1}) == [el("view", 1, tx("", 1))]


def test_dynamic_template_name_and_unknown_name_renders_nothing() -> None:
    src = """<template name="cup-hot"><text>热</text></template>
<template name="cup-cold"><text>冰</text></template>
<block wx:for="{{cups}}"><template is="cup-{{item}}"/><template is="{{item === 'hot' ? 'cup-cold' : 'nope'}}"/></block>"""
    assert texts(render(src, {"cups": ["hot", "cold", "warm"]})) == ["热", "冰", "冰"]


def test_templates_can_call_templates_and_recurse() -> None:
    src = """<template name="node"><view>{{label}}<block wx:for="{{kids}}">
  <template is="node" data="{{...item}}"/></block></view></template>
<template name="tree"><template is="node" data="{{...root}}"/></template>
<template is="tree" data="{{root}}"/>"""
    tree = {"label": "a", "kids": [{"label": "b", "kids": [{"label": "c"}]}, {"label": "d"}]}
    assert texts(render(src, {"root": tree})) == ["a", "b", "c", "d"]


def test_template_wx_if_and_wx_for_on_the_use() -> None:
    src = """<template name="t"><text>{{v}}</text></template>
<template wx:for="{{[1, 2]}}" wx:if="{{item > 1}}" is="t" data="{{v: item}}"/>"""
    assert texts(render(src)) == ["2"]


def test_missing_template_is_a_compile_error() -> None:
    e = error('<template name="a"/>\n<view><template is="b"/></view>')
    assert str(e).startswith(f"{PATH}:2:21: template 'b' not found (templates available here: a)\n")


def test_missing_template_suggests_the_close_name() -> None:
    e = error('<template name="card"/><template name="row"/>\n<view><template is="crad"/></view>')
    assert str(e).startswith(
        f"{PATH}:2:21: template 'crad' not found (templates available here: card, row); did you mean 'card'?\n"
    )


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("<template/>", ':1:1: <template> needs is="name"'),
        ('<template name="a"/><template name="a"/>', ":1:21: template 'a' is defined twice (first at line 1)"),
        ('<template name="{{x}}"/>', ":1:11: <template name> must be a static"),
        ('<template name="a"/><template is="a" data="x: 1"/>', ":1:44: <template data> must be one {{ ... }}"),
        ('<template name="a"/><template is="a" data="{{x: }}"/>', ":1:49: bad expression {{x:}}: unexpected end"),
    ],
)
def test_template_errors(src: str, message: str) -> None:
    assert str(error(src)).startswith(PATH + message)


COMMON = {
    f"{DIR}/index.wxml": '<import src="./common.wxml"/><import src="/skills/s/shared/more"/>'
                         '<view><template is="a"/><template is="m"/></view>',
    f"{DIR}/common.wxml": '<import src="./deep.wxml"/><template name="a"><text>A</text><template is="d"/></template>',
    f"{DIR}/deep.wxml": '<template name="d"><text>D</text></template>',
    "skills/s/shared/more.wxml": '<template name="m"><text>M{{x}}</text></template>',
}  # fmt: skip


def test_import_makes_templates_available_and_records_dependencies() -> None:
    t = compile_src(COMMON, f"{DIR}/index.wxml")
    nodes = run(t, {"x": 1})
    common, deep, more = f"{DIR}/common.wxml", f"{DIR}/deep.wxml", "skills/s/shared/more.wxml"
    assert nodes == [
        el(
            "view",
            1,
            el("text", 1, tx("A", 1, file=common), file=common),
            el("text", 1, tx("D", 1, file=deep), file=deep),
            el("text", 1, tx("M", 1, file=more), file=more),  # no data passed: {{x}} is empty
        )
    ]
    assert t.dependencies == (f"{DIR}/common.wxml", f"{DIR}/deep.wxml", "skills/s/shared/more.wxml")
    assert t.tags_used == ("import", "template", "text", "view")


def test_import_is_not_transitive() -> None:
    files = {**COMMON, f"{DIR}/index.wxml": '<import src="./common.wxml"/><template is="d"/>'}
    e = error(files, f"{DIR}/index.wxml")
    assert str(e).startswith(f"{DIR}/index.wxml:1:44: template 'd' not found (templates available here: a)")


def test_local_template_wins_over_imported() -> None:
    files = {
        **COMMON,
        f"{DIR}/index.wxml": '<import src="./common.wxml"/><template name="a"><text>local</text></template><template is="a"/>',
    }
    assert texts(render(files, path=f"{DIR}/index.wxml")) == ["local"]


INCLUDE = {
    f"{DIR}/index.wxml": """<wxs module="u">module.exports = { up: function (s) { return s.toUpperCase() } }</wxs>
<template name="mine"><text>mine</text></template>
<view>
  <include src="header.wxml"/>
  <include wx:if="{{show}}" src="/skills/s/parts/footer.wxml"/>
</view>""",
    f"{DIR}/header.wxml": """<template name="hidden"><text>never</text></template>
<wxs module="hidden">module.exports = {}</wxs>
<text class="h">{{title}}</text>
<template is="mine"/>
<text>{{u.up('x')}}</text>""",
    "skills/s/parts/footer.wxml": "<view>footer {{title}}</view>",
}


def test_include_inlines_content_in_the_includer_scope() -> None:
    t = compile_src(INCLUDE, f"{DIR}/index.wxml")
    h, f = f"{DIR}/header.wxml", "skills/s/parts/footer.wxml"
    assert run(t, {"title": "标题", "show": True}) == [el("view", 3,
        el("text", 3, tx("标题", 3, file=h), attrs={"class": "h"}, file=h),
        el("text", 2, tx("mine", 2)),
        el("text", 5, tx("X", 5, file=h), file=h),
        el("view", 1, tx("footer 标题", 1, file=f), file=f))]  # fmt: skip
    assert texts(run(t, {"title": "t", "show": False})) == ["t", "mine", "X"]
    assert t.dependencies == (h, f)


def test_include_does_not_bring_its_templates_or_wxs() -> None:
    files = {**INCLUDE, f"{DIR}/header.wxml": '<template name="hidden"/><template is="hidden"/>'}
    assert "template 'hidden' not found" in str(error(files, f"{DIR}/index.wxml"))
    files = {**INCLUDE, f"{DIR}/header.wxml": '<wxs module="w">module.exports = {f: 1}</wxs>{{w.f()}}'}
    t = compile_src(files, f"{DIR}/index.wxml")  # w is a data field here: a method call, rendered as undefined
    assert [(c.file, c.line, c.column, c.call) for c in t.method_calls] == [(f"{DIR}/header.wxml", 1, 48, "w.f()")]
    assert texts(run(t, {"w": {"f": 1}, "show": False})) == [""]


def test_include_cycle_is_an_error() -> None:
    files = {f"{DIR}/index.wxml": '<include src="a.wxml"/>', f"{DIR}/a.wxml": '<view/>\n<include src="./index.wxml"/>'}
    e = error(files, f"{DIR}/index.wxml")
    assert str(e).startswith(f"{DIR}/a.wxml:2:15: include cycle: {DIR}/index.wxml -> {DIR}/a.wxml -> {DIR}/index.wxml")


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ('<import src="./nope.wxml"/>', f":1:14: import target './nope.wxml' not found (resolved to {DIR}/nope.wxml)"),
        ('<view>\n  <include src="/x/y.wxml"/></view>', ":2:17: include target '/x/y.wxml' not found (resolved to x/y.wxml)"),
        ('<wxs module="m" src="../u.wxs"/>', ":1:22: wxs file '../u.wxs' not found (resolved to skills/s/components/u.wxs)"),
        ('<include src="../../../../../x.wxml"/>', ":1:15: include src '../../../../../x.wxml' points outside the project"),
        ("<include/>", ":1:1: <include> needs a src attribute"),
        ('<import src="{{x}}"/>', ":1:9: import needs a static src path"),
        ("<wxs>1</wxs>", ':1:1: <wxs> needs module="name"'),
        ('<wxs module="m">a</wxs><wxs module="m">b</wxs>', ":1:29: wxs module 'm' is defined twice"),
    ],
)
def test_missing_targets_and_bad_paths(src: str, message: str) -> None:
    assert str(error(src)).startswith(PATH + message)


def test_missing_template_file_itself() -> None:
    with pytest.raises(TemplateError, match=r"template nope\.wxml not found among the package files"):
        compile_src({}, "nope.wxml")


def test_wxs_inline_and_src_with_require_and_builtins() -> None:
    files = {
        f"{DIR}/index.wxml": """<wxs module="fmt" src="./fmt.wxs"/>
<wxs module="inline">
  var k = 1 < 2 && 3 > 2;   // raw script: < and > are fine
  module.exports.ok = k;
</wxs>
<view>{{fmt.price(p)}} {{fmt.year(ts)}} {{fmt.digits('a1b22')}} {{inline.ok}} {{fmt['price'](1)}}</view>""",
        f"{DIR}/fmt.wxs": """var money = require('../../utils/money.wxs');
module.exports = {
  price: function (p) { return money.yuan(p); },
  year: function (ts) { return getDate(ts).getUTCFullYear(); },
  digits: function (s) { return s.replace(getRegExp('[^0-9]', 'g'), ''); }
};""",
        "skills/s/utils/money.wxs": "module.exports.yuan = function (p) { return '¥' + (p / 100).toFixed(2); };",
    }
    t = compile_src(files, f"{DIR}/index.wxml")
    assert texts(run(t, {"p": 1250, "ts": 0})) == ["¥12.50 1970 122 true ¥0.01"]
    assert t.dependencies == (f"{DIR}/fmt.wxs", "skills/s/utils/money.wxs")
    assert t.tags_used == ("view", "wxs")


def test_wxs_module_runs_once_per_runtime_and_inside_templates() -> None:
    files = {
        f"{DIR}/index.wxml": '<import src="./t.wxml"/><wxs module="c" src="./count.wxs"/>'
                             '<text>{{c.n()}}</text><template is="t"/><template is="t"/>',
        f"{DIR}/t.wxml": '<wxs module="c2" src="./count.wxs"/><template name="t"><text>{{c2.n()}}</text></template>',
        f"{DIR}/count.wxs": "var loads = (typeof loads === 'number' ? loads : 0) + 1; var calls = 0;\n"
                            "module.exports.n = function () { calls++; return loads + ':' + calls; };",
    }  # fmt: skip
    t = compile_src(files, f"{DIR}/index.wxml")
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; var T = (0, eval)({json.dumps(t.js)});")
    first = json.loads(ctx.eval("JSON.stringify(T.render({}, R))"))
    second = json.loads(ctx.eval("JSON.stringify(T.render({}, R))"))
    assert texts(first) == ["1:1", "1:2", "1:3"]
    assert texts(second) == ["1:4", "1:5", "1:6"]
    assert texts(run(t)) == ["1:1", "1:2", "1:3"]  # a fresh R starts over


def test_wxs_require_missing_is_reported_in_the_wxs_file() -> None:
    files = {f"{DIR}/index.wxml": '<wxs module="m" src="a.wxs"/>', f"{DIR}/a.wxs": "var x = 1;\nvar b = require('./b.wxs');"}
    e = error(files, f"{DIR}/index.wxml")
    assert str(e).startswith(f"{DIR}/a.wxs:2:18: wxs file './b.wxs' not found (resolved to {DIR}/b.wxs)")


def test_wxs_require_cycle_works_like_commonjs() -> None:
    files = {
        f"{DIR}/index.wxml": '<wxs module="a" src="a.wxs"/><view>{{a.v()}}</view>',
        f"{DIR}/a.wxs": "module.exports.name = 'a'; var b = require('./b.wxs');\n"
        "module.exports.v = function () { return b.seen; };",
        f"{DIR}/b.wxs": "var a = require('./a.wxs'); module.exports.seen = a.name;",
    }
    assert texts(render(files, path=f"{DIR}/index.wxml")) == ["a"]


def test_wxs_module_shadowed_by_loop_variable_and_shadowing_data() -> None:
    src = (
        '<wxs module="m">module.exports.x = "wxs"</wxs><view>{{m.x}}</view>'
        '<view wx:for="{{[{x: 1}]}}" wx:for-item="m">{{m.x}}</view>'
    )
    assert texts(render(src, {"m": {"x": "data"}})) == ["wxs", "1"]


def test_wxs_requires_in_comments_are_ignored() -> None:
    files = {
        f"{DIR}/index.wxml": '<wxs module="m" src="a.wxs"/><view>{{m.v}}</view>',
        f"{DIR}/a.wxs": "// var old = require('./old.wxs');\n/* require(\"./gone.wxs\") */\n"
        "module.exports.v = 'ok // not a comment';",
    }
    assert texts(render(files, path=f"{DIR}/index.wxml")) == ["ok // not a comment"]


def test_compiled_object_shape() -> None:
    t = compile_src({PATH: '<wxs module="m">module.exports.a = 1</wxs><view/>'})
    ctx = v8()
    shape = ctx.eval(
        f"(function(){{ var T = (0, eval)({json.dumps(t.js)}); var f = T.wxs[{json.dumps(PATH + '#m')}].f;"
        " return [typeof T.render, T.file, typeof f, f.length].join(' '); })()"
    )
    assert shape == f"function {PATH} function 3"


def test_include_in_a_loop_sees_the_loop_variables() -> None:
    files = {PATH: '<include wx:for="{{[1, 2]}}" src="row.wxml"/>', f"{DIR}/row.wxml": "<text>{{index}}:{{item}}</text>"}
    assert texts(render(files)) == ["0:1", "1:2"]

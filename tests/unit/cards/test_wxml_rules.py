"""Card rules (spec 5.2): reusable violations, and the compiler raising the first one."""

from __future__ import annotations

import pytest
from test_wxml_harness import PATH, compile_src, error

from wxreplay.cards.wxml import Diagnostic, check_card_rules, parse_wxml


@pytest.mark.parametrize("tag", ["swiper", "input", "navigator", "web-view", "rich-text", "form", "my-card", "video"])
def test_non_whitelisted_tags_are_errors(tag: str) -> None:
    e = error(f"<view>\n  <{tag} class='x'></{tag}>\n</view>")
    assert str(e).startswith(f"{PATH}:2:3: tag <{tag}> is not allowed in cards (spec 5.2) [card-tag]")
    assert (
        "fix: cards may use only block, button, canvas, collapsible-view, image, import, include, map, scroll-view, slot"
        in str(e)
    )


def test_every_whitelisted_tag_compiles() -> None:
    src = """<view><text>t</text><map id="m"/><button bindtap="go">b</button><image src="https://a/b.png"/>
<canvas type="2d"/><scroll-view scroll-x><view/></scroll-view><collapsible-view><view slot="button"/></collapsible-view>
<block/><slot/></view>"""
    t = compile_src(src)
    assert t.tags_used == ("block", "button", "canvas", "collapsible-view", "image", "map", "scroll-view", "slot", "text", "view")


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ('<button open-type="share">s</button>', ":1:9: open-type on <button> is not allowed in cards (spec 5.2) [card-button"),
        ("<button open-type>s</button>", ":1:9: open-type on <button>"),
        ('<scroll-view scroll-y="true"/>', ":1:14: scroll-view with scroll-y is not allowed in cards"),
        ('<scroll-view scroll-x scroll-y/>', ":1:23: scroll-view with scroll-y"),
        ("<view>\n<scroll-view/></view>", ":2:1: scroll-view in a card needs scroll-x"),
        ('<view bindlongpress="a"/>', ":1:7: event 'longpress' (bindlongpress) on <view> is not allowed in cards: only tap"),
        ('<view bind:touchstart="a"/>', ":1:7: event 'touchstart' (bind:touchstart)"),
        ('<view catchtouchmove="a"/>', ":1:7: event 'touchmove' (catchtouchmove)"),
        ('<scroll-view scroll-x bindscroll="a"/>', ":1:23: event 'scroll' (bindscroll) on <scroll-view>"),
        ('<view bindload="a"/>', ":1:7: event 'load' (bindload) on <view> is not allowed"),
        ('<image src="a.png" bindtouchend="a"/>', ":1:20: event 'touchend' (bindtouchend) on <image> is not allowed in"),
        ('<view capture-bind:tap="a"/>', ":1:7: capture-bind:tap is not supported in cards: use bindtap or catchtap"),
        ('<view mut-bind:tap="a"/>', ":1:7: mut-bind:tap is not supported in cards"),
    ],
)  # fmt: skip
def test_rule_violations_are_compile_errors(src: str, message: str) -> None:
    assert str(error(src)).startswith(PATH + message)


def test_image_event_message_lists_its_events() -> None:
    assert "only tap, load and error (spec 5.2)" in str(error('<image src="a.png" bindtouchend="a"/>'))


def test_rules_apply_inside_templates_and_included_files() -> None:
    assert "tag <input>" in str(error('<template name="t"><input/></template>'))
    files = {PATH: '<include src="./part.wxml"/>', "skills/s/components/c/part.wxml": '<view>\n<view bindinput="x"/></view>'}
    assert str(error(files)).startswith("skills/s/components/c/part.wxml:2:7: event 'input' (bindinput)")


def test_compiler_raises_the_first_violation_in_document_order() -> None:
    src = '<view>\n<swiper/>\n<button open-type="contact"/>\n</view>'
    assert "tag <swiper>" in str(error(src))
    assert [v.rule for v in check_card_rules(parse_wxml(PATH, src))] == ["card-tag", "card-button-open-type"]


def test_check_card_rules_returns_all_violations_with_positions() -> None:
    src = """<view bindlongpress="a">
  <swiper/>
  <text user-select>t</text>
  <image src="https://a/b.gif"/>
  <image src="/local.png"/>
  <image src="{{dynamic}}"/>
  <canvas/>
  <canvas type="webgl"/>
</view>"""
    doc = parse_wxml("x.wxml", src)
    errors = check_card_rules(doc)
    assert [(v.line, v.column, v.rule, v.level) for v in errors] == [
        (1, 7, "card-event", "error"),
        (2, 3, "card-tag", "error"),
    ]
    all_ = check_card_rules(doc, warnings=True)
    assert [(v.line, v.rule, v.level) for v in all_ if v.level == "warning"] == [
        (3, "card-text-user-select", "warning"),
        (4, "card-image-src", "warning"),
        (5, "card-image-src", "warning"),
        (7, "card-canvas-type", "warning"),
        (8, "card-canvas-type", "warning"),
    ]
    v = all_[1]
    assert isinstance(v, Diagnostic) and v.file == "x.wxml" and v.message == "tag <swiper> is not allowed in cards (spec 5.2)"


def test_warnings_do_not_stop_the_compiler() -> None:
    compile_src('<view><image src="https://a/b.gif"/><text user-select>x</text><canvas/></view>')

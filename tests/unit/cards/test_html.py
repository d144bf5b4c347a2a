"""Cards as HTML: tag mapping, WXSS → CSS (rpx, env, media, dark mode), escaping, the host box; Chromium."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest

from wxreplay.cards import browser
from wxreplay.cards.browser import OverflowReport, find_chromium, measure_overflow, screenshot
from wxreplay.cards.html import render_html, stylesheet_css
from wxreplay.cards.tree import CardNode, EventBinding
from wxreplay.errors import WxReplayError

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "westore-cafe" / "skills" / "coffee" / "components"
INSTALL = "apt-get update && apt-get install -y chromium"


def t(text: str) -> CardNode:
    return CardNode("#text", text=text)


def el(tag: str, cls: str = "", *kids: CardNode, **kw: Any) -> CardNode:
    return CardNode(tag, classes=tuple(cls.split()), children=list(kids), **kw)


def page(nodes: list[CardNode], wxss: str = "", **kw: Any) -> str:
    return render_html(nodes, wxss, file="components/c/index.wxss", **kw)


def css_of(wxss: str, **kw: Any) -> str:
    return stylesheet_css(wxss, file="c.wxss", **kw)


def drink_list() -> list[CardNode]:
    tiles = [
        el(
            "view",
            "tile",
            el("image", "thumb", attrs={"src": f"https://cdn.example.com/{i}.png", "mode": "aspectFill"}),
            el("text", "name", t(name)),
            el("view", "meta", el("text", "price", t(price)), el("text", "tag", t(tag))),
            attrs={"hover-class": "tile-hover"},
            dataset={"drinkId": 101 + i},
            events={"tap": EventBinding("onTapDrink")},
        )
        for i, (name, price, tag) in enumerate(
            [("生椰拿铁", "¥18", "咖啡"), ("美式咖啡", "¥12", "咖啡"), ("抹茶拿铁", "¥20", "茶饮")]
        )
    ]
    return [
        el(
            "view",
            "card",
            el("view", "header", el("text", "title", t("为你推荐")), el("text", "count", t("共 3 款"))),
            el("scroll-view", "list", *tiles, attrs={"scroll-x": True}),
        )
    ]


# ---- WXSS → CSS ---------------------------------------------------------------------------------


def test_rpx_converted_at_device_width() -> None:
    css = css_of(".a { width: 750rpx; margin: 10rpx -20rpx; }")
    assert "width: 393px;" in css
    assert "margin: 5.24px -10.48px;" in css
    assert "width: 375px;" in css_of(".a { width: 750rpx }", device_width=375)


def test_vw_env_and_calc() -> None:
    css = css_of(".a { width: calc(100% - 20rpx); height: 50vw; padding-bottom: env(safe-area-inset-bottom, 8px); }")
    assert "width: calc(100% - 10.48px);" in css
    assert "height: 196.5px;" in css
    assert "padding-bottom: 0px;" in css
    assert "rpx" not in css and "env(" not in css


def test_dark_mode_is_emulated() -> None:
    wxss = ".a { color: #111111 }\n@media (prefers-color-scheme: dark) { .a { color: #eeeeee } }"
    light, dark = css_of(wxss), css_of(wxss, dark=True)
    assert "#111111" in light and "#eeeeee" not in light
    assert "#111111" in dark and "#eeeeee" in dark
    assert dark.index("#111111") < dark.index("#eeeeee")  # source order kept, so the dark rule wins
    assert "@media" not in dark and "prefers-color-scheme" not in dark  # no dependence on the viewer's OS


def test_light_media_and_width_media() -> None:
    wxss = (
        "@media (prefers-color-scheme: light) { .a { color: #101010 } }\n"
        "@media (max-width: 300px) { .a { color: #202020 } }\n"
        "@media screen and (min-width: 300px) { .a { color: #303030 } }"
    )
    light, dark = css_of(wxss), css_of(wxss, dark=True)
    assert "#101010" in light and "#101010" not in dark
    assert "#202020" not in light and "#303030" in light


def test_selectors_scoped_and_tags_rewritten() -> None:
    css = css_of("view.card text, #x .y { color: red }")
    assert '#wxr-card-content [data-wx-tag="view"].card [data-wx-tag="text"],\n#wxr-card-content #x .y {' in css


def test_unsupported_rules_and_declarations_dropped() -> None:
    css = css_of(".a > .b { color: red }\n.ok, .c:hover { z-index: 3; color: blue; overflow: hidden }")
    assert ".a > .b" not in css.split("*/")[-1]
    assert "dropped selector(s) cards do not support: .a > .b" in css
    assert "#wxr-card-content .ok {" in css and ":hover {" not in css
    assert "/* dropped z-index: 3" in css
    assert re.search(r"^\s*z-index", css, re.M) is None
    assert re.search(r"^\s*overflow: hidden", css, re.M) is None


def test_line_clamp_and_ellipsis_emulated() -> None:
    css = css_of(".a { -wx-line-clamp: 2 } .b { white-space: nowrap; text-overflow: ellipsis }")
    assert "-webkit-line-clamp: 2;" in css and "-webkit-box-orient: vertical;" in css
    assert "text-overflow: ellipsis;\n  overflow: hidden;" in css


# ---- elements --------------------------------------------------------------------------------------


def test_tag_mapping() -> None:
    nodes = [
        el(
            "view",
            "root",
            el("text", "label", t("hi")),
            el("image", "pic", attrs={"src": "https://a/b.png", "mode": "aspectFill"}),
            el("image", attrs={"src": "https://a/c.png", "mode": "aspectFit"}),
            el("image", attrs={"src": "https://a/d.png", "mode": "widthFix"}),
            el("image", attrs={"src": "https://a/e.png"}),
            el("button", "go", t("Go")),
            el("scroll-view", "list", attrs={"scroll-x": True}),
            el("map", id="m1"),
            el("canvas"),
            el("collapsible-view", "fold"),
            id="main",
        )
    ]
    html = page(nodes)
    assert '<div data-wx-tag="view" id="main" class="root">' in html
    assert '<span data-wx-tag="text" class="label">hi</span>' in html
    assert (
        '<img data-wx-tag="image" class="pic" data-mode="aspectFill" src="https://a/b.png" alt="" style="object-fit: cover;">'
    ) in html
    assert 'data-mode="aspectFit" src="https://a/c.png" alt="" style="object-fit: contain;"' in html
    assert 'data-mode="widthFix" src="https://a/d.png" alt="" style="height: auto;"' in html
    assert 'src="https://a/e.png" alt="" style="object-fit: fill;"' in html
    assert '<button data-wx-tag="button" class="go" type="button">Go</button>' in html
    assert '<div data-wx-tag="scroll-view" class="list" data-wx-scroll-x>' in html
    assert '<div data-wx-tag="map" id="m1"><span data-wxr-placeholder>map#m1</span></div>' in html
    assert '<div data-wx-tag="canvas"><span data-wxr-placeholder>canvas</span></div>' in html
    assert '<div data-wx-tag="collapsible-view" class="fold"></div>' in html
    assert "</img>" not in html


def test_dataset_events_hover_and_inline_style() -> None:
    node = el(
        "view",
        "tile",
        attrs={"hover-class": "pressed", "style": "width: 375rpx; z-index: 2", "hidden": True},
        dataset={"drinkId": 101, "item": {"name": "拿铁"}},
        events={"tap": EventBinding("onTap", catch=True)},
    )
    html = page([node])
    assert 'data-hover-class="pressed"' in html
    assert 'data-drink-id="101"' in html
    assert 'data-item="{&quot;name&quot;:&quot;拿铁&quot;}"' in html
    assert 'data-wx-on="tap:catch:onTap"' in html
    assert 'style="width: 196.5px; display: none;"' in html


def test_scroll_view_without_scroll_x_does_not_scroll() -> None:
    assert "data-wx-scroll-x" not in page([el("scroll-view", "list")]).split("</style>")[1]


def test_text_and_attributes_escaped_cjk_kept() -> None:
    nodes = [
        el("view", 'a"b', t('<script>alert("x")</script> & 拿铁 ¥18'), el("image", attrs={"src": 'https://a/b.png?x=1&y="2"'}))
    ]
    html = page(nodes, title="<卡片>")
    assert "<script>" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; 拿铁 ¥18' in html
    assert 'class="a&quot;b"' in html
    assert 'src="https://a/b.png?x=1&amp;y=&quot;2&quot;"' in html
    assert "<title>&lt;卡片&gt;</title>" in html
    assert '<meta charset="utf-8">' in html


def test_card_root_node_is_unwrapped() -> None:
    root = CardNode("#card", children=[el("view", "a", t("x"))])
    assert '<div id="wxr-card-content"><div data-wx-tag="view" class="a">x</div></div>' in page([root])


def test_height_rules_and_host_container() -> None:
    html = page(drink_list())
    assert 'data-card-width="393" data-card-min-height="98.25" data-card-max-height="393"' in html
    host = re.search(r"#wxr-card \{[^}]*\}", html)
    assert host is not None
    rule = host.group(0)
    assert "width: 393px;" in rule and "min-height: 98.25px;" in rule and "max-height: 393px;" in rule
    assert "overflow: hidden;" in rule
    small = page([], device_width=320)
    assert 'data-card-min-height="80" data-card-max-height="320"' in small


def test_expired_overlay() -> None:
    assert 'id="wxr-expired"' not in page(drink_list()).split("</style>")[1]
    html = page(drink_list(), expired_text="卡片已过期 <请重新查询>")
    assert '<div id="wxr-expired" role="status"><span>卡片已过期 &lt;请重新查询&gt;</span></div>' in html
    assert "data-expired" in html


def test_dark_page_background_and_scheme() -> None:
    assert 'data-color-scheme="dark"' in page([], dark=True)
    assert 'data-color-scheme="light"' in page([])


def test_example_card_renders_with_real_wxss() -> None:
    wxss = (EXAMPLE / "drink-list" / "index.wxss").read_text(encoding="utf-8")
    light = render_html(drink_list(), wxss, file="drink-list/index.wxss")
    dark = render_html(drink_list(), wxss, file="drink-list/index.wxss", dark=True)
    assert "padding: 12.576px;" in light  # 24rpx at 393 px
    assert "#2c2a27" in dark and "#2c2a27" not in light
    assert "dropped" not in light and "dropped" not in dark
    assert light.count('<img data-wx-tag="image"') == 3
    assert "生椰拿铁" in light


# ---- Chromium ----------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason=f"needs Chromium: {INSTALL}")


def test_missing_chromium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    with pytest.raises(WxReplayError, match="install it: apt-get install chromium"):
        screenshot("<html></html>", tmp_path / "x.png", width=100, height=100)
    with pytest.raises(WxReplayError, match="not installed"):
        measure_overflow("<html></html>")


def test_find_chromium_looks_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/opt/x/chromium-browser" if name == "chromium-browser" else None)
    assert find_chromium() == "/opt/x/chromium-browser"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", head[16:24])
    return int(w), int(h)


@needs_chromium
@pytest.mark.parametrize("dark", [False, True])
def test_screenshot_has_the_card_width(tmp_path: Path, dark: bool) -> None:
    wxss = (EXAMPLE / "drink-list" / "index.wxss").read_text(encoding="utf-8")
    html = render_html(drink_list(), wxss, file="drink-list/index.wxss", dark=dark)
    out = tmp_path / "shots" / "card.png"
    screenshot(html, out, width=393, height=393)
    assert _png_size(out) == (393, 393)


@needs_chromium
def test_measure_overflow_tall_and_short() -> None:
    wxss = ".card { padding: 20rpx } .block { height: 300px }"
    tall = page([el("view", "card", *[el("view", "block") for _ in range(3)])], wxss)
    report = measure_overflow(tall)
    assert isinstance(report, OverflowReport)
    pad = 2 * 20 * 393 / 750
    assert report.max_height == 393
    assert abs(report.content_height - (900 + pad)) <= 1
    assert report.overflow_height == report.content_height - 393 > 0
    assert report.clipped

    short = measure_overflow(page([el("view", "card", el("view", "block"))], ".block { height: 40px }"))
    assert (short.content_height, short.max_height, short.overflow_height) == (40, 393, 0)
    assert not short.clipped


@needs_chromium
def test_measure_overflow_counts_child_margins() -> None:
    html = page([el("view", "card", el("view", "inner"))], ".inner { height: 100px; margin: 20px 0 }", device_width=320)
    report = measure_overflow(html)
    assert (report.content_height, report.max_height, report.overflow_height) == (140, 320, 0)


@pytest.mark.parametrize(
    "wxss",
    [
        '.a { font-family: "</style><script>alert(1)</script>"; }',
        '.a { cursor: "</STYLE><img src=x onerror=alert(1)>"; }',  # dropped: kept as a CSS comment
    ],
    ids=["kept-value", "dropped-value"],
)
def test_a_stylesheet_value_cannot_end_the_style_element(wxss: str) -> None:
    html = page([el("view", "a", t("x"))], wxss)
    style = html.split("<style>", 1)[1]
    assert style.lower().index("</style>") == style.lower().rindex("</style>")  # the one real end tag
    after = html.split("</style>", 1)[1]  # the document outside the stylesheet: no markup from the WXSS
    assert "<script>" not in after and "<img" not in after

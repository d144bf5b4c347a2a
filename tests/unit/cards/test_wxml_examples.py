"""The example project's real cards compile and render; a 50-item list renders fast enough."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_wxml_harness import compile_src, el, run, texts, tx, v8

from wxreplay.cards.wxml import WXML_RUNTIME_JS, compile_template

ROOT = Path(__file__).resolve().parents[3] / "examples" / "westore-cafe"
COMPONENTS = "skills/coffee/components"
CARDS = ["drink-detail", "drink-list", "order-confirm", "order-status"]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    """Every file of the coffee skill's subpackage, keyed by project-relative posix path."""
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
            for p in (ROOT / "skills").rglob("*") if p.is_file()}  # fmt: skip


@pytest.mark.parametrize("card", CARDS)
def test_every_example_card_compiles_and_renders_empty(files: dict[str, str], card: str) -> None:
    t = compile_template(files, f"{COMPONENTS}/{card}/index.wxml")
    assert t.dependencies == ()
    assert t.path == f"{COMPONENTS}/{card}/index.wxml"
    [root] = run(t, {})
    assert root["tag"] == "view" and root["attrs"] == {"class": "card"} and root["line"] == 2


def test_drink_list_with_two_items(files: dict[str, str]) -> None:
    t = compile_template(files, f"{COMPONENTS}/drink-list/index.wxml")
    assert t.tags_used == ("block", "image", "scroll-view", "text", "view")
    data = {
        "title": "「拿铁」相关饮品", "total": 2,
        "items": [
            {"drinkId": 101, "name": "拿铁", "categoryLabel": "咖啡", "priceText": "¥22.00", "image": "https://img/101.png"},
            {"drinkId": 102, "name": "燕麦拿铁", "categoryLabel": "植物基", "priceText": "¥26.00", "image": ""},
        ],
    }  # fmt: skip
    [root] = run(t, data)
    header, scroll = root["kids"]
    assert texts([header]) == ["「拿铁」相关饮品", "共 2 款"]
    assert scroll["tag"] == "scroll-view" and scroll["attrs"] == {"class": "list", "scroll-x": "true"}
    tiles = scroll["kids"]
    tap = {"tap": {"h": "onTapDrink", "c": False}}
    assert [(n["ds"], n["ev"], n["key"], n["attrs"]) for n in tiles] == [
        ({"drinkId": 101}, tap, 101, {"class": "tile", "hover-class": "tile-hover"}),
        ({"drinkId": 102}, tap, 102, {"class": "tile", "hover-class": "tile-hover"}),
    ]
    assert tiles[0]["kids"][0] == el("image", 17, attrs={"class": "thumb", "src": "https://img/101.png", "mode": "aspectFill"})
    assert tiles[1]["kids"][0] == el("view", 18, attrs={"class": "thumb"})
    assert tiles[1]["kids"][1] == el("text", 19, tx("燕麦拿铁", 19), attrs={"class": "name"})
    assert texts(tiles) == ["拿铁", "¥22.00", "咖啡", "燕麦拿铁", "¥26.00", "植物基"]
    # the empty branch
    [empty] = run(t, {"title": "x", "total": 0, "items": []})
    assert empty["kids"][1] == el("view", 28, el("text", 29, tx("没有找到相关饮品，换个饮品名试试", 29),
                                                 attrs={"class": "empty-text"}), attrs={"class": "empty"})  # fmt: skip


def test_drink_detail_chips_and_both_tap_spellings(files: dict[str, str]) -> None:
    t = compile_template(files, f"{COMPONENTS}/drink-detail/index.wxml")
    data = {
        "name": "拿铁", "description": "浓缩+牛奶", "totalText": "¥22.00", "imageUrl": "",
        "sugarOptions": [{"value": "none", "label": "无糖"}, {"value": "less", "label": "少糖"}],
        "sizeOptions": [{"value": "M", "label": "中杯"}], "selected": {"sugar": "less", "size": "M"},
    }  # fmt: skip
    [root] = run(t, data)
    head, sugar, size, button = root["kids"]
    assert [k["tag"] for k in head["kids"]] == ["view"]  # no image without imageUrl
    chips = sugar["kids"][1]["kids"]
    assert [(c["attrs"]["class"], c["ds"], c["ev"]["tap"], c["key"]) for c in chips] == [
        ("chip", {"value": "none"}, {"h": "onTapSugar", "c": False}, "none"),
        ("chip chip-on", {"value": "less"}, {"h": "onTapSugar", "c": False}, "less"),
    ]
    assert size["kids"][1]["kids"][0]["ev"] == {"tap": {"h": "onTapSize", "c": False}}
    assert button == el("button", 44, tx("确认下单", 44), attrs={"class": "confirm", "hover-class": "confirm-hover"},
                        ev={"tap": {"h": "onConfirm", "c": False}})  # fmt: skip


def test_order_cards_branches(files: dict[str, str]) -> None:
    confirm = compile_template(files, f"{COMPONENTS}/order-confirm/index.wxml")
    base = {"name": "拿铁", "quantity": 2, "specText": "少糖 中杯", "orderId": "o1", "totalText": "¥44.00"}
    assert texts(run(confirm, {**base, "expired": False})) == [
        "拿铁 × 2", "少糖 中杯", "订单号 o1", "¥44.00", "取消订单", "确认支付"]  # fmt: skip
    assert texts(run(confirm, {**base, "expired": True}))[-1] == "订单已支付或已取消"
    status = compile_template(files, f"{COMPONENTS}/order-status/index.wxml")
    live = {"name": "拿铁", "statusText": "制作中", "pickupCode": "A12", "live": True, "queueText": "前面 3 人", "etaText": ""}
    assert texts(run(status, live))[-2:] == ["取餐码 A12", "前面 3 人"]


def test_fifty_item_list_renders_quickly() -> None:
    src = """<view class="card">
  <text class="title">{{title}}</text>
  <scroll-view scroll-x="true">
    <view wx:for="{{items}}" wx:key="id" class="{{item.id === selected ? 'tile on' : 'tile'}}" hover-class="hv"
          bindtap="onTap" data-id="{{item.id}}" data-item="{{item}}">
      <image wx:if="{{item.image}}" src="{{item.image}}" mode="aspectFill"/>
      <text class="name">{{index + 1}}. {{item.name}}</text>
      <text class="price">¥{{item.price}}</text>
    </view>
  </scroll-view>
</view>"""
    t = compile_src(src)
    items = [{"id": i, "name": f"饮品{i}", "price": 10 + i, "image": f"https://img/{i}.png" if i % 2 else ""} for i in range(50)]
    data = {"title": "菜单", "selected": 7, "items": items}
    [root] = run(t, data)
    assert len(root["kids"][1]["kids"]) == 50
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; var T = (0, eval)({json.dumps(t.js)}); var D = {json.dumps(data)};")
    ctx.eval("for (var i = 0; i < 50; i++) T.render(D, R);")  # warm up
    per_render_ms = float(ctx.eval("(function(){var t0 = Date.now(); for (var i = 0; i < 500; i++) T.render(D, R);"
                                   " return (Date.now() - t0) / 500;})()"))  # fmt: skip
    started = time.perf_counter()
    compile_src(src)
    compile_ms = (time.perf_counter() - started) * 1000
    print(f"\n50-item card: compile {compile_ms:.2f} ms, render {per_render_ms:.3f} ms per call in V8 (target < 2 ms)")

"""End to end over examples/westore-cafe's four cards, rendered from real API results."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from wxreplay import Card, Device, Project, Session


@pytest.fixture
def session(example_project: Project, westore_transport: httpx.WSGITransport) -> Iterator[Session]:
    """A session whose wx.request reaches a fresh in-process westore service."""
    with Session(example_project, device=Device(), transport=westore_transport) as s:
        yield s


def order(session: Session, drink_id: int = 101, sugar: str = "less") -> tuple[Card, str]:
    result = session.call("createOrder", {"drinkId": drink_id, "specs": {"sugar": sugar, "size": "medium"}})
    assert not result.is_error, result.text
    return session.render(result), result.structured_content["orderId"]


def test_drink_list_tap_sends_select_drink(session: Session) -> None:
    result = session.call("searchDrinks", {"keyword": "拿铁"})
    card = session.render(result)
    assert card.component_path == "components/drink-list/index" and card.context == "card"
    assert card.find(".title").texts() == "「拿铁」相关饮品" and card.find(".count").texts() == "共 4 款"
    names = [n.texts() for n in card.find_all(".tile .name")]
    assert names == [i["name"] for i in result.structured_content["items"]]
    assert card.related_page is not None and card.related_page.url == "/pages/home/home?keyword=%E6%8B%BF%E9%93%81"

    tap = card.tap(text="生椰拿铁")  # the name inside a tile: bubbles to the tile's bindtap
    msg = tap.message
    assert msg is not None and msg.ok and tap.findings == []
    assert msg.text == "我想看看生椰拿铁"
    assert msg.api_call is not None and msg.api_call.name == "selectDrink"
    assert msg.api_call.arguments == {"drinkId": result.structured_content["items"][1]["drinkId"]}
    # the upstream message is a valid call: the model could make it as is
    chosen = session.call(msg.api_call.name, msg.api_call.arguments)
    assert chosen.structured_content["name"] == "生椰拿铁"


def test_empty_search_renders_the_empty_state(session: Session) -> None:
    card = session.render(session.call("searchDrinks", {"keyword": "不存在的饮品"}))
    assert card.find(".empty-text").texts() == "没有找到相关饮品，换个饮品名试试" and card.find_all(".tile") == []


def test_drink_detail_chips_re_render_and_confirm_sends_create_order(session: Session) -> None:
    card = session.render(session.call("selectDrink", {"drinkId": 101}))
    assert card.component_path == "components/drink-detail/index"
    assert card.related_page is not None and card.related_page.url == "/pages/drink/detail?drinkId=101"
    assert card.find(".chip-on .chip-text").texts() == "标准糖"

    sugar = card.tap(text="少糖")
    assert sugar.rerendered and sugar.messages == [] and sugar.handlers == ["onTapSugar"]
    assert [n.texts() for n in card.find_all(".chip-on .chip-text")] == ["少糖", "中杯"]
    size = card.tap(text="大杯")
    assert size.rerendered and card.find(".price").texts() == "¥31.00"

    confirm = card.tap("button.confirm")
    msg = confirm.message
    assert msg is not None and msg.ok and msg.text == "我要少糖大杯拿铁"
    assert msg.api_call is not None and msg.api_call.name == "createOrder"
    assert msg.api_call.arguments == {"drinkId": 101, "specs": {"sugar": "less", "size": "large"}}
    assert [v.cause for v in card.history] == ["render", "tap", "tap"]


def test_order_confirm_pay_and_cancel_send_their_apis(session: Session) -> None:
    card, order_id = order(session)
    assert card.find(".order-id").texts() == f"订单号 {order_id}" and card.expirable
    pay = card.tap(text="确认支付")
    assert pay.message is not None and pay.message.api_call is not None
    assert (pay.message.api_call.name, pay.message.api_call.arguments) == ("payOrder", {"orderId": order_id})
    cancel = card.tap("button.btn-cancel")
    assert cancel.message is not None and cancel.message.api_call is not None
    assert (cancel.message.api_call.name, cancel.message.api_call.arguments) == ("cancelOrder", {"orderId": order_id})
    assert [m.text for m in card.messages] == ["确认支付拿铁订单", "取消拿铁订单"]


def test_pay_order_expires_the_confirm_card(session: Session) -> None:
    first, first_id = order(session)
    paid = session.call("payOrder", {"orderId": first_id})
    assert not paid.is_error, paid.text
    assert first.expired and first.expired_text == "订单已支付或已取消"
    # the card's Expire listener switched it to its note, and the overlay covers it
    assert first.find(".note-text").texts() == "订单已支付或已取消" and first.find_all("button") == []
    assert [v.cause for v in first.history] == ["render", "expire"]
    with pytest.raises(Exception, match="is expired"):
        first.tap(text="确认支付")


def test_order_status_card_polls_and_re_renders(session: Session) -> None:
    _, order_id = order(session)
    session.call("payOrder", {"orderId": order_id})
    card = session.render(session.call("getOrder", {"orderId": order_id}))
    assert card.context == "dynamic" and card.component_path == "components/order-status/index"
    # its first poll was answered before render() returned
    assert card.find(".live-text").texts() == "前面还有 4 杯" and card.find(".live-eta").texts() == "预计 8 分钟后出杯"
    assert card.find(".pickup").texts().startswith("取餐码 ")
    polls = [e for e in session.events if e.name == "request" and e.context == "dynamic"]
    assert len(polls) == 1 and polls[0].args["url"].endswith("/api/stores/1/status")

    _, second = order(session, 102, "none")  # another paid order: the queue grows
    session.call("payOrder", {"orderId": second})
    session.advance(5000)
    assert card.find(".live-text").texts() == "前面还有 5 杯"
    assert card.history[-1].cause == "timer"
    assert len([e for e in session.events if e.name == "request" and e.context == "dynamic"]) == 2


def test_unpaid_order_status_does_not_poll(session: Session) -> None:
    _, order_id = order(session)
    card = session.render(session.call("getOrder", {"orderId": order_id}))
    assert card.find_all(".live") == []
    session.advance(60_000)
    assert [v.cause for v in card.history] == ["render"]

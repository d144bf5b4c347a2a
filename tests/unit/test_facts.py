"""The facts/actions splitter: every content text the example produces, the spec's examples, tricky cases."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay import Device, Project, Session
from wxreplay.facts import Split, classify, sentences, split_content, split_result

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "westore-cafe"


def westore_app(**kwargs: Any) -> Any:
    spec = importlib.util.spec_from_file_location("westore_service_facts", EXAMPLE / "service" / "westore_service.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.create_app(**kwargs)


def kinds(split: Split) -> list[str]:
    """The split as 'F <fact>' / 'A <action>' lines in text order."""
    return [("F " if s.kind == "fact" else "A ") + s.text for s in split.sentences]


# ---- every content text of the example, success and error paths ---------------------------------


@pytest.fixture(scope="module")
def example_texts() -> Iterator[dict[str, str]]:
    """Run the example's APIs down every reachable path and collect each result's content text."""
    project = Project.load(EXAMPLE)
    out: dict[str, str] = {}
    device = Device(payments=["cancel", "fail", "success"])
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("search_found", "searchDrinks", {"keyword": "拿铁"}),
        ("search_all", "searchDrinks", {}),
        ("search_none", "searchDrinks", {"keyword": "xyz"}),
        ("select_ok", "selectDrink", {"drinkId": 101}),
        ("select_missing", "selectDrink", {"drinkId": 999}),
        ("select_bad", "selectDrink", {"drinkId": 0}),
        ("create_bad_id", "createOrder", {"drinkId": 0, "specs": {"sugar": "less", "size": "medium"}}),
        ("create_missing", "createOrder", {"drinkId": 999, "specs": {"sugar": "less", "size": "medium"}}),
        ("create_ok", "createOrder", {"drinkId": 101, "specs": {"sugar": "less", "size": "medium"}}),
        ("get_created", "getOrder", {"orderId": "WS0001"}),
        ("pay_cancel", "payOrder", {"orderId": "WS0001"}),
        ("pay_fail", "payOrder", {"orderId": "WS0001"}),
        ("pay_ok", "payOrder", {"orderId": "WS0001"}),
        ("pay_again", "payOrder", {"orderId": "WS0001"}),
        ("get_paid", "getOrder", {"orderId": "WS0001"}),
        ("cancel_paid", "cancelOrder", {"orderId": "WS0001"}),
        ("create_ok2", "createOrder", {"drinkId": 102, "specs": {"sugar": "none", "size": "large"}}),
        ("cancel_ok", "cancelOrder", {"orderId": "WS0002"}),
        ("get_cancelled", "getOrder", {"orderId": "WS0002"}),
        ("pay_cancelled", "payOrder", {"orderId": "WS0002"}),
        ("get_missing", "getOrder", {"orderId": "WS9999"}),
        ("pay_missing", "payOrder", {"orderId": "WS9999"}),
        ("cancel_missing", "cancelOrder", {"orderId": "WS9999"}),
        ("get_bad", "getOrder", {"orderId": "bad id!"}),
        ("pay_bad", "payOrder", {"orderId": "bad id!"}),
        ("cancel_bad", "cancelOrder", {"orderId": "bad id!"}),
    ]
    with Session(project, device=device, transport=httpx.WSGITransport(app=westore_app())) as s:
        for key, api, args in calls:
            out[key] = s.call(api, args).text
    with Session(project, device=Device(), transport=httpx.WSGITransport(app=westore_app(pay_delay_polls=10))) as s:
        s.call("createOrder", {"drinkId": 101, "specs": {"sugar": "less", "size": "medium"}})
        out["pay_pending"] = s.call("payOrder", {"orderId": "WS0001"}).text

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with Session(project, device=Device(), transport=httpx.MockTransport(refused)) as s:
        out["search_down"] = s.call("searchDrinks", {"keyword": "拿铁"}).text
    with Session(project, device=Device(), transport=httpx.MockTransport(lambda r: httpx.Response(500, json={}))) as s:
        out["select_500"] = s.call("selectDrink", {"drinkId": 101}).text
    yield out


LIST_ACTIONS = [
    "A 请展示饮品列表卡片，用一句话请用户点选想喝的饮品；",
    "A 用户已明确指定其中唯一一款时，可直接用它的 drinkId 调用 selectDrink。",
    "A 禁止以纯文本罗列饮品和价格。",
]
CONFIRM_ACTIONS = [
    "A 请展示订单确认卡片，用一句话引导用户核对后点击「确认支付」；",
    "A 用户确认前禁止调用 payOrder，禁止以纯文本重复订单明细。",
]
EXAMPLE_SPLITS: dict[str, list[str]] = {
    "search_found": ["F 已找到 4 款与「拿铁」相关的饮品（¥28.00 起）。", *LIST_ACTIONS],
    "search_all": ["F 已列出全部 9 款在售饮品（¥22.00 起）。", *LIST_ACTIONS],
    "search_none": [
        "F 菜单中没有与「xyz」匹配的饮品（当前在售 9 款）。",
        "A 请告诉用户没有找到，建议换一个饮品名，或不带关键词浏览全部饮品；",
        "A 禁止用相同关键词重复调用 searchDrinks，禁止推荐菜单以外的饮品。",
    ],
    "select_ok": [
        "F 已加载饮品「拿铁」的详情（¥28.00 起，可选糖度与杯型）。",
        "A 请展示饮品详情卡片，用一句话引导用户在卡片上选好糖度和杯型后确认下单；",
        "A 用户已在对话中说明规格时，可直接按其说明调用 createOrder。",
        "A 禁止以纯文本列出规格清单。",
    ],
    "select_missing": [
        "F 菜单中不存在 drinkId 为 999 的饮品（可能已下架或编号有误）。",
        "A 请调用 searchDrinks 重新检索，并使用返回结果中的 drinkId；",
        "A 禁止再次用 999 调用 selectDrink，禁止编造 drinkId。",
    ],
    "select_bad": [
        "F drinkId 缺失或不是正整数（收到：0）。",
        "A 请先调用 searchDrinks 检索饮品，再使用其返回的 drinkId 调用 selectDrink；",
        "A 禁止根据饮品名猜测 drinkId。",
    ],
    "create_bad_id": [
        "F drinkId 缺失或不是正整数（收到：0），无法下单。",
        "A 请先调用 selectDrink 确认饮品，并原样使用其返回的 drinkId；",
        "A 禁止根据饮品名推断 drinkId。",
    ],
    "create_missing": [
        "F drinkId 为 999 的饮品已不在菜单中，订单未创建。",
        "A 请调用 searchDrinks 重新检索并让用户改选；",
        "A 禁止再次用该 drinkId 调用 createOrder。",
    ],
    "create_ok": ["F 已按所选规格生成待支付订单 WS0001（合计 ¥28.00）。", *CONFIRM_ACTIONS],
    "create_ok2": ["F 已按所选规格生成待支付订单 WS0002（合计 ¥25.00）。", *CONFIRM_ACTIONS],
    "get_created": [
        "F 订单 WS0001 尚未支付（待付 ¥28.00）。",
        "A 请展示订单状态卡片，并询问用户是支付（确认后调用 payOrder）还是取消（确认后调用 cancelOrder）；",
        "A 禁止未经用户确认直接支付或取消。",
    ],
    "pay_cancel": [
        "F 用户在微信支付弹窗中取消了订单 WS0001 的支付，未扣款，订单仍待支付。",
        "A 请询问用户是要重新支付（用户确认后再调用 payOrder）还是取消订单（用户确认后调用 cancelOrder）；",
        "A 禁止在用户未确认时自动重新发起支付。",
    ],
    "pay_fail": [
        "F 订单 WS0001 的微信支付未完成（requestPayment:fail system error），未确认扣款。",
        "A 请告诉用户支付没有成功，可检查支付方式后说「重新支付」再调用 payOrder，或进入小程序查看订单；",
        "A 禁止连续自动重试 payOrder。",
    ],
    "pay_ok": [
        "F 订单 WS0001 已支付成功（实付 ¥28.00），门店开始制作。",
        "A 请调用 getOrder 为用户展示订单状态卡片以便查看出杯进度；",
        "A 禁止再次调用 payOrder。",
    ],
    "pay_again": [
        "F 订单 WS0001 已经支付过，本次未重复扣款。",
        "A 请调用 getOrder 展示订单状态卡片；",
        "A 禁止再次调用 payOrder。",
    ],
    "get_paid": [
        "F 订单 WS0001 已支付，门店制作中，取餐码 A101。",
        "A 请展示订单状态卡片，卡片会实时刷新排队人数与预计出杯时间；",
        "A 禁止以纯文本重复订单明细。",
    ],
    "cancel_paid": [
        "F 订单 WS0001 已支付，无法在线取消。",
        "A 请告诉用户如需退款可到店联系店员处理；",
        "A 禁止再次调用 cancelOrder，禁止调用 payOrder。",
    ],
    "cancel_ok": [
        "F 订单 WS0002（美式）已取消，未产生扣款。",
        "A 请用一句话告知用户，并询问是否需要重新点单（需要时调用 searchDrinks）；",
        "A 禁止对该订单调用 payOrder。",
    ],
    "get_cancelled": [
        "F 订单 WS0002 已取消，不会制作也不会扣款。",
        "A 请展示订单状态卡片；",
        "A 用户仍想喝时从 searchDrinks 重新点单，禁止对该订单调用 payOrder。",
    ],
    "pay_cancelled": [
        "F 订单 WS0002 已取消，无法支付。",
        "A 如用户仍想要这杯饮品，请重新调用 createOrder 下单；",
        "A 禁止对该订单再次调用 payOrder。",
    ],
    "get_missing": [
        "F 找不到订单 WS9999（不存在或不属于当前微信账号）。",
        "A 请和用户核对订单号，或进入小程序「我的订单」查看；",
        "A 禁止再次用该订单号调用 getOrder。",
    ],
    "pay_missing": [
        "F 找不到订单 WS9999（不存在或不属于当前用户），未发起支付。",
        "A 请确认用户要支付的是哪一单，或调用 createOrder 重新下单；",
        "A 禁止再次用该订单号调用 payOrder。",
    ],
    "cancel_missing": [
        "F 找不到订单 WS9999（不存在或不属于当前微信账号），没有取消任何订单。",
        "A 请和用户核对订单号；",
        "A 禁止再次用该订单号调用 cancelOrder。",
    ],
    "get_bad": [
        'F orderId 缺失或格式不对（收到："bad id!"），无法查询。',
        "A 请询问用户要查哪一单，或使用 createOrder / payOrder 返回的 orderId；",
        "A 禁止拼凑订单号。",
    ],
    "pay_bad": [
        'F orderId 缺失或格式不对（收到："bad id!"），未发起支付。',
        "A 请使用 createOrder 返回的 orderId 原值调用 payOrder；",
        "A 没有订单时先调用 createOrder，禁止拼凑订单号。",
    ],
    "cancel_bad": [
        'F orderId 缺失或格式不对（收到："bad id!"），没有取消任何订单。',
        "A 请询问用户要取消哪一单，并使用 createOrder 返回的 orderId 原值；",
        "A 禁止拼凑订单号。",
    ],
    "pay_pending": [
        "F 已拉起微信支付，但连续 3 次查询订单 WS0001 的支付结果仍为未支付（NOTPAY）。",
        "A 请告诉用户支付结果确认中，稍后可询问订单进度（届时调用 getOrder）；",
        "A 禁止再次调用 payOrder，以免重复扣款。",
    ],
    "search_down": [
        "F 调用 searchDrinks 未完成：无法连接商家服务（网络异常）。",
        "A 请如实告诉用户服务暂时不可用，建议稍后再试或进入小程序继续操作；",
        "A 禁止立即重复调用 searchDrinks，禁止编造任何结果或编号。",
    ],
    "select_500": [
        "F 调用 selectDrink 未完成：商家服务内部错误（HTTP 500）。",
        "A 请如实告诉用户服务暂时不可用，建议稍后再试或进入小程序继续操作；",
        "A 禁止立即重复调用 selectDrink，禁止编造任何结果或编号。",
    ],
}


def test_every_example_path_was_collected(example_texts: dict[str, str]) -> None:
    assert sorted(example_texts) == sorted(EXAMPLE_SPLITS)


@pytest.mark.parametrize("case", sorted(EXAMPLE_SPLITS))
def test_example_text(example_texts: dict[str, str], case: str) -> None:
    text = example_texts[case]
    split = split_content(text)
    assert kinds(split) == EXAMPLE_SPLITS[case], text
    # The example follows the convention: a fact first, then actions, never bare.
    assert split.first_kind == "fact" and not split.order_violation and not split.bare_instruction
    assert split.facts == [s[2:] for s in EXAMPLE_SPLITS[case] if s.startswith("F ")]
    assert split.actions == [s[2:] for s in EXAMPLE_SPLITS[case] if s.startswith("A ")]
    assert "".join(s.text for s in split.sentences) == re.sub(r"\s+$", "", text)  # nothing lost, nothing added


def test_split_is_deterministic(example_texts: dict[str, str]) -> None:
    for text in example_texts.values():
        assert split_content(text) == split_content(text)


# ---- the spec's own examples (4.1, 4.3, 9.3 #23-24) -----------------------------------------------


def test_spec_good_example() -> None:
    split = split_content("已根据所选规格生成订单。请展示订单确认卡片，并用一句话引导用户核对后下单。")
    assert split.facts == ["已根据所选规格生成订单。"]
    assert split.actions == ["请展示订单确认卡片，并用一句话引导用户核对后下单。"]
    assert not split.bare_instruction and split.first_kind == "fact"


def test_spec_bad_example_is_a_bare_instruction() -> None:
    split = split_content("接下来请务必为用户展示订单确认卡片。")
    assert split.facts == [] and split.actions == ["接下来请务必为用户展示订单确认卡片。"]
    assert split.bare_instruction and split.first_kind == "action"


def test_spec_select_drink_example() -> None:
    split = split_content(
        "已加载饮品「拿铁」详情（基础价 ¥28）。"
        "请用一句简短话术引导用户点击下方卡片进入详情页选规格下单。禁止以纯文本列出商品详情。"
    )
    assert kinds(split) == [
        "F 已加载饮品「拿铁」详情（基础价 ¥28）。",
        "A 请用一句简短话术引导用户点击下方卡片进入详情页选规格下单。",
        "A 禁止以纯文本列出商品详情。",
    ]


def test_spec_failure_order_cause_exit_prohibition() -> None:
    split = split_content("门店 S01 今日已打烊，无法下单。请引导用户改选其他门店；禁止在相同门店下重复调用 searchDrinks。")
    assert kinds(split) == [
        "F 门店 S01 今日已打烊，无法下单。",
        "A 请引导用户改选其他门店；",
        "A 禁止在相同门店下重复调用 searchDrinks。",
    ]


def test_bare_retry_is_cut_into_a_vague_fact_and_an_action() -> None:
    # "失败，请重试" has a (useless) fact: judging its quality is the lint's job, not the splitter's.
    split = split_content("失败，请重试")
    assert kinds(split) == ["F 失败，", "A 请重试"]
    assert not split.bare_instruction


def test_only_prohibitions_are_bare() -> None:
    assert split_content("禁止重复调用 payOrder。不要编造订单号。").bare_instruction


# ---- sentence splitting ---------------------------------------------------------------------------


def test_decimal_prices_do_not_split() -> None:
    assert sentences("合计 ¥28.00，优惠 ¥3.50。Total ¥28.00 today. Next.") == [
        "合计 ¥28.00，优惠 ¥3.50。",
        "Total ¥28.00 today.",
        "Next.",
    ]


def test_quotes_and_brackets_keep_their_terminators() -> None:
    text = "用户说「我要拿铁。少糖！」并确认。备注（已核对。无误）已保存。他说“好的；马上”。"
    assert sentences(text) == ["用户说「我要拿铁。少糖！」并确认。", "备注（已核对。无误）已保存。", "他说“好的；马上”。"]


def test_ascii_quotes_and_brackets_in_english() -> None:
    assert sentences('The user said "two. please" (really. twice). Show the card.') == [
        'The user said "two. please" (really. twice).',
        "Show the card.",
    ]


def test_unbalanced_quote_protects_nothing() -> None:
    assert sentences("已找到「拿铁。请展示卡片。") == ["已找到「拿铁。", "请展示卡片。"]


def test_closing_quote_after_terminator_stays_with_sentence() -> None:
    assert sentences('He said "stop." Then call getOrder.') == ['He said "stop."', "Then call getOrder."]
    assert sentences("用户说“我要拿铁。”请展示卡片。") == ["用户说“我要拿铁。”", "请展示卡片。"]
    assert sentences('The button says "Pay now." and then closes.') == ['The button says "Pay now." and then closes.']
    assert sentences("点击「确认支付！」后完成。") == ["点击「确认支付！」后完成。"]  # 「」 quotes labels


def test_long_texts_split_in_linear_time() -> None:
    split = split_content("订单已创建" + "，门店制作中" * 20000 + "。" + "（" * 3000 + "x" + "）" * 3000 + "。请展示卡片。")
    assert [s.kind for s in split.sentences] == ["fact", "fact", "action"]


def test_abbreviations_initials_and_list_numbers() -> None:
    assert sentences("Map words to codes, e.g. less for 少糖, i.e. a code. Order No. 5 is ready. J. Smith paid.") == [
        "Map words to codes, e.g. less for 少糖, i.e. a code.",
        "Order No. 5 is ready.",
        "J. Smith paid.",
    ]
    assert sentences("1. 已生成订单。\n2. Show the card.") == ["1. 已生成订单。", "2. Show the card."]
    assert sentences("Milk, sugar, etc. Then call createOrder.") == ["Milk, sugar, etc.", "Then call createOrder."]
    assert sentences("Milk, sugar, etc. are options.") == ["Milk, sugar, etc. are options."]


def test_urls_do_not_split() -> None:
    assert sentences("详情见 https://x.example.com/a.b?c=1;d=2!e。See https://x.example.com/p?q=1. Then stop.") == [
        "详情见 https://x.example.com/a.b?c=1;d=2!e。",
        "See https://x.example.com/p?q=1.",
        "Then stop.",
    ]


def test_line_breaks_end_sentences_and_blank_lines_vanish() -> None:
    assert sentences("订单已创建\n\n  请展示卡片  \n") == ["订单已创建", "请展示卡片"]


def test_english_terminator_before_cjk_and_punctuation_only_pieces() -> None:
    assert sentences("已找到 3 款饮品. Please show the card.已下单。。") == [
        "已找到 3 款饮品.",
        "Please show the card.",
        "已下单。。",
    ]
    assert sentences("已下单。 。") == ["已下单。。"]


def test_empty_and_whitespace_texts() -> None:
    for text in ["", "   ", "\n\t\n"]:
        split = split_content(text)
        assert split == Split([], [], False)
        assert split.first_kind is None and not split.order_violation


# ---- classification -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "请求超时，未获取到菜单。",
        "可乐已售罄。",
        "当前在售 9 款。",
        "如下所示。",
        "需要 5 分钟出杯。",
        "应付 ¥28.00。",
        "建议价 ¥30。",
        "调用失败：网络异常。",
        "调用 getOrder 返回空。",
        "先前的订单已取消。",
        "10 分钟后可取餐。",
        "您的订单已支付。",
        "Call failed: timeout.",
        "Call to payOrder timed out.",
        "You have 2 orders.",
        "When the order is paid, the store starts making it.",
        "Note: the card refreshes itself.",
        "事实：订单已创建。",
        "订单创建时间为 10:00，实时状态见卡片。",
    ],
)
def test_facts_that_look_like_instructions(sentence: str) -> None:
    assert classify(sentence) == "fact"


@pytest.mark.parametrize(
    "sentence",
    [
        "请展示卡片。",
        "勿重复下单。",
        "切勿编造订单号。",
        "务必先确认规格。",
        "不要重复调用。",
        "需要先确认门店。",
        "应先询问用户。",
        "可直接调用 createOrder。",
        "建议换一个关键词。",
        "引导用户选规格。",
        "展示订单确认卡片。",
        "调用 getOrder 查询进度。",
        "询问用户要几杯。",
        "告诉用户已售罄。",
        "提示用户稍后再试。",
        "直接调用 payOrder。",
        "下一步：展示卡片。",
        "先调用 selectDrink，再调用 createOrder。",
        "然后请展示卡片。",
        "若用户要大杯，则调用 createOrder。",
        "用户确认前禁止调用 payOrder。",
        "支付成功后请调用 getOrder。",
        "你可以直接调用 getOrder。",
        "注意：请勿重复调用。",
        "- 请展示卡片",
        "Please show the card.",
        "Do not list drinks.",
        "Don't invent ids.",
        "Never retry payOrder.",
        "You must confirm first.",
        "Then call createOrder.",
        "Next, show the card.",
        "Avoid plain text.",
        "If the user named a size, call createOrder.",
        "When the user confirms, then call payOrder.",
        "You can call getOrder.",
        "Instead, ask which one.",
    ],
)
def test_instructions(sentence: str) -> None:
    assert classify(sentence) == "action"


def test_conditional_instruction_naming_an_api() -> None:
    assert classify("用户仍想喝时从 searchDrinks 重新点单。") == "action"
    assert classify("用户仍想喝时会再来。") == "fact"


def test_fact_clause_then_instruction_is_cut() -> None:
    assert kinds(split_content("订单 WS0001 已支付，禁止再次调用 payOrder。")) == [
        "F 订单 WS0001 已支付，",
        "A 禁止再次调用 payOrder。",
    ]
    assert kinds(split_content("Order paid, do not call payOrder again.")) == ["F Order paid,", "A do not call payOrder again."]
    assert kinds(split_content("订单已支付，如需退款请到店处理。")) == ["F 订单已支付，", "A 如需退款请到店处理。"]


def test_action_sentences_are_never_cut() -> None:
    assert kinds(split_content("请展示订单状态卡片，卡片会实时刷新。")) == ["A 请展示订单状态卡片，卡片会实时刷新。"]


def test_english_text() -> None:
    split = split_content(
        'Found 4 drinks matching "latte" (from ¥28.00). Show the drink list card; if the user already '
        "named one, call selectDrink with its drinkId. Do not list drinks as plain text."
    )
    assert kinds(split) == [
        'F Found 4 drinks matching "latte" (from ¥28.00).',
        "A Show the drink list card;",
        "A if the user already named one, call selectDrink with its drinkId.",
        "A Do not list drinks as plain text.",
    ]


def test_english_mixed_into_chinese() -> None:
    split = split_content("已找到 3 款 latte 饮品（from ¥28.00）。Please show the drink-list card. 禁止以纯文本罗列。")
    assert kinds(split) == [
        "F 已找到 3 款 latte 饮品（from ¥28.00）。",
        "A Please show the drink-list card.",
        "A 禁止以纯文本罗列。",
    ]


def test_order_violation_and_first_kind() -> None:
    split = split_content("请展示卡片。订单已创建。")
    assert split.first_kind == "action" and split.order_violation and not split.bare_instruction
    assert split.to_dict() == {
        "facts": ["订单已创建。"],
        "actions": ["请展示卡片。"],
        "bareInstruction": False,
        "firstKind": "action",
        "orderViolation": True,
    }


def test_reasons_explain_the_verdict() -> None:
    split = split_content("已下单。请展示卡片。用户确认前禁止调用 payOrder。")
    assert [s.reason for s in split.sentences] == ["no instruction marker", "starts with 请", "conditional + 禁止"]


# ---- result blocks ----------------------------------------------------------------------------------


def test_multiple_text_blocks_are_split_block_by_block() -> None:
    blocks = [
        {"type": "text", "text": "已找到 3 款饮品"},
        {"type": "image", "url": "x.png"},
        {"type": "text", "text": "请展示饮品列表卡片"},
        {"type": "text", "text": "  "},
    ]
    split = split_result(blocks)
    assert split.facts == ["已找到 3 款饮品"] and split.actions == ["请展示饮品列表卡片"]
    assert [s.kind for s in split.sentences] == ["fact", "action"]


def test_split_result_of_nothing_and_of_a_string() -> None:
    assert split_result(None) == Split([], [], False)
    assert split_result([]) == Split([], [], False)
    assert split_result("接下来请展示卡片。").bare_instruction

"""A card's message sent outside a tap (a payment card after wx.requestPayment resolves): a message
turn answers it, expect: message on the render step checks it, and one nobody answers fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from pay_support import ORDER, PAY, fails, passes, write

from wxreplay.errors import ScenarioError
from wxreplay.planner import tap_candidates
from wxreplay.project import load_project
from wxreplay.scenario import load_scenario
from wxreplay.tap_target import tap_candidates as moved


def test_a_message_turn_takes_the_cards_follow_up_and_runs_its_api_call(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        ORDER
        + """
  - message: pay-card
    expect: {message: {text: 我已完成支付, api_call: confirmPayment, arguments: {orderId: PO1001}}}
    plan:
      - call: confirmPayment
        expect: {structuredContent: {status: PAID}}
      - render: confirmPayment
        expect: {card: 已支付 PO1001}
""",
    )
    data = run.transcript.to_dict()
    render = data["turns"][0]["steps"][1]
    assert render["message"] == {
        "text": "我已完成支付",
        "apiCalls": [{"name": "confirmPayment", "arguments": {"orderId": "PO1001"}}],
    }
    turn = data["turns"][1]
    assert turn["kind"] == "message" and turn["message"]["text"] == "我已完成支付"
    assert [s["kind"] for s in turn["steps"]] == ["call", "render"]
    assert turn["steps"][0]["arguments"] == {"orderId": "PO1001"}  # args left out: the card's api/call arguments
    text = run.transcript.to_text()
    assert 'sent message "我已完成支付" [api/call confirmPayment {"orderId":"PO1001"}]' in text
    assert 'card message "我已完成支付"' in text


def test_the_message_turn_may_name_the_card_by_api_or_not_at_all(tmp_path: Path) -> None:
    for spec in ("{api: createOrder}", "{card: pay-card}", "true", ""):
        passes(
            tmp_path,
            ORDER
            + f"""
  - message: {spec}
    plan:
      - call: confirmPayment
""",
        )


def test_a_text_only_follow_up_needs_no_call(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        ORDER
        + """
  - message: pay-card
    expect: {message: 我没有完成支付}
    plan:
      - reply: 支付没有完成，要再试一次吗？
""",
        payments="[cancel]",
    )
    assert run.transcript.turns[1].message == {"text": "我没有完成支付"}


def test_expect_message_on_the_render_step_checks_and_answers_it(tmp_path: Path) -> None:
    passes(
        tmp_path,
        """
turns:
  - user: 来一杯拿铁
    plan:
      - call: createOrder
        args: {item: 拿铁}
      - render: createOrder
        expect:
          card: 已支付
          message: {text: 我已完成支付, api_call: confirmPayment, arguments: {orderId: PO1001}}
  - user: 好的
    plan:
      - reply: 好
""",
    )
    f = fails(
        tmp_path,
        """
turns:
  - user: 来一杯拿铁
    plan:
      - call: createOrder
        args: {item: 拿铁}
      - render: createOrder
        expect: {message: {api_call: createOrder}}
""",
    )
    assert [d.describe() for d in f.differences] == [
        'turn 1 › render createOrder › message › api_call: expected "createOrder", got ["confirmPayment"]'
    ]
    f = fails(
        tmp_path,
        """
turns:
  - user: 先看看
    plan:
      - call: listItems
      - render: listItems
        expect: {message: 我已完成支付}
""",
    )
    assert [d.describe() for d in f.differences] == [
        "turn 1 › render listItems › message: expected an upstream message, but the card, while rendering, sent none"
    ]
    passes(
        tmp_path,
        "\nturns:\n  - user: 看\n    plan:\n      - call: listItems\n      - render: listItems\n"
        "        expect: {message: false}\n",
    )


def test_an_unanswered_message_fails_at_the_step_that_sent_it_before_the_next_turn(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        ORDER
        + """
  - user: 谢谢
    plan:
      - reply: 不客气
""",
    )
    assert f.turn == 1 and f.step == "turn 1 › render createOrder" and f.line == 9
    assert f.reason == (
        'the pay-card card sent "我已完成支付" [api/call confirmPayment {"orderId":"PO1001"}] at turn 1 › render createOrder, '
        "outside a tap, and no turn answers it: the platform makes it the next user message"
    )
    assert f.fix is not None and "add - message: pay-card as the next turn" in f.fix and "- call: confirmPayment first" in f.fix
    assert "expect: {message: ...}" in f.fix


def test_an_unanswered_message_at_the_end_of_the_scenario_fails_too(tmp_path: Path) -> None:
    f = fails(tmp_path, ORDER)
    assert f.step == "turn 1 › render createOrder" and "no turn answers it" in f.reason


def test_a_message_turn_with_nothing_waiting_fails_and_says_what_waits(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: listItems
      - render: listItems
  - message: menu
""",
    )
    assert f.reason == "no menu card has sent a message outside a tap that is still waiting for an answer"
    f = fails(
        tmp_path,
        ORDER
        + """
      - call: listItems
      - render: listItems
  - message: menu
""",
    )
    assert "(waiting: the pay-card card sent" in f.reason and f.fix is not None and "message: pay-card" in f.fix


def test_a_message_with_an_api_call_needs_a_plan_that_starts_with_it(tmp_path: Path) -> None:
    f = fails(tmp_path, ORDER + "\n  - message: pay-card\n")
    assert "asks the platform to call confirmPayment (an api/call block), but the message has no plan" in f.reason
    f = fails(tmp_path, ORDER + "\n  - message: pay-card\n    plan:\n      - call: listItems\n")
    assert f.reason == "the card's message asks the platform to call confirmPayment, but the plan calls listItems"


def test_a_tap_still_answers_its_own_message(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: listItems
      - render: listItems
  - tap: 美式
    expect: {message: {api_call: createOrder, arguments: {item: 美式}}}
    plan:
      - call: createOrder
      - render: createOrder
  - message: pay-card
    plan:
      - call: confirmPayment
""",
    )
    assert [t.kind for t in run.transcript.turns] == ["user", "tap", "message"]


def test_tap_candidates_moved_with_its_name_kept() -> None:
    assert tap_candidates is moved


@pytest.mark.parametrize(
    ("body", "message", "where"),
    [
        ("  - message: pay-card\n", "no card has been rendered before this turn, so no card can have sent a message", ":5:14:"),
        (
            ORDER.removeprefix("\nturns:\n") + "  - message: pay-crad\n",
            "no card component named 'pay-crad' in skill 'pay'",
            ":10:14:",
        ),
        (
            ORDER.removeprefix("\nturns:\n") + "  - message: {card: menu}\n",
            "no menu card has been rendered before this turn, so it cannot have sent a message",
            ":10:21:",
        ),
        (
            ORDER.removeprefix("\nturns:\n") + "  - message: pay-card\n    expect: {card: 已支付}\n",
            "`card` can be checked on a render step or a tap or a lifecycle event; on a message turn the valid keys are message",
            ":11:14:",
        ),
        (
            ORDER.removeprefix("\nturns:\n")
            + "  - message: pay-card\n    expect: {message: {api_call: confirmPayment}}\n    plan:\n      - call: createOrder\n",
            "the card's message calls confirmPayment, but the plan's first call is createOrder",
            ":13:15:",
        ),
        (
            ORDER.removeprefix("\nturns:\n") + "  - message: pay-card\n    expect: {message: false}\n",
            "a message turn takes a message the card sent, so `message: false` can never hold here",
            ":11:23:",
        ),
        (
            ORDER.removeprefix("\nturns:\n") + "  - message: {card: pay-card, api: createOrder}\n",
            "message",
            ":10:",
        ),
    ],
)
def test_misused_message_turns_are_located_load_errors(tmp_path: Path, body: str, message: str, where: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "turns:\n" + body), project=load_project(PAY))
    text = str(info.value)
    assert message in text and where in text and "fix:" in text

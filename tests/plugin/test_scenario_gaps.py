"""The scenario gaps of issue 15 as pytest users meet them: a payment card's follow-up message taken by a
message turn, an unanswered one failing at its line, expect: error, ambiguous taps under --wx-strict."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from plugin_support import write

PAY = Path(__file__).resolve().parents[1] / "skills" / "pay-followup"

PAID = textwrap.dedent("""\
    name: 卡片支付后续
    device: {payments: [success]}
    turns:
      - user: 来一杯拿铁
        plan:
          - call: createOrder
            args: {item: 拿铁}
          - render: createOrder
            expect: {card: 已支付, host_calls: [requestPayment, modelContext]}
      - message: pay-card
        expect: {message: {api_call: confirmPayment}}
        plan:
          - call: confirmPayment
            expect: {structuredContent: {status: PAID}}
          - render: confirmPayment
    """)

UNANSWERED = textwrap.dedent("""\
    name: 没人回答的消息
    device: {payments: [success]}
    turns:
      - user: 来一杯拿铁
        plan:
          - call: createOrder
            args: {item: 拿铁}
          - render: createOrder
      - user: 谢谢
        plan:
          - reply: 不客气
    """)

PINNED = textwrap.dedent("""\
    name: 预期的错误
    turns:
      - user: 回执
        plan:
          - call: refundOrder
            expect: {error: {kind: unknown_api}}
          - call: brokenReceipt
          - render: brokenReceipt
            expect: {error: {kind: render, text: inner}}
          - reply: 暂时无法显示
    """)

AMBIGUOUS = textwrap.dedent("""\
    name: 两杯拿铁
    device: {payments: [success]}
    turns:
      - user: 看看
        plan:
          - call: listItems
          - render: listItems
      - tap: 拿铁
        plan:
          - call: createOrder
          - render: createOrder
            expect: {message: 我已完成支付}
    """)


@pytest.fixture
def pay(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir holding the pay-followup fixture under ``pay/``, configured with ``wxreplay_project = pay``."""
    shutil.copytree(PAY, pytester.path / "pay")
    pytester.makeini("[pytest]\nwxreplay_project = pay\n")
    return pytester


def test_a_message_turn_records_replays_and_snapshots(pay: pytest.Pytester) -> None:
    write(pay.path, {"scenarios/paid.scenario.yaml": PAID})
    pay.runpytest("--wx-record", "once", "--snapshot-update").assert_outcomes(passed=1)
    snapshot = next((pay.path / "scenarios" / "__snapshots__").rglob("*.yaml")).read_text(encoding="utf-8")
    assert "kind: message" in snapshot and "我已完成支付" in snapshot
    pay.runpytest().assert_outcomes(passed=1)  # replay, snapshot unchanged


def test_an_unanswered_message_fails_at_the_step_that_sent_it(pay: pytest.Pytester) -> None:
    write(pay.path, {"scenarios/unanswered.scenario.yaml": UNANSWERED})
    result = pay.runpytest("--wx-record", "once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenarios/unanswered.scenario.yaml:8: turn 1 › render createOrder: the pay-card card sent *我已完成支付* "
            "outside a tap, and no turn answers it*",
            "*fix: add - message: pay-card as the next turn*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_expected_errors_pass(pay: pytest.Pytester) -> None:
    write(pay.path, {"scenarios/pinned.scenario.yaml": PINNED})
    pay.runpytest("--wx-record", "once", "--snapshot-update").assert_outcomes(passed=1)
    snapshot = next((pay.path / "scenarios" / "__snapshots__").rglob("*.yaml")).read_text(encoding="utf-8")
    assert "kind: unknown_api" in snapshot and "kind: render" in snapshot


def test_an_ambiguous_tap_fails_under_strict_with_the_candidates(pay: pytest.Pytester) -> None:
    write(pay.path, {"scenarios/ambiguous.scenario.yaml": AMBIGUOUS})
    pay.runpytest("--wx-record", "once", "--snapshot-update").assert_outcomes(passed=1)
    strict = pay.runpytest("--wx-strict")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(
        [
            "*ambiguous-tap*could mean 2 tappable nodes of the menu card*",
            "*fix: say which node: add index: N to the tap*",
        ]
    )

"""expect: error on call, render and tap steps: the step passes only when it fails with that error,
the run goes on as the client would, and without it such errors still fail the scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from pay_support import PAY, fails, passes, write

from wxreplay.errors import JSError, ScenarioError
from wxreplay.project import load_project
from wxreplay.scenario import Scenario
from wxreplay.scenario import load_scenario as load_only


def load_scenario(path: Path) -> Scenario:
    """Load ``path`` and check it against pay-followup, as a run does."""
    return load_only(path, project=load_project(PAY))


MENU = """
turns:
  - user: 看看
    plan:
      - call: listItems
      - render: listItems
"""


def test_a_call_of_an_api_the_skill_does_not_declare_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 退款
    plan:
      - call: refundOrder
        args: {orderId: PO1}
        expect: {error: {kind: unknown_api, text: refundOrder}}
      - reply: 暂不支持退款。
  - user: 那来杯美式
    plan:
      - call: createOrder
        args: {item: 美式}
      - render: createOrder
        expect: {message: {api_call: confirmPayment}}
""",
    )
    step = run.transcript.to_dict()["turns"][0]["steps"][0]
    assert step["kind"] == "call" and step["api"] == "refundOrder" and step["arguments"] == {"orderId": "PO1"}
    assert step["error"]["kind"] == "unknown_api" and "refundOrder" in step["error"]["message"]
    assert "failed as expected [unknown_api]" in run.transcript.to_text()


def test_arguments_against_the_input_schema_are_rejected(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 来一杯
    plan:
      - call: createOrder
        args: {item: 5}
        expect: {error: {kind: arguments, text: "5 is not of type 'string'"}}
""",
    )
    assert run.transcript.turns[0].steps[0].error == {
        "kind": "arguments",
        "message": run.transcript.turns[0].steps[0].error["message"],  # type: ignore[index]
    }


def test_a_js_error_of_the_handler_is_pinned_by_text(tmp_path: Path) -> None:
    passes(
        tmp_path,
        """
turns:
  - user: 坏了
    plan:
      - call: throwing
        expect: {error: "Cannot read properties of null (reading 'id')", host_calls: [], findings: []}
""".replace("host_calls: [], ", ""),
    )


def test_an_error_that_does_not_happen_fails_the_step(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        MENU.replace("      - render: listItems\n", "        expect: {error: {kind: js}}\n"),
    )
    assert f.step == "turn 1 › listItems" and f.reason == "expect: not met (1 difference)"
    assert [d.describe() for d in f.differences] == [
        "turn 1 › listItems › error: expected the step to fail with a js error, but it succeeded"
    ]


def test_another_error_than_the_one_pinned_fails_with_it_as_the_cause(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 坏了
    plan:
      - call: throwing
        expect: {error: {kind: arguments, text: item}}
""",
    )
    assert isinstance(f.cause, JSError)
    described = [d.describe() for d in f.differences]
    assert described[0].startswith('turn 1 › throwing › error › kind: expected "arguments", got "js: throwing threw: TypeError')
    assert described[1].startswith('turn 1 › throwing › error › text: expected text containing "item", got "throwing threw')


def test_without_expect_error_such_errors_still_fail(tmp_path: Path) -> None:
    f = fails(tmp_path, "\nturns:\n  - user: 坏了\n    plan:\n      - call: throwing\n")
    assert isinstance(f.cause, JSError) and f.reason.startswith("throwing failed: throwing threw: TypeError")
    with pytest.raises(ScenarioError, match="unknown API 'refundOrder'"):
        load_scenario(write(tmp_path, "\nturns:\n  - user: 退款\n    plan:\n      - call: refundOrder\n"))


def test_a_render_error_is_pinned_and_no_card_is_shown(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 回执
    plan:
      - call: brokenReceipt
      - render: brokenReceipt
        expect: {error: {kind: render, text: "Cannot read properties of null (reading 'inner')"}}
      - reply: 回执暂时无法显示。
""",
    )
    step = run.transcript.to_dict()["turns"][0]["steps"][1]
    assert step["kind"] == "render" and "card" not in step and step["error"]["kind"] == "render"
    assert "  render brokenReceipt" in run.transcript.to_text()
    with pytest.raises(ScenarioError, match="nothing can be tapped yet"):  # the failed render shows nothing to tap
        load_scenario(write(tmp_path, run.scenario.text.split("turns:")[1].join(["turns:", ""]) + "  - tap: 回执\n"))


def test_a_tap_whose_handler_throws_is_pinned(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        MENU
        + """
  - tap: 出错
    expect: {error: {kind: js, text: "reading 'name'"}}
  - tap: 美式
    plan:
      - call: createOrder
      - render: createOrder
        expect: {message: {api_call: confirmPayment}}
""",
    )
    tap = run.transcript.to_dict()["turns"][1]["steps"][0]
    assert tap["error"]["kind"] == "js" and tap["card"] == {"target": 'button.crash @tap=onCrash "出错"'}


def test_a_card_api_call_the_platform_rejects_is_pinned_and_nothing_answers_it(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        MENU
        + """
  - tap: 随便来一杯
    expect: {error: {kind: arguments, text: createOrder}, message: 随便来一杯}
""",
    )
    tap = run.transcript.to_dict()["turns"][1]["steps"][0]
    assert tap["error"]["kind"] == "arguments" and [f["code"] for f in tap["findings"]] == ["follow-up-arguments"]
    f = fails(tmp_path, MENU + "\n  - tap: 随便来一杯\n")  # unchanged without expect: error
    assert "error finding" in f.reason and "follow-up-arguments" in f.render()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "  - user: a\n    plan:\n      - call: createOrder\n        args: {item: 5}\n        save: {x: structuredContent.x}\n"
            "        expect: {error: x}\n",
            "`save` reads the call's result, but `expect: error` says the call fails and returns none",
        ),
        (
            "  - user: a\n    plan:\n      - call: throwing\n        expect: {error: x, content: y}\n",
            "`expect: content` checks what a call step that succeeded gives, but `expect: error` says it fails",
        ),
        (
            "  - user: a\n    plan:\n      - call: brokenReceipt\n      - render: brokenReceipt\n"
            "        expect: {error: x, card: y}\n",
            "`expect: card` checks what a render step that succeeded gives",
        ),
        (
            MENU.removeprefix("\nturns:\n")
            + "  - tap: 随便来一杯\n    expect: {error: x}\n    plan:\n      - call: createOrder\n",
            "`plan` answers the card's upstream message, but `expect: error` says the tap fails",
        ),
        (
            "  - user: a\n    plan:\n      - call: throwing\n        expect: {error: {kind: crash}}\n",
            "`kind` is unknown_api, arguments, js",
        ),
        ("  - user: a\n    plan:\n      - call: throwing\n        expect: {error: {}}\n", "`error`"),
        (
            "  - user: a\n    plan:\n      - call: refundOrder\n        expect: {error: x}\n      - render: last\n",
            "`render: last` shows the card of the latest call, but no API has been called yet",
        ),
    ],
)
def test_misused_expect_error_is_a_located_load_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "turns:\n" + body))
    text = str(info.value)
    assert message in text and "fix:" in text and "pay.scenario.yaml:" in text

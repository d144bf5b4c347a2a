"""The scripted planner: plans run exactly as written and are checked against what a backend could do."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from planner_support import PROJECT, fails, lines, passes, play, write

from wxreplay.errors import ArgumentsError, JSError
from wxreplay.expect import ScenarioFailure
from wxreplay.lifecycle import format_duration
from wxreplay.runner import RunOptions, cassette_path, run_scenario
from wxreplay.scenario import CallStep, UserTurn, load_scenario

LIST = """
turns:
  - user: 有什么商品？
    plan:
      - call: list
        args: {n: 2}
        save: {first: "structuredContent.items[0].id"}
      - render: list
      - reply: 这里有 2 件商品。
"""


def test_a_user_turn_runs_its_plan_and_records_it(tmp_path: Path) -> None:
    run = passes(tmp_path, LIST)
    t = run.transcript.to_dict()
    assert [s["sessionId"] for s in t["sessions"]] == ["<session#1>"]
    (turn,) = t["turns"]
    assert (turn["kind"], turn["user"], turn["line"]) == ("user", "有什么商品？", 4)
    call, render, reply = turn["steps"]
    assert call["api"] == "list" and call["arguments"] == {"n": 2} and call["saved"] == {"first": 1}
    assert call["result"]["facts"] == ["共有 2 件商品。"] and call["result"]["actions"] == ["请展示列表卡片，请用户点选。"]
    assert render["card"]["component"] == "components/list/index"
    assert render["card"]["tree"][0]["children"][1]["data"] == {"item": {"id": 1, "name": "商品1"}}
    assert reply == {"kind": "reply", "line": 10, "reply": "这里有 2 件商品。"}
    assert run.transcript.file == "t.scenario.yaml" and run.transcript.skill == "shop"
    assert run.cassette == tmp_path / "cassettes" / "t.yaml" and not run.cassette.exists()  # nothing recorded


def test_a_tap_api_call_is_what_runs_with_the_card_arguments(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        LIST
        + """
  - tap: 商品2
    expect:
      message: {text: 我要商品2, api_call: pick, arguments: {itemId: 2}}
    plan:
      - call: pick
        expect:
          structuredContent: {itemId: 2, code: P1002}
      - render: last
        expect:
          card: {text: 编号 P1002, selector: .choose, count: 1}
""",
    )
    tap = run.transcript.turns[1]
    assert tap.kind == "tap" and tap.message == {"text": "我要商品2", "apiCalls": [{"name": "pick", "arguments": {"itemId": 2}}]}
    assert [s.kind for s in tap.steps] == ["tap", "call", "render"]
    assert tap.steps[1].arguments == {"itemId": 2}


def test_plan_args_may_repeat_the_card_arguments_exactly(tmp_path: Path) -> None:
    passes(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    plan:
      - call: pick
        args: {itemId: "${first}"}
""",
    )


def test_the_first_call_must_be_the_api_the_card_sent(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    plan:
      - reply: 好的
      - call: list
""",
    )
    assert f.turn == 2 and f.step == "turn 2 › list"
    assert f.reason == "the card's message asks the platform to call pick, but the plan calls list"
    assert f.fix == "the platform runs the call it was given: write - call: pick"
    assert f.line == 15  # the call: key of the step


def test_plan_args_that_differ_from_the_card_are_a_diff(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    plan:
      - call: pick
        args: {itemId: 2}
""",
    )
    assert f.reason == "the plan's args differ from the arguments of the api/call that the card's message carries"
    assert lines(f) == ["turn 2 › pick › args.itemId: expected 1, got 2"]
    assert "leave args out" in (f.fix or "")


def test_an_api_call_without_a_plan_fails(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
""",
    )
    assert f.step == "turn 2 › tap 商品1"
    assert f.reason == "the card's message asks the platform to call pick (an api/call block), but the tap has no plan"
    assert f.fix == "add plan: with - call: pick first (its arguments come from the card)"


def test_a_plan_for_a_tap_that_sent_nothing_fails(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 安静
    plan:
      - reply: 好的
""",
    )
    assert f.reason == "this tap has a plan, but the card sent no upstream message for the planner to answer"


def test_a_text_only_message_needs_no_call(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        LIST
        + """
  - tap: 咨询
    expect:
      message: 有优惠吗
    plan:
      - reply: 目前没有优惠。
""",
    )
    assert run.transcript.turns[1].message == {"text": "有优惠吗"}


def test_api_calls_returned_by_an_api_are_followed(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 准备商品 2
    plan:
      - call: chain
      - reply: 马上好
      - call: pick             # the chained call, with the chained arguments
        args: {itemId: 2}
        expect: {structuredContent: {itemId: 2}}
      - render: pick
""",
    )
    steps = run.transcript.turns[0].steps
    assert steps[0].result is not None and steps[0].result["apiCalls"] == [{"name": "pick", "arguments": {"itemId": 2}}]
    assert steps[2].arguments == {"itemId": 2}
    f = fails(
        tmp_path,
        """
turns:
  - user: 准备商品 2
    plan:
      - call: chain
      - call: pick
        args: {itemId: 3}
""",
    )
    assert f.reason == "the plan's args differ from the arguments of the api/call that chain's apiCalls carries"
    assert lines(f) == ["turn 1 › pick › args.itemId: expected 2, got 3"]


def test_a_plan_that_drops_a_chained_call_fails(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 准备商品 3
    plan:
      - call: chain
        args: {to: 3}
      - reply: 好了
""",
    )
    assert f.reason == "chain's apiCalls asks the platform to call pick next, but the plan ends without calling it"
    assert f.line == 8 and f.step == "turn 1 › reply"
    f = fails(
        tmp_path,
        """
turns:
  - user: 准备商品 3
    plan:
      - call: chain
      - call: list
""",
    )
    assert f.reason == "chain's apiCalls asks the platform to call pick, but the plan calls list"


def test_render_after_an_is_error_result_fails_with_its_text(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 要下架的那件
    plan:
      - call: fail
        expect: {isError: true, facts: 商品已下架}
      - render: fail
""",
    )
    assert f.step == "turn 1 › render fail" and f.line == 8
    assert f.reason == (
        "fail returned isError: true, and isError results render no card (the client shows only the text): "
        "商品已下架。请告诉用户换一件，禁止重试。"
    )
    assert f.fix is not None and "isError: true" in f.fix


def test_render_last_shows_the_latest_call(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: list
      - call: pick
        args: {itemId: 3}
      - render: last
        expect: {card: 编号 P1003}
      - render: list
        expect: {card: {selector: .item, count: 3}}
""",
    )
    renders = [s for s in run.transcript.steps if s.kind == "render"]
    assert [r.api for r in renders] == ["pick", "list"]


def test_render_of_an_api_not_called_in_this_session_fails(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: list
  - restart
  - user: 再看看
    plan:
      - call: pick
        args: {itemId: 1}
      - render: list
""",
    )
    assert f.reason == "render: list, but list has not been called in session 2 (earlier sessions ended; their results are gone)"


def test_arguments_are_checked_after_substitution(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: pick
        args: {itemId: 1}
        save: {code: structuredContent.code}
      - call: pick
        args: {itemId: "${code}"}
""",
    )
    assert f.reason == "the arguments of pick do not match its inputSchema" and f.line == 10
    assert isinstance(f.cause, ArgumentsError) and "itemId: 'P1001' is not of type 'integer'" in str(f.cause)
    assert f.planned == 'call pick {"itemId":"P1001"}'


def test_an_unknown_variable_at_run_time_fails_at_its_step(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            """
turns:
  - user: 看看
    plan:
      - call: pick
        args: {itemId: 1}
        save: {item: structuredContent}
      - reply: 编号 ${item.code}，标签 ${item.tags[5]}
""",
        )
    )
    run = run_scenario(scenario, RunOptions(cassette_dir=tmp_path))
    f = run.failure
    assert f is not None and f.step == "turn 1 › reply" and f.line == 9
    assert f.reason == "${item.tags[5]}: tags has 2 elements, so [5] does not exist"
    # A scenario object whose save went missing (built by hand): the variable is unknown when the step runs.
    turn = scenario.turns[0]
    assert isinstance(turn, UserTurn) and isinstance(turn.plan[0], CallStep)
    unsaved = dataclasses.replace(turn, plan=(dataclasses.replace(turn.plan[0], save=()), *turn.plan[1:]))
    f = run_scenario(dataclasses.replace(scenario, turns=(unsaved,)), RunOptions(cassette_dir=tmp_path)).failure
    assert f is not None and f.reason == "${item.code}: no variable 'item' has been saved (saved so far: none yet)"
    assert f.fix == "save it first with save: {item: structuredContent...}"


def test_a_save_path_missing_from_the_result_fails_at_the_save(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: pick
        args: {itemId: 1}
        save: {price: structuredContent.price}
""",
    )
    assert f.reason == "save price: structuredContent.price: structuredContent has no key 'price' (keys: itemId, code, tags)"
    assert f.line == 8


def test_a_js_error_stops_the_run_with_the_skill_file_and_line(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 坏了
    plan:
      - call: throws
""",
    )
    assert isinstance(f.cause, JSError) and f.cause.file == "skills/shop/index.js" and f.cause.line == 55
    assert f.reason.startswith("throws failed: throws threw: TypeError: Cannot read properties of null")
    report = f.render()
    assert "JSError: skills/shop/index.js:55:32: throws threw: TypeError" in report and "Traceback" not in report


def test_a_tap_by_text_picks_a_tappable_node_exact_text_first(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        LIST
        + """
  - tap: {card: list, text: 商品, index: 1}
    expect: {message: {arguments: {itemId: 2}, api_call: pick}}
    plan:
      - call: pick
""",
    )
    assert run.transcript.turns[1].steps[0].card is not None
    assert run.transcript.turns[1].steps[0].card["target"] == 'text.name "商品2"'


def test_a_tap_on_nothing_lists_what_is_there(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: {card: list, text: 购物车}
""",
    )
    assert f.reason.startswith("the list card has no such node: no node #0 with text '购物车' (found 0)")
    assert f.cause is not None and "商品列表" in str(f.cause)
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: {api: list, selector: .item, index: 5}
""",
    )
    assert f.reason == "the list card has no such node: no node #5 matches '.item' (found 2)"


def test_an_expired_card_cannot_be_tapped(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 看看
    plan:
      - call: pick
        args: {itemId: 1}
      - render: pick
  - tap: 确认
    expect: {rerender: true, message: false, card: 已确认}
  - user: 不要了
    plan:
      - call: expire
  - tap: {card: detail, text: 确认}
""",
    )
    assert f.turn == 4 and f.step == "turn 4 › tap 确认"
    assert f.reason.startswith("tapping the detail card failed: components/detail/index is expired (服务已过期)")


def test_strict_fails_on_warnings_and_findings_states_them(tmp_path: Path) -> None:
    body = """
turns:
  - user: 展示
    plan:
      - call: bare
"""
    run = passes(tmp_path, body)
    assert [f["code"] for f in run.transcript.all_findings()] == ["bare-instruction"]
    f = fails(tmp_path, body, strict=True)
    assert f.reason == "the step reported 1 finding (strict)"
    assert lines(f) == [
        'turn 1 › bare › findings › bare-instruction: expected no finding, got "bare returned only '
        'instructions and no fact: 请展示卡片。 (state what happened first, spec 4.1)"'
    ]
    assert f.fix == "fix the skill, or state the codes the step should report: expect: {findings: [bare-instruction]}"
    passes(tmp_path, body + "        expect: {findings: [bare-instruction]}\n", strict=True)
    f = fails(tmp_path, body + "        expect: {findings: []}\n")
    assert lines(f) == ['turn 1 › bare › findings: expected [], got ["bare-instruction"]']


def test_error_findings_fail_the_step(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 坏消息
    plan:
      - reply: 好的
""",
    )
    assert f.step == "turn 2 › tap 坏消息" and f.reason == "the step reported 1 error finding"
    assert lines(f)[0].startswith("turn 2 › tap 坏消息 › findings › follow-up-unknown-api: expected no error finding, got ")
    # stated, the error is expected: the plan then answers the (broken) api/call as the card sent it
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 坏消息
    expect: {findings: [follow-up-unknown-api]}
    plan:
      - call: pick
        args: {itemId: 1}
""",
    )
    assert f.reason == "the card's message asks the platform to call pik, but the plan calls pick"


def test_failure_report_shows_the_turn_yaml_marked_and_pickles(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    plan:
      - call: pick
        expect:
          structuredContent: {code: P9999, tags: [new]}
          handoff: {query: itemId=1}
""",
    )
    report = f.render()
    assert report.splitlines()[0] == f"{f.file}:16: turn 2 › pick: expect: not met (2 differences)"
    assert "  scenario: 测试" in report
    assert "  12 |   - tap: 12" not in report and "  12 |   - tap: 商品1" in report
    assert "  14 |       - call: pick" in report and "  15 |         expect:" in report
    assert "> 16 |           structuredContent: {code: P9999, tags: [new]}" in report and "> 17 |" in report
    assert '  planned: call pick {"itemId":1}' in report
    assert '    turn 2 › pick › structuredContent.code: expected "P9999", got "P1001"' in report
    assert '    turn 2 › pick › structuredContent.tags: expected ["new"], got ["new", "hot"]' in report
    clone = pickle.loads(pickle.dumps(f))
    assert isinstance(clone, ScenarioFailure) and clone.render() == report and str(clone) == str(f)


def test_durations_read_as_written() -> None:
    assert format_duration(1_800_000) == "30m" and format_duration(5000) == "5s"
    assert format_duration(5_400_000) == "1h30m" and format_duration(1500) == "1500ms"


def test_default_cassette_is_named_after_the_file(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, LIST, name="latte-less-sugar.scenario.yaml"))
    # No configuration file above tmp_path: the root is the scenario's folder, not the working directory.
    assert cassette_path(scenario) == tmp_path / "cassettes" / "latte-less-sugar.yaml"
    assert cassette_path(scenario, RunOptions(cassette_dir=Path("x"))) == tmp_path / "x" / "latte-less-sugar.yaml"
    named = load_scenario(write(tmp_path, "cassette: tapes/a.yaml\n" + LIST, name="b.scenario.yaml"))
    assert cassette_path(named) == tmp_path / "tapes" / "a.yaml"


def test_a_scenario_without_project_needs_one_from_the_options(tmp_path: Path) -> None:
    path = tmp_path / "np.scenario.yaml"
    path.write_text("name: 无项目\nturns:\n  - user: hi\n    plan: [{reply: hi}]\n", encoding="utf-8")
    from wxreplay.errors import ScenarioError
    from wxreplay.runner import run_path

    try:
        run_path(path)
    except ScenarioError as e:
        assert "the scenario does not say which project it drives" in str(e) and e.line == 1
    else:  # pragma: no cover
        raise AssertionError("expected a ScenarioError")
    assert run_path(path, RunOptions(project=PROJECT, cassette_dir=tmp_path)).passed


def test_plays_are_independent(tmp_path: Path) -> None:
    a = play(tmp_path, LIST).transcript.to_json()
    b = play(tmp_path, LIST).transcript.to_json()
    assert a == b

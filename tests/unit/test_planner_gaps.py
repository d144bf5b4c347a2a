"""Scenario gaps real packages hit: host_calls naming any recorded host call (wx.cloud.*, modelContext.*),
ambiguous text taps, and durations printed as the scenario wrote them."""

from __future__ import annotations

import re
import tempfile
import textwrap
from pathlib import Path

import pay_support
import pytest
from planner_support import fails as lab_fails
from planner_support import passes as lab_passes

from wxreplay import wx_api_names
from wxreplay.errors import ScenarioError
from wxreplay.runner import RunOptions, run_path
from wxreplay.scenario import parse_scenario

SHOP = Path(__file__).resolve().parents[1] / "skills" / "cloud-shop"
JS = Path(__file__).resolve().parents[2] / "wxreplay" / "runtime" / "js"

# ---- host_calls: any name the runtime records ------------------------------------------------------


def _cloud_run(tmp_path: Path, expect: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "cloud.scenario.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name: 云开发商品
            project: {SHOP.as_posix()}
            device:
              cloud:
                collections:
                  products: [{{_id: p1, name: Latte, category: coffee, price: 28, stock: 9}}]
            turns:
              - user: 有什么咖啡
                plan:
                  - call: listProducts
                    args: {{category: coffee}}
                    expect: {{structuredContent: {{total: 1}}, host_calls: {expect}}}
            """
        ),
        encoding="utf-8",
    )
    return run_path(path, RunOptions(cassette_dir=tmp_path / "cassettes", record="once", record_explicit=True))


@pytest.mark.parametrize(
    "names",
    [
        "[cloud.init, cloud.database]",
        "[wx.cloud.init, wx.cloud.database]",
        "cloud",  # a namespace matches any call below it
        "[cloud.init, cloud]",
    ],
)
def test_host_calls_name_cloud_calls_as_the_transcript_records_them(tmp_path: Path, names: str) -> None:
    run = _cloud_run(tmp_path, names)
    assert run.failure is None, run.failure.render()


def test_a_cloud_call_that_did_not_happen_is_a_difference(tmp_path: Path) -> None:
    run = _cloud_run(tmp_path, "[cloud.callFunction]")
    assert run.failure is not None
    (diff,) = run.failure.differences
    assert diff.describe().startswith(
        "turn 1 › listProducts › host_calls: expected a call of wx.cloud.callFunction, but the step called"
    )
    assert '"cloud.init"' in diff.describe() and '"cloud.database"' in diff.describe()


def test_model_context_calls_are_named_too(tmp_path: Path) -> None:
    pay_support.passes(
        tmp_path,
        pay_support.ORDER.replace(
            "      - render: createOrder\n",
            "      - render: createOrder\n        expect:\n"
            "          host_calls: [requestPayment, modelContext.sendFollowUpMessage]\n"
            "          message: 我已完成支付\n",
        ),
    )


def _host_calls_error(value: str) -> str:
    text = f"name: x\nturns:\n  - user: hi\n    plan:\n      - call: a\n        expect: {{host_calls: {value}}}\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, path=Path("/nowhere/x.scenario.yaml"))
    return str(info.value)


def test_an_unknown_host_call_name_is_located_with_the_recorded_name_it_means() -> None:
    text = _host_calls_error("[cloud.callFuntion]")
    assert "x.scenario.yaml:6:" in text and "`host_calls`: 'cloud.callFuntion' is not a wx API" in text
    assert "did you mean 'cloud.callFunction'?" in text
    text = _host_calls_error("[\"wx.cloud.database().collection('orders').get()\"]")
    assert "the runtime records these calls as 'cloud.database': write cloud.database" in text
    assert "did you mean 'modelContext.sendFollowUpMessage'?" in _host_calls_error("[modelContext.sendFollowupMessage]")


def test_every_name_the_runtime_js_records_is_accepted() -> None:
    # The JS shims are what records host calls: every literal name they record must be nameable.
    recorded: set[str] = set()
    for file in JS.glob("*.js"):
        source = file.read_text(encoding="utf-8")
        recorded |= set(re.findall(r"wr\.(?:event|effect)\('([A-Za-z.]+)'", source))
        recorded |= {"modelContext." + n for n in re.findall(r"record\(rec, '([A-Za-z]+)'", source)}
        recorded |= {"cloud." + n for n in re.findall(r"hostCall\('([A-Za-z]+)'", source)}
        for methods in re.findall(r"const MAP_METHODS = \[([^\]]*)\]", source):  # 'mapContext.' + m
            recorded |= {"mapContext." + m for m in re.findall(r"'([A-Za-z]+)'", methods)}
    missing = sorted(n for n in recorded if not n.endswith(".") and n not in wx_api_names.recorded_names())
    assert not missing
    assert {"cloud.init", "cloud.database", "modelContext.sendFollowUpMessage", "mapContext.moveToLocation"} <= recorded


# ---- ambiguous text taps -----------------------------------------------------------------------------

MENU = """
turns:
  - user: 看看
    plan:
      - call: listItems
      - render: listItems
"""


def test_a_text_tap_matching_several_nodes_warns_with_the_candidates(tmp_path: Path) -> None:
    run = pay_support.passes(
        tmp_path,
        MENU
        + "  - tap: 拿铁\n    plan:\n      - call: createOrder\n      - render: createOrder\n"
        + "        expect: {message: 我已完成支付}\n",
    )
    (found,) = run.transcript.turns[1].steps[0].findings
    assert found["code"] == "ambiguous-tap" and found["level"] == "warning"
    assert found["message"] == (
        "the tap on '拿铁' could mean 2 tappable nodes of the menu card that have exactly this text, and took #0; "
        'say which with index: N (0-based, in this order) or selector: — #0 text.name "拿铁" (line 4); '
        '#1 text.name "拿铁" (line 4)'
    )
    f = pay_support.fails(tmp_path, MENU + "  - tap: 拿铁\n    plan:\n      - call: createOrder\n", strict=True)
    assert "ambiguous-tap" in f.render() and "(strict)" in f.reason


def test_index_or_an_exact_match_settles_it(tmp_path: Path) -> None:
    for tap in ("{text: 拿铁, index: 1}", "{text: 拿铁, index: 0}", "美式"):
        run = pay_support.passes(
            tmp_path,
            MENU + f"  - tap: {tap}\n    plan:\n      - call: createOrder\n      - render: createOrder\n"
            "        expect: {message: 我已完成支付}\n",
            strict=True,
        )
        assert run.transcript.turns[1].steps[0].findings == []


def test_contained_matches_without_an_exact_one_are_ambiguous_too() -> None:
    body = """
turns:
  - user: 有什么商品？
    plan:
      - call: list
        args: {n: 2}
      - render: list
  - tap: 商品
    expect: {findings: [ambiguous-tap]}
    plan:
      - call: pick
"""
    with tempfile.TemporaryDirectory() as tmp:
        run = lab_passes(Path(tmp), body, strict=True)
    (found,) = run.transcript.turns[1].steps[0].findings
    assert "could mean 2 tappable nodes of the list card that contain it" in found["message"]
    assert '#0 text.name "商品1"' in found["message"] and '#1 text.name "商品2"' in found["message"]


# ---- durations as written ------------------------------------------------------------------------------


def test_messages_print_durations_as_the_scenario_wrote_them(tmp_path: Path) -> None:
    f = lab_fails(
        tmp_path,
        """
turns:
  - user: 有什么
    plan:
      - call: list
      - render: list
  - background: 31m
  - tap: 咨询
""",
    )
    assert "which ended (background 31m at turn 2)" in f.reason and "30m" not in f.reason
    f = lab_fails(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - background: 1h 5m
    expect: {session: same}
""",
    )
    assert f.step == "turn 2 › background 1h 5m"
    assert [d.describe() for d in f.differences] == [
        'turn 2 › background 1h 5m › session: expected "same", got "new: the session ended (background 1h 5m)"'
    ]


def test_the_transcript_keeps_the_written_duration_and_the_rule_that_ended_the_session(tmp_path: Path) -> None:
    run = lab_passes(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - advance: 1500ms
  - background: 2700s
    expect: {session: new}
""",
    )
    data = run.transcript.to_dict()
    assert [t.get("event") for t in data["turns"][1:]] == ["advance 1500ms", "background 2700s"]
    assert data["turns"][2]["steps"][0]["event"] == {"name": "background", "arg": "2700s", "sessionEnded": True}
    assert data["sessions"][0]["endedBy"] == "background 30m"  # the rule: 30 minutes in the background

"""The transcript: built from a real run of the example, stable across runs, readable, serialisable."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from wxreplay import Device, Finding, Project, Session
from wxreplay.result import CallResult, HostEvent, LogLine
from wxreplay.transcript import (
    StepRecord,
    Transcript,
    host_call_dict,
    record_call,
    record_lifecycle,
    record_render,
    record_reply,
    record_tap,
    tree_text,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "westore-cafe"


def westore_app() -> Any:
    spec = importlib.util.spec_from_file_location("westore_service_transcript", EXAMPLE / "service" / "westore_service.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.create_app()


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.load(EXAMPLE)


@dataclass
class Run:
    transcript: Transcript
    list_tree: str  # CardNode.to_text() of the drink list card
    detail_tree: str  # after the tap that re-rendered the drink detail card


def latte_run(project: Project, *, mask: bool = True) -> Run:
    """Order a latte through the example like the conversation runner would, recording a transcript."""
    t = Transcript("latte-order", "scenarios/latte.scenario.yaml", "examples/westore-cafe", "coffee", "cassettes/latte.yaml")
    device = Device()
    app = westore_app()
    with Session(project, device=device, transport=httpx.WSGITransport(app=app)) as s:
        t.start_session(s.session_id, s.now)
        turn = t.add_turn("user", line=4, user="点一杯拿铁，少糖")
        found = s.call("searchDrinks", {"keyword": "拿铁"})
        assert found.structured_content is not None
        turn.add(record_call(found, line=6, saved={"drinkId": found.structured_content["items"][0]["drinkId"]}))
        cards = s.render(found)
        turn.add(record_render(cards, line=8))
        turn.add(record_reply("为你找到 4 款拿铁，点一款看看吧。", line=9))

        tap = cards.tap(text="拿铁", index=1)
        assert tap.message is not None
        turn = t.add_turn("tap", line=10, message=tap.message.to_dict())
        turn.add(record_tap(tap, line=10))
        chosen = s.call("selectDrink", {"drinkId": 101})
        turn.add(record_call(chosen, line=11))
        detail = s.render(chosen)
        turn.add(record_render(detail, line=12))
        sugar = detail.tap(".chip", index=1)
        turn.add(record_tap(sugar, line=13))

        turn = t.add_turn("user", line=14, user="就这个，下单并支付")
        order = s.call("createOrder", {"drinkId": 101, "specs": {"sugar": "less", "size": "medium"}})
        turn.add(
            record_call(
                order,
                line=15,
                cassette_refs={e.index: i for i, e in enumerate(x for x in order.host_events if x.name == "request")},
            )
        )
        paid = s.call("payOrder", {"orderId": "WS0001"})
        turn.add(record_call(paid, line=16))
        refused = s.call("cancelOrder", {"orderId": "WS0001"})
        turn.add(record_call(refused, line=17))
        if mask:  # what the service makes up at random; cassettes pin these in real replays
            t.volatile(device.get_storage()["westore:token"]["token"], "token")
            pay = next(e for e in paid.host_events if e.name == "requestPayment")
            for key in ("timeStamp", "nonceStr", "package", "paySign"):
                t.volatile(pay.args[key], key)
        list_tree, detail_tree = cards.to_text(), detail.to_text()
        first_end = s.now

    turn = t.add_turn("lifecycle", line=18, event="background 30m")
    turn.add(record_lifecycle("background", "30m", line=18, session_ended=True))
    t.end_session("background 30m")
    with Session(project, device=device, transport=httpx.WSGITransport(app=app), now_ms=first_end + 30 * 60_000) as s:
        t.start_session(s.session_id, s.now)
        turn = t.add_turn("user", line=20, user="我的订单呢？")
        turn.add(record_call(s.call("getOrder", {"orderId": "WS0001"}), line=21))
    t.timings = {"total_ms": 123.4, "turns_ms": [1.0, 2.0]}
    return Run(t, list_tree, detail_tree)


@pytest.fixture(scope="module")
def run(project: Project) -> Run:
    return latte_run(project)


# ---- determinism ----------------------------------------------------------------------------------


def test_stable_form_is_identical_across_runs(project: Project, run: Run) -> None:
    again = latte_run(project)
    assert again.transcript.to_json() == run.transcript.to_json()
    assert again.transcript.to_yaml() == run.transcript.to_yaml()
    assert again.transcript.to_text(verbose=True) == run.transcript.to_text(verbose=True)
    raw = run.transcript.to_text(verbose=True, stable=False)
    assert "wst_" in raw and raw != again.transcript.to_text(verbose=True, stable=False)  # raw values, as recorded


def test_without_the_mask_the_random_token_shows(project: Project, run: Run) -> None:
    bare = latte_run(project, mask=False).transcript
    assert "wst_" in bare.to_json()
    assert "wst_" not in run.transcript.to_json() and "<token>" in run.transcript.to_json()
    assert bare.to_json() != latte_run(project, mask=False).transcript.to_json()


def test_timings_stay_out_of_the_stable_form(run: Run) -> None:
    stable, full = run.transcript.to_dict(), run.transcript.to_dict(stable=False)
    assert "timings" not in stable and "123.4" not in run.transcript.to_json()
    assert full["timings"] == {"total_ms": 123.4, "turns_ms": [1.0, 2.0]}
    assert list(full)[-1] == "timings"


def test_session_ids_become_placeholders(run: Run) -> None:
    t = run.transcript
    stable, full = t.to_dict(), t.to_dict(stable=False)
    assert [s["sessionId"] for s in stable["sessions"]] == ["<session#1>", "<session#2>"]
    assert full["sessions"][0]["sessionId"] == t.sessions[0].session_id.strip() != t.sessions[1].session_id
    assert t.sessions[0].session_id not in t.to_json()
    assert [s["endedBy"] for s in stable["sessions"]] == ["background 30m", None]
    assert [turn["session"] for turn in stable["turns"]] == [1, 1, 1, 1, 2]


# ---- shape and serialisation ------------------------------------------------------------------------


def test_key_order(run: Run) -> None:
    d = run.transcript.to_dict()
    assert list(d) == ["version", "scenario", "file", "project", "skill", "cassette", "sessions", "turns", "findings"]
    assert list(d["sessions"][0]) == ["index", "sessionId", "startedAtMs", "endedBy"]
    assert list(d["turns"][0]) == ["index", "kind", "line", "session", "user", "steps"]
    assert list(d["turns"][1]) == ["index", "kind", "line", "session", "message", "steps"]
    call = d["turns"][0]["steps"][0]
    assert list(call) == ["kind", "line", "api", "arguments", "result", "saved", "hostCalls", "logs"]
    assert list(call["result"]) == ["isError", "facts", "actions", "bareInstruction", "structuredContent", "_meta"]
    assert list(d["turns"][0]["steps"][1]) == ["kind", "line", "api", "card"]
    assert list(d["turns"][0]["steps"][1]["card"]) == ["number", "component", "context", "relatedPage", "tree"]
    assert list(d["turns"][3]["steps"][0]) == ["kind", "line", "event"]
    # Serialising keeps the order (never sorted).
    assert list(json.loads(run.transcript.to_json())) == list(d)
    assert list(yaml.safe_load(run.transcript.to_yaml())) == list(d)


def test_json_and_yaml_round_trip_with_cjk_unescaped(run: Run) -> None:
    t = run.transcript
    text_json, text_yaml = t.to_json(), t.to_yaml()
    assert "拿铁" in text_json and "\\u" not in text_json
    assert "user: 点一杯拿铁，少糖" in text_yaml and "\\u" not in text_yaml
    assert "- 已找到 4 款与「拿铁」相关的饮品（¥28.00 起）。" in text_yaml
    assert json.loads(text_json) == t.to_dict()
    assert yaml.safe_load(text_yaml) == t.to_dict()
    assert "&id" not in text_yaml and "*id" not in text_yaml  # no anchors/aliases
    assert text_json.endswith("}\n")


def test_call_step_records_facts_actions_and_traffic(run: Run) -> None:
    d = run.transcript.to_dict()
    search = d["turns"][0]["steps"][0]
    assert search["api"] == "searchDrinks" and search["arguments"] == {"keyword": "拿铁"}
    assert search["result"]["facts"] == ["已找到 4 款与「拿铁」相关的饮品（¥28.00 起）。"]
    assert search["result"]["actions"][-1] == "禁止以纯文本罗列饮品和价格。"
    assert search["result"]["bareInstruction"] is False
    assert search["saved"] == {"drinkId": 101}
    menu = next(h for h in search["hostCalls"] if h["name"] == "request")
    assert menu == {
        "name": "request",
        "context": "api",
        "method": "GET",
        "url": "http://127.0.0.1:8765/api/menu",
        "status": 200,
        "ok": True,
    }  # bodies and headers are in the cassette, not here
    assert search["logs"][0] == {"level": "info", "context": "api", "text": '[ai-mode] call searchDrinks {"keyword":"拿铁"}'}

    order = d["turns"][2]["steps"][0]
    assert [h.get("cassetteRef") for h in order["hostCalls"] if h["name"] == "request"] == [0, 1]
    assert "Authorization" not in json.dumps(order) and "<token>" in json.dumps(order)  # token kept in storage args, masked
    paid = d["turns"][2]["steps"][1]
    assert [f["code"] for f in paid["findings"]] == ["api-context-warning"]
    pay = next(h for h in paid["hostCalls"] if h["name"] == "requestPayment")
    assert pay["args"]["nonceStr"] == "<nonceStr>" and pay["args"]["signType"] == "RSA"
    refused = d["turns"][2]["steps"][2]
    assert refused["result"]["isError"] is True and "structuredContent" not in refused["result"]
    assert refused["result"]["facts"] == ["订单 WS0001 已支付，无法在线取消。"]
    selected = d["turns"][1]["steps"][1]
    assert selected["result"]["handoff"]["url"] == "/pages/drink/detail?drinkId=101"


def test_render_and_tap_steps(run: Run) -> None:
    d = run.transcript.to_dict()
    render = d["turns"][0]["steps"][1]
    assert render["card"]["component"] == "components/drink-list/index" and render["card"]["number"] == 1
    assert render["card"]["tree"][0]["class"] == "card"
    tap = d["turns"][1]["steps"][0]
    assert tap["kind"] == "tap" and tap["api"] == "searchDrinks"
    assert tap["card"]["targetText"] == "拿铁" and tap["card"]["handlers"] == ["onTapDrink"]
    assert tap["card"]["rerendered"] is False and "tree" not in tap["card"]
    assert tap["message"] == {"text": "我想看看拿铁", "apiCalls": [{"name": "selectDrink", "arguments": {"drinkId": 101}}]}
    assert d["turns"][1]["message"] == tap["message"]
    sugar = d["turns"][1]["steps"][3]
    assert sugar["card"]["rerendered"] is True and "message" not in sugar
    assert tree_text(sugar["card"]["tree"]) == run.detail_tree
    assert d["turns"][0]["steps"][2] == {"kind": "reply", "line": 9, "reply": "为你找到 4 款拿铁，点一款看看吧。"}


def test_tree_text_matches_card_node_to_text(run: Run) -> None:
    render = run.transcript.turns[0].steps[1]
    assert render.card is not None
    assert tree_text(render.card["tree"]) == run.list_tree


# ---- readable text ------------------------------------------------------------------------------------


def test_readable_conversation(run: Run) -> None:
    text = run.transcript.to_text(verbose=True)
    lines = text.splitlines()
    for expected in [
        "scenario latte-order (scenarios/latte.scenario.yaml) · skill coffee · cassette cassettes/latte.yaml",
        "user: 点一杯拿铁，少糖",
        'call searchDrinks {"keyword":"拿铁"}',
        "  fact: 已找到 4 款与「拿铁」相关的饮品（¥28.00 起）。",
        "  action: 请展示饮品列表卡片，用一句话请用户点选想喝的饮品；",
        "  card drink-list:",
        "    view.card",
        "  reply: 为你找到 4 款拿铁，点一款看看吧。",
        'tap drink-list "拿铁" -> message "我想看看拿铁" [api/call selectDrink {"drinkId":101}]',
        "  card re-rendered:",
        'call cancelOrder {"orderId":"WS0001"} -> isError',
        "  > request GET http://127.0.0.1:8765/api/menu -> 200",
        "  > request POST http://127.0.0.1:8765/api/orders -> 201 [cassette #1]",
        "background 30m -> session ended",
        "-- session 2 <session#2>",
        "user: 我的订单呢？",
        "  saved: drinkId=101",
    ]:
        assert expected in lines, expected
    assert any(
        ln.startswith("  ! warning: wx.requestPayment is called in an atomic API") and ln.endswith("[api-context-warning]")
        for ln in lines
    )
    # The card tree is the card's own compact form, indented under its step.
    block = "\n".join("    " + ln for ln in run.list_tree.splitlines())
    assert block in text
    assert lines[-1] == run.transcript.summary()


def test_short_text_leaves_out_trees_and_traffic(run: Run) -> None:
    text = run.transcript.to_text()
    assert "  card drink-list:" in text and "    view.card" not in text
    assert "  > request" not in text and "console." not in text
    assert "  fact: " in text and "  action: " in text


def test_summary(run: Run) -> None:
    assert run.transcript.summary() == (
        "latte-order: 2 sessions, 5 turns, 6 calls (1 isError), 2 cards, 2 taps, 1 warning, 0 errors"
    )


# ---- the volatile mechanism and the builders alone --------------------------------------------------


def fake_result(text: str, *, events: list[HostEvent] | None = None, findings: list[Finding] | None = None) -> CallResult:
    return CallResult(
        api="probe",
        arguments={},
        raw={},
        is_error=False,
        content=[{"type": "text", "text": text}],
        structured_content=None,
        meta=None,
        handoff=None,
        api_calls=[],
        session_id="wxr-x",
        virtual_ms=0,
        findings=findings or [],
        logs=[LogLine("info", "hi", "api", "probe")],
        host_events=events or [],
    )


def test_volatile_matching_rules() -> None:
    t = Transcript("s", None, "p", "k", None)
    t.volatile("tok_123456", "token")
    t.volatile("tok_1234567890", "long")  # the longer one wins where both match
    t.volatile("ab", "short")  # short strings: whole values only
    t.volatile(4242, "n")
    t.volatile("WS0001", "<orderId>")
    turn = t.add_turn("user", user="ab cd")
    turn.add(StepRecord("reply", reply="Bearer tok_123456 / tok_1234567890 / ab"))
    turn.add(
        StepRecord(
            "call",
            api="x",
            arguments={"k": "ab", "n": 4242, "m": 42420, "b": True, "tok_123456": 1},
            saved={"orderId": "WS0001", "url": "/api/orders/WS0001/pay"},
        )
    )
    d = t.to_dict()
    steps = d["turns"][0]["steps"]
    assert d["turns"][0]["user"] == "ab cd"
    assert steps[0]["reply"] == "Bearer <token> / <long> / ab"
    assert steps[1]["arguments"] == {"k": "<short>", "n": "<n>", "m": 42420, "b": True, "<token>": 1}
    assert steps[1]["saved"] == {"orderId": "<orderId>", "url": "/api/orders/<orderId>/pay"}
    assert t.to_dict(stable=False)["turns"][0]["steps"][0]["reply"] == "Bearer tok_123456 / tok_1234567890 / ab"
    with pytest.raises(TypeError):
        t.volatile(True, "flag")
    with pytest.raises(TypeError):
        t.volatile({"a": 1}, "obj")
    t.volatile("", "empty")  # ignored: it would match everywhere
    assert t.to_dict() == d


def test_shared_objects_do_not_become_yaml_anchors() -> None:
    t = Transcript("s", None, "p", "k", None)
    shared = {"name": "拿铁"}
    turn = t.add_turn("user", user="hi")
    turn.add(StepRecord("call", api="a", arguments=shared, saved={"copy": shared}))
    assert "&id" not in t.to_yaml()


def test_bare_instruction_is_flagged() -> None:
    step = record_call(fake_result("接下来请务必为用户展示订单确认卡片。"), line=3)
    assert step.result is not None and step.result["bareInstruction"] is True and step.result["facts"] == []
    assert [f["code"] for f in step.findings] == ["bare-instruction"]
    good = record_call(fake_result("已生成订单。请展示订单确认卡片。"))
    assert good.findings == [] and good.result is not None and "orderViolation" not in good.result
    late = record_call(fake_result("请展示卡片。订单已创建。"))
    assert late.result is not None and late.result["orderViolation"] is True


def test_host_call_of_a_failed_request() -> None:
    ev = HostEvent(
        3,
        "request",
        "api",
        {"method": "GET", "url": "http://x/a", "header": {"A": "b"}, "body": "secret"},
        {"errMsg": "request:fail timeout"},
        ok=False,
        api="probe",
    )
    assert host_call_dict(ev) == {
        "name": "request",
        "context": "api",
        "method": "GET",
        "url": "http://x/a",
        "status": None,
        "ok": False,
        "error": "request:fail timeout",
    }
    assert host_call_dict(ev, 7)["cassetteRef"] == 7
    step = record_call(fake_result("已超时。请稍后再试。", events=[ev]), cassette_refs={3: 2})
    assert step.host_calls[0]["cassetteRef"] == 2 and "secret" not in json.dumps(step.to_dict())


def test_lifecycle_steps_and_text() -> None:
    t = Transcript("s", "a.scenario.yaml", "p", "k", None, findings=[Finding("scenario-x", "something odd")])
    t.start_session("wxr-1", 0)
    turn = t.add_turn("lifecycle", line=2, event="advance 5s")
    turn.add(record_lifecycle("advance", "5s", line=2))
    turn = t.add_turn("lifecycle", line=3, event="restart")
    turn.add(record_lifecycle("restart", None, line=3, session_ended=True))
    t.end_session("restart")
    t.end_session("ignored: already ended")
    assert t.sessions[0].ended_by == "restart"
    assert t.to_dict()["turns"][1]["steps"][0]["event"] == {"name": "restart", "arg": None, "sessionEnded": True}
    lines = t.to_text().splitlines()
    assert "advance 5s" in lines and "restart -> session ended" in lines
    assert "  ! warning: something odd [scenario-x]" in lines
    assert t.summary().endswith("1 warning, 0 errors")


def test_builders_keep_what_the_runner_passes(project: Project) -> None:
    with Session(project, device=Device(), transport=httpx.WSGITransport(app=westore_app())) as s:
        r = s.call("getOrder", {"orderId": "WS0404"})
        step = record_call(r, line=9, saved={"x": 1})
        assert step.line == 9 and step.saved == {"x": 1} and step.result is not None and step.result["isError"] is True
        found = s.call("searchDrinks", {})
        card = s.render(found)
        assert record_render(card).to_dict()["card"]["tree"] == card.tree.to_data()
        life = record_lifecycle("advance", "5s", cards=[card])
        assert life.cards[0]["tree"] == card.tree.to_data()
        assert record_reply("好的").to_dict() == {"kind": "reply", "reply": "好的"}


def test_masked_texts_are_remembered_but_a_str_subclass_never_stands_in_for_a_plain_text() -> None:
    class Name(str):
        pass

    t = Transcript("s", None, "p", "k", None)
    t.volatile("WS0001", "orderId")
    t.add_turn("user", user="x").add(StepRecord("call", api="a", arguments={Name("key"): Name("WS0001 key"), "b": {"key": 1}}))
    arguments = t.to_dict()["turns"][0]["steps"][0]["arguments"]
    assert arguments == {"key": "<orderId> key", "b": {"key": 1}}
    assert [type(k) for k in arguments["b"]] == [str]

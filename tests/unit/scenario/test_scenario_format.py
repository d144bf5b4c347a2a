"""Every key of the scenario format, read into the model (no project needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wxreplay.device_setup import device_for
from wxreplay.record_mode import RecordMode
from wxreplay.scenario import (
    CallStep,
    CardCheck,
    EventTurn,
    MessageCheck,
    RenderStep,
    ReplyStep,
    Scenario,
    TapTurn,
    UserTurn,
    parse_duration,
    parse_scenario,
)

Load = Callable[..., Scenario]


def test_top_level_keys(load: Load, tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    sc = load("""
        version: 1
        name: 点一杯拿铁
        description: the main flow
        project: proj
        skill: coffee
        cassette: cassettes/latte.yaml
        record: new_episodes
        marks: [smoke, slow_payment]
        skip: not ready
        xfail: known bug
        turns: [foreground]
    """)
    assert sc.name == "点一杯拿铁" and sc.description == "the main flow" and sc.version == 1
    assert sc.project == tmp_path / "proj"
    assert sc.skill == "coffee"
    assert sc.cassette == tmp_path / "cassettes" / "latte.yaml"
    assert sc.record is RecordMode.NEW_EPISODES
    assert sc.marks == ("smoke", "slow_payment")
    assert (sc.skip, sc.xfail) == ("not ready", "known bug")
    assert sc.path == tmp_path / "t.scenario.yaml"
    assert sc.source.line == 1 and sc.file.endswith("t.scenario.yaml")


def test_defaults(load: Load) -> None:
    sc = load("name: x\nturns: [restart]\n")
    assert (sc.description, sc.project, sc.skill, sc.cassette, sc.record, sc.skip, sc.xfail) == (None,) * 7
    assert sc.marks == () and sc.version == 1
    device = device_for(sc)
    assert device.seed == 20260105 and device.timezone == "Asia/Shanghai" and device.location is not None


@pytest.mark.parametrize("mode", ["none", "once", "new_episodes", "all"])
def test_record_modes(load: Load, mode: str) -> None:
    assert load(f"name: x\nrecord: {mode}\nturns: [restart]\n").record is RecordMode(mode)


def test_device_keys(load: Load) -> None:
    sc = load("""
        name: x
        device:
          storage:
            westore:token: {token: t1}
            westore:orders:v1: [{orderId: WS0001}]
          login: {code: 0c3abc}
          session_valid: false
          payments: [cancel, {outcome: fail, errMsg: 余额不足}, success]
          location: {latitude: 31.23, longitude: 121.47, accuracy: 10}
          phone_number: {code: phone-1}
          system:
            windowInfo: {windowWidth: 375}
            appBaseInfo: {theme: dark}
          seed: 7
          start_time: "2026-03-01T08:00:00+01:00"
          timezone: Europe/Paris
          locale: en-US
          app_id: wx1234567890abcdef
          stubs:
            chooseAddress: {userName: 张三}
            scanCode: [{result: a}, {fail: cancel}]
          cloud:
            collections: {orders: [{_id: o1, total: 28}], empty: []}
            functions: {getOpenId: {openid: o1}}
            files: {"cloud://x/a.png": {size: 1}}
            ai: {"*": 你好}
            env: prod-1
            openid: oABC
        turns: [foreground]
    """)
    d = sc.device
    assert d.storage == {"westore:token": {"token": "t1"}, "westore:orders:v1": [{"orderId": "WS0001"}]}
    assert d.login_code == "0c3abc" and d.login_fail is None and d.session_valid is False
    assert d.payments == ("cancel", {"outcome": "fail", "errMsg": "余额不足"}, "success")
    assert d.location == {"latitude": 31.23, "longitude": 121.47, "accuracy": 10}
    assert d.source is not None and (d.source.line, d.source.end_line) == (3, 28)
    device = device_for(sc)
    assert device.get_storage()["westore:token"] == {"token": "t1"}
    assert device.login_code == "0c3abc" and device.session_valid is False
    payments = [device.next_payment() for _ in range(4)]
    assert payments == ["cancel", {"outcome": "fail", "errMsg": "余额不足"}, "success", "success"]
    assert device.phone_number == {"code": "phone-1"}
    assert device.info()["windowInfo"]["windowWidth"] == 375 and device.info()["appBaseInfo"]["theme"] == "dark"
    assert device.seed == 7 and device.start_ms() == 1772348400000
    assert device.timezone == "Europe/Paris" and device.tz_offset_min == -60
    assert device.locale == "en-US" and device.app_id == "wx1234567890abcdef"
    assert device.next_stub("scanCode") == {"result": "a"} and device.next_stub("scanCode") == {"fail": "cancel"}
    assert device.cloud.collections["orders"][0]["total"] == 28 and device.cloud.collections["empty"] == []
    assert device.cloud.functions == {"getOpenId": {"openid": "o1"}} and device.cloud.ai == {"*": "你好"}
    assert device.cloud.env == "prod-1" and device.cloud.openid == "oABC"
    assert "cloud://x/a.png" in device.cloud.files


def test_device_is_fresh_for_every_run(load: Load) -> None:
    sc = load("name: x\ndevice: {storage: {k: [1]}}\nturns: [foreground]\n")
    first = device_for(sc)
    first.set_storage("k", [2])
    assert device_for(sc).get_storage() == {"k": [1]}
    assert sc.device.storage == {"k": [1]}


def test_login_fail_denied_grants_and_summer_time(load: Load) -> None:
    sc = load("""
        name: x
        device:
          login: {fail: system error}
          location: denied
          phone_number: denied
          start_time: "2026-07-01T12:00:00Z"
          timezone: America/New_York
        turns: [foreground]
    """)
    assert sc.device.location == "denied" and sc.device.phone_number == "denied"
    device = device_for(sc)
    assert device.login_fail == "system error" and device.location is None and device.phone_number is None
    assert device.tz_offset_min == 240  # EDT, UTC-4, as getTimezoneOffset() says


def test_user_turn_and_every_step_kind(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: 点一杯 WeStore 拿铁，少糖
            plan:
              - call: searchDrinks
                args: {keyword: 拿铁}
                save:
                  drinkId: structuredContent.items[0].drinkId
                  first: "structuredContent.items[0]"
                  text: content[0].text
                  query: handoff.query
                  failed: isError
                  image: _meta.images.101
                  asked: arguments.keyword
                  chained: apiCalls
              - call: selectDrink
                args: {drinkId: "${drinkId}"}
              - call: getOrder
              - render: searchDrinks
              - render: last
              - reply: 找到 ${first.name}，价格 ¥${first.price}。
    """)
    (turn,) = sc.turns
    assert isinstance(turn, UserTurn) and turn.kind == "user"
    assert turn.text == "点一杯 WeStore 拿铁，少糖"
    call, select, bare, render, last, reply = turn.plan
    assert isinstance(call, CallStep) and call.kind == "call"
    assert call.api == "searchDrinks" and call.args == {"keyword": "拿铁"}
    assert [(s.name, s.path) for s in call.save] == [
        ("drinkId", "structuredContent.items[0].drinkId"),
        ("first", "structuredContent.items[0]"),
        ("text", "content[0].text"),
        ("query", "handoff.query"),
        ("failed", "isError"),
        ("image", "_meta.images.101"),
        ("asked", "arguments.keyword"),
        ("chained", "apiCalls"),
    ]
    assert call.save[0].source.line == 8
    assert isinstance(select, CallStep) and select.args == {"drinkId": "${drinkId}"}
    assert isinstance(bare, CallStep) and bare.args is None and bare.save == () and bare.expect is None
    assert isinstance(render, RenderStep) and render.api == "searchDrinks" and render.kind == "render"
    assert isinstance(last, RenderStep) and last.api is None
    assert isinstance(reply, ReplyStep) and reply.text == "找到 ${first.name}，价格 ¥${first.price}。" and reply.kind == "reply"
    assert [s for _, s in sc.steps()] == list(turn.plan)


def test_call_expect_keys(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: hi
            plan:
              - call: payOrder
                args: {orderId: WS0001}
                save: {orderId: structuredContent.orderId}
                expect:
                  isError: false
                  structuredContent: {orderId: "${orderId}", status: PAID}
                  _meta: {paidAtClient: "2026-01-05T01:30:00.000Z"}
                  handoff: {query: "orderId=${orderId}"}
                  content: 已支付成功
                  facts: [已支付成功, 门店开始制作]
                  actions: getOrder
                  host_calls: [login, wx.requestPayment, request]
                  findings: [output-schema]
    """)
    step = sc.turns[0].plan[0]  # type: ignore[union-attr]
    assert isinstance(step, CallStep) and step.expect is not None
    e = step.expect
    assert e.is_error is False
    assert e.structured_content == {"orderId": "${orderId}", "status": "PAID"}
    assert e.meta == {"paidAtClient": "2026-01-05T01:30:00.000Z"} and e.handoff == {"query": "orderId=${orderId}"}
    assert e.content == ("已支付成功",) and e.facts == ("已支付成功", "门店开始制作") and e.actions == ("getOrder",)
    assert e.host_calls == ("login", "requestPayment", "request")
    assert e.findings == ("output-schema",)
    assert e.raw["isError"] is False and e.source.line == 9


def test_findings_empty_list_means_no_findings(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: hi
            plan:
              - call: a
                expect: {findings: []}
              - call: b
                expect: {findings: output-schema}
              - call: c
                expect: {isError: true}
    """)
    steps = [s for _, s in sc.steps()]
    assert [s.expect.findings for s in steps] == [(), ("output-schema",), None]  # type: ignore[union-attr]


def test_render_expect_card_forms(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: hi
            plan:
              - call: a
              - render: a
                expect: {card: 拿铁}
              - render: a
                expect: {card: [拿铁, 美式], host_calls: request, findings: []}
              - render: a
                expect:
                  card: {component: drink-list, text: 拿铁, selector: .tile, count: 9}
              - render: a
                expect: {card: {selector: "#pay"}}
    """)
    cards = [s.expect.card for _, s in sc.steps()[1:]]  # type: ignore[union-attr]
    assert all(isinstance(c, CardCheck) for c in cards)
    assert [c.text for c in cards] == [("拿铁",), ("拿铁", "美式"), ("拿铁",), ()]  # type: ignore[union-attr]
    assert cards[2] is not None and (cards[2].component, cards[2].selector, cards[2].count) == ("drink-list", ".tile", 9)
    assert cards[3] is not None and cards[3].selector == "#pay" and cards[3].count is None


def test_tap_forms(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: hi
            plan:
              - call: searchDrinks
              - render: searchDrinks
          - tap: 确认支付
          - tap: {card: drink-list, text: 拿铁, index: 1}
          - tap: {api: searchDrinks, selector: .tile}
          - tap: {selector: .tile, index: 2}
            expect:
              message: {text: 我想看看, api_call: selectDrink, arguments: {drinkId: 103}}
              card: {text: 生椰拿铁}
              rerender: false
              host_calls: [request]
              findings: []
            plan:
              - call: selectDrink
              - render: last
          - tap: 少糖
            expect: {message: false, rerender: true}
          - tap: 美式
            expect: {message: 我想看看美式}
    """)
    taps = [t for t in sc.turns if isinstance(t, TapTurn)]
    assert [(t.component, t.api, t.text, t.selector, t.index) for t in taps] == [
        (None, None, "确认支付", None, 0),
        ("drink-list", None, "拿铁", None, 1),
        (None, "searchDrinks", None, ".tile", 0),
        (None, None, None, ".tile", 2),
        (None, None, "少糖", None, 0),
        (None, None, "美式", None, 0),
    ]
    full = taps[3]
    assert full.kind == "tap" and full.expect is not None
    assert full.expect.message == MessageCheck(
        source=full.expect.message.source, text="我想看看", api_call="selectDrink", arguments={"drinkId": 103}
    )  # type: ignore[union-attr]
    assert full.expect.card is not None and full.expect.card.text == ("生椰拿铁",)
    assert full.expect.rerender is False and full.expect.host_calls == ("request",) and full.expect.findings == ()
    first = full.plan[0]
    assert isinstance(first, CallStep) and first.args is None  # taken from the card's api/call at run time
    assert taps[4].expect is not None and taps[4].expect.message is not None and taps[4].expect.message.sent is False
    assert taps[4].expect.rerender is True
    assert taps[5].expect is not None and taps[5].expect.message is not None and taps[5].expect.message.text == "我想看看美式"
    assert taps[0].plan == ()


def test_lifecycle_events(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - background: 30m
            expect: {session: new}
          - foreground
          - memory_warning
          - restart
          - new_session
          - advance: 5s
            expect:
              card: {component: order-status, text: 前面还有}
              host_calls: [request]
              findings: []
          - background: 1h30m
          - advance: 1500ms
          - background: 2h
          - restart:
            expect: {session: same}
          - foreground: true
    """)
    events = [(t.event, t.duration_ms) for t in sc.turns if isinstance(t, EventTurn)]
    assert events == [
        ("background", 1_800_000),
        ("foreground", None),
        ("memory_warning", None),
        ("restart", None),
        ("new_session", None),
        ("advance", 5000),
        ("background", 5_400_000),
        ("advance", 1500),
        ("background", 7_200_000),
        ("restart", None),
        ("foreground", None),
    ]
    first, advance, restart = sc.turns[0], sc.turns[5], sc.turns[9]
    assert isinstance(first, EventTurn) and first.kind == "event" and first.expect is not None and first.expect.session == "new"
    assert isinstance(advance, EventTurn) and advance.expect is not None and advance.expect.card is not None
    assert advance.expect.card.component == "order-status"
    assert isinstance(restart, EventTurn) and restart.expect is not None and restart.expect.session == "same"


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("30m", 1_800_000),
        ("5s", 5000),
        ("1500ms", 1500),
        ("2h", 7_200_000),
        ("1h30m", 5_400_000),
        ("1.5s", 1500),
        ("2m 30s", 150_000),
        (" 10s ", 10_000),
    ],
)
def test_parse_duration(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "30", "30 minutes", "m", "-5s", "0s", "0.5ms", "1:30", "5d"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_sources_and_lines_for_the_runner(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: 点一杯拿铁
            plan:
              - call: searchDrinks
                args: {keyword: 拿铁}
              - reply: 好的

          - restart
    """)
    turn = sc.turns[0]
    assert (turn.source.line, turn.source.column, turn.source.end_line) == (3, 5, 7)
    assert str(turn.source) == f"{sc.file}:3:5"
    assert sc.lines(turn.source) == (
        "  3 |   - user: 点一杯拿铁\n"
        "  4 |     plan:\n"
        "  5 |       - call: searchDrinks\n"
        "  6 |         args: {keyword: 拿铁}\n"
        "  7 |       - reply: 好的"
    )
    step = turn.plan[0]  # type: ignore[union-attr]
    e = sc.error("searchDrinks failed", step.source, "args", "keyword", hint="check the cassette")
    assert str(e).startswith(f"{sc.file}:6:25: searchDrinks failed\n")
    assert "  > 6 |" in str(e) and str(e).endswith("fix: check the cassette")
    assert sc.error("at the key", step.source, "args", key=True).column == 9
    assert sc.error("whole file").line == 1


def test_parse_scenario_from_text(tmp_path: Path) -> None:
    sc = parse_scenario("name: x\ncassette: c.yaml\nturns: [foreground]\n", path=tmp_path / "a" / "b.scenario.yaml")
    assert sc.cassette == tmp_path / "a" / "c.yaml"
    assert sc.text.startswith("name: x")


def test_variables_saved_in_a_step_are_usable_in_its_own_expect_and_later(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: hi
            plan:
              - call: createOrder
                save: {orderId: structuredContent.orderId}
                expect: {content: "${orderId}"}
          - background: 30m
          - user: 订单 ${orderId} 好了吗
            plan:
              - call: getOrder
                args: {orderId: "${orderId}"}
              - reply: "$${not a variable}"
    """)
    assert len(sc.turns) == 3


def test_yaml_anchors_reuse_steps(load: Load) -> None:
    sc = load("""
        name: x
        turns:
          - user: 查一下
            plan:
              - &check {call: getOrder, args: {orderId: WS0001}}
          - user: 再查一下
            plan:
              - *check
    """)
    a, b = (t.plan[0] for t in sc.turns)  # type: ignore[union-attr]
    assert a == b and isinstance(a, CallStep) and a.args == {"orderId": "WS0001"}

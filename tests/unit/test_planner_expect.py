"""``expect:`` on every kind of step: each key of the format, as structural differences with paths."""

from __future__ import annotations

from pathlib import Path

from planner_support import fails, lines, passes

from wxreplay.expect import MISSING, Difference, contains, exact, partial

LIST = """
turns:
  - user: 有什么商品？
    plan:
      - call: list
        args: {n: 2}
      - render: list
"""


def test_partial_matching_rules() -> None:
    assert partial({"a": 28}, {"a": 28.0, "b": 1}, "p") == []
    assert partial({"a": 1}, {"a": True}, "p") == [Difference("p › a", 1, True)]
    assert partial({"a": {"b": [1, {"c": "x"}]}}, {"a": {"b": [1, {"c": "y", "d": 0}]}}, "p") == [
        Difference("p › a.b[1].c", "x", "y")
    ]
    assert partial({"a": [1]}, {"a": [1, 2]}, "p") == [Difference("p › a", [1], [1, 2])]
    assert partial({"z": None}, {"z": None}, "p") == [] and partial({"z": None}, {"z": 0}, "p") != []
    assert partial({"k": 1}, {}, "p") == [Difference("p › k", 1, [], "missing")]
    assert exact({"a": 1}, {"a": 1, "b": 2}, "p") == [Difference("p › b", MISSING, 2, "extra")]
    assert contains(["拿铁", "美式"], "拿铁 ¥28", "p") == [Difference("p", "美式", "拿铁 ¥28", "contains")]
    assert Difference("p", "美式", "拿铁", "contains").describe() == 'p: expected text containing "美式", got "拿铁"'
    assert Difference("p › k", 1, ["a", "b"], "missing").describe() == "p › k: expected 1, but there is no such key (keys: a, b)"


def test_call_expectations_report_each_difference_with_its_path(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 选商品 1
    plan:
      - call: pick
        args: {itemId: 1}
        save: {code: structuredContent.code}
        expect:
          isError: true
          structuredContent: {itemId: 1, code: "${code}", price: 5, tags: [new, cold]}
          _meta: {note: public}
          handoff: {query: itemId=2, url: "/pages/home/home?itemId=1"}
          content: [已选择商品1, 已售罄]
          facts: 请展示
          actions: [详情卡片, 购物车]
          host_calls: [request]
""",
    )
    assert f.step == "turn 1 › pick" and f.reason == "expect: not met (9 differences)" and f.line == 10
    assert lines(f) == [
        "turn 1 › pick › isError: expected true, got false",
        "turn 1 › pick › structuredContent.price: expected 5, but there is no such key (keys: itemId, code, tags)",
        'turn 1 › pick › structuredContent.tags[1]: expected "cold", got "hot"',
        'turn 1 › pick › _meta.note: expected "public", got "private"',
        'turn 1 › pick › handoff.query: expected "itemId=2", got "itemId=1"',
        'turn 1 › pick › content: expected text containing "已售罄", got "已选择商品1。请展示详情卡片。"',
        'turn 1 › pick › facts: expected text containing "请展示", got "已选择商品1。"',
        'turn 1 › pick › actions: expected text containing "购物车", got "请展示详情卡片。"',
        "turn 1 › pick › host_calls: expected a call of wx.request, but the step called no wx API",
    ]


def test_a_result_without_a_field_is_a_missing_difference(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 准备
    plan:
      - call: visit
        expect:
          handoff: {query: x}
""",
    )
    assert lines(f) == ['turn 1 › visit › handoff: expected {"query": "x"}, but there is no such key']


def test_render_card_expectations(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
        expect:
          card: {text: [商品2, 商品9], selector: .item, count: 3}
""",
    )
    assert f.step == "turn 1 › render list"
    assert lines(f) == [
        'turn 1 › render list › card list › text: expected text containing "商品9", got "商品列表商品1商品2咨询坏消息安静"',
        "turn 1 › render list › card list › .item: expected 3 matches, found 2",
    ]
    f = fails(
        tmp_path,
        LIST
        + """
        expect:
          card: {selector: .price}
          host_calls: login
""",
    )
    assert lines(f) == [
        "turn 1 › render list › card list › .price: expected at least one match, found none",
        "turn 1 › render list › host_calls: expected a call of wx.login, but the step called no wx API",
    ]
    passes(
        tmp_path,
        LIST
        + """
        expect:
          card: {component: list, text: 商品列表, selector: .item .name, count: 2}
          findings: []
""",
    )


def test_tap_expectations(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    expect:
      message: {text: 我要商品2, api_call: pick, arguments: {itemId: 2}}
      rerender: true
      card: 已确认
      host_calls: [login]
    plan:
      - call: pick
""",
    )
    assert f.step == "turn 2 › tap 商品1"
    assert lines(f) == [
        'turn 2 › tap 商品1 › message › text: expected text containing "我要商品2", got "我要商品1"',
        "turn 2 › tap 商品1 › message › arguments.itemId: expected 2, got 1",
        'turn 2 › tap 商品1 › card list › text: expected text containing "已确认", got "商品列表商品1商品2咨询坏消息安静"',
        "turn 2 › tap 商品1 › rerender: expected true, got false",
        'turn 2 › tap 商品1 › host_calls: expected a call of wx.login, but the step called ["modelContext.sendFollowUpMessage"]',
    ]
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    expect:
      message: {api_call: list}
""",
    )
    assert lines(f) == ['turn 2 › tap 商品1 › message › api_call: expected "list", got ["pick"]']
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 商品1
    expect: {message: false}
""",
    )
    assert lines(f) == [
        'turn 2 › tap 商品1 › message: expected no upstream message, got {"text": "我要商品1", "apiCalls": '
        '[{"name": "pick", "arguments": {"itemId": 1}}]}'
    ]
    f = fails(
        tmp_path,
        LIST
        + """
  - tap: 安静
    expect:
      message: 有优惠吗
""",
    )
    assert lines(f) == ["turn 2 › tap 安静 › message: expected an upstream message, but the tap sent none"]


def test_event_expectations(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - background: 5m
    expect: {session: new}
""",
    )
    assert f.step == "turn 2 › background 5m"
    assert lines(f) == ['turn 2 › background 5m › session: expected "new", got "same: the session kept running"']
    f = fails(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - restart:
    expect: {session: same, card: {component: ticker, text: ticks}}
""",
    )
    assert lines(f) == [
        'turn 2 › restart › session: expected "same", got "new: the session ended (restart)"',
        "turn 2 › restart › card ticker: expected a rendered card, but the session has ended",
    ]
    f = fails(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - advance: 3s
    expect:
      card: ticks 4
      host_calls: [request]
""",
    )
    assert lines(f) == [
        'turn 2 › advance 3s › card ticker › text: expected text containing "ticks 4", got "ticks 3"',
        "turn 2 › advance 3s › host_calls: expected a call of wx.request, but the step called no wx API",
    ]


def test_placeholders_in_expectations_are_substituted(tmp_path: Path) -> None:
    passes(
        tmp_path,
        """
turns:
  - user: 有什么商品？
    plan:
      - call: list
        args: {n: 2}
        save: {n: "structuredContent.items[1].id", name: "structuredContent.items[1].name"}
      - render: list
        expect: {card: "${name}"}
  - tap: "${name}"
    expect:
      message: {arguments: {itemId: "${n}"}, api_call: pick, text: "我要${name}"}
    plan:
      - call: pick
        save: {code: structuredContent.code}
        expect:
          structuredContent: {code: "${code}", itemId: "${n}"}
          content: "商品${n}"
      - render: pick
        expect:
          card: {text: "编号 ${code}"}
""",
    )

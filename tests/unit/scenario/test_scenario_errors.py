"""Every structural error: file:line:column, the YAML excerpt with a caret, and the fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wxreplay.errors import LocatedError, ScenarioError, WxReplayError

Fail = Callable[..., ScenarioError]
At = Callable[..., str]

HEAD = "name: x\nturns:\n"


def test_scenario_error_is_a_located_wxreplay_error(fail: Fail) -> None:
    e = fail("nam: x\nturns: [restart]\n")
    assert isinstance(e, LocatedError) and isinstance(e, WxReplayError)
    assert e.reason == "unknown key `nam` in the scenario (top level)"
    assert e.excerpt is not None and e.excerpt in str(e)
    assert e.hint is not None and str(e).endswith(f"fix: {e.hint}")


# -- unknown keys -----------------------------------------------------------------------------------


def test_unknown_top_level_key(fail: Fail, at: At) -> None:
    text = at(fail("name: x\ndescripton: y\nturns: [restart]\n"), 2, 1)
    assert "unknown key `descripton` in the scenario (top level)" in text
    assert "fix: did you mean `description`? valid keys here: version, name, description," in text


def test_unknown_turn_key(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - usr: 点一杯拿铁\n    plan: [{reply: hi}]\n"), 3, 5)
    assert "unknown key `usr` in a turn" in text and "did you mean `user`?" in text


def test_unknown_key_in_a_user_turn(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan: [{reply: hi}]\n    plna: []\n"), 5, 5)
    assert "unknown key `plna` in a user turn" in text and "did you mean `plan`?" in text


def test_unknown_step_key(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: searchDrinks\n        expcet: {isError: false}\n")
    text = at(e, 6, 9)
    assert "unknown key `expcet` in a call step" in text
    assert "fix: did you mean `expect`? valid keys here: call, args, save, expect" in text


def test_unknown_expect_key(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        expect:\n          structuredContnet: {a: 1}\n")
    text = at(e, 7, 11)
    assert "unknown key `structuredContnet` in the expect of a call step" in text
    assert "did you mean `structuredContent`?" in text


def test_expect_key_valid_elsewhere_says_where(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        expect: {card: 拿铁}\n")
    text = at(e, 6, 18)
    assert "`card` does not belong in the expect of a call step" in text
    assert "`card` can be checked on a render step or a tap or a lifecycle event" in text


def test_step_key_of_another_kind(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - render: a\n        save: {x: isError}\n")
    text = at(e, 6, 9)
    assert "`save` does not belong in a render step" in text and "`save` belongs to a call step" in text


def test_unknown_keys_in_nested_mappings(fail: Fail, at: At) -> None:
    cases = [
        ("device: {storag: {}}\n", 3, 10, "unknown key `storag` in `device`", "did you mean `storage`?"),
        ("device: {login: {cod: x}}\n", 3, 18, "unknown key `cod` in `login`", "did you mean `code`?"),
        ("device: {system: {windowinfo: {}}}\n", 3, 19, "unknown key `windowinfo` in `system`", "did you mean `windowInfo`?"),
        ("device: {cloud: {collection: {}}}\n", 3, 18, "unknown key `collection` in `cloud`", "did you mean `collections`?"),
        ("device: {location: {latitude: 1, longitude: 2, altitud: 3}}\n", 3, 48, "unknown key `altitud`", "`altitude`"),
        ("device: {payments: [{outcome: fail, errmsg: x}]}\n", 3, 37, "unknown key `errmsg` in a payment", "`errMsg`"),
        ("device: {sessionValid: true}\n", 3, 10, "unknown key `sessionValid` in `device`", "did you mean `session_valid`?"),
    ]
    for yaml_text, line, column, message, hint in cases:
        text = at(fail("name: x\nturns: [restart]\n" + yaml_text), line, column)
        assert message in text and hint in text, text


def test_unknown_tap_card_and_message_keys(fail: Fail, at: At) -> None:
    base = HEAD + "  - user: hi\n    plan: [{call: a}, {render: a}]\n"
    text = at(fail(base + "  - tap: {txt: 拿铁}\n"), 5, 11)
    assert "unknown key `txt` in `tap`" in text and "did you mean `text`?" in text
    text = at(fail(base + "  - tap: 拿铁\n    expect: {message: {api: selectDrink}}\n"), 6, 24)
    assert "unknown key `api` in `expect.message`" in text and "did you mean `api_call`?" in text
    text = at(fail(base + "  - tap: 拿铁\n    expect: {card: {txt: 拿铁}}\n"), 6, 21)
    assert "unknown key `txt` in `expect.card`" in text and "did you mean `text`?" in text


# -- wrong types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "column", "message"),
    [
        ("  - user: hi\n    plan:\n      - call: a\n        args: [1, 2]\n", 6, 15, "`args` must be a mapping, got a list"),
        ("  - user: hi\n    plan:\n      - call: a\n        args: 拿铁\n", 6, 15, "`args` must be a mapping, got text"),
        ("  - user: hi\n    plan:\n      - call: a\n        save: [drinkId]\n", 6, 15, "`save` must be a mapping, got a list"),
        ("  - user: hi\n    plan: {call: a}\n", 4, 11, "`plan` must be a list, got a mapping"),
        ("  - user: [hi]\n    plan: [{reply: a}]\n", 3, 11, "`user` must be text, got a list"),
        ("  - user: hi\n    plan:\n      - call: 42\n", 5, 15, "`call` must be text, got the number 42"),
        (
            "  - user: hi\n    plan:\n      - call: a\n        expect: {isError: 'no'}\n",
            6,
            27,
            "`isError` must be true or false, got text",
        ),
        (
            "  - user: hi\n    plan:\n      - call: a\n        expect: {structuredContent: [1]}\n",
            6,
            37,
            "`structuredContent` must be a mapping, got a list",
        ),
        (
            "  - user: hi\n    plan:\n      - call: a\n        expect: {content: {a: 1}}\n",
            6,
            27,
            "`content` must be a text or a list of texts, got a mapping",
        ),
        ("  - user: hi\n    plan:\n      - call: a\n        expect: {content: []}\n", 6, 27, "`content` is an empty list"),
        (
            "  - user: hi\n    plan:\n      - call: a\n        expect: 'isError: false'\n",
            6,
            17,
            "`expect` must be a mapping, got text",
        ),
        (
            "  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: {text: a, index: -1}\n",
            5,
            27,
            "`tap.index` must be 0 or more",
        ),
        (
            "  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: {text: a, index: first}\n",
            5,
            27,
            "`tap.index` must be a whole number, got text",
        ),
        ("  - user: ''\n    plan: [{reply: a}]\n", 3, 11, "`user` is empty"),
        ("  - restart: now\n", 3, 14, "`restart` takes no value, got text"),
        ("  - 42\n", 3, 5, "a turn must be a mapping, got the number 42"),
    ],
)
def test_wrong_types(fail: Fail, at: At, body: str, line: int, column: int, message: str) -> None:
    text = at(fail(HEAD + body), line, column)
    assert message in text


@pytest.mark.parametrize(
    ("head", "line", "column", "message"),
    [
        ("name: [x]\nturns: [restart]\n", 1, 7, "`name` must be text, got a list"),
        ("name: x\nturns: restart\n", 2, 8, "`turns` must be a list, got text"),
        ("name: x\nturns: []\n", 2, 8, "`turns` is empty"),
        ("name: x\nmarks: smoke\nturns: [restart]\n", 2, 8, "`marks` must be a list, got text"),
        ("name: x\nmarks: [2fast]\nturns: [restart]\n", 2, 9, "mark '2fast' is not a valid pytest mark name"),
        ("name: x\nskip: true\nturns: [restart]\n", 2, 7, "`skip` must be text, got true (a boolean)"),
        ("name: x\nversion: 2\nturns: [restart]\n", 2, 10, "unknown format version 2"),
        ("name: x\ndescription:\nturns: [restart]\n", 2, 1, "`description` has no value"),
        ("name: x\ndevice: [a]\nturns: [restart]\n", 2, 9, "`device` must be a mapping, got a list"),
        ("name: x\ndevice: {seed: '42'}\nturns: [restart]\n", 2, 16, "`seed` must be a whole number, got text"),
        ("name: x\ndevice: {seed: true}\nturns: [restart]\n", 2, 16, "`seed` must be a whole number, got true (a boolean)"),
        ("name: x\ndevice: {session_valid: 'yes'}\nturns: [restart]\n", 2, 25, "`session_valid` must be true or false"),
        ("name: x\ndevice: {payments: success}\nturns: [restart]\n", 2, 20, "`payments` must be a list, got text"),
        ("name: x\ndevice: {payments: [paid]}\nturns: [restart]\n", 2, 21, "unknown payment outcome 'paid'"),
        (
            "name: x\ndevice: {payments: [{errMsg: x}]}\nturns: [restart]\n",
            2,
            21,
            "a payment written as a mapping needs `outcome`",
        ),
        ("name: x\ndevice: {location: allowed}\nturns: [restart]\n", 2, 20, "`location` is a mapping or the word denied"),
        ("name: x\ndevice: {location: {latitude: 1}}\nturns: [restart]\n", 2, 20, "`location` needs `longitude`"),
        (
            "name: x\ndevice: {location: {latitude: '1', longitude: 2}}\nturns: [restart]\n",
            2,
            31,
            "`location.latitude` must be a number, got text",
        ),
        ("name: x\ndevice: {login: {code: a, fail: b}}\nturns: [restart]\n", 2, 17, "`login` takes exactly one of `code`"),
        ("name: x\ndevice: {login: 0c3abc}\nturns: [restart]\n", 2, 17, "`login` must be a mapping, got text"),
        ("name: x\ndevice: {system: {windowInfo: 375}}\nturns: [restart]\n", 2, 31, "`system.windowInfo` must be a mapping"),
        ("name: x\ndevice: {timezone: Asia/Shanghia}\nturns: [restart]\n", 2, 20, "unknown time zone 'Asia/Shanghia'"),
        ("name: x\ndevice: {stubs: {chooseAdress: {}}}\nturns: [restart]\n", 2, 18, "`stubs`: 'chooseAdress' is not a wx API"),
        (
            "name: x\ndevice: {cloud: {collections: {orders: {}}}}\nturns: [restart]\n",
            2,
            40,
            "collection 'orders' must be a list",
        ),
        (
            "name: x\ndevice: {cloud: {collections: {orders: [1]}}}\nturns: [restart]\n",
            2,
            41,
            "a document of 'orders' must be a mapping, got the number 1",
        ),
        ("name: x\ndevice: {storage: {token: '${token}'}}\nturns: [restart]\n", 2, 27, "${token} is used before any `save:`"),
    ],
)
def test_wrong_top_level_and_device_values(fail: Fail, at: At, head: str, line: int, column: int, message: str) -> None:
    assert message in at(fail(head), line, column)


def test_did_you_mean_on_values(fail: Fail) -> None:
    assert "did you mean 'Asia/Shanghai'?" in str(fail("name: x\ndevice: {timezone: Asia/Shanghia}\nturns: [restart]\n"))
    assert "did you mean 'chooseAddress'?" in str(fail("name: x\ndevice: {stubs: {chooseAdress: {}}}\nturns: [restart]\n"))
    assert "did you mean 'cancel'?" in str(fail("name: x\ndevice: {payments: [cancle]}\nturns: [restart]\n"))


def test_missing_name_and_turns(fail: Fail, at: At) -> None:
    text = at(fail("description: x\nturns: [restart]\n"), 1, 1)
    assert "the scenario has no `name`" in text and "fix: add a name" in text
    text = at(fail("name: x\n"), 1, 1)
    assert "the scenario has no `turns`" in text


def test_not_a_mapping(fail: Fail, at: At) -> None:
    text = at(fail("- user: hi\n"), 1, 1)
    assert "a scenario file is a mapping of keys (name:, turns: ...), got a list" in text


# -- kinds ------------------------------------------------------------------------------------------


def test_turn_with_two_kinds(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan: [{call: a}, {render: a}]\n  - user: 确认支付\n    tap: 确认支付\n")
    text = at(e, 6, 5)
    assert (
        "a turn is exactly one of user, tap, message, background, foreground, memory_warning, restart, advance, new_session;"
        in text
    )
    assert "this one has both `user` and `tap`" in text
    assert "fix: split it into two turns" in text


def test_turn_with_no_kind(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - plan: [{reply: hi}]\n"), 3, 5)
    assert "this turn has no kind: it needs one of user, tap," in text
    assert "add `user: <message>` above `plan:`" in text


def test_turn_written_as_text(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - 点一杯拿铁\n"), 3, 5)
    assert "a turn is a mapping like `user: <message>`, got the text '点一杯拿铁'" in text
    assert "write - user: 点一杯拿铁" in text
    assert "did you mean `restart`?" in str(fail(HEAD + "  - restrat\n"))
    assert "`background` needs a duration" in at(fail(HEAD + "  - background\n"), 3, 5)


def test_step_with_no_kind(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - args: {keyword: 拿铁}\n"), 5, 9)
    assert "this step has no kind: start it with call:, render: or reply:" in text
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - cal: searchDrinks\n"), 5, 9)
    assert "unknown key `cal` in a step" in text and "did you mean `call`?" in text
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - searchDrinks\n"), 5, 9)
    assert "a step is a mapping starting with call:, render: or reply:, got the text 'searchDrinks'" in text


def test_step_with_two_kinds(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        reply: done\n"), 6, 9)
    assert "a step is exactly one of call, render, reply; this one has both `call` and `reply`" in text
    assert "split it into two steps" in text


def test_user_turn_needs_a_plan_and_has_no_expect(fail: Fail, at: At) -> None:
    assert "this user message has no `plan`" in at(fail(HEAD + "  - user: hi\n"), 3, 5)
    text = at(fail(HEAD + "  - user: hi\n    plan: [{reply: a}]\n    expect: {isError: false}\n"), 5, 5)
    assert "`expect` does not belong in a user turn" in text and "put `expect:` under a step of its plan" in text
    assert "`plan` is empty" in at(fail(HEAD + "  - user: hi\n    plan: []\n"), 4, 11)


def test_event_has_no_plan(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - restart:\n    plan: [{reply: a}]\n"), 4, 5)
    assert "`plan` does not belong in a `restart` event" in text and "the next user message or tap carries it" in text


# -- durations, record mode, start time -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("30", "`background: 30` has no unit"),
        ("30 minutes", "bad duration for `background`: '30 minutes' is not a duration"),
        ("0s", "is no time at all"),
        ("1:30", "'1:30' is not a duration"),
        ("5d", "'5d' is not a duration"),
    ],
)
def test_bad_durations(fail: Fail, at: At, value: str, message: str) -> None:
    text = at(fail(HEAD + f"  - background: {value}\n"), 3, 17)
    assert message in text
    assert "30m" in (fail(HEAD + f"  - background: {value}\n").hint or "")


def test_bad_advance_duration(fail: Fail, at: At) -> None:
    assert "bad duration for `advance`" in at(fail(HEAD + "  - advance: soon\n"), 3, 14)


def test_bad_record_mode(fail: Fail, at: At) -> None:
    text = at(fail("name: x\nrecord: new_episode\nturns: [restart]\n"), 2, 9)
    assert "unknown record mode 'new_episode' (valid: none, once, new_episodes, all)" in text
    assert "did you mean 'new_episodes'?" in text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'2026-13-05T09:30:00+08:00'", "is not an ISO 8601 date and time"),
        ("tomorrow", "is not an ISO 8601 date and time"),
        ("'2026-01-05T09:30:00'", "has no UTC offset"),
        ("2026-01-05", "has no UTC offset"),
        ("1767576600000", "`start_time` must be text, got the number 1767576600000"),
    ],
)
def test_bad_start_time(fail: Fail, at: At, value: str, message: str) -> None:
    e = fail(f"name: x\ndevice:\n  start_time: {value}\nturns: [restart]\n")
    assert message in at(e, 3, 15)
    assert "+08:00" in (e.hint or "")


# -- save paths and variables -----------------------------------------------------------------------


def test_save_path_must_start_at_a_result_field(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        save:\n          drinkId: items[0].drinkId\n")
    text = at(e, 7, 20)
    assert "the path of `drinkId` must start at a result field, not 'items'" in text
    assert "isError, content, structuredContent, _meta, handoff, apiCalls, arguments" in text
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        save: {x: structuredContnet.a}\n")
    assert "did you mean 'structuredContent'?" in str(e)


def test_bad_save_path_and_name(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        save: {x: 'structuredContent.items[x]'}\n"), 6, 19)
    assert "bad path for `x`" in text and "must hold a number" in text
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        save: {order-id: isError}\n"), 6, 16)
    assert "'order-id' is not a variable name" in text
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        save: {x: 3}\n"), 6, 19)
    assert "the path of `x` must be text, got the number 3" in text


def test_variable_used_before_save(fail: Fail, at: At) -> None:
    e = fail(
        HEAD
        + (
            "  - user: hi\n"
            "    plan:\n"
            "      - call: selectDrink\n"
            "        args: {drinkId: '${drinkId}'}\n"
            "      - call: searchDrinks\n"
            "        save: {drinkId: 'structuredContent.items[0].drinkId'}\n"
        )
    )
    text = at(e, 6, 25)
    assert "${drinkId} is used before any `save:` defines 'drinkId' (saved so far: none yet)" in text
    assert "fix: drinkId is saved later, at line 8: variables exist only after the step that saves them" in text


def test_variable_never_saved(fail: Fail, at: At) -> None:
    e = fail(
        HEAD
        + (
            "  - user: hi\n"
            "    plan:\n"
            "      - call: createOrder\n"
            "        save: {orderId: structuredContent.orderId}\n"
            "      - reply: 订单 ${orderid} 已创建\n"
        )
    )
    text = at(e, 7, 16)
    assert "${orderid} is used before any `save:` defines 'orderid' (saved so far: orderId)" in text
    assert "did you mean ${orderId}?" in text


@pytest.mark.parametrize(
    ("where", "line", "column"),
    [
        ("  - user: 订单 ${x}\n    plan: [{reply: a}]\n", 3, 11),
        ("  - user: hi\n    plan:\n      - call: a\n        expect: {content: '${x}'}\n", 6, 27),
        ("  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: '${x}'\n", 5, 10),
        ("  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: {selector: '#${x}'}\n", 5, 21),
        (
            "  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: a\n"
            "    expect: {message: {api_call: b, arguments: {id: '${x}'}}}\n",
            6,
            53,
        ),
    ],
)
def test_variables_are_checked_everywhere(fail: Fail, at: At, where: str, line: int, column: int) -> None:
    assert "${x} is used before any `save:`" in at(fail(HEAD + where), line, column)


def test_bad_placeholder(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan: [{reply: '价格 ${1x}'}]\n"), 4, 20)
    assert "bad placeholder: ${1x} does not start with a variable name" in text
    text = at(fail(HEAD + "  - user: 'a ${b'\n    plan: [{reply: x}]\n"), 3, 11)
    assert "is not closed" in text and "$${" in text


# -- taps -------------------------------------------------------------------------------------------


def test_tap_before_any_render(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan: [{call: a}]\n  - tap: 确认支付\n"), 5, 10)
    assert "nothing can be tapped yet: no card has been rendered before this turn" in text


def test_tap_needs_exactly_one_of_text_and_selector(fail: Fail, at: At) -> None:
    base = HEAD + "  - user: hi\n    plan: [{call: a}, {render: a}]\n"
    assert "has neither `text` nor `selector`" in at(fail(base + "  - tap: {card: drink-list}\n"), 5, 10)
    assert "has both `text` and `selector`" in at(fail(base + "  - tap: {text: a, selector: .b}\n"), 5, 10)
    text = at(fail(base + "  - tap: {card: drink-list, api: searchDrinks, text: a}\n"), 5, 29)
    assert "names the card either by `card` (component) or by `api`, not both" in text


def test_tap_plan_must_agree_with_the_expected_message(fail: Fail, at: At) -> None:
    e = fail(
        HEAD
        + (
            "  - user: hi\n    plan: [{call: a}, {render: a}]\n"
            "  - tap: 确认支付\n"
            "    expect: {message: {api_call: payOrder}}\n"
            "    plan:\n"
            "      - call: cancelOrder\n"
        )
    )
    text = at(e, 8, 15)
    assert "the card's message calls payOrder, but the plan's first call is cancelOrder" in text
    assert "write - call: payOrder" in text
    e = fail(
        HEAD + "  - user: hi\n    plan: [{call: a}, {render: a}]\n"
        "  - tap: 少糖\n    expect: {message: false}\n    plan: [{reply: a}]\n"
    )
    assert "`expect` says the tap sends none" in at(e, 7, 5)


def test_card_and_message_checks(fail: Fail, at: At) -> None:
    base = HEAD + "  - user: hi\n    plan: [{call: a}, {render: a}]\n  - tap: 拿铁\n    expect:\n"
    assert "`card.count` counts the nodes matching `selector`" in at(fail(base + "      card: {text: a, count: 2}\n"), 7, 23)
    assert "`card` says nothing to check" in at(fail(base + "      card: {component: drink-list}\n"), 7, 13)
    assert "`message.arguments` are the arguments of an api/call block" in at(
        fail(base + "      message: {arguments: {drinkId: 1}}\n"), 7, 17
    )
    assert "`rerender` must be true or false" in at(fail(base + "      rerender: yes\n"), 7, 17)


def test_event_expect(fail: Fail, at: At) -> None:
    assert "`session` is new or same, got 'fresh'" in at(fail(HEAD + "  - restart:\n    expect: {session: fresh}\n"), 4, 23)
    text = at(fail(HEAD + "  - background: 30m\n    expect: {isError: false}\n"), 4, 14)
    assert "`isError` does not belong in the expect of a lifecycle event" in text


def test_unknown_host_call(fail: Fail, at: At) -> None:
    e = fail(HEAD + "  - user: hi\n    plan:\n      - call: a\n        expect: {host_calls: [login, requestPayement]}\n")
    text = at(e, 6, 38)
    assert "`host_calls`: 'requestPayement' is not a wx API" in text and "did you mean 'requestPayment'?" in text


def test_render_last_before_any_call(fail: Fail, at: At) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - render: last\n"), 5, 17)
    assert "`render: last` shows the card of the latest call, but no API has been called yet" in text


def test_project_that_does_not_exist(fail: Fail, at: At) -> None:
    text = at(fail("name: x\nproject: ../nowhere\nturns: [restart]\n"), 2, 10)
    assert "`project` '../nowhere' does not exist" in text


# -- hints from the schema's examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "line", "column", "message", "hint"),
    [
        (
            "name: x\ndevice: {login: {}}\nturns: [restart]\n",
            2,
            17,
            "`login` takes exactly one of `code`",
            "write login: {code: 0c3abc} or login: {fail: system error}",
        ),
        ("name: x\ndevice: {login: {fail: ''}}\nturns: [restart]\n", 2, 24, "`login.fail` is empty", "write fail: system error"),
        (
            "name: x\ndevice: {payments: [3]}\nturns: [restart]\n",
            2,
            21,
            "a payment must be a mapping or one of the words success, cancel, fail, got the number 3",
            "write payments: [cancel, success] or payments: [{outcome: fail, errMsg: 余额不足}]",
        ),
        (
            "name: x\ndevice: {cloud: {collections: {a: {}}}}\nturns: [restart]\n",
            2,
            35,
            "collection 'a' must be a list",
            "write a: [{_id: a1, name: 拿铁}] or a: []",
        ),
        (
            "name: x\nmarks: [1]\nturns: [restart]\n",
            2,
            9,
            "`marks[0]` must be text, got the number 1",
            "write marks: [smoke, payment]",
        ),
    ],
)
def test_hints_show_the_schemas_examples(fail: Fail, at: At, head: str, line: int, column: int, message: str, hint: str) -> None:
    e = fail(head)
    assert message in at(e, line, column)
    assert e.hint == hint

"""Host outcomes as witnesses: when a recorded outcome agrees with the script, and how a contradiction reads."""

from __future__ import annotations

from typing import Any

import pytest

from wxreplay.cassette.witness import outcome_differences, placeholder_in


def diff(recorded: Any, live: Any, ok: tuple[bool, bool] = (True, True)) -> list[str]:
    rec, lv = {"ok": ok[0], "value": recorded}, {"ok": ok[1], "value": live}
    return outcome_differences(rec, lv, lv)


@pytest.mark.parametrize(
    ("recorded", "live"),
    [
        ({"code": "<redacted:code#1>", "errMsg": "login:ok"}, {"code": "0c3anything", "errMsg": "login:ok"}),
        ({"package": "prepay_id=<redacted:prepay_id#1>"}, {"package": "prepay_id=wx201410272009395522657a690389285100"}),
        ({"n": 1}, {"n": 1.0}),
        ({"list": [1, {"a": "<redacted:token#2>"}]}, {"list": [1, {"a": 42}]}),
    ],
)
def test_agreeing_outcomes(recorded: Any, live: Any) -> None:
    assert diff(recorded, live) == []


@pytest.mark.parametrize(
    ("recorded", "live", "ok", "expected"),
    [
        ({"errMsg": "x:ok"}, {"errMsg": "x:fail cancel"}, (True, False), ["ok: recorded true, script false"]),
        ({"latitude": 22.54}, {"latitude": 31.23}, (True, True), ["value.latitude: recorded 22.54, script 31.23"]),
        ({"a": 1}, {}, (True, True), ["value.a: recorded 1, the script gives no such field"]),
        ({}, {"a": 1}, (True, True), ["value.a: not recorded, script 1"]),
        ({"flag": True}, {"flag": 1}, (True, True), ["value.flag: recorded true, script 1"]),
        ({"code": "<redacted:code#1>"}, {"code": None}, (True, True), ['value.code: recorded "<redacted:code#1>", script null']),
        (
            {"p": "prepay_id=<redacted:p#1>"},
            {"p": "other=1"},
            (True, True),
            ['value.p: recorded "prepay_id=<redacted:p#1>", script "other=1"'],
        ),
        ([1, 2], [1, 2, 3], (True, True), ["value: recorded [1, 2], script [1, 2, 3]"]),
    ],
)
def test_contradicting_outcomes(recorded: Any, live: Any, ok: tuple[bool, bool], expected: list[str]) -> None:
    assert diff(recorded, live, ok)[: len(expected)] == expected


def test_messages_show_the_redacted_script_value() -> None:
    rec = {"ok": True, "value": {}}
    live = {"ok": True, "value": {"code": "0c3RealSecretLoginCode0000000000"}}
    shown = {"ok": True, "value": {"code": "<redacted:code#1>"}}
    assert outcome_differences(rec, live, shown) == ['value.code: not recorded, script "<redacted:code#1>"']


def test_placeholder_in_finds_the_first_placeholder() -> None:
    request = {"headers": {"authorization": "Bearer <redacted:token#1>"}, "query": {"a": ["1"]}, "body": None}
    assert placeholder_in(request) == ("headers.authorization", "<redacted:token#1>")
    assert placeholder_in({"body": {"json": {"items": [{"t": "x <redacted:t#3>"}]}}}) == (
        "body.json.items[0].t",
        "<redacted:t#3>",
    )
    assert placeholder_in({"headers": {"x": "plain"}, "body": {"text": "no placeholder"}}) is None


def test_a_redacted_key_stands_for_the_script_key_it_replaced() -> None:
    rec = {"ok": True, "value": {"<redacted:phone-number#1>": {"n": 1}, "errMsg": "ok"}}
    assert outcome_differences(rec, {"ok": True, "value": {"13812345678": {"n": 1}, "errMsg": "ok"}}, rec) == []
    live = {"ok": True, "value": {"13812345678": {"n": 2}, "errMsg": "ok"}}
    shown = {"ok": True, "value": {"<redacted:phone-number#1>": {"n": 2}, "errMsg": "ok"}}
    assert outcome_differences(rec, live, shown) == ["value.<redacted:phone-number#1>.n: recorded 1, script 2"]
    # a script key with no recorded counterpart is shown by its redacted name, never the secret
    live = {"ok": True, "value": {"13812345678": {"n": 1}, "13912345678": {"n": 1}, "errMsg": "ok"}}
    shown = {
        "ok": True,
        "value": {"<redacted:phone-number#1>": {"n": 1}, "<redacted:phone-number#2>": {"n": 1}, "errMsg": "ok"},
    }
    assert outcome_differences(rec, live, shown) == ['value.<redacted:phone-number#2>: not recorded, script {"n": 1}']

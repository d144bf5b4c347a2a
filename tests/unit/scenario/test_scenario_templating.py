"""``${var}`` substitution, ``save:`` paths and extraction from call results."""

from __future__ import annotations

from typing import Any

import pytest

from wxreplay.errors import ScenarioError
from wxreplay.scenario import extract, substitute
from wxreplay.scenario.templating import (
    format_path,
    has_placeholders,
    is_name,
    js_string,
    parse_path,
    placeholders,
)

RESULT: dict[str, Any] = {
    "api": "searchDrinks",
    "arguments": {"keyword": "拿铁"},
    "isError": False,
    "content": [{"type": "text", "text": "找到 2 款。请展示卡片。"}],
    "structuredContent": {
        "keyword": "拿铁",
        "total": 2,
        "items": [{"drinkId": 101, "name": "拿铁"}, {"drinkId": 103, "name": "生椰拿铁"}],
    },
    "_meta": {"images": {"101": "latte.png"}, "image url": "x.png"},
    "handoff": {"query": "keyword=拿铁"},
}


# -- paths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("structuredContent.items[0].drinkId", ("structuredContent", "items", 0, "drinkId")),
        ("content[-1].text", ("content", -1, "text")),
        ('_meta["image url"]', ("_meta", "image url")),
        ("_meta['a.b']", ("_meta", "a.b")),
        (" handoff.query ", ("handoff", "query")),
        ("structuredContent.items[ 1 ]", ("structuredContent", "items", 1)),
        ("订单.编号", ("订单", "编号")),
    ],
)
def test_parse_path(path: str, parts: tuple[Any, ...]) -> None:
    assert parse_path(path) == parts


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "empty"),
        ("a.", "a name is missing after the '.'"),
        ("a[x]", "must hold a number"),
        ("a[0", "must hold a number"),
        ("[0]", "must start with a field name"),
        ("a b", "unexpected ' '"),
    ],
)
def test_parse_path_errors(path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace(".", r"\.")):
        parse_path(path)


def test_format_path_round_trips() -> None:
    for path in ("structuredContent.items[0].drinkId", 'a["b c"][-1]', "_meta.x"):
        assert format_path(parse_path(path)) == path


def test_names() -> None:
    assert is_name("drinkId") and is_name("_x1") and is_name("订单号")
    assert not is_name("1x") and not is_name("a-b") and not is_name("")


# -- extract ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("structuredContent.items[0].drinkId", 101),
        ("structuredContent.items[-1].name", "生椰拿铁"),
        ("structuredContent.items", RESULT["structuredContent"]["items"]),
        ("content[0].text", "找到 2 款。请展示卡片。"),
        ("handoff.query", "keyword=拿铁"),
        ("isError", False),
        ("arguments.keyword", "拿铁"),
        ('_meta["image url"]', "x.png"),
        ("_meta.images.101", "latte.png"),
    ],
)
def test_extract(path: str, value: Any) -> None:
    assert extract(RESULT, path) == value


def test_extract_defaults_for_absent_iserror_and_apicalls() -> None:
    assert extract({"content": []}, "isError") is False
    assert extract({"content": []}, "apiCalls") == []


@pytest.mark.parametrize(
    ("result", "path", "message"),
    [
        (
            {"structuredContent": {"items": []}},
            "structuredContent.items[0].drinkId",
            "structuredContent.items[0].drinkId: items has 0 elements, so [0] does not exist",
        ),
        (RESULT, "structuredContent.items[2]", "items has 2 elements, so [2] does not exist"),
        (RESULT, "structuredContent.total[0]", "structuredContent.total is a number, not a list"),
        (RESULT, "structuredContent.keyword.x", "structuredContent.keyword is a string, not a mapping"),
        (RESULT, "structuredContent.items[0].drinkid", "items[0] has no key 'drinkid' (keys: drinkId, name)"),
        (
            {"isError": True, "content": []},
            "structuredContent.orderId",
            "the result has no structuredContent (the call returned isError: true)",
        ),
        (RESULT, "result.items", "a path starts at a result field, not 'result'"),
        (RESULT, "structuredContent..x", "bad path"),
    ],
)
def test_extract_errors(result: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        extract(result, path)
    assert message in str(info.value)


def test_extract_suggests_the_close_key_and_the_root() -> None:
    with pytest.raises(ScenarioError) as info:
        extract(RESULT, "structuredContent.items[0].drinkid")
    assert info.value.hint == "did you mean 'drinkId'?"
    with pytest.raises(ScenarioError) as info:
        extract(RESULT, "structuredContnet.items")
    assert "did you mean 'structuredContent'?" in str(info.value)


# -- substitute -------------------------------------------------------------------------------------

VARS: dict[str, Any] = {
    "drinkId": 101,
    "orderId": "WS0001",
    "price": 28.0,
    "ok": True,
    "nothing": None,
    "specs": {"sugar": "less", "size": "medium"},
    "items": [1, 2],
    "饮品": "拿铁",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${drinkId}", 101),  # a lone placeholder keeps the saved type
        ("${ok}", True),
        ("${nothing}", None),
        ("${specs}", {"sugar": "less", "size": "medium"}),
        ("${specs.sugar}", "less"),
        ("${items[-1]}", 2),
        ("${ drinkId }", 101),
        ("drinkId=${drinkId}", "drinkId=101"),  # mixed text interpolates
        ("${orderId}/${drinkId}", "WS0001/101"),
        ("合计 ¥${price}", "合计 ¥28"),  # as JavaScript's String() writes 28.0
        ("${ok}-${nothing}", "true-null"),
        ("规格 ${specs}", '规格 {"sugar":"less","size":"medium"}'),
        ("我要${饮品}", "我要拿铁"),
        ("$${drinkId}", "${drinkId}"),  # escape
        ("cost: $5 {x}", "cost: $5 {x}"),  # no placeholder, untouched
        (42, 42),
        (None, None),
    ],
)
def test_substitute(value: Any, expected: Any) -> None:
    assert substitute(value, VARS) == expected


def test_substitute_walks_mappings_and_lists_without_changing_the_input() -> None:
    args = {"drinkId": "${drinkId}", "specs": {"sugar": "${specs.sugar}"}, "tags": ["${orderId}", 1], "${drinkId}": "key kept"}
    out = substitute(args, VARS)
    assert out == {"drinkId": 101, "specs": {"sugar": "less"}, "tags": ["WS0001", 1], "${drinkId}": "key kept"}
    assert args["drinkId"] == "${drinkId}"


def test_substitute_copies_saved_structures() -> None:
    out = substitute("${specs}", VARS)
    out["sugar"] = "none"
    assert VARS["specs"]["sugar"] == "less"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("${orderid}", "no variable 'orderid' has been saved"),
        ("${specs.sweet}", "specs has no key 'sweet'"),
        ("${items[5]}", "items has 2 elements"),
        ("${}", "does not start with a variable name"),
        ("${1x}", "does not start with a variable name"),
        ("a ${b", "is not closed"),
    ],
)
def test_substitute_errors(value: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        substitute(value, VARS)
    assert message in str(info.value)


def test_unknown_variable_suggests_a_saved_one() -> None:
    with pytest.raises(ScenarioError) as info:
        substitute("${orderid}", VARS)
    assert info.value.hint == "did you mean ${orderId}?"


def test_placeholders_report_where_they_are() -> None:
    found = placeholders({"a": ["x ${drinkId} ${specs.sugar}"], "b": "$${no}"})
    assert [(p.name, p.path, p.at) for p in found] == [("drinkId", (), ("a", 0)), ("specs", ("sugar",), ("a", 0))]
    assert has_placeholders({"a": "${x}"}) and not has_placeholders({"a": "$${x}"}) and not has_placeholders(3)


def test_js_string() -> None:
    assert [js_string(v) for v in (None, True, False, 1, 1.5, 2.0, "s", [1, "a"])] == [
        "null",
        "true",
        "false",
        "1",
        "1.5",
        "2",
        "s",
        '[1,"a"]',
    ]

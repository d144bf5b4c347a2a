"""The pure pieces of ``wxreplay chat``: commands, typed argument values, suggestions, the YAML it writes."""

from __future__ import annotations

import pytest
import yaml

from wxreplay.chat_args import Command, convert_value, parse_command, parse_duration, suggestions
from wxreplay.chat_yaml import ScenarioDraft, slug


def test_commands_and_what_the_user_says() -> None:
    assert parse_command(":call searchDrinks {}") == Command("call", "searchDrinks {}")
    assert parse_command(":new-session") == Command("new_session", "")
    assert parse_command("来一杯拿铁") == Command("say", "来一杯拿铁")
    assert parse_command("::) 开心") == Command("say", ":) 开心")


@pytest.mark.parametrize(("text", "ms"), [("30m", 1_800_000), ("5s", 5000), ("1h30m", 5_400_000), ("1500ms", 1500)])
def test_durations(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "soon", "5", "m"])
def test_not_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_values_are_typed_as_the_schema_says() -> None:
    assert convert_value("拿铁", {"type": "string"}) == "拿铁"
    assert convert_value("2", {"type": "integer"}) == 2
    assert convert_value("2.5", {"type": "number"}) == 2.5
    assert convert_value("true", {"type": "boolean"}) is True
    assert convert_value('{"sugar": "less"}', {"type": "object"}) == {"sugar": "less"}
    assert convert_value("large", {"enum": ["medium", "large"]}) == "large"


@pytest.mark.parametrize(
    ("text", "prop", "message"),
    [
        ("abc", {"type": "number"}, "expected a number, got 'abc'"),
        ("2.5", {"type": "integer"}, "expected an integer, got '2.5'"),
        ("true", {"type": "integer"}, "expected an integer"),
        ("yes", {"type": "boolean"}, "expected true or false"),
        ("[1]", {"type": "object"}, "expected a JSON object"),
        ("{oops", {"type": "object"}, "expected a JSON object: Expecting property name"),
        ("huge", {"type": "string", "enum": ["medium", "large"]}, 'expected one of "medium", "large"'),
    ],
)
def test_bad_values_say_what_was_expected(text: str, prop: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("{", r"\{")):
        convert_value(text, prop)


def test_suggestions_come_from_fields_of_the_same_name_newest_first() -> None:
    results = [
        {"structuredContent": {"items": [{"drinkId": 101}, {"drinkId": 103}]}},
        None,  # an isError result: nothing is saved from it
        {"structuredContent": {"drinkId": 105, "order": {"orderId": "WS0001"}}},
    ]
    found = suggestions("drinkId", results)
    assert [(s.value, s.call, s.path) for s in found] == [
        (105, 2, "structuredContent.drinkId"),
        (101, 0, "structuredContent.items[0].drinkId"),
        (103, 0, "structuredContent.items[1].drinkId"),
    ]
    assert suggestions("orderId", results)[0].path == "structuredContent.order.orderId"
    assert suggestions("nothing", results) == []


def test_the_draft_writes_readable_yaml_with_saves_for_suggested_values() -> None:
    draft = ScenarioDraft(name="拿铁", project="../examples/westore-cafe", skill="coffee", device={"payments": ["success"]})
    draft.say("来一杯拿铁")
    draft.step({"call": "searchDrinks", "args": {"keyword": "拿铁"}})
    var = draft.variable(0, "structuredContent.items[0].drinkId", "drinkId")
    assert var == "${drinkId}"
    assert draft.variable(0, "structuredContent.items[0].drinkId", "drinkId") == "${drinkId}"  # saved once
    assert draft.variable(0, "structuredContent.items[1].drinkId", "drinkId") == "${drinkId2}"
    draft.step({"call": "selectDrink", "args": {"drinkId": var}})
    draft.tap({"card": "drink-detail", "text": "少糖"}, takes_plan=False)
    draft.event("background", "30m")
    draft.event("restart", None)
    text = draft.to_yaml("./scenario.schema.json")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./scenario.schema.json"
    assert "  - user: 来一杯拿铁\n    plan:\n      - call: searchDrinks\n        args: {keyword: 拿铁}\n" in text
    assert "  - tap: {card: drink-detail, text: 少糖}\n  - background: 30m\n  - restart\n" in text
    data = yaml.safe_load(text)
    assert data["turns"][0]["plan"][0]["save"] == {
        "drinkId": "structuredContent.items[0].drinkId",
        "drinkId2": "structuredContent.items[1].drinkId",
    }
    assert data["device"] == {"payments": ["success"]}


def test_file_stems() -> None:
    assert slug("Latte chat!") == "latte-chat"
    assert slug("点一杯拿铁") == ""

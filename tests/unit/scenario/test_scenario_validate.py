"""Checks against the project: API names, inputSchema, cards, components, skills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wxreplay import Project
from wxreplay.errors import ScenarioError
from wxreplay.scenario import Scenario, component_name, validate_scenario

Fail = Callable[..., ScenarioError]
At = Callable[..., str]
Load = Callable[..., Scenario]

HEAD = "name: x\nturns:\n"
SEARCH = "  - user: 点一杯拿铁\n    plan:\n      - call: searchDrinks\n        args: {keyword: 拿铁}\n"


def test_valid_scenario_returns_the_skill(load: Load, westore: Project) -> None:
    sc = load(HEAD + SEARCH + "      - render: searchDrinks\n")
    assert validate_scenario(sc, westore).name == "coffee"


def test_unknown_api_did_you_mean(fail: Fail, at: At, westore: Project) -> None:
    e = fail(
        HEAD + SEARCH + "        save: {drinkId: 'structuredContent.items[0].drinkId'}\n"
        "      - call: createOrdr\n        args: {drinkId: '${drinkId}', specs: {sugar: less, size: medium}}\n",
        project=westore,
    )
    text = at(e, 8, 15)
    assert "unknown API 'createOrdr', did you mean 'createOrder'?" in text
    assert "fix: skill 'coffee' declares: searchDrinks, selectDrink, createOrder, payOrder, getOrder, cancelOrder" in text
    assert "mcp.json" in text


def test_unknown_api_without_a_close_name(fail: Fail, at: At, westore: Project) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: refund\n", project=westore), 5, 15)
    assert "unknown API 'refund': skill 'coffee' declares searchDrinks, selectDrink," in text
    assert "declare refund in" in text


def test_arguments_must_match_the_input_schema(fail: Fail, at: At, westore: Project) -> None:
    e = fail(
        HEAD
        + (
            "  - user: hi\n"
            "    plan:\n"
            "      - call: createOrder\n"
            "        args:\n"
            "          drinkId: 101\n"
            "          specs: {sugar: little, size: medium}\n"
            "          quantity: 20\n"
        ),
        project=westore,
    )
    text = at(e, 9, 21)
    assert "the arguments of createOrder do not match its inputSchema:\n" in text
    assert "args.quantity: 20 is greater than the maximum of 10" in text
    assert "args.specs.sugar: 'little' is not one of ['none', 'less', 'normal']" in text
    assert "fix: createOrder takes drinkId, quantity, specs (required: drinkId, specs)" in text


def test_wrong_type_of_a_literal_argument(fail: Fail, at: At, westore: Project) -> None:
    text = at(
        fail(HEAD + "  - user: hi\n    plan:\n      - call: selectDrink\n        args: {drinkId: '101'}\n", project=westore),
        6,
        25,
    )
    assert "args.drinkId: '101' is not of type 'number'" in text


def test_missing_required_argument_points_at_args_or_the_call(fail: Fail, at: At, westore: Project) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: selectDrink\n        args: {}\n", project=westore), 6, 15)
    assert "args: 'drinkId' is a required property" in text
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: selectDrink\n", project=westore), 5, 15)
    assert "'drinkId' is a required property" in text and "add args:" in text


def test_placeholder_fields_are_skipped(load: Load, westore: Project) -> None:
    load(
        HEAD
        + SEARCH
        + (
            "        save: {drinkId: 'structuredContent.items[0].drinkId', sugar: arguments.keyword, specs: arguments}\n"
            "      - call: selectDrink\n"
            "        args: {drinkId: '${drinkId}'}\n"  # a string placeholder for a number: checked at run time
            "      - call: createOrder\n"
            "        args: {drinkId: '${drinkId}', specs: {sugar: '${sugar}', size: medium}}\n"
            "      - call: createOrder\n"
            "        args: {drinkId: 'id-${drinkId}', specs: '${specs}'}\n"
        ),
        project=westore,
    )


def test_literal_fields_next_to_placeholders_are_still_checked(fail: Fail, at: At, westore: Project) -> None:
    e = fail(
        HEAD
        + SEARCH
        + (
            "        save: {drinkId: 'structuredContent.items[0].drinkId'}\n"
            "      - call: createOrder\n"
            "        args: {drinkId: '${drinkId}', specs: {size: medium}, quantity: 0}\n"
        ),
        project=westore,
    )
    text = at(e, 9, 72)
    assert "args.quantity: 0 is less than the minimum of 1" in text
    assert "args.specs: 'sugar' is a required property" in text


def test_first_call_of_a_tap_plan_takes_the_card_arguments(load: Load, fail: Fail, at: At, westore: Project) -> None:
    base = (
        HEAD
        + SEARCH
        + ("      - render: searchDrinks\n  - tap: {card: drink-list, text: 拿铁}\n    plan:\n      - call: selectDrink\n")
    )
    load(base + "      - render: last\n", project=westore)
    text = at(fail(base + "      - call: createOrder\n", project=westore), 11, 15)
    assert "'drinkId' is a required property" in text


@pytest.fixture(scope="module")
def strict(make_project: Callable[..., Project]) -> Project:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "when": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^d"}]}},
        "additionalProperties": False,
    }
    mcp = {
        "apis": [
            {"name": "weather", "description": "w", "inputSchema": schema},
            {"name": "broken", "description": "b", "inputSchema": {"type": "nonsense"}},
        ]
    }
    return make_project({"skills/probe/mcp.json": mcp, "skills/probe/index.js": "// nothing registered\n"})


def test_unknown_argument_points_at_the_key_with_did_you_mean(fail: Fail, at: At, strict: Project) -> None:
    text = at(fail(HEAD + "  - user: hi\n    plan:\n      - call: weather\n        args: {cty: 深圳}\n", project=strict), 6, 16)
    assert "Additional properties are not allowed ('cty' was unexpected)" in text
    assert "fix: did you mean 'city'? weather takes city, when" in text


def test_combinators_over_placeholders_are_skipped(load: Load, fail: Fail, strict: Project) -> None:
    base = HEAD + "  - user: hi\n    plan:\n      - call: weather\n        save: {w: isError}\n      - call: weather\n"
    load(base + "        args: {when: '${w}'}\n", project=strict)
    assert "args.when: " in str(fail(base + "        args: {when: 1.5}\n", project=strict))


def test_broken_input_schema_is_left_to_the_call(load: Load, strict: Project) -> None:
    load(HEAD + "  - user: hi\n    plan:\n      - call: broken\n        args: {a: 1}\n", project=strict)


def test_render_of_an_api_without_a_card(fail: Fail, at: At, westore: Project) -> None:
    base = HEAD + "  - user: hi\n    plan:\n      - call: payOrder\n        args: {orderId: WS0001}\n"
    text = at(fail(base + "      - render: payOrder\n", project=westore), 7, 17)
    assert "payOrder has no card to render: " in text and "mcp.json gives it no _meta.ui.componentPath" in text
    assert "APIs with a card: searchDrinks, selectDrink, createOrder, getOrder" in text
    text = at(fail(base + "      - render: last\n", project=westore), 7, 17)
    assert "payOrder has no card to render" in text
    text = at(fail(base + "      - render: searchDrink\n", project=westore), 7, 17)
    assert "unknown API 'searchDrink', did you mean 'searchDrinks'?" in text


def test_tap_card_must_name_an_existing_component(fail: Fail, at: At, load: Load, westore: Project) -> None:
    base = HEAD + SEARCH + "      - render: searchDrinks\n"
    text = at(fail(base + "  - tap: {card: drink-lst, text: 拿铁}\n", project=westore), 8, 17)
    assert "no card component named 'drink-lst' in skill 'coffee'" in text
    assert "(cards: drink-detail, drink-list, order-confirm, order-status)" in text
    assert "did you mean 'drink-list'?" in text
    load(base + "  - tap: {card: components/drink-list/index, text: 拿铁}\n", project=westore)


def test_tap_card_must_have_been_rendered(fail: Fail, at: At, westore: Project) -> None:
    base = HEAD + SEARCH + "      - render: searchDrinks\n"
    text = at(fail(base + "  - tap: {card: order-confirm, text: 确认支付}\n", project=westore), 8, 17)
    assert "no order-confirm card has been rendered before this tap" in text and "render: createOrder" in text
    text = at(fail(base + "  - tap: {api: createOrder, text: 确认支付}\n", project=westore), 8, 16)
    assert "the card of createOrder has not been rendered before this tap" in text
    text = at(fail(base + "  - tap: {api: payOrder, text: 确认支付}\n", project=westore), 8, 16)
    assert "payOrder has no card to tap" in text


def test_expected_message_and_card_names_are_checked(fail: Fail, at: At, westore: Project) -> None:
    base = HEAD + SEARCH + "      - render: searchDrinks\n  - tap: 拿铁\n    expect:\n"
    text = at(fail(base + "      message: {api_call: selectDrinks}\n", project=westore), 10, 27)
    assert "unknown API 'selectDrinks', did you mean 'selectDrink'?" in text
    text = at(fail(base + "      card: {component: drink-lists, text: a}\n", project=westore), 10, 25)
    assert "no card component named 'drink-lists'" in text
    e = fail(
        HEAD + SEARCH + "      - render: searchDrinks\n  - advance: 5s\n    expect: {card: {component: status, text: a}}\n",
        project=westore,
    )
    text = at(e, 9, 32)
    assert "no card component named 'status'" in text


def test_skill_must_exist(fail: Fail, at: At, westore: Project) -> None:
    text = at(fail("name: x\nskill: cofee\nturns: [restart]\n", project=westore), 2, 8)
    assert "no skill named 'cofee' (skills: coffee)" in text and "did you mean 'coffee'?" in text


def test_project_with_several_skills_needs_a_skill(load: Load, fail: Fail, make_project: Callable[..., Project]) -> None:
    app = {
        "pages": ["pages/home/home"],
        "subPackages": [{"root": "skills", "independent": True, "pages": []}],
        "agent": {
            "skills": [
                {"name": "a", "description": "a", "path": "skills/a"},
                {"name": "b", "description": "b", "path": "skills/b"},
            ]
        },
    }
    mcp = {"apis": [{"name": "ping", "description": "p", "inputSchema": {"type": "object"}}]}
    project = make_project(
        {"app.json": app, "skills/a/mcp.json": mcp, "skills/a/index.js": "", "skills/b/mcp.json": mcp, "skills/b/index.js": ""}
    )
    e = fail("name: x\nturns:\n  - user: hi\n    plan: [{call: ping}]\n", project=project)
    assert "the project has 2 skills (a, b); say which one" in str(e) and "add skill: <name>" in str(e)
    sc = load("name: x\nskill: b\nturns:\n  - user: hi\n    plan: [{call: ping}]\n", project=project)
    assert validate_scenario(sc, project).name == "b"
    assert validate_scenario(load("name: x\nturns: [restart]\n"), project, skill="a").name == "a"


def test_component_name() -> None:
    assert component_name("components/drink-list/index") == "drink-list"
    assert component_name("cards/status") == "status"
    assert component_name("index") == "index"

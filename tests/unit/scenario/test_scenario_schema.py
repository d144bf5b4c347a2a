"""The shipped JSON Schema: valid, documented, enforced by the loader, which agrees with jsonschema."""

from __future__ import annotations

import json
import re
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from wxreplay.errors import ScenarioError
from wxreplay.record_mode import RecordMode
from wxreplay.scenario import parse_scenario, scenario_schema, schema_text
from wxreplay.scenario.loader import parse_yaml
from wxreplay.scenario.shape import ANNOTATIONS, KEYWORDS, first_problem

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
VALIDATOR = jsonschema.Draft7Validator(scenario_schema())

KITCHEN_SINK = """
    version: 1
    name: 全部字段
    description: every key of the format
    skill: coffee
    cassette: cassettes/all.yaml
    record: once
    marks: [smoke]
    skip: demo only
    xfail: demo only
    device:
      storage: {westore:token: {token: t}}
      login: {fail: system error}
      session_valid: false
      payments: [cancel, {outcome: fail, errMsg: 余额不足}]
      location:
        {latitude: 22.5, longitude: 113.9, speed: 0, accuracy: 30, altitude: 0, verticalAccuracy: 0, horizontalAccuracy: 30}
      phone_number: denied
      system: {deviceInfo: {}, windowInfo: {}, appBaseInfo: {}, systemSetting: {}}
      seed: 1
      start_time: "2026-01-05T09:30:00+08:00"
      timezone: Asia/Shanghai
      locale: zh-CN
      app_id: wx0000000000000000
      stubs: {showToast: {}}
      cloud: {collections: {a: [{_id: x}]}, functions: {f: 1}, files: {}, ai: {}, env: e, openid: o}
    turns:
      - user: hi
        plan:
          - call: searchDrinks
            args: {keyword: 拿铁}
            save: {drinkId: "structuredContent.items[0].drinkId", q: 'handoff["query"]'}
            expect:
              isError: false
              structuredContent: {keyword: 拿铁}
              _meta: {}
              handoff: {query: x}
              content: a
              facts: [a]
              actions: b
              host_calls: [request]
              findings: []
          - render: searchDrinks
            expect: {card: {component: drink-list, text: [a], selector: .tile, count: 1}, host_calls: request, findings: x}
          - render: last
            expect: {card: 拿铁}
          - reply: ${drinkId}
      - tap: {card: drink-list, text: 拿铁, index: 0}
        expect:
          message: {text: a, api_call: selectDrink, arguments: {drinkId: "${drinkId}"}}
          card: [a]
          rerender: true
          host_calls: [request]
          findings: []
        plan:
          - call: selectDrink
      - tap: {api: searchDrinks, selector: .tile}
        expect: {message: false}
      - tap: 拿铁
        expect: {message: 我想看看拿铁}
      - background: 30m
        expect: {session: new, card: {text: a}, host_calls: [request], findings: []}
      - advance: 1h30m
      - foreground
      - memory_warning:
      - restart: true
      - new_session
"""


def test_schema_is_valid_draft7_and_shipped_as_package_data() -> None:
    schema = scenario_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert json.loads(schema_text()) == schema
    assert schema_text().endswith("}\n")
    schema["title"] = "changed"
    assert scenario_schema()["title"] != "changed"  # a fresh dict each time
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "scenario.schema.json" in pyproject["tool"]["setuptools"]["package-data"]["wxreplay.scenario"]


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_every_key_is_documented_in_chinese_and_english() -> None:
    schema = scenario_schema()
    defs = schema["definitions"]
    for path, node in _walk(schema):
        if not (isinstance(node, dict) and isinstance(node.get("properties"), dict)):
            continue
        for key, prop in node["properties"].items():
            target = prop
            if "description" not in prop and "$ref" in prop:
                target = defs[prop["$ref"].rsplit("/", 1)[1]]
            description = target.get("description", "")
            assert description, f"{path}/properties/{key} has no description"
            assert re.search(r"[\u4e00-\u9fff]", description) and re.search(r"[A-Za-z]{3}", description), (
                f"{path}/properties/{key}: {description!r} should be Chinese + English"
            )


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema node inside ``node`` (not the name -> schema maps that hold them)."""
    if not isinstance(node, dict):
        return
    yield node
    for key in ("properties", "definitions"):
        for sub in node.get(key, {}).values():
            yield from _schemas(sub)
    for key in ("items", "additionalProperties", "propertyNames", "not"):
        yield from _schemas(node.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(key, []):
            yield from _schemas(sub)


def test_the_loader_understands_every_keyword_the_schema_uses() -> None:
    # The schema is the only description of the format: a keyword the loader's evaluator does not know would be
    # documented for editors but not enforced.
    for node in _schemas(scenario_schema()):
        unknown = set(node) - KEYWORDS - ANNOTATIONS
        assert not unknown, f"{sorted(unknown)} in {json.dumps(node, ensure_ascii=False)[:120]}"


def test_record_modes_are_the_schemas() -> None:
    assert scenario_schema()["properties"]["record"]["enum"] == [mode.value for mode in RecordMode]


def _plain(text: str) -> Any:
    return parse_yaml(textwrap.dedent(text)).data


def test_fixtures_and_the_kitchen_sink_validate() -> None:
    files = sorted(FIXTURES.glob("*.scenario.yaml"))
    assert len(files) >= 3
    for file in files:
        errors = [e.message for e in VALIDATOR.iter_errors(parse_yaml(file.read_text(encoding="utf-8")).data)]
        assert errors == [], f"{file.name}: {errors}"
    assert [e.message for e in VALIDATOR.iter_errors(_plain(KITCHEN_SINK))] == []
    parse_scenario(textwrap.dedent(KITCHEN_SINK), path=Path("/nowhere/all.scenario.yaml"))


def _turn(body: str) -> str:
    return "name: x\nturns:\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n"


CALL = "- user: hi\n  plan:\n    - call: a\n"
RENDERED = "- user: hi\n  plan:\n    - call: a\n    - render: a\n"

#: Structural mistakes: the loader and the schema must both reject each.
REJECTED = {
    "unknown top-level key": "name: x\nturn: []\nturns: [restart]\n",
    "no name": "turns: [restart]\n",
    "no turns": "name: x\n",
    "empty turns": "name: x\nturns: []\n",
    "name not text": "name: [x]\nturns: [restart]\n",
    "empty name": "name: ''\nturns: [restart]\n",
    "version 2": "name: x\nversion: 2\nturns: [restart]\n",
    "bad record": "name: x\nrecord: sometimes\nturns: [restart]\n",
    "bad mark": "name: x\nmarks: [a-b]\nturns: [restart]\n",
    "marks as text": "name: x\nmarks: smoke\nturns: [restart]\n",
    "skip as boolean": "name: x\nskip: true\nturns: [restart]\n",
    "null description": "name: x\ndescription:\nturns: [restart]\n",
    "unknown device key": "name: x\ndevice: {storag: {}}\nturns: [restart]\n",
    "login with both": "name: x\ndevice: {login: {code: a, fail: b}}\nturns: [restart]\n",
    "login empty": "name: x\ndevice: {login: {}}\nturns: [restart]\n",
    "bad payment": "name: x\ndevice: {payments: [paid]}\nturns: [restart]\n",
    "payment without outcome": "name: x\ndevice: {payments: [{errMsg: x}]}\nturns: [restart]\n",
    "location word": "name: x\ndevice: {location: allowed}\nturns: [restart]\n",
    "location without longitude": "name: x\ndevice: {location: {latitude: 1}}\nturns: [restart]\n",
    "phone as text": "name: x\ndevice: {phone_number: '138'}\nturns: [restart]\n",
    "unknown system key": "name: x\ndevice: {system: {window: {}}}\nturns: [restart]\n",
    "seed as text": "name: x\ndevice: {seed: '1'}\nturns: [restart]\n",
    "start_time without offset": "name: x\ndevice: {start_time: '2026-01-05T09:30:00'}\nturns: [restart]\n",
    "start_time as date": "name: x\ndevice: {start_time: '2026-01-05'}\nturns: [restart]\n",
    "collection not a list": "name: x\ndevice: {cloud: {collections: {a: {}}}}\nturns: [restart]\n",
    "turn as number": "name: x\nturns: [42]\n",
    "unknown bare event": "name: x\nturns: [restrat]\n",
    "bare background": "name: x\nturns: [background]\n",
    "turn with no kind": _turn("- plan: [{reply: a}]"),
    "turn with two kinds": _turn("- user: hi\n  tap: x\n  plan: [{reply: a}]"),
    "user without plan": _turn("- user: hi"),
    "user with expect": _turn("- user: hi\n  plan: [{reply: a}]\n  expect: {isError: false}"),
    "empty plan": _turn("- user: hi\n  plan: []"),
    "plan as mapping": _turn("- user: hi\n  plan: {call: a}"),
    "step as text": _turn("- user: hi\n  plan: [searchDrinks]"),
    "step with no kind": _turn("- user: hi\n  plan: [{args: {}}]"),
    "step with two kinds": _turn("- user: hi\n  plan: [{call: a, reply: b}]"),
    "unknown step key": _turn(CALL + "      expcet: {}"),
    "args as list": _turn(CALL + "      args: [1]"),
    "save as list": _turn(CALL + "      save: [x]"),
    "save path root": _turn(CALL + "      save: {x: 'items[0]'}"),
    "save path syntax": _turn(CALL + "      save: {x: 'structuredContent.items[x]'}"),
    "save name": _turn(CALL + "      save: {a-b: isError}"),
    "reply with save": _turn("- user: hi\n  plan: [{reply: a, save: {}}]"),
    "unknown expect key": _turn(CALL + "      expect: {iserror: false}"),
    "card on a call": _turn(CALL + "      expect: {card: a}"),
    "isError as text": _turn(CALL + "      expect: {isError: 'false'}"),
    "content empty list": _turn(CALL + "      expect: {content: []}"),
    "content as mapping": _turn(CALL + "      expect: {content: {a: 1}}"),
    "structuredContent as list": _turn(CALL + "      expect: {structuredContent: [1]}"),
    "card with nothing to check": _turn(RENDERED + "      expect: {card: {component: a}}"),
    "count without selector": _turn(RENDERED + "      expect: {card: {text: a, count: 1}}"),
    "negative count": _turn(RENDERED + "      expect: {card: {selector: a, count: -1}}"),
    "tap with both": _turn(RENDERED + "- tap: {text: a, selector: b}"),
    "tap with neither": _turn(RENDERED + "- tap: {card: a}"),
    "tap with card and api": _turn(RENDERED + "- tap: {card: a, api: b, text: c}"),
    "tap negative index": _turn(RENDERED + "- tap: {text: a, index: -1}"),
    "tap unknown key": _turn(RENDERED + "- tap: {txt: a}"),
    "message arguments without api_call": _turn(RENDERED + "- tap: a\n  expect: {message: {arguments: {}}}"),
    "message true": _turn(RENDERED + "- tap: a\n  expect: {message: true}"),
    "rerender as text": _turn(RENDERED + "- tap: a\n  expect: {rerender: 'yes'}"),
    "background without unit": _turn("- background: 30"),
    "background bad unit": _turn("- background: 30 minutes"),
    "advance as list": _turn("- advance: [5s]"),
    "restart with value": _turn("- restart: now"),
    "event with plan": _turn("- restart:\n  plan: [{reply: a}]"),
    "bad session": _turn("- restart:\n  expect: {session: fresh}"),
    "isError on an event": _turn("- restart:\n  expect: {isError: false}"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_schema_rejects_what_the_loader_rejects(name: str) -> None:
    text = REJECTED[name]
    with pytest.raises(ScenarioError):
        parse_scenario(text, path=Path("/nowhere/x.scenario.yaml"))
    data = parse_yaml(text).data
    assert list(VALIDATOR.iter_errors(data)), f"the schema accepts: {name}"
    assert first_problem(data) is not None, f"the loader's schema check accepts: {name}"


def test_the_loader_and_jsonschema_accept_the_same_documents() -> None:
    accepted = [parse_yaml(file.read_text(encoding="utf-8")).data for file in sorted(FIXTURES.glob("*.scenario.yaml"))]
    accepted += [parse_yaml(file.read_text(encoding="utf-8")).data for file in sorted((ROOT / "scenarios").glob("*.yaml"))]
    accepted.append(_plain(KITCHEN_SINK))
    for data in accepted:
        assert VALIDATOR.is_valid(data) and first_problem(data) is None

"""``wxreplay new`` / ``new --smoke``: the files they write load, run, and name the line to edit; bad input is located.

Run through :func:`wxreplay.cli.main` as a user types the commands, on the example project and on
a small project generated in ``tmp_path`` (no network: its APIs keep their data in storage).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from wxreplay.cli import main
from wxreplay.scenario import load_scenario, schema_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "westore-cafe"

# A project whose skill needs no service: mcp.json order puts APIs with required arguments first,
# so the smoke scenario's order is its own (no-argument APIs first, then by what feeds them).
SHOP_APIS: list[dict[str, Any]] = [
    {
        "name": "getItem",
        "description": "one item",
        "inputSchema": {"type": "object", "properties": {"itemId": {"type": "string"}}, "required": ["itemId"]},
        "outputSchema": {"type": "object", "properties": {"itemId": {"type": "string"}, "title": {"type": "string"}}},
        "_meta": {"ui": {"componentPath": "components/item/index"}},
    },
    {
        "name": "rateItem",
        "description": "rate an item",
        "inputSchema": {
            "type": "object",
            "properties": {"itemId": {"type": "string"}, "stars": {"type": "integer", "enum": [5, 4, 3, 2, 1]}},
            "required": ["itemId", "stars"],
        },
    },
    {
        "name": "openTicket",
        "description": "a support ticket",
        "inputSchema": {"type": "object", "properties": {"ticketNo": {"type": "string"}}, "required": ["ticketNo"]},
    },
    {
        "name": "listItems",
        "description": "every item",
        "inputSchema": {"type": "object", "properties": {"keyword": {"type": "string", "description": "filter"}}},
        "outputSchema": {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"itemId": {"type": "string"}}}}},
        },
        "_meta": {"ui": {"componentPath": "components/list/index"}},
    },
    {"name": "ping", "description": "alive?", "inputSchema": {"type": "object"}},
]

SHOP_JS = """\
const ITEMS = [{ itemId: 'it-7', title: '书' }, { itemId: 'it-8', title: '笔' }]
const text = (t) => [{ type: 'text', text: t }]
wx.modelContext.registerAPI('listItems', () => ({ content: text('两件'), structuredContent: { items: ITEMS } }))
wx.modelContext.registerAPI('getItem', ({ itemId }) => {
  const item = ITEMS.find((i) => i.itemId === itemId)
  return item ? { content: text(item.title), structuredContent: item } : { isError: true, content: text('没有 ' + itemId) }
})
wx.modelContext.registerAPI('rateItem', ({ itemId, stars }) => {
  wx.setStorageSync('rating:' + itemId, stars)
  return { content: text(itemId + ' ' + stars) }
})
wx.modelContext.registerAPI('openTicket', ({ ticketNo }) => ({ content: text(ticketNo) }))
wx.modelContext.registerAPI('ping', () => ({ content: text('pong') }))
"""


def make_shop(root: Path) -> Path:
    """The generated project: app.json, skill ``shop`` with five APIs and two cards."""
    files: dict[str, Any] = {
        "app.json": {
            "pages": ["pages/home/home"],
            "subPackages": [{"root": "skills", "independent": True, "pages": []}],
            "agent": {"skills": [{"name": "shop", "description": "shop", "path": "skills/shop"}]},
        },
        "skills/shop/SKILL.md": "---\nname: shop\ndescription: shop\n---\n# shop\n",
        "skills/shop/mcp.json": {"apis": SHOP_APIS},
        "skills/shop/index.js": SHOP_JS,
        "skills/shop/components/item/index.js": "Component({ data: { n: 1 } })",
        "skills/shop/components/item/index.wxml": "<view class='item'>item {{n}}</view>",
        "skills/shop/components/list/index.js": "Component({ data: { n: 2 } })",
        "skills/shop/components/list/index.wxml": "<view class='list'>list {{n}}</view>",
    }
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_skeleton_on_the_example_loads_and_fails_clearly_without_a_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "new", "first-order", str(EXAMPLE))
    assert code == 0, out
    file = tmp_path / "scenarios" / "first-order.scenario.yaml"
    text = file.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./scenario.schema.json"
    assert (tmp_path / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8") == schema_text()
    data = yaml.safe_load(text)
    assert data["name"] == "first-order"
    assert (file.parent / data["project"]).resolve() == EXAMPLE  # relative to the file
    plan = data["turns"][0]["plan"]
    assert plan[0] == {"call": "searchDrinks", "args": {}}  # the first API with a card and no required argument
    assert plan[1] == {"render": "searchDrinks"} and "reply" in plan[2]
    for example in ("# - tap: {card: drink-list", "# - message:", "# - background:", "# device:", "#   payments:"):
        assert example in text
    load_scenario(file)  # loads and fits the skill
    code, out, _err = run_cli(capsys, "run", str(file))
    assert code == 1  # a clear failure, not a load error (2)
    assert "FAIL first-order" in out and "no recording" in out and "--record once" in out


def test_a_placeholder_left_in_is_a_load_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "new", "order", str(EXAMPLE), "--api", "createOrder")[0] == 0
    file = tmp_path / "scenarios" / "order.scenario.yaml"
    lines = file.read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("drinkId: null"))
    assert "EDIT: required number" in lines[line - 1]
    assert "specs: {sugar: none, size: medium}" in "\n".join(lines)  # enum values are real values: filled in
    assert "# quantity: 1" in "\n".join(lines)  # optional: commented
    code, _out, err = run_cli(capsys, "run", str(file))
    assert code == 2
    assert f"order.scenario.yaml:{line}:" in err and "drinkId" in err and f"> {line:2d} |" in err


def test_existing_files_are_never_overwritten_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "scenarios" / "mine.scenario.yaml"
    target.parent.mkdir()
    target.write_text("# my own work\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "new", "mine", str(EXAMPLE))
    assert code == 2 and "scenarios/mine.scenario.yaml already exists: nothing was written" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# my own work\n"
    code, out, err = run_cli(capsys, "new", "mine.scenario.yaml", str(EXAMPLE), "--force")  # the whole file name works too
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# yaml-language-server:")
    # an older schema file is left alone, with a note
    schema = tmp_path / "scenarios" / "scenario.schema.json"
    schema.write_text("{}", encoding="utf-8")
    code, out, err = run_cli(capsys, "new", "other", str(EXAMPLE))
    assert code == 0 and schema.read_text(encoding="utf-8") == "{}" and "differs from this wxreplay's" in out


@pytest.mark.parametrize(
    ("argv", "message", "fix"),
    [
        (["new", "x", str(EXAMPLE), "--skill", "cofee"], "no skill named 'cofee' (skills: coffee)", "did you mean 'coffee'?"),
        (["new", "x", str(EXAMPLE), "--api", "serchDrinks"], "declares no API 'serchDrinks'", "did you mean 'searchDrinks'?"),
        (["new", "a/b", str(EXAMPLE)], "'a/b' is not a usable scenario name", "wxreplay new latte-order"),
        (["new", "x", str(EXAMPLE), "--smoke", "--api", "getOrder"], "--smoke calls every API", "drop one of them"),
        (["new", "x", "no-such-folder"], "no-such-folder", ""),
    ],
)
def test_bad_input_is_a_usage_error_with_the_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
    fix: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2, err
    assert err.startswith("wxreplay: error: ") and message in err and fix in err
    assert "Traceback" not in err
    assert not (tmp_path / "scenarios" / "x.scenario.yaml").exists()


def test_smoke_on_a_generated_project_orders_by_dependency_and_replays_green(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shop(tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "new", "smoke", "shop", "--smoke")
    assert code == 0, err
    assert (
        "openTicket left as a commented step: no earlier API's outputSchema has a field named ticketNo "
        "(ping, rateItem declare no outputSchema)" in out
    )
    file = tmp_path / "scenarios" / "smoke.scenario.yaml"
    text = file.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    calls = [t["plan"][0] for t in data["turns"]]
    assert [c["call"] for c in calls] == ["listItems", "ping", "getItem", "rateItem"]  # no required arguments first
    assert calls[0]["save"] == {"itemId": "structuredContent.items[0].itemId"}
    assert calls[2]["args"] == {"itemId": "${itemId}"} and calls[2]["save"] == {"itemId": "structuredContent.itemId"}
    assert calls[3]["args"] == {"itemId": "${itemId}", "stars": 5}  # the enum's first value; the id from getItem
    renders = [s["render"] for t in data["turns"] for s in t["plan"] if "render" in s]
    assert renders == ["listItems", "getItem"]  # every bound card
    assert re.search(
        r"# openTicket is not called: .*\n.*\n.*\n.*\n  # {5}- call: openTicket\n  # {7}args: \{ticketNo: null\}", text
    )
    # no service: record and write the snapshot, then replay green
    code, out, err = run_cli(capsys, "new", "smoke2", "shop", "--smoke", "--record", "once")
    assert code == 0, out + err
    assert "PASS smoke2" in out and "snapshot written" in err
    code, out, err = run_cli(capsys, "run", "scenarios/smoke2.scenario.yaml")
    assert code == 0 and "PASS smoke2" in out and "1 passed, 0 failed" in out
    snapshot = (tmp_path / "scenarios/__snapshots__/smoke2.scenario/smoke2.yaml").read_text(encoding="utf-8")
    # rateItem stored its rating under the id listItems returned, passed on through getItem (ids read <itemId>)
    assert "- rating:<itemId>\n      - 5\n" in snapshot


def test_the_skeleton_of_a_generated_project_passes_once_its_snapshot_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shop(tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "new", "hello", "shop", "-o", "qa", "--skill", "shop")[0] == 0
    file = tmp_path / "qa" / "hello.scenario.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert data["project"] == "../shop" and data["skill"] == "shop"  # named, since it was chosen
    assert (tmp_path / "qa" / "scenario.schema.json").is_file()
    code, out, _ = run_cli(capsys, "run", "qa", "--snapshot-update")
    assert code == 0 and "PASS hello" in out
    code, out, _ = run_cli(capsys, "run", "qa")
    assert code == 0 and "1 passed, 0 failed" in out


def test_a_smoke_scenario_that_can_call_nothing_does_not_pass_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every API needs an id no API returns: the first stays live with its null, a load error at its line.

    Never a green run of nothing."""
    make_shop(tmp_path / "shop")
    mcp = tmp_path / "shop/skills/shop/mcp.json"
    apis = [a for a in SHOP_APIS if a["name"] in ("getItem", "openTicket")]
    mcp.write_text(json.dumps({"apis": apis}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "new", "s", "shop", "--smoke")[0] == 0
    lines = (tmp_path / "scenarios/s.scenario.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("        args: {itemId: null}") + 1
    assert "# EDIT: getItem needs its arguments" in "\n".join(lines) and "  #     - call: openTicket" in lines
    code, _, err = run_cli(capsys, "run", "scenarios/s.scenario.yaml")
    assert code == 2 and f"s.scenario.yaml:{line}:" in err and "itemId" in err


def test_no_project_named_or_configured_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "new", "x")
    assert code == 2 and "no project" in err and "wxreplay new NAME path/to/project" in err
    make_shop(tmp_path)  # here is a project: it is the default
    assert run_cli(capsys, "new", "x")[0] == 0
    assert yaml.safe_load((tmp_path / "scenarios/x.scenario.yaml").read_text(encoding="utf-8"))["project"] == ".."


JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def test_new_record_masks_secrets_in_what_it_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``new --record`` runs the skill: its failure report goes through the run's masking like ``wxreplay run``'s."""
    make_shop(tmp_path / "shop")
    index = tmp_path / "shop/skills/shop/index.js"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "() => ({ content: text('pong') })", f"() => {{ throw new Error('session {JWT} expired') }}"
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "new", "s", "shop", "--smoke", "--record", "once")
    assert code == 1 and "FAIL s" in out and "expired" in out
    assert JWT not in out + err and JWT[:36] not in out + err
    assert not (tmp_path / "scenarios/__snapshots__").exists()  # a failing run writes no snapshot

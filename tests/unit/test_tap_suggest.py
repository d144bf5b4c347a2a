"""The taps a scenario's failure report suggests are scenario YAML, and each one taps the node it names.

Over tests/skills/tap-picker: two tiles both named 拿铁 (an ``index`` is needed), a 生椰拿铁 tile,
an icon with no text (tapped by selector), a button reading ``28`` (quoted, or YAML reads a number)
and a footer nothing handles.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from wxreplay.cli import main
from wxreplay.runner import RunOptions, ScenarioFailure, run_path
from wxreplay.tap_suggest import yaml_scalar

PICKER = Path(__file__).resolve().parents[1] / "skills" / "tap-picker"

SHELF = f"""\
name: 货架
project: {PICKER.as_posix()}
turns:
  - user: 看看货架
    plan:
      - call: shelf
      - render: shelf
      - reply: 这是今日货架。
"""

# What the report suggests for a tap on the footer: the nearest nodes first (all are its siblings'
# children here, so in document order), each with the node as a comment.
SUGGESTED = [
    '- tap: {card: shelf, text: 拿铁, index: 0}   # view.tile hover-class=hover @tap=onTile data={"id":1}',
    '- tap: {card: shelf, text: 拿铁, index: 1}   # view.tile hover-class=hover @tap=onTile data={"id":2}',
    '- tap: {card: shelf, text: 生椰拿铁}   # view.tile hover-class=hover @tap=onTile data={"id":3}',
    "- tap: {card: shelf, selector: view.icon}   # view.icon hover-class=hover @tap=onIcon",
    '- tap: {card: shelf, text: "28"}   # button.num hover-class=hover @tap=onNum "28"',
]
# What each suggested tap must reach: the text the node's handler writes on the card.
REACHES = ["点到了商品1", "点到了商品2", "点到了商品3", "点到了图标", "点到了按钮"]


def run(tmp_path: Path, turns: str, strict: bool = False) -> ScenarioFailure | None:
    path = tmp_path / "shelf.scenario.yaml"
    path.write_text(SHELF + textwrap.indent(textwrap.dedent(turns), "  "), encoding="utf-8")
    return run_path(path, RunOptions(cassette_dir=tmp_path / "cassettes", strict=strict)).failure


def suggestions(failure: ScenarioFailure) -> list[str]:
    assert failure.fix is not None
    return [line.strip() for line in failure.fix.splitlines()[1:]]


def test_a_tap_nothing_handles_suggests_taps_in_the_scenarios_own_yaml(tmp_path: Path) -> None:
    failure = run(tmp_path, "- tap: {card: shelf, text: 页脚}\n")
    assert failure is not None
    assert failure.reason == (
        'nothing handles a tap on text.footer "页脚没有绑定事件" in the shelf card '
        "(skills/tap-picker/components/shelf/index.wxml:9): neither it nor a node above it is bound with bindtap/catchtap"
    )
    assert failure.fix is not None and failure.fix.startswith("tap a node that handles it (nearest first)")
    assert suggestions(failure) == SUGGESTED
    report = failure.render()
    assert "card.tap(" not in report and "Traceback" not in report  # no Python in a scenario's report
    for line in SUGGESTED:
        assert "\n    " + line in report


@pytest.mark.parametrize(("line", "reached"), list(zip(SUGGESTED, REACHES, strict=True)))
def test_every_suggested_tap_pasted_into_the_scenario_taps_that_node(tmp_path: Path, line: str, reached: str) -> None:
    tap = yaml.safe_load(line)[0]  # it is YAML: a list item with the tap mapping (the comment drops)
    assert set(tap) == {"tap"}
    pasted = line.split("   # ")[0] + f"\n  expect: {{message: false, rerender: true, card: {reached}}}\n"
    assert run(tmp_path, pasted, strict=True) is None  # strict: no ambiguous-tap warning either


def test_a_tap_on_text_the_card_does_not_show_suggests_the_same_taps(tmp_path: Path) -> None:
    failure = run(tmp_path, "- tap: {card: shelf, text: 美式}\n")
    assert failure is not None and failure.reason.startswith("the shelf card has no such node: no node #0 with text '美式'")
    assert failure.fix is not None and failure.fix.startswith("tap one of the nodes that handle a tap:")
    assert suggestions(failure) == SUGGESTED  # in document order: no node to be near to
    failure = run(tmp_path, "- tap: {card: shelf, selector: .tile, index: 7}\n")
    assert failure is not None and "no node #7 matches '.tile' (found 3)" in failure.reason
    assert suggestions(failure) == SUGGESTED


def test_wxreplay_run_prints_the_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "shelf.scenario.yaml"
    path.write_text(SHELF + "  - tap: {card: shelf, text: 页脚}\n", encoding="utf-8")
    assert main(["run", str(path), "--cassette-dir", str(tmp_path / "cassettes")]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^FAIL shelf \(\d+ ms\)$", out, re.M)
    assert "\n      - tap: {card: shelf, text: 拿铁, index: 1}   # view.tile" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("拿铁", "拿铁"),
        ("drink-list", "drink-list"),
        ("¥28.00", "¥28.00"),
        ("28", '"28"'),
        ("yes", '"yes"'),
        ("null", '"null"'),
        ("a, b", '"a, b"'),
        ("a: b", '"a: b"'),
        ("#1", '"#1"'),
        ("- x", '"- x"'),
        ("{x}", '"{x}"'),
        (" 前后有空格 ", '" 前后有空格 "'),
        ("", '""'),
    ],
)
def test_yaml_scalar_reads_back_as_the_same_text_in_a_flow_mapping(text: str, written: str) -> None:
    assert yaml_scalar(text) == written
    assert yaml.safe_load("{k: " + written + "}") == {"k": text}

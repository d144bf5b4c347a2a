"""Bad input from every loader reaches the user as one located line from the CLI, never a traceback (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from e2e_support import CASSETTES, EXAMPLE, SCENARIOS, wxreplay

DEEP_JSON = "[" * 3000 + "]" * 3000
SEARCH = ["searchDrinks", "--args", '{"keyword":"拿铁"}', "--cassette", str(CASSETTES / "call-searchDrinks.yaml")]


@pytest.fixture
def cafe(tmp_path: Path) -> Path:
    """A copy of the example project to break."""
    root = tmp_path / "cafe"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "service"))
    return root


def located(done: object, where: str, *needles: str) -> None:
    """The command failed with ``wxreplay: error: <where>...`` and every needle, and no traceback."""
    out = done.stdout + done.stderr  # type: ignore[attr-defined]
    assert done.returncode not in (0, None), out  # type: ignore[attr-defined]
    assert "Traceback" not in out and "RecursionError" not in out and "ValueError" not in out, out
    assert where in out, out
    for needle in needles:
        assert needle in out, out


def test_scenario_nested_too_deep(tmp_path: Path) -> None:
    scenario = tmp_path / "deep.scenario.yaml"
    text = (SCENARIOS / "latte-less-sugar.scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("project: ../examples/westore-cafe", f"project: {EXAMPLE}")
    scenario.write_text(text + "description: " + DEEP_JSON + "\n", encoding="utf-8")
    line = text.count("\n") + 1
    located(wxreplay("run", str(scenario)), f"deep.scenario.yaml:{line}:", "nests deeper than 100 levels")


def test_cassette_with_a_5000_digit_version(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    text = (CASSETTES / "call-searchDrinks.yaml").read_text(encoding="utf-8")
    cassette.write_text(text.replace("version: 1", "version: " + "9" * 5000, 1), encoding="utf-8")
    done = wxreplay("call", str(EXAMPLE), "searchDrinks", "--args", "{}", "--cassette", str(cassette))
    located(done, f"{cassette}:", "a number written with 5,000 characters")


@pytest.mark.parametrize("file", ["app.json", "skills/coffee/mcp.json", "page-meta.json"])
def test_project_json_nested_too_deep(cafe: Path, file: str) -> None:
    target = cafe / file
    data = json.loads(target.read_text(encoding="utf-8"))
    head = json.dumps(data, ensure_ascii=False, indent=2)[:-1].rstrip() + ',\n  "deep": '
    target.write_text(head + DEEP_JSON + "\n}", encoding="utf-8")
    # At the 100th "[": with the file's own { } it is the 101st level.
    line, column = head.count("\n") + 1, len(head.rsplit("\n", 1)[1]) + 100
    where = f"{file}:{line}:{column}:"
    located(wxreplay("describe", str(cafe)), where, "the JSON nests deeper than 100 levels")


def test_wxml_nested_too_deep(cafe: Path) -> None:
    wxml = cafe / "skills/coffee/components/drink-list/index.wxml"
    wxml.write_text("<view>\n" * 3000 + "</view>\n" * 3000, encoding="utf-8")
    located(wxreplay("render", str(cafe), *SEARCH), "drink-list/index.wxml:101:1:", "nests deeper than 100 levels")


def test_wxml_expression_nested_too_deep(cafe: Path) -> None:
    wxml = cafe / "skills/coffee/components/drink-list/index.wxml"
    wxml.write_text("<view>\n  <text>{{" + "(" * 3000 + "a" + ")" * 3000 + "}}</text>\n</view>\n", encoding="utf-8")
    located(wxreplay("render", str(cafe), *SEARCH), "drink-list/index.wxml:2:", "the expression nests deeper")


def test_wxss_at_rule_in_a_block_and_nesting_too_deep(cafe: Path, tmp_path: Path) -> None:
    wxss = cafe / "skills/coffee/components/drink-list/index.wxss"
    html = tmp_path / "card.html"
    wxss.write_text(".a { @foo; color: red; }\n", encoding="utf-8")
    done = wxreplay("render", str(cafe), *SEARCH, "--html", str(html))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    wxss.write_text(".a { color: red; }\n@media " + "(" * 3000 + ")" * 3000 + " {}\n", encoding="utf-8")
    located(wxreplay("render", str(cafe), *SEARCH, "--html", str(html)), "drink-list/index.wxss:2:", "nests deeper")


def test_save_path_with_a_huge_index(tmp_path: Path) -> None:
    # Was: "Exceeds the limit (4300 digits) for integer string conversion" in the message.
    scenario = tmp_path / "huge.scenario.yaml"
    text = (SCENARIOS / "latte-less-sugar.scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("project: ../examples/westore-cafe", f"project: {EXAMPLE}")
    scenario.write_text(text.replace("items[0]", "items[" + "9" * 5000 + "]", 1), encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    shutil.copy(CASSETTES / "latte-less-sugar.yaml", tmp_path / "cassettes" / "huge.yaml")
    done = wxreplay("run", str(scenario), "--cassette-dir", str(tmp_path / "cassettes"))
    located(done, "huge.scenario.yaml:23:", "has 5,000 digits; a list index has at most 15")
    assert "4300" not in done.stdout + done.stderr

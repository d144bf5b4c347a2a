"""Content that repeats structuredContent, at run time (spec 9.3.35, 9.3.39): WXR413's counterpart on real results.

The judgement (:func:`wxreplay.content_echo.repeated_structure`) on many shapes, then real calls in V8:
the lint test project's card-bound API returning its data as JSON text gets a
``content-repeats-structured`` warning (and ``wxreplay run --strict`` fails on it); the clean project,
an error result and an API without a card do not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lint_support import SKILL, Proj
from test_lint_rules import api, echo_structured

from wxreplay import content_echo
from wxreplay.content_echo import repeated_structure
from wxreplay.project import Project
from wxreplay.session import Session

REPO = Path(__file__).resolve().parents[3]
ORDER = {"orderId": "WS0001", "name": "燕麦拿铁", "specText": "大杯 / 少糖", "totalPrice": 2800, "status": "unpaid"}


@pytest.mark.parametrize(
    ("text", "structured", "repeats"),
    [
        ('订单：{"orderId":"WS0001","name":"燕麦拿铁"}', {"orderId": "WS0001", "name": "燕麦拿铁"}, True),
        (
            '订单：{\n  "orderId": "WS0001",\n  "name": "燕麦拿铁"\n}',
            {"orderId": "WS0001", "name": "燕麦拿铁"},
            True,
        ),  # JSON.stringify(x, null, 2)
        ('饮品：[{"id":1,"n":"a"}]', {"items": [{"id": 1, "n": "a"}], "total": 1}, True),  # a nested value's JSON
        ("订单 WS0001：燕麦拿铁，大杯 / 少糖，2800 分，unpaid。", ORDER, True),
        ("订单 WS0001 已创建（燕麦拿铁）。请展示订单确认卡片，等待用户确认支付。", ORDER, False),  # two values of five
        ("订单 WS0001 已创建。请展示卡片。", {"orderId": "WS0001"}, False),  # one value: the order the text is about
        ("已找到 3 款。请展示卡片。", {"total": 3, "ok": True, "x": None}, False),
        ("", ORDER, False),
        ("任何文字", None, False),
    ],
)
def test_repeated_structure(text: str, structured: object, repeats: bool) -> None:
    assert (repeated_structure(text, structured) is not None) is repeats


def _findings(root: Path) -> list[str]:
    with Session(Project.load(root), "shop") as session:
        result = session.call("getItem", {"itemId": "a1"})
    return [f.code for f in result.findings]


def test_a_card_api_whose_text_is_its_json_gets_a_warning(tmp_path: Path) -> None:
    proj = Proj()
    echo_structured(proj)
    assert "content-repeats-structured" in _findings(proj.write(tmp_path))


def test_the_clean_project_gets_none(tmp_path: Path) -> None:
    assert "content-repeats-structured" not in _findings(Proj().write(tmp_path))


def test_an_api_without_a_card_is_not_judged(tmp_path: Path) -> None:
    """Without a card the text is where the data is shown: repeating it there is the point."""
    proj = Proj()
    echo_structured(proj)
    api(proj)["_meta"].pop("ui")
    proj.mcp["components"] = []
    assert "content-repeats-structured" not in _findings(proj.write(tmp_path))


def test_an_error_result_is_not_judged(tmp_path: Path) -> None:
    proj = Proj()
    echo_structured(proj)
    proj.sub(f"{SKILL}/apis/getItem.js", "isError: false", "isError: true")
    assert "content-repeats-structured" not in _findings(proj.write(tmp_path))


SCENARIO = """name: 商品详情
project: proj
turns:
  - user: 看看 a1
    plan:
      - call: getItem
        args: {itemId: a1}
      - reply: 这是拿铁。
"""


def _run_strict(root: Path, proj: Proj) -> subprocess.CompletedProcess[str]:
    """``wxreplay run --strict --snapshot-update`` of a one-call scenario on ``proj``, as a user runs it."""
    proj.write(root / "proj")
    (root / "item.scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "run", "item.scenario.yaml", "--strict", "--snapshot-update"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=300,
    )


def test_wxreplay_run_strict_fails_on_it_and_passes_the_clean_project(tmp_path: Path) -> None:
    echo = Proj()
    echo_structured(echo)
    failed = _run_strict(tmp_path / "echo", echo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "content-repeats-structured" in failed.stdout
    clean = _run_strict(tmp_path / "clean", Proj())
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "content-repeats-structured" not in clean.stdout


def test_a_large_result_is_judged_within_the_search_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # Thousands of values and a long text: judged on the first values in sorted order, the same every run.
    monkeypatch.setattr(content_echo, "SEARCH_BUDGET", 100_000)
    values = {f"item-{n:05d}": f"name-{n:05d}" for n in range(5000)}
    echoing = " ".join(values.values())  # ~55,000 characters: the budget covers the first values only
    why = repeated_structure(echoing, {"items": values})
    assert why is not None and "sampled" in why
    assert repeated_structure("nothing of it " * 4000, {"items": values}) is None

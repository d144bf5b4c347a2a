"""Rendering: what cannot be rendered, WXML errors with file:line, HTML, and the render command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import test_card_support as support
import yaml
from test_card_support import LAB, show

from wxreplay import Project, Session
from wxreplay.cards.browser import find_chromium
from wxreplay.cards.card import CardError
from wxreplay.cli import main
from wxreplay.errors import TemplateError

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures


@pytest.mark.parametrize(
    ("api", "where", "message"),
    [
        ("badUnclosed", "skills/lab/components/bad-unclosed/index.wxml:3:", "mismatched close tag </view>"),
        ("badTag", "skills/lab/components/bad-tag/index.wxml:2:", "tag <swiper> is not allowed in cards"),
        ("badExpr", "skills/lab/components/bad-expr/index.wxml:2:", "bad expression {{price +}}"),
    ],
)
def test_wxml_compile_errors_show_file_and_line(lab: Session, api: str, where: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        show(lab, api, {})
    assert str(info.value).startswith(where) and message in str(info.value)
    assert lab.cards == []


def test_expression_error_while_rendering_shows_the_wxml_line(lab: Session) -> None:
    with pytest.raises(CardError) as info:
        show(lab, "badRuntime", {})
    err = info.value
    assert (err.file, err.line) == ("skills/lab/components/bad-runtime/index.wxml", 6)
    assert "Cannot read properties of null (reading 'inner')" in str(err)


def test_results_that_render_no_card(lab: Session) -> None:
    with pytest.raises(CardError, match="isError results render no card"):
        lab.render(lab.call("failing"))
    with pytest.raises(CardError, match=r"plain has no card: its mcp.json entry has no _meta.ui.componentPath") as info:
        lab.render(lab.call("plain", {}))
    assert info.value.file == "skills/lab/mcp.json"
    with pytest.raises(CardError, match=r"is missing skills/lab/components/undeclared/index\.js and"):
        lab.render(lab.call("undeclared", {}))


def test_render_on_a_closed_session(lab_project: Project) -> None:
    with Session(lab_project) as s:
        result = s.call("menu", {"data": {"items": []}})
    with pytest.raises(CardError, match="the session is closed"):
        s.render(result)


def test_card_serialisations(lab: Session) -> None:
    card = show(lab, "menu", {"title": "菜单", "items": [{"id": 1, "name": "甲"}]})
    assert card.to_text().splitlines()[:3] == ["view.menu.card @tap=onMenu", "  view.head", '    text.title "菜单"']
    data = card.to_data()
    assert data["component"] == "components/menu/index" and data["relatedPage"] == "/pages/detail/detail?from=menu"
    assert data["tree"][0]["children"][0] == {
        "tag": "view",
        "class": "head",
        "children": [{"tag": "text", "class": "title", "text": "菜单"}],
    }
    assert card.find_text("甲").tag == "text" and len(card.find_all("button")) == 12
    assert repr(card) == "<Card components/menu/index of menu (card, 1 renders)>"


def test_html_uses_the_cards_wxss_and_the_expired_overlay(lab: Session) -> None:
    ticket = show(lab, "ticket", {"code": "T"})
    page = ticket.html()
    assert "<!DOCTYPE html>" in page and "票 T" in page and "data-expired" not in page
    lab.call("expireCards", {})
    assert "票已作废" in ticket.html() and 'data-color-scheme="dark"' in ticket.html(dark=True)


def test_render_command_prints_the_compact_tree(capsys: pytest.CaptureFixture[str]) -> None:
    args = json.dumps({"data": {"title": "菜单", "items": [{"id": 1, "name": "甲"}]}}, ensure_ascii=False)
    assert main(["render", str(LAB), "menu", "--args", args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("view.menu.card @tap=onMenu\n") and '    text.name "甲"' in out


def test_render_command_with_a_given_result_as_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    result = json.dumps({"content": [{"type": "text", "text": "ok"}], "structuredContent": {"code": "T9"}})
    assert main(["render", str(LAB), "ticket", "--result", result, "--yaml"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["component"] == "components/ticket/index"
    assert data["tree"][0]["children"][0] == {"tag": "text", "class": "code", "text": "票 T9"}


def test_render_command_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "card.html"
    assert main(["render", str(LAB), "pass", "--args", '{"data": {"code": "P"}}', "--html", str(out)]) == 0
    assert "通行证 P" in out.read_text(encoding="utf-8") and capsys.readouterr().out == ""


def test_render_command_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(LAB), "badTag"]) == 1
    assert "index.wxml:2:3: tag <swiper> is not allowed in cards" in capsys.readouterr().err
    assert main(["render", str(LAB), "ticket", "--result", "{nope"]) == 2
    assert "--result is not valid JSON" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["render", str(LAB), "ticket", "--result", "{}", "--args", "{}"])


needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="needs Chromium: apt-get update && apt-get install -y chromium"
)


@needs_chromium
def test_overflow_is_measured_and_delivered_to_the_card(lab: Session) -> None:
    small = lab.render(lab.call("listItems", {"n": 2}))
    report = small.overflow()
    assert not report.clipped and small.find_all(".clipped") == []
    big = lab.render(lab.call("listItems", {"n": 50}))
    report = big.overflow()
    assert report.clipped and report.max_height == 393
    assert big.find(".clipped").texts() == f"被裁掉 {report.overflow_height}px"
    assert big.history[-1].cause == "render"


@needs_chromium
def test_png_of_a_card(lab: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = show(lab, "pass", {"code": "P"})
    out = card.png(tmp_path / "card.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    cli_png = tmp_path / "cli.png"
    assert main(["render", str(LAB), "pass", "--args", '{"data": {"code": "P"}}', "--png", str(cli_png), "--tree"]) == 0
    assert cli_png.read_bytes()[:4] == b"\x89PNG" and capsys.readouterr().out.startswith("view.card")

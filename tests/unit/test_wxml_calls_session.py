"""Method calls in card WXML over the wxml-calls fixture: sessions, scenarios and ``wxreplay render``.

By default a call renders as ``undefined`` (the device shows nothing) and each render reports a
``wxml-call`` warning naming the expression, the file and the line; ``[tool.wxreplay] wxml_calls =
"javascript"`` (``Session(wxml_calls="javascript")``) evaluates it in the card's context, where a
call that throws is a render error at its WXML line. Calls of ``<wxs>`` functions are untouched.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from wxreplay.cards.card import CardError
from wxreplay.cli import main
from wxreplay.errors import UsageError
from wxreplay.project import load_project
from wxreplay.runner import RunOptions, run_path
from wxreplay.session import Session

FIXTURE = Path(__file__).resolve().parents[1] / "skills" / "wxml-calls"
TIMELINE = "skills/calls/components/timeline/index.wxml"
FOOTER = "skills/calls/components/timeline/footer.wxml"

# Every call of the timeline card: (file, line, column, the call).
TIMELINE_CALLS = [
    (TIMELINE, 5, 49, "ids.indexOf(item.id)"),  # class
    (TIMELINE, 5, 133, "item.date.slice(5)"),  # data-day
    (TIMELINE, 6, 26, "item.date.slice(5)"),  # text
    (TIMELINE, 10, 23, "item.tags.slice(0, 2)"),  # wx:for
    (TIMELINE, 12, 20, "ids.indexOf(item.id)"),  # wx:if
    (TIMELINE, 13, 39, "item.score.toFixed(0)"),  # style
    (FOOTER, 1, 51, "updated.slice(11, 16)"),  # an included file
]

NOTHING_SHOWN = """\
view.timeline
  view.post @tap=onPost data={"id":"p1"}
    text.date ""
    text.title "春季新品"
    text.price "¥18.00"
    view.tags
    view.bar style="width: %"
  view.post @tap=onPost data={"id":"p2"}
    text.date ""
    text.title "会员日"
    text.price "¥9.90"
    view.tags
    view.bar style="width: %"
  text.footer "共 2 条 · 更新于 \""""

EVALUATED = """\
view.timeline
  view.post @tap=onPost data={"day":"03-14","id":"p1"}
    text.date "03-14"
    text.title "春季新品"
    text.price "¥18.00"
    view.tags
      text.tag "新品"
      text.tag "限定"
    view.bar style="width: 88%"
  view.post.on @tap=onPost data={"day":"03-20","id":"p2"}
    text.date "03-20"
    text.title "会员日"
    text.price "¥9.90"
    view.tags
      text.tag "会员"
    text.saved "已收藏"
    view.bar style="width: 42%"
  text.footer "共 2 条 · 更新于 08:30\""""


def _where(findings: list) -> list[tuple[str | None, int | None, int | None, str]]:  # type: ignore[type-arg]
    return [(f.file, f.line, f.column, f.message.split(" shows nothing for ")[1].split(": WXML")[0]) for f in findings]


# ---- sessions -----------------------------------------------------------------------------------


def test_calls_render_as_nothing_with_a_warning_per_call() -> None:
    with Session(load_project(FIXTURE)) as session:
        card = session.render(session.call("timeline"))
        assert card.to_text() == NOTHING_SHOWN
        assert [f.code for f in card.findings] == ["wxml-call"] * 7
        assert _where(card.findings) == TIMELINE_CALLS
        assert {(f.level, f.api, f.context) for f in card.findings} == {("warning", "timeline", "card")}
        assert str(card.findings[3]) == (
            f"warning: {TIMELINE}:10:23: {{{{item.tags.slice(0, 2)}}}}: the device shows nothing for "
            "item.tags.slice(0, 2): WXML data binding has no method calls (only <wxs> module functions), so the call "
            "reads as undefined [wxml-call]\n"
            "  fix: move the call into a <wxs> module function and call that (e.g. {{fmt.short(item.date)}}), or "
            "compute the value in the API result or the card's JS (setData); if your client evaluates such calls, "
            'set wxml_calls = "javascript" under [tool.wxreplay] in pyproject.toml'
        )
        assert card.findings[0].message.startswith("{{ids.indexOf(item.id) >= 0 ? 'post on' : 'post'}}: the device ")
        assert [f for f in session.findings if f.code == "wxml-call"] == card.findings
        tap = card.tap(".post")  # the card re-renders from the same template: no new finding
        assert tap.rerendered and tap.findings == [] and len(card.findings) == 7


def test_a_card_calling_only_wxs_functions_has_no_finding() -> None:
    with Session(load_project(FIXTURE)) as session:
        card = session.render(session.call("digest"))
        assert card.findings == []
        assert card.find_all(".date")[1].texts() == "03-20"
        assert [n.texts() for n in card.find_all(".tag")] == ["新品", "限定", "会员"]
        assert [n.texts() for n in card.find_all(".saved")] == ["已收藏"]
        assert card.find(".footer").texts() == "更新于 08:30"


def test_the_javascript_setting_evaluates_calls_in_the_card_context() -> None:
    with Session(load_project(FIXTURE), wxml_calls="javascript") as session:
        card = session.render(session.call("timeline"))
        assert card.to_text() == EVALUATED
        assert card.findings == []
        card.tap(".post")  # star p1: the wx:if and the class follow the data
        assert [n.texts() for n in card.find_all(".saved")] == ["已收藏", "已收藏"]
        assert len(card.find_all(".post.on")) == 2


def test_a_javascript_call_that_throws_is_a_render_error_at_the_wxml_line() -> None:
    with Session(load_project(FIXTURE), wxml_calls="javascript") as session:
        with pytest.raises(CardError) as e:
            session.render(session.call("broken"))
        assert (e.value.file, e.value.line) == ("skills/calls/components/broken/index.wxml", 3)
        assert "TypeError: {{order.note.trim()}}: cannot call trim of undefined" in str(e.value)
        assert "Traceback" not in str(e.value)
        assert session.render(session.call("digest")).findings == []  # the session goes on


def test_the_same_call_by_default_shows_nothing() -> None:
    with Session(load_project(FIXTURE)) as session:
        card = session.render(session.call("broken"))
        assert card.find(".note").texts() == "备注："
        assert _where(card.findings) == [("skills/calls/components/broken/index.wxml", 3, 27, "order.note.trim()")]


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(UsageError, match="Session\\(wxml_calls='js'\\): must be one of 'undefined', 'javascript'"):
        Session(load_project(FIXTURE), wxml_calls="js")  # type: ignore[arg-type]


# ---- scenarios ------------------------------------------------------------------------------------


def _scenario(folder: Path, body: str, pyproject: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if pyproject is not None:
        (folder / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    path = folder / "t.scenario.yaml"
    head = f"name: 动态列表\nproject: {FIXTURE.as_posix()}\n"
    path.write_text(head + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


RENDER = """
turns:
  - user: 看看动态
    plan:
      - call: timeline
      - render: timeline
        expect: {card: {text: 会员日}, findings: [wxml-call]}
"""


def test_a_scenario_reports_the_warnings_on_the_render_step(tmp_path: Path) -> None:
    run = run_path(_scenario(tmp_path, RENDER), RunOptions(cassette_dir=tmp_path / "cassettes"))
    assert run.failure is None, run.failure.render()
    step = run.transcript.turns[0].steps[1]
    assert [(f["file"], f["line"], f["column"]) for f in step.findings] == [c[:3] for c in TIMELINE_CALLS]
    assert "the device shows nothing for ids.indexOf(item.id)" in step.findings[0]["message"]


def test_a_strict_scenario_fails_at_the_warning_unless_it_expects_it(tmp_path: Path) -> None:
    body = RENDER.replace(", findings: [wxml-call]", "")
    run = run_path(_scenario(tmp_path, body), RunOptions(cassette_dir=tmp_path / "cassettes", strict=True))
    assert run.failure is not None
    report = run.failure.render()
    assert report.count("findings › wxml-call: expected no finding") == 7 and "Traceback" not in report
    assert '"{{item.tags.slice(0, 2)}}: the device shows nothing for item.tags.slice(0, 2)' in report
    expected = run_path(_scenario(tmp_path, RENDER), RunOptions(cassette_dir=tmp_path / "cassettes", strict=True))
    assert expected.failure is None


def test_pyproject_javascript_setting_reaches_the_scenario(tmp_path: Path) -> None:
    body = RENDER.replace("{card: {text: 会员日}, findings: [wxml-call]}", "{card: {text: 03-20}, findings: []}")
    pyproject = '[tool.pytest.ini_options]\n\n[tool.wxreplay]\nwxml_calls = "javascript"\n'
    run = run_path(_scenario(tmp_path / "js", body, pyproject), RunOptions(cassette_dir=tmp_path / "cassettes"))
    assert run.failure is None, run.failure.render()
    assert run_path(_scenario(tmp_path / "default", body), RunOptions(cassette_dir=tmp_path / "cassettes")).failure


def test_a_bad_pyproject_value_names_its_line(tmp_path: Path) -> None:
    path = _scenario(tmp_path, RENDER, '[tool.pytest.ini_options]\n[tool.wxreplay]\nwxml_calls = "eval"\n')
    with pytest.raises(UsageError) as e:
        run_path(path, RunOptions(cassette_dir=tmp_path / "cassettes"))
    assert str(e.value).startswith(f'{tmp_path / "pyproject.toml"}:3: [tool.wxreplay] wxml_calls = "eval" is not one of')


# ---- wxreplay render ----------------------------------------------------------------------------


def test_render_prints_the_warnings_and_the_empty_card(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(FIXTURE), "timeline"]) == 0
    out, err = capsys.readouterr()
    assert out.rstrip("\n") == NOTHING_SHOWN
    assert err.count("[wxml-call]") == 7
    assert f"wxreplay: warning: {TIMELINE}:6:26: {{{{item.date.slice(5)}}}}: the device shows nothing for item.date" in err


def test_render_reads_the_setting_from_the_projects_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "calls"
    shutil.copytree(FIXTURE, project)
    (tmp_path / "pyproject.toml").write_text('[tool.wxreplay]\nwxml_calls = "javascript"\n', encoding="utf-8")
    assert main(["render", str(project), "timeline"]) == 0
    out, err = capsys.readouterr()
    assert out.rstrip("\n") == EVALUATED and "wxml-call" not in err
    (tmp_path / "pyproject.toml").write_text('[tool.wxreplay]\nwxml_calls = "JavaScript"\n', encoding="utf-8")
    assert main(["render", str(project), "timeline"]) == 2
    err = capsys.readouterr().err
    assert f'{tmp_path / "pyproject.toml"}:2: [tool.wxreplay] wxml_calls = "JavaScript" is not one of' in err
    assert "Traceback" not in err

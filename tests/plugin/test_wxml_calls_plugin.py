"""``[tool.wxreplay] wxml_calls`` under pytest: wx_session and scenario items read the rootdir's pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "skills" / "wxml-calls"

TESTS = """
    def test_timeline(wx_session):
        card = wx_session.render(wx_session.call("timeline"))
        print("FINDINGS", len(card.findings), ",".join(sorted({f.code for f in card.findings})))
        print("DATES", "|".join(n.texts() for n in card.find_all(".date")) + "|")
"""

SCENARIO = """\
name: 动态列表
project: calls
turns:
  - user: 看看动态
    plan:
      - call: timeline
      - render: timeline
        expect: {card: {text: 03-20}, findings: []}
"""


@pytest.fixture
def calls(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir with the wxml-calls fixture under ``calls/`` and a test printing what the card shows."""
    shutil.copytree(FIXTURE, pytester.path / "calls")
    pytester.makepyfile(test_calls=TESTS)
    return pytester


def _pyproject(pytester: pytest.Pytester, setting: str) -> None:
    pytester.makepyprojecttoml(f'[tool.pytest.ini_options]\nwxreplay_project = "calls"\n\n[tool.wxreplay]\n{setting}\n')


def test_wx_session_renders_calls_as_nothing_by_default(calls: pytest.Pytester) -> None:
    _pyproject(calls, "")
    result = calls.runpytest("test_calls.py", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*FINDINGS 7 wxml-call", "DATES ||"])


def test_wx_session_and_scenarios_take_the_javascript_setting(calls: pytest.Pytester) -> None:
    _pyproject(calls, 'wxml_calls = "javascript"')
    (calls.path / "timeline.scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    result = calls.runpytest("test_calls.py", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*FINDINGS 0 ", "DATES 03-14|03-20|"])
    # The scenario passes its expect (no finding, the evaluated date); its snapshot is written on first run.
    calls.runpytest("timeline.scenario.yaml", "--snapshot-update").assert_outcomes(passed=1)
    calls.runpytest("timeline.scenario.yaml").assert_outcomes(passed=1)


def test_a_bad_value_fails_wx_session_with_the_line(calls: pytest.Pytester) -> None:
    _pyproject(calls, 'wxml_calls = "js"')
    result = calls.runpytest("test_calls.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(['*wx_session: *pyproject.toml:5: [[]tool.wxreplay[]] wxml_calls = "js" is not one of*'])
    result.stdout.no_fnmatch_line("*Traceback*")

"""What a failing scenario looks like: the YAML lines, the planned step, the diff; JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from plugin_support import write

WRONG_TOTAL = """\
    name: 总价不对
    turns:
      - user: 来一杯美式
        plan:
          - call: searchDrinks
            args: {keyword: 美式}
          - call: createOrder
            args: {drinkId: 102}
            expect:
              structuredContent: {total: 30}
          - reply: 好的
    """

JS_ERROR = """\
    name: 技能抛错
    turns:
      - user: 菜单呢
        plan:
          - call: broken
    """


@pytest.fixture
def failing(cafe: pytest.Pytester) -> pytest.Pytester:
    """The cafe with two failing scenarios: an ``expect:`` mismatch and a JavaScript error."""
    write(cafe.path, {"scenarios/wrong-total.scenario.yaml": WRONG_TOTAL, "scenarios/js-error.scenario.yaml": JS_ERROR})
    return cafe


# What each failing scenario's report shows (the lines, in order) and what it must not show.
FAILURE_REPORTS = {
    "expect mismatch: the turn's YAML, the planned step and the diff": (
        "总价",
        [
            "*___ 总价不对 ___*",
            "scenarios/wrong-total.scenario.yaml:10: turn 1 › createOrder: expect: not met (1 difference)",
            "  scenario: 总价不对",
            "   3 |   - user: 来一杯美式",
            "   7 |       - call: createOrder",
            "   8 |         args: {drinkId: 102}",
            "> 10 |           structuredContent: {total: 30}",
            "  11 |       - reply: 好的",
            '  planned: call createOrder {"drinkId":102}',
            "  differences:",
            "    turn 1 › createOrder › structuredContent.total: expected 30, got 22",
            "*short test summary info*",
            "FAILED scenarios/wrong-total.scenario.yaml::总价不对 - turn 1 › createOrder: *",
        ],
        ["*Traceback*", "*plugin.py*", "*planner.py*", "*runner.py*", "*checks.py*", "*cursor.py*", "*def *"],
    ),
    "JS error: the skill's file and line": (
        "技能",
        [
            "scenarios/js-error.scenario.yaml:5: turn 1 › broken: broken failed: "
            "*TypeError: Cannot read properties of undefined*",
            "> 5 |       - call: broken",
            "  planned: call broken {}",
            "  JSError: skills/cafe/apis/broken.js:3:*",
            "*at *broken* (skills/cafe/apis/broken.js:3:*)",
        ],
        ["*Traceback*"],
    ),
}


@pytest.mark.parametrize("keyword, lines, noise", FAILURE_REPORTS.values(), ids=FAILURE_REPORTS.keys())
def test_a_failing_scenario_reports_where_and_why(
    failing: pytest.Pytester, keyword: str, lines: list[str], noise: list[str]
) -> None:
    result = failing.runpytest("--snapshot-update", "-k", keyword)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(lines)
    for line in noise:
        result.stdout.no_fnmatch_line(line)


@pytest.mark.parametrize("style", ["long", "native"])
def test_tb_long_still_shows_the_python_traceback(failing: pytest.Pytester, style: str) -> None:
    result = failing.runpytest("--snapshot-update", "-k", "技能", f"--tb={style}")
    result.stdout.fnmatch_lines(["*wxreplay/planner.py*"])


def test_junit_xml_names_each_scenario_with_the_failing_turn_in_the_message(failing: pytest.Pytester) -> None:
    failing.runpytest("--snapshot-update", "--junitxml=report.xml")
    cases = {c.get("name"): c for c in ET.parse(failing.path / "report.xml").getroot().iter("testcase")}
    assert set(cases) == {"点一杯拿铁", "总价不对", "技能抛错"}
    assert cases["点一杯拿铁"].get("classname") == "scenarios.latte.scenario.yaml"
    assert cases["点一杯拿铁"].find("failure") is None
    failure = cases["总价不对"].find("failure")
    assert failure is not None
    assert failure.get("message") == "turn 1 › createOrder: expect: not met (1 difference)"
    assert "> 10 |           structuredContent: {total: 30}" in (failure.text or "")
    js = cases["技能抛错"].find("failure")
    assert js is not None and (js.get("message") or "").startswith("turn 1 › broken: broken failed:")


def test_junit_xml_under_xdist(failing: pytest.Pytester) -> None:
    failing.runpytest_subprocess("-n", "2", "--snapshot-update", "--junitxml=report.xml")
    messages = {
        c.get("name"): (c.find("failure").get("message") if c.find("failure") is not None else None)
        for c in ET.parse(failing.path / "report.xml").getroot().iter("testcase")
    }
    assert messages == {
        "点一杯拿铁": None,
        "总价不对": "turn 1 › createOrder: expect: not met (1 difference)",
        "技能抛错": messages["技能抛错"],
    }
    assert (messages["技能抛错"] or "").startswith("turn 1 › broken: broken failed:")


def test_a_cassette_miss_suggests_recording_with_pytest(cafe: pytest.Pytester) -> None:
    write(
        cafe.path,
        {
            "scenarios/login.scenario.yaml": """\
        name: 登录
        turns:
          - user: 登录一下
            plan:
              - call: login
        """
        },
    )
    result = cafe.runpytest("-k", "登录", "-p", "no:syrupy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*record it (with the service running): pytest 'scenarios/login.scenario.yaml::登录' --wx-record once*"]
    )
    result.stdout.no_fnmatch_line("*wxreplay run*")

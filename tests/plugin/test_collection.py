"""Scenario files collected as pytest items: node ids, selection, marks, skip/xfail, broken files."""

from __future__ import annotations

import textwrap

import pytest
from plugin_support import LATTE, write

TEA = textwrap.dedent("""\
    name: 来一杯美式
    marks: [smoke]
    turns:
      - user: 来一杯美式
        plan:
          - call: searchDrinks
            args: {keyword: 美式}
    """)


def test_each_file_is_one_item_named_after_the_scenario(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/more/tea.scenario.yaml": TEA})
    result = cafe.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(
        [
            "scenarios/latte.scenario.yaml::点一杯拿铁",
            "scenarios/more/tea.scenario.yaml::来一杯美式",
            "2 tests collected*",
        ]
    )
    tree = cafe.runpytest("--co")
    tree.stdout.fnmatch_lines(["*<ScenarioFile latte.scenario.yaml>", "*<ScenarioItem 点一杯拿铁>"])


def test_k_selects_by_scenario_name_and_file_name(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/tea.scenario.yaml": TEA})
    by_name = cafe.runpytest("-k", "美式", "-v", "--snapshot-update")
    by_name.assert_outcomes(passed=1, deselected=1)
    by_name.stdout.fnmatch_lines(["scenarios/tea.scenario.yaml::来一杯美式 PASSED*"])
    cafe.runpytest("-k", "latte", "--snapshot-update").assert_outcomes(passed=1, deselected=1)
    cafe.runpytest("-k", "not latte and not tea").assert_outcomes(deselected=2)


def test_yaml_marks_are_pytest_marks(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/tea.scenario.yaml": TEA})
    cafe.makeini("[pytest]\nwxreplay_project = cafe\nmarkers =\n    payment: pays\n    smoke: quick\n")
    cafe.runpytest("-m", "payment", "--snapshot-update").assert_outcomes(passed=1, deselected=1)
    cafe.runpytest("-m", "smoke and not payment", "--snapshot-update").assert_outcomes(passed=1, deselected=1)
    strict = ("--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning")
    every = cafe.runpytest("-m", "scenario", "--snapshot-update", *strict)
    every.assert_outcomes(passed=2)


def test_unregistered_yaml_mark_warns_at_its_line(cafe: pytest.Pytester) -> None:
    result = cafe.runpytest_subprocess("--co")  # pytest.mark remembers marks registered by earlier in-process runs
    result.stdout.fnmatch_lines(
        [
            "*scenarios/latte.scenario.yaml:2: PytestUnknownMarkWarning: unknown mark 'payment' in the scenario's marks*",
        ]
    )
    result.stdout.no_fnmatch_line("*plugin.py*")


def test_strict_markers_makes_an_unregistered_yaml_mark_a_collection_error(cafe: pytest.Pytester) -> None:
    result = cafe.runpytest_subprocess("--strict-markers")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting scenarios/latte.scenario.yaml*",
            "scenarios/latte.scenario.yaml:2:*'payment' not found in `markers` configuration option",
            "*> 2 | marks: ?payment?",
            "*fix: register it (markers = payment: ...*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_skip_and_xfail_with_their_reasons(cafe: pytest.Pytester) -> None:
    write(
        cafe.path,
        {
            "scenarios/skipped.scenario.yaml": "skip: 菜单还没上线\n" + TEA.replace("来一杯美式", "跳过", 1),
            "scenarios/broken.scenario.yaml": "xfail: broken 总是抛错\n"
            + TEA.replace("来一杯美式", "预期失败", 1)
            .replace("call: searchDrinks", "call: broken")
            .replace("args: {keyword: 美式}", "args: {}"),
            "scenarios/fixed.scenario.yaml": "xfail: 早就修好了\n" + TEA.replace("来一杯美式", "意外通过", 1),
        },
    )
    result = cafe.runpytest("-rsxX", "--snapshot-update")
    result.assert_outcomes(passed=1, skipped=1, xfailed=1, xpassed=1)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED * scenarios/skipped.scenario.yaml*菜单还没上线",
            "XFAIL scenarios/broken.scenario.yaml::预期失败 - broken 总是抛错",
            "XPASS scenarios/fixed.scenario.yaml::意外通过 - 早就修好了",
        ]
    )


def test_last_failed_and_exitfirst(cafe: pytest.Pytester) -> None:
    failing = TEA.replace("来一杯美式", "坏掉的", 1).replace("call: searchDrinks", "call: broken")
    write(
        cafe.path,
        {
            "scenarios/a_broken.scenario.yaml": failing.replace("args: {keyword: 美式}", "args: {}"),
            "scenarios/tea.scenario.yaml": TEA,
        },
    )
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=2, failed=1)
    last = cafe.runpytest("--lf", "-v")
    last.assert_outcomes(failed=1)
    last.stdout.fnmatch_lines(["scenarios/a_broken.scenario.yaml::坏掉的 FAILED*"])
    cafe.runpytest("-x", "-p", "no:cacheprovider").assert_outcomes(failed=1)  # a_broken runs first


BROKEN_YAML = "name: 坏文件\nturns:\n  - user: 来一杯\n    plan:\n      - call: [searchDrinks\n"

# A scenario that cannot run is a collection error at its file and line, with no traceback:
# (files to write, pytest.ini to write or None, the lines the report shows in order).
COLLECTION_ERRORS = {
    "invalid YAML": (
        {"scenarios/bad.scenario.yaml": BROKEN_YAML},
        None,
        [
            "*ERROR collecting scenarios/bad.scenario.yaml*",
            "scenarios/bad.scenario.yaml:6:1: invalid YAML: *",
            "*5 |       - call: [searchDrinks",
            "*ERROR scenarios/bad.scenario.yaml*",
        ],
    ),
    "an API the project does not have": (
        {"scenarios/typo.scenario.yaml": TEA.replace("call: searchDrinks", "call: searchDrink")},
        None,
        [
            "scenarios/typo.scenario.yaml:6:*searchDrink*",
            "*searchDrinks*",
        ],
    ),
    "no project anywhere": (
        {},
        "[pytest]\n",
        [
            "scenarios/latte.scenario.yaml:1:1: the scenario does not say which project it drives",
            "*fix: add project: <the folder holding app.json, relative to this file>, or set --wx-project / wxreplay_project",
        ],
    ),
}


@pytest.mark.parametrize("files, ini, lines", COLLECTION_ERRORS.values(), ids=COLLECTION_ERRORS.keys())
def test_a_scenario_that_cannot_run_is_a_located_collection_error(
    cafe: pytest.Pytester, files: dict[str, str], ini: str | None, lines: list[str]
) -> None:
    write(cafe.path, files)
    if ini is not None:
        cafe.makeini(ini)
    for args in ([], ["--co"]):  # run and collect-only report it alike
        result = cafe.runpytest(*args)
        assert result.ret == pytest.ExitCode.INTERRUPTED
        result.stdout.fnmatch_lines(lines)
        result.stdout.no_fnmatch_line("*Traceback*")


def test_tb_long_shows_where_the_yaml_error_was_raised(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/bad.scenario.yaml": BROKEN_YAML})
    cafe.runpytest("--tb=long").stdout.fnmatch_lines(["*wxreplay/scenario/loader.py:*: ScenarioError"])


def test_project_named_in_the_file_wins(cafe: pytest.Pytester) -> None:
    cafe.makeini("[pytest]\n")
    write(cafe.path, {"scenarios/latte.scenario.yaml": "project: ../cafe\n" + LATTE})
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=1)


def test_snapshot_folder_and_python_tests_are_left_alone(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/__snapshots__/old.scenario.yaml": "not: a scenario\n"})
    cafe.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = cafe.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(["scenarios/latte.scenario.yaml::点一杯拿铁", "test_plain.py::test_plain", "2 tests collected*"])


def test_a_passed_item_releases_its_parsed_scenario_and_reads_it_again_when_asked(cafe: pytest.Pytester) -> None:
    """After a pass the item drops the parsed file (memory, GC time); hooks that look later still get it."""
    cafe.makeconftest("""
        import pytest

        @pytest.hookimpl(trylast=True)
        def pytest_runtest_teardown(item):
            released = item._scenario is None
            print(f"\\nAFTER released={released} name={item.scenario.name} line={item.reportinfo()[1]}")
    """)
    result = cafe.runpytest("-s", "--snapshot-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*AFTER released=True name=点一杯拿铁 line=0*"])

"""Under pytest, bad input from the loaders is a located report (collection error or failure), never a traceback."""

from __future__ import annotations

import json

import pytest
from plugin_support import write

DEEP = "[" * 3000 + "]" * 3000


def test_a_scenario_nested_too_deep_is_a_located_collection_error(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/deep.scenario.yaml": "name: deep\nturns: " + DEEP + "\n"})
    result = cafe.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["scenarios/deep.scenario.yaml:2:108: the YAML nests deeper than 100 levels*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*RecursionError*")


def test_a_project_file_with_a_huge_number_is_a_located_error(cafe: pytest.Pytester) -> None:
    app = json.loads((cafe.path / "cafe" / "app.json").read_text(encoding="utf-8"))
    text = json.dumps(app, ensure_ascii=False)
    (cafe.path / "cafe" / "app.json").write_text(text[:-1] + ', "n": ' + "9" * 5000 + "}", encoding="utf-8")
    result = cafe.runpytest()
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"*cafe/app.json:1:{len(text) + 7}: a number written with 5,000 characters*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*ValueError*")


def test_a_cassette_with_a_control_character_fails_the_scenario_at_its_line(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"cassettes/latte.yaml": "version: 1\nentries:\n- note: a\x01b\n...\n"})
    result = cafe.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*cassettes/latte.yaml:3:10: the file holds the character U+0001*"])
    result.stdout.no_fnmatch_line("*Traceback*")

"""Scenario YAML past the limits: deep nesting (text or aliases) and huge numbers are located errors."""

from __future__ import annotations

import pytest

from wxreplay.errors import ScenarioError
from wxreplay.scenario import parse_scenario
from wxreplay.scenario.loader import parse_yaml
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, path="s.scenario.yaml")
    return info.value


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deep_flow_nesting_is_a_located_error(opener: str) -> None:
    # Was: RecursionError (the pure-Python composer recurses per level).
    closer = "]" if opener == "[" else "}"
    err = error_of("name: x\nturns: " + opener * 3000 + "1" + closer * 3000 + "\n")
    assert err.line == 2
    assert err.column == len("turns: ") + len(opener) * MAX_NESTING + 1
    assert f"the YAML nests deeper than {MAX_NESTING} levels of lists and mappings" in str(err)


def test_deep_block_nesting_is_a_located_error() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(300))
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, file="s.yaml")
    # Line 1 is the root mapping; the mapping on line n + 1 is n levels below it.
    assert (info.value.line, info.value.column) == (MAX_NESTING + 2, MAX_NESTING + 2)
    assert "nests deeper" in str(info.value)


def test_aliases_that_nest_deeper_than_the_text_are_stopped() -> None:
    lines = ["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 150)]
    with pytest.raises(ScenarioError) as info:
        parse_yaml("\n".join(lines) + "\n", file="s.yaml")
    assert "nests deeper" in str(info.value) and info.value.line is not None


def test_nesting_at_the_limit_still_loads() -> None:
    doc = parse_yaml("a: " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1) + "\n", file="s.yaml")
    value = doc.data["a"]
    for _ in range(MAX_NESTING - 2):
        value = value[0]
    assert value == []


@pytest.mark.parametrize("number", ["9" * 5000, "1." + "5" * 5000, "-" + "7" * 1001], ids=["int", "float", "negative"])
def test_a_huge_number_is_a_located_error(number: str) -> None:
    err = error_of(f"name: x\nturns:\n- user: hi\n  plan:\n  - call: a\n    args: {{x: {number}}}\n")
    assert (err.line, err.column) == (6, 15)
    assert f"a number written with {len(number):,} characters (at most {MAX_NUMBER_DIGITS:,} are read)" in str(err)


def test_a_number_at_the_limit_still_loads() -> None:
    doc = parse_yaml("a: " + "9" * MAX_NUMBER_DIGITS + "\n", file="s.yaml")
    assert doc.data["a"] == int("9" * MAX_NUMBER_DIGITS)


def test_a_control_character_is_located_by_line_and_column() -> None:
    err = error_of("name: x\nturns:\n- user: 你好\x07\n")
    assert (err.line, err.column) == (3, 11)
    assert "U+0007" in str(err)


def test_a_duration_of_hundreds_of_digits_is_a_located_error() -> None:
    # Was: OverflowError (cannot convert float infinity to integer) from parse_duration.
    err = error_of("name: x\nturns:\n- advance: " + "1" * 400 + "s\n")
    assert (err.line, err.column) == (3, 12)
    assert "longer than the 100 years a duration may be" in str(err)


@pytest.mark.parametrize("project", ["a" * 300, "x/" + "b" * 300 + "/y"], ids=["long-name", "long-segment"])
def test_a_project_path_the_file_system_refuses_is_a_located_error(project: str) -> None:
    # Was: OSError [Errno 36] File name too long, from Path.exists().
    err = error_of(f"name: x\nproject: {project}\nturns:\n- user: hi\n  plan:\n  - reply: ok\n")
    assert (err.line, err.column) == (2, 10)
    assert "does not exist" in str(err)


def test_device_option_that_is_not_a_mapping_is_located() -> None:
    from wxreplay.scenario import parse_device

    with pytest.raises(ScenarioError) as info:
        parse_device("[1, 2]")
    assert (info.value.file, info.value.line, info.value.column) == ("--device", 1, 1)


def test_an_excerpt_of_text_with_a_lone_surrogate_can_be_printed() -> None:
    err = error_of("name: x\nturns:\n- user: a\ud800b\n")
    assert "U+D800" in str(err)
    str(err).encode("utf-8")  # the excerpt shows U+FFFD in its place
    assert "a\ufffdb" in str(err)


def test_a_list_index_of_thousands_of_digits_is_refused_with_a_plain_message() -> None:
    # Was: ValueError "Exceeds the limit (4300 digits) for integer string conversion" (Python's words).
    from wxreplay.scenario.templating import parse_path

    with pytest.raises(ValueError, match="the index at position 8 has 5,000 digits; a list index has at most 15"):
        parse_path("a.items[" + "9" * 5000 + "]")
    assert parse_path("a[" + "9" * 15 + "]") == ("a", int("9" * 15))

"""The safe YAML layer: plain data with YAML 1.2 scalars, positions, and located errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wxreplay.errors import ScenarioError
from wxreplay.scenario import load_scenario
from wxreplay.scenario.loader import Span, excerpt, numbered_lines, parse_yaml, read_yaml


def test_scalars_follow_yaml_1_2_and_json() -> None:
    doc = parse_yaml(
        "bools: [true, True, FALSE, yes, no, on, off, y]\n"
        "nulls: [~, null, NULL, Null]\n"
        "ints: [0, 010, -7, +3, 0x1f, 0o17, 1_000]\n"
        "floats: [1.5, .5, 1e3, -2.5E-1, .inf, .nan]\n"
        "dates: [2026-01-05, 2026-01-05T09:30:00+08:00]\n"
        "times: 1:30\n"
        "text: '123'\n"
        "tagged: !!str 123\n"
        "number: !!int '42'\n"
    )
    assert doc.data == {
        "bools": [True, True, False, "yes", "no", "on", "off", "y"],
        "nulls": [None, None, None, None],
        "ints": [0, 10, -7, 3, 31, 15, "1_000"],
        "floats": [1.5, 0.5, 1000.0, -0.25, ".inf", ".nan"],
        "dates": ["2026-01-05", "2026-01-05T09:30:00+08:00"],
        "times": "1:30",
        "text": "123",
        "tagged": "123",
        "number": 42,
    }


def test_keys_are_always_text() -> None:
    assert parse_yaml("200: ok\ntrue: 1\n1.5: x\nnull: y\n").data == {"200": "ok", "true": 1, "1.5": "x", "null": "y"}


def test_anchors_aliases_and_merge_keys() -> None:
    doc = parse_yaml(
        "base: &b {sugar: less, size: medium}\nextra: &e {quantity: 1}\norder:\n  <<: [*b, *e]\n  size: large\ncopy: *b\n"
    )
    assert doc.data["order"] == {"size": "large", "sugar": "less", "quantity": 1}
    assert doc.data["copy"] == {"sugar": "less", "size": "medium"}
    assert doc.data["copy"] is not doc.data["base"]


def test_positions_of_values_and_keys() -> None:
    doc = parse_yaml("name: x\nturns:\n  - user: 你好\n    plan:\n      - reply: hi\n")
    assert doc.values[("name",)] == Span(1, 7, 1, 8)
    assert doc.span(("turns", 0, "plan"), key=True).line == 4
    assert doc.values[("turns", 0, "plan", 0, "reply")] == Span(5, 16, 5, 18)
    turn = doc.span(("turns", 0))
    assert (turn.line, turn.column, turn.end_line) == (3, 5, 5)
    assert doc.span(("turns", 0, "nope", "deeper")) == turn  # nearest written ancestor
    assert doc.span(("turns", 0, "user"), key=True).column == 5


def test_empty_document_is_none() -> None:
    assert parse_yaml("").data is None
    assert parse_yaml("# only a comment\n").data is None


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object:os.system",
        "!!python/name:os.system",
        "!!binary",
        "!!timestamp",
        "!!set",
        "!mine",
    ],
)
def test_tags_that_construct_things_are_rejected(tag: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(f"name: x\nvalue: {tag} abc\n", file="t.yaml")
    e = info.value
    assert (e.line, e.column) == (2, 8)
    assert "is not allowed: scenario files hold plain data only" in str(e)


def test_python_object_mapping_is_rejected_before_anything_runs() -> None:
    text = "name: x\nturns: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(ScenarioError, match=r"the tag !!python/object/apply:os.system is not allowed"):
        parse_yaml(text)


def test_duplicate_keys_name_both_lines(fail: Callable[..., ScenarioError], at: Callable[..., str]) -> None:
    e = fail("""
        name: a
        turns:
          - user: hi
            plan:
              - reply: one
        name: b
    """)
    text = at(e, 6, 1)
    assert "duplicate key 'name' (first written at line 1)" in text
    assert "fix: each key appears once per mapping" in text


def test_duplicate_keys_inside_a_flow_mapping() -> None:
    with pytest.raises(ScenarioError, match="duplicate key 'a' \\(first written at line 1\\)"):
        parse_yaml("x: {a: 1, a: 2}\n")


def test_merged_keys_are_not_duplicates() -> None:
    assert parse_yaml("a: &a {k: 1}\nb:\n  <<: *a\n  k: 2\n").data["b"] == {"k": 2}


def test_recursive_alias_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="refers to itself"):
        parse_yaml("a: &a [1, *a]\n")


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    with pytest.raises(ScenarioError, match="expands to more than"):
        parse_yaml("\n".join(lines))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: [1, 2\n", "expected ',' or ']'"),
        ("a: b: c\n", "mapping values are not allowed here"),
        ("a:\n\t- b\n", "found character '\\t' that cannot start any token"),
    ],
)
def test_syntax_errors_are_located(text: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, file="s.yaml")
    e = info.value
    assert str(e).startswith(f"s.yaml:{e.line}:{e.column}: invalid YAML: ")
    assert problem in str(e)
    assert e.excerpt and "^" in e.excerpt


def test_syntax_error_hints() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml("a:\n\t- b\n")
    assert info.value.hint == "indent with spaces, never tabs"
    with pytest.raises(ScenarioError) as info:
        parse_yaml("args: {drinkId: ${drinkId}}\n")
    assert "quote a value that holds ${...}" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        parse_yaml("name: x\nturns:\n  - user：点一杯拿铁\n    plan: []\n")
    assert "Chinese '：'" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        parse_yaml("reply: 时间: 10:30\n")
    assert "put the text in quotes" in str(info.value)


def test_second_document_is_an_error() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml("name: a\n---\nname: b\n", file="two.yaml")
    assert info.value.line == 2
    assert "a scenario file holds one document" in str(info.value)


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("name: x\nturns:\n  - user: hi\x07there\n", "0007", 3, 13),
        ("name: \x00\n", "0000", 1, 7),
        ("a: \ud800\n", "D800", 1, 4),
    ],
)
def test_characters_yaml_does_not_allow_are_located(text: str, code: str, line: int, column: int) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, file="c.scenario.yaml")
    assert (info.value.line, info.value.column) == (line, column)
    assert f"the file holds the character U+{code}, which YAML does not allow" in str(info.value)


def test_non_utf8_file(tmp_path: Path, at: Callable[..., str]) -> None:
    path = tmp_path / "gbk.scenario.yaml"
    path.write_bytes(b"name: x\nturns:\n  - user: " + "点一杯拿铁".encode("gbk") + b"\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = at(info.value, 3, 11)
    assert "not valid UTF-8 (byte 0xb5 at line 3, column 11)" in text
    assert "GBK" in text


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.scenario.yaml"
    path.write_bytes("\ufeffname: x\nturns: [foreground]\n".encode())
    assert load_scenario(path).name == "x"


def test_empty_file(tmp_path: Path) -> None:
    for i, content in enumerate(("", "\n\n", "# nothing yet\n")):
        path = tmp_path / f"e{i}.scenario.yaml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        e = info.value
        assert (e.line, e.column) == (1, 1)
        assert str(e).startswith(f"{e.file}:1:1: the file is empty")
        assert "name: 点一杯拿铁" in str(e)  # the fix shows a minimal scenario


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.scenario.yaml")
    with pytest.raises(ScenarioError, match="expected a file, found a directory"):
        load_scenario(tmp_path)


def test_read_yaml_keeps_the_path(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    doc = read_yaml(path)
    assert doc.path == path and doc.data == {"a": 1} and doc.file.endswith("x.yaml")


def test_excerpt_marks_the_line_and_aligns_the_caret_under_chinese_text() -> None:
    text = "name: x\nturns:\n  - user: 点一杯拿铁，少糖\n    plan: 1\n"
    out = excerpt(text, 4, 11)
    assert out.splitlines() == [
        "    2 | turns:",
        "    3 |   - user: 点一杯拿铁，少糖",
        "  > 4 |     plan: 1",
        "      |           ^",
    ]
    out = excerpt(text, 3, 11)  # caret after two-cell CJK characters
    assert out.splitlines()[-1] == "      |           ^"
    assert excerpt(text, 3, 13).splitlines()[-1] == "      | " + " " * 14 + "^"  # "  - user: 点一" is 14 cells


def test_excerpt_cuts_long_lines_around_the_column() -> None:
    line = "x: " + "a" * 300 + "BAD" + "b" * 300
    out = excerpt(line, 1, 304)
    marked, caret = out.splitlines()
    assert "BAD" in marked and "…" in marked and len(marked) < 200
    assert marked[caret.index("^")] == "B"


def test_numbered_lines() -> None:
    text = "a\nb\nc\n\n\nd\n"
    assert numbered_lines(text, 2, 5) == "  2 | b\n  3 | c"
    assert numbered_lines(text, 1, 6, limit=2) == "  1 | a\n  2 | b\n  … | (4 more lines)"

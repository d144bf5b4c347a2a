"""Cassette files past the limits: huge numbers, deep nesting and control characters are located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxreplay.cassette import Cassette, CassetteError, store
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS


def error_of(tmp_path: Path, text: str) -> CassetteError:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as info:
        Cassette.open(path)
    return info.value


def test_a_5000_digit_version_is_a_located_error(tmp_path: Path) -> None:
    # Was: ValueError "Exceeds the limit (4300 digits) for integer string conversion".
    err = error_of(tmp_path, "version: " + "9" * 5000 + "\nentries: []\n...\n")
    assert (err.line, err.column) == (1, 10)
    assert f"a number written with 5,000 characters (at most {MAX_NUMBER_DIGITS:,} are read)" in str(err)


def test_a_long_number_after_an_anchor_is_checked_on_the_slow_path_too(tmp_path: Path) -> None:
    # An anchor sends the text to PyYAML's constructor; the limits are checked before it runs.
    err = error_of(tmp_path, "a: &x 1\nversion: 1\nentries:\n- n: " + "1" * 2000 + "\n...\n")
    assert (err.line, err.column) == (4, 6)
    assert "2,000 characters" in str(err)


def test_a_long_quoted_number_is_text_and_allowed() -> None:
    _, entries = store.parse("version: 1\nentries: []\nnote: '" + "9" * 5000 + "'\n...\n", "c.yaml")
    assert entries == []


@pytest.mark.parametrize("anchor", ["", "a: &x 1\n"], ids=["fast", "constructor"])
def test_deep_nesting_is_a_located_error(tmp_path: Path, anchor: str) -> None:
    # Was: RecursionError.
    deep = "[" * 3000 + "]" * 3000
    err = error_of(tmp_path, f"{anchor}version: 1\nentries: {deep}\n...\n")
    line = 2 if anchor else 1
    assert err.line == line + 1
    assert err.column == len("entries: ") + MAX_NESTING + 1
    assert f"the YAML nests deeper than {MAX_NESTING} levels" in str(err)


def test_nesting_at_the_limit_still_loads() -> None:
    body = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    with pytest.raises(CassetteError) as info:  # loads, then fails the entry check (not a list of mappings)
        store.parse(f"version: 1\nentries: [{body}]\n...\n", "c.yaml")
    assert "nests deeper" not in str(info.value)


@pytest.mark.parametrize(("text", "column"), [("- a: \x01\n", 6), ("- a: 中文\x7f\n", 8)])
def test_a_control_character_is_located_by_line_and_column(tmp_path: Path, text: str, column: int) -> None:
    # Was: "unacceptable character #x0001" with a character position and no line.
    err = error_of(tmp_path, "version: 1\nentries:\n" + text + "...\n")
    assert (err.line, err.column) == (3, column)
    code = ord(text[column - 1])
    assert f"c.yaml:3:{column}: the file holds the character U+{code:04X}" in str(err)
    assert "\n  > 3 |" in str(err)


def test_a_second_document_is_located() -> None:
    # Was: "expected a single document in the stream" with no line.
    with pytest.raises(CassetteError) as info:
        store.parse("version: 1\nentries: []\n--- \nversion: 1\n...\n", "c.yaml")
    assert info.value.line == 4  # where the second document's content starts
    assert "but found another document" in str(info.value)


def test_a_lone_surrogate_in_the_text_is_located() -> None:
    # Text handed to store.parse directly (a file cannot hold one): was UnicodeEncodeError inside libyaml.
    with pytest.raises(CassetteError) as info:
        store.parse("version: 1\nentries:\n- a: x\ud800\n...\n", "c.yaml")
    assert (info.value.line, info.value.column) == (3, 7)
    str(info.value).encode("utf-8")


def test_a_document_only_libyaml_reads_is_still_located() -> None:
    # Found by the fuzz tests: "0<tab>" parses (libyaml) but PyYAML's composer, used to find the
    # line, refused it, so "a cassette is a mapping ..., not a int" came without a line.
    with pytest.raises(CassetteError) as info:
        store.parse("0\t", "c.yaml")
    assert info.value.line == 1
    assert "not a int" in str(info.value)


def bomb(levels: int) -> str:
    """A "billion laughs": each anchor holds ten aliases of the one before."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_stopped_where_it_expands() -> None:
    # Was: loaded in milliseconds (aliases share objects), then any walk of the entries (matching a
    # request body, json.dumps) would have expanded 10**9 values.
    entry = "- kind: http\n  request: {method: GET, scheme: https, host: a, path: /, query: {}, headers: {}, body: {json: *a8}}\n"
    with pytest.raises(CassetteError) as info:
        store.parse(bomb(9) + "version: 1\nentries:\n" + entry + "...\n", "c.yaml")
    assert (info.value.line, info.value.column) == (6, 55)
    assert "the aliases here make the cassette expand to more than 1,000,000 values" in str(info.value)
    store.parse(bomb(3) + "version: 1\nentries: []\n...\n", "c.yaml")  # a few aliases are fine


def test_an_alias_that_nests_its_anchor_too_deep_is_located() -> None:
    deep = "[" * 60 + "]" * 60
    text = f"a: &x {deep}\nb: " + "[" * 60 + "*x" + "]" * 60 + "\nversion: 1\nentries: []\n...\n"
    with pytest.raises(CassetteError) as info:
        store.parse(text, "c.yaml")
    assert (info.value.line, info.value.column) == (2, 64)
    assert f"nests deeper than {MAX_NESTING} levels" in str(info.value)


def test_a_placeholder_with_a_5000_digit_number_opens_and_numbers_on(tmp_path: Path) -> None:
    # Was: ValueError from int() of the placeholder's number while counting placeholders (found by the fuzz test).
    huge = "<redacted:code#" + "9" * 5000 + ">"
    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\nentries:\n- kind: http\n  request: {method: GET, scheme: https, host: a.test, path: /x, "
        f"query: {{code: '{huge}'}}, headers: {{}}}}\n  response: {{status: 200, headers: {{}}, body: {{text: ok}}}}\n...\n",
        encoding="utf-8",
    )
    cassette = Cassette.open(path, "new_episodes")  # seeds its redactor's numbering from the placeholders
    assert cassette._redactor.redact({"headers": {"authorization": "Bearer tok_Qw8rT2xLp0aV9mKcQ1wE"}}) == {
        "headers": {"authorization": "Bearer <redacted:authorization#1>"}
    }

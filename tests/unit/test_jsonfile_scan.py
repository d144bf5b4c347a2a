"""``jsonfile.skip_ws`` / ``string_end`` (regular expressions) answer as the loops they replaced."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxreplay.jsonfile import skip_ws, string_end


def loop_skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def loop_string_end(text: str, i: int) -> int:
    i += 1
    while True:
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            return i + 1
        else:
            i += 1


def answer(fn: object, text: str, i: int) -> object:
    try:
        return fn(text, i)  # type: ignore[operator]
    except IndexError:
        return IndexError


@given(st.text(alphabet=' \t\n\r"\\ax\u00e9\u2028😀', max_size=30), st.integers(min_value=0, max_value=30))
@settings(max_examples=1000, deadline=None)
def test_same_answers_as_the_loops_on_any_text(text: str, i: int) -> None:
    assert answer(skip_ws, text, i) == answer(loop_skip_ws, text, min(i, len(text)))
    if i < len(text) and text[i] == '"':  # string_end is asked only at an opening quote
        assert answer(string_end, text, i) == answer(loop_string_end, text, i)


@given(st.text(max_size=40))
@settings(max_examples=500, deadline=None)
def test_a_json_string_ends_where_its_literal_ends(value: str) -> None:
    for literal in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        text = f"{literal} , tail"
        assert string_end(text, 0) == len(literal) == loop_string_end(text, 0)


@pytest.mark.parametrize("text", ['"abc', '"ab\\', '"ab\\"', '"'])
def test_an_unterminated_string_is_an_index_error(text: str) -> None:
    with pytest.raises(IndexError):
        string_end(text, 0)

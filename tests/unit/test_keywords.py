"""``-k`` expressions read as pytest reads them (the e2e tests compare the selections with pytest's own)."""

from __future__ import annotations

import pytest

from wxreplay.errors import UsageError
from wxreplay.keywords import compile_keywords

NAMES = ["点一杯拿铁，少糖", "latte-less-sugar.scenario.yaml", "scenarios", "scenario", "smoke"]


@pytest.mark.parametrize(
    ("expression", "selected"),
    [
        ("", True),
        ("LATTE", True),  # case-insensitive substring
        ("latte and not smoke", False),
        ("not (payment or cancel)", True),
        ("拿铁 and (sugar or x)", True),
        ("payment or smo", True),
        ("not not latte", True),
        ("scenario.yaml and nothere", False),
    ],
)
def test_expressions_select_like_pytest(expression: str, selected: bool) -> None:
    assert compile_keywords(expression)(NAMES) is selected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("latte and", "expected not, ( or an identifier; got the end of input"),
        ("(latte", "expected )"),
        ("latte )", "unexpected ')'"),
        ("latte & sugar", "at column 7: unexpected character '&'"),
    ],
)
def test_a_malformed_expression_is_a_usage_error(expression: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        compile_keywords(expression)
    assert message in str(e.value) and "fix: write it as pytest does" in str(e.value)

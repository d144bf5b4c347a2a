"""Redactors of one process share the secret spans of short texts, per rules: the output never depends on it."""

from __future__ import annotations

from typing import Any

import pytest

from wxreplay.cassette import redact
from wxreplay.cassette.redact import RedactionRules, Redactor

TOKEN = "Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0L"  # random-looking: a random token under any plain name
DATA: dict[str, Any] = {
    "note": f"ticket {TOKEN} issued",
    "phone": "13812345678",
    "label": "ORDER-7f3a9c-CUP",
    "url": f"https://api.example.test/v1/menu?sig={TOKEN}&page=2",
}


@pytest.fixture(autouse=True)
def _fresh_process_memo() -> None:
    redact._SHARED_SPANS.clear()


def _alone(rules: RedactionRules, data: Any) -> Any:
    """What a redactor makes of ``data`` in a process that redacted nothing before."""
    saved = dict(redact._SHARED_SPANS)
    redact._SHARED_SPANS.clear()
    try:
        return Redactor(rules).redact(data)
    finally:
        redact._SHARED_SPANS.clear()
        redact._SHARED_SPANS.update(saved)


def test_a_second_redactor_gives_what_a_first_one_gives() -> None:
    rules = RedactionRules()
    first = Redactor(rules).redact(DATA)
    assert redact._SHARED_SPANS[rules]  # the spans of the short texts were kept
    second = Redactor(rules).redact(DATA)
    assert first == second == _alone(rules, DATA)
    assert TOKEN not in repr(second) and "13812345678" not in repr(second)


@pytest.mark.parametrize(
    "config",
    [
        {"value_patterns": [r"ORDER-[0-9a-f]{6}-CUP"]},  # the other rules see a secret the defaults do not
        {"ignore_fields": ["note"]},  # ... or none where the defaults see one
    ],
)
def test_spans_found_under_other_rules_are_never_used(config: dict[str, Any]) -> None:
    default = RedactionRules()
    other = RedactionRules.from_config(config)
    Redactor(default).redact(DATA)  # fills the defaults' spans with every text of DATA
    assert Redactor(other).redact(DATA) == _alone(other, DATA)
    assert Redactor(default).redact(DATA) == _alone(default, DATA)


def test_value_equal_rules_share_and_the_process_memo_stays_small() -> None:
    assert redact._shared_spans(RedactionRules()) is redact._shared_spans(RedactionRules())
    for n in range(20):
        redact._shared_spans(RedactionRules.from_config({"extra_fields": [f"field{n}"]}))
    assert len(redact._SHARED_SPANS) <= 8


def test_long_texts_stay_with_their_redactor() -> None:
    rules = RedactionRules()
    long_text = "word " * (redact.SHARED_SPAN_CHARS // 5) + TOKEN
    out = Redactor(rules).redact({"body": long_text})
    assert TOKEN not in out["body"]
    assert all(len(key.split("\x00")[-1]) <= redact.SHARED_SPAN_CHARS for key in redact._SHARED_SPANS[rules])

"""RunSecrets.gate keeps the scanner's line judgements across a run's files: it must never turn a hit into a pass.

The memo holds (masked line, enclosing key) -> judgement under one set of rules. These tests gate a
clean text first (filling the memo), then a text that reuses its lines where they are secrets: every
hit must still be found, at its own file, line and column.
"""

from __future__ import annotations

import pytest

from wxreplay.cassette import runsecrets
from wxreplay.cassette.rules import RedactionRules
from wxreplay.cassette.runsecrets import RunSecrets, SecretsLeftError
from wxreplay.cassette.scan import scan_cassette_text

TOKEN = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"  # 32 hex: a secret under a secret name, an id under an id name


def _gate_fails(secrets: RunSecrets, text: str, file: str) -> SecretsLeftError:
    with pytest.raises(SecretsLeftError) as caught:
        secrets.gate(text, file, "the snapshot")
    return caught.value


def test_the_same_line_under_a_secret_key_is_still_a_hit() -> None:
    # The list item "- TOKEN" is clean under orderId (an id) and a secret under password: the key above decides.
    secrets = RunSecrets()
    secrets.gate(f"orderId:\n- {TOKEN}\n", "a.yaml", "the snapshot")
    error = _gate_fails(secrets, f"title: x\npassword:\n- {TOKEN}\n", "b.yaml")
    assert [(h.file, h.line, h.column, h.field) for h in error.hits] == [("b.yaml", 3, 3, "password")]
    assert TOKEN not in str(error)


def test_a_line_that_was_a_hit_is_a_hit_in_every_later_file() -> None:
    secrets = RunSecrets()
    line = f"apiKey: {TOKEN}"
    first = _gate_fails(secrets, f"{line}\n", "a.yaml")
    second = _gate_fails(secrets, f"x: 1\ny: 2\n{line}\n", "b.yaml")
    assert [(h.file, h.line) for h in first.hits] == [("a.yaml", 1)]
    assert [(h.file, h.line) for h in second.hits] == [("b.yaml", 3)]


def test_new_rules_start_a_new_memo() -> None:
    # Clean under rules that ignore the field; after reset() with the default rules, the same text is a hit.
    text = f"session_blob: {TOKEN}\n"
    secrets = RunSecrets(RedactionRules.from_config({"ignore_fields": ["session_blob"]}))
    secrets.gate(text, "a.yaml", "the snapshot")
    secrets.reset()
    assert _gate_fails(secrets, text, "b.yaml").hits[0].field == "session_blob"


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runsecrets, "GATE_MEMO_LINES", 10)
    secrets = RunSecrets()
    for i in range(5):
        secrets.gate("".join(f"k{i}_{j}: v{j}\n" for j in range(8)), f"{i}.yaml", "the snapshot")
        assert len(secrets._gate_memo) <= 10 + 8  # cleared once past the bound, before the next file
    assert _gate_fails(secrets, f"token: {TOKEN}\n", "z.yaml").hits


@pytest.mark.parametrize("repeat", [1, 3])
def test_long_lines_are_judged_but_not_kept(repeat: int) -> None:
    long_value = "word " * 200 + TOKEN
    text = f"note: {long_value}\n" * repeat + "short: 1\n"
    memo: dict = {}
    hits = scan_cassette_text(text, "a.yaml", memo=memo, memo_line_chars=100)
    assert [h.line for h in hits] == list(range(1, repeat + 1))  # the secret is found on every copy of the line
    assert [key for key, _ in memo] == ["short: 1"]  # only the short line is kept for later files


def test_results_equal_a_scan_without_memo() -> None:
    texts = [
        f"a:\n  b: {TOKEN}\n  orderId: {TOKEN}\nphone: 13812345678\n",
        f"orderId: {TOKEN}\na:\n  b: {TOKEN}\nurl: https://x.test/p?key={TOKEN}\n",
        "plain: text\n" * 3,
    ]
    memo: dict = {}
    for n, text in enumerate(texts):
        assert scan_cassette_text(text, f"{n}.yaml", memo=memo, memo_line_chars=40) == scan_cassette_text(text, f"{n}.yaml")

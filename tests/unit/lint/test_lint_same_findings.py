"""A lint speed-up changes no finding: every target lints exactly as before (rule, message, file, line, column, hint).

The expected output is the JSON the linter printed before its speed-up (``data/golden_findings.json``,
recorded by ``lint_golden.py --record`` on the base commit): the example, every skill fixture, the
generated 30-skill project, the secret fixtures and each rule's failing fixture.
"""

from __future__ import annotations

import json
from pathlib import Path

from lint_golden import GOLDEN, lint_all


def test_every_target_lints_exactly_as_before(tmp_path: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(lint_all(tmp_path)))
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name


def test_the_secret_fixtures_are_found() -> None:
    """The recorded output itself reports the committed keys (a golden file of no finding would prove nothing)."""
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for name in ("secret-multiline", "secret-json", "rule-WXR114-19"):
        assert [f["rule"] for f in expected[name]["findings"]] == ["WXR114"], name
    # secrets-lab reads its keys from the environment: no key is committed in it
    assert not any(f["rule"] == "WXR114" for f in expected["skills/secrets-lab"]["findings"])

"""docs/lint.md lists every rule, as the registry has it (the table is generated: see wxreplay/lint/docs.py)."""

from __future__ import annotations

from pathlib import Path

from wxreplay.lint import all_rules
from wxreplay.lint.docs import BEGIN, END, rules_markdown

DOC = Path(__file__).parents[3] / "docs" / "lint.md"
README = Path(__file__).parents[3] / "README.md"


def test_the_doc_lists_every_rule_as_registered() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip("\n") + "\n"
    assert block == rules_markdown(), "regenerate it: python -m wxreplay.lint.docs docs/lint.md"
    for rule in all_rules():
        assert f"`{rule.label}`" in block


def test_readme_links_the_lint_doc() -> None:
    assert "docs/lint.md" in README.read_text(encoding="utf-8")

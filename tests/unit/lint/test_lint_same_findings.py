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


def test_a_shared_line_memo_finds_what_scanning_each_file_alone_finds() -> None:
    """The secret scan shares line judgements across files (one rules object): the hits are those of a lone scan."""
    from lint_golden import KEY, REPO

    from wxreplay.cassette.rules import RedactionRules
    from wxreplay.cassette.scan import LineMemo, scan_cassette_text

    texts = [
        (str(p), p.read_text(encoding="utf-8"))
        for folder in (REPO / "tests" / "skills" / "secrets-lab", REPO / "cassettes")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".js", ".json", ".yaml", ".md")
    ]
    # the same lines under other keys and in other files: a memo keyed on the line alone would be wrong
    texts += [
        ("a.js", f"module.exports = {{\n  apiKey: '{KEY}'\n}}\n"),
        ("b.json", f'{{"note": {{\n  "x": "{KEY}"\n}}, "requestID": {{\n  "x": "{KEY}"\n}}}}\n'),
        ("c.json", f'{{"requestID": {{\n  "x": "{KEY}"\n}}}}\n'),
    ]
    rules, memo = RedactionRules(), LineMemo()
    shared = [scan_cassette_text(text, name, rules=rules, memo=memo) for name, text in texts]
    alone = [scan_cassette_text(text, name, rules=RedactionRules()) for name, text in texts]
    assert shared == alone
    assert any(shared[-3]) and any(shared)


def test_skills_loaded_in_parallel_have_the_facts_of_loading_them_one_by_one(tmp_path: Path) -> None:
    """Registration facts of 30 skills loaded in the background equal those of loading each alone."""
    from bench_lint import make_thirty

    from wxreplay.lint.context import LintContext
    from wxreplay.lint.runtime_facts import load_facts

    ctx = LintContext.load(make_thirty(tmp_path / "thirty"))
    assert ctx.project is not None and len(ctx.skills) == 30
    for target in ctx.skills:
        got = ctx.runtime(target)
        assert got is not None and target.skill is not None
        alone = load_facts(ctx.project, target.skill)
        assert (got.registered, got.handler_types, got.findings, got.error) == (
            alone.registered,
            alone.handler_types,
            alone.findings,
            alone.error,
        )
        assert got.registered

"""``wxreplay lint``: the platform's static rules, checked with real parsers, reported at file, line and column.

Small modules, one job each: :mod:`~wxreplay.lint.registry` (ids, severities, titles, explanations),
:mod:`~wxreplay.lint.context` (one project and the facts rules share), :mod:`~wxreplay.lint.jsparse`
and :mod:`~wxreplay.lint.jsfacts` (JS facts from tree-sitter), :mod:`~wxreplay.lint.runtime_facts`
(registration from V8), one ``rules_*`` module per rule family, :mod:`~wxreplay.lint.runner`,
:mod:`~wxreplay.lint.suppress` (inline comments), :mod:`~wxreplay.lint.settings`
(``[tool.wxreplay.lint]``), the reporters ``report_text`` / ``report_json`` / ``report_sarif``, and
:mod:`~wxreplay.lint.command` (the CLI). See docs/lint.md.
"""

from __future__ import annotations

from wxreplay.lint.catalog import all_rules, get_rule
from wxreplay.lint.model import LintFinding, LintReport
from wxreplay.lint.registry import Rule
from wxreplay.lint.runner import fails, lint_paths
from wxreplay.lint.settings import LintSettings, read_settings

__all__ = ["LintFinding", "LintReport", "LintSettings", "Rule", "all_rules", "fails", "get_rule", "lint_paths", "read_settings"]

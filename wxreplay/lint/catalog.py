"""Every rule family, loaded: the full registry, by id.

The families register their rules on import (:func:`wxreplay.lint.registry.rule`); this module is
the one place that lists them, so the registry itself imports no rule module.
"""

from __future__ import annotations

from collections.abc import Iterator

from wxreplay.lint import (
    rules_apidocs,
    rules_cardjs,
    rules_cards,
    rules_code,
    rules_files,
    rules_js,
    rules_package,
    rules_wording,
    rules_writing,
)
from wxreplay.lint.registry import CHECKS, RULES, Check, Rule

__all__ = ["FAMILIES", "all_rules", "checks", "get_rule"]

#: The rule modules, in the order of their id ranges.
FAMILIES = (
    rules_package,
    rules_files,
    rules_js,
    rules_code,
    rules_cards,
    rules_cardjs,
    rules_writing,
    rules_apidocs,
    rules_wording,
)


def all_rules() -> list[Rule]:
    """Every registered rule, by id."""
    return [RULES[k] for k in sorted(RULES)]


def get_rule(rule_id: str) -> Rule | None:
    """The rule ``rule_id`` (case-insensitive), or None."""
    return RULES.get(rule_id.strip().upper())


def checks() -> Iterator[tuple[Rule, Check]]:
    """Every rule with its check, by id."""
    for r in all_rules():
        yield r, CHECKS[r.id]

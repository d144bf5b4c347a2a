"""Coverage: which APIs, cards, tappable nodes and isError paths a suite exercised, per skill.

Four measures, each "covered of total" per skill (docs/coverage.md says the same, for users):

* **APIs**: total = the APIs the skill declares in ``mcp.json``; covered = those a ``call`` step ran.
* **cards**: total = the bound cards (distinct ``_meta.ui.componentPath`` of the declared APIs);
  covered = those a ``render`` step rendered.
* **tappable nodes**: total = the tappable nodes seen in the cards the suite rendered (after a
  render, a tap that re-rendered, a lifecycle event that re-rendered), a node being a distinct
  (card component, tap handler) pair of an element with a ``tap`` or ``longpress`` binding (the three
  tiles a ``wx:for`` makes with one ``bindtap="onTapDrink"`` are one node); covered = the pairs a
  ``tap`` step ran a handler of.
* **isError paths**: total = the declared APIs (every API has an error path: a throw or a rejected
  call becomes an ``isError`` result on the platform, and middlewares return them); covered = the
  APIs a ``call`` step saw answer ``isError: true``.

Only scenarios that passed count (:attr:`ScenarioEntry.counts_for_coverage`). The overall percent,
which ``--fail-under`` compares, is all covered items over all items, every measure and skill together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from wxreplay.report_run import ScenarioEntry

__all__ = ["MEASURES", "Coverage", "Measure", "SkillCoverage", "compute", "coverage_json", "coverage_table"]

MEASURES = ("apis", "cards", "taps", "errors")
_TITLES = {"apis": "APIs", "cards": "cards", "taps": "tappable nodes", "errors": "isError paths"}
_TAP_EVENTS = frozenset({"tap", "longpress", "longtap"})


@dataclass
class Measure:
    """One measure of one skill: every item, and the covered ones."""

    total: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)

    @property
    def missed(self) -> list[str]:
        """Items not covered, sorted."""
        return sorted(self.total - self.covered)

    @property
    def percent(self) -> float | None:
        """Covered over total, in percent; None when there is nothing to cover."""
        return 100.0 * len(self.covered & self.total) / len(self.total) if self.total else None


@dataclass
class SkillCoverage:
    """The four measures of one skill, and the scenarios that counted for it."""

    skill: str
    scenarios: int = 0
    measures: dict[str, Measure] = field(default_factory=lambda: {m: Measure() for m in MEASURES})


@dataclass
class Coverage:
    """Coverage of a suite: per skill, and the scenarios left out (they did not pass)."""

    skills: list[SkillCoverage]
    left_out: list[str]  # "<file>: <status>" of scenarios that did not count

    def totals(self) -> tuple[int, int]:
        """(covered, total) items over every measure and skill."""
        covered = sum(len(m.covered & m.total) for s in self.skills for m in s.measures.values())
        return covered, sum(len(m.total) for s in self.skills for m in s.measures.values())

    @property
    def percent(self) -> float:
        """The overall percent (100 when there is nothing to cover)."""
        covered, total = self.totals()
        return 100.0 * covered / total if total else 100.0


def _cards_of(step: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The card trees a step shows: a render's card, a tap's re-rendered card, a lifecycle's re-rendered cards."""
    card = step.get("card")
    if isinstance(card, Mapping) and card.get("tree") is not None:
        yield card
    for other in step.get("cards") or []:
        if isinstance(other, Mapping) and other.get("tree") is not None:
            yield other


def _tappable(tree: Any) -> Iterator[str]:
    """The tap handlers of a card tree's nodes (``catch:`` prefix removed)."""
    stack = list(tree) if isinstance(tree, list) else [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        for event, handler in (node.get("on") or {}).items():
            if event in _TAP_EVENTS:
                yield str(handler).removeprefix("catch:")
        stack.extend(node.get("children") or [])


def compute(entries: Iterable[ScenarioEntry]) -> Coverage:
    """The coverage of ``entries`` (see the module docstring for each measure)."""
    by_skill: dict[str, SkillCoverage] = {}
    left_out: list[str] = []
    seen_skills: dict[str, Any] = {}
    for entry in entries:
        if entry.skill is not None:
            seen_skills.setdefault(entry.skill.key, entry.skill)
        if not entry.counts_for_coverage:
            left_out.append(f"{entry.file}: {entry.status}")
            continue
        assert entry.skill is not None and entry.transcript is not None  # counts_for_coverage says so
        cov = by_skill.setdefault(entry.skill.key, SkillCoverage(entry.skill.key))
        cov.scenarios += 1
        _add(cov, entry.transcript)
    for key, info in seen_skills.items():  # a skill whose every scenario failed still shows, at 0
        cov = by_skill.setdefault(key, SkillCoverage(key))
        cov.measures["apis"].total.update(info.apis)
        cov.measures["errors"].total.update(info.apis)
        cov.measures["cards"].total.update(info.bound_cards)
    for cov in by_skill.values():  # covered items the skill does not declare are not counted
        for name in ("apis", "errors", "cards"):
            m = cov.measures[name]
            m.covered &= m.total
    return Coverage([by_skill[k] for k in sorted(by_skill)], left_out)


def _add(cov: SkillCoverage, transcript: Mapping[str, Any]) -> None:
    m = cov.measures
    for turn in transcript.get("turns") or []:
        for step in turn.get("steps") or []:
            kind = step.get("kind")
            if kind == "call" and step.get("api"):
                m["apis"].covered.add(str(step["api"]))
                if (step.get("result") or {}).get("isError"):
                    m["errors"].covered.add(str(step["api"]))
            if kind == "render" and step.get("card"):
                m["cards"].covered.add(str(step["card"].get("component")))
            for card in _cards_of(step):
                component = str(card.get("component"))
                m["taps"].total.update(f"{component} {h}" for h in _tappable(card.get("tree")))
            if kind == "tap" and step.get("card"):
                card = step["card"]
                for handler in card.get("handlers") or []:
                    m["taps"].covered.add(f"{card.get('component')} {str(handler).removeprefix('catch:')}")


def _cell(m: Measure) -> str:
    shown = f"{len(m.covered & m.total)}/{len(m.total)}"
    return shown + (f" {m.percent:.0f}%" if m.percent is not None else "")


def coverage_table(cov: Coverage, *, missed: bool = True) -> str:
    """The table ``wxreplay coverage`` prints: one row per skill, a total, and (``missed``) what is not covered."""
    head = ["skill", "scenarios", *(_TITLES[m] for m in MEASURES)]
    rows = [[s.skill, str(s.scenarios), *(_cell(s.measures[m]) for m in MEASURES)] for s in cov.skills]
    sums = {name: Measure() for name in MEASURES}  # the measures of every skill together
    for s in cov.skills:
        for name in MEASURES:
            sums[name].total.update(f"{s.skill} {i}" for i in s.measures[name].total)
            sums[name].covered.update(f"{s.skill} {i}" for i in s.measures[name].covered)
    rows.append(["total", str(sum(s.scenarios for s in cov.skills)), *(_cell(sums[m]) for m in MEASURES)])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    covered, total = cov.totals()
    lines.append(f"overall: {covered}/{total} items covered, {cov.percent:.1f}%")
    if missed:
        for s in cov.skills:
            for name in MEASURES:
                items = s.measures[name].missed
                if items:
                    lines.append(f"{s.skill}: {_TITLES[name]} not covered: {', '.join(items)}")
    for why in cov.left_out:
        lines.append(f"not counted (did not pass): {why}")
    return "\n".join(lines) + "\n"


def coverage_json(cov: Coverage) -> dict[str, Any]:
    """Coverage as plain data (``wxreplay coverage --json``): per skill and measure, covered, total, missed."""
    covered, total = cov.totals()
    return {
        "version": 1,
        "percent": round(cov.percent, 2),
        "covered": covered,
        "total": total,
        "skills": [
            {
                "skill": s.skill,
                "scenarios": s.scenarios,
                **{
                    name: {
                        "covered": sorted(m.covered & m.total),
                        "total": len(m.total),
                        "missed": m.missed,
                        "percent": None if m.percent is None else round(m.percent, 2),
                    }
                    for name, m in s.measures.items()
                },
            }
            for s in cov.skills
        ],
        "notCounted": cov.left_out,
    }

"""Where the planner is in a scenario, and the failures that name that place.

A :class:`Cursor` follows the run through the scenario (turn, step, the action the planner was
about to take) and holds the values ``save:`` captured. Every :class:`~wxreplay.expect.ScenarioFailure`
of a run is made here, so each one names the file, line, turn and step it happened at, and a
``${var}`` that cannot be substituted fails at the key that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wxreplay.errors import ScenarioError
from wxreplay.expect import Difference, ScenarioFailure
from wxreplay.scenario import Expect, Scenario, Source, Turn, substitute

__all__ = ["Cursor"]


class Cursor:
    """The position of one run in ``scenario`` and its saved variables (``vars``)."""

    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        self.vars: dict[str, Any] = {}
        self.turn: Turn | None = None
        self.turn_no = 0
        self.where = "start"
        self.step_source: Source | None = None
        self.planned: str | None = None

    def enter_turn(self, index: int, turn: Turn) -> None:
        """Enter the ``index``-th turn (1-based); failures name it until a step is entered."""
        self.turn, self.turn_no = turn, index
        self.step_source, self.planned = turn.source, None

    def at(self, label: str, source: Source) -> str:
        """Enter a step: failures from now on name it."""
        self.where, self.step_source, self.planned = label, source, None
        return label

    def leave(self, where: str) -> None:
        """Leave the turns for what follows them (``"saving the cassette"``): failures name no turn or line."""
        self.turn, self.where, self.step_source, self.planned = None, where, None, None

    def failure(
        self,
        reason: str,
        *,
        source: Source | None = None,
        at: Sequence[str | int] = (),
        differences: Sequence[Difference] = (),
        cause: BaseException | None = None,
        fix: str | None = None,
        line: int | None = None,
    ) -> ScenarioFailure:
        """A failure at the current step (or at ``source``, at the key path ``at`` under it)."""
        src = source or self.step_source
        lines = None
        if src is not None:
            at_line = self.sc.span(src, *at).line if at else src.line
            lines = (at_line, at_line) if at else (src.line, src.end_line)
            line = line or at_line
        return ScenarioFailure(
            reason=reason,
            file=self.sc.file,
            turn=self.turn_no if self.turn is not None else None,
            step=self.where,
            yaml=self.sc.lines(self.turn.source) if self.turn else "",
            differences=list(differences),
            cause=cause,
            line=line,
            lines=lines,
            planned=self.planned,
            scenario=self.sc.name,
            fix=fix,
        )

    def not_met(self, exp: Expect, diffs: Sequence[Difference]) -> ScenarioFailure:
        """The failure of an ``expect:``: located at the key of its first difference, the whole mapping marked."""
        rest = diffs[0].path.removeprefix(self.where).removeprefix(" › ") if diffs else ""
        key = rest.split(" › ", 1)[0].split(".", 1)[0].split("[", 1)[0].split(" ", 1)[0]
        line = self.sc.span(exp.source, key, key=True).line if key in exp.raw else None
        return self.failure(_not_met(diffs), source=exp.source, differences=diffs, line=line)

    def substitute(self, value: Any, source: Source, *at: str | int) -> Any:
        """``value`` with ``${var}`` replaced; an unknown variable or bad path fails the step there."""
        try:
            return substitute(value, self.vars)
        except ScenarioError as e:
            raise self.failure(e.reason, source=source, at=at, fix=e.hint) from None


def _not_met(diffs: Sequence[Difference]) -> str:
    return f"expect: not met ({len(diffs)} difference{'s' if len(diffs) != 1 else ''})"

"""``wxreplay chat``: the scenario being written, and its YAML text.

:class:`ScenarioDraft` holds the turns as the scenario format writes them (plain data, in order)
while the chat goes on; :meth:`ScenarioDraft.to_yaml` prints them in the repository's style (block
mappings, small leaf mappings and lists in flow style, Chinese unescaped) under a
``# yaml-language-server: $schema=`` modeline so editors validate the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["ScenarioDraft", "slug"]


def slug(name: str) -> str:
    """A file stem for a scenario name: ASCII letters, digits and dashes (``""`` when nothing is left)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key (``turns:\\n  - user: ...``), as the repository's scenarios do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _flow_small(value: Any) -> Any:
    """Mark mappings and lists of scalars for flow style (``args: {keyword: 拿铁}``)."""
    if isinstance(value, dict):
        inner = {k: _flow_small(v) for k, v in value.items()}
        return _Flow(inner) if value and all(_is_leaf(v) for v in value.values()) and len(value) <= 4 else inner
    if isinstance(value, list):
        items = [_flow_small(v) for v in value]
        return _FlowList(items) if value and all(_is_leaf(v) for v in value) else items
    return value


class _Flow(dict):  # type: ignore[type-arg]
    pass


class _FlowList(list):  # type: ignore[type-arg]
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _step_data(step: dict[str, Any]) -> dict[str, Any]:
    """A turn or plan step stays a block mapping; its values go flow style when small."""
    return {k: _flow_small(v) for k, v in step.items()}


def _turn_data(turn: Any) -> Any:
    if not isinstance(turn, dict):
        return turn
    out = _step_data({k: v for k, v in turn.items() if k != "plan"})
    if "plan" in turn:
        out["plan"] = [_step_data(s) for s in turn["plan"]]
    return out


@dataclass
class ScenarioDraft:
    """The scenario a chat writes: its header keys and turns, as YAML data.

    ``calls`` are the plan steps of every ``call:`` made (in order), so a later argument can add a
    ``save:`` to the call its value came from; ``plan`` is the plan new steps go to (``None`` when
    the last turn takes none: no turn yet, a lifecycle event, a tap whose card sent no message).
    """

    name: str
    project: str
    skill: str | None = None
    device: dict[str, Any] | None = None
    turns: list[Any] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    plan: list[dict[str, Any]] | None = None
    _vars: dict[str, str] = field(default_factory=dict)  # variable -> "call index:path"

    def say(self, text: str) -> None:
        """A user turn; its plan takes the next steps."""
        self.plan = []
        self.turns.append({"user": text, "plan": self.plan})

    def tap(self, target: dict[str, Any], *, takes_plan: bool) -> None:
        """A tap turn (``{card, text, index}`` or ``{card, selector, index}``); a plan only when the card sent a message."""
        turn: dict[str, Any] = {"tap": target}
        self.plan = [] if takes_plan else None
        if self.plan is not None:
            turn["plan"] = self.plan
        self.turns.append(turn)

    def message(self, card: str) -> None:
        """A message turn: the named card's message sent outside a tap is the next user message."""
        self.plan = []
        self.turns.append({"message": card, "plan": self.plan})

    def event(self, name: str, duration: str | None) -> None:
        """A lifecycle event turn (``- restart`` or ``- background: 30m``); it takes no plan."""
        self.turns.append({name: duration} if duration is not None else name)
        self.plan = None

    def step(self, step: dict[str, Any]) -> None:
        """A plan step (call, render, reply) of the current turn."""
        assert self.plan is not None
        self.plan.append(step)
        if "call" in step:
            self.calls.append(step)

    def variable(self, call: int, path: str, name: str) -> str:
        """``${var}`` for the value at ``path`` of the ``call``-th call, adding its ``save:`` once."""
        key = f"{call}:{path}"
        for var, where in self._vars.items():
            if where == key:
                return "${" + var + "}"
        var, n = name, 2
        while var in self._vars:
            var, n = f"{name}{n}", n + 1
        self._vars[var] = key
        self.calls[call].setdefault("save", {})[var] = path
        return "${" + var + "}"

    def drop_empty_plans(self) -> list[Any]:
        """The turns as written: a user turn with nothing planned keeps ``plan: []`` out."""
        out: list[Any] = []
        for turn in self.turns:
            if isinstance(turn, dict) and turn.get("plan") == []:
                turn = {k: v for k, v in turn.items() if k != "plan"}
            out.append(turn)
        return out

    def to_yaml(self, schema: str | None) -> str:
        """The scenario file's text; ``schema`` is the modeline's target (relative to the file), if any."""
        head: dict[str, Any] = {"name": self.name, "project": self.project}
        if self.skill:
            head["skill"] = self.skill
        if self.device:
            head["device"] = self.device

        def dump(data: Any) -> str:
            return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=110)

        lines = []
        if schema:
            lines.append(f"# yaml-language-server: $schema={schema}")
        lines.append("# recorded with `wxreplay chat`")
        head = {k: _flow_small(v) for k, v in head.items()}
        turns = [_turn_data(t) for t in self.drop_empty_plans()]
        return "\n".join(lines) + "\n" + dump(head) + "\n" + dump({"turns": turns})

"""Check a parsed scenario against the skill it drives: APIs, arguments, cards.

Run by ``load_scenario(path, project=...)``, or directly with :func:`validate_scenario`. The
first problem raises a :class:`ScenarioError` at the scenario's line, e.g.
``unknown API 'createOrdr', did you mean 'createOrder'?``.

**Arguments and placeholders.** ``args`` are validated against the API's ``inputSchema`` with
the ``${var}`` fields *skipped*: an error located at (or inside) a field whose value holds a
placeholder is ignored, as is an ``anyOf``/``oneOf``/``allOf``/``not``/``if`` error over a mapping
that contains one, since the value is only known when the scenario runs (the runner validates
the substituted arguments again before the call). Everything else is checked: missing required
arguments, unknown arguments when the schema forbids them, wrong types of literal values. An
``args`` that is not written means ``{}``, except on the first call of a tap's plan, where the
arguments come from the card's ``api/call`` block and are not checked here.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import jsonschema

from wxreplay.errors import ProjectError, ScenarioError, UnknownApiError
from wxreplay.jsonfile import display_path
from wxreplay.project import ApiDecl, Project, Skill
from wxreplay.result import schema_validator
from wxreplay.scenario.model import CallStep, Expect, MessageTurn, RenderStep, Scenario, Source, Step, TapTurn, UserTurn
from wxreplay.scenario.templating import format_path, placeholders
from wxreplay.source import did_you_mean

__all__ = ["component_name", "validate_scenario"]

_COMBINATORS = frozenset({"anyOf", "oneOf", "allOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"})


def component_name(path: str) -> str:
    """How a scenario names a card: ``components/drink-list/index`` -> ``drink-list``."""
    p = PurePosixPath(path)
    return p.parent.name if p.name == "index" and p.parent.name else p.name


def validate_scenario(scenario: Scenario, project: Project, *, skill: str | None = None) -> Skill:
    """Check ``scenario`` against ``project`` and return the skill it drives.

    ``skill`` is the configured default, used when the scenario does not name one.
    """
    return _Checker(scenario, project, skill).run()


class _Checker:
    def __init__(self, scenario: Scenario, project: Project, skill: str | None) -> None:
        self.scenario = scenario
        self.project = project
        self.default_skill = skill
        self.last_api: str | None = None  # API of the latest call, for render: last
        self.rendered_components: set[str] = set()
        self.rendered_apis: set[str] = set()

    def error(self, message: str, source: Source, *at: str | int, key: bool = False, hint: str | None = None) -> ScenarioError:
        return self.scenario.error(message, source, *at, key=key, hint=hint)

    def run(self) -> Skill:
        sc = self.scenario
        try:
            self.skill = self.project.skill(sc.skill or self.default_skill)
        except ProjectError as e:
            if sc.skill is not None:
                raise self.error(e.message, sc.source, "skill", hint=e.hint) from None
            raise self.error(
                f"{e.message} — the scenario does not say which skill it drives",
                sc.source,
                hint="add skill: <name> at the top level",
            ) from None
        self.mcp = display_path(self.skill.mcp_path, self.project.root)
        self.components = self._components()
        for turn in sc.turns:
            if isinstance(turn, TapTurn):
                self.tap(turn)
                plan = turn.plan
            elif isinstance(turn, MessageTurn):
                self.message(turn)
                plan = turn.plan
            elif isinstance(turn, UserTurn):
                plan = turn.plan
            else:
                if turn.expect is not None:
                    self.expect(turn.expect)
                continue
            for i, step in enumerate(plan):
                self.step(step, from_card=isinstance(turn, TapTurn | MessageTurn) and i == 0)
        return self.skill

    # -- lookups ------------------------------------------------------------------------------

    def _components(self) -> dict[str, str]:
        """Component name (and full path) -> component path, from components[] and every componentPath."""
        paths = [c.path for c in self.skill.components]
        paths += [a.component_path for a in self.skill.apis if a.component_path]
        out: dict[str, str] = {}
        for path in paths:
            out.setdefault(component_name(path), path)
            out.setdefault(path, path)
        return out

    def api(self, name: str, source: Source, *at: str | int) -> ApiDecl:
        try:
            return self.skill.api(name)
        except UnknownApiError:
            names = self.skill.api_names()
            close = did_you_mean(name, names)
            declared = ", ".join(names) or "none"
            if close:
                raise self.error(
                    f"unknown API {name!r}, did you mean {close!r}?",
                    source,
                    *at,
                    hint=f"skill {self.skill.name!r} declares: {declared} (in {self.mcp})",
                ) from None
            raise self.error(
                f"unknown API {name!r}: skill {self.skill.name!r} declares {declared}",
                source,
                *at,
                hint=f"use one of those names, or declare {name} in {self.mcp} and register it in index.js",
            ) from None

    def card_of(self, name: str, source: Source, *at: str | int, verb: str) -> str:
        """The component path of API ``name``'s card, or an error: it has none."""
        decl = self.api(name, source, *at)
        if decl.component_path is None:
            with_cards = [a.name for a in self.skill.apis if a.component_path]
            raise self.error(
                f"{name} has no card to {verb}: {self.mcp} gives it no _meta.ui.componentPath",
                source,
                *at,
                hint=f"APIs with a card: {', '.join(with_cards) or 'none'}; for {name} check the call's result instead "
                "(expect: content / structuredContent)",
            )
        return decl.component_path

    def component(self, name: str, source: Source, *at: str | int) -> str:
        if name in self.components:
            return self.components[name]
        names = sorted({component_name(p) for p in self.components.values()})
        close = did_you_mean(name, names)
        raise self.error(
            f"no card component named {name!r} in skill {self.skill.name!r} (cards: {', '.join(names) or 'none'})",
            source,
            *at,
            hint=f"did you mean {close!r}?" if close else "name the card by its folder, e.g. drink-list",
        )

    # -- turns and steps ----------------------------------------------------------------------

    def tap(self, turn: TapTurn) -> None:
        src = turn.source
        if turn.component is not None:
            path = self.component(turn.component, src, "tap", "card")
            if path not in self.rendered_components:
                apis = [a.name for a in self.skill.apis if a.component_path == path]
                raise self.error(
                    f"no {component_name(path)} card has been rendered before this tap",
                    src,
                    "tap",
                    "card",
                    hint=f"render it first: - render: {apis[0]}" if apis else "no API shows this card",
                )
        if turn.api is not None:
            self.card_of(turn.api, src, "tap", "api", verb="tap")
            if turn.api not in self.rendered_apis:
                raise self.error(
                    f"the card of {turn.api} has not been rendered before this tap",
                    src,
                    "tap",
                    "api",
                    hint=f"render it first: - render: {turn.api}",
                )
        if turn.expect is not None:
            self.expect(turn.expect)

    def message(self, turn: MessageTurn) -> None:
        src = turn.source
        if turn.component is not None:
            # ("message", "card") locates `card:` of the mapping form, or `message: pay-card` itself.
            path = self.component(turn.component, src, "message", "card")
            if path not in self.rendered_components:
                raise self.error(
                    f"no {component_name(path)} card has been rendered before this turn, so it cannot have sent a message",
                    src,
                    "message",
                    "card",
                    hint="render it first in an earlier plan",
                )
        if turn.api is not None:
            self.card_of(turn.api, src, "message", "api", verb="take a message from")
            if turn.api not in self.rendered_apis:
                raise self.error(
                    f"the card of {turn.api} has not been rendered before this turn, so it cannot have sent a message",
                    src,
                    "message",
                    "api",
                    hint=f"render it first: - render: {turn.api}",
                )
        if turn.expect is not None:
            self.expect(turn.expect)

    def step(self, step: Step, *, from_card: bool) -> None:
        expects_error = isinstance(step, CallStep | RenderStep) and step.expect is not None and step.expect.error is not None
        if isinstance(step, CallStep) and expects_error:
            # The step pins a rejection (an unknown API, arguments against inputSchema): the platform's
            # answer is the check, so nothing about the call is refused here. It returns no result, so
            # `render: last` still means the call before it.
            pass
        elif isinstance(step, CallStep):
            decl = self.api(step.api, step.source, "call")
            self.last_api = step.api
            if step.args is not None or not from_card:
                self.arguments(decl, step)
        elif isinstance(step, RenderStep):
            if step.api is None:
                if self.last_api is None:  # pragma: no cover - the parser rejects render: last before any call
                    raise self.error("render: last, but no API has been called yet", step.source, "render")
                name = self.last_api
            else:
                name = step.api
            path = self.card_of(name, step.source, "render", verb="render")
            if not expects_error:  # a render that fails shows no card to tap later
                self.rendered_apis.add(name)
                self.rendered_components.add(path)
        if isinstance(step, CallStep | RenderStep) and step.expect is not None:
            self.expect(step.expect)

    def expect(self, expect: Expect) -> None:
        if expect.message is not None and expect.message.api_call is not None:
            self.api(expect.message.api_call, expect.message.source, "api_call")
        if expect.card is not None and expect.card.component is not None:
            self.component(expect.card.component, expect.card.source, "component")

    def arguments(self, decl: ApiDecl, step: CallStep) -> None:
        args: dict[str, Any] = step.args if step.args is not None else {}
        schema = decl.input_schema
        try:
            validator = schema_validator(schema, what="inputSchema", api=decl.name, file=None)
        except ProjectError:
            return  # a broken inputSchema is the skill's bug; calling the API reports it with the fix
        held = [(*ph.at,) for ph in placeholders(args)]

        def skipped(error: jsonschema.ValidationError) -> bool:
            path = tuple(error.absolute_path)
            if any(path[: len(p)] == p for p in held):
                return True  # the error is at or inside a field holding ${var}
            return str(error.validator) in _COMBINATORS and any(p[: len(path)] == path for p in held)

        errors = sorted((e for e in validator.iter_errors(args) if not skipped(e)), key=lambda e: list(e.absolute_path))
        if not errors:
            return
        first = errors[0]
        lines = [f"{format_path(['args', *e.absolute_path])}: {e.message}" for e in errors]
        props = sorted((schema.get("properties") or {}).keys())
        required = schema.get("required") or []
        hint = f"{decl.name} takes {', '.join(props) if props else 'no arguments'}"
        if required:
            hint += f" (required: {', '.join(required)})"
        at: tuple[str | int, ...] = ("args", *first.absolute_path) if step.args is not None else ("call",)
        key = False
        if first.validator == "additionalProperties" and isinstance(first.instance, dict):
            allowed = set((first.schema.get("properties") or {}).keys()) if isinstance(first.schema, dict) else set()
            extra = [k for k in first.instance if k not in allowed]
            if extra:
                at, key = (*at, extra[0]), True
                close = did_you_mean(extra[0], sorted(allowed))
                if close:
                    hint = f"did you mean {close!r}? " + hint
        elif first.validator == "required" and step.args is None:
            hint += "; add args: {...}"
        if len(lines) == 1:
            message = f"the arguments of {decl.name} do not match its inputSchema: {lines[0]}"
        else:
            message = f"the arguments of {decl.name} do not match its inputSchema:\n  " + "\n  ".join(lines)
        raise self.error(message, step.source, *at, key=key, hint=hint)

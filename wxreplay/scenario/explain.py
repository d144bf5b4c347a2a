"""A :class:`~wxreplay.scenario.shape.Problem` told the way a scenario author needs it.

Every message names the object (``the expect of a call step``, ```tap.index```), shows the bad
value, lists the valid keys or values and ends with the fix; a misspelt key or word gets a
did-you-mean. The names, valid keys, values and examples all come from the schema; this module
only knows how to say them, plus the few phrasings that read better than the generic one (the
missing ``name``, the duration without a unit ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import wxreplay.scenario.schema as format_schema
from wxreplay.errors import ScenarioError
from wxreplay.scenario.loader import YamlDoc, YamlPath
from wxreplay.scenario.shape import Problem
from wxreplay.scenario.value_checks import duration_problem, parse_duration, save_path_problem, start_time_problem, what
from wxreplay.source import did_you_mean

__all__ = [
    "EXAMPLE",
    "describe",
    "duration_problem",
    "explain",
    "parse_duration",
    "save_path_problem",
    "start_time_problem",
]

#: The smallest useful scenario, shown when a file has no turns or is not a mapping at all.
EXAMPLE = (
    "name: 点一杯拿铁\n"
    "turns:\n"
    "  - user: 点一杯 WeStore 拿铁，少糖\n"
    "    plan:\n"
    "      - call: searchDrinks\n"
    "        args: {keyword: 拿铁}"
)

_NOUNS = {"record": "record mode", "outcome": "payment outcome"}  # "unknown record mode 'x'"
_ENUM_HINTS = {
    "record": "none replays only; once records a missing cassette; new_episodes adds what is new; all re-records",
    "session": "new: the runtime ended and a fresh session starts; same: it kept running",
    "kind": "unknown_api / arguments: the platform rejects the call; js: JavaScript threw; render: the card's template "
    "failed; message: the platform rejects the card's message; card: e.g. nothing handles the tap",
}
_PLACES = {
    "call": "a call step",
    "render": "a render step",
    "tap": "a tap",
    "message": "a message turn",
    "event": "a lifecycle event",
}
_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


# -- words ------------------------------------------------------------------------------------------


def _join(names: Iterable[str]) -> str:
    return ", ".join(names)


def flow(value: Any) -> str:
    """``value`` written as YAML flow text, the way a hint shows it (``{keyword: 拿铁}``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, str):
        return (
            value
            if value and not re.search(r"^[\s\[{&*!|>'\"%@`#-]|: | #|\s$|^(true|false|null|[0-9.+-]+)$", value)
            else json.dumps(value, ensure_ascii=False)
        )
    return json.dumps(value, ensure_ascii=False)


def describe(node: Mapping[str, Any]) -> str:
    """What a schema node accepts, in words (``a text or a list of texts``)."""
    node = format_schema.resolve(node)
    if "oneOf" in node and "type" not in node:
        options = format_schema.branches(node)
        ordered = [o for o in options if o.get("type") == "object"] + [o for o in options if o.get("type") != "object"]
        return " or ".join(dict.fromkeys(describe(o) for o in ordered))
    if "const" in node:
        const = node["const"]
        return f"the word {const}" if isinstance(const, str) else json.dumps(const)
    if "enum" in node:
        return "one of the words " + _join(str(v) for v in node["enum"])
    kind = node.get("type")
    if kind == "array" and format_schema.resolve(node.get("items", {})).get("type") == "string":
        return "a list of texts"
    if kind == "string":
        return "a text"
    return _TYPE_NAMES.get(str(kind), "a value")


def _type_words(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(_TYPE_NAMES[k] for k in kind)
    return _TYPE_NAMES.get(str(kind), describe(node))


def _write(name: str, examples: Sequence[Any]) -> str:
    """``write name: <example>`` (or two examples), as a hint."""
    return "write " + " or ".join(f"{name}: {flow(example)}" for example in examples[:2])


# -- naming the place -------------------------------------------------------------------------------


class _Namer:
    """Names of places in one document, read from the data (which kind of turn or step is where)."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def value(self, at: YamlPath) -> Any:
        value = self.data
        for part in at:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def kind(self, at: YamlPath, kinds: Sequence[str]) -> str | None:
        value = self.value(at)
        if isinstance(value, dict):
            return next((k for k in value if k in kinds), None)
        return None

    def sub_schema(self, node: Mapping[str, Any], part: str | int, at: YamlPath) -> Mapping[str, Any] | None:
        """The schema of ``part`` inside the value at ``at`` whose schema is ``node`` (a oneOf decided by the data)."""
        node = format_schema.resolve(node)
        if "oneOf" in node and "properties" not in node:
            options = [b for b in format_schema.branches(node) if ("items" in b) == isinstance(part, int)]
            here = self.value(at)
            named = [b for b in options if isinstance(here, dict) and format_schema.kind_of(b) in here]
            holding = [b for b in options if part in b.get("properties", {})]
            choices = named or holding or options
            return self.sub_schema(choices[0], part, at) if choices else None
        if isinstance(part, int):
            items = node.get("items")
            return items if isinstance(items, Mapping) else None
        if part in node.get("properties", {}):
            found: Mapping[str, Any] = node["properties"][part]
            return found
        extra = node.get("additionalProperties")
        return extra if isinstance(extra, Mapping) else None

    def where(self, at: YamlPath) -> str:
        """The mapping at ``at``, as in "unknown key `x` in <where>"."""
        if not at:
            return "the scenario (top level)"
        last, parent = at[-1], at[:-1]
        if isinstance(last, int) and parent[-1:] == ("turns",):
            kind = self.kind(at, format_schema.turn_kinds())
            if kind is None:
                return "a turn"
            return f"a {kind} turn" if kind in ("user", "tap", "message") else f"a `{kind}` event"
        if isinstance(last, int) and parent[-1:] == ("plan",):
            kind = self.kind(at, format_schema.step_kinds())
            return f"a {kind} step" if kind else "a step"
        if last == "expect":
            return f"the expect of {_PLACES[self.expect_place(at)]}"
        if isinstance(last, int) and parent[-1:] == ("payments",):
            return "a payment"
        if last in ("card", "message") and parent[-1:] == ("expect",):
            return f"`expect.{last}`"
        return f"`{last}`"

    def expect_place(self, at: YamlPath) -> str:
        """``call``, ``render``, ``tap``, ``message`` or ``event``: where the ``expect:`` at ``at`` is written."""
        owner = at[:-1]
        if owner[-2:-1] == ("plan",):
            return self.kind(owner, format_schema.step_kinds()) or "call"
        return self.kind(owner, ("tap", "message")) or "event"

    def label(self, at: YamlPath) -> str:
        """The value at ``at``, as in "<label> must be a mapping"."""
        if not at:
            return "the scenario"
        last, parent = at[-1], at[:-1]
        if isinstance(last, int):
            up = parent[-1] if parent else ""
            if up == "turns":
                return "a turn"
            if up == "plan":
                return "a step"
            if up == "payments":
                return "a payment"
            if parent[-3:-1] == ("cloud", "collections"):
                return f"a document of {up!r}"
            return f"`{up}[{last}]`"
        if parent[-2:] == ("cloud", "collections"):
            return f"collection {last!r}"
        if parent[-1:] == ("save",):
            return f"the path of `{last}`"
        if parent and parent[-1] in ("tap", "card", "message", "login", "location", "system", "cloud"):
            return f"`{parent[-1]}.{last}`"
        return f"`{last}`"


# -- the problem ------------------------------------------------------------------------------------


def explain(problem: Problem, doc: YamlDoc) -> ScenarioError:
    """The located :class:`ScenarioError` for ``problem`` found in ``doc``."""
    message, at, key, hint = _Explainer(doc.data).explain(problem)
    return doc.error(message, at, key=key, hint=hint)


_Told = tuple[str, YamlPath, bool, str | None]


class _Explainer:
    """One method per JSON Schema keyword (``_type``, ``_required`` ...), named after it, tells its problem."""

    def __init__(self, data: Any) -> None:
        self.names = _Namer(data)

    def example(self, at: YamlPath) -> str | None:
        """The schema's examples for the value at ``at`` (or for the nearest key above it that has some)."""
        levels: list[tuple[str | int, Mapping[str, Any]]] = []
        node: Mapping[str, Any] | None = format_schema.root()
        for depth, part in enumerate(at):
            node = self.names.sub_schema(node, part, at[:depth]) if node is not None else None
            if node is None:
                break
            levels.append((part, node))
        for part, found in reversed(levels):
            examples = found.get("examples") or format_schema.resolve(found).get("examples")
            if examples and isinstance(part, str):
                return _write(part, examples)
        return None

    def explain(self, p: Problem) -> _Told:
        at, value = p.at, p.value
        if p.keyword in ("type", "oneOf", "const", "enum") and value is None and at and isinstance(at[-1], str):
            return f"`{at[-1]}` has no value", at, True, f"write a value after `{at[-1]}:` or remove the line"
        method = getattr(self, f"_{p.keyword}")
        told: _Told = method(p)
        return told

    # unknown and missing keys

    def _additionalProperties(self, p: Problem) -> _Told:
        mapping_at, key = p.at[:-1], str(p.value)
        valid = list(p.schema.get("properties", {}))
        return self.unknown_key(key, mapping_at, valid)

    def unknown_key(self, key: str, at: YamlPath, valid: Sequence[str]) -> _Told:
        where = self.names.where(at)
        elsewhere = self.elsewhere(key, at, valid)
        if elsewhere:
            return f"`{key}` does not belong in {where}", (*at, key), True, elsewhere
        close = did_you_mean(key, valid)
        hint = (f"did you mean `{close}`? " if close else "") + f"valid keys here: {_join(valid)}"
        return f"unknown key `{key}` in {where}", (*at, key), True, hint

    def elsewhere(self, key: str, at: YamlPath, valid: Sequence[str]) -> str | None:
        """Where ``key`` does belong, when it is valid in a sibling of the mapping at ``at``."""
        turn_kinds = format_schema.turn_kinds()
        if at[-2:-1] == ("turns",):
            if key in turn_kinds:
                return f"a turn is exactly one of {_join(turn_kinds)}: put `{key}` in its own turn"
            if key == "expect":
                return "a user message has no expect of its own: put `expect:` under a step of its plan"
            if key == "plan":
                return "a lifecycle event has no plan: the next user message or tap carries it (or a message turn)"
        if at[-2:-1] == ("plan",):
            if key in format_schema.step_kinds():
                return f"a step is exactly one of {_join(format_schema.step_kinds())}: put `{key}` in its own step"
            kind = self.names.kind(at, format_schema.step_kinds())
            for branch in format_schema.branches(format_schema.definition("step")):
                owner = format_schema.kind_of(branch)
                if key in branch.get("properties", {}):
                    return f"`{key}` belongs to a {owner} step, not a {kind} step"
        if at[-1:] == ("expect",):
            places = [_PLACES[p] for p, keys in format_schema.expect_places().items() if key in keys]
            if places:
                where = _PLACES[self.names.expect_place(at)]
                return f"`{key}` can be checked on {' or '.join(places)}; on {where} the valid keys are {_join(valid)}"
        return None

    def _propertyNames(self, p: Problem) -> _Told:
        return (
            f"{p.value!r} is not a variable name",
            p.at,
            True,
            "use letters, digits and _ (not starting with a digit), e.g. drinkId or order_id",
        )

    def _required(self, p: Problem) -> _Told:
        name, at = p.names[0], p.at
        if not at:
            if name == "name":
                return "the scenario has no `name`", at, False, "add a name on the first line, e.g. name: 点一杯拿铁（少糖）"
            return f"the scenario has no `{name}`", at, False, f"add the conversation, e.g.\n{EXAMPLE}"
        if name == "plan" and at[-2:-1] == ("turns",):
            return (
                "this user message has no `plan`: say what the assistant does in reply",
                at,
                False,
                "add plan: with steps such as - call: searchDrinks, - render: searchDrinks, - reply: <text>",
            )
        if at[-2:-1] == ("payments",):
            return f"a payment written as a mapping needs `{name}`", at, False, "write {outcome: fail, errMsg: 余额不足}"
        where = self.names.where(at)
        example = self.example(at)
        return f"{where} needs `{name}`", at, False, example

    def _dependencies(self, p: Problem) -> _Told:
        name, needed = p.names
        owner = p.at[-2] if len(p.at) > 1 else ""
        if name == "count":
            return (
                f"`{owner}.count` counts the nodes matching `{needed}`, but there is no {needed}",
                p.at,
                True,
                f"add {needed}: .tile",
            )
        return (
            f"`{owner}.{name}` are the arguments of an api/call block: say which with `{needed}`",
            p.at,
            True,
            f"add {needed}: <API name>",
        )

    def _not(self, p: Problem) -> _Told:
        first, second = p.names[0], p.names[-1]
        return (
            f"`{p.at[-2]}` names the card either by `{first}` (component) or by `{second}`, not both",
            p.at,
            True,
            "keep one: card: drink-list, or api: searchDrinks",
        )

    def _anyOf(self, p: Problem) -> _Told:
        names = [str(b["required"][0]) for b in p.schema["anyOf"]]
        label = self.names.label(p.at)
        return (
            f"{label} says nothing to check: give {' or '.join(f'`{n}`' for n in names)}",
            p.at,
            False,
            f"write {label.strip('`')}: {{{names[0]}: 拿铁}}",
        )

    def _oneOf(self, p: Problem) -> _Told:
        at, value = p.at, p.value
        label = self.names.label(at)
        if isinstance(value, dict) and p.alternatives and not any(_is_value_branch(a) for a in p.alternatives):
            return self.no_single_kind(p)
        if at[-2:-1] == ("plan",) and isinstance(value, str):
            close = did_you_mean(value, format_schema.step_kinds())
            return (
                f"a step is a mapping starting with call:, render: or reply:, got the text {value!r}",
                at,
                False,
                f"write - {close}: ..." if close else f"write - reply: {value}  (or - call: <API>)",
            )
        if at[-2:-1] == ("turns",):
            return (
                f"a turn must be a mapping, got {what(value)}",
                at,
                False,
                f"write - user: <message>, or one of the lifecycle words {_join(format_schema.flag_events())}",
            )
        example = self.example(at)
        return f"{label} must be {describe(p.schema)}, got {what(value)}", at, False, example

    def no_single_kind(self, p: Problem) -> _Told:
        """A mapping that names no alternative (or two): the kind keys of a turn or step, ``text``/``selector`` ..."""
        at, value = p.at, p.value
        kinds = [k for a in p.alternatives if (k := format_schema.kind_of(a)) is not None]
        present = [k for k in value if k in kinds]
        if not present and any(a.get("properties") for a in p.alternatives):
            valid = list(dict.fromkeys([*kinds, *(k for a in p.alternatives for k in a.get("properties", {}))]))
            unknown = next((k for k in value if k not in valid), None)
            if unknown is not None:
                return self.unknown_key(unknown, at, valid)
        if at[-2:-1] == ("turns",):
            if not present:
                return (
                    f"this turn has no kind: it needs one of {_join(kinds)}",
                    at,
                    False,
                    "a plan belongs to a user message or a tap: add `user: <message>` above `plan:`",
                )
            return (
                f"a turn is exactly one of {_join(kinds)}; this one has both `{present[0]}` and `{present[1]}`",
                (*at, present[1]),
                True,
                "split it into two turns, each starting with '- '",
            )
        if at[-2:-1] == ("plan",):
            if not present:
                return (
                    "this step has no kind: start it with call:, render: or reply:",
                    at,
                    False,
                    "e.g. - call: searchDrinks followed by args:, save:, expect:",
                )
            return (
                f"a step is exactly one of {_join(kinds)}; this one has both `{present[0]}` and `{present[1]}`",
                (*at, present[1]),
                True,
                "split it into two steps, each starting with '- '",
            )
        label = self.names.label(at)
        if at[-1:] == ("tap",):
            problem = f"both `{kinds[0]}` and `{kinds[1]}`" if present else f"neither `{kinds[0]}` nor `{kinds[1]}`"
            return (
                f"{label} finds the node by `{kinds[0]}` or by `{kinds[1]}`; this one has {problem}",
                at,
                False,
                "write text: 拿铁 (a node containing that text) or selector: .tile (plus index: 1 for the second)",
            )
        glosses = {"code": "wx.login succeeds with it", "fail": "the errMsg it fails with"}
        options = " or ".join(f"`{k}` ({glosses[k]})" if k in glosses else f"`{k}`" for k in kinds)
        return f"{label} takes exactly one of {options}", at, False, self.example(at)

    # wrong values

    def _type(self, p: Problem) -> _Told:
        at, value, label = p.at, p.value, self.names.label(p.at)
        if not at:
            return (
                f"a scenario file is a mapping of keys (name:, turns: ...), got {what(value)}",
                at,
                False,
                f"start from\n{EXAMPLE}",
            )
        if at[-1] in ("background", "advance") and (told := duration_problem(str(at[-1]), value)):
            return told[0], at, False, told[1]
        return f"{label} must be {_type_words(p.schema)}, got {what(value)}", at, False, self.example(at)

    def _const(self, p: Problem) -> _Told:
        at, value = p.at, p.value
        if at == ("version",):
            version = format_schema.format_version()
            return (
                f"unknown format version {value!r}; this wxreplay reads version {version}",
                at,
                False,
                f"write version: {version} (or leave it out)",
            )
        label = self.names.label(at)
        shown = describe({"oneOf": list(p.alternatives)}) if p.alternatives else describe(p.schema)
        written = repr(value) if isinstance(value, str) else flow(value)
        return f"{label} is {shown}, got {written}", at, False, self.example(at)

    def _enum(self, p: Problem) -> _Told:
        at, value = p.at, p.value
        options = [o for o in p.schema["enum"] if o is not None]
        if None in p.schema["enum"]:
            return f"`{at[-1]}` takes no value, got {what(value)}", at, False, f"write - {at[-1]}"
        if at[-2:-1] == ("turns",):
            return self.bare_turn(value, at, [str(o) for o in options])
        name = str(at[-1]) if isinstance(at[-1], str) else "outcome"
        close = did_you_mean(str(value), [str(o) for o in options]) if isinstance(value, str) else None
        if name in _NOUNS:
            hint = (f"did you mean {close!r}? " if close else "") + _ENUM_HINTS.get(name, "")
            return (
                f"unknown {_NOUNS[name]} {value!r} (valid: {_join(map(str, options))})",
                at,
                False,
                hint.strip() or self.example(at),
            )
        words = " or ".join(map(str, options)) if len(options) <= 2 else _join(map(str, options))
        tip = _ENUM_HINTS.get(name) or (f"did you mean {close!r}?" if close else None)
        return f"`{name}` is {words}, got {value!r}", at, False, tip

    def bare_turn(self, value: Any, at: YamlPath, flags: list[str]) -> _Told:
        if value in ("background", "advance"):
            return f"`{value}` needs a duration", at, False, f"write {value}: 30m (units: ms, s, m, h)"
        close = did_you_mean(str(value), flags)
        kinds = _join(format_schema.turn_kinds())
        return (
            f"a turn is a mapping like `user: <message>`, got the text {value!r}",
            at,
            False,
            f"did you mean `{close}`?" if close else f"write - user: {value}  (a turn is one of: {kinds})",
        )

    def _pattern(self, p: Problem) -> _Told:
        at, value, label = p.at, p.value, self.names.label(p.at)
        if p.schema["pattern"] == r"\S":
            return f"{label} is empty", at, False, self.example(at)
        if at[-2:-1] == ("marks",):
            return (
                f"mark {value!r} is not a valid pytest mark name",
                at,
                False,
                "use letters, digits and _ (not starting with a digit), e.g. smoke or slow_payment",
            )
        if at[-2:-1] == ("save",) and (told := save_path_problem(str(at[-1]), value)):
            return told[0], at, False, told[1]
        if at[-1] in ("background", "advance") and (told := duration_problem(str(at[-1]), value)):
            return told[0], at, False, told[1]
        if at[-1] == "start_time" and (told := start_time_problem(value)):
            return told[0], at, False, told[1]
        return f"{label} {value!r} does not have the expected form", at, False, self.example(at)

    def _minItems(self, p: Problem) -> _Told:
        at, label = p.at, self.names.label(p.at)
        if at == ("turns",):
            return "`turns` is empty: a scenario needs at least one turn", at, False, f"e.g.\n{EXAMPLE}"
        if at[-1:] == ("plan",):
            return "`plan` is empty", at, False, "add steps (- call: API, - render: API, - reply: text) or remove `plan`"
        return f"{label} is an empty list", at, False, f"give at least one text, or remove {label}"

    def _minimum(self, p: Problem) -> _Told:
        label = self.names.label(p.at)
        hint = "0 is the first match" if p.at[-1] == "index" else None
        return f"{label} must be {p.schema['minimum']} or more, got {p.value}", p.at, False, hint


def _is_value_branch(branch: Mapping[str, Any]) -> bool:
    """Whether a ``oneOf`` branch is a value branch (a type, a word) rather than a kind of mapping."""
    return ("type" in branch and branch.get("type") != "object") or "const" in branch or "enum" in branch

"""Scenario files written for a skill: a commented skeleton (``wxreplay new``) and a smoke scenario (``--smoke``).

Both are plain text built from what the skill declares (``mcp.json``): the APIs, their
``inputSchema`` (arguments made by :mod:`wxreplay.tally_args`, the tally's generator) and
``outputSchema`` (which fields a result carries), and the bound cards. Nothing runs here; the
command (:mod:`wxreplay.scaffold_cli`) writes the text and, when asked, records it with
``wxreplay run``.

A required argument is never invented when it names something the user or an earlier result must
supply (an id, free text): the skeleton writes ``null`` there, which the planner rejects at load
with the file and line to edit; the smoke scenario takes it from an earlier API's
``structuredContent`` (``save:`` + ``${var}``) or, when no earlier API returns a field of that
name, leaves the API as a commented step saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wxreplay.project import ApiDecl, Skill
from wxreplay.tally_args import sample_value

__all__ = [
    "SCHEMA_FILE",
    "SmokePlan",
    "SmokeStep",
    "check_name",
    "ensure_schema_file",
    "pick_api",
    "plan_smoke",
    "skeleton_text",
    "smoke_notes",
    "smoke_text",
]

#: The JSON Schema file written beside generated scenarios; the modeline points at it.
SCHEMA_FILE = "scenario.schema.json"


def ensure_schema_file(directory: Path) -> list[str]:
    """Write ``scenario.schema.json`` beside the scenarios when missing (what the modeline of every file
    ``new``, ``init`` and ``chat`` write points at); a note when an older one differs."""
    from wxreplay.scenario import schema_text

    path = directory / SCHEMA_FILE
    text = schema_text()
    if not path.exists():
        path.write_text(text, encoding="utf-8")
        return [f"wrote {path.as_posix()} (the JSON Schema the modeline points at)"]
    if path.read_text(encoding="utf-8") != text:
        return [
            f"left {path.as_posix()} as it is; it differs from this wxreplay's: "
            f"refresh it with wxreplay schema > {path.as_posix()}"
        ]
    return []


_NAME = re.compile(r"^\w[\w.-]*$")
#: Argument names that identify something (a record, a code): never made up.
_IDENTIFIER = re.compile(r"(id|ids|code|no|number|key|token|openid)$", re.IGNORECASE)
_DESCRIPTION_CHARS = 60


def check_name(name: str, suffix: str) -> str:
    """The file stem for ``name`` (``x.scenario.yaml`` given whole is accepted); ``ValueError`` saying why not."""
    stem = name[: -len(suffix)] if name.endswith(suffix) else name
    if not _NAME.match(stem):
        raise ValueError(
            f"{name!r} is not a usable scenario name: letters, digits, '_', '-' and '.' only, no folders "
            "(use -o DIR to choose the folder)"
        )
    return stem


# ---- arguments ---------------------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """``value`` as one line of YAML flow style (Chinese kept as is)."""
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**6).strip()
    return text[1:-1]


def _type_name(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "value"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "|".join(str(k) for k in kind)
    if "enum" in schema and isinstance(schema["enum"], list):
        return "one of " + ", ".join(_flow(v) for v in schema["enum"][:6])
    return str(kind) if kind else "value"


def _describe(schema: Any) -> str:
    text = schema.get("description", "") if isinstance(schema, dict) else ""
    text = " ".join(str(text).split())
    return text if len(text) <= _DESCRIPTION_CHARS else text[: _DESCRIPTION_CHARS - 1] + "…"


def _determined(name: str, schema: Any, root: Any) -> bool:
    """Whether the schema alone gives a real value for argument ``name`` (not an id, not free text).

    ``const`` / ``examples`` / ``default`` / ``enum``, a boolean, a number that names no record, a
    string with a ``format``, an object whose required properties are all determined.
    """
    if not isinstance(schema, dict):
        return False
    if any(k in schema for k in ("const", "examples", "default", "enum")):
        return True
    if "$ref" in schema or "allOf" in schema or "anyOf" in schema or "oneOf" in schema:
        return False
    kind = schema.get("type")
    if kind == "boolean":
        return True
    if kind in ("number", "integer"):
        return not _IDENTIFIER.search(name)
    if kind == "string":
        return isinstance(schema.get("format"), str) and not _IDENTIFIER.search(name)
    if kind == "object" or "properties" in schema:
        props, required = _fields(schema)
        return all(_determined(r, props.get(r), root) for r in required)
    return False


def _fields(schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The ``properties`` and the ``required`` names of an object schema (empty when malformed)."""
    props = schema.get("properties")
    required = schema.get("required")
    return (
        props if isinstance(props, dict) else {},
        [r for r in required if isinstance(r, str)] if isinstance(required, list) else [],
    )


def _properties(decl: ApiDecl) -> tuple[dict[str, Any], list[str]]:
    return _fields(decl.input_schema)


def _argument_lines(decl: ApiDecl, indent: str) -> list[str]:
    """``args:`` of a skeleton call: required arguments filled (``null`` where the user must say), optional commented."""
    props, required = _properties(decl)
    schema = decl.input_schema
    if not props and not required:
        return [f"{indent}args: {{}}                       # {decl.name} takes no arguments"]
    lines = (
        [f"{indent}args:"]
        if required
        else [f"{indent}args: {{}}   # none required; to give optional ones, write args: and uncomment lines below"]
    )
    for name in required:
        sub = props.get(name)
        about = f"{_type_name(sub)}: {_describe(sub)}".rstrip(": ")
        if _determined(name, sub, schema):
            value = _flow(sample_value(sub, root=schema))
            lines.append(f"{indent}  {name}: {value}   # required {about} (edit)")
        else:
            lines.append(f"{indent}  {name}: null   # EDIT: required {about}")
    for name, sub in props.items():
        if name in required:
            continue
        value = _flow(sample_value(sub, root=schema))
        about = f"{_type_name(sub)}: {_describe(sub)}".rstrip(": ")
        lines.append(f"{indent}  # {name}: {value}   # optional {about}")
    return lines


# ---- the skeleton --------------------------------------------------------------------------------------

#: Host APIs whose use in skill code earns a line in the ``device:`` hint, with the key that scripts them.
_DEVICE_HINTS: tuple[tuple[str, str], ...] = (
    (r"\bwx\.login\b", "login: {code: 0c3example00000000000000000000aa}   # the code wx.login returns"),
    (r"\brequestPayment\b", "payments: [success]                 # wx.requestPayment outcomes in order: success / cancel / fail"),
    (r"\bget(Fuzzy)?Location\b", "location: {latitude: 22.54, longitude: 113.95}   # or: denied"),
    (r"\bgetPhoneNumber\b|\bgetRealtimePhoneNumber\b", "phone_number: '13800000000'       # or: denied"),
    (r"\bwx\.cloud\b", "cloud: {functions: {}, collections: {}}   # wx.cloud function results and database"),
    (r"\b(get|set)StorageSync?\b", "storage: {}                         # the device storage before the first turn"),
)


def _device_lines(skill: Skill) -> list[str]:
    """A commented ``device:`` with the keys the skill's code suggests (what it calls on ``wx``)."""
    code = "\n".join(text for path, text in skill.source_files().items() if path.endswith(".js"))
    keys = [line for pattern, line in _DEVICE_HINTS if re.search(pattern, code)]
    lines = ["# device:                            # the simulated device (every key optional; see the README)"]
    lines += [f"#   {k}" for k in keys or ["seed: 7                           # randomness and ids"]]
    return lines


def _card_name(component_path: str) -> str:
    parts = [p for p in component_path.split("/") if p]
    return parts[-2] if len(parts) >= 2 and parts[-1] == "index" else (parts[-1] if parts else component_path)


def pick_api(skill: Skill) -> ApiDecl:
    """The API a skeleton calls: the first with a card and no required argument, else the first with a card, else the first."""

    def needs(decl: ApiDecl) -> bool:
        return bool(_properties(decl)[1])

    ranked = [decl for decl in skill.apis if decl.component_path and not needs(decl)]
    ranked += [decl for decl in skill.apis if decl.component_path]
    ranked += list(skill.apis)
    if ranked:
        return ranked[0]
    raise ValueError(f"skill {skill.name!r} declares no API in its mcp.json: there is nothing to call")


def _header(name: str, project_ref: str, skill: Skill, skill_line: bool, schema_ref: str | None) -> list[str]:
    lines = [f"# yaml-language-server: $schema={schema_ref}"] if schema_ref else []
    lines += [
        f"name: {_flow(name)}",
        f"project: {_flow(project_ref)}                  # relative to this file",
    ]
    if skill_line:
        lines.append(f"skill: {_flow(skill.name)}")
    return lines


def skeleton_text(name: str, skill: Skill, *, project_ref: str, skill_line: bool, schema_ref: str | None, api: ApiDecl) -> str:
    """A commented scenario for ``skill``: one user turn calling ``api``, its card rendered, a reply; examples commented."""
    lines = _header(name, project_ref, skill, skill_line, schema_ref)
    lines += _device_lines(skill)
    lines += [
        "",
        "turns:",
        "  - user: 你好，我想……                   # EDIT: what the user says",
        "    plan:                              # what the assistant does, step by step",
        f"      - call: {api.name}",
    ]
    lines += _argument_lines(api, "        ")
    lines += [
        "        # save: {value: structuredContent.someField}   # keep a value for later turns as ${value}",
        "        # expect: {isError: false, facts: ..., structuredContent: {...}}   # partial checks",
    ]
    card = _card_name(api.component_path) if api.component_path else None
    if api.component_path:
        lines += [
            f"      - render: {api.name}                 # its card ({api.component_path})",
            "        # expect: {card: some text on the card}",
        ]
    lines += [
        "      - reply: 好的，请看。                 # EDIT: the assistant's answer",
        "",
        "  # More turns (uncomment and edit):",
    ]
    if card:
        lines += [
            f"  # - tap: {{card: {card}, text: some text}}   # tap a card node; its message is the next user turn",
            "  #   plan:",
            "  #     - call: ...                      # the API its api/call names (args come from the card)",
        ]
    lines += [
        "  # - message: true                      # a message a card sent outside a tap (after a payment ...)",
        "  #   plan: [...]",
        "  # - background: 10m                    # also: foreground, memory_warning, restart, new_session",
        "  # - advance: 5s                        # virtual time: timers fire, realtime cards re-render",
    ]
    return "\n".join(lines) + "\n"


# ---- the smoke scenario ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmokeStep:
    """One API the smoke scenario calls: its arguments (``${var}`` for values taken from earlier results)."""

    api: ApiDecl
    args: dict[str, Any]
    sources: dict[str, str]  # argument -> where its ${var} comes from (for a comment)
    saves: dict[str, str] = field(default_factory=dict)  # var -> structuredContent path, filled by later steps


@dataclass(frozen=True)
class SmokePlan:
    """The APIs in dependency order, and those no earlier result can feed (with the reason)."""

    steps: list[SmokeStep]
    left: list[tuple[ApiDecl, str, dict[str, Any]]]  # (api, why, sample arguments)


def _output_fields(schema: Any, prefix: str = "structuredContent", depth: int = 0) -> Iterable[tuple[str, str, int]]:
    """``(field, path, depth)`` for each property an ``outputSchema`` declares (array items through ``[0]``)."""
    if not isinstance(schema, dict) or depth > 4:
        return
    props = schema.get("properties")
    if isinstance(props, dict):
        for key, sub in props.items():
            if not re.match(r"^[A-Za-z_$][\w$]*$", key):
                continue
            path = f"{prefix}.{key}"
            yield key, path, depth
            yield from _output_fields(sub, path, depth + 1)
    items = schema.get("items")
    if isinstance(items, dict):
        yield from _output_fields(items, f"{prefix}[0]", depth + 1)


def plan_smoke(skill: Skill) -> SmokePlan:
    """Every API of ``skill`` in dependency order (see the module docstring).

    Rounds: an API runs once each required argument is determined by its schema or named by a
    field of an earlier API's ``outputSchema`` (the shallowest path, the latest API on a tie);
    APIs without required arguments come first, then in ``mcp.json`` order round by round.
    """
    produced: dict[str, tuple[int, str, SmokeStep]] = {}  # field -> (depth, path, producer)
    steps: list[SmokeStep] = []
    pending = list(skill.apis)
    while pending:
        placed = None
        for decl in sorted(pending, key=lambda d: bool(_properties(d)[1])):  # stable: mcp.json order within
            props, required = _properties(decl)
            if all(r in produced or _determined(r, props.get(r), decl.input_schema) for r in required):
                placed = decl
                break
        if placed is None:
            break
        pending.remove(placed)
        props, required = _properties(placed)
        args = sample_value({**placed.input_schema, "required": []}, root=placed.input_schema) or {}
        args = {} if not isinstance(args, dict) else args
        sources: dict[str, str] = {}
        for r in required:
            if r in produced and not _determined(r, props.get(r), placed.input_schema):
                _, path, producer = produced[r]
                # The variable is the field's name: a later producer saves it anew, and every consumer
                # placed after it reads that later value (the one ``produced`` names from then on).
                producer.saves[r] = path
                args[r] = f"${{{r}}}"
                sources[r] = f"{producer.api.name} {path}"
            else:
                args[r] = sample_value(props.get(r), root=placed.input_schema)
        step = SmokeStep(placed, args, sources)
        steps.append(step)
        for key, path, depth in _output_fields(placed.output_schema):
            if key not in produced or depth <= produced[key][0]:
                produced[key] = (depth, path, step)
    left = []
    for decl in pending:
        props, required = _properties(decl)
        missing = [r for r in required if r not in produced and not _determined(r, props.get(r), decl.input_schema)]
        why = ", ".join(missing)
        reason = f"no earlier API's outputSchema has a field named {why}" if missing else "its arguments could not be filled"
        blind = [step.api.name for step in steps if not step.api.output_schema]
        if blind:  # their results may hold it, but only a declared outputSchema says so before anything runs
            reason += f" ({', '.join(blind)} declare{'s' if len(blind) == 1 else ''} no outputSchema)"
        sample = sample_value(decl.input_schema, root=decl.input_schema)
        sample = sample if isinstance(sample, dict) else {}
        for r in missing:
            sample[r] = None
        left.append((decl, reason, sample))
    return SmokePlan(steps, left)


def smoke_text(name: str, skill: Skill, *, project_ref: str, skill_line: bool, schema_ref: str | None, plan: SmokePlan) -> str:
    """The smoke scenario of ``plan``: one turn per API (call, save, render), the rest commented with the reason."""
    header = _header(name, project_ref, skill, skill_line, schema_ref)
    modeline, header = (header[:1], header[1:]) if schema_ref else ([], header)
    lines = [
        *modeline,
        f"# Smoke test of skill {skill.name}: every API in dependency order, every bound card rendered.",
        "# Written by `wxreplay new --smoke`; record it once with the service running:",
        "#   wxreplay run <this file> --record once --snapshot-update",
        *header,
    ]
    lines += _device_lines(skill)
    lines += ["", "turns:"]
    for step in plan.steps:
        decl = step.api
        lines += [f"  - user: {_flow('smoke: ' + decl.name)}", "    plan:", f"      - call: {decl.name}"]
        lines.append(f"        args: {_flow(step.args)}")
        for arg, source in step.sources.items():
            lines.append(f"        # {arg}: from {source}")
        if step.saves:
            lines.append(f"        save: {_flow(step.saves)}")
        if decl.component_path:
            lines.append(f"      - render: {decl.name}")
        lines.append(f"      - reply: {_flow(decl.name + ' done')}")
    left = list(plan.left)
    if not plan.steps and left:  # nothing can run as is: the first API stays live, its nulls a load error at their line
        decl, why, sample = left.pop(0)
        lines += [
            f"  # EDIT: {decl.name} needs its arguments ({why}); a null cannot run.",
            f"  - user: {_flow('smoke: ' + decl.name)}",
            "    plan:",
            f"      - call: {decl.name}",
            f"        args: {_flow(sample)}",
        ]
        if decl.component_path:
            lines.append(f"      - render: {decl.name}")
        lines.append(f"      - reply: {_flow(decl.name + ' done')}")
    for decl, why, sample in left:
        lines += [
            f"  # {decl.name} is not called: {why}.",
            "  # Give its arguments and uncomment:",
            f"  # - user: {_flow('smoke: ' + decl.name)}",
            "  #   plan:",
            f"  #     - call: {decl.name}",
            f"  #       args: {_flow(sample)}",
        ]
        if decl.component_path:
            lines.append(f"  #     - render: {decl.name}")
        lines.append(f"  #     - reply: {_flow(decl.name + ' done')}")
    return "\n".join(lines) + "\n"


def smoke_notes(plan: SmokePlan) -> Sequence[str]:
    """What the command says about a smoke plan: the APIs left out and why."""
    return [f"{decl.name} left as a commented step: {why}" for decl, why, _ in plan.left]

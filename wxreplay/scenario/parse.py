"""Scenario files into :mod:`model` objects, with an error at the right line for anything wrong.

A loaded document is first checked against the scenario JSON Schema (:mod:`shape`, told by
:mod:`explain`): keys, types, kinds of turns and steps, words, patterns. What a schema cannot say
is checked here, while the objects are built in file order: ``${var}`` used only after the
``save:`` that defines it, ``render: last`` after a call, taps after a render and agreeing with
the card's message, real time zones and start times, durations longer than nothing, wx API names
in ``host_calls`` and ``stubs``, a ``project`` that exists. Checks against the skill (API names,
``inputSchema``, cards) are in :mod:`validate` and run when a project is given.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import wxreplay.scenario.schema as format_schema
from wxreplay import wx_api_names
from wxreplay.cloud_errors import DOCUMENTED_ERROR_CODES, bad_error_codes
from wxreplay.errors import ScenarioError
from wxreplay.jsonfile import display_path
from wxreplay.record_mode import RecordMode
from wxreplay.scenario.explain import EXAMPLE, explain, parse_duration, start_time_problem
from wxreplay.scenario.loader import YamlDoc, YamlPath, parse_yaml, read_yaml
from wxreplay.scenario.model import (
    CallStep,
    CardCheck,
    CloudSetup,
    DeviceSetup,
    ErrorCheck,
    EventKind,
    EventTurn,
    Expect,
    MessageCheck,
    MessageTurn,
    RenderStep,
    ReplyStep,
    Save,
    Scenario,
    Source,
    Step,
    TapTurn,
    Turn,
    UserTurn,
)
from wxreplay.scenario.shape import first_problem
from wxreplay.scenario.templating import placeholders
from wxreplay.scenario.value_checks import NETWORK_TARGET_HINT, network_target_problem
from wxreplay.source import did_you_mean, exists

if TYPE_CHECKING:
    from wxreplay.project import Project

__all__ = ["DEFAULT_SUFFIX", "load_scenario", "load_scenarios", "parse_device", "parse_duration", "parse_scenario"]

DEFAULT_SUFFIX = ".scenario.yaml"


@functools.cache
def host_api_names() -> tuple[str, ...]:
    """Every wx host API name a host call (``host_calls``, ``stubs``) may use."""
    return wx_api_names.host_call_names()


@functools.cache
def recorded_host_names() -> tuple[str, ...]:
    """Every dotted name ``host_calls`` may use: what the runtime records, and the namespaces above."""
    return wx_api_names.recorded_names()


def _host_call_hint(name: str, known: tuple[str, ...]) -> str:
    """The fix for an unknown ``host_calls`` name: the recorded name it most likely means."""
    # `cloud.database().collection('orders').get()` is written as code: its calls are recorded under
    # the longest known dotted prefix (cloud.database), so name that; a typo gets a did-you-mean.
    dotted, before = name, ""
    while dotted != before:  # innermost calls first: `where(_.gt(1))`
        before, dotted = dotted, re.sub(r"\([^()]*\)", "", dotted)
    dotted = dotted.strip(".")
    parts = dotted.split(".")
    prefixes = [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
    prefix = next((p for p in prefixes if p in known), None)
    close = did_you_mean(dotted, known)
    if prefix is not None and ("(" in name or close is None):
        return f"the runtime records these calls as {prefix!r}: write {prefix}"
    if close:
        return f"did you mean {close!r}?"
    return (
        "name the call as the transcript records it (wx. optional): login, requestPayment, cloud.callFunction, "
        "cloud.database, modelContext.sendFollowUpMessage; `wxreplay run -v` shows every host call"
    )


@functools.cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _strings(value: Any, at: YamlPath) -> Iterator[tuple[YamlPath, str]]:
    """Every string inside ``value`` with its path (mapping keys excluded)."""
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*at, i))


def _texts(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


class _Builder:
    """Builds the model from a document the schema accepts; the first problem found raises."""

    def __init__(self, doc: YamlDoc, path: Path) -> None:
        self.doc = doc
        self.path = path
        self.saved: dict[str, Source] = {}  # variables saved so far, in file order
        self.all_saves: dict[str, int] = {}  # every save name -> first line, to say "saved later"
        self.called = False  # some call step came before
        self.rendered = False  # some render step came before

    def src(self, at: YamlPath) -> Source:
        span = self.doc.span(at)
        return Source(self.doc.file, span.line, span.column, span.end_line, at)

    def fail(self, message: str, at: YamlPath, *, key: bool = False, hint: str | None = None) -> NoReturn:
        raise self.doc.error(message, at, key=key, hint=hint)

    def check_vars(self, value: Any, at: YamlPath) -> None:
        """Every ``${var}`` in ``value`` must name a variable saved earlier in the file."""
        for path, string in _strings(value, at):
            try:
                found = placeholders(string)
            except ValueError as e:
                self.fail(f"bad placeholder: {e}", path, hint="write ${name} with a saved variable name, or $${ for a literal ${")
            for ph in found:
                if ph.name in self.saved:
                    continue
                later = self.all_saves.get(ph.name)
                if later is not None:
                    hint = (
                        f"{ph.name} is saved later, at line {later}: variables exist only after the step that saves them; "
                        "move that step earlier"
                    )
                else:
                    close = did_you_mean(ph.name, self.saved)
                    hint = (f"did you mean ${{{close}}}? " if close else "") + (
                        f"save it on an earlier call step: save: {{{ph.name}: structuredContent.{ph.name}}}"
                    )
                shown = ", ".join(self.saved) or "none yet"
                self.fail(f"{ph.text} is used before any `save:` defines {ph.name!r} (saved so far: {shown})", path, hint=hint)

    # -- scenario -----------------------------------------------------------------------------

    def scenario(self, data: dict[str, Any]) -> Scenario:
        self.pre_scan(data["turns"])
        base = self.path.parent
        project = None
        if "project" in data:
            project = base / data["project"]
            if not exists(project):
                self.fail(
                    f"`project` {data['project']!r} does not exist (looked for {display_path(project)})",
                    ("project",),
                    hint="give the folder holding app.json (or a skill folder), relative to this scenario file",
                )
        device = self.device(data["device"]) if "device" in data else DeviceSetup()
        turns = tuple(self.turn(turn, ("turns", i)) for i, turn in enumerate(data["turns"]))
        return Scenario(
            name=data["name"],
            path=self.path,
            file=self.doc.file,
            source=self.src(()),
            turns=turns,
            device=device,
            description=data.get("description"),
            project=project,
            skill=data.get("skill"),
            cassette=base / data["cassette"] if "cassette" in data else None,
            record=RecordMode(data["record"]) if "record" in data else None,
            marks=tuple(data.get("marks", ())),
            skip=data.get("skip"),
            xfail=data.get("xfail"),
            version=format_schema.format_version(),
            doc=self.doc,
        )

    def pre_scan(self, turns: list[Any]) -> None:
        """Remember every ``save:`` name and line, to tell "saved later" from "never saved"."""
        for i, turn in enumerate(turns):
            plan = turn.get("plan", []) if isinstance(turn, dict) else []
            for j, step in enumerate(plan):
                for name in step.get("save", {}):
                    self.all_saves.setdefault(name, self.doc.span(("turns", i, "plan", j, "save", name), key=True).line)

    # -- device -------------------------------------------------------------------------------

    def device(self, data: dict[str, Any], at: YamlPath = ("device",)) -> DeviceSetup:
        self.check_vars(data, at)
        kw: dict[str, Any] = {"source": self.src(at)}
        for name in ("storage", "session_valid", "location", "phone_number", "system", "seed", "locale", "app_id"):
            if name in data:
                kw[name] = data[name]
        if "login" in data:
            kw["login_code" if "code" in data["login"] else "login_fail"] = next(iter(data["login"].values()))
        if "payments" in data:
            kw["payments"] = tuple(data["payments"])
        if "start_time" in data:
            problem = start_time_problem(data["start_time"])
            if problem:
                self.fail(problem[0], (*at, "start_time"), hint=problem[1])
            kw["start_time"] = data["start_time"]
        if "timezone" in data:
            kw["timezone"] = self.timezone(data["timezone"], (*at, "timezone"))
        if "stubs" in data:
            kw["stubs"] = self.stubs(data["stubs"], (*at, "stubs"))
        if "cloud" in data:
            self.cloud_error_codes(data["cloud"], (*at, "cloud"))
            kw["cloud"] = CloudSetup(**data["cloud"])
        if "network" in data:
            kw["network"] = self.network(data["network"], (*at, "network"))
        return DeviceSetup(**kw)

    def network(self, data: dict[str, Any], at: YamlPath) -> dict[str, Any]:
        """``device.network``: each target a host (``api.example.com``, ``host:port``) or an http(s) URL prefix."""
        for kind in ("refused", "unresolved", "timeout"):
            for i, target in enumerate(data.get(kind) or ()):
                problem = network_target_problem(target)
                if problem:
                    self.fail(f"`network.{kind}`: {problem}", (*at, kind, i), hint=NETWORK_TARGET_HINT)
        return dict(data)

    def cloud_error_codes(self, data: dict[str, Any], at: YamlPath) -> None:
        """A ``{fail: ..., errCode: x}`` stub needs a number ``x``: it is what the skill reads as ``err.errCode``."""
        for kind in ("functions", "ai"):
            for name, spec in (data.get(kind) or {}).items():
                for where, code in bad_error_codes(spec):
                    self.fail(
                        f"`errCode` of the {kind} stub {name!r} must be a number, got {code!r}",
                        (*at, kind, name, *where, "errCode"),
                        hint=f"write e.g. errCode: -404011 (the documented codes: {DOCUMENTED_ERROR_CODES})",
                    )

    def timezone(self, value: str, at: YamlPath) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = did_you_mean(value, _timezones(), cutoff=0.6)
            self.fail(
                f"unknown time zone {value!r}",
                at,
                hint=(f"did you mean {close!r}? " if close else "") + "use an IANA name such as Asia/Shanghai",
            )
        return value

    def stubs(self, data: dict[str, Any], at: YamlPath) -> dict[str, Any]:
        names = host_api_names()
        for name in data:
            if name not in names:
                close = did_you_mean(name, names)
                self.fail(
                    f"`stubs`: {name!r} is not a wx API",
                    (*at, name),
                    key=True,
                    hint=f"did you mean {close!r}?" if close else "use the name without wx., e.g. chooseAddress",
                )
        return data

    # -- turns --------------------------------------------------------------------------------

    def turn(self, value: Any, at: YamlPath) -> Turn:
        if isinstance(value, str):
            return EventTurn(event=cast(EventKind, value), source=self.src(at))
        kind = next(k for k in value if k in format_schema.turn_kinds())
        if kind == "user":
            self.check_vars(value["user"], (*at, "user"))
            return UserTurn(text=value["user"], plan=self.plan(value["plan"], (*at, "plan")), source=self.src(at))
        if kind == "tap":
            return self.tap_turn(value, at)
        if kind == "message":
            return self.message_turn(value, at)
        duration = None
        written = None
        if kind in ("background", "advance"):
            try:
                duration = parse_duration(value[kind])
            except ValueError as e:
                self.fail(f"bad duration for `{kind}`: {e}", (*at, kind), hint=f"write {kind}: 30m, 5s, 1500ms, 2h or 1h30m")
            written = " ".join(str(value[kind]).split())  # as written: messages print `31m`, not the normalised form
        expect = self.expect(value["expect"], (*at, "expect"), "event") if "expect" in value else None
        return EventTurn(
            event=cast(EventKind, kind), source=self.src(at), duration_ms=duration, expect=expect, duration_text=written
        )

    def tap_turn(self, data: dict[str, Any], at: YamlPath) -> TapTurn:
        here = (*at, "tap")
        spec = data["tap"]
        self.check_vars(spec, here)
        kw: dict[str, Any] = {}
        if isinstance(spec, str):
            kw["text"] = spec
        else:
            names = {"card": "component", "api": "api", "text": "text", "selector": "selector", "index": "index"}
            kw.update({names[k]: v for k, v in spec.items()})
            kw["index_written"] = "index" in spec
        if not self.rendered:
            self.fail(
                "nothing can be tapped yet: no card has been rendered before this turn",
                here,
                hint="add - render: <API> to an earlier plan, after the call whose card it is",
            )
        if "expect" in data:
            kw["expect"] = self.expect(data["expect"], (*at, "expect"), "tap")
        if "plan" in data:
            if kw.get("expect") is not None and kw["expect"].error is not None:
                self.fail(
                    "`plan` answers the card's upstream message, but `expect: error` says the tap fails: "
                    "the platform gets no message to answer",
                    (*at, "plan"),
                    key=True,
                    hint="remove the plan (the next turn goes on after the failed tap), or remove expect: error",
                )
            kw["plan"] = self.plan(data["plan"], (*at, "plan"))
            self.check_tap_plan(kw.get("expect"), kw["plan"], at)
        return TapTurn(source=self.src(at), **kw)

    def message_turn(self, data: dict[str, Any], at: YamlPath) -> MessageTurn:
        here = (*at, "message")
        spec = data["message"]
        self.check_vars(spec, here)
        kw: dict[str, Any] = {}
        if isinstance(spec, str):
            kw["component"] = spec
        elif isinstance(spec, dict):
            kw.update({"component" if k == "card" else k: v for k, v in spec.items()})
        if not self.rendered:
            self.fail(
                "no card has been rendered before this turn, so no card can have sent a message",
                here,
                hint="a message turn takes the message a rendered card sent outside a tap: add - render: <API> earlier",
            )
        if "expect" in data:
            kw["expect"] = self.expect(data["expect"], (*at, "expect"), "message")
            if kw["expect"].message is not None and not kw["expect"].message.sent:
                self.fail(
                    "a message turn takes a message the card sent, so `message: false` can never hold here",
                    (*at, "expect", "message"),
                    hint="to check that a card sends nothing while rendering, write expect: {message: false} on its render step",
                )
        if "plan" in data:
            kw["plan"] = self.plan(data["plan"], (*at, "plan"))
            self.check_tap_plan(kw.get("expect"), kw["plan"], at)
        return MessageTurn(source=self.src(at), **kw)

    def check_tap_plan(self, expect: Expect | None, plan: tuple[Step, ...], at: YamlPath) -> None:
        message = expect.message if expect else None
        first = plan[0]
        if message is not None and not message.sent:
            self.fail(
                "`plan` follows the card's upstream message, but `expect` says the tap sends none",
                (*at, "plan"),
                key=True,
                hint="remove the plan, or expect the message the card sends",
            )
        if message is not None and message.api_call and isinstance(first, CallStep) and first.api != message.api_call:
            self.fail(
                f"the card's message calls {message.api_call}, but the plan's first call is {first.api}",
                (*at, "plan", 0, "call"),
                hint=f"the platform runs the api/call the card sent: write - call: {message.api_call}",
            )

    # -- steps --------------------------------------------------------------------------------

    def plan(self, value: list[Any], at: YamlPath) -> tuple[Step, ...]:
        return tuple(self.step(step, (*at, i)) for i, step in enumerate(value))

    def step(self, data: dict[str, Any], at: YamlPath) -> Step:
        if "call" in data:
            return self.call_step(data, at)
        if "render" in data:
            return self.render_step(data, at)
        self.check_vars(data["reply"], (*at, "reply"))
        return ReplyStep(text=data["reply"], source=self.src(at))

    def call_step(self, data: dict[str, Any], at: YamlPath) -> CallStep:
        args = data.get("args")
        if args is not None:
            self.check_vars(args, (*at, "args"))
        saves = tuple(
            Save(name=name, path=path, source=self.src((*at, "save", name))) for name, path in data.get("save", {}).items()
        )
        for save in saves:  # save runs before expect: expect may use the values this step saves
            self.saved[save.name] = save.source
        expect = self.expect(data["expect"], (*at, "expect"), "call") if "expect" in data else None
        if expect is None or expect.error is None:
            self.called = True  # a call pinned to fail returns nothing `render: last` could show
        else:
            self.check_error_alone(expect, (*at, "expect"), "call")
            if saves:
                self.fail(
                    "`save` reads the call's result, but `expect: error` says the call fails and returns none",
                    (*at, "save"),
                    key=True,
                    hint="remove save: from this step, or remove expect: error",
                )
        return CallStep(api=data["call"], source=self.src(at), args=args, save=saves, expect=expect)

    def check_error_alone(self, expect: Expect, at: YamlPath, place: str) -> None:
        """``expect: error`` with checks of what only a step that succeeded has (a result, a card) is a contradiction."""
        allowed = {"error", "findings", "host_calls"} | ({"message"} if place == "tap" else set())
        other = next((k for k in expect.raw if k not in allowed), None)
        if other is not None:
            what = {"call": "the call returns no result", "render": "no card is shown", "tap": "the tap's effect is cut short"}
            self.fail(
                f"`expect: {other}` checks what a {place} step that succeeded gives, but `expect: error` says it fails "
                f"({what[place]})",
                (*at, other),
                key=True,
                hint=f"keep error (with findings or host_calls) on this step, and check {other} on a step that succeeds",
            )

    def render_step(self, data: dict[str, Any], at: YamlPath) -> RenderStep:
        target = data["render"]
        if target == "last" and not self.called:
            self.fail(
                "`render: last` shows the card of the latest call, but no API has been called yet",
                (*at, "render"),
                hint="add a - call: step before it",
            )
        expect = self.expect(data["expect"], (*at, "expect"), "render") if "expect" in data else None
        if expect is not None and expect.error is not None:
            self.check_error_alone(expect, (*at, "expect"), "render")
        else:
            self.rendered = True
        return RenderStep(api=None if target == "last" else target, source=self.src(at), expect=expect)

    # -- expect -------------------------------------------------------------------------------

    def expect(self, data: dict[str, Any], at: YamlPath, place: str) -> Expect:
        self.check_vars(data, at)
        kw: dict[str, Any] = {}
        fields = {
            "isError": "is_error",
            "structuredContent": "structured_content",
            "_meta": "meta",
            "handoff": "handoff",
            "rerender": "rerender",
            "session": "session",
        }
        for key, attr in fields.items():
            if key in data:
                kw[attr] = data[key]
        for key in ("content", "facts", "actions", "findings"):
            if key in data:
                kw[key] = _texts(data[key])
        if "card" in data:
            kw["card"] = self.card_check(data["card"], (*at, "card"))
        if "message" in data:
            kw["message"] = self.message_check(data["message"], (*at, "message"))
        if "host_calls" in data:
            kw["host_calls"] = self.host_calls(data["host_calls"], (*at, "host_calls"))
        if "error" in data:
            value = data["error"]
            source = self.src((*at, "error"))
            kw["error"] = ErrorCheck(source=source, text=value) if isinstance(value, str) else ErrorCheck(source=source, **value)
        return Expect(source=self.src(at), raw=data, **kw)

    def card_check(self, value: Any, at: YamlPath) -> CardCheck:
        if not isinstance(value, dict):
            return CardCheck(source=self.src(at), text=_texts(value))
        kw: dict[str, Any] = {k: _texts(v) if k == "text" else v for k, v in value.items()}
        return CardCheck(source=self.src(at), **kw)

    def message_check(self, value: Any, at: YamlPath) -> MessageCheck:
        if value is False:
            return MessageCheck(source=self.src(at), sent=False)
        if isinstance(value, str):
            return MessageCheck(source=self.src(at), text=value)
        return MessageCheck(source=self.src(at), **value)

    def host_calls(self, value: str | list[str], at: YamlPath) -> tuple[str, ...]:
        names = _texts(value)
        known = recorded_host_names()
        for i, name in enumerate(names):
            bare = name.strip().removeprefix("wx.")
            if bare not in known:
                self.fail(
                    f"`host_calls`: {name!r} is not a wx API or another host call the runtime records",
                    at if isinstance(value, str) else (*at, i),
                    hint=_host_call_hint(bare, known),
                )
        return tuple(name.strip().removeprefix("wx.") for name in names)


def _checked(doc: YamlDoc) -> dict[str, Any]:
    """The document's data once the schema accepts it (the empty file has its own message)."""
    if doc.data is None:
        raise ScenarioError(
            "the file is empty",
            file=doc.file,
            line=1,
            column=1,
            hint=f"a scenario needs at least a name and turns, e.g.\n{EXAMPLE}",
        )
    problem = first_problem(doc.data)
    if problem is not None:
        raise explain(problem, doc)
    return cast(dict[str, Any], doc.data)


# -- entry points -----------------------------------------------------------------------------------


def parse_scenario(text: str, *, path: str | Path = "<scenario>.scenario.yaml", file: str | None = None) -> Scenario:
    """Parse scenario ``text`` as if read from ``path`` (relative paths in it resolve against its folder)."""
    path = Path(path)
    doc = parse_yaml(text, file=file if file is not None else display_path(path))
    doc.path = path
    return _Builder(doc, path).scenario(_checked(doc))


def parse_device(text: str, *, file: str = "--device") -> DeviceSetup:
    """A ``device:`` mapping given as JSON (or YAML) text, checked like the scenario key.

    For device defaults on the command line (``wxreplay run --device``, ``pytest --wx-device``);
    errors are located in ``text`` under the name ``file`` (``--device:1:2: unknown key ...``).
    """
    doc = parse_yaml(text, file=file)
    if not isinstance(doc.data, dict):
        raise doc.error(
            f"{file} must be a JSON object of device keys, got {text!r}",
            hint=f'e.g. {file} \'{{"timezone": "Asia/Shanghai", "seed": 7}}\'',
        )
    # The parser reads `device:` of a scenario document: give the text that shape, positions kept.
    doc.values = {("device", *k): v for k, v in doc.values.items()}
    doc.keys = {("device", *k): v for k, v in doc.keys.items()}
    doc.data = {"device": doc.data}
    problem = first_problem(doc.data["device"], format_schema.definition("device"), ("device",))
    if problem is not None:
        raise explain(problem, doc)
    return _Builder(doc, Path(file)).device(doc.data["device"])


def load_scenario(path: str | Path, *, project: Project | None = None, skill: str | None = None) -> Scenario:
    """Read, parse and check one scenario file; with ``project``, also check it against the skill.

    ``skill`` is the configured default when the file does not name one. Raises
    :class:`ScenarioError` (file:line:column, the YAML excerpt, the fix) for the first problem.
    """
    path = Path(path)
    doc = read_yaml(path)
    scenario = _Builder(doc, path).scenario(_checked(doc))
    if project is not None:
        from wxreplay.scenario.validate import validate_scenario

        validate_scenario(scenario, project, skill=skill)
    return scenario


def collect_files(paths: Iterable[str | Path], suffix: str = DEFAULT_SUFFIX) -> list[Path]:
    """Scenario files under ``paths``: files as given, directories searched recursively, sorted, no duplicates.

    Hidden directories and ``node_modules`` are skipped. A path that does not exist is returned
    as is, so loading it reports the missing file.
    """
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(path.rglob(f"*{suffix}")):
                rel = file.relative_to(path).parts[:-1]
                if any(part.startswith(".") or part == "node_modules" for part in rel) or not file.is_file():
                    continue
                found.setdefault(file.resolve().as_posix(), file)
        else:
            found.setdefault(path.resolve().as_posix() if path.exists() else path.as_posix(), path)
    return [found[key] for key in sorted(found)]


def load_scenarios(
    paths: Iterable[str | Path],
    suffix: str = DEFAULT_SUFFIX,
    *,
    project: Project | None = None,
    skill: str | None = None,
) -> list[Scenario | ScenarioError]:
    """Load every scenario under ``paths`` (see :func:`collect_files`); a broken file gives its error, in place."""
    out: list[Scenario | ScenarioError] = []
    for file in collect_files(paths, suffix):
        try:
            out.append(load_scenario(file, project=project, skill=skill))
        except ScenarioError as e:
            out.append(e)
    return out

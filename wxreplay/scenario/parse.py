"""Scenario files into :mod:`model` objects, with an error at the right line for anything wrong.

The checks here need only the file: keys and types, turn and step kinds, durations, record
mode, start time, ``save:`` paths and ``${var}`` use in file order. Checks against the skill
(API names, ``inputSchema``, cards) are in :mod:`validate` and run when a project is given.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from wxreplay import wx_api_names
from wxreplay.errors import ScenarioError
from wxreplay.jsonfile import display_path
from wxreplay.record_mode import RecordMode
from wxreplay.scenario import schema as keys
from wxreplay.scenario.loader import YamlDoc, YamlPath, parse_yaml, read_yaml
from wxreplay.scenario.model import (
    CallStep,
    CardCheck,
    CloudSetup,
    DeviceSetup,
    EventKind,
    EventTurn,
    Expect,
    MessageCheck,
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
from wxreplay.scenario.templating import RESULT_FIELDS, is_name, parse_path, placeholders, root_hint

if TYPE_CHECKING:
    from wxreplay.project import Project

__all__ = ["DEFAULT_SUFFIX", "load_scenario", "load_scenarios", "parse_duration", "parse_scenario"]

DEFAULT_SUFFIX = ".scenario.yaml"

_EXAMPLE = (
    "name: 点一杯拿铁\n"
    "turns:\n"
    "  - user: 点一杯 WeStore 拿铁，少糖\n"
    "    plan:\n"
    "      - call: searchDrinks\n"
    "        args: {keyword: 拿铁}"
)
_DURATION_PART = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|h|m|s)\s*")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
_MARK_RE = re.compile(keys.MARK_PATTERN)
_START_RE = re.compile(keys.START_TIME_PATTERN)


def parse_duration(text: str) -> int:
    """Milliseconds of ``30m``, ``5s``, ``1500ms``, ``2h``, ``1h30m`` or ``1.5s``; :class:`ValueError` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a duration is a number with a unit: 30m, 5s, 1500ms, 2h")
    total = 0.0
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"{text!r} is not a duration: write a number and a unit (ms, s, m, h), e.g. 30m, 5s, 1500ms, 2h")
        total += float(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    if total != int(total):
        raise ValueError(f"{text!r} is not a whole number of milliseconds")
    if total <= 0:
        raise ValueError(f"{text!r} is no time at all; a duration must be longer than 0")
    return int(total)


def _what(value: Any) -> str:
    """How a value's type is named in messages ("got a list")."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover - the loader only builds the types above


def _join(names: Iterable[str]) -> str:
    return ", ".join(names)


def _did_you_mean(word: str, valid: Sequence[str]) -> str | None:
    """The valid name ``word`` was probably meant to be: close spelling, other case or ``_``, or a prefix."""
    close = difflib.get_close_matches(word, valid, n=1, cutoff=0.6)
    if close:
        return close[0]
    folded = word.lower().replace("_", "").replace("-", "")
    for name in valid:
        if name.lower().replace("_", "") == folded:
            return name
    if len(word) >= 3:
        starts = [name for name in valid if name.startswith(word) or word.startswith(name)]
        if len(starts) == 1:
            return starts[0]
    return None


@functools.cache
def host_api_names() -> tuple[str, ...]:
    """Every wx host API name a host call (``host_calls``, ``stubs``) may use."""
    return wx_api_names.host_call_names()


@functools.cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


class _Parser:
    """One pass over a loaded document; the first problem found raises."""

    def __init__(self, doc: YamlDoc, path: Path) -> None:
        self.doc = doc
        self.path = path
        self.saved: dict[str, Source] = {}  # variables saved so far, in file order
        self.all_saves: dict[str, int] = {}  # every save name -> first line, to say "saved later"
        self.called = False  # some call step came before
        self.rendered = False  # some render step came before

    # -- helpers ------------------------------------------------------------------------------

    def src(self, at: YamlPath) -> Source:
        span = self.doc.span(at)
        return Source(self.doc.file, span.line, span.column, span.end_line, at)

    def fail(self, message: str, at: YamlPath, *, key: bool = False, hint: str | None = None) -> NoReturn:
        raise self.doc.error(message, at, key=key, hint=hint)

    def need(self, value: Any, kind: type | tuple[type, ...], at: YamlPath, what: str, example: str) -> Any:
        """``value`` if it is of ``kind`` (booleans are never numbers), else a located type error."""
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(f"{what} must be {_kind_name(kind)}, got {_what(value)}", at, hint=f"write {example}")
        return value

    def text(self, value: Any, at: YamlPath, what: str, example: str, *, empty: bool = False) -> str:
        self.need(value, str, at, what, example)
        if not empty and not value.strip():
            self.fail(f"{what} is empty", at, hint=f"write {example}")
        return cast(str, value)

    def mapping(self, value: Any, at: YamlPath, what: str, example: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.need(value, dict, at, what, example))

    def check_keys(
        self, data: dict[str, Any], at: YamlPath, valid: Sequence[str], where: str,
        elsewhere: dict[str, str] | None = None, nullable: Sequence[str] = (),
    ) -> None:
        """Unknown keys: the first one is an error located at the key, with a did-you-mean.

        A known key written without a value (``description:`` and nothing after it) is an error
        too, unless it is in ``nullable``: leave the key out instead.
        """
        for key in data:
            if key in valid and data[key] is None and key not in nullable:
                self.fail(f"`{key}` has no value", (*at, key), key=True, hint=f"write a value after `{key}:` or remove the line")
            if key in valid:
                continue
            if elsewhere and key in elsewhere:
                self.fail(f"`{key}` does not belong in {where}", (*at, key), key=True, hint=elsewhere[key])
            close = _did_you_mean(key, valid)
            hint = f"did you mean `{close}`? " if close else ""
            self.fail(f"unknown key `{key}` in {where}", (*at, key), key=True,
                      hint=f"{hint}valid keys here: {_join(valid)}")

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
                    hint = (f"{ph.name} is saved later, at line {later}: variables exist only after the step that saves them; "
                            "move that step earlier")
                else:
                    close = _did_you_mean(ph.name, list(self.saved))
                    hint = (f"did you mean ${{{close}}}? " if close else "") + (
                        f"save it on an earlier call step: save: {{{ph.name}: structuredContent.{ph.name}}}")
                shown = _join(self.saved) or "none yet"
                self.fail(f"{ph.text} is used before any `save:` defines {ph.name!r} (saved so far: {shown})", path, hint=hint)

    def texts(self, value: Any, at: YamlPath, what: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        """A text or a non-empty list of texts (each non-empty; the list may be empty with ``allow_empty``)."""
        if isinstance(value, str):
            return (self.text(value, at, what, f"{what.strip('`')}: <text>"),)
        if not isinstance(value, list):
            self.fail(f"{what} must be a text or a list of texts, got {_what(value)}", at,
                      hint=f"write {what.strip('`')}: 已支付 or {what.strip('`')}: [已支付, 取餐码]")
        if not value and not allow_empty:
            self.fail(f"{what} is an empty list", at, hint=f"give at least one text, or remove {what}")
        return tuple(self.text(item, (*at, i), f"{what}[{i}]", "a text") for i, item in enumerate(value))

    # -- scenario -----------------------------------------------------------------------------

    def scenario(self) -> Scenario:
        data = self.doc.data
        if data is None:
            raise ScenarioError(
                "the file is empty", file=self.doc.file, line=1, column=1,
                hint=f"a scenario needs at least a name and turns, e.g.\n{_EXAMPLE}",
            )
        if not isinstance(data, dict):
            self.fail(f"a scenario file is a mapping of keys (name:, turns: ...), got {_what(data)}", (),
                      hint=f"start from\n{_EXAMPLE}")
        self.check_keys(data, (), keys.TOP_KEYS, "the scenario (top level)")
        self.pre_scan(data.get("turns"))
        version = data.get("version", keys.FORMAT_VERSION)
        if version != keys.FORMAT_VERSION or isinstance(version, bool):
            self.fail(f"unknown format version {version!r}; this wxreplay reads version {keys.FORMAT_VERSION}",
                      ("version",), hint=f"write version: {keys.FORMAT_VERSION} (or leave it out)")
        if "name" not in data:
            self.fail("the scenario has no `name`", (), hint="add a name on the first line, e.g. name: 点一杯拿铁（少糖）")
        name = self.text(data["name"], ("name",), "`name`", "name: 点一杯拿铁（少糖）")
        description = None
        if data.get("description") is not None:
            description = self.text(data["description"], ("description",), "`description`", "description: <text>", empty=True)
        base = self.path.parent
        project = None
        if data.get("project") is not None:
            rel = self.text(data["project"], ("project",), "`project`", "project: ../examples/westore-cafe")
            project = base / rel
            if not project.exists():
                self.fail(f"`project` {rel!r} does not exist (looked for {display_path(project)})", ("project",),
                          hint="give the folder holding app.json (or a skill folder), relative to this scenario file")
        skill = None
        if data.get("skill") is not None:
            skill = self.text(data["skill"], ("skill",), "`skill`", "skill: coffee")
        cassette = None
        if data.get("cassette") is not None:
            cassette = base / self.text(data["cassette"], ("cassette",), "`cassette`", "cassette: cassettes/latte.yaml")
        record = None
        if data.get("record") is not None:
            record = self.record(data["record"])
        marks: tuple[str, ...] = ()
        if data.get("marks") is not None:
            marks = self.marks(data["marks"])
        skip = xfail = None
        if data.get("skip") is not None:
            skip = self.text(data["skip"], ("skip",), "`skip`", "skip: <why the scenario is skipped>")
        if data.get("xfail") is not None:
            xfail = self.text(data["xfail"], ("xfail",), "`xfail`", "xfail: <why it is expected to fail>")
        device = DeviceSetup()
        if data.get("device") is not None:
            device = self.device(data["device"])
        if "turns" not in data:
            self.fail("the scenario has no `turns`", (), hint=f"add the conversation, e.g.\n{_EXAMPLE}")
        turns = self.turns(data["turns"])
        return Scenario(
            name=name, path=self.path, file=self.doc.file, source=self.src(()), turns=turns, device=device,
            description=description, project=project, skill=skill, cassette=cassette, record=record, marks=marks,
            skip=skip, xfail=xfail, version=keys.FORMAT_VERSION, doc=self.doc,
        )

    def pre_scan(self, turns: Any) -> None:
        """Remember every ``save:`` name and line, to tell "saved later" from "never saved"."""
        if not isinstance(turns, list):
            return
        for i, turn in enumerate(turns):
            plan = turn.get("plan") if isinstance(turn, dict) else None
            for j, step in enumerate(plan if isinstance(plan, list) else []):
                save = step.get("save") if isinstance(step, dict) else None
                for name in save if isinstance(save, dict) else {}:
                    self.all_saves.setdefault(name, self.doc.span(("turns", i, "plan", j, "save", name), key=True).line)

    def record(self, value: Any) -> RecordMode:
        at = ("record",)
        self.text(value, at, "`record`", "record: none")
        if value not in keys.RECORD_MODES:
            close = _did_you_mean(value, keys.RECORD_MODES)
            self.fail(f"unknown record mode {value!r} (valid: {_join(keys.RECORD_MODES)})", at,
                      hint=(f"did you mean {close!r}? " if close else "")
                      + "none replays only; once records a missing cassette; new_episodes adds what is new; all re-records")
        return RecordMode(value)

    def marks(self, value: Any) -> tuple[str, ...]:
        at = ("marks",)
        self.need(value, list, at, "`marks`", "marks: [smoke, payment]")
        out = []
        for i, mark in enumerate(value):
            self.text(mark, (*at, i), f"`marks[{i}]`", "marks: [smoke, payment]")
            if not _MARK_RE.match(mark):
                self.fail(f"mark {mark!r} is not a valid pytest mark name", (*at, i),
                          hint="use letters, digits and _ (not starting with a digit), e.g. smoke or slow_payment")
            out.append(mark)
        return tuple(out)

    # -- device -------------------------------------------------------------------------------

    def device(self, value: Any) -> DeviceSetup:
        at: YamlPath = ("device",)
        data = self.mapping(value, at, "`device`", "device: {storage: {...}, payments: [cancel]}")
        self.check_keys(data, at, keys.DEVICE_KEYS, "`device`")
        self.check_vars(data, at)
        kw: dict[str, Any] = {"source": self.src(at)}
        if data.get("storage") is not None:
            kw["storage"] = self.mapping(data["storage"], (*at, "storage"), "`storage`", "storage: {westore:token: {token: t1}}")
        if data.get("login") is not None:
            kw.update(self.login(data["login"], (*at, "login")))
        if data.get("session_valid") is not None:
            kw["session_valid"] = self.need(data["session_valid"], bool, (*at, "session_valid"), "`session_valid`",
                                            "session_valid: false")
        if data.get("payments") is not None:
            kw["payments"] = self.payments(data["payments"], (*at, "payments"))
        for name in ("location", "phone_number"):
            if data.get(name) is not None:
                kw[name] = self.grant(data[name], (*at, name), name)
        if data.get("system") is not None:
            kw["system"] = self.system(data["system"], (*at, "system"))
        if data.get("seed") is not None:
            kw["seed"] = self.need(data["seed"], int, (*at, "seed"), "`seed`", "seed: 42")
        if data.get("start_time") is not None:
            kw["start_time"] = self.start_time(data["start_time"], (*at, "start_time"))
        if data.get("timezone") is not None:
            kw["timezone"] = self.timezone(data["timezone"], (*at, "timezone"))
        for name, example in (("locale", "locale: zh-CN"), ("app_id", "app_id: wx1234567890abcdef")):
            if data.get(name) is not None:
                kw[name] = self.text(data[name], (*at, name), f"`{name}`", example)
        if data.get("stubs") is not None:
            kw["stubs"] = self.stubs(data["stubs"], (*at, "stubs"))
        if data.get("cloud") is not None:
            kw["cloud"] = self.cloud(data["cloud"], (*at, "cloud"))
        return DeviceSetup(**kw)

    def login(self, value: Any, at: YamlPath) -> dict[str, Any]:
        example = "login: {code: 0c3abc} or login: {fail: system error}"
        data = self.mapping(value, at, "`login`", example)
        self.check_keys(data, at, keys.LOGIN_KEYS, "`login`")
        if len(data) != 1:
            self.fail("`login` takes exactly one of `code` (wx.login succeeds with it) or `fail` (the errMsg it fails with)",
                      at, hint=f"write {example}")
        if "code" in data:
            return {"login_code": self.text(data["code"], (*at, "code"), "`login.code`", "code: 0c3abc")}
        return {"login_fail": self.text(data["fail"], (*at, "fail"), "`login.fail`", "fail: system error")}

    def payments(self, value: Any, at: YamlPath) -> tuple[Any, ...]:
        example = "payments: [cancel, success] (or an item like {outcome: fail, errMsg: 余额不足})"
        self.need(value, list, at, "`payments`", example)
        out: list[Any] = []
        for i, item in enumerate(value):
            here = (*at, i)
            if isinstance(item, str):
                outcome = item
            elif isinstance(item, dict):
                self.check_keys(item, here, keys.PAYMENT_KEYS, "a payment")
                if "outcome" not in item:
                    self.fail("a payment written as a mapping needs `outcome`", here,
                              hint="write {outcome: fail, errMsg: 余额不足}")
                outcome = item["outcome"]
                here = (*here, "outcome")
                if item.get("errMsg") is not None:
                    self.text(item["errMsg"], (*at, i, "errMsg"), "`errMsg`", "errMsg: 余额不足")
            else:
                self.fail(f"a payment is success, cancel, fail or a mapping, got {_what(item)}", here, hint=f"write {example}")
            if outcome not in keys.PAYMENT_OUTCOMES:
                close = _did_you_mean(str(outcome), keys.PAYMENT_OUTCOMES)
                self.fail(f"unknown payment outcome {outcome!r} (valid: {_join(keys.PAYMENT_OUTCOMES)})", here,
                          hint=f"did you mean {close!r}?" if close else f"write {example}")
            out.append(item)
        return tuple(out)

    def grant(self, value: Any, at: YamlPath, name: str) -> dict[str, Any] | str:
        example = (f"{name}: denied, or {name}: {{latitude: 22.54, longitude: 113.93}}" if name == "location"
                   else f"{name}: denied, or {name}: {{code: phone-code-0001}}")
        if isinstance(value, str):
            if value != "denied":
                self.fail(f"`{name}` is a mapping or the word denied, got {value!r}", at, hint=f"write {example}")
            return value
        data = self.mapping(value, at, f"`{name}`", example)
        if name == "location":
            self.check_keys(data, at, keys.LOCATION_KEYS, "`location`")
            for key in ("latitude", "longitude"):
                if key not in data:
                    self.fail(f"`location` needs `{key}`", at, hint=f"write {example}")
            for key, item in data.items():
                self.need(item, (int, float), (*at, key), f"`location.{key}`", f"{key}: 22.54")
        return data

    def system(self, value: Any, at: YamlPath) -> dict[str, dict[str, Any]]:
        example = "system: {windowInfo: {windowWidth: 375}, appBaseInfo: {theme: dark}}"
        data = self.mapping(value, at, "`system`", example)
        self.check_keys(data, at, keys.SYSTEM_KEYS, "`system`")
        for key, item in data.items():
            self.mapping(item, (*at, key), f"`system.{key}`", example)
        return data

    def start_time(self, value: Any, at: YamlPath) -> str:
        example = "start_time: '2026-01-05T09:30:00+08:00'"
        self.text(value, at, "`start_time`", example)
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"`start_time` {value!r} is not an ISO 8601 date and time", at, hint=f"write {example}")
        if parsed.tzinfo is None or not _START_RE.match(value):
            self.fail(f"`start_time` {value!r} has no UTC offset, so the time would depend on the machine", at,
                      hint=f"add the offset, e.g. {value}+08:00 (Beijing time) or {value}Z (UTC)")
        return cast(str, value)

    def timezone(self, value: Any, at: YamlPath) -> str:
        self.text(value, at, "`timezone`", "timezone: Asia/Shanghai")
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, _timezones(), n=1)
            self.fail(f"unknown time zone {value!r}", at,
                      hint=(f"did you mean {close[0]!r}? " if close else "") + "use an IANA name such as Asia/Shanghai")
        return cast(str, value)

    def stubs(self, value: Any, at: YamlPath) -> dict[str, Any]:
        data = self.mapping(value, at, "`stubs`", "stubs: {chooseAddress: {userName: 张三}, scanCode: {fail: cancel}}")
        names = host_api_names()
        for name in data:
            if name not in names:
                close = _did_you_mean(name, names)
                self.fail(f"`stubs`: {name!r} is not a wx API", (*at, name), key=True,
                          hint=f"did you mean {close!r}?" if close else "use the name without wx., e.g. chooseAddress")
        return data

    def cloud(self, value: Any, at: YamlPath) -> CloudSetup:
        example = "cloud: {collections: {orders: []}, functions: {getOpenId: {openid: o1}}}"
        data = self.mapping(value, at, "`cloud`", example)
        self.check_keys(data, at, keys.CLOUD_KEYS, "`cloud`")
        kw: dict[str, Any] = {}
        if data.get("collections") is not None:
            collections = self.mapping(data["collections"], (*at, "collections"), "`cloud.collections`", example)
            for name, docs in collections.items():
                here = (*at, "collections", name)
                self.need(docs, list, here, f"collection {name!r}", f"{name}: [{{_id: a1, ...}}] (an empty list creates it)")
                for i, doc in enumerate(docs):
                    self.mapping(doc, (*here, i), f"a document of {name!r}", "{_id: a1, name: 拿铁}")
            kw["collections"] = collections
        for name in ("functions", "files", "ai"):
            if data.get(name) is not None:
                kw[name] = self.mapping(data[name], (*at, name), f"`cloud.{name}`", example)
        for name in ("env", "openid"):
            if data.get(name) is not None:
                kw[name] = self.text(data[name], (*at, name), f"`cloud.{name}`", f"{name}: <text>")
        return CloudSetup(**kw)

    # -- turns --------------------------------------------------------------------------------

    def turns(self, value: Any) -> tuple[Turn, ...]:
        at: YamlPath = ("turns",)
        self.need(value, list, at, "`turns`", "turns: [- user: ..., plan: [...]]")
        if not value:
            self.fail("`turns` is empty: a scenario needs at least one turn", at, hint=f"e.g.\n{_EXAMPLE}")
        return tuple(self.turn(turn, (*at, i)) for i, turn in enumerate(value))

    def turn(self, value: Any, at: YamlPath) -> Turn:
        kinds = _join(keys.TURN_KINDS)
        if isinstance(value, str):
            if value in keys.FLAG_EVENTS:
                return EventTurn(event=cast(EventKind, value), source=self.src(at))
            if value in keys.DURATION_EVENTS:
                self.fail(f"`{value}` needs a duration", at, hint=f"write {value}: 30m (units: ms, s, m, h)")
            close = _did_you_mean(value, keys.FLAG_EVENTS)
            self.fail(
                f"a turn is a mapping like `user: <message>`, got the text {value!r}", at,
                hint=f"did you mean `{close}`?" if close else f"write - user: {value}  (a turn is one of: {kinds})",
            )
        data = self.mapping(value, at, "a turn", "- user: 点一杯拿铁\n  plan: [...]")
        present = [k for k in data if k in keys.TURN_KINDS]
        if not present:
            self.check_keys(data, at, keys.TURN_KEYS, "a turn")
            self.fail(f"this turn has no kind: it needs one of {kinds}", at,
                      hint="a plan belongs to a user message or a tap: add `user: <message>` above `plan:`")
        if len(present) > 1:
            self.fail(f"a turn is exactly one of {kinds}; this one has both `{present[0]}` and `{present[1]}`",
                      (*at, present[1]), key=True, hint="split it into two turns, each starting with '- '")
        kind = present[0]
        if kind == "user":
            return self.user_turn(data, at)
        if kind == "tap":
            return self.tap_turn(data, at)
        return self.event_turn(data, at, cast(EventKind, kind))

    def user_turn(self, data: dict[str, Any], at: YamlPath) -> UserTurn:
        self.check_keys(data, at, ("user", "plan"), "a user turn", {
            **{k: f"a turn is exactly one of {_join(keys.TURN_KINDS)}: put `{k}` in its own turn" for k in keys.TURN_KINDS},
            "expect": "a user message has no expect of its own: put `expect:` under a step of its plan",
        })
        text = self.text(data["user"], (*at, "user"), "`user`", "user: 点一杯 WeStore 拿铁，少糖")
        self.check_vars(text, (*at, "user"))
        if "plan" not in data:
            self.fail("this user message has no `plan`: say what the assistant does in reply", at,
                      hint="add plan: with steps such as - call: searchDrinks, - render: searchDrinks, - reply: <text>")
        plan = self.plan(data["plan"], (*at, "plan"))
        return UserTurn(text=text, plan=plan, source=self.src(at))

    def tap_turn(self, data: dict[str, Any], at: YamlPath) -> TapTurn:
        self.check_keys(data, at, ("tap", "expect", "plan"), "a tap turn", {
            k: f"a turn is exactly one of {_join(keys.TURN_KINDS)}: put `{k}` in its own turn" for k in keys.TURN_KINDS
        })
        here = (*at, "tap")
        value = data["tap"]
        example = "tap: {card: drink-list, text: 拿铁} or tap: 确认支付"
        kw: dict[str, Any] = {}
        if isinstance(value, str):
            kw["text"] = self.text(value, here, "`tap`", example)
            self.check_vars(value, here)
        else:
            spec = self.mapping(value, here, "`tap`", example)
            self.check_keys(spec, here, keys.TAP_KEYS, "`tap`")
            self.check_vars(spec, here)
            if "card" in spec and "api" in spec:
                self.fail("`tap` names the card either by `card` (component) or by `api`, not both", (*here, "api"),
                          key=True, hint="keep one: card: drink-list, or api: searchDrinks")
            if spec.get("card") is not None:
                kw["component"] = self.text(spec["card"], (*here, "card"), "`tap.card`", "card: drink-list")
            if spec.get("api") is not None:
                kw["api"] = self.text(spec["api"], (*here, "api"), "`tap.api`", "api: searchDrinks")
            chosen = [k for k in ("text", "selector") if spec.get(k) is not None]
            if len(chosen) != 1:
                problem = "both `text` and `selector`" if chosen else "neither `text` nor `selector`"
                self.fail(f"`tap` finds the node by `text` or by `selector`; this one has {problem}", here,
                          hint="write text: 拿铁 (a node containing that text) or selector: .tile (plus index: 1 for the second)")
            kw[chosen[0]] = self.text(spec[chosen[0]], (*here, chosen[0]), f"`tap.{chosen[0]}`", f"{chosen[0]}: 拿铁")
            if spec.get("index") is not None:
                index = self.need(spec["index"], int, (*here, "index"), "`tap.index`", "index: 0 (the first match)")
                if index < 0:
                    self.fail(f"`tap.index` must be 0 or more, got {index}", (*here, "index"), hint="0 is the first match")
                kw["index"] = index
        if not self.rendered:
            self.fail("nothing can be tapped yet: no card has been rendered before this turn", here,
                      hint="add - render: <API> to an earlier plan, after the call whose card it is")
        if data.get("expect") is not None:
            kw["expect"] = self.expect(data["expect"], (*at, "expect"), "tap")
        if "plan" in data:
            kw["plan"] = self.plan(data["plan"], (*at, "plan"))
            self.check_tap_plan(kw.get("expect"), kw["plan"], at)
        return TapTurn(source=self.src(at), **kw)

    def check_tap_plan(self, expect: Expect | None, plan: tuple[Step, ...], at: YamlPath) -> None:
        message = expect.message if expect else None
        first = plan[0]
        if message is not None and not message.sent:
            self.fail("`plan` follows the card's upstream message, but `expect` says the tap sends none", (*at, "plan"),
                      key=True, hint="remove the plan, or expect the message the card sends")
        if message is not None and message.api_call and isinstance(first, CallStep) and first.api != message.api_call:
            self.fail(
                f"the card's message calls {message.api_call}, but the plan's first call is {first.api}",
                (*at, "plan", 0, "call"),
                hint=f"the platform runs the api/call the card sent: write - call: {message.api_call}",
            )

    def event_turn(self, data: dict[str, Any], at: YamlPath, kind: EventKind) -> EventTurn:
        self.check_keys(data, at, (kind, "expect"), f"a `{kind}` event", nullable=keys.FLAG_EVENTS, elsewhere={
            **{k: f"a turn is exactly one of {_join(keys.TURN_KINDS)}: put `{k}` in its own turn" for k in keys.TURN_KINDS},
            "plan": "a lifecycle event has no plan: the next user message or tap carries it",
        })
        here = (*at, kind)
        value = data[kind]
        duration = None
        if kind in keys.DURATION_EVENTS:
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.fail(f"`{kind}: {value}` has no unit", here, hint=f"write {kind}: {value}m, {value}s or {value}ms")
            self.text(value, here, f"`{kind}`", f"{kind}: 30m")
            try:
                duration = parse_duration(value)
            except ValueError as e:
                self.fail(f"bad duration for `{kind}`: {e}", here, hint=f"write {kind}: 30m, 5s, 1500ms, 2h or 1h30m")
        elif value is not None and value is not True:
            self.fail(f"`{kind}` takes no value, got {_what(value)}", here, hint=f"write - {kind}")
        expect = self.expect(data["expect"], (*at, "expect"), "event") if data.get("expect") is not None else None
        return EventTurn(event=kind, source=self.src(at), duration_ms=duration, expect=expect)

    # -- steps --------------------------------------------------------------------------------

    def plan(self, value: Any, at: YamlPath) -> tuple[Step, ...]:
        self.need(value, list, at, "`plan`", "plan: [- call: searchDrinks, - render: searchDrinks, - reply: ...]")
        if not value:
            self.fail("`plan` is empty", at, hint="add steps (- call: API, - render: API, - reply: text) or remove `plan`")
        return tuple(self.step(step, (*at, i)) for i, step in enumerate(value))

    def step(self, value: Any, at: YamlPath) -> Step:
        kinds = "call:, render: or reply:"
        all_keys = tuple(dict.fromkeys(k for ks in keys.STEP_KEYS.values() for k in ks))
        if isinstance(value, str):
            close = _did_you_mean(value, keys.STEP_KINDS)
            self.fail(f"a step is a mapping starting with {kinds}, got the text {value!r}", at,
                      hint=f"write - {close}: ..." if close else f"write - reply: {value}  (or - call: <API>)")
        data = self.mapping(value, at, "a step", "- call: searchDrinks")
        present = [k for k in data if k in keys.STEP_KINDS]
        if not present:
            self.check_keys(data, at, all_keys, "a step")
            self.fail(f"this step has no kind: start it with {kinds}", at,
                      hint="e.g. - call: searchDrinks followed by args:, save:, expect:")
        if len(present) > 1:
            self.fail(f"a step is exactly one of call, render, reply; this one has both `{present[0]}` and `{present[1]}`",
                      (*at, present[1]), key=True, hint="split it into two steps, each starting with '- '")
        kind = present[0]
        elsewhere = {
            k: f"`{k}` belongs to a {next(s for s, ks in keys.STEP_KEYS.items() if k in ks)} step, not a {kind} step"
            for k in all_keys if k not in keys.STEP_KEYS[kind]
        }
        for k in keys.STEP_KINDS:
            elsewhere[k] = f"a step is exactly one of call, render, reply: put `{k}` in its own step"
        self.check_keys(data, at, keys.STEP_KEYS[kind], f"a {kind} step", elsewhere)
        if kind == "call":
            return self.call_step(data, at)
        if kind == "render":
            return self.render_step(data, at)
        text = self.text(data["reply"], (*at, "reply"), "`reply`", "reply: 已为你下单，请确认支付。")
        self.check_vars(text, (*at, "reply"))
        return ReplyStep(text=text, source=self.src(at))

    def call_step(self, data: dict[str, Any], at: YamlPath) -> CallStep:
        api = self.text(data["call"], (*at, "call"), "`call`", "call: searchDrinks")
        args = None
        if "args" in data:
            args = self.mapping(data["args"], (*at, "args"), "`args`", "args: {keyword: 拿铁} (or args: {} for none)")
            self.check_vars(args, (*at, "args"))
        saves: list[Save] = []
        if data.get("save") is not None:
            here = (*at, "save")
            spec = self.mapping(data["save"], here, "`save`", "save: {drinkId: structuredContent.items[0].drinkId}")
            for name, path in spec.items():
                saves.append(self.save(name, path, (*here, name)))
        self.called = True
        for save in saves:  # save runs before expect: expect may use the values this step saves
            self.saved[save.name] = save.source
        expect = self.expect(data["expect"], (*at, "expect"), "call") if data.get("expect") is not None else None
        return CallStep(api=api, source=self.src(at), args=args, save=tuple(saves), expect=expect)

    def save(self, name: str, path: Any, at: YamlPath) -> Save:
        if not is_name(name):
            self.fail(f"{name!r} is not a variable name", at, key=True,
                      hint="use letters, digits and _ (not starting with a digit), e.g. drinkId or order_id")
        example = f"{name}: structuredContent.{name}"
        self.text(path, at, f"the path of `{name}`", example)
        try:
            parts = parse_path(path)
        except ValueError as e:
            self.fail(f"bad path for `{name}`: {e}", at, hint=f"write {example}")
        if parts[0] not in RESULT_FIELDS:
            self.fail(f"the path of `{name}` must start at a result field, not {parts[0]!r}", at,
                      hint=root_hint(str(parts[0])))
        return Save(name=name, path=path, source=self.src(at))

    def render_step(self, data: dict[str, Any], at: YamlPath) -> RenderStep:
        target = self.text(data["render"], (*at, "render"), "`render`", "render: searchDrinks (or render: last)")
        if target == "last" and not self.called:
            self.fail("`render: last` shows the card of the latest call, but no API has been called yet", (*at, "render"),
                      hint="add a - call: step before it")
        self.rendered = True
        expect = self.expect(data["expect"], (*at, "expect"), "render") if data.get("expect") is not None else None
        return RenderStep(api=None if target == "last" else target, source=self.src(at), expect=expect)

    # -- expect -------------------------------------------------------------------------------

    def expect(self, value: Any, at: YamlPath, place: str) -> Expect:
        valid = keys.EXPECT_KEYS[place]
        where = keys.EXPECT_PLACES[place]
        example = {"call": "expect: {isError: false, content: 已加载}", "render": "expect: {card: {text: 拿铁}}",
                   "tap": "expect: {message: {api_call: selectDrink}}", "event": "expect: {session: new}"}[place]
        data = self.mapping(value, at, "`expect`", example)
        elsewhere: dict[str, str] = {}
        for other_keys in keys.EXPECT_KEYS.values():
            for k in other_keys:
                if k not in valid and k not in elsewhere:
                    places = [keys.EXPECT_PLACES[p] for p, ks in keys.EXPECT_KEYS.items() if k in ks]
                    elsewhere[k] = f"`{k}` can be checked on {' or '.join(places)}; on {where} the valid keys are {_join(valid)}"
        self.check_keys(data, at, valid, f"the expect of {where}", elsewhere)
        self.check_vars(data, at)
        kw: dict[str, Any] = {}
        if "isError" in data:
            kw["is_error"] = self.need(data["isError"], bool, (*at, "isError"), "`isError`", "isError: true")
        for key, attr in (("structuredContent", "structured_content"), ("_meta", "meta"), ("handoff", "handoff")):
            if key in data:
                kw[attr] = self.mapping(data[key], (*at, key), f"`{key}`", f"{key}: {{orderId: WS0001}} (the keys to check)")
        for key in ("content", "facts", "actions"):
            if key in data:
                kw[key] = self.texts(data[key], (*at, key), f"`{key}`")
        if "card" in data:
            kw["card"] = self.card_check(data["card"], (*at, "card"))
        if "message" in data:
            kw["message"] = self.message_check(data["message"], (*at, "message"))
        if "rerender" in data:
            kw["rerender"] = self.need(data["rerender"], bool, (*at, "rerender"), "`rerender`", "rerender: true")
        if "session" in data:
            session = data["session"]
            if session not in keys.SESSION_VALUES:
                self.fail(f"`session` is new or same, got {session!r}", (*at, "session"),
                          hint="new: the runtime ended and a fresh session starts; same: it kept running")
            kw["session"] = session
        if "host_calls" in data:
            kw["host_calls"] = self.host_calls(data["host_calls"], (*at, "host_calls"))
        if "findings" in data:
            kw["findings"] = self.texts(data["findings"], (*at, "findings"), "`findings`", allow_empty=True)
        return Expect(source=self.src(at), raw=data, **kw)

    def card_check(self, value: Any, at: YamlPath) -> CardCheck:
        if isinstance(value, str | list):
            return CardCheck(source=self.src(at), text=self.texts(value, at, "`card`"))
        data = self.mapping(value, at, "`card`", "card: {text: 拿铁, selector: .tile, count: 9}")
        self.check_keys(data, at, keys.CARD_KEYS, "`expect.card`")
        kw: dict[str, Any] = {}
        if data.get("component") is not None:
            kw["component"] = self.text(data["component"], (*at, "component"), "`card.component`", "component: order-status")
        if data.get("text") is not None:
            kw["text"] = self.texts(data["text"], (*at, "text"), "`card.text`")
        if data.get("selector") is not None:
            kw["selector"] = self.text(data["selector"], (*at, "selector"), "`card.selector`", "selector: .tile")
        if data.get("count") is not None:
            count = self.need(data["count"], int, (*at, "count"), "`card.count`", "count: 3")
            if count < 0:
                self.fail(f"`card.count` must be 0 or more, got {count}", (*at, "count"))
            if "selector" not in kw:
                self.fail("`card.count` counts the nodes matching `selector`, but there is no selector", (*at, "count"),
                          key=True, hint="add selector: .tile")
            kw["count"] = count
        if "text" not in kw and "selector" not in kw:
            self.fail("`card` says nothing to check: give `text` or `selector`", at, hint="write card: {text: 拿铁}")
        return CardCheck(source=self.src(at), **kw)

    def message_check(self, value: Any, at: YamlPath) -> MessageCheck:
        if value is False:
            return MessageCheck(source=self.src(at), sent=False)
        if isinstance(value, str):
            return MessageCheck(source=self.src(at), text=self.text(value, at, "`message`", "message: 我想看看拿铁"))
        example = "message: {text: 我想看看拿铁, api_call: selectDrink, arguments: {drinkId: 101}} (or message: false)"
        data = self.mapping(value, at, "`message`", example)
        self.check_keys(data, at, keys.MESSAGE_KEYS, "`expect.message`")
        kw: dict[str, Any] = {}
        if data.get("text") is not None:
            kw["text"] = self.text(data["text"], (*at, "text"), "`message.text`", "text: 我想看看拿铁")
        if data.get("api_call") is not None:
            kw["api_call"] = self.text(data["api_call"], (*at, "api_call"), "`message.api_call`", "api_call: selectDrink")
        if data.get("arguments") is not None:
            kw["arguments"] = self.mapping(
                data["arguments"], (*at, "arguments"), "`message.arguments`", "arguments: {drinkId: 101}")
            if "api_call" not in kw:
                self.fail("`message.arguments` are the arguments of an api/call block: say which with `api_call`",
                          (*at, "arguments"), key=True, hint="add api_call: <API name>")
        return MessageCheck(source=self.src(at), **kw)

    def host_calls(self, value: Any, at: YamlPath) -> tuple[str, ...]:
        names = self.texts(value, at, "`host_calls`")
        known = host_api_names()
        for i, name in enumerate(names):
            bare = name.removeprefix("wx.")
            if bare not in known:
                close = _did_you_mean(bare, known)
                self.fail(f"`host_calls`: {name!r} is not a wx API", at if isinstance(value, str) else (*at, i),
                          hint=f"did you mean {close!r}?" if close
                          else "use wx API names without wx., e.g. login, requestPayment")
        return tuple(name.removeprefix("wx.") for name in names)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if set(kinds) == {int, float}:
        return "a number"
    return " or ".join(names.get(k, k.__name__) for k in kinds)


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


# -- entry points -----------------------------------------------------------------------------------


def parse_scenario(text: str, *, path: str | Path = "<scenario>.scenario.yaml", file: str | None = None) -> Scenario:
    """Parse scenario ``text`` as if read from ``path`` (relative paths in it resolve against its folder)."""
    path = Path(path)
    doc = parse_yaml(text, file=file if file is not None else display_path(path))
    doc.path = path
    return _Parser(doc, path).scenario()


def parse_device(text: str, *, file: str = "--device") -> DeviceSetup:
    """A ``device:`` mapping given as JSON (or YAML) text, checked like the scenario key.

    For device defaults on the command line (``wxreplay run --device``, ``pytest --wx-device``);
    errors are located in ``text`` under the name ``file`` (``--device:1:2: unknown key ...``).
    """
    doc = parse_yaml(text, file=file)
    if not isinstance(doc.data, dict):
        raise ScenarioError(f"{file} must be a JSON object of device keys, got {text!r}",
                            hint=f'e.g. {file} \'{{"timezone": "Asia/Shanghai", "seed": 7}}\'')
    # The parser reads `device:` of a scenario document: give the text that shape, positions kept.
    doc.values = {("device", *k): v for k, v in doc.values.items()}
    doc.keys = {("device", *k): v for k, v in doc.keys.items()}
    doc.data = {"device": doc.data}
    return _Parser(doc, Path(file)).device(doc.data["device"])


def load_scenario(path: str | Path, *, project: Project | None = None, skill: str | None = None) -> Scenario:
    """Read, parse and check one scenario file; with ``project``, also check it against the skill.

    ``skill`` is the configured default when the file does not name one. Raises
    :class:`ScenarioError` (file:line:column, the YAML excerpt, the fix) for the first problem.
    """
    path = Path(path)
    doc = read_yaml(path)
    scenario = _Parser(doc, path).scenario()
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
    paths: Iterable[str | Path], suffix: str = DEFAULT_SUFFIX, *, project: Project | None = None, skill: str | None = None,
) -> list[Scenario | ScenarioError]:
    """Load every scenario under ``paths`` (see :func:`collect_files`); a broken file gives its error, in place."""
    out: list[Scenario | ScenarioError] = []
    for file in collect_files(paths, suffix):
        try:
            out.append(load_scenario(file, project=project, skill=skill))
        except ScenarioError as e:
            out.append(e)
    return out

"""The scripted planner and the turn loop: a scenario played through sessions, cards and a cassette.

:func:`run_scenario` plays one :class:`~wxreplay.scenario.Scenario` turn by turn and returns a
:class:`ScenarioRun`: the :class:`~wxreplay.transcript.Transcript` of everything that happened and
the first :class:`ScenarioFailure` (the run stops there). The engine never imports pytest; the
CLI (``wxreplay run``) and the pytest plugin are thin layers over these two functions.

**The planner** plays the AI backend's part exactly as written, and checks the script against what
a real backend could do:

* ``call:`` runs the API with its ``args`` after ``${var}`` substitution; the API must be declared
  and registered and the arguments must validate against its ``inputSchema`` (else the step fails).
* A card's upstream message that carries ``api/call`` blocks is what the platform runs next: the
  tap's plan must start (its first ``call:`` step) with that API. Its ``args`` may be left out (the
  card's arguments are used) or, if given, must equal the card's arguments.
* ``apiCalls`` returned by an API are followed as the platform does, in the same way: the plan's
  next ``call:`` step must be that API (``args`` left out or equal). The runner never makes a call
  the script does not show; a plan that ends with a chained call not made fails.
* A tap whose card sends an ``api/call`` needs a ``plan:`` (the platform would run the call); a
  ``plan:`` under a tap that sent no message fails.
* ``render: API`` shows the card of that API's latest call in the current session (``render:
  last``: of the latest call); a result with ``isError: true`` renders no card, so rendering it
  fails with the result's text.
* ``reply:`` records the assistant's text; ``save:`` captures values after a call.
* ``tap:`` finds the card by ``card:`` (component name) or ``api:`` (latest card of that API), else
  the card rendered last, in any session: tapping a card of a session that ended fails. A node
  given by ``text`` is the innermost element containing the text *from which a tap reaches a
  handler* (itself or an ancestor bound with ``bindtap``/``catchtap``), exact matches first, the
  ``index``-th of those (0-based); a ``selector`` is used as written.

**Findings**: error findings fail the step (an upstream message naming an unknown API, a card that
broke ...); warnings (a bare instruction, an ``outputSchema`` mismatch, ``wx.requestPayment`` in an
API ...) fail only with ``strict``. ``expect: findings: [codes]`` states the exact set of codes
instead (``[]``: none at all).

**The session lifecycle** (platform spec section 7). A run starts a session (new session id, fresh
V8 contexts, empty module state, storage from ``device:``); the device, its storage and the virtual
clock outlive sessions.

* ``background: 30m`` moves the clock with the app in the background. Nothing runs there: timers
  are frozen (postponed by the time spent in the background, see :meth:`Session.suspend`), so no
  timer fires and no card re-renders while backgrounded. Consecutive ``background`` events add up;
  when the total reaches 30 minutes the runtime ends at the moment it does (background start + 30
  min: cards get ``detached``), and the clock goes on to the end of the event.
* ``memory_warning`` while in the background ends the runtime; in the foreground it does nothing.
* ``restart`` ends the runtime; the next user message or tap starts a new session.
* ``new_session`` ends the runtime and starts a new session at once.
* ``foreground`` brings the app back; a ``user:`` or ``tap:`` turn and ``advance`` do so implicitly
  (the user is in the app), which also restarts the count of time in the background.
* ``advance: 5s`` lets time pass in the foreground: timers of every context fire, dynamic cards
  re-render (recorded in the transcript); with no runtime running, only the clock moves.
* After the runtime ended, the next ``user:`` turn starts a new session (new id, module state gone,
  storage kept) whose clock continues where the previous one stopped; cards of ended sessions are
  no longer interactive. Time between turns is not modelled: only calls and events move the clock.
* ``expect: {session: same}`` on an event: the session running before it still runs after it;
  ``new``: it ended (or was replaced, or none was running).

**Cassettes**: one cassette per scenario (``cassette:`` or ``<cassette_dir>/<file stem>.yaml``),
shared by all its sessions; ``cassette.turn`` is the 1-based turn index. A recording run saves the
cassette only when it passed, then replays the saved cassette (record mode ``none``) to verify it
and to produce the transcript, so a recording run and a replay give the same transcript.

**Determinism and the transcript**: the same scenario and cassette give a byte-identical
``transcript.to_json()`` on any machine, in any order: the clock, randomness and session ids are
seeded, and the transcript names files relative to the scenario's folder. In the stable form,
session ids become ``<session#N>`` and values captured by ``save:`` that look like ids (text of 4
or more characters with a digit and no space: order ids, pickup codes) become ``<name>`` (a second
value of the same name ``<name#2>``); nothing else is masked.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wxreplay.cards.card import ApiCallRequest, Card, UpstreamMessage
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode, CardQueryError
from wxreplay.cassette import Cassette, RecordMode, resolve_mode
from wxreplay.cassette.redact import RedactionRules, rules_from_pyproject
from wxreplay.device_setup import device_for
from wxreplay.errors import ArgumentsError, CassetteError, ProjectError, ScenarioError, WxReplayError
from wxreplay.expect import MISSING, Difference, ScenarioFailure, codes, contains, exact, host_calls, join, partial
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult
from wxreplay.scenario import (
    CallStep,
    CardCheck,
    DeviceSetup,
    EventTurn,
    Expect,
    MessageCheck,
    RenderStep,
    ReplyStep,
    Scenario,
    Source,
    Step,
    TapTurn,
    Turn,
    UserTurn,
    component_name,
    extract,
    load_scenario,
    substitute,
    validate_scenario,
)
from wxreplay.scenario.parse import DEFAULT_SUFFIX
from wxreplay.session import Session
from wxreplay.transcript import (
    StepRecord,
    Transcript,
    TurnRecord,
    host_call_dict,
    record_call,
    record_lifecycle,
    record_render,
    record_reply,
    record_tap,
)

__all__ = [
    "BACKGROUND_LIMIT_MS",
    "Difference",
    "RunOptions",
    "ScenarioFailure",
    "ScenarioRun",
    "cassette_path",
    "check_scenario",
    "format_duration",
    "load_project",
    "run_path",
    "run_scenario",
    "tap_candidates",
]

#: The runtime ends after this long in the background (spec 7, like mini-program keep-alive).
BACKGROUND_LIMIT_MS = 30 * 60_000


@dataclass(frozen=True)
class RunOptions:
    """How to run scenarios: record mode, defaults for what a scenario leaves out, strictness.

    ``record`` is none / once / new_episodes / all; ``None`` takes the scenario's own ``record:``
    or the default (none; the ``CI`` environment variable forces none unless ``record_explicit``).
    ``project`` and ``skill`` are used when the scenario names none; ``cassette_dir`` holds
    ``<file stem>.yaml`` cassettes of scenarios that name none (relative to the current
    directory); ``strict`` makes warnings fail the step; ``suffix`` is the scenario file suffix.
    ``device`` holds defaults under every scenario's own ``device:`` (:meth:`DeviceSetup.with_defaults`).
    ``record_command`` is the command a cassette miss suggests, ``{file}`` the scenario file and
    ``{mode}`` the record mode to use (the pytest plugin names the pytest item instead).
    """

    record: str | None = None
    record_explicit: bool = False
    project: Path | None = None
    skill: str | None = None
    cassette_dir: Path = Path("cassettes")
    strict: bool = False
    suffix: str = DEFAULT_SUFFIX
    device: DeviceSetup | None = None
    record_command: str = "wxreplay run {file} --record {mode}"

    def hint(self, scenario: Scenario, mode: str) -> str:
        """``record_command`` for ``scenario``; ``{mode}`` stays when ``mode`` is ``"{mode}"``."""
        return self.record_command.replace("{file}", scenario.file).replace("{mode}", mode)


@dataclass
class ScenarioRun:
    """One scenario run: the transcript and the first failure (``None`` when it passed).

    ``recorded`` counts the cassette entries this run wrote (0 in replay); ``elapsed_ms`` is the
    wall time of the run (not part of the transcript's stable form).
    """

    scenario: Scenario
    transcript: Transcript
    failure: ScenarioFailure | None
    recorded: int = 0
    elapsed_ms: float = 0.0
    cassette: Path | None = None

    @property
    def passed(self) -> bool:
        """True when every turn ran and every ``expect:`` held."""
        return self.failure is None


def cassette_path(scenario: Scenario, options: RunOptions = RunOptions()) -> Path:
    """The scenario's cassette: its ``cassette:`` or ``<cassette_dir>/<file stem>.yaml``."""
    if scenario.cassette is not None:
        return scenario.cassette
    name = scenario.path.name
    stem = name[: -len(options.suffix)] if options.suffix and name.endswith(options.suffix) else Path(name).stem
    return Path(options.cassette_dir) / f"{stem}.yaml"


def run_path(path: str | Path, options: RunOptions = RunOptions()) -> ScenarioRun:
    """Load ``path``, check it against its project and run it.

    A file that does not load or does not fit its project raises :class:`ScenarioError`
    (file:line:column, the YAML excerpt, the fix); everything that goes wrong while it runs is the
    returned run's ``failure``.
    """
    return run_scenario(load_scenario(path, skill=options.skill), options)


def run_scenario(scenario: Scenario, options: RunOptions = RunOptions(), *,
                 checked: tuple[Project, Skill] | None = None) -> ScenarioRun:
    """Play ``scenario`` turn by turn (see the module docstring) and return its run.

    Raises :class:`ScenarioError` when the scenario names no project (and ``options`` gives none)
    or does not fit it; a recording problem that is not the scenario's (a cassette that cannot be
    written) is the run's failure. ``checked`` is what :func:`check_scenario` returned for this
    scenario and these options, when the caller checked it already (the pytest plugin does at
    collection): the check is not repeated.
    """
    project, skill = checked if checked is not None else check_scenario(scenario, options)
    path = cassette_path(scenario, options)
    requested = options.record if options.record is not None else scenario.record
    mode = resolve_mode(requested, explicit=options.record_explicit and options.record is not None)
    try:
        first = _Conversation(scenario, options, project, skill, path, mode).run()
    except CassetteError as e:  # corrupt, truncated, wrong version: this scenario fails, the others run
        return _unreadable(scenario, options, project, skill, path, e)
    if first.failure is not None or first.recorded == 0:
        return first
    # Recorded and saved: what counts is what replay gives (redacted secrets included).
    again = _Conversation(scenario, options, project, skill, path, RecordMode.NONE).run()
    again.recorded = first.recorded
    again.elapsed_ms += first.elapsed_ms
    if again.failure is not None:
        again.failure = dataclasses.replace(
            again.failure, reason=f"the cassette was just recorded but does not replay: {again.failure.reason}")
    return again


def _unreadable(scenario: Scenario, options: RunOptions, project: Project, skill: Skill, path: Path,
                error: CassetteError) -> ScenarioRun:
    base = scenario.path.parent
    transcript = Transcript(scenario=scenario.name, file=scenario.path.name, project=_relative(project.root, base),
                            skill=skill.name, cassette=_relative(path, base))
    failure = ScenarioFailure(
        reason=f"the cassette {path} cannot be read", file=scenario.file, step="start", line=scenario.source.line,
        cause=error, scenario=scenario.name,
        fix=f"restore it from version control, or re-record it: {options.hint(scenario, 'all')}",
    )
    return ScenarioRun(scenario, transcript, failure, cassette=path)


# ---- set-up -----------------------------------------------------------------------------------


_PROJECTS: dict[str, tuple[tuple[Any, ...], Project]] = {}
_SKIP_DIRS = frozenset({"node_modules", ".git", "__pycache__", "miniprogram_npm"})


def _fingerprint(root: Path, limit: int = 5000) -> tuple[Any, ...] | None:
    """Name, size and mtime of every file under ``root`` (None past ``limit`` files: not worth caching)."""
    out: list[tuple[str, int, int]] = []
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            return None
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP_DIRS:
                    stack.append(entry.path)
            elif entry.is_file():
                st = entry.stat()
                out.append((entry.path, st.st_size, st.st_mtime_ns))
                if len(out) > limit:
                    return None
    return tuple(sorted(out))


def load_project(path: Path) -> Project:
    """``Project.load(path)``, reused across runs while no file under the project's root changed.

    A project loaded once keeps its compiled card templates and JSON Schema validators, which
    makes the second scenario over it much cheaper than the first.
    """
    key = os.path.realpath(path)
    hit = _PROJECTS.get(key)
    if hit is not None and _fingerprint(hit[1].root) == hit[0]:
        return hit[1]
    project = Project.load(path)
    stamp = _fingerprint(project.root)
    if stamp is not None:
        if len(_PROJECTS) >= 16:
            _PROJECTS.pop(next(iter(_PROJECTS)))
        _PROJECTS[key] = (stamp, project)
    return project


def check_scenario(scenario: Scenario, options: RunOptions = RunOptions()) -> tuple[Project, Skill]:
    """The project and skill ``scenario`` drives, checked against them (API names, ``inputSchema``, cards).

    Raises :class:`ScenarioError` at the scenario's line for a missing or broken project, an
    unknown skill, API or card.
    """
    if scenario.project is not None:
        try:
            project = load_project(scenario.project)
        except ProjectError as e:
            raise scenario.error(e.message, scenario.source, "project", hint=e.hint) from None
    elif options.project is not None:
        project = load_project(options.project)
    else:
        raise scenario.error("the scenario does not say which project it drives", scenario.source,
                             hint="add project: <the folder holding app.json, relative to this file>, or pass --project")
    return project, validate_scenario(scenario, project, skill=options.skill)


@functools.lru_cache(maxsize=8)
def _rules(cwd: str) -> RedactionRules:
    """``[tool.wxreplay.redact]`` of the current directory's pyproject.toml, as ``wxreplay call`` uses it."""
    return rules_from_pyproject(Path(cwd) / "pyproject.toml")


def _relative(target: Path, base: Path) -> str:
    """``target`` relative to ``base`` (POSIX separators): the same on every machine and from any directory."""
    try:
        return Path(os.path.relpath(os.path.abspath(target), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(os.path.abspath(target)).as_posix()


def format_duration(ms: int) -> str:
    """``1800000`` -> ``30m``, ``5000`` -> ``5s``, ``5400000`` -> ``1h30m``, ``1500`` -> ``1500ms``."""
    if ms % 1000:
        return f"{ms}ms"
    out = ""
    rest = ms // 1000
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out or "0s"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _id_like(value: Any) -> bool:
    """A saved value to mask in the stable transcript: text of 4+ characters with a digit and no space."""
    return (isinstance(value, str) and len(value) >= 4 and any(c.isdigit() for c in value)
            and not any(c.isspace() for c in value))


@dataclass
class _Shown:
    """A card as the conversation knows it: which session rendered it, at which turn."""

    card: Card
    session: int
    turn: int


# ---- the turn loop ----------------------------------------------------------------------------


class _Conversation:
    """One run of one scenario: the planner, the lifecycle, the transcript."""

    def __init__(self, scenario: Scenario, options: RunOptions, project: Project, skill: Skill, cassette: Path,
                 mode: RecordMode) -> None:
        self.sc = scenario
        self.opt = options
        self.project = project
        self.skill = skill
        self.cassette_file = cassette
        self.cassette = Cassette.open(cassette, mode, rules=_rules(os.getcwd()))
        self.cassette.scenario = scenario.name
        self.cassette.record_hint = f"record it (with the service running): {options.hint(scenario, '{mode}')}"
        self.device = device_for(scenario, options.device)
        self.clock = self.device.start_ms()
        base = scenario.path.parent
        self.transcript = Transcript(
            scenario=scenario.name, file=scenario.path.name, project=_relative(project.root, base),
            skill=skill.name, cassette=_relative(cassette, base),
        )
        self.vars: dict[str, Any] = {}
        self._masked: dict[str, list[Any]] = {}
        self.session: Session | None = None
        self.session_no = 0
        self.ended: dict[int, tuple[str, int]] = {}  # session number -> (why, turn)
        self.cards: list[_Shown] = []
        self.results: list[CallResult] = []  # calls of the current session
        self.background_since: int | None = None  # clock when the app went to the background
        self.background_ms = 0
        self.turn: Turn | None = None
        self.turn_no = 0
        self.where = "start"
        self.step_source: Source | None = None
        self.planned: str | None = None

    # ---- running ---------------------------------------------------------------------------
    def run(self) -> ScenarioRun:
        started = time.perf_counter()
        failure: ScenarioFailure | None = None
        timings: list[float] = []
        try:
            self.start_session()
            for i, turn in enumerate(self.sc.turns, 1):
                t0 = time.perf_counter()
                self.play(i, turn)
                timings.append(round((time.perf_counter() - t0) * 1000, 3))
        except ScenarioFailure as f:
            failure = f
        finally:
            if self.session is not None:
                self.session.close()  # the conversation is over: cards get detached
                self.session = None
        recorded = 0
        if failure is None and self.cassette.recording:
            recorded = len(self.cassette.new_entries)
            try:
                if not self.cassette.save():
                    recorded = 0
            except WxReplayError as e:
                self.turn, self.where, self.step_source, self.planned = None, "saving the cassette", None, None
                failure = self.failure(f"the cassette {self.cassette_file} was not written", cause=e)
                recorded = 0
        elapsed = (time.perf_counter() - started) * 1000
        self.transcript.timings = {"totalMs": round(elapsed, 3), "turnsMs": timings}
        return ScenarioRun(self.sc, self.transcript, failure, recorded=recorded, elapsed_ms=elapsed,
                           cassette=self.cassette_file)

    def play(self, index: int, turn: Turn) -> None:
        self.turn, self.turn_no = turn, index
        self.cassette.turn = index
        self.step_source, self.planned = turn.source, None
        if isinstance(turn, UserTurn):
            self.user_turn(turn)
        elif isinstance(turn, TapTurn):
            self.tap_turn(turn)
        else:
            self.event_turn(turn)

    # ---- failures --------------------------------------------------------------------------
    def at(self, label: str, source: Source) -> str:
        """Enter a step: failures from now on name it."""
        self.where, self.step_source, self.planned = label, source, None
        return label

    def failure(
        self, reason: str, *, source: Source | None = None, at: Sequence[str | int] = (),
        differences: Sequence[Difference] = (), cause: BaseException | None = None, fix: str | None = None,
        line: int | None = None,
    ) -> ScenarioFailure:
        src = source or self.step_source
        lines = None
        if src is not None:
            at_line = self.sc.span(src, *at).line if at else src.line
            lines = (at_line, at_line) if at else (src.line, src.end_line)
            line = line or at_line
        return ScenarioFailure(
            reason=reason, file=self.sc.file, turn=self.turn_no if self.turn is not None else None,
            step=self.where, yaml=self.sc.lines(self.turn.source) if self.turn else "",
            differences=list(differences), cause=cause, line=line, lines=lines, planned=self.planned,
            scenario=self.sc.name, fix=fix,
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

    # ---- sessions --------------------------------------------------------------------------
    def now(self) -> int:
        return self.session.now if self.session is not None else self.clock

    def start_session(self) -> None:
        self.session_no += 1
        try:
            session = Session(self.project, self.skill.name, device=self.device, transport=self.cassette.transport(),
                              interceptors=[self.cassette.interceptor], now_ms=self.clock)
        except WxReplayError as e:
            raise self.failure(f"session {self.session_no} could not start: the skill did not load", cause=e) from None
        self.session = session
        self.results = []
        self.transcript.start_session(session.session_id, session.now)
        seen = {(f.code, f.message) for f in self.transcript.findings}
        fresh = [f for f in session.findings if (f.code, f.message) not in seen]
        self.transcript.findings.extend(fresh)
        self.judge_findings(None, [f.to_dict() for f in fresh], join(self.where, f"session {self.session_no}"),
                            what="loading the skill")

    def end_session(self, why: str) -> tuple[list[Any], list[Any]]:
        """End the runtime (cards get ``detached``); the logs and findings of that, for the event's record."""
        session, self.session = self.session, None
        if session is None:
            return [], []
        n_log, n_find = len(session.logs), len(session.findings)
        session.close()
        self.clock = session.now
        self.transcript.end_session(why)
        self.ended[self.session_no] = (why, self.turn_no)
        self.results = []
        return session.logs[n_log:], session.findings[n_find:]

    def wake(self) -> None:
        """The user is in the app (a message or a tap): back to the foreground, a session running."""
        self.background_since, self.background_ms = None, 0
        if self.session is None:
            self.start_session()

    def _session(self) -> Session:
        assert self.session is not None
        return self.session

    # ---- user turns and plans --------------------------------------------------------------
    def user_turn(self, turn: UserTurn) -> None:
        self.at(f"turn {self.turn_no}", turn.source)
        self.wake()
        text = self.substitute(turn.text, turn.source, "user")
        rec = self.transcript.add_turn("user", line=turn.source.line, user=text)
        self.run_plan(turn.plan, rec, [])

    def run_plan(self, plan: Sequence[Step], rec: TurnRecord, queue: list[tuple[ApiCallRequest, str]]) -> None:
        for step in plan:
            if isinstance(step, CallStep):
                self.call_step(step, rec, queue)
            elif isinstance(step, RenderStep):
                self.render_step(step, rec)
            else:
                self.reply_step(step, rec)
        if queue:
            req, origin = queue[0]
            last = plan[-1] if plan else None
            raise self.failure(
                f"{origin} asks the platform to call {req.name} next, but the plan ends without calling it",
                source=last.source if last is not None else None,
                fix=f"add - call: {req.name} as the next call step (leave args out to use the arguments given)",
            )

    def call_step(self, step: CallStep, rec: TurnRecord, queue: list[tuple[ApiCallRequest, str]]) -> None:
        label = self.at(join(f"turn {self.turn_no}", step.api), step.source)
        args = None if step.args is None else self.substitute(step.args, step.source, "args")
        if queue:
            req, origin = queue[0]
            if step.api != req.name:
                raise self.failure(
                    f"{origin} asks the platform to call {req.name}, but the plan calls {step.api}", at=("call",),
                    fix=f"the platform runs the call it was given: write - call: {req.name}",
                )
            queue.pop(0)
            given = req.arguments if isinstance(req.arguments, dict) else {}
            if args is None:
                args = json.loads(json.dumps(given))
            elif args != given:
                diffs = exact(given, args, label, ("args",))
                raise self.failure(
                    f"the plan's args differ from the arguments of the api/call that {origin} carries", at=("args",),
                    differences=diffs or [Difference(join(label, "args"), given, args)],
                    fix="leave args out to run the call with the card's arguments, or write them exactly",
                )
        elif args is None:
            args = {}
        self.planned = f"call {step.api} {_compact(args)}"
        session = self._session()
        try:
            result = session.call(step.api, args)
        except ArgumentsError as e:
            raise self.failure(f"the arguments of {step.api} do not match its inputSchema", at=("args",) if step.args else (),
                               cause=e) from None
        except WxReplayError as e:
            raise self.failure(f"{step.api} failed: {_first_line(e)}", cause=e) from None
        self.results.append(result)
        step_rec = record_call(result, line=step.source.line)
        rec.add(step_rec)
        data = result.to_dict()
        for save in step.save:
            try:
                value = extract(data, save.path)
            except ScenarioError as e:
                raise self.failure(f"save {save.name}: {e.reason}", source=save.source, fix=e.hint) from None
            self.vars[save.name] = value
            step_rec.saved[save.name] = value
            self.mask(save.name, value)
        if step.expect is not None:
            diffs = self.check_call(step.expect, result, step_rec, label)
            if diffs:
                raise self.not_met(step.expect, diffs)
        self.judge_findings(step.expect.findings if step.expect else None, step_rec.findings, label)
        if result.api_calls and not result.is_error:
            for call in result.api_calls:
                name = str(call.get("name", "")) if isinstance(call, dict) else ""
                arguments = call.get("arguments", {}) if isinstance(call, dict) else {}
                queue.append((ApiCallRequest(name, arguments if arguments is not None else {}), f"{step.api}'s apiCalls"))

    def render_step(self, step: RenderStep, rec: TurnRecord) -> None:
        label = self.at(join(f"turn {self.turn_no}", f"render {step.api or 'last'}"), step.source)
        if step.api is None:
            target = self.results[-1] if self.results else None
            if target is None:
                raise self.failure(f"render: last, but no API has been called in session {self.session_no} yet",
                                   at=("render",), fix="call an API before rendering its card")
        else:
            target = next((r for r in reversed(self.results) if r.api == step.api), None)
            if target is None:
                raise self.failure(f"render: {step.api}, but {step.api} has not been called in session {self.session_no}"
                                   + (" (earlier sessions ended; their results are gone)" if self.session_no > 1 else ""),
                                   at=("render",), fix=f"call {step.api} first in this session")
        self.planned = f"render the card of {target.api} {_compact(target.arguments)}"
        if target.is_error:
            text = target.text if len(target.text) <= 160 else target.text[:159] + "…"
            raise self.failure(
                f"{target.api} returned isError: true, and isError results render no card (the client shows only the text): "
                f"{text}", at=("render",),
                fix="remove the render step, or check the error on the call: expect: {isError: true, content: ...}",
            )
        session = self._session()
        events, logs = len(session.events), len(session.logs)
        try:
            card = session.render(target)
        except WxReplayError as e:
            raise self.failure(f"rendering the card of {target.api} failed: {_first_line(e)}", cause=e) from None
        self.cards.append(_Shown(card, self.session_no, self.turn_no))
        step_rec = record_render(card, line=step.source.line)
        step_rec.host_calls = [host_call_dict(e) for e in session.events[events:]]
        step_rec.logs = [{"level": ln.level, "context": ln.context, "text": ln.text} for ln in session.logs[logs:]]
        rec.add(step_rec)
        exp = step.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.card is not None:
                diffs += self.check_card(exp.card, card, label)
            diffs += host_calls(exp.host_calls, [e.name for e in session.events[events:]], join(label, "host_calls"))
            if diffs:
                raise self.not_met(exp, diffs)
        self.judge_findings(exp.findings if exp else None, step_rec.findings, label)

    def reply_step(self, step: ReplyStep, rec: TurnRecord) -> None:
        self.at(join(f"turn {self.turn_no}", "reply"), step.source)
        text = self.substitute(step.text, step.source, "reply")
        rec.add(record_reply(text, line=step.source.line))

    # ---- taps ------------------------------------------------------------------------------
    def tap_turn(self, turn: TapTurn) -> None:
        what = turn.text if turn.text is not None else f"{turn.selector}" + (f" #{turn.index}" if turn.index else "")
        label = self.at(join(f"turn {self.turn_no}", f"tap {what}"), turn.source)
        shown = self.find_card(turn)
        card = shown.card
        name = component_name(card.component_path)
        if shown.session != self.session_no or self.session is None:
            why, when = self.ended.get(shown.session, ("", 0))
            raise self.failure(
                f"the {name} card was rendered in session {shown.session} (turn {shown.turn}), which ended "
                f"({why} at turn {when}): cards of an ended session are no longer interactive", at=("tap",),
                fix="the user must ask again: call its API and render the card in the new session before tapping it",
            )
        self.wake()
        target = self.find_target(card, turn)
        self.planned = f"tap {target.label()} in the {name} card (card #{card.number})"
        rec = self.transcript.add_turn("tap", line=turn.source.line)
        try:
            tap = card.tap(node=target)
        except WxReplayError as e:
            raise self.failure(f"tapping the {name} card failed: {_first_line(e)}", cause=e) from None
        step_rec = record_tap(tap, line=turn.source.line)
        rec.add(step_rec)
        message = tap.message
        if message is not None:
            rec.message = message.to_dict()
        exp = turn.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.message is not None:
                diffs += self.check_message(exp.message, message, label)
            if exp.card is not None:
                diffs += self.check_card(exp.card, card, label)
            if exp.rerender is not None and exp.rerender != tap.rerendered:
                diffs.append(Difference(join(label, "rerender"), exp.rerender, tap.rerendered))
            diffs += host_calls(exp.host_calls, [e.name for e in tap.host_events], join(label, "host_calls"))
            if diffs:
                raise self.not_met(exp, diffs)
        self.judge_findings(exp.findings if exp else None, step_rec.findings, label)
        queue = [(c, "the card's message") for c in message.api_calls] if message is not None else []
        if turn.plan:
            if message is None:
                raise self.failure("this tap has a plan, but the card sent no upstream message for the planner to answer",
                                   at=("plan",), fix="remove the plan, or tap a node whose handler sends a message")
            self.run_plan(turn.plan, rec, queue)
        elif queue:
            raise self.failure(
                f"the card's message asks the platform to call {queue[0][0].name} (an api/call block), "
                "but the tap has no plan", at=("tap",),
                fix=f"add plan: with - call: {queue[0][0].name} first (its arguments come from the card)",
            )

    def find_card(self, turn: TapTurn) -> _Shown:
        pool = self.cards
        if turn.component is not None:
            pool = [s for s in pool if turn.component in (component_name(s.card.component_path), s.card.component_path)]
            what = f"no {turn.component} card"
        elif turn.api is not None:
            pool = [s for s in pool if s.card.api == turn.api]
            what = f"no card of {turn.api}"
        else:
            what = "no card"
        if not pool:
            raise self.failure(f"{what} has been rendered before this tap", at=("tap",),
                               fix="render it first with - render: <API> in an earlier plan")
        return pool[-1]

    def find_target(self, card: Card, turn: TapTurn) -> CardNode:
        try:
            if turn.selector is not None:
                selector = self.substitute(turn.selector, turn.source, "tap", "selector")
                return card.find(str(selector), turn.index)
            text = str(self.substitute(turn.text, turn.source, "tap"))
            candidates = tap_candidates(card.tree, text)
            if not candidates:
                return card.find_text(text, index=turn.index)  # nothing tappable: the tap explains what is there
            if not -len(candidates) <= turn.index < len(candidates):
                shown = ", ".join(json.dumps(n.texts().strip(), ensure_ascii=False) for n in candidates)
                raise CardQueryError(f"no tappable node #{turn.index} with text {text!r} (found {len(candidates)}: {shown})",
                                     hint="index counts from 0")
            return candidates[turn.index]
        except CardQueryError as e:
            raise self.failure(f"the {component_name(card.component_path)} card has no such node: {e.message}",
                               at=("tap",), cause=e) from None

    # ---- lifecycle events ------------------------------------------------------------------
    def event_turn(self, turn: EventTurn) -> None:
        name = turn.event
        arg = format_duration(turn.duration_ms) if turn.duration_ms is not None else None
        label = self.at(join(f"turn {self.turn_no}", name + (f" {arg}" if arg else "")), turn.source)
        rec = self.transcript.add_turn("lifecycle", line=turn.source.line, event=name + (f" {arg}" if arg else ""))
        before = self.session
        ended = False
        changed: list[Card] = []
        events: list[Any] = []
        logs: list[Any] = []
        found: list[Any] = []
        if name == "background":
            assert turn.duration_ms is not None
            ended, logs, found = self.background(turn.duration_ms)
        elif name == "foreground":
            self.background_since, self.background_ms = None, 0
        elif name == "memory_warning":
            if self.background_since is not None and self.session is not None:
                logs, found = self.end_session("memory_warning")
                ended = True
        elif name in ("restart", "new_session"):
            ended = self.session is not None
            logs, found = self.end_session(name)
            self.background_since, self.background_ms = None, 0
        elif name == "advance":
            assert turn.duration_ms is not None
            self.background_since, self.background_ms = None, 0  # time passes with the user in the app
            session = self.session
            if session is None:
                self.clock += turn.duration_ms
            else:
                history = {c.number: len(c.history) for c in session.cards}
                n_ev, n_log, n_find = len(session.events), len(session.logs), len(session.findings)
                try:
                    session.advance(turn.duration_ms)
                except WxReplayError as e:
                    raise self.failure(f"a card broke while time passed: {_first_line(e)}", cause=e) from None
                changed = [c for c in session.cards if len(c.history) > history.get(c.number, 0)]
                events, logs, found = session.events[n_ev:], session.logs[n_log:], session.findings[n_find:]
        step_rec = record_lifecycle(name, arg, line=turn.source.line, session_ended=ended, cards=changed,
                                    host_events=events, logs=logs, findings=found)
        rec.add(step_rec)
        if name == "new_session":
            self.start_session()
        exp = turn.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.session is not None:
                state = "same" if before is not None and self.session is before else "new"
                if state != exp.session:
                    why = (f"the session ended ({self.ended[self.session_no][0]})" if self.session is None and before is not None
                           else "the session kept running" if state == "same" else "no session was running")
                    diffs.append(Difference(join(label, "session"), exp.session, f"{state}: {why}"))
            if exp.card is not None:
                last = self.current_cards()[-1:] if exp.card.component is None else []
                diffs += self.check_card(exp.card, last[0] if last else None, label)
            diffs += host_calls(exp.host_calls, [e.name for e in events], join(label, "host_calls"))
            if diffs:
                raise self.not_met(exp, diffs)
        self.judge_findings(exp.findings if exp else None, step_rec.findings, label)

    def background(self, ms: int) -> tuple[bool, list[Any], list[Any]]:
        """``ms`` in the background: whether the runtime ended during it (30 minutes in total), its logs and findings."""
        if self.background_since is None:
            self.background_since, self.background_ms = self.now(), 0
        session = self.session
        left = BACKGROUND_LIMIT_MS - self.background_ms
        self.background_ms += ms
        if session is None:
            self.clock += ms
            return False, [], []
        if ms < left:
            session.suspend(ms)
            return False, [], []
        session.suspend(left)
        logs, found = self.end_session(f"background {format_duration(BACKGROUND_LIMIT_MS)}")
        self.clock += ms - left
        return True, logs, found

    def current_cards(self) -> list[Card]:
        return [s.card for s in self.cards if s.session == self.session_no and self.session is not None]

    # ---- expectations ----------------------------------------------------------------------
    def check_call(self, exp: Expect, result: CallResult, step: StepRecord, label: str) -> list[Difference]:
        diffs: list[Difference] = []
        if exp.is_error is not None and exp.is_error != result.is_error:
            diffs.append(Difference(join(label, "isError"), exp.is_error, result.is_error))
        for key, want, got in (("structuredContent", exp.structured_content, result.structured_content),
                               ("_meta", exp.meta, result.meta), ("handoff", exp.handoff, result.handoff)):
            if want is None:
                continue
            want = self.substitute(want, exp.source, key)
            if got is None:
                diffs.append(Difference(join(label, key), want, MISSING, "missing"))
            else:
                diffs += partial(want, got, label, (key,))
        res = step.result or {}
        for key, actual in (("content", result.text), ("facts", "\n".join(res.get("facts", []))),
                            ("actions", "\n".join(res.get("actions", [])))):
            texts = getattr(exp, key)
            if texts:
                diffs += contains([str(t) for t in self.substitute(list(texts), exp.source, key)], actual, join(label, key))
        diffs += host_calls(exp.host_calls, [e.name for e in result.host_events], join(label, "host_calls"))
        return diffs

    def check_card(self, check: CardCheck, default: Card | None, label: str) -> list[Difference]:
        card = default
        if check.component is not None:
            matching = [c for c in self.current_cards() if check.component in (component_name(c.component_path),
                                                                                 c.component_path)]
            card = matching[-1] if matching else None
        name = component_name(card.component_path) if card is not None else (check.component or "")
        base = join(label, f"card {name}".rstrip())
        if card is None:
            state = "no such card is live in this session" if self.session is not None else "the session has ended"
            return [Difference(base, "a rendered card", state, "absent")]
        text = card.texts() + (f"\n{card.expired_text}" if card.expired and card.expired_text else "")
        diffs = contains([str(t) for t in self.substitute(list(check.text), check.source, "text")], text, join(base, "text"))
        if check.selector is not None:
            selector = str(self.substitute(check.selector, check.source, "selector"))
            try:
                n = len(card.find_all(selector))
            except CardQueryError as e:
                raise self.failure(f"bad selector {selector!r}: {e.message}", source=check.source, at=("selector",)) from None
            if check.count is None and n == 0:
                diffs.append(Difference(join(base, selector), "at least one match", "none", "count"))
            elif check.count is not None and n != check.count:
                diffs.append(Difference(join(base, selector), f"{check.count} match{'es' if check.count != 1 else ''}",
                                        f"{n}", "count"))
        return diffs

    def check_message(self, check: MessageCheck, message: UpstreamMessage | None, label: str) -> list[Difference]:
        base = join(label, "message")
        if not check.sent:
            return [] if message is None else [Difference(base, "no upstream message", message.to_dict(), "present")]
        if message is None:
            return [Difference(base, "an upstream message", "the tap sent none", "absent")]
        diffs: list[Difference] = []
        if check.text is not None:
            diffs += contains([str(self.substitute(check.text, check.source, "text"))], message.text, join(base, "text"))
        if check.api_call is not None:
            call = next((c for c in message.api_calls if c.name == check.api_call), None)
            if call is None:
                diffs.append(Difference(join(base, "api_call"), check.api_call,
                                        [c.name for c in message.api_calls] or "no api/call block"))
            elif check.arguments is not None:
                diffs += partial(self.substitute(check.arguments, check.source, "arguments"), call.arguments, base,
                                 ("arguments",))
        return diffs

    def judge_findings(self, expected: tuple[str, ...] | None, found: Sequence[Mapping[str, Any]], label: str, *,
                       what: str = "the step") -> None:
        if expected is not None:
            diffs = codes(expected, found, join(label, "findings"))
            if diffs:
                raise self.failure(f"{what} reported other findings than expect: findings lists", differences=diffs,
                                   fix="fix the skill, or list the codes it should report")
            return
        bad = [f for f in found if f.get("level") == "error" or self.opt.strict]
        if not bad:
            return
        diffs = [Difference(join(label, "findings", str(f.get("code"))), "no finding" if self.opt.strict else "no error finding",
                            f.get("message"), "present") for f in bad]
        kind = "finding" if self.opt.strict and any(f.get("level") != "error" for f in bad) else "error finding"
        raise self.failure(
            f"{what} reported {len(bad)} {kind}{'s' if len(bad) != 1 else ''}" + (" (strict)" if self.opt.strict else ""),
            differences=diffs,
            fix="fix the skill, or state the codes the step should report: expect: {findings: [" +
            ", ".join(sorted({str(f.get('code')) for f in bad})) + "]}",
        )

    # ---- the stable transcript -------------------------------------------------------------
    def mask(self, name: str, value: Any) -> None:
        """Show an id-like saved value as ``<name>`` in the stable transcript (see the module docstring)."""
        if not _id_like(value):
            return
        seen = self._masked.setdefault(name, [])
        if value in seen:
            return
        seen.append(value)
        self.transcript.volatile(value, name if len(seen) == 1 else f"{name}#{len(seen)}")


def tap_candidates(tree: CardNode, text: str) -> list[CardNode]:
    """The nodes a tap on ``text`` may mean: innermost elements containing it from which a tap reaches
    a handler, those whose whole text equals ``text`` first (document order otherwise)."""
    hits = [n for n in tree.iter() if n.tag not in (TEXT_TAG, ROOT_TAG) and text in n.texts().strip()]
    above: set[int] = set()
    for n in hits:
        p = n.parent
        while p is not None:
            above.add(id(p))
            p = p.parent
    innermost = [n for n in hits if id(n) not in above]

    def reaches_handler(n: CardNode) -> bool:
        p: CardNode | None = n
        while p is not None and p.tag != ROOT_TAG:
            if "tap" in p.events:
                return True
            p = p.parent
        return False

    tappable = [n for n in innermost if reaches_handler(n)]
    same = [n for n in tappable if n.texts().strip() == text]
    ids = {id(n) for n in same}
    return same + [n for n in tappable if id(n) not in ids]


def _first_line(e: WxReplayError) -> str:
    text = (e.message or str(e)).strip().splitlines()
    line = text[0] if text else type(e).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def _not_met(diffs: Sequence[Difference]) -> str:
    return f"expect: not met ({len(diffs)} difference{'s' if len(diffs) != 1 else ''})"


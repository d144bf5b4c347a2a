"""The scripted planner: plays a scenario's turns and steps through sessions, cards and a cassette.

A :class:`Planner` plays one :class:`~wxreplay.scenario.Scenario` for :mod:`wxreplay.runner`,
which opens the cassette, starts it and collects the transcript and the first failure; the
lifecycle rules (background, restart, new session) come from :class:`~wxreplay.lifecycle.Lifecycle`
and the ``expect:`` checks from :mod:`wxreplay.checks`. It talks to a
:class:`~wxreplay.session.Session` only through its public surface (call, render, advance,
suspend, close, cards, events, logs, findings, now, session_id).

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
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wxreplay import serialize
from wxreplay.cards.card import ApiCallRequest, Card
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode, CardQueryError
from wxreplay.cassette import Cassette
from wxreplay.checks import check_call, check_card, check_message, judge_findings
from wxreplay.config import WxmlCalls
from wxreplay.cursor import Cursor
from wxreplay.errors import ArgumentsError, ScenarioError, WxReplayError
from wxreplay.expect import Difference, exact, host_calls, join
from wxreplay.host.device import Device
from wxreplay.lifecycle import Lifecycle, Outcome, format_duration
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult
from wxreplay.scenario import (
    CallStep,
    CardCheck,
    EventTurn,
    RenderStep,
    ReplyStep,
    Scenario,
    Step,
    TapTurn,
    Turn,
    UserTurn,
    component_name,
    extract,
)
from wxreplay.session import Session
from wxreplay.transcript import (
    Transcript,
    TurnRecord,
    record_call,
    record_lifecycle,
    record_render,
    record_reply,
    record_tap,
)

__all__ = ["Planner", "tap_candidates"]


@dataclass
class _Shown:
    """A card as the planner knows it: which session rendered it, at which turn."""

    card: Card
    session: int
    turn: int


class Planner:
    """Plays one scenario's turns: the AI backend's part, the user's taps and the lifecycle events.

    ``cassette`` serves every session's HTTP (its ``turn`` follows the turns), ``device`` outlives
    the sessions, ``transcript`` receives everything that happens; ``strict`` makes warnings fail.
    Call :meth:`start`, then :meth:`play` for each turn, and :meth:`close` in any case; a step that
    fails raises :class:`~wxreplay.expect.ScenarioFailure` (made by :attr:`cursor`).
    """

    def __init__(
        self,
        scenario: Scenario,
        project: Project,
        skill: Skill,
        *,
        cassette: Cassette,
        device: Device,
        transcript: Transcript,
        strict: bool,
        wxml_calls: WxmlCalls = "undefined",
    ) -> None:
        self.sc = scenario
        self.wxml_calls: WxmlCalls = wxml_calls  # [tool.wxreplay] wxml_calls: what a method call in card WXML becomes
        self.project = project
        self.skill = skill
        self.cassette = cassette
        self.device = device
        self.transcript = transcript
        self.strict = strict
        self.cursor = Cursor(scenario)
        self.life = Lifecycle(device.start_ms())
        self._masked: dict[str, list[Any]] = {}
        self.session: Session | None = None
        self.session_no = 0
        self.ended: dict[int, tuple[str, int]] = {}  # session number -> (why, turn)
        self.cards: list[_Shown] = []
        self.results: list[CallResult] = []  # calls of the current session

    # ---- running ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the first session (before the first turn)."""
        self.start_session()

    def play(self, index: int, turn: Turn) -> None:
        """Play the ``index``-th turn (1-based)."""
        self.cursor.enter_turn(index, turn)
        self.cassette.turn = index
        if isinstance(turn, UserTurn):
            self.user_turn(turn)
        elif isinstance(turn, TapTurn):
            self.tap_turn(turn)
        else:
            self.event_turn(turn)

    def close(self) -> None:
        """The conversation is over: the running session closes (its cards get detached)."""
        if self.session is not None:
            self.session.close()
            self.session = None

    @property
    def turn_no(self) -> int:
        """The 1-based index of the turn being played (0 before the first)."""
        return self.cursor.turn_no

    def judge(self, expected: tuple[str, ...] | None, found: Sequence[Any], label: str, *, what: str = "the step") -> None:
        """:func:`~wxreplay.checks.judge_findings` with this run's strictness."""
        judge_findings(self.cursor, expected, found, label, strict=self.strict, what=what)

    # ---- sessions --------------------------------------------------------------------------
    def start_session(self) -> None:
        self.session_no += 1
        try:
            session = Session(
                self.project,
                self.skill.name,
                device=self.device,
                cassette=self.cassette,
                now_ms=self.life.clock_ms,
                wxml_calls=self.wxml_calls,
            )
        except WxReplayError as e:
            raise self.cursor.failure(f"session {self.session_no} could not start: the skill did not load", cause=e) from None
        self.session = session
        self.results = []
        self.transcript.start_session(session.session_id, session.now)
        seen = {(f.code, f.message) for f in self.transcript.findings}
        fresh = [f for f in session.findings if (f.code, f.message) not in seen]
        self.transcript.findings.extend(fresh)
        self.judge(
            None, serialize.findings(fresh), join(self.cursor.where, f"session {self.session_no}"), what="loading the skill"
        )

    def end_session(self, why: str) -> tuple[list[Any], list[Any]]:
        """End the runtime (cards get ``detached``); the logs and findings of that, for the event's record."""
        session, self.session = self.session, None
        if session is None:
            return [], []
        n_log, n_find = len(session.logs), len(session.findings)
        session.close()
        self.life.stopped(session.now)
        self.transcript.end_session(why)
        self.ended[self.session_no] = (why, self.turn_no)
        self.results = []
        return session.logs[n_log:], session.findings[n_find:]

    def wake(self) -> None:
        """The user is in the app (a message or a tap): back to the foreground, a session running."""
        if self.life.wake(running=self.session is not None).start:
            self.start_session()

    def _session(self) -> Session:
        assert self.session is not None
        return self.session

    # ---- user turns and plans --------------------------------------------------------------
    def user_turn(self, turn: UserTurn) -> None:
        self.cursor.at(f"turn {self.turn_no}", turn.source)
        self.wake()
        text = self.cursor.substitute(turn.text, turn.source, "user")
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
            raise self.cursor.failure(
                f"{origin} asks the platform to call {req.name} next, but the plan ends without calling it",
                source=last.source if last is not None else None,
                fix=f"add - call: {req.name} as the next call step (leave args out to use the arguments given)",
            )

    def call_step(self, step: CallStep, rec: TurnRecord, queue: list[tuple[ApiCallRequest, str]]) -> None:
        label = self.cursor.at(join(f"turn {self.turn_no}", step.api), step.source)
        args = None if step.args is None else self.cursor.substitute(step.args, step.source, "args")
        if queue:
            req, origin = queue[0]
            if step.api != req.name:
                raise self.cursor.failure(
                    f"{origin} asks the platform to call {req.name}, but the plan calls {step.api}",
                    at=("call",),
                    fix=f"the platform runs the call it was given: write - call: {req.name}",
                )
            queue.pop(0)
            given = req.arguments if isinstance(req.arguments, dict) else {}
            if args is None:
                args = json.loads(json.dumps(given))
            elif args != given:
                diffs = exact(given, args, label, ("args",))
                raise self.cursor.failure(
                    f"the plan's args differ from the arguments of the api/call that {origin} carries",
                    at=("args",),
                    differences=diffs or [Difference(join(label, "args"), given, args)],
                    fix="leave args out to run the call with the card's arguments, or write them exactly",
                )
        elif args is None:
            args = {}
        self.cursor.planned = f"call {step.api} {_compact(args)}"
        session = self._session()
        try:
            result = session.call(step.api, args)
        except ArgumentsError as e:
            raise self.cursor.failure(
                f"the arguments of {step.api} do not match its inputSchema", at=("args",) if step.args else (), cause=e
            ) from None
        except WxReplayError as e:
            raise self.cursor.failure(f"{step.api} failed: {_first_line(e)}", cause=e) from None
        self.results.append(result)
        step_rec = record_call(result, line=step.source.line)
        rec.add(step_rec)
        data = result.to_dict()
        for save in step.save:
            try:
                value = extract(data, save.path)
            except ScenarioError as e:
                raise self.cursor.failure(f"save {save.name}: {e.reason}", source=save.source, fix=e.hint) from None
            self.cursor.vars[save.name] = value
            step_rec.saved[save.name] = value
            self.mask(save.name, value)
        if step.expect is not None:
            diffs = check_call(self.cursor, step.expect, result, step_rec, label)
            if diffs:
                raise self.cursor.not_met(step.expect, diffs)
        self.judge(step.expect.findings if step.expect else None, step_rec.findings, label)
        if result.api_calls and not result.is_error:
            for call in result.api_calls:
                name = str(call.get("name", "")) if isinstance(call, dict) else ""
                arguments = call.get("arguments", {}) if isinstance(call, dict) else {}
                queue.append((ApiCallRequest(name, arguments if arguments is not None else {}), f"{step.api}'s apiCalls"))

    def render_step(self, step: RenderStep, rec: TurnRecord) -> None:
        label = self.cursor.at(join(f"turn {self.turn_no}", f"render {step.api or 'last'}"), step.source)
        if step.api is None:
            target = self.results[-1] if self.results else None
            if target is None:
                raise self.cursor.failure(
                    f"render: last, but no API has been called in session {self.session_no} yet",
                    at=("render",),
                    fix="call an API before rendering its card",
                )
        else:
            target = next((r for r in reversed(self.results) if r.api == step.api), None)
            if target is None:
                raise self.cursor.failure(
                    f"render: {step.api}, but {step.api} has not been called in session {self.session_no}"
                    + (" (earlier sessions ended; their results are gone)" if self.session_no > 1 else ""),
                    at=("render",),
                    fix=f"call {step.api} first in this session",
                )
        self.cursor.planned = f"render the card of {target.api} {_compact(target.arguments)}"
        if target.is_error:
            text = target.text if len(target.text) <= 160 else target.text[:159] + "…"
            raise self.cursor.failure(
                f"{target.api} returned isError: true, and isError results render no card (the client shows only the text): "
                f"{text}",
                at=("render",),
                fix="remove the render step, or check the error on the call: expect: {isError: true, content: ...}",
            )
        session = self._session()
        events, logs = len(session.events), len(session.logs)
        try:
            card = session.render(target)
        except WxReplayError as e:
            raise self.cursor.failure(f"rendering the card of {target.api} failed: {_first_line(e)}", cause=e) from None
        self.cards.append(_Shown(card, self.session_no, self.turn_no))
        step_rec = record_render(card, line=step.source.line)
        step_rec.host_calls = serialize.host_calls(session.events[events:])
        step_rec.logs = serialize.log_lines(session.logs[logs:])
        rec.add(step_rec)
        exp = step.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.card is not None:
                diffs += self.check_live_card(exp.card, card, label)
            diffs += host_calls(exp.host_calls, [e.name for e in session.events[events:]], join(label, "host_calls"))
            if diffs:
                raise self.cursor.not_met(exp, diffs)
        self.judge(exp.findings if exp else None, step_rec.findings, label)

    def reply_step(self, step: ReplyStep, rec: TurnRecord) -> None:
        self.cursor.at(join(f"turn {self.turn_no}", "reply"), step.source)
        text = self.cursor.substitute(step.text, step.source, "reply")
        rec.add(record_reply(text, line=step.source.line))

    # ---- taps ------------------------------------------------------------------------------
    def tap_turn(self, turn: TapTurn) -> None:
        what = turn.text if turn.text is not None else f"{turn.selector}" + (f" #{turn.index}" if turn.index else "")
        label = self.cursor.at(join(f"turn {self.turn_no}", f"tap {what}"), turn.source)
        shown = self.find_card(turn)
        card = shown.card
        name = component_name(card.component_path)
        if shown.session != self.session_no or self.session is None:
            why, when = self.ended.get(shown.session, ("", 0))
            raise self.cursor.failure(
                f"the {name} card was rendered in session {shown.session} (turn {shown.turn}), which ended "
                f"({why} at turn {when}): cards of an ended session are no longer interactive",
                at=("tap",),
                fix="the user must ask again: call its API and render the card in the new session before tapping it",
            )
        self.wake()
        target = self.find_target(card, turn)
        self.cursor.planned = f"tap {target.label()} in the {name} card (card #{card.number})"
        rec = self.transcript.add_turn("tap", line=turn.source.line)
        try:
            tap = card.tap(node=target)
        except WxReplayError as e:
            raise self.cursor.failure(f"tapping the {name} card failed: {_first_line(e)}", cause=e) from None
        step_rec = record_tap(tap, line=turn.source.line)
        rec.add(step_rec)
        message = tap.message
        if message is not None:
            rec.message = message.to_dict()
        exp = turn.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.message is not None:
                diffs += check_message(self.cursor, exp.message, message, label)
            if exp.card is not None:
                diffs += self.check_live_card(exp.card, card, label)
            if exp.rerender is not None and exp.rerender != tap.rerendered:
                diffs.append(Difference(join(label, "rerender"), exp.rerender, tap.rerendered))
            diffs += host_calls(exp.host_calls, [e.name for e in tap.host_events], join(label, "host_calls"))
            if diffs:
                raise self.cursor.not_met(exp, diffs)
        self.judge(exp.findings if exp else None, step_rec.findings, label)
        queue = [(c, "the card's message") for c in message.api_calls] if message is not None else []
        if turn.plan:
            if message is None:
                raise self.cursor.failure(
                    "this tap has a plan, but the card sent no upstream message for the planner to answer",
                    at=("plan",),
                    fix="remove the plan, or tap a node whose handler sends a message",
                )
            self.run_plan(turn.plan, rec, queue)
        elif queue:
            raise self.cursor.failure(
                f"the card's message asks the platform to call {queue[0][0].name} (an api/call block), but the tap has no plan",
                at=("tap",),
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
            raise self.cursor.failure(
                f"{what} has been rendered before this tap",
                at=("tap",),
                fix="render it first with - render: <API> in an earlier plan",
            )
        return pool[-1]

    def find_target(self, card: Card, turn: TapTurn) -> CardNode:
        try:
            if turn.selector is not None:
                selector = self.cursor.substitute(turn.selector, turn.source, "tap", "selector")
                return card.find(str(selector), turn.index)
            text = str(self.cursor.substitute(turn.text, turn.source, "tap"))
            candidates = tap_candidates(card.tree, text)
            if not candidates:
                return card.find_text(text, index=turn.index)  # nothing tappable: the tap explains what is there
            if not -len(candidates) <= turn.index < len(candidates):
                shown = ", ".join(json.dumps(n.texts().strip(), ensure_ascii=False) for n in candidates)
                raise CardQueryError(
                    f"no tappable node #{turn.index} with text {text!r} (found {len(candidates)}: {shown})",
                    hint="index counts from 0",
                )
            return candidates[turn.index]
        except CardQueryError as e:
            raise self.cursor.failure(
                f"the {component_name(card.component_path)} card has no such node: {e.message}", at=("tap",), cause=e
            ) from None

    # ---- lifecycle events ------------------------------------------------------------------
    def event_turn(self, turn: EventTurn) -> None:
        name = turn.event
        arg = format_duration(turn.duration_ms) if turn.duration_ms is not None else None
        label = self.cursor.at(join(f"turn {self.turn_no}", name + (f" {arg}" if arg else "")), turn.source)
        rec = self.transcript.add_turn("lifecycle", line=turn.source.line, event=name + (f" {arg}" if arg else ""))
        before = self.session
        outcome = self.life.event(name, turn.duration_ms, running=self.session is not None)
        changed, events, logs, found = self.apply(outcome)
        step_rec = record_lifecycle(
            name,
            arg,
            line=turn.source.line,
            session_ended=outcome.end is not None,
            cards=changed,
            host_events=events,
            logs=logs,
            findings=found,
        )
        rec.add(step_rec)
        if outcome.start:
            self.start_session()
        exp = turn.expect
        if exp is not None:
            diffs: list[Difference] = []
            if exp.session is not None:
                state = "same" if before is not None and self.session is before else "new"
                if state != exp.session:
                    why = (
                        f"the session ended ({self.ended[self.session_no][0]})"
                        if self.session is None and before is not None
                        else "the session kept running"
                        if state == "same"
                        else "no session was running"
                    )
                    diffs.append(Difference(join(label, "session"), exp.session, f"{state}: {why}"))
            if exp.card is not None:
                last = self.current_cards()[-1:] if exp.card.component is None else []
                diffs += self.check_live_card(exp.card, last[0] if last else None, label)
            diffs += host_calls(exp.host_calls, [e.name for e in events], join(label, "host_calls"))
            if diffs:
                raise self.cursor.not_met(exp, diffs)
        self.judge(exp.findings if exp else None, step_rec.findings, label)

    def apply(self, outcome: Outcome) -> tuple[list[Card], list[Any], list[Any], list[Any]]:
        """Do what the lifecycle decided, except starting a session: the cards that changed, host events, logs, findings."""
        changed: list[Card] = []
        events: list[Any] = []
        logs: list[Any] = []
        found: list[Any] = []
        session = self.session
        if session is not None and outcome.suspend_ms is not None:
            session.suspend(outcome.suspend_ms)
        if session is not None and outcome.advance_ms is not None:
            history = {c.number: len(c.history) for c in session.cards}
            n_ev, n_log, n_find = len(session.events), len(session.logs), len(session.findings)
            try:
                session.advance(outcome.advance_ms)
            except WxReplayError as e:
                raise self.cursor.failure(f"a card broke while time passed: {_first_line(e)}", cause=e) from None
            changed = [c for c in session.cards if len(c.history) > history.get(c.number, 0)]
            events, logs, found = session.events[n_ev:], session.logs[n_log:], session.findings[n_find:]
        if outcome.end is not None:
            logs, found = self.end_session(outcome.end)
        self.life.idle(outcome.idle_ms)
        return changed, events, logs, found

    def current_cards(self) -> list[Card]:
        return [s.card for s in self.cards if s.session == self.session_no and self.session is not None]

    def check_live_card(self, check: CardCheck, default: Card | None, label: str) -> list[Difference]:
        """:func:`~wxreplay.checks.check_card` over the cards live in the current session."""
        return check_card(self.cursor, check, default, label, live=self.current_cards(), running=self.session is not None)

    # ---- the stable transcript -------------------------------------------------------------
    def mask(self, name: str, value: Any) -> None:
        """Show an id-like saved value as ``<name>`` in the stable transcript (see :mod:`wxreplay.runner`)."""
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


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _id_like(value: Any) -> bool:
    """A saved value to mask in the stable transcript: text of 4+ characters with a digit and no space."""
    return isinstance(value, str) and len(value) >= 4 and any(c.isdigit() for c in value) and not any(c.isspace() for c in value)

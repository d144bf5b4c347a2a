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
  ``index``-th of those (0-based); a ``selector`` is used as written. A text tap without ``index``
  that could mean several nodes takes the first and reports the ``ambiguous-tap`` warning
  (:mod:`wxreplay.tap_target`).
* A card's message sent outside a tap (:mod:`wxreplay.card_messages`) is answered by a
  ``message:`` turn (like a tap's message) or checked by ``expect: message`` on the render step
  that sent it; one left unanswered fails the next other turn, or the end of the scenario.
* ``expect: error`` on a call, render or tap makes the step pass only when it fails with that error
  (the step is recorded with it, and the run goes on as the client would: no result, no card, no
  message to answer); without it such an error fails the step, as before.

**Findings**: error findings fail the step (an upstream message naming an unknown API, a card that
broke ...); warnings (a bare instruction, an ``outputSchema`` mismatch, ``wx.requestPayment`` in an
API ...) fail only with ``strict``. ``expect: findings: [codes]`` states the exact set of codes
instead (``[]``: none at all).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wxreplay import serialize
from wxreplay.card_messages import MessageLedger
from wxreplay.cards.card import ApiCallRequest, Card, UnhandledTapError, UpstreamMessage
from wxreplay.cards.tree import CardNode, CardQueryError
from wxreplay.cassette import Cassette
from wxreplay.checks import (
    StepError,
    check_call,
    check_card,
    check_error,
    check_message,
    findings_error,
    judge_findings,
    step_error,
)
from wxreplay.config import WxmlCalls
from wxreplay.cursor import Cursor
from wxreplay.errors import ArgumentsError, ScenarioError, WxReplayError
from wxreplay.expect import Difference, exact, host_calls, join
from wxreplay.findings import Finding
from wxreplay.host.device import Device
from wxreplay.lifecycle import Lifecycle, Outcome
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult
from wxreplay.scenario import (
    CallStep,
    CardCheck,
    EventTurn,
    Expect,
    MessageTurn,
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
from wxreplay.tap_suggest import tap_suggestions
from wxreplay.tap_target import ambiguity, tap_candidates
from wxreplay.transcript import (
    StepRecord,
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
        self.ledger = MessageLedger()  # cards' upstream messages sent outside a tap, and which were answered

    # ---- running ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the first session (before the first turn)."""
        self.start_session()

    def play(self, index: int, turn: Turn) -> None:
        """Play the ``index``-th turn (1-based)."""
        if not isinstance(turn, MessageTurn):
            self.check_answered()
        self.cursor.enter_turn(index, turn)
        self.cassette.turn = index
        if isinstance(turn, UserTurn):
            self.user_turn(turn)
        elif isinstance(turn, TapTurn):
            self.tap_turn(turn)
        elif isinstance(turn, MessageTurn):
            self.message_turn(turn)
        else:
            self.event_turn(turn)

    def finish(self) -> None:
        """After the last turn: a card's message nobody answered fails the run (the platform would answer it)."""
        self.check_answered()

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

    def end_session(self, why: str, said: str | None = None) -> tuple[list[Any], list[Any]]:
        """End the runtime (cards get ``detached``); the logs and findings of that, for the event's record.

        ``why`` is the rule that ended it (the transcript's ``endedBy``: ``background 30m`` is the
        limit); ``said`` the event as the scenario wrote it (``background 31m``), which messages print.
        """
        session, self.session = self.session, None
        if session is None:
            return [], []
        n_log, n_find = len(session.logs), len(session.findings)
        session.close()
        self.life.stopped(session.now)
        self.transcript.end_session(why)
        self.ended[self.session_no] = (said or why, self.turn_no)
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
        marks = self.marks(session)
        try:
            result = session.call(step.api, args)
        except WxReplayError as e:
            if step.expect is not None and step.expect.error is not None:
                failed = StepRecord("call", line=step.source.line, api=step.api, arguments=args)
                self.failed_as_expected(step.expect, step_error(e), rec, failed, label, session, marks)
                return  # as on the client: the call was rejected or threw, and nothing is there to save or follow
            if isinstance(e, ArgumentsError):
                raise self.cursor.failure(
                    f"the arguments of {step.api} do not match its inputSchema", at=("args",) if step.args else (), cause=e
                ) from None
            raise self.cursor.failure(f"{step.api} failed: {_first_line(e)}", cause=e) from None
        finally:
            self.collect_messages()
        self.results.append(result)
        step_rec = record_call(result, line=step.source.line)
        rec.add(step_rec)
        if step.expect is not None and step.expect.error is not None:
            self.succeeded_unexpectedly(
                step.expect,
                label,
                "an isError result is the API's own answer, not an error: check it with expect: {isError: true, content: ...}"
                if result.is_error
                else None,
            )
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
        marks = self.marks(session)
        events, logs = marks[0], len(session.logs)
        exp = step.expect
        try:
            card = session.render(target)
        except WxReplayError as e:
            if exp is not None and exp.error is not None:
                failed = StepRecord("render", line=step.source.line, api=target.api)
                self.failed_as_expected(exp, step_error(e), rec, failed, label, session, marks)
                return  # the client shows no card: there is nothing to tap
            raise self.cursor.failure(f"rendering the card of {target.api} failed: {_first_line(e)}", cause=e) from None
        self.cards.append(_Shown(card, self.session_no, self.turn_no))
        sent = [m.message for m in self.collect_messages() if m.card is card]
        step_rec = record_render(card, line=step.source.line)
        step_rec.host_calls = serialize.host_calls(session.events[events:])
        step_rec.logs = serialize.log_lines(session.logs[logs:])
        if sent:
            step_rec.message = serialize.upstream_message(sent[0])
        rec.add(step_rec)
        if exp is not None:
            if exp.error is not None:
                self.succeeded_unexpectedly(exp, label, None)
            diffs: list[Difference] = []
            if exp.card is not None:
                diffs += self.check_live_card(exp.card, card, label)
            if exp.message is not None:
                first = sent[0] if sent else None
                diffs += check_message(self.cursor, exp.message, first, label, sender="the card, while rendering,")
                if sent:
                    self.ledger.answer(sent[0])  # checked here: the scenario has said what the card sent
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
        target, ambiguous = self.find_target(card, turn)
        self.cursor.planned = f"tap {target.label()} in the {name} card (card #{card.number})"
        rec = self.transcript.add_turn("tap", line=turn.source.line)
        exp = turn.expect
        session = self._session()
        marks = self.marks(session)
        try:
            tap = card.tap(node=target)
        except WxReplayError as e:
            if exp is not None and exp.error is not None:
                failed = StepRecord("tap", line=turn.source.line, api=card.api, card={"target": target.label()})
                self.failed_as_expected(exp, step_error(e), rec, failed, label, session, marks)
                return  # the handler threw: the card sent nothing the platform would answer
            if isinstance(e, UnhandledTapError):  # the scenario's choice: say which taps would work, in its YAML
                where = f" ({e.file}:{e.line})" if e.file and e.line else ""
                raise self.cursor.failure(
                    f"nothing handles a tap on {target.label()} in the {name} card{where}: neither it nor a node "
                    "above it is bound with bindtap/catchtap",
                    at=("tap",),
                    fix='tap a node that handles it (nearest first), or bind a handler in the WXML (bindtap="onTap"):\n'
                    + tap_suggestions(card.tree, name, target),
                ) from None
            raise self.cursor.failure(f"tapping the {name} card failed: {_first_line(e)}", cause=e) from None
        finally:
            for sent in self.collect_messages():
                if sent.card is card:  # the tap's own messages: this turn is their answer
                    self.ledger.answer(sent.message)
        if ambiguous is not None:
            tap.findings.append(ambiguous)
        step_rec = record_tap(tap, line=turn.source.line)
        rec.add(step_rec)
        message = tap.message
        if message is not None:
            rec.message = message.to_dict()
        rejected = findings_error(tap.findings) if exp is not None and exp.error is not None else None
        if exp is not None:
            diffs: list[Difference] = []
            if exp.error is not None:
                diffs += check_error(self.cursor, exp.error, rejected, label)
                step_rec.error = rejected.to_dict() if rejected is not None else None
            if exp.message is not None:
                diffs += check_message(self.cursor, exp.message, message, label)
            if exp.card is not None:
                diffs += self.check_live_card(exp.card, card, label)
            if exp.rerender is not None and exp.rerender != tap.rerendered:
                diffs.append(Difference(join(label, "rerender"), exp.rerender, tap.rerendered))
            diffs += host_calls(exp.host_calls, [e.name for e in tap.host_events], join(label, "host_calls"))
            if diffs:
                raise self.cursor.not_met(exp, diffs)
        found = step_rec.findings
        if rejected is not None:  # the error expect: error pins is no error finding of the step any more
            codes_of = {(f.code, f.message) for f in rejected.findings}
            found = [f for f in found if (f.get("code"), f.get("message")) not in codes_of]
        self.judge(exp.findings if exp else None, found, label)
        if rejected is not None:
            return  # the platform rejected the card's message: there is nothing to answer
        self.answer(message, turn.plan, rec, "tap")

    def answer(self, message: UpstreamMessage | None, plan: Sequence[Step], rec: TurnRecord, what: str) -> None:
        """Run ``plan`` for a card's ``message`` (a tap's, or one a message turn took): its api/call first."""
        queue = [(c, "the card's message") for c in message.api_calls] if message is not None else []
        if plan:
            if message is None:
                raise self.cursor.failure(
                    f"this {what} has a plan, but the card sent no upstream message for the planner to answer",
                    at=("plan",),
                    fix="remove the plan, or tap a node whose handler sends a message",
                )
            self.run_plan(plan, rec, queue)
        elif queue:
            raise self.cursor.failure(
                f"the card's message asks the platform to call {queue[0][0].name} (an api/call block), "
                f"but the {what} has no plan",
                at=(what,),
                fix=f"add plan: with - call: {queue[0][0].name} first (its arguments come from the card)",
            )

    # ---- messages cards sent outside a tap -------------------------------------------------
    def message_turn(self, turn: MessageTurn) -> None:
        """The oldest unanswered message of the card named (any card when none) is the next user message."""
        which = turn.component or (f"card of {turn.api}" if turn.api else "")
        label = self.cursor.at(join(f"turn {self.turn_no}", f"message {which}".rstrip()), turn.source)
        waiting = self.ledger.pending(component=turn.component, api=turn.api)
        if not waiting:
            others = self.ledger.pending()
            raise self.cursor.failure(
                f"no {turn.component + ' ' if turn.component else ''}card"
                + (f" of {turn.api}" if turn.api else "")
                + " has sent a message outside a tap that is still waiting for an answer"
                + (f" (waiting: {'; '.join(o.describe() for o in others)})" if others else ""),
                at=("message",),
                fix="a message turn answers a message a card sent from a lifetime, a callback or a timer; "
                "a tap's own message is answered by the tap's plan"
                + (f"; name the card that sent it: message: {others[0].card_name}" if others else ""),
            )
        sent = waiting[0]
        self.ledger.answer(sent.message)
        self.wake()
        self.cursor.planned = f"answer {sent.describe()}"
        rec = self.transcript.add_turn("message", line=turn.source.line, message=sent.message.to_dict())
        exp = turn.expect
        if exp is not None and exp.message is not None:
            diffs = check_message(self.cursor, exp.message, sent.message, label, sender="the card")
            if diffs:
                raise self.cursor.not_met(exp, diffs)
        self.answer(sent.message, turn.plan, rec, "message")

    def collect_messages(self) -> list[Any]:
        """Note the messages cards sent since the last look, as sent at the current step."""
        return self.ledger.collect(
            (s.card for s in self.cards),
            turn_no=self.turn_no,
            turn=self.cursor.turn,
            where=self.cursor.where,
            source=self.cursor.step_source,
        )

    def check_answered(self) -> None:
        """Fail at the step that sent it when a card's message delivered to the platform was never answered."""
        self.collect_messages()
        sent = self.ledger.unanswered()
        if sent is None:
            return
        if sent.turn is not None:
            self.cursor.enter_turn(sent.turn_no, sent.turn)
        if sent.source is not None:
            self.cursor.at(sent.where, sent.source)
        raise self.cursor.failure(
            f"{sent.describe()}, outside a tap, and no turn answers it: the platform makes it the next user message",
            fix=f"add - message: {sent.card_name} as the next turn, with the plan that answers it"
            + (f" (- call: {sent.message.api_calls[0].name} first)" if sent.message.api_calls else "")
            + "; or, on the render step that sent it, check it with expect: {message: ...}",
        )

    # ---- expect: error ---------------------------------------------------------------------
    @staticmethod
    def marks(session: Session) -> tuple[int, int]:
        """Where the session's host events and findings stand before a step, to take the step's own later."""
        return len(session.events), len(session.findings)

    def failed_as_expected(
        self,
        exp: Expect,
        got: StepError,
        rec: TurnRecord,
        step_rec: StepRecord,
        label: str,
        session: Session,
        marks: tuple[int, int],
    ) -> None:
        """The step failed and ``expect: error`` says it should: record it, fail only if it is another error."""
        assert exp.error is not None
        events, found = session.events[marks[0] :], session.findings[marks[1] :]
        step_rec.error = got.to_dict()
        step_rec.host_calls = serialize.host_calls(events)
        step_rec.findings = serialize.findings(found)
        rec.add(step_rec)
        diffs = check_error(self.cursor, exp.error, got, label)
        diffs += host_calls(exp.host_calls, [e.name for e in events], join(label, "host_calls"))
        if diffs:
            raise dataclasses.replace(self.cursor.not_met(exp, diffs), cause=got.cause)
        self.judge(exp.findings, step_rec.findings, label)

    def succeeded_unexpectedly(self, exp: Expect, label: str, fix: str | None) -> None:
        """``expect: error`` says the step fails, and it did not: fail it."""
        assert exp.error is not None
        raise dataclasses.replace(self.cursor.not_met(exp, check_error(self.cursor, exp.error, None, label)), fix=fix)

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

    def find_target(self, card: Card, turn: TapTurn) -> tuple[CardNode, Finding | None]:
        """The node ``turn`` taps, and the ``ambiguous-tap`` warning when its text could mean several."""
        try:
            if turn.selector is not None:
                selector = self.cursor.substitute(turn.selector, turn.source, "tap", "selector")
                return card.find(str(selector), turn.index), None
            text = str(self.cursor.substitute(turn.text, turn.source, "tap"))
            candidates = tap_candidates(card.tree, text)
            if not candidates:
                return card.find_text(text, index=turn.index), None  # nothing tappable: the tap explains what is there
            if not -len(candidates) <= turn.index < len(candidates):
                shown = ", ".join(json.dumps(n.texts().strip(), ensure_ascii=False) for n in candidates)
                raise CardQueryError(
                    f"no tappable node #{turn.index} with text {text!r} (found {len(candidates)}: {shown})",
                    hint="index counts from 0",
                )
            name = component_name(card.component_path)
            unsure = None if turn.index_written else ambiguity(candidates, text, card=name, api=card.api, context=card.context)
            return candidates[turn.index], unsure
        except CardQueryError as e:
            name = component_name(card.component_path)
            raise self.cursor.failure(
                f"the {name} card has no such node: {e.message}",
                at=("tap",),
                cause=e,
                fix="tap one of the nodes that handle a tap:\n" + tap_suggestions(card.tree, name),
            ) from None

    # ---- lifecycle events ------------------------------------------------------------------
    def event_turn(self, turn: EventTurn) -> None:
        name = turn.event
        arg = turn.duration_text  # as the scenario wrote it (`31m`, not the limit it reached)
        label = self.cursor.at(join(f"turn {self.turn_no}", turn.label), turn.source)
        rec = self.transcript.add_turn("lifecycle", line=turn.source.line, event=turn.label)
        before = self.session
        outcome = self.life.event(name, turn.duration_ms, running=self.session is not None)
        changed, events, logs, found = self.apply(outcome, said=turn.label)
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

    def apply(self, outcome: Outcome, *, said: str) -> tuple[list[Card], list[Any], list[Any], list[Any]]:
        """Do what the lifecycle decided, except starting a session: the cards that changed, host events, logs, findings.

        ``said`` is the event as the scenario wrote it, for messages about the session it ended.
        """
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
            self.collect_messages()  # a timer or a late tap handler may have sent one
        if outcome.end is not None:
            logs, found = self.end_session(outcome.end, said)
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


def _first_line(e: WxReplayError) -> str:
    text = (e.message or str(e)).strip().splitlines()
    line = text[0] if text else type(e).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _id_like(value: Any) -> bool:
    """A saved value to mask in the stable transcript: text of 4+ characters with a digit and no space."""
    return isinstance(value, str) and len(value) >= 4 and any(c.isdigit() for c in value) and not any(c.isspace() for c in value)

"""``wxreplay chat``: the live session behind the chat, kept as the scenario runner would keep it.

:class:`ChatDriver` does what each chat command asks on a real :class:`~wxreplay.session.Session`
(calls, renders, taps, lifecycle events) and writes the matching step into the
:class:`~wxreplay.chat_yaml.ScenarioDraft`. It follows the runner's rules so the scenario it
writes replays as it was chatted: the cassette's ``turn`` is the 1-based turn index, sessions start
and end by :class:`~wxreplay.lifecycle.Lifecycle` with the clock it keeps, a tap is written as the
text (and index) or selector the planner resolves back to the same node (:mod:`wxreplay.tap_target`),
and a card's ``api/call`` (or an API's ``apiCalls``) is run at once, as the platform runs it,
written as ``- call: NAME`` with its arguments left to the card. What the driver cannot foresee
the final replay catches (see :mod:`wxreplay.chat`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from wxreplay.card_messages import MessageLedger
from wxreplay.cards.card import ApiCallRequest, Card
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode
from wxreplay.cassette import Cassette
from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.chat_yaml import ScenarioDraft
from wxreplay.config import WxmlCalls
from wxreplay.errors import WxReplayError
from wxreplay.facts import split_result
from wxreplay.host.device import Device
from wxreplay.lifecycle import Lifecycle
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult
from wxreplay.scenario import component_name
from wxreplay.session import Session
from wxreplay.tap_target import tap_candidates

__all__ = ["ChatDriver", "ChatError", "Target"]


class ChatError(Exception):
    """A command the chat cannot do now: the message says why and what to do; the chat goes on."""


@dataclass(frozen=True)
class Target:
    """A numbered tappable node of a shown card."""

    card: Card
    node: CardNode


class ChatDriver:
    """The session, lifecycle, cards and results of one chat; ``out`` prints one line."""

    def __init__(
        self,
        project: Project,
        skill: Skill,
        draft: ScenarioDraft,
        *,
        device: Device,
        cassette: Cassette,
        transport: httpx.BaseTransport | None,
        wxml_calls: WxmlCalls,
        out: Callable[[str], None],
    ) -> None:
        self.project, self.skill, self.draft = project, skill, draft
        self.device, self.cassette, self.transport = device, cassette, transport
        self.wxml_calls: WxmlCalls = wxml_calls
        self.out = out
        self.life = Lifecycle(device.start_ms())
        self.session: Session | None = None
        self.session_no = 0
        self.cards: list[tuple[Card, int]] = []  # every card rendered, with its session number
        self.results: list[CallResult] = []  # calls of the current session
        self.saved: list[dict[str, Any] | None] = []  # every call's result (None: isError), for suggestions
        self.targets: list[Target] = []  # the numbers of the last card listing
        self.ledger = MessageLedger()  # cards' messages sent outside a tap, and which a turn answered
        self._start_session()

    # ---- sessions ----------------------------------------------------------------------------
    def _start_session(self) -> None:
        self.session_no += 1
        self.session = Session(
            self.project,
            self.skill.name,
            device=self.device,
            transport=self.transport,
            cassette=self.cassette,
            now_ms=self.life.clock_ms,
            wxml_calls=self.wxml_calls,
        )
        self.results = []
        self.out(f"[session {self.session_no} started]")

    def _end_session(self, why: str) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.close()
            self.life.stopped(session.now)
            self.results = []
            self.out(f"[session {self.session_no} ended: {why}; cards of it can no longer be tapped]")

    def _wake(self) -> None:
        if self.life.wake(running=self.session is not None).start:
            self._start_session()

    def close(self) -> None:
        """The conversation is over: the running session closes."""
        if self.session is not None:
            self.session.close()
            self.session = None

    def _next_turn(self) -> None:
        self.cassette.turn = len(self.draft.turns)  # the turn just appended, 1-based as the runner counts

    # ---- cards' messages outside a tap ---------------------------------------------------------
    def _collect(self, *, tapped: Card | None = None) -> None:
        """Note the messages cards sent since the last look; those of ``tapped`` are the tap's own (answered)."""
        n = len(self.draft.turns)
        for sent in self.ledger.collect((c for c, _ in self.cards), turn_no=n, turn=None, where=f"turn {n}", source=None):
            if tapped is not None and sent.card is tapped:
                self.ledger.answer(sent.message)
            elif sent.message.ok:
                self.out(f"[{sent.describe()}, outside a tap: the platform makes it the next user message; :message takes it]")

    def unanswered_user(self) -> str | None:
        """The text of the last turn when it is a user message the assistant has not answered (an empty plan)."""
        last = self.draft.turns[-1] if self.draft.turns else None
        if isinstance(last, dict) and "user" in last and not last.get("plan"):
            return str(last["user"])
        return None

    def _check_answered(self) -> None:
        """As the runner does before every turn but a message turn: a delivered card message must be answered first;
        and a user message needs the assistant's answer (the scenario format wants a plan under it)."""
        said = self.unanswered_user()
        if said is not None:
            raise ChatError(f"the assistant has not answered {said!r} yet: :call, :render or :reply TEXT first")
        waiting = self.ledger.unanswered()
        if waiting is not None:
            raise ChatError(f"{waiting.describe()}, and it waits for an answer: :message takes it as the next user message")

    def message(self) -> None:
        """A message turn: the oldest card message sent outside a tap is the next user message (its api/call runs)."""
        waiting = self.ledger.pending()
        if not waiting:
            raise ChatError("no card has sent a message outside a tap that waits for an answer")
        said = self.unanswered_user()
        if said is not None:
            raise ChatError(f"the assistant has not answered {said!r} yet: :call, :render or :reply TEXT first")
        sent = waiting[0]
        self.ledger.answer(sent.message)
        self.draft.message(sent.card_name)
        self._next_turn()
        self._wake()
        self.out(f"user (from the {sent.card_name} card): {sent.message.text}")
        for req in sent.message.api_calls:
            self.out(f"[the card asks the platform to call {req.name}: running it]")
            self.call(req.name, req.arguments if isinstance(req.arguments, dict) else {}, from_card=True)

    # ---- user turns --------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """The user says ``text``: a new user turn."""
        self._check_answered()
        self.draft.say(text)
        self._next_turn()
        self._wake()

    def reply(self, text: str) -> None:
        """The assistant's reply, in the current turn's plan."""
        self._need_plan("reply")
        self.draft.step({"reply": text})

    def _need_plan(self, what: str) -> None:
        if self.draft.plan is None:
            raise ChatError(
                f"a {what} belongs to a turn's plan, and the last turn takes none "
                "(no turn yet, a lifecycle event, or a tap whose card sent no message): type what the user says first"
            )

    def call(
        self, api: str, args: dict[str, Any] | None, *, written: dict[str, Any] | None = None, from_card: bool = False
    ) -> CallResult:
        """Run ``api`` with ``args`` in the current turn and write ``- call:`` with ``written`` (``args`` when
        ``None``: ``${var}`` where a value came from an earlier result), without ``args`` when they come from a card."""
        self._need_plan("call")
        assert self.session is not None
        try:
            result = self.session.call(api, args or {})
        except WxReplayError as e:
            raise ChatError(f"{api} failed, nothing was written: {str(e).splitlines()[0]}") from None
        finally:
            self._collect()
        step: dict[str, Any] = {"call": api}
        if not from_card:
            step["args"] = (args if written is None else written) or {}
        self.draft.step(step)
        self.results.append(result)
        self.saved.append(None if result.is_error else result.to_dict())
        self._show_result(result)
        if result.api_calls and not result.is_error:  # the platform follows them: they run next
            for c in result.api_calls:
                name = str(c.get("name", "")) if isinstance(c, dict) else ""
                given = c.get("arguments") if isinstance(c, dict) else None
                self.out(f"[{api} asks the platform to call {name}: running it]")
                self.call(name, given if isinstance(given, dict) else {}, from_card=True)
        return result

    def _show_result(self, result: CallResult) -> None:
        split = split_result(result.content)
        self.out(f"{result.api} -> {'isError' if result.is_error else 'ok'}")
        for fact in split.facts:
            self.out(f"  fact: {fact}")
        for action in split.actions:
            self.out(f"  action: {action}")
        if result.structured_content is not None:  # redacted by names and shapes, as snapshots are (the run's table)
            shown = run_secrets().mask_data(result.structured_content)
            self.out("  structuredContent: " + json.dumps(shown, ensure_ascii=False)[:400])
        for f in result.findings:
            self.out(f"  ! {f.level}: {f.message} [{f.code}]")
        decl = self.skill.api(result.api)
        if decl.component_path and not result.is_error:
            self.out(f"  (card {component_name(decl.component_path)}: :render {result.api})")

    def render(self, api: str | None) -> Card:
        """Render the card of ``api``'s latest call in this session (the latest call when ``None``)."""
        self._need_plan("render")
        pool = self.results if api is None else [r for r in self.results if r.api == api]
        if not pool:
            what = f"{api} has not been called" if api else "no API has been called"
            raise ChatError(f"{what} in session {self.session_no} yet: call it first")
        target = pool[-1]
        if target.is_error:
            raise ChatError(f"{target.api} returned isError: true, and isError results render no card")
        if self.skill.api(target.api).component_path is None:
            raise ChatError(f"{target.api} has no card (no _meta.ui.componentPath in mcp.json)")
        assert self.session is not None
        try:
            card = self.session.render(target)
        except WxReplayError as e:
            raise ChatError(f"the card of {target.api} failed to render, nothing was written: {str(e).splitlines()[0]}") from None
        self.draft.step({"render": target.api})
        self.cards.append((card, self.session_no))
        for f in card.findings:
            self.out(f"  ! {f.level}: {f.message} [{f.code}]")
        self.show_cards([card])
        self._collect()
        return card

    # ---- cards and taps ----------------------------------------------------------------------
    def live_cards(self) -> list[Card]:
        """The cards of the running session, the latest of each component (the one a scenario's tap reaches)."""
        latest: dict[str, Card] = {}
        for card, n in self.cards:
            if n == self.session_no and self.session is not None:
                latest.pop(card.component_path, None)
                latest[card.component_path] = card
        return list(latest.values())

    def show_cards(self, cards: list[Card]) -> None:
        """Print the card trees with their tappable nodes numbered from 1 (the numbers ``:tap N`` takes)."""
        self.targets = []
        if not cards:
            self.out("no card of the running session can be tapped")
        for card in cards:
            self.out(f"card {component_name(card.component_path)} (of {card.api}):")
            self._tree_lines(card, card.tree, 1)
            if card.expired:
                self.out(f"  [expired: {card.expired_text}]")

    def _tree_lines(self, card: Card, node: CardNode, depth: int) -> None:
        for child in node.children if node.tag == ROOT_TAG else []:
            self._node_line(card, child, depth)

    def _node_line(self, card: Card, node: CardNode, depth: int) -> None:
        mark = "     "
        if "tap" in node.events:
            self.targets.append(Target(card, node))
            mark = f"[{len(self.targets)}]".ljust(5)
        self.out(mark + "  " * depth + node.label())
        if not (node.children and all(c.tag == TEXT_TAG for c in node.children)):
            for child in node.children:
                self._node_line(card, child, depth + 1)

    def tap(self, number: int) -> None:
        """Tap the ``number``-th node of the last listing: a tap turn, its message answered by its api/call."""
        if not self.targets:
            raise ChatError("no card is shown: render one first (:render API), or list them with :cards")
        if not 1 <= number <= len(self.targets):
            raise ChatError(
                f"no tappable node {number}: the last listing numbers 1 to {len(self.targets)} (:cards shows them again)"
            )
        target = self.targets[number - 1]
        card = target.card
        if card not in self.live_cards():
            raise ChatError(
                f"the {component_name(card.component_path)} card shown is no longer the one a tap reaches "
                "(its session ended, or a newer card of the same component was rendered): :cards lists the live ones"
            )
        self._check_answered()
        where = self._written_target(card, target.node)
        self.draft.tap(where, takes_plan=False)
        self._next_turn()
        self._wake()
        try:
            tap = card.tap(node=target.node)
        except WxReplayError as e:
            self.draft.turns.pop()
            raise ChatError(f"the tap failed, nothing was written: {str(e).splitlines()[0]}") from None
        finally:
            self._collect(tapped=card)
        for f in tap.findings:
            self.out(f"  ! {f.level}: {f.message} [{f.code}]")
        message = tap.message
        if message is None:
            self.out("the card sent no message" + (" (it re-rendered)" if tap.rerendered else ""))
        else:
            self.draft.plan = []
            self.draft.turns[-1]["plan"] = self.draft.plan
            self.out(f"user (from the card): {message.text}")
            queue: list[ApiCallRequest] = list(message.api_calls)
            for req in queue:
                self.out(f"[the card asks the platform to call {req.name}: running it]")
                self.call(req.name, req.arguments if isinstance(req.arguments, dict) else {}, from_card=True)
        if tap.rerendered:
            self.show_cards([card])

    @staticmethod
    def _written_target(card: Card, node: CardNode) -> dict[str, Any]:
        """How the scenario names ``node``: by text (and index) when the planner finds it so, else by selector."""
        name = component_name(card.component_path)
        text = node.texts().strip()
        if text:
            candidates = tap_candidates(card.tree, text)
            at = next((i for i, n in enumerate(candidates) if n is node), None)
            if at is not None:
                where: dict[str, Any] = {"card": name, "text": text}
                if len(candidates) > 1:  # written, so the planner neither guesses nor warns
                    where["index"] = at
                return where
        selector = node.selector()
        found = card.tree.find_all(selector)
        at = next(i for i, n in enumerate(found) if n is node)
        where = {"card": name, "selector": selector}
        if at:
            where["index"] = at
        return where

    # ---- lifecycle ---------------------------------------------------------------------------
    def event(self, name: str, duration_ms: int | None, duration: str | None) -> None:
        """A lifecycle event turn, applied as the planner applies it."""
        self._check_answered()
        self.draft.event(name, duration)
        self._next_turn()
        outcome = self.life.event(name, duration_ms, running=self.session is not None)
        session = self.session
        if session is not None and outcome.suspend_ms is not None:
            session.suspend(outcome.suspend_ms)
        if session is not None and outcome.advance_ms is not None:
            history = {c.number: len(c.history) for c in session.cards}
            try:
                session.advance(outcome.advance_ms)
            except WxReplayError as e:
                self.out(f"  ! a card broke while time passed: {str(e).splitlines()[0]}")
            changed = [c for c in session.cards if len(c.history) > history.get(c.number, 0)]
            self._collect()  # a timer may have sent one
            if changed:
                self.out("cards re-rendered:")
                self.show_cards(changed)
        if outcome.end is not None:
            self._end_session(outcome.end)
        self.life.idle(outcome.idle_ms)
        if outcome.start:
            self._start_session()
        self.out(
            f"[{name}{' ' + duration if duration else ''}: {'a session is running' if self.session else 'no session running'}]"
        )

"""Upstream messages cards send outside a tap, and which of them the scenario answered.

A card may call ``sendFollowUpMessage`` from a lifetime, a notification, a timer or an async
callback: a payment card sends "支付成功" with an ``api/call`` once ``wx.requestPayment`` resolves
in ``ready``. The platform answers such a message like one the user typed, so a scenario must say
what happens with it: a ``message:`` turn takes it as the next user message (its ``api/call``
first, as after a tap), or ``expect: {message: ...}`` on the render step that sent it checks it.

:class:`MessageLedger` remembers where each message was sent (the turn and step that were running)
and which were answered. A message nobody answered is an error at the next turn that is not a
``message:`` turn, and at the end of the scenario (:meth:`MessageLedger.unanswered`): otherwise the
conversation would go on as if the card had said nothing, which the client does not do. A message
the platform rejects (error findings: an ``api/call`` naming an unknown API ...) is never delivered,
so it needs no answer; its findings already fail the step that sent it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from wxreplay.cards.card import Card, UpstreamMessage
from wxreplay.scenario import Source, Turn, component_name

__all__ = ["MessageLedger", "SentMessage"]


@dataclass(frozen=True)
class SentMessage:
    """One upstream message and where the scenario was when the card sent it."""

    message: UpstreamMessage
    card: Card
    turn_no: int
    turn: Turn | None
    where: str  # the step label, e.g. "turn 2 › render payOrder"
    source: Source | None

    @property
    def card_name(self) -> str:
        """The card's component name (``pay-card``)."""
        return component_name(self.card.component_path)

    def describe(self) -> str:
        """``the pay-card card sent "支付成功" [api/call confirmPayment {...}] at turn 2 › render payOrder``."""
        text = json.dumps(self.message.text, ensure_ascii=False)
        calls = "".join(
            f" [api/call {c.name} {json.dumps(c.arguments, ensure_ascii=False, separators=(',', ':'))}]"
            for c in self.message.api_calls
        )
        return f"the {self.card_name} card sent {text}{calls} at {self.where}"


class MessageLedger:
    """Every upstream message of the run's cards, in the order they were sent, and which were answered."""

    def __init__(self) -> None:
        self._sent: list[SentMessage] = []
        self._seen: set[int] = set()  # id() of every message recorded (the objects are kept in _sent)
        self._answered: set[int] = set()

    def collect(
        self, cards: Iterable[Card], *, turn_no: int, turn: Turn | None, where: str, source: Source | None
    ) -> list[SentMessage]:
        """Record the messages of ``cards`` not seen yet as sent at this place; return them."""
        fresh: list[SentMessage] = []
        for card in cards:
            for message in card.messages:
                if id(message) in self._seen:
                    continue
                self._seen.add(id(message))
                fresh.append(SentMessage(message, card, turn_no, turn, where, source))
        fresh.sort(key=lambda s: s.message.at_ms)  # stable: cards in render order at the same moment
        self._sent.extend(fresh)
        return fresh

    def answer(self, message: UpstreamMessage) -> None:
        """``message`` was answered (a tap or a message turn took it) or checked (``expect: message``)."""
        self._answered.add(id(message))

    def pending(self, *, component: str | None = None, api: str | None = None) -> list[SentMessage]:
        """Messages the platform delivers and nobody answered yet, oldest first; of one card when named."""
        out = []
        for sent in self._sent:
            if id(sent.message) in self._answered or not sent.message.ok:
                continue
            if component is not None and component not in (sent.card_name, sent.card.component_path):
                continue
            if api is not None and sent.card.api != api:
                continue
            out.append(sent)
        return out

    def unanswered(self) -> SentMessage | None:
        """The oldest message still waiting for an answer, if any."""
        waiting = self.pending()
        return waiting[0] if waiting else None

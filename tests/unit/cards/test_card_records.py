"""A card and a tap as data: one key name per concept in the tap's own ``to_dict`` and in the transcript."""

from __future__ import annotations

import test_card_support as support
from test_card_support import show

from wxreplay import Session
from wxreplay.transcript import record_render, record_tap

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures


def test_the_cards_a_tap_expired_are_expired_cards_by_number_in_both_views(lab: Session) -> None:
    pass_card = show(lab, "pass", {"code": "P"})
    ticket = show(lab, "ticket", {"code": "T"})
    tap = ticket.tap("#renew")  # expirePreviousCards with no paths: every earlier expirable card
    assert tap.expired == [pass_card]
    assert tap.to_dict()["expiredCards"] == [pass_card.number] and "expired" not in tap.to_dict()
    record = record_tap(tap).card
    assert record is not None and record["expiredCards"] == [pass_card.number] and "expired" not in record
    # ``expired`` is a card's own overlay text, in every view of the card
    card = record_render(pass_card).card
    assert card is not None and card["expired"] == pass_card.to_data()["expired"] == pass_card.expired_text == "服务已过期"

"""Image load/error events (bindload / binderror) and the detached lifetime when the runtime ends."""

from __future__ import annotations

import pytest
import test_card_support as support
from test_card_support import show

from wxreplay import Project, Session
from wxreplay.cards.card import CardError

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures

SRC = {"src": "https://cdn.test/p.png"}


def test_image_load_calls_bindload_with_the_size(lab: Session) -> None:
    card = show(lab, "photo", SRC)
    assert card.find(".state").texts() == "loading"
    result = card.image_load(".pic", width=640, height=480)
    assert result.handlers == ["onLoad"] and result.rerendered
    assert card.find(".state").texts() == "loaded 640x480"


def test_image_error_calls_binderror_with_errmsg(lab: Session) -> None:
    card = show(lab, "photo", SRC)
    card.image_error(".pic", err_msg="error: 404")
    assert card.find(".state").texts() == "failed: error: 404"


def test_image_events_do_not_bubble_and_need_a_binding(lab: Session) -> None:
    card = show(lab, "photo", SRC)
    with pytest.raises(CardError, match="has no bindload handler"):
        card.image_load(".state")


def test_closing_the_session_detaches_its_cards(lab_project: Project) -> None:
    session = Session(lab_project)
    card = show(session, "photo", SRC)
    session.close()
    assert card.detached
    assert "[lab] photo detached" in [line.text for line in session.logs]

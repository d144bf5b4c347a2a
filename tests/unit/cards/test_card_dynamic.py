"""Realtime dynamic cards: their own context, wx.request / login / timers on the virtual clock."""

from __future__ import annotations

import test_card_support as support
from test_card_support import LIVE_URL, Counter, show

from wxreplay import Session

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures


def test_dynamic_card_runs_in_the_third_context_and_polls(lab: Session, counter: Counter) -> None:
    card = show(lab, "live", meta={"url": LIVE_URL, "every": 1000})
    assert card.context == "dynamic" and card.dynamic
    # the first poll was answered before render() returned: two renders, both caused by render
    assert card.find(".n").texts() == "n=10 polls=1"
    assert [v.cause for v in card.history] == ["render", "render"]
    lab.advance(2500)
    assert card.find(".n").texts() == "n=30 polls=3"
    assert [v.cause for v in card.history] == ["render", "render", "timer", "timer"]
    assert [str(r.url) for r in counter.requests] == [LIVE_URL] * 3
    requests = [e for e in lab.events if e.name == "request"]
    assert {e.context for e in requests} == {"dynamic"}


def test_tap_stops_the_timer(lab: Session, counter: Counter) -> None:
    card = show(lab, "live", meta={"url": LIVE_URL, "every": 1000})
    card.tap("#stop")
    lab.advance(5000)
    assert card.find(".state").texts() == "stopped" and len(counter.requests) == 1


def test_login_in_a_tap_is_answered_before_tap_returns(lab: Session) -> None:
    card = show(lab, "live", meta={"url": LIVE_URL, "every": 60000})
    tap = card.tap("#login")
    assert tap.rerendered and card.find(".user").texts() == "user 0c3"
    assert [e.name for e in tap.host_events] == ["login"]


def test_async_tap_handler_finishes_when_the_clock_advances(lab: Session) -> None:
    card = show(lab, "live", meta={"url": LIVE_URL, "every": 60000})
    tap = card.tap("#later")  # awaits a 500 ms timer
    assert not tap.rerendered and card.find(".state").texts() == "polling"
    lab.advance(600)
    assert card.find(".state").texts() == "later" and card.history[-1].cause == "timer"


def test_dynamic_timers_share_the_clock_with_api_calls(lab: Session, counter: Counter) -> None:
    show(lab, "live", meta={"url": LIVE_URL, "every": 1000})
    lab.advance(999)
    assert len(counter.requests) == 1
    lab.advance(1)
    assert len(counter.requests) == 2

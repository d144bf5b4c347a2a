"""expireAllCards (API and card), expirePreviousCards, the Expire notification and the overlay."""

from __future__ import annotations

import pytest
import test_card_support as support
from test_card_support import show

from wxreplay import Session
from wxreplay.cards.card import CardError

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures


def test_api_expire_all_cards_with_absolute_paths(lab: Session) -> None:
    t1, p1 = show(lab, "ticket", {"code": "T1"}), show(lab, "pass", {"code": "P1"})
    result = lab.call("expireCards", {"componentPaths": ["skills/lab/components/ticket/index"]})
    assert "modelContext.expireAllCards" in [e.name for e in result.host_events]
    assert t1.expired and not p1.expired
    assert t1.expired_text == "票已作废" and p1.expired_text is None
    # Expire reached the card through its listener and the [INT] onExpire method, and it re-rendered
    assert t1.find(".state").texts() == "expired (onExpire)"
    assert [v.cause for v in t1.history] == ["render", "expire"]
    assert t1.to_text().endswith("[expired: 票已作废]") and t1.to_data()["expired"] == "票已作废"


def test_leading_slash_relative_paths_union_and_latest(lab: Session) -> None:
    p1, p2, t1 = show(lab, "pass", {"code": "P1"}), show(lab, "pass", {"code": "P2"}), show(lab, "ticket", {"code": "T"})
    lab.call("expireCards", {"componentPaths": ["/skills/lab/components/pass/index"], "match": "latest"})
    assert (p1.expired, p2.expired, t1.expired) == (False, True, False)
    lab.call("expireCards", {"componentPaths": ["components/ticket/index", "/skills/lab/components/pass/index.js"]})
    assert (p1.expired, t1.expired) == (True, True)
    assert p2.expired_text == "服务已过期"  # the platform default when expiredText is not given
    assert [v.cause for v in p1.history] == ["render", "expire"]  # re-rendered under the overlay


def test_no_paths_expires_every_expirable_card(lab: Session) -> None:
    t, p, menu = show(lab, "ticket", {"code": "T"}), show(lab, "pass", {"code": "P"}), show(lab, "menu", {"items": []})
    lab.call("expireCards", {})
    assert (t.expired, p.expired, menu.expired) == (True, True, False)


def test_paths_that_name_nothing_or_a_card_that_cannot_expire(lab: Session) -> None:
    menu = show(lab, "menu", {"items": []})
    r = lab.call("expireCards", {"componentPaths": ["skills/lab/components/nope/index", "components/menu/index"]})
    assert [f.code for f in r.findings] == ["expire-path", "expire-not-expirable"]
    assert "names no component of mcp.json" in r.findings[0].message and not menu.expired


def test_expire_previous_cards_from_a_card(lab: Session) -> None:
    t1, t2 = show(lab, "ticket", {"code": "T1"}), show(lab, "ticket", {"code": "T2"})
    p = show(lab, "pass", {"code": "P"})
    # a new ticket's Result handler expires the earlier tickets (leading-slash absolute path), not itself
    t3 = show(lab, "ticket", {"code": "T3", "expireOthers": True})
    assert (t1.expired, t2.expired, t3.expired, p.expired) == (True, True, False, False)
    tap = t3.tap("#renew")  # no paths: every earlier expirable card
    assert tap.expired == [p] and p.expired and not t3.expired


def test_expire_all_cards_from_a_card_singular_component_path(lab: Session) -> None:
    p1, p2, t = show(lab, "pass", {"code": "P1"}), show(lab, "pass", {"code": "P2"}), show(lab, "ticket", {"code": "T"})
    tap = t.tap("#expire-pass")  # { componentPath: 'components/pass/index', match: 'latest' }
    assert tap.expired == [p2] and not p1.expired
    own = t.tap("#expire-self")  # expireAllCards includes the caller's own card
    assert own.expired == [t] and t.expired and own.rerendered


def test_expired_cards_cannot_be_tapped(lab: Session) -> None:
    t = show(lab, "ticket", {"code": "T"})
    lab.call("expireCards", {})
    with pytest.raises(CardError, match=r"is expired \(票已作废\): the client covers it and ignores taps"):
        t.tap("#renew")


def test_a_card_that_is_not_expirable_keeps_running(lab: Session) -> None:
    live = show(lab, "live", meta={"url": "https://poll.test/n", "every": 1000})
    r = lab.call("expireCards", {"componentPaths": ["components/live/index"]})
    assert [f.code for f in r.findings] == ["expire-not-expirable"] and not live.expired
    lab.advance(1000)
    assert live.find(".n").texts() == "n=20 polls=2"

"""Taps: bubbling and catch, the event object, upstream messages and what else a tap can do."""

from __future__ import annotations

import pytest
import test_card_support as support
from test_card_support import show, texts

from wxreplay import Card, Session
from wxreplay.cards.card import CardError
from wxreplay.cards.tree import CardQueryError

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures

ITEMS = [{"id": 1, "name": "甲"}, {"id": 2, "name": "乙"}]


@pytest.fixture
def menu(lab: Session) -> Card:
    """The menu card with two items."""
    return show(lab, "menu", {"title": "菜单", "items": ITEMS})


def test_tap_bubbles_through_bound_ancestors_with_current_target(menu: Card) -> None:
    tap = menu.tap(text="甲")  # the <text> inside the first item: bubbles to the item, then to the menu
    assert tap.target.tag == "text" and tap.handlers == ["onItem", "onMenu"]
    assert texts(menu, ".tap") == ["onItem target=- current=1 type=tap", "onMenu target=- current=- type=tap"]
    assert tap.rerendered


def test_catch_stops_bubbling(menu: Card) -> None:
    tap = menu.tap(".fav", index=1)
    assert tap.handlers == ["onFav"]
    assert texts(menu, ".tap") == ["onFav target=2 current=2 type=tap"]
    assert menu.find(".favs").texts() == "收藏 1"


def test_dataset_objects_reach_the_handler_and_send_the_api_call(menu: Card) -> None:
    tap = menu.tap(".item", index=1)
    msg = tap.message
    assert msg is not None and msg.ok and msg.in_tap
    assert msg.text == "我要乙" and msg.texts == ["我要乙"]
    assert msg.api_call is not None and (msg.api_call.name, msg.api_call.arguments) == ("pickItem", {"itemId": 2})
    assert menu.messages == [msg] and tap.findings == []
    assert msg.to_dict() == {"text": "我要乙", "apiCalls": [{"name": "pickItem", "arguments": {"itemId": 2}}]}


def test_tap_by_node_and_by_selector_agree(menu: Card) -> None:
    node = menu.find(".item", 0)
    assert menu.tap(node=node).message == menu.messages[0]
    with pytest.raises(Exception, match="exactly one of"):
        menu.tap(".item", text="甲")


def test_tap_on_a_node_nobody_handles_lists_the_tappable_ones(menu: Card) -> None:
    with pytest.raises(CardError) as info:
        menu.tap(".note")
    err = info.value
    assert (err.file, err.line) == ("skills/lab/components/menu/index.wxml", 23)
    text = str(err)
    assert 'nothing handles a tap on text.note "页脚没有绑定事件"' in text
    assert 'card.tap("view.item", index=1)' in text and 'button.fav @catch:tap=onFav data={"id":1} "收藏"' in text
    assert "more)" in text  # long lists are cut


def test_tap_on_something_missing_is_a_query_error(menu: Card) -> None:
    with pytest.raises(CardQueryError, match=r"no node #5 matches '\.item'"):
        menu.tap(".item", index=5)


def test_unknown_api_bad_arguments_and_missing_text_are_error_findings(menu: Card) -> None:
    unknown = menu.tap("#unknown")
    assert [f.code for f in unknown.findings] == ["follow-up-unknown-api"]
    assert "did you mean 'pickItem'" in unknown.findings[0].message and unknown.message and not unknown.message.ok

    bad = menu.tap("#badargs")
    assert [f.code for f in bad.findings] == ["follow-up-arguments"]
    assert "itemId: '一号' is not of type 'integer'" in bad.findings[0].message

    no_text = menu.tap("#notext")
    assert [f.code for f in no_text.findings] == ["follow-up-order"]
    assert all(f.level == "error" and f.api == "menu" for f in menu.findings)

    with pytest.raises(CardError, match=r"broke the platform's rules:\n.*pickItm"):
        menu.tap("#unknown", strict=True)


def test_update_model_context_only_in_a_tap_and_with_text(menu: Card) -> None:
    ok = menu.tap("#sync")
    assert [u.text for u in ok.model_updates] == ["用户收藏了 0 件"] and ok.findings == [] and ok.model_updates[0].in_tap
    later = menu.tap("#later")  # after an await: no longer inside the tap handler
    assert [f.code for f in later.findings] == ["model-context-outside-tap"]
    empty = menu.tap("#empty")
    assert [f.code for f in empty.findings] == ["model-context-content"]
    assert len(menu.model_updates) == 3


def test_detail_pages_related_page_and_custom_events(menu: Card) -> None:
    assert menu.related_page is not None and menu.related_page.url == "/pages/detail/detail?from=menu"
    opened = menu.tap("#detail")
    assert [(p.kind, p.url) for p in opened.pages] == [("open", "/pages/detail/detail?id=1")]
    preloaded = menu.tap("#preload")  # the [INT] { path, query } form
    assert [(p.kind, p.url) for p in preloaded.pages] == [("preload", "/pages/detail/detail?id=2")]
    related = menu.tap("#related")  # the [INT] setRelatedPageQuery
    assert related.related_page is not None and related.related_page.url == "/pages/detail/detail?tab=fav"
    assert opened.related_page is None  # unchanged by that tap
    emitted = menu.tap("#emit")
    assert [(e.name, e.detail, e.options) for e in emitted.events] == [("picked", {"id": 7}, {"bubbles": True})]
    assert [p.url for p in menu.pages] == ["/pages/detail/detail?id=1", "/pages/detail/detail?id=2"]


def test_bound_method_that_does_not_exist(menu: Card) -> None:
    tap = menu.tap("#missing")
    assert tap.handlers == [] and not tap.rerendered
    assert [f.message for f in tap.findings] == [
        'Component "skills/lab/components/menu/index" does not have a method "onNothing" to handle event "tap"'
    ]


def test_tap_result_records_host_events_and_to_dict(menu: Card) -> None:
    tap = menu.tap(".item")
    assert [e.name for e in tap.host_events] == ["modelContext.sendFollowUpMessage"]
    assert tap.host_events[0].context == "card"
    assert tap.to_dict()["handlers"] == ["onItem", "onMenu"] and tap.to_dict()["rerendered"] is True


def test_map_context_from_a_selector_query_and_create_map_context(lab: Session) -> None:
    card = show(lab, "mapCard", {"lat": 22.5, "lng": 113.9})
    center = card.tap("#center")
    assert center.rerendered and card.find(".center").texts() == "22.5,113.9"
    assert [e.name for e in center.host_events] == ["mapContext.create", "mapContext.getCenterLocation"]
    moved = card.tap("#move")
    assert [(e.name, e.args["args"] if "args" in e.args else e.args["via"]) for e in moved.host_events] == [
        ("mapContext.create", "createMapContext"),
        ("mapContext.moveToLocation", {"latitude": 1.5, "longitude": 2.5}),
    ]


def test_tapping_a_card_of_a_closed_session(lab_project: object) -> None:
    from wxreplay import Project

    assert isinstance(lab_project, Project)
    with Session(lab_project) as s:
        card = show(s, "menu", {"items": ITEMS})
    with pytest.raises(CardError, match="has ended; its cards cannot be tapped"):
        card.tap(".item")

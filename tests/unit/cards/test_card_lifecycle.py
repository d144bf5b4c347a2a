"""The Component() runtime: lifetimes, behaviors, properties, observers, setData, notifications."""

from __future__ import annotations

import pytest
import test_card_support as support
from test_card_support import show, texts

from wxreplay import Session
from wxreplay.cards.card import CardError

counter, lab, lab_project = support.counter, support.lab, support.lab_project  # fixtures


def test_lifetimes_and_notifications_run_in_the_platform_order(lab: Session) -> None:
    card = show(lab, "lifecycle", {"label": "L", "amount": 12})
    assert texts(card, ".step") == [
        "behavior created",  # a behavior's lifetimes run before the component's own
        "created",  # top-level created form
        "attached",  # lifetimes.attached
        'input {"arguments":{"data":{"label":"L","amount":12}}}',
        "result via getContext: _meta,content,isError,structuredContent",
        "result via getViewContext: L",  # both context objects' listeners, in registration order
        "ready",
    ]


def test_result_notification_carries_exactly_what_the_api_returned(lab: Session) -> None:
    result = lab.call("lifecycle", {"data": {"label": "x", "amount": 1}, "meta": {"img": "a.png"}, "text": "看卡片"})
    card = lab.render(result)
    assert card.api == "lifecycle" and card.arguments == result.arguments
    assert card.context == "card" and card.component_path == "components/lifecycle/index"
    assert card.absolute_path == "skills/lab/components/lifecycle/index"


def test_behavior_properties_data_and_this_is(lab: Session) -> None:
    card = show(lab, "lifecycle", {"label": "L", "amount": 12})
    assert card.find(".title").texts() == "生命周期 0 B"  # property defaults (value / Number) and behavior data
    assert card.find("#total").texts() == "¥12.00 stamp:B"  # a required util and a behavior method
    assert card.find("#is").texts() == "skills/lab/components/lifecycle/index"
    assert card.find("#dims").texts() == "393x98.25-393"  # getDimensions: width, width/4, width


def test_set_data_path_keys_observers_and_callbacks(lab: Session) -> None:
    card = show(lab, "lifecycle", {"label": "L"})
    tap = card.tap("#bump")
    assert tap.rerendered and tap.tree is card.tree
    assert card.find("#count").texts() == "count=1 name=Ann tags=,vip done=true m=7"
    # the setData callback ran after the render and its own setData rendered again in the same step
    assert card.find("#callbacks").texts() == "callbacks=1"
    assert texts(card, ".obs") == [
        "count=1",
        "user.name=Ann",
        "list[1].done=true",
        'user.**={"name":"Ann","tags":[null,"vip"]}',
        "pair=1/Ann",
    ]
    card.tap("#all")
    # '**' fires on every setData: attached, ready, the tap's two and the count-only one
    assert texts(card, ".obs") == ["** fired 4 times"]


def test_history_keeps_every_render_with_its_cause(lab: Session) -> None:
    card = show(lab, "lifecycle", {"label": "L"})
    assert [v.cause for v in card.history] == ["render"]
    before = card.tree
    card.tap("#bump")
    assert [v.cause for v in card.history] == ["render", "tap"]
    assert card.history[0].tree is before and before.find("#count").texts().startswith("count=0")
    assert card.history[-1].at_ms == lab.now


def test_non_serialisable_set_data_names_the_key(lab: Session) -> None:
    cases = {
        "function": r'"onPick" is a function \(pick\)',
        "nested": r'"a\.b\.items\[1\]" is a function',
        "bigint": r'"total" is a BigInt \(10n\)',
        "cyclic": r'"node\.self" refers back to one of its parents',
    }
    for mode, pattern in cases.items():
        with pytest.raises(CardError, match=pattern) as info:
            show(lab, "brokenData", {"mode": mode})
        err = info.value
        assert err.file == "skills/lab/components/broken-data/index.js" and err.line is not None
        assert err.component == "components/broken-data/index" and err.api == "brokenData"
        assert "setData takes JSON data only" in str(err)
    assert [c.component_path for c in lab.cards] == []  # a card that failed to render is not kept


def test_set_data_undefined_is_a_warning(lab: Session) -> None:
    card = show(lab, "brokenData", {"mode": "undefined"})
    assert [f.code for f in card.findings] == ["setdata-undefined"]
    assert card.find(".ok").texts() == ""


def test_js_error_points_at_the_cards_file_and_line(lab: Session) -> None:
    with pytest.raises(CardError) as info:
        show(lab, "jsError", {})
    err = info.value
    assert (err.file, err.line) == ("skills/lab/components/js-error/index.js", 8)
    assert "Cannot read properties of undefined (reading 'name')" in str(err)
    assert "at " in err.js_stack and "wxreplay:" not in err.js_stack


def test_index_js_without_component_call(lab: Session) -> None:
    with pytest.raises(CardError, match=r"did not call Component\(\{\.\.\.\}\)") as info:
        show(lab, "noComponent", {})
    assert info.value.hint and "Component(" in info.value.hint


def test_static_card_has_no_timers_and_no_network(lab: Session) -> None:
    card = show(lab, "clock", {})
    assert card.find(".kinds").texts() == "setTimeout:undefined request:undefined storage:function"
    assert [f.code for f in card.findings] == ["unavailable-wx-api"]
    with pytest.raises(CardError, match="setTimeout is not a function") as info:
        show(lab, "clock", {"useTimer": True})
    assert info.value.hint and "dynamic card" in info.value.hint


def test_cards_share_one_context_but_not_state(lab: Session) -> None:
    a = show(lab, "lifecycle", {"label": "A"})
    b = show(lab, "lifecycle", {"label": "B"})
    a.tap("#bump")
    assert a.find("#count").texts().startswith("count=1") and b.find("#count").texts().startswith("count=0")
    assert [c.number for c in lab.cards] == [1, 2] and lab.cards == [a, b]
    assert "via getViewContext: B" in b.texts()

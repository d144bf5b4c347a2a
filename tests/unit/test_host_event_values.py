"""A host event records its arguments and outcome as they were at the call, not as the skill left them.

Storage-as-database skills read a value, change it in place and store it again within one call
(``tests/skills/catalogue``'s ``repriceItem``). Events used to keep references to those very
objects until the step ended, so the transcript, and the snapshot, showed the read as already
changed: a record of something the skill never saw.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from wxreplay import Project, Session

CATALOGUE = Path(__file__).resolve().parents[1] / "skills" / "catalogue"


def _price(value: Any, sku: str) -> int:
    return next(item["price"] for item in value["items"] if item["sku"] == sku)


def test_a_read_changed_in_place_later_is_recorded_as_read(open_session: Callable[..., Session]) -> None:
    session = open_session(Project.load(CATALOGUE))
    session.call("browseCatalogue", {})
    result = session.call("repriceItem", {"sku": "SKU1002", "price": 21})
    read, write = result.host_events
    assert (read.name, write.name) == ("getStorageSync", "setStorageSync")
    assert _price(read.outcome, "SKU1002") == 19  # what the skill read, before it changed the item
    assert _price(write.args[1], "SKU1002") == 21


def test_a_value_changed_after_it_was_stored_is_recorded_as_stored(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project(
        {
            "save": """async () => {
              const list = [{ id: 1 }]
              wx.setStorageSync('list', list)
              list.push({ id: 2 })
              list[0].id = 'changed'
              const back = wx.getStorageSync('list')
              back.push({ id: 3 })
              return { content: [{ type: 'text', text: 'ok' }] }
            }"""
        }
    )
    events = open_session(project).call("save", {}).host_events
    assert [(e.name, e.args, e.outcome) for e in events] == [
        ("setStorageSync", ["list", [{"id": 1}]], None),
        ("getStorageSync", "list", [{"id": 1}]),
    ]

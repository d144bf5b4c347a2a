"""Which ``wx`` APIs exist in which execution context: the official [API] table (spec section 6).

Anything not listed for a context is ``undefined`` there, so a skill fails as it would on the
device. ``requestPayment`` is the one recorded conflict: the [OPS] flow and early demo call it in
an atomic API while the table forbids it, so it is offered there with a warning (spec 0.1).
"""

from __future__ import annotations

from enum import StrEnum

from wxreplay import wx_api_names
from wxreplay.wx_api_names import API_ONLY, BOTH, CARD_ONLY, DYNAMIC_EXTRA


class ContextKind(StrEnum):
    """The three isolated JavaScript contexts of the client runtime."""

    API = "api"
    CARD = "card"
    DYNAMIC = "dynamic"

    @property
    def label(self) -> str:
        return {
            "api": "atomic API context",
            "card": "static card (atomic component) context",
            "dynamic": "realtime dynamic card context",
        }[self.value]


PAYMENT_IN_API_WARNING = (
    "wx.requestPayment is called in an atomic API; the official [API] table allows it only in "
    "cards (the [OPS] flow and the early demo do it in an API, spec 0.1). It works in wxreplay, "
    "but move payment into a card's tap handler for the current client"
)


def available(kind: ContextKind) -> list[str]:
    """The ``wx`` API names that exist in ``kind``, sorted for stable output."""
    if kind is ContextKind.API:
        names = [*API_ONLY, *BOTH, "requestPayment"]
    elif kind is ContextKind.CARD:
        names = [*CARD_ONLY, *BOTH]
    else:
        names = [*CARD_ONLY, *BOTH, *DYNAMIC_EXTRA]
    return sorted(set(names))


def known() -> list[str]:
    """Every ``wx`` name wxreplay knows of, available somewhere or never."""
    return wx_api_names.known()


def warnings_for(kind: ContextKind) -> dict[str, str]:
    """APIs that work in ``kind`` but deserve a finding each time they are used."""
    return {"requestPayment": PAYMENT_IN_API_WARNING} if kind is ContextKind.API else {}


def timers_allowed(kind: ContextKind) -> bool:
    """Static cards have no timers; the API context (assumed) and dynamic cards do."""
    return kind is not ContextKind.CARD

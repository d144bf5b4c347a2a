"""The host-call side of a cassette: ``wx.login``, payment, location, phone number and ``wx.cloud``.

These calls are scripted (the scenario's ``device:``): the script answers them in every mode. The
cassette keeps each one with its outcome, in order with the HTTP, as a witness of the script the
HTTP was recorded under; a replayed outcome that contradicts the script is a stale cassette
(:mod:`wxreplay.cassette.witness`). Storage and system calls are local to the device and pass
through unrecorded; ``request`` passes through too (the transport records the HTTP) but labels
it with its API.
"""

from __future__ import annotations

import dataclasses
from contextlib import AbstractContextManager
from typing import Protocol

from wxreplay.host.base import Handler, HostCall, HostOutcome

RECORDED = frozenset(
    {
        "login",
        "checkSession",
        "requestPayment",
        "getLocation",
        "getFuzzyLocation",
        "getPhoneNumber",
        "getRealtimePhoneNumber",
    }
)


def is_recorded(name: str) -> bool:
    """Whether host calls named ``name`` are witnessed in the cassette (the listed ones and every ``cloud.*``)."""
    return name in RECORDED or name.startswith("cloud.")


class HostRecordings(Protocol):
    """What the interceptor needs of a cassette (it sits below the recorder, which builds it)."""

    last_ref: int | None  # the entry the last replayed request matched

    def api_context(self, api: str | None) -> AbstractContextManager[None]:
        """Label the HTTP recorded inside the block with the atomic API that made it."""
        ...

    def host_call(self, call: HostCall, nxt: Handler) -> HostOutcome:
        """Answer ``call`` with ``nxt`` (the script), checked against or recorded into the cassette."""
        ...


class CassetteInterceptor:
    """``Interceptor`` for ``Session(interceptors=[...])`` over one cassette."""

    def __init__(self, cassette: HostRecordings) -> None:
        self.cassette = cassette

    def __call__(self, call: HostCall, nxt: Handler) -> HostOutcome:
        if call.name == "request":
            # The transport answers it; the entry it replayed becomes the transcript's reference.
            self.cassette.last_ref = None
            with self.cassette.api_context(call.api):
                outcome = nxt(call)
            return dataclasses.replace(outcome, ref=self.cassette.last_ref) if outcome.ok else outcome
        if not is_recorded(call.name):
            return nxt(call)
        return self.cassette.host_call(call, nxt)

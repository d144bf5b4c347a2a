"""The host side of ``wx``: effects from JavaScript become ``HostCall``s answered by handlers.

Handlers are looked up by API name; a chain of interceptors sits in front of them so a cassette
(record/replay) or a user's own routing can answer or observe every call without the handlers
knowing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HostCall:
    """One asynchronous ``wx`` call waiting for an answer."""

    name: str
    args: Any
    context: str
    api: str | None  # the atomic API running when the call was made, if any
    ordinal: int  # n-th call of this name in the session, from 0


@dataclass(frozen=True)
class HostOutcome:
    """``ok`` resolves the Promise / calls ``success``; otherwise ``fail`` with ``value`` ({errMsg})."""

    ok: bool
    value: Any
    diagnostic: str | None = None  # a human note for reports (e.g. why a request failed)
    ref: int | None = None  # the cassette entry (1-based) that answered it, when one did

    @classmethod
    def success(cls, name: str, value: dict[str, Any] | None = None) -> HostOutcome:
        return cls(True, {**(value or {}), "errMsg": f"{name}:ok"})

    @classmethod
    def fail(cls, name: str, reason: str, diagnostic: str | None = None) -> HostOutcome:
        msg = reason if reason.startswith(f"{name}:fail") else f"{name}:fail {reason}"
        return cls(False, {"errMsg": msg}, diagnostic)


Handler = Callable[[HostCall], HostOutcome]
Interceptor = Callable[[HostCall, Handler], HostOutcome]


@dataclass
class Host:
    """Answers host calls: interceptors first (outermost first), then the handler for the name."""

    handlers: dict[str, Handler]
    fallback: Handler
    interceptors: list[Interceptor] = field(default_factory=list)

    def dispatch(self, call: HostCall) -> HostOutcome:
        def innermost(c: HostCall) -> HostOutcome:
            return self.handlers.get(c.name, self.fallback)(c)

        chain: Handler = innermost
        for icpt in reversed(self.interceptors):
            chain = _bind(icpt, chain)
        return chain(call)


def _bind(icpt: Interceptor, nxt: Handler) -> Handler:
    return lambda call: icpt(call, nxt)

"""A session of the simulated client runtime: what tests and the CLI drive.

One session is one conversation's runtime: the three V8 contexts of the client (atomic API,
static card, realtime dynamic card), a virtual clock and a simulated device. The scheduler
underneath lives in ``wxreplay.runtime.scheduler``, the card layer in ``wxreplay.cards.runtime``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from wxreplay.cards.runtime import CardRuntime
from wxreplay.errors import ApiCallError, JSError, UnknownApiError
from wxreplay.host import cloud
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import Handler, Interceptor
from wxreplay.host.device import Device
from wxreplay.project import Project
from wxreplay.result import CallResult, check_result, handoff_of, validate_arguments
from wxreplay.runtime.scheduler import CHAIN_TIMEOUT_MS, SessionLimits, Trace

__all__ = ["CHAIN_TIMEOUT_MS", "Session", "SessionLimits"]


class Session(CardRuntime):
    """One conversation's client runtime: load the skill, call its APIs, render cards, advance the clock."""

    def __init__(
        self,
        project: Project,
        skill: str | None = None,
        *,
        device: Device | None = None,
        transport: httpx.BaseTransport | None = None,
        handlers: dict[str, Handler] | None = None,
        interceptors: list[Interceptor] | None = None,
        limits: SessionLimits | None = None,
        now_ms: int | None = None,
        session_id: str | None = None,
        cloud_functions: Mapping[str, cloud.CloudFunction] | None = None,
    ) -> None:
        """Boot the three contexts and load ``skill`` of ``project`` (the only one when None).

        ``device`` is the simulated phone (its storage outlives sessions); ``transport`` answers
        ``wx.request`` (default: the real network; a cassette or an in-process app in tests);
        ``handlers`` replace host API handlers by name and ``interceptors`` see every host call
        first; ``now_ms`` starts the virtual clock (default: the device's start time).
        """
        super().__init__(
            project, skill, device=device, transport=transport, handlers=handlers, interceptors=interceptors,
            limits=limits, now_ms=now_ms, session_id=session_id, cloud_functions=cloud_functions,
        )
        self._boot()

    def close(self) -> None:
        """End the runtime: cards get ``detached``, then the isolates, loop and HTTP client are released."""
        if self.closed:
            return
        self._detach_cards()
        super().close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # ---- calling APIs ------------------------------------------------------------------------
    def call(self, api: str, arguments: dict[str, Any] | None = None) -> CallResult:
        """Call atomic API ``api`` like the platform does and return its checked result."""
        if self.closed:
            raise ApiCallError("the session is closed", api=api, hint="start a new session")
        decl = self.skill.api(api)
        mcp = self._label(self.skill.mcp_path)
        if api not in self.registered:
            import difflib

            close = difflib.get_close_matches(api, self.registered, n=1)
            raise UnknownApiError(
                f"{api!r} is declared in mcp.json but index.js did not register it "
                f"(registered: {', '.join(self.registered) or 'nothing'})",
                api=api, file=self._label(self.skill.index_js),
                hint=f"the names must match: did you mean registerAPI({close[0]!r}) → {api!r}?" if close
                else f"call skill.registerAPI({api!r}, handler) in index.js",
            )
        args = {} if arguments is None else arguments
        validate_arguments(decl, args, file=mcp)
        started = self.now
        self._trace = Trace(api=api)
        ctx = self.contexts[ContextKind.API]
        ok = False
        try:
            rec = self._runner.run(self._run_job(ctx, {"kind": "call", "api": api, "args": args},
                                                 deadline=started + CHAIN_TIMEOUT_MS, what=api))
            if "error" in rec:
                raise self._runner.run(self._js_error(ctx, rec["error"], JSError, api_name=api, what=api))
            raw = json.loads(rec["json"])
            raw, found = check_result(decl, raw, mcp_file=mcp)
            # Cards rendered earlier live on: timers of dynamic cards may have fired meanwhile, and
            # the API may have expired cards (expireAllCards).
            self._trace.findings.extend(self._render_error_findings())
            self._run_expiries()
            ok = True
        finally:
            if not ok:
                self._expiries.clear()
            trace, self._trace = self._trace, Trace(api=None)
            self.findings.extend(trace.findings)
        return CallResult(
            api=api, arguments=args, raw=raw, is_error=bool(raw.get("isError", False)),
            content=raw["content"], structured_content=raw.get("structuredContent"), meta=raw.get("_meta"),
            handoff=handoff_of(decl, raw), api_calls=list(raw.get("apiCalls") or []),
            session_id=self.session_id, virtual_ms=self.now - started,
            findings=trace.findings + found, logs=trace.logs, host_events=trace.events,
        )

    def suspend(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass with the app in the background: nothing runs.

        The clock moves but timers are frozen, not skipped: every pending timer of every context
        is postponed by ``ms``, so a timer due 3 s after the app went to the background fires 3 s
        after the clock runs again in the foreground (:meth:`advance` or the next call). No timer
        fires, no host call is made, no card re-renders.
        """
        if self.closed:
            raise ApiCallError("the session is closed", hint="start a new session")
        self._suspend(int(ms))

    def advance(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass: timers of every context fire in order."""
        target = self.now + int(ms)
        self._trace = Trace(api=None)
        try:
            self._runner.run(self._drive(lambda: False, target))
            self.now = max(self.now, target)
            self._raise_render_errors()  # a card that broke while its timers ran
            self._run_expiries()
        finally:
            trace, self._trace = self._trace, Trace(api=None)
            self.findings.extend(trace.findings)

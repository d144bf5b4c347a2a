"""A session of the simulated client runtime: what tests and the CLI drive.

One session is one conversation's runtime: the three V8 contexts of the client (atomic API,
static card, realtime dynamic card), a virtual clock and a simulated device. A ``Session`` owns
two parts and talks to them through their public methods: the runtime
(:class:`~wxreplay.runtime.scheduler.Runtime`: contexts, clock, host calls) and the card host
(:class:`~wxreplay.cards.runtime.CardRuntime`: cards, taps, expiry, render errors), which listens
to the runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from wxreplay.cards.card import Card
from wxreplay.cards.runtime import CardRuntime
from wxreplay.config import WXML_CALLS, WxmlCalls
from wxreplay.errors import ApiCallError, UnknownApiError, UsageError
from wxreplay.findings import Finding
from wxreplay.host import cloud
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import Handler, Host, Interceptor
from wxreplay.host.device import Device
from wxreplay.host.http import HttpHandler
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult, HostEvent, LogLine, check_result, validate_arguments
from wxreplay.runtime.context import ExecutionContext
from wxreplay.runtime.scheduler import CHAIN_TIMEOUT_MS, HostSetup, Runtime, SessionLimits
from wxreplay.source import did_you_mean

if TYPE_CHECKING:
    from wxreplay.cassette.recorder import Cassette

__all__ = ["CHAIN_TIMEOUT_MS", "Session", "SessionLimits"]


class Session:
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
        cassette: Cassette | None = None,
        wxml_calls: WxmlCalls = "undefined",
    ) -> None:
        """Boot the three contexts and load ``skill`` of ``project`` (the only one when None).

        ``device`` is the simulated phone (its storage outlives sessions); ``transport`` answers
        ``wx.request`` (default: the real network; a cassette or an in-process app in tests);
        ``handlers`` replace host API handlers by name and ``interceptors`` see every host call
        first; ``now_ms`` starts the virtual clock (default: the device's start time).

        ``cassette`` replays (and, when its mode allows, records) ``wx.request`` and checks the
        scripted host calls against their recorded outcomes (a contradiction is a stale cassette):
        its transport answers ``wx.request``, recording through ``transport`` when one is given,
        and its interceptor sits behind ``interceptors``, so what they answer themselves is never
        recorded. Saving it stays with the caller (``cassette.settle(passed)``, the save policy).

        ``wxml_calls`` is what a method call in card WXML (``{{item.date.slice(5)}}``) becomes:
        ``"undefined"`` (what the client shows, with a ``wxml-call`` warning finding) or
        ``"javascript"`` (evaluated in the card's context); ``[tool.wxreplay] wxml_calls`` of
        pyproject.toml (:func:`wxreplay.config.wxml_calls`) sets it for scenarios and the CLI.
        """
        if wxml_calls not in WXML_CALLS:
            raise UsageError(
                f"Session(wxml_calls={wxml_calls!r}): must be one of {', '.join(map(repr, WXML_CALLS))}",
                hint='wxml_calls="undefined" (the default) or wxml_calls="javascript"',
            )
        self.project = project
        resolved = project.skill(skill)
        if cassette is not None:
            transport = cassette.transport(transport)
            interceptors = [*(interceptors or ()), cassette.interceptor]
        self._runtime = Runtime(
            project,
            resolved,
            device=device if device is not None else Device(),
            setup=HostSetup(transport, handlers, tuple(interceptors or ()), cloud_functions),
            limits=limits or SessionLimits(),
            now_ms=now_ms,
            session_id=session_id,
        )
        self._cards = CardRuntime(self._runtime, wxml_calls=wxml_calls)
        self._runtime.listener = self._cards
        try:
            self._runtime.boot()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the runtime: cards get ``detached``, then the isolates, loop and HTTP client are released."""
        if self.closed:
            return
        self._cards.detach_all()
        self._runtime.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # ---- what the runtime and the card host hold ------------------------------------------------
    @property
    def skill(self) -> Skill:
        """The skill this session loaded."""
        return self._runtime.skill

    @property
    def device(self) -> Device:
        """The simulated phone (storage, cloud, payments); it outlives the session."""
        return self._runtime.device

    @property
    def limits(self) -> SessionLimits:
        """The per-context V8 heap and wall-clock caps."""
        return self._runtime.limits

    @property
    def now(self) -> int:
        """The virtual clock, in ms since the epoch."""
        return self._runtime.now

    @property
    def session_id(self) -> str:
        """The platform's session id (stable for the same device, start time and ordinal)."""
        return self._runtime.session_id

    @property
    def ordinal(self) -> int:
        """Which session of the device this is (0 for the first)."""
        return self._runtime.ordinal

    @property
    def seed(self) -> int:
        """The seed of this session's ``Math.random()``."""
        return self._runtime.seed

    @property
    def host(self) -> Host:
        """What answers the skill's asynchronous host calls (handlers behind interceptors)."""
        return self._runtime.host

    @property
    def http(self) -> HttpHandler:
        """The ``wx.request`` handler (an httpx client on the session's transport)."""
        return self._runtime.http

    @property
    def contexts(self) -> dict[ContextKind, ExecutionContext]:
        """The V8 contexts started so far, by kind: the API context, a card context once a card of its kind rendered.

        Empty once closed.
        """
        return self._runtime.contexts

    @property
    def registered(self) -> tuple[str, ...]:
        """The APIs index.js registered, in order."""
        return self._runtime.registered

    @property
    def events(self) -> list[HostEvent]:
        """Every host call of the session, in the order the skill made them."""
        return self._runtime.events

    @property
    def logs(self) -> list[LogLine]:
        """Every console line of the session."""
        return self._runtime.logs

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the session (loading, calls, cards, detach)."""
        return self._runtime.findings

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran (or the skill failed to load)."""
        return self._runtime.closed

    @property
    def cards(self) -> list[Card]:
        """Every card rendered in this session, oldest first."""
        return self._cards.cards

    # ---- calling APIs ------------------------------------------------------------------------
    def call(self, api: str, arguments: dict[str, Any] | None = None) -> CallResult:
        """Call atomic API ``api`` like the platform does and return its checked result."""
        if self.closed:
            raise ApiCallError("the session is closed", api=api, hint="start a new session")
        rt = self._runtime
        decl = self.skill.api(api)
        mcp = rt.label(self.skill.mcp_path)
        if api not in self.registered:
            close = did_you_mean(api, self.registered)
            raise UnknownApiError(
                f"{api!r} is declared in mcp.json but index.js did not register it "
                f"(registered: {', '.join(self.registered) or 'nothing'})",
                api=api,
                file=rt.label(self.skill.index_js),
                hint=f"the names must match: did you mean registerAPI({close!r}) → {api!r}?"
                if close
                else f"call skill.registerAPI({api!r}, handler) in index.js",
            )
        args = {} if arguments is None else arguments
        validate_arguments(decl, args, file=mcp)
        started = self.now
        with rt.tracing(api) as trace:
            try:
                raw = rt.run_api(api, args, deadline=started + CHAIN_TIMEOUT_MS)
                raw, found = check_result(decl, raw, mcp_file=mcp)
                # Cards rendered earlier live on: timers of dynamic cards may have fired meanwhile, and
                # the API may have expired cards (expireAllCards).
                trace.findings.extend(self._cards.render_error_findings())
                self._cards.run_expiries()
            except BaseException:
                self._cards.drop_expiries()
                raise
        return CallResult.from_raw(
            decl,
            api,
            args,
            raw,
            session_id=self.session_id,
            virtual_ms=self.now - started,
            findings=trace.findings + found,
            logs=trace.logs,
            host_events=trace.events,
        )

    def render(self, result: CallResult) -> Card:
        """Render the card bound to ``result``'s API (``_meta.ui.componentPath``) from that result.

        The component is created in the static card context (or the realtime dynamic one for
        ``permissions["scope.dynamic"]``), runs ``created`` and ``attached``, receives the ``Input``
        then the ``Result`` notification, runs ``ready`` and is rendered; host calls it makes on the
        way (a dynamic card's first poll) are answered before this returns.
        """
        return self._cards.render(result)

    def suspend(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass with the app in the background: nothing runs.

        The clock moves but timers are frozen, not skipped: every pending timer of every context
        is postponed by ``ms``, so a timer due 3 s after the app went to the background fires 3 s
        after the clock runs again in the foreground (:meth:`advance` or the next call). No timer
        fires, no host call is made, no card re-renders.
        """
        if self.closed:
            raise ApiCallError("the session is closed", hint="start a new session")
        self._runtime.suspend(int(ms))

    def advance(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass: timers of every context fire in order."""
        target = self.now + int(ms)
        with self._runtime.tracing():
            self._runtime.advance_to(target)
            self._cards.raise_render_errors()  # a card that broke while its timers ran
            self._cards.run_expiries()

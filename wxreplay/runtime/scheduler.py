"""The scheduler under a session: three V8 contexts, a virtual clock, one device, one host.

Every context is driven through one loop: host effects are answered in the order they were
made, and when nothing is waiting on the host the earliest timer of any context fires (the
virtual clock jumps to it). That loop is the whole concurrency model, so the same inputs always
give the same outputs. The public ``Session`` (``wxreplay.session``) owns a :class:`Runtime` and
a card host (``wxreplay.cards.runtime``); the runtime tells the card host what the card contexts
did through the :class:`RuntimeListener` interface, so it never imports the card layer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from py_mini_racer import JSEvalException

from wxreplay.errors import (
    ApiCallError,
    CallTimeoutError,
    JSError,
    MemoryLimitError,
    ResultError,
    SkillLoadError,
)
from wxreplay.findings import Finding
from wxreplay.host import cloud, network_script, permissions, scripted
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import Handler, Host, HostCall, Interceptor
from wxreplay.host.device import Device
from wxreplay.host.http import HttpHandler
from wxreplay.project import Project, Skill
from wxreplay.result import HostEvent, LogLine, sync_ok
from wxreplay.runtime.context import BridgeBroken, ExecutionContext
from wxreplay.runtime.engine import HeapLimitExceeded, WallClockExceeded
from wxreplay.runtime.jserror import (
    SYNTAX_HINT,
    WX_MISSING_HINT,
    get_app_note,
    read_js_error,
    replaced_message,
    tamper_note,
)

CHAIN_TIMEOUT_MS = 300_000  # API + middleware chain, on the virtual clock ([INT])
# Hints for the codes the API context's JS puts on its error records (module-not-found: shared, in jserror).
_API_CODE_HINTS = {
    "not-serialisable": "return plain JSON data (no BigInt, no cycles)",
    "handoff-resolver": "the lazy handoff ({ result }) => ({ query, payload }) threw; it must return the handoff object",
    "handler-not-function": (
        "register a function: module.exports = fn with a plain require, "
        "or module.exports = { fn } with const { fn } = require(...)"
    ),
}


def define_skill_modules(ctx: ExecutionContext, skill: Skill) -> None:
    """Give ``ctx`` the sources of ``skill``'s subpackage for ``require``, and the skill's place in it.

    The files' text is bundled once per subpackage (:meth:`Skill.source_bundle`), shared by
    every skill of it.
    """
    ctx.define_modules(skill.source_bundle(), root=skill.subpackage_root, skill_dir=skill.path)


@dataclass
class SessionLimits:
    """The guards of a session against runaway or hostile skill code; each breach is a clear error or finding.

    ``memory_mb`` caps each context's V8 heap and ``wall_timeout_s`` the real time of one step.
    ``set_data_bytes`` caps the JSON size of one ``setData`` call and ``card_data_bytes`` a card's
    whole data (a card error naming the limit). ``log_bytes_per_call`` caps the console text one
    call (or clock advance) keeps: the rest is dropped with a ``log-limit`` finding.
    ``host_calls_per_call`` caps the wx host calls (sync and async) of one call: an ApiCallError.
    ``response_bytes`` caps one ``wx.request`` response body: the request fails (``request:fail``).
    """

    memory_mb: int = 128
    wall_timeout_s: float = 5.0
    set_data_bytes: int = 1_000_000
    card_data_bytes: int = 4_000_000
    log_bytes_per_call: int = 1_000_000
    host_calls_per_call: int = 10_000
    response_bytes: int = 10_000_000

    def js_limits(self) -> dict[str, int]:
        """The limits the JavaScript side enforces itself, as the prelude's config expects them."""
        return {
            "setDataBytes": self.set_data_bytes,
            "cardDataBytes": self.card_data_bytes,
            "logBytes": self.log_bytes_per_call,
        }


@dataclass
class _Pending:
    call: HostCall
    event: HostEvent
    effect_id: int
    denied: str | None = None  # why the effect may not run in its context (then the host never sees it)


@dataclass
class Trace:
    """What one call (or one clock advance) produced, gathered while the scheduler runs."""

    api: str | None
    findings: list[Finding] = field(default_factory=list)
    logs: list[LogLine] = field(default_factory=list)
    events: list[HostEvent] = field(default_factory=list)
    log_bytes: int = 0  # console text kept so far (SessionLimits.log_bytes_per_call)
    logs_dropped: bool = False


@dataclass(frozen=True)
class HostSetup:
    """How a runtime answers host calls, beyond the device's scripted defaults.

    ``transport`` answers ``wx.request`` (None: the real network); ``handlers`` replace host API
    handlers by name; ``interceptors`` see every host call first (outermost first);
    ``cloud_functions`` answer ``wx.cloud.callFunction`` locally.
    """

    transport: httpx.BaseTransport | None = None
    handlers: Mapping[str, Handler] | None = None
    interceptors: Sequence[Interceptor] = ()
    cloud_functions: Mapping[str, cloud.CloudFunction] | None = None


class RuntimeListener(Protocol):
    """What a layer above the runtime (the card host) hears while the runtime absorbs a step's output."""

    def on_event(self, name: str, args: dict[str, Any], trace: Trace) -> None:
        """A synchronous host event was recorded (cards react to ``modelContext`` events)."""
        ...

    def on_late_finish(self, ctx: ExecutionContext, rec: dict[str, Any], trace: Trace) -> bool:
        """A job finished; return True when the listener took it (e.g. a late async tap handler)."""
        ...

    def on_renders(self, renders: Iterable[dict[str, Any]]) -> None:
        """Cards rendered at the end of a step."""
        ...


class QuietListener:
    """The listener of a runtime nobody listens to: hears everything, takes nothing."""

    def on_event(self, name: str, args: dict[str, Any], trace: Trace) -> None:
        """Nothing reacts to host events."""

    def on_late_finish(self, ctx: ExecutionContext, rec: dict[str, Any], trace: Trace) -> bool:
        """No job is anyone else's."""
        return False

    def on_renders(self, renders: Iterable[dict[str, Any]]) -> None:
        """No card listens."""


class Runtime:
    """The client runtime of one session: contexts, host, clock and the loop that drives them.

    Built unbooted: set :attr:`listener`, then :meth:`boot` starts the contexts and loads the skill.
    :attr:`trace` gathers what the running operation produced; :meth:`tracing` opens a fresh one.
    """

    def __init__(
        self,
        project: Project,
        skill: Skill,
        *,
        device: Device,
        setup: HostSetup,
        limits: SessionLimits,
        now_ms: int | None,
        session_id: str | None,
    ) -> None:
        self.project = project
        self.skill = skill
        self.device = device
        self.limits = limits
        self.now = now_ms if now_ms is not None else self.device.start_ms()
        self.started_ms = self.now
        # The n-th session on a device gets its own id and random stream: a restart must not
        # replay the first session's Math.random() (ids made from it would collide in storage).
        self.ordinal = self.device.next_session()
        self.seed = _session_seed(self.device.seed, self.ordinal)
        self.session_id = session_id or _session_id(self.device, self.now, self.ordinal)
        self.http = HttpHandler(setup.transport, max_bytes=limits.response_bytes)
        fallback = scripted.stubs(self.device)
        default: dict[str, Handler] = {
            "request": network_script.scripted_request(self.device.network, self.http),
            "getNetworkType": network_script.network_type(self.device.network, fallback),
            "login": scripted.login(self.device),
            "checkSession": scripted.check_session(self.device),
            "requestPayment": scripted.request_payment(self.device),
            "getLocation": scripted.location(self.device),
            "getFuzzyLocation": scripted.location(self.device),
            "getPhoneNumber": scripted.phone_number(self.device),
            "getRealtimePhoneNumber": scripted.phone_number(self.device),
            # wx.cloud.*: the device's in-memory cloud; cloud_functions answer callFunction locally
            **cloud.handlers(self.device.cloud, seed=self.device.seed, clock=lambda: self.now, functions=setup.cloud_functions),
        }
        self.host = Host({**default, **(setup.handlers or {})}, fallback, list(setup.interceptors))
        self.events: list[HostEvent] = []
        self.logs: list[LogLine] = []
        self.findings: list[Finding] = []
        self.registered: tuple[str, ...] = ()
        self._ordinals: dict[str, int] = {}
        self._next_id = 0
        self._finished: dict[int, dict[str, Any]] = {}
        self.trace = Trace(api=None)  # of the operation running now; a throwaway one between operations
        self.listener: RuntimeListener = QuietListener()
        self.contexts: dict[ContextKind, ExecutionContext] = {}
        self._labels: dict[Any, str] = {}
        self.closed = False

    def boot(self) -> None:
        """Start the contexts and load the skill (the caller closes the runtime when this raises)."""
        self._start()

    @contextmanager
    def tracing(self, api: str | None = None) -> Iterator[Trace]:
        """Gather what happens inside the block into a fresh :class:`Trace` (not nested).

        When the block ends, however it ends, the trace's findings join the session's.
        """
        self.trace = Trace(api=api)
        try:
            yield self.trace
        finally:
            trace, self.trace = self.trace, Trace(api=None)
            self.findings.extend(trace.findings)

    def close(self) -> None:
        """Release the V8 isolates and the HTTP client."""
        if self.closed:
            return
        self.closed = True

        for ctx in self.contexts.values():
            ctx.close()
        self.contexts.clear()
        self.http.close()

    # ---- lifecycle ---------------------------------------------------------------------------
    def _boot_context(self, kind: ContextKind) -> ExecutionContext:
        mem = self.limits.memory_mb * 1024 * 1024
        # The sources it will be given (the pool makes the next context of this kind with them).
        ctx = ExecutionContext(
            kind, memory_limit=mem, wall_timeout=self.limits.wall_timeout_s, modules=self.skill.source_bundle()
        )
        self.contexts[kind] = ctx
        ctx.boot(
            device=self.device,
            now=self.now,
            seed=self.seed,
            session_id=self.session_id,
            skill_path=self.skill.path,
            standalone=self.project.app_json is None,
            limits=self.limits.js_limits(),
        )
        return ctx

    def context(self, kind: ContextKind) -> ExecutionContext:
        """The context of ``kind``, started on first use.

        Only the API context starts with the session: a card context costs an isolate and a
        bootstrap (a third of a session start each), and most calls render no card. Starting one
        later changes nothing the skill can see: its clock is brought to the session's on its first
        step, its random stream is its own (seeded by kind), and nothing ran in it before.
        """
        ctx = self.contexts.get(kind)
        if ctx is not None:
            return ctx
        if self.closed:
            raise ApiCallError("the session is closed", hint="start a new session")
        return self._boot_context(kind)

    def _start(self) -> None:
        api = self._boot_context(ContextKind.API)
        define_skill_modules(api, self.skill)
        entry = self.skill.index_js.relative_to(self.skill.root).as_posix()
        self.trace = Trace(api=None)
        rec = self._run_job(api, {"kind": "load", "entry": entry}, deadline=self.now + CHAIN_TIMEOUT_MS, what=f"loading {entry}")
        self.findings.extend(self.trace.findings)
        if "error" in rec:
            raise self._js_error(api, rec["error"], SkillLoadError, api_name=None, what=f"loading {entry}")
        loaded = json.loads(rec["json"])
        self.registered = tuple(loaded["registered"])
        self._check_registration(set(loaded.get("exported") or ()))

    def _check_registration(self, exported: set[str]) -> None:
        declared = set(self.skill.api_names())
        registered = set(self.registered)
        mcp = self.label(self.skill.mcp_path)
        for name in sorted(declared - registered):
            legacy = (
                (
                    f"; index.js exports {name} through module.exports (the [INT] form), which registers nothing: "
                    f"call wx.modelContext.registerAPI({name!r}, {name})"
                )
                if name in exported
                else ""
            )
            self.findings.append(
                Finding(
                    "not-registered",
                    f"mcp.json declares {name!r} but index.js never calls registerAPI({name!r}){legacy}",
                    level="error",
                    api=name,
                    file=mcp,
                )
            )
        for name in sorted(registered - declared):
            self.findings.append(
                Finding(
                    "not-declared",
                    f"index.js registers {name!r} which mcp.json does not declare; the model cannot call it",
                    level="warning",
                    api=name,
                    file=mcp,
                )
            )

    # ---- what the session asks of the runtime --------------------------------------------------
    def run_api(self, api: str, args: dict[str, Any], *, deadline: int) -> dict[str, Any]:
        """Run atomic API ``api`` until its chain settles (by ``deadline`` on the virtual clock); its raw result."""
        ctx = self.contexts[ContextKind.API]
        rec = self._run_job(ctx, {"kind": "call", "api": api, "args": args}, deadline=deadline, what=api)
        if "error" in rec:
            raise self._js_error(ctx, rec["error"], JSError, api_name=api, what=api)
        raw: dict[str, Any] = json.loads(rec["json"])
        return raw

    def advance_to(self, target: int) -> None:
        """Let the virtual clock run to ``target``: timers of every context fire in order."""
        self._drive(lambda: False, target)
        self.now = max(self.now, target)

    def settle_job(self, ctx: ExecutionContext, job: dict[str, Any], *, what: str) -> tuple[int, dict[str, Any] | None]:
        """Start ``job`` in ``ctx`` and answer its host calls, letting no virtual time pass.

        Returns the job's id and its record, or None when it still waits (on a timer): it then
        finishes when the clock advances, and :meth:`RuntimeListener.on_late_finish` hears of it.
        """
        self._next_id += 1
        job_id = self._next_id
        self._step(ctx, {"start": {**job, "id": job_id}}, what=what)
        # Settle: answer host calls (a dynamic card's poll) but let no virtual time pass.
        self._drive(
            lambda: job_id in self._finished and not any(c.pending_effects for c in self.contexts.values()), self.now, what=what
        )
        return job_id, self._finished.pop(job_id, None)

    def suspend(self, ms: int) -> None:
        """Move the clock by ``ms`` with every timer postponed by as much (the app is in the background)."""
        self.now += ms
        for ctx in self.contexts.values():
            if ctx.next_timer is not None:
                self._step(ctx, {"shiftTimers": ms}, what="the background")

    # ---- the scheduler -----------------------------------------------------------------------
    def _run_job(self, ctx: ExecutionContext, job: dict[str, Any], *, deadline: int, what: str) -> dict[str, Any]:
        self._next_id += 1
        job_id = self._next_id
        self._step(ctx, {"start": {**job, "id": job_id}}, what=what)
        done = self._drive(lambda: job_id in self._finished, deadline, what=what)
        if not done:
            waited = (
                "a timer beyond the 300 s chain limit"
                if any(c.next_timer is not None for c in self.contexts.values())
                else "nothing (a Promise that never settles)"
            )
            self.now = max(self.now, deadline)
            replaced = ctx.tampered()
            if replaced:
                raise CallTimeoutError(
                    f"{what} did not finish: {replaced_message(replaced)}",
                    api=self.trace.api,
                    hint="leave JavaScript's built-ins in place; wrap or copy them instead of replacing them",
                )
            raise CallTimeoutError(
                f"{what} did not finish within the platform's 300 s chain timeout on the virtual clock; "
                f"it was waiting on {waited}",
                api=self.trace.api,
                hint="make sure every Promise in the handler and middleware settles, and that next() is awaited",
            )
        return self._finished.pop(job_id)

    def _drive(self, done: Callable[[], bool], deadline: int, what: str = "the clock") -> bool:
        while not done():
            progressed = False
            for ctx in self.contexts.values():
                if ctx.pending_effects:
                    self._answer_effects(ctx, what)
                    progressed = True
            if progressed:
                continue
            due = [(c.next_timer, i, c) for i, c in enumerate(self.contexts.values()) if c.next_timer is not None]
            if not due:
                return done()
            when, _, ctx = min(due, key=lambda d: (d[0], d[1]))
            if when > deadline:
                return done()
            self.now = max(self.now, when)
            self._step(ctx, {"fire": True}, what=what)
        return True

    def _answer_effects(self, ctx: ExecutionContext, what: str) -> None:
        answers = []
        for eff in ctx.pending_effects:
            pend: _Pending = eff["pending"]
            if pend.denied is not None:
                fail = {"errMsg": f"{pend.call.name}:fail {pend.denied}"}
                pend.event.ok, pend.event.outcome = False, fail
                answers.append({"id": pend.effect_id, "ok": False, "value": fail})
                continue
            outcome = self.host.dispatch(pend.call)
            pend.event.ok = outcome.ok
            pend.event.outcome = outcome.value
            pend.event.cassette_ref = outcome.ref
            if outcome.diagnostic:
                self.trace.findings.append(Finding("host", outcome.diagnostic, api=pend.call.api, context=ctx.kind.value))
            answers.append({"id": pend.effect_id, "ok": outcome.ok, "value": outcome.value})
        ctx.pending_effects = []
        self._step(ctx, {"resolve": answers}, what=what)

    def _step(self, ctx: ExecutionContext, payload: dict[str, Any], *, what: str) -> None:
        if ctx.now < self.now:
            payload["now"] = self.now
        if ctx.storage_version != self.device.storage_version:
            payload["storage"] = self.device.storage_text()
            ctx.storage_version = self.device.storage_version
        try:
            out = ctx.step(payload)
        except WallClockExceeded:
            self._salvage(ctx)
            raise CallTimeoutError(
                f"{what} ran for more than {self.limits.wall_timeout_s:g} s of real time without yielding "
                "(an infinite loop?); V8 stopped it",
                api=self.trace.api,
                hint="look for a loop whose exit condition never becomes true",
            ) from None
        except HeapLimitExceeded:
            self._salvage(ctx)
            raise MemoryLimitError(
                f"{what} exceeded the {self.limits.memory_mb} MB heap limit of the {ctx.kind.label}; V8 stopped it",
                api=self.trace.api,
                hint="look for data that grows without bound",
            ) from None
        except (JSEvalException, BridgeBroken) as e:
            # The prelude catches the skill's own errors: this is skill code breaking the harness.
            replaced = ctx.tampered()
            detail = replaced_message(replaced) if replaced else f"internal JavaScript error: {str(e).splitlines()[0]}"
            raise ApiCallError(
                f"{what} broke the {ctx.kind.label}'s bridge to wxreplay: {detail}",
                api=self.trace.api,
                hint="leave JavaScript's built-ins in place; wrap or copy them instead of replacing them",
            ) from None
        self._absorb(ctx, out)

    def _salvage(self, ctx: ExecutionContext) -> None:
        """Keep the logs, host events and storage writes of a step V8 terminated (else the next call shows them)."""
        out = ctx.flush()
        if out is not None:
            out["effects"] = []  # async wx calls of the killed code: leave them unanswered
            self._absorb(ctx, out)

    def _absorb(self, ctx: ExecutionContext, out: dict[str, Any]) -> None:
        trace = self.trace
        if out["storageOps"]:
            self.device.apply_storage_ops(out["storageOps"])
            ctx.storage_version = self.device.storage_version
        # Sync calls (storage, system info) are logged in JS; async ones become effects. Both
        # carry JS sequence numbers, so the session's event list keeps the order the skill saw.
        items: list[tuple[int, str, dict[str, Any]]] = [(e["seq"], "event", e) for e in out["events"]]
        items += [(e["seq"], "effect", e) for e in out["effects"]]
        items += [(e["seq"], "log", e) for e in out["logs"]]
        for _seq, kind, e in sorted(items, key=lambda t: t[0]):
            if kind == "log":
                self._keep_log(trace, LogLine(e["level"], e["text"], e["context"], trace.api))
                if e.get("uncaught") and ctx.kind is not ContextKind.API:
                    # A card's timer or callback threw where no caller can catch it: the card is
                    # now half-updated, so this must not pass as a mere log line.
                    trace.findings.append(
                        Finding(
                            "card-uncaught-error",
                            str(e["text"]).split("\n", 1)[0],
                            level="error",
                            api=trace.api,
                            context=ctx.kind.value,
                        )
                    )
                continue
            event = HostEvent(len(self.events), e["name"], e["context"], e.get("args"), api=trace.api)
            self.events.append(event)
            trace.events.append(event)
            if kind == "event":
                text = e.get("outcomeText")
                if text is not None:  # a storage read: the stored JSON text, decoded when read
                    event.set_outcome_text(text)
                else:
                    event.outcome = out_v = e.get("outcome")
                    event.ok = sync_ok(out_v)
                self.listener.on_event(e["name"], e.get("args") or {}, trace)
            else:
                n = self._ordinals.get(e["name"], 0)
                self._ordinals[e["name"]] = n + 1
                call = HostCall(e["name"], e.get("args"), e["context"], trace.api, n)
                denied = permissions.check_effect(ctx.kind, str(e["name"]), out["findings"], trace.findings, trace.api)
                ctx.pending_effects.append({"pending": _Pending(call, event, e["id"], denied)})
        for f in out["findings"]:
            level = f.get("level", "warning")
            trace.findings.append(
                Finding(
                    f["code"],
                    f["message"],
                    level="error" if level == "error" else "warning",
                    api=f.get("apiName") or trace.api,
                    context=f.get("context"),
                    # Where the skill's code did it, when the JS side could tell (getApp()).
                    file=f.get("file") if isinstance(f.get("file"), str) else None,
                    line=f.get("line") if isinstance(f.get("line"), int) else None,
                    column=f.get("column") if isinstance(f.get("column"), int) else None,
                    hint=f.get("hint") if isinstance(f.get("hint"), str) else None,
                )
            )
        for rec in out["finished"]:
            if not self.listener.on_late_finish(ctx, rec, trace):
                self._finished[rec["id"]] = rec
        self.listener.on_renders(out.get("cards") or ())
        if len(trace.events) > self.limits.host_calls_per_call:
            raise ApiCallError(
                f"{trace.api or 'the skill'} made more than {self.limits.host_calls_per_call} wx host calls in one call "
                f"(the {ctx.kind.label}); wxreplay stopped it",
                api=trace.api,
                hint="look for a loop around a wx API; raise SessionLimits.host_calls_per_call if this is intended",
            )

    def _keep_log(self, trace: Trace, line: LogLine) -> None:
        """Keep ``line`` unless the operation's console budget is spent (then one finding says so)."""
        limit = self.limits.log_bytes_per_call
        size = len(line.text.encode("utf-8", "surrogatepass"))
        if trace.log_bytes + size > limit:
            if not trace.logs_dropped:
                trace.logs_dropped = True
                trace.findings.append(
                    Finding(
                        "log-limit",
                        f"console output passed {limit} bytes in one call; the rest was dropped "
                        "(SessionLimits.log_bytes_per_call)",
                        api=trace.api,
                        context=line.context,
                    )
                )
            return
        trace.log_bytes += size
        self.logs.append(line)
        trace.logs.append(line)

    def _js_error(
        self,
        ctx: ExecutionContext,
        err: dict[str, Any],
        cls: type[ApiCallError] | type[SkillLoadError],
        *,
        api_name: str | None,
        what: str,
    ) -> ApiCallError | SkillLoadError:
        """Turn the JS side's error record into our error, located in the skill's source."""
        # SkillLoadError (loading index.js) is not about one API: it takes no ``api``.
        api_kw: dict[str, Any] = {"api": api_name} if issubclass(cls, ApiCallError) else {}
        rec = read_js_error(ctx, err, self.skill.source_files())
        if rec.syntax is not None:
            return cls(
                rec.syntax_message(what),
                **api_kw,
                file=rec.syntax.file,
                line=rec.syntax.line,
                column=rec.syntax.column,
                hint=SYNTAX_HINT,
            )
        hint = rec.code_hint(_API_CODE_HINTS)
        if rec.code == "not-serialisable":
            cls = ResultError
        elif hint is None and err.get("errMsg"):
            hint = "a wx API's Promise rejected and nothing caught it; catch it and return an isError result"
        elif hint is None and rec.wx_missing:
            hint = WX_MISSING_HINT
        prefix = "while " + what if api_name is None else f"{api_name} threw"
        frame = rec.frame
        get_app, get_app_hint = get_app_note(rec.message, self.trace.findings)
        hint = hint or get_app_hint
        return cls(
            f"{prefix}: {rec.message}" + rec.stack_suffix + get_app + tamper_note(ctx),
            **api_kw,
            file=frame[0] if frame else None,
            line=frame[1] if frame else None,
            column=frame[2] if frame else None,
            hint=hint,
            **({"js_stack": rec.stack} if cls is JSError else {}),
        )

    # ---- helpers -----------------------------------------------------------------------------
    def label(self, path: Any) -> str:
        """``path`` relative to the project root (as messages show files), else as given."""
        hit = self._labels.get(path)
        if hit is None:  # every call labels mcp.json: worked out once per path
            try:
                hit = path.relative_to(self.skill.root).as_posix()
            except ValueError:
                hit = str(path)
            self._labels[path] = hit
        return hit


def _session_id(device: Device, now: int, ordinal: int = 0) -> str:
    key = f"{device.seed}:{now}" + (f":{ordinal}" if ordinal else "")
    return "wxr-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _session_seed(seed: int, ordinal: int) -> int:
    """The device seed for its first session; a stable derivative of it for later ones."""
    if ordinal == 0:
        return seed
    return int(hashlib.sha256(f"{seed}:{ordinal}".encode()).hexdigest()[:8], 16) & 0x7FFFFFFF

"""A session of the simulated client runtime: three V8 contexts, a virtual clock, one device.

The session drives every context through one scheduler: host effects are answered in the order
they were made, and when nothing is waiting on the host the earliest timer of any context fires
(the virtual clock jumps to it). That loop is the whole concurrency model, so the same inputs
always give the same outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
from py_mini_racer import JSEvalException

from wxreplay.cards import card as cards
from wxreplay.cards.card import Card, TapResult
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode, build_tree
from wxreplay.errors import (
    ApiCallError,
    CallTimeoutError,
    JSError,
    MemoryLimitError,
    ResultError,
    SkillLoadError,
    UnknownApiError,
    WxReplayError,
)
from wxreplay.findings import Finding
from wxreplay.host import cloud, scripted
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import Handler, Host, HostCall, Interceptor
from wxreplay.host.device import Device
from wxreplay.host.http import HttpHandler
from wxreplay.jsstack import clean_stack, user_frame
from wxreplay.project import Project, Skill
from wxreplay.result import CallResult, HostEvent, LogLine, check_result, handoff_of, validate_arguments
from wxreplay.runtime.context import ExecutionContext
from wxreplay.runtime.engine import HeapLimitExceeded, LoopRunner, WallClockExceeded

CHAIN_TIMEOUT_MS = 300_000  # API + middleware chain, on the virtual clock ([INT])
_MODULES_JSON: OrderedDict[int, tuple[Skill, str]] = OrderedDict()


def _modules_json(skill: Skill) -> str:
    """The subpackage sources as one JS object literal, built once per loaded skill."""
    hit = _MODULES_JSON.get(id(skill))
    if hit is not None and hit[0] is skill:
        return hit[1]
    spec = {"files": skill.source_files(), "root": skill.subpackage_root, "skillDir": skill.path}
    text = json.dumps(spec, ensure_ascii=False)
    _MODULES_JSON[id(skill)] = (skill, text)
    while len(_MODULES_JSON) > 32:
        _MODULES_JSON.popitem(last=False)
    return text


@dataclass
class SessionLimits:
    """Per-context guards: the V8 heap cap and the wall-clock cap of one step."""

    memory_mb: int = 128
    wall_timeout_s: float = 5.0


@dataclass
class _Pending:
    call: HostCall
    event: HostEvent
    effect_id: int


@dataclass
class _Trace:
    """What one call (or one clock advance) produced, gathered while the scheduler runs."""

    api: str | None
    findings: list[Finding] = field(default_factory=list)
    logs: list[LogLine] = field(default_factory=list)
    events: list[HostEvent] = field(default_factory=list)


class Session:
    """One conversation's client runtime: load the skill, call its APIs, advance the clock."""

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
        self.project = project
        self.skill = project.skill(skill)
        self.device = device if device is not None else Device()
        self.limits = limits or SessionLimits()
        self.now = now_ms if now_ms is not None else self.device.start_ms()
        self._started_ms = self.now
        # The n-th session on a device gets its own id and random stream: a restart must not
        # replay the first session's Math.random() (ids made from it would collide in storage).
        self.ordinal = self.device.next_session()
        self.seed = _session_seed(self.device.seed, self.ordinal)
        self.session_id = session_id or _session_id(self.device, self.now, self.ordinal)
        self.http = HttpHandler(transport)
        default: dict[str, Handler] = {
            "request": self.http,
            "login": scripted.login(self.device),
            "checkSession": scripted.check_session(self.device),
            "requestPayment": scripted.request_payment(self.device),
            "getLocation": scripted.location(self.device),
            "getFuzzyLocation": scripted.location(self.device),
            "getPhoneNumber": scripted.phone_number(self.device),
            "getRealtimePhoneNumber": scripted.phone_number(self.device),
            # wx.cloud.*: the device's in-memory cloud; cloud_functions answer callFunction locally
            **cloud.handlers(self.device.cloud, seed=self.device.seed, clock=lambda: self.now, functions=cloud_functions),
        }
        self.host = Host({**default, **(handlers or {})}, scripted.stubs(self.device), list(interceptors or []))
        self.events: list[HostEvent] = []
        self.logs: list[LogLine] = []
        self.findings: list[Finding] = []
        self.registered: tuple[str, ...] = ()
        self._ordinals: dict[str, int] = {}
        self._next_id = 0
        self._finished: dict[int, dict[str, Any]] = {}
        self._trace = _Trace(api=None)
        self._runner = LoopRunner()
        self.contexts: dict[ContextKind, ExecutionContext] = {}
        self.closed = False
        self.cards: list[Card] = []  # every card rendered in this session, oldest first
        self._cards_by_number: dict[int, Card] = {}
        self._card_seq = 0
        self._card_setup: dict[ContextKind, set[str]] = {}  # what each card context was given
        self._cause: dict[int, str] = {}  # card number -> why it renders during the running job
        self._expiries: list[tuple[str, dict[str, Any]]] = []
        self._render_errors: list[tuple[Card, Exception]] = []
        self._late_jobs: dict[int, tuple[Card, str]] = {}  # card jobs still waiting (async tap handlers)
        try:
            self._runner.run(self._start())
        except BaseException:
            self.close()
            raise

    # ---- lifecycle ---------------------------------------------------------------------------
    async def _start(self) -> None:
        mem = self.limits.memory_mb * 1024 * 1024
        for kind in ContextKind:
            ctx = ExecutionContext(kind, self._runner, memory_limit=mem, wall_timeout=self.limits.wall_timeout_s)
            self.contexts[kind] = ctx
            await ctx.boot(
                device=self.device, now=self.now, seed=self.seed, session_id=self.session_id,
                skill_path=self.skill.path, standalone=self.project.app_json is None,
            )
        api = self.contexts[ContextKind.API]
        await api.define_modules(_modules_json(self.skill))
        entry = self.skill.index_js.relative_to(self.skill.root).as_posix()
        self._trace = _Trace(api=None)
        rec = await self._run_job(api, {"kind": "load", "entry": entry}, deadline=self.now + CHAIN_TIMEOUT_MS,
                                  what=f"loading {entry}")
        self.findings.extend(self._trace.findings)
        if "error" in rec:
            raise await self._js_error(api, rec["error"], SkillLoadError, api_name=None, what=f"loading {entry}")
        loaded = json.loads(rec["json"])
        self.registered = tuple(loaded["registered"])
        self._check_registration(set(loaded.get("exported") or ()))

    def _check_registration(self, exported: set[str]) -> None:
        declared = set(self.skill.api_names())
        registered = set(self.registered)
        mcp = self._label(self.skill.mcp_path)
        for name in sorted(declared - registered):
            legacy = (f"; index.js exports {name} through module.exports (the [INT] form), which registers nothing: "
                      f"call wx.modelContext.registerAPI({name!r}, {name})") if name in exported else ""
            self.findings.append(Finding(
                "not-registered", f"mcp.json declares {name!r} but index.js never calls registerAPI({name!r}){legacy}",
                level="error", api=name, file=mcp,
            ))
        for name in sorted(registered - declared):
            self.findings.append(Finding(
                "not-declared", f"index.js registers {name!r} which mcp.json does not declare; the model cannot call it",
                level="warning", api=name, file=mcp,
            ))

    def close(self) -> None:
        """Release the V8 isolates, the event loop and the HTTP client."""
        if self.closed:
            return
        self._detach_cards()
        self.closed = True

        async def close_contexts() -> None:
            # On the thread that drives V8's loop: freeing an isolate from another thread while a
            # loop runs there (a Session used inside asyncio) segfaults in mini-racer.
            for ctx in self.contexts.values():
                ctx.close()

        self._runner.run(close_contexts())
        self.contexts.clear()
        self._runner.close()
        self.http.close()

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
        self._trace = _Trace(api=api)
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
            trace, self._trace = self._trace, _Trace(api=None)
            self.findings.extend(trace.findings)
        return CallResult(
            api=api, arguments=args, raw=raw, is_error=bool(raw.get("isError", False)),
            content=raw["content"], structured_content=raw.get("structuredContent"), meta=raw.get("_meta"),
            handoff=handoff_of(decl, raw), api_calls=list(raw.get("apiCalls") or []),
            session_id=self.session_id, virtual_ms=self.now - started,
            findings=trace.findings + found, logs=trace.logs, host_events=trace.events,
        )

    def advance(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass: timers of every context fire in order."""
        target = self.now + int(ms)
        self._trace = _Trace(api=None)
        try:
            self._runner.run(self._drive(lambda: False, target))
            self.now = max(self.now, target)
            self._raise_render_errors()  # a card that broke while its timers ran
            self._run_expiries()
        finally:
            trace, self._trace = self._trace, _Trace(api=None)
            self.findings.extend(trace.findings)

    # ---- the scheduler -----------------------------------------------------------------------
    async def _run_job(self, ctx: ExecutionContext, job: dict[str, Any], *, deadline: int, what: str) -> dict[str, Any]:
        self._next_id += 1
        job_id = self._next_id
        await self._step(ctx, {"start": {**job, "id": job_id}}, what=what)
        done = await self._drive(lambda: job_id in self._finished, deadline, what=what)
        if not done:
            waited = "a timer beyond the 300 s chain limit" if any(
                c.next_timer is not None for c in self.contexts.values()) else "nothing (a Promise that never settles)"
            self.now = max(self.now, deadline)
            raise CallTimeoutError(
                f"{what} did not finish within the platform's 300 s chain timeout on the virtual clock; "
                f"it was waiting on {waited}",
                api=self._trace.api,
                hint="make sure every Promise in the handler and middleware settles, and that next() is awaited",
            )
        return self._finished.pop(job_id)

    async def _drive(self, done: Callable[[], bool], deadline: int, what: str = "the clock") -> bool:
        while not done():
            progressed = False
            for ctx in self.contexts.values():
                if ctx.pending_effects:
                    await self._answer_effects(ctx, what)
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
            await self._step(ctx, {"fire": True}, what=what)
        return True

    async def _answer_effects(self, ctx: ExecutionContext, what: str) -> None:
        answers = []
        for eff in ctx.pending_effects:
            pend: _Pending = eff["pending"]
            outcome = self.host.dispatch(pend.call)
            pend.event.ok = outcome.ok
            pend.event.outcome = outcome.value
            if outcome.diagnostic:
                self._trace.findings.append(Finding("host", outcome.diagnostic, api=pend.call.api, context=ctx.kind.value))
            answers.append({"id": pend.effect_id, "ok": outcome.ok, "value": outcome.value})
        ctx.pending_effects = []
        await self._step(ctx, {"resolve": answers}, what=what)

    async def _step(self, ctx: ExecutionContext, payload: dict[str, Any], *, what: str) -> None:
        if ctx.now < self.now:
            payload["now"] = self.now
        if ctx.storage_version != self.device.storage_version:
            payload["storage"] = self.device.storage_text()
            ctx.storage_version = self.device.storage_version
        try:
            out = await ctx.step(payload)
        except WallClockExceeded:
            await self._salvage(ctx)
            raise CallTimeoutError(
                f"{what} ran for more than {self.limits.wall_timeout_s:g} s of real time without yielding "
                "(an infinite loop?); V8 stopped it",
                api=self._trace.api, hint="look for a loop whose exit condition never becomes true",
            ) from None
        except HeapLimitExceeded:
            await self._salvage(ctx)
            raise MemoryLimitError(
                f"{what} exceeded the {self.limits.memory_mb} MB heap limit of the {ctx.kind.label}; V8 stopped it",
                api=self._trace.api, hint="look for data that grows without bound",
            ) from None
        except JSEvalException as e:  # pragma: no cover - the prelude catches user errors itself
            raise ApiCallError(f"internal JavaScript error during {what}: {e}", api=self._trace.api) from None
        self._absorb(ctx, out)

    async def _salvage(self, ctx: ExecutionContext) -> None:
        """Keep the logs, host events and storage writes of a step V8 terminated (else the next call shows them)."""
        out = await ctx.flush()
        if out is not None:
            out["effects"] = []  # async wx calls of the killed code: leave them unanswered
            self._absorb(ctx, out)

    def _absorb(self, ctx: ExecutionContext, out: dict[str, Any]) -> None:
        trace = self._trace
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
                line = LogLine(e["level"], e["text"], e["context"], trace.api)
                self.logs.append(line)
                trace.logs.append(line)
                continue
            event = HostEvent(len(self.events), e["name"], e["context"], e.get("args"), api=trace.api)
            self.events.append(event)
            trace.events.append(event)
            if kind == "event":
                out_v = e.get("outcome")
                event.ok = not (isinstance(out_v, dict) and "fail" in str(out_v.get("errMsg", "")))
                event.outcome = out_v
                if e["name"] in _CARD_EVENTS:
                    self._card_event(e["name"], e.get("args") or {}, trace)
            else:
                n = self._ordinals.get(e["name"], 0)
                self._ordinals[e["name"]] = n + 1
                call = HostCall(e["name"], e.get("args"), e["context"], trace.api, n)
                ctx.pending_effects.append({"pending": _Pending(call, event, e["id"])})
        for f in out["findings"]:
            level = f.get("level", "warning")
            trace.findings.append(Finding(
                f["code"], f["message"], level="error" if level == "error" else "warning",
                api=f.get("apiName") or trace.api, context=f.get("context"),
            ))
        for rec in out["finished"]:
            late = self._late_jobs.pop(rec["id"], None)
            if late is None:
                self._finished[rec["id"]] = rec
            elif "error" in rec:  # an async tap handler failed after tap() returned
                err = rec["error"]
                f = Finding("card-async-error", f"{late[0].component_path}: {late[1]} failed later: "
                            f"{err.get('name', 'Error')}: {err.get('message', '')}", level="error", context=ctx.kind.value)
                trace.findings.append(f)
                late[0].findings.append(f)
        for rec in out.get("cards") or ():
            self._card_rendered(rec)

    async def _js_error(
        self, ctx: ExecutionContext, err: dict[str, Any], cls: type[ApiCallError] | type[SkillLoadError], *,
        api_name: str | None, what: str,
    ) -> ApiCallError | SkillLoadError:
        """Turn the JS side's error record into our error, located in the skill's source."""
        # SkillLoadError (loading index.js) is not about one API: it takes no ``api``.
        api_kw: dict[str, Any] = {"api": api_name} if issubclass(cls, ApiCallError) else {}
        code = err.get("code")
        message = f"{err.get('name', 'Error')}: {err.get('message', '')}"
        if err.get("syntaxFile"):
            path = err["syntaxFile"]
            line, column, msg = await ctx.locate_syntax_error(path, self.skill.source_files().get(path, ""))
            return cls(f"JavaScript syntax error while {what}: {msg or message}", **api_kw, file=path, line=line, column=column,
                       hint="fix the syntax; wxreplay compiles each file exactly as the client does")
        stack = clean_stack(err.get("stack") or "")
        frame = user_frame(stack)
        hint = None
        if code == "not-serialisable":
            cls = ResultError
            hint = "return plain JSON data (no BigInt, no cycles)"
        elif code == "handoff-resolver":
            hint = "the lazy handoff ({ result }) => ({ query, payload }) threw; it must return the handoff object"
        elif code == "handler-not-function":
            hint = ("register a function: module.exports = fn with a plain require, "
                    "or module.exports = { fn } with const { fn } = require(...)")
        elif code == "module-not-found":
            hint = "check the path; requires are relative to the requiring file and cannot leave the subpackage"
        elif err.get("errMsg"):
            hint = "a wx API's Promise rejected and nothing caught it; catch it and return an isError result"
        elif "is not a function" in message and "wx." in message:
            hint = "check the wx availability table (spec section 6): APIs missing from this context are undefined"
        prefix = "while " + what if api_name is None else f"{api_name} threw"
        return cls(
            f"{prefix}: {message}" + (f"\n{_indent(stack)}" if stack and "\n" in stack else ""),
            **api_kw, file=frame[0] if frame else None, line=frame[1] if frame else None,
            column=frame[2] if frame else None, hint=hint, **({"js_stack": stack} if cls is JSError else {}),
        )

    # ---- cards -------------------------------------------------------------------------------
    def render(self, result: CallResult) -> Card:
        """Render the card bound to ``result``'s API (``_meta.ui.componentPath``) from that result.

        The component is created in the static card context (or the realtime dynamic one for
        ``permissions["scope.dynamic"]``), runs ``created`` and ``attached``, receives the ``Input``
        then the ``Result`` notification, runs ``ready`` and is rendered; host calls it makes on the
        way (a dynamic card's first poll) are answered before this returns.
        """
        api = result.api
        if self.closed:
            raise cards.CardError("the session is closed", api=api, hint="render cards inside the session's with block")
        decl = self.skill.component_for(api)
        mcp = self._label(self.skill.mcp_path)
        if decl is None:
            raise cards.CardError(
                f"{api} has no card: its mcp.json entry has no _meta.ui.componentPath", api=api, file=mcp,
                hint=f'bind one with "_meta": {{"ui": {{"componentPath": "components/<name>/index"}}}} in {api}\'s entry',
            )
        if result.is_error:
            raise cards.CardError(
                f"{api} returned isError: true, and isError results render no card (the client shows only the text): "
                f"{result.text[:120]}", api=api, hint="assert on result.text instead, or render a successful result",
            )
        base = f"{self.skill.path}/{decl.path}"
        files = self.skill.component_files(decl.path)
        missing = [f"{base}.{ext}" for ext in ("js", "wxml") if ext not in files]
        if missing:
            raise cards.CardError(
                f"the card {decl.path} of {api} is missing {' and '.join(missing)}", api=api, component=decl.path,
                file=mcp, hint="a card component has four files: index.js, index.json, index.wxml, index.wxss",
            )
        template_js = cards.compile_card_template(self.skill, f"{base}.wxml")
        kind = ContextKind.DYNAMIC if decl.dynamic else ContextKind.CARD
        card = cards.Card(
            self, number=self._card_seq + 1, decl=decl, skill=self.skill, api=api, arguments=dict(result.arguments),
            context="dynamic" if decl.dynamic else "card", wxml_file=f"{base}.wxml", wxss=files.get("wxss", ""),
        )
        job: dict[str, Any] = {
            "kind": "cardCreate", "card": card.number, "js": f"{base}.js", "is": base, "templateKey": f"{base}.wxml",
            "input": {"arguments": result.arguments},
            # Exactly what the API returned, as the platform hands it over ({ result }).
            "result": {"result": {k: result.raw[k] for k in ("content", "structuredContent", "_meta", "isError")
                                  if k in result.raw}},
        }
        ctx = self.contexts[kind]
        self._runner.run(self._prepare_card_context(ctx, job, template_js))
        self._card_seq += 1  # never reused: a card that failed to render may still run timers in its context
        self.cards.append(card)
        self._cards_by_number[card.number] = card
        self._trace = _Trace(api=None)
        try:
            self._card_job(card, job, cause="render", what=f"rendering the {api} result")
            self._run_expiries()
        except BaseException:
            self.cards.remove(card)
            del self._cards_by_number[card.number]
            raise
        finally:
            trace, self._trace = self._trace, _Trace(api=None)
            self.findings.extend(trace.findings)
        card.findings.extend(f for f in trace.findings if f not in card.findings)
        return card

    async def _prepare_card_context(self, ctx: ExecutionContext, job: dict[str, Any], template_js: str) -> None:
        """Give a card context, once each, the subpackage sources, the WXML runtime and this template."""
        setup = self._card_setup.setdefault(ctx.kind, set())
        if "modules" not in setup:
            await ctx.define_modules(_modules_json(self.skill))
            setup.add("modules")
        if "runtime" not in setup:
            job["runtime"] = cards.wxml_runtime_js()
            setup.add("runtime")
        if job["templateKey"] not in setup:
            job["template"] = template_js
            setup.add(job["templateKey"])

    def _card_job(self, card: Card, job: dict[str, Any], *, cause: str, what: str) -> Any:
        """Run one job of ``card`` in its context until it settles; raise what the card's code threw."""
        ctx = self.contexts[ContextKind(card.context)]
        self._cause = {card.number: cause}
        try:
            rec = self._runner.run(self._card_run(ctx, job, card, what))
        finally:
            self._cause = {}
        if rec is not None and "error" in rec:
            self._render_errors = [(c, e) for c, e in self._render_errors if c is not card]
            raise self._runner.run(self._card_error(ctx, card, rec["error"], what))
        self._raise_render_errors(card)
        return json.loads(rec["json"]) if rec is not None else None

    async def _card_run(self, ctx: ExecutionContext, job: dict[str, Any], card: Card, what: str) -> dict[str, Any] | None:
        self._next_id += 1
        job_id = self._next_id
        await self._step(ctx, {"start": {**job, "id": job_id}}, what=what)
        # Settle: answer host calls (a dynamic card's poll) but let no virtual time pass.
        await self._drive(lambda: job_id in self._finished and not any(c.pending_effects for c in self.contexts.values()),
                          self.now, what=what)
        rec = self._finished.pop(job_id, None)
        if rec is None:  # an async handler still waits (on a timer): it finishes when the clock advances
            self._late_jobs[job_id] = (card, what)
        return rec

    async def _card_error(self, ctx: ExecutionContext, card: Card, err: dict[str, Any], what: str) -> ApiCallError:
        message = f"{err.get('name', 'Error')}: {err.get('message', '')}"
        kw: dict[str, Any] = {"api": card.api, "component": card.component_path}
        if err.get("syntaxFile"):
            path = err["syntaxFile"]
            line, column, msg = await ctx.locate_syntax_error(path, self.skill.source_files().get(path, ""))
            return cards.CardError(f"JavaScript syntax error while {what}: {msg or message}", **kw, file=path, line=line,
                             column=column, hint="fix the syntax; wxreplay compiles each file exactly as the client does")
        stack = clean_stack(err.get("stack") or "")
        frame = user_frame(stack)
        code = err.get("code")
        hint = None
        if code == "setdata-not-serialisable":
            hint = "setData takes JSON data only; keep functions and live objects on `this` (e.g. this._helper), not in data"
        elif code == "no-component":
            hint = "call Component({ data, lifetimes, methods }) in the card's index.js"
        elif code == "module-not-found":
            hint = "check the path; requires are relative to the requiring file and cannot leave the subpackage"
        elif code == "observer-loop":
            hint = "make the observer set a different field, or only set it when the value really changes"
        elif "is not a function" in message and "wx." in message:
            hint = "check the wx availability table (spec section 6): APIs missing from this context are undefined"
        elif "is not a function" in message and ("setTimeout" in message or "setInterval" in message):
            hint = "static cards have no timers; only a realtime dynamic card (permissions[\"scope.dynamic\"]) may use them"
        return cards.CardError(
            f"{card.component_path} threw while {what}: {message}" + (f"\n{_indent(stack)}" if stack and "\n" in stack else ""),
            **kw, file=frame[0] if frame else card.wxml_file.removesuffix(".wxml") + ".js",
            line=frame[1] if frame else None, column=frame[2] if frame else None, hint=hint, js_stack=stack,
        )

    def _card_rendered(self, rec: dict[str, Any]) -> None:
        """A card context rendered a card at the end of a step: keep its new tree (or the render error)."""
        card = self._cards_by_number.get(rec["card"])
        if card is None:
            return
        if "error" in rec:
            err = rec["error"]
            line = rec.get("line")
            self._render_errors.append((card, cards.CardError(
                f"rendering {card.component_path} failed: {err.get('name', 'Error')}: {err.get('message', '')}",
                api=card.api, component=card.component_path, file=rec.get("file") or card.wxml_file,
                line=line if isinstance(line, int) else None, js_stack=str(err.get("stack") or ""),
                hint="a {{ }} expression threw while rendering; compute the value in JS and setData it",
            )))
            return
        card._push(build_tree(rec["vnodes"], file=card.wxml_file), self._cause.get(card.number, "timer"), self.now)  # type: ignore[arg-type]

    def _raise_render_errors(self, card: Card | None = None) -> None:
        """Raise the render error of ``card`` (any card when None); others become findings."""
        errors, self._render_errors = self._render_errors, []
        for c, e in errors:
            if card is None or c is card:
                for f in self._findings_of(errors, skip=e):
                    self._trace.findings.append(f)
                raise e
        for f in self._findings_of(errors):
            self._trace.findings.append(f)

    def _render_error_findings(self) -> list[Finding]:
        errors, self._render_errors = self._render_errors, []
        return self._findings_of(errors)

    @staticmethod
    def _findings_of(errors: list[tuple[Card, Exception]], skip: Exception | None = None) -> list[Finding]:
        out = []
        for c, e in errors:
            if e is skip:
                continue
            f = Finding("card-render", str(e), level="error", context=c.context, file=c.wxml_file,
                        line=getattr(e, "line", None))
            c.findings.append(f)
            out.append(f)
        return out

    def _card_event(self, name: str, args: dict[str, Any], trace: _Trace) -> None:
        """Turn what a card asked of wx.modelContext into the card's typed records."""
        if name in ("modelContext.expireAllCards", "modelContext.expirePreviousCards"):
            self._expiries.append((name, dict(args)))
            return
        card = self._cards_by_number.get(args.get("card", -1))
        if card is None:
            return
        comp = card.component_path
        in_tap = bool(args.get("inTap"))
        found: list[Finding] = []
        if name == "modelContext.sendFollowUpMessage":
            found = cards.check_follow_up(args.get("content"), self.skill, component=comp)
            card.messages.append(cards.UpstreamMessage(comp, args.get("content"), in_tap, self.now, found))
        elif name == "modelContext.updateModelContext":
            found = cards.check_model_update(args.get("content"), component=comp, in_tap=in_tap)
            card.model_updates.append(cards.ModelContextUpdate(comp, args.get("content"), in_tap, self.now, found))
        elif name == "modelContext.setRelatedPage":
            card.related_page = cards.related_page(card.decl, args)
        elif name in ("modelContext.openDetailPage", "modelContext.preloadDetailPage"):
            url = cards.page_url(args)
            if not url:
                found = [Finding("detail-page-url", f"{comp}: {name.split('.')[1]} needs {{ url }} (or {{ path, query }})",
                                 level="error", context=card.context)]
            card.pages.append(cards.DetailPage("open" if name.endswith("openDetailPage") else "preload", url, self.now))
        elif name == "component.triggerEvent":
            card.events.append(cards.CardEvent(str(args.get("name", "")), args.get("detail"), dict(args.get("options") or {})))
        for f in found:
            f = Finding(f.code, f.message, level=f.level, api=card.api, context=card.context)
            trace.findings.append(f)
            card.findings.append(f)

    def _run_expiries(self) -> list[Card]:
        """Expire the cards that expireAllCards / expirePreviousCards calls matched; deliver Expire to each."""
        done: list[Card] = []
        rounds = 0
        while self._expiries and rounds < 100:
            rounds += 1
            name, args = self._expiries.pop(0)
            for card in self._expiry_targets(name, args):
                card.expired = True
                done.append(card)
                job = {"kind": "cardNotify", "card": card.number, "type": "expire", "payload": {}}
                try:
                    self._card_job(card, job, cause="expire", what="delivering the Expire notification")
                except cards.CardError as e:
                    f = Finding("card-expire", str(e), level="error", api=card.api, context=card.context)
                    self._trace.findings.append(f)
                    card.findings.append(f)
        self._expiries.clear()
        return done

    def _expiry_targets(self, name: str, args: dict[str, Any]) -> list[Card]:
        source = self._cards_by_number.get(args.get("card", -1))
        wanted: list[str] = []
        for key in ("componentPaths", "componentPath"):
            v = args.get(key)
            wanted += [v] if isinstance(v, str) else [p for p in v if isinstance(p, str)] if isinstance(v, list) else []
        pool = [c for c in self.cards if not c.expired]
        if name == "modelContext.expirePreviousCards":
            pool = [c for c in pool if source is not None and c.number < source.number]
        if wanted:
            norm = {_component_key(p) for p in wanted}
            known = {f"{self.skill.path}/{d.path}" for d in self.skill.components} | {d.path for d in self.skill.components}
            for p in sorted(norm - known):
                self._trace.findings.append(Finding(
                    "expire-path", f"{name.split('.')[1]}: componentPaths {p!r} names no component of mcp.json "
                    f"(componentPaths are absolute, e.g. {self.skill.path}/components/<name>/index)", context=None))
            pool = [c for c in pool if c.absolute_path in norm or c.component_path in norm]
        for c in pool:
            if not c.expirable and wanted:
                self._trace.findings.append(Finding(
                    "expire-not-expirable", f"{name.split('.')[1]} named {c.component_path}, but mcp.json does not declare "
                    "it expirable: true, so the card stays live", api=c.api, context=c.context))
        pool = [c for c in pool if c.expirable]
        if args.get("match") == "latest":
            pool = pool[-1:]
        return pool

    def _notify_card(self, card: Card, kind: str, payload: dict[str, Any]) -> None:
        """Deliver a notification (``overflow``) to ``card``'s listeners; it may re-render."""
        if self.closed:
            raise cards.CardError("the session is closed", api=card.api, component=card.component_path)
        self._trace = _Trace(api=None)
        try:
            self._card_job(card, {"kind": "cardNotify", "card": card.number, "type": kind, "payload": payload},
                           cause="render", what=f"delivering the {kind.capitalize()} notification")
            self._run_expiries()
        finally:
            trace, self._trace = self._trace, _Trace(api=None)
            self.findings.extend(trace.findings)
            card.findings.extend(f for f in trace.findings if f not in card.findings)

    def _check_tappable(self, card: Card) -> None:
        if self.closed:
            raise cards.CardError(f"the session that rendered {card.component_path} has ended; its cards cannot be tapped",
                                  api=card.api, component=card.component_path, hint="tap cards before the session is closed")
        if card.expired:
            raise cards.CardError(f"{card.component_path} is expired ({card.expired_text}): "
                                  "the client covers it and ignores taps", api=card.api, component=card.component_path,
                                  hint="tap a live card; card.expired tells whether a card was expired")

    def _detach_cards(self) -> None:
        """The runtime ends: every live card gets its ``detached`` lifetime (timers are cleared there)."""
        for card in self.cards:
            if card.detached:
                continue
            card.detached = True
            try:
                self._card_job(card, {"kind": "cardDetach", "card": card.number}, cause="detach", what="detaching")
            except WxReplayError as e:  # a broken detached() must not stop the session from closing
                self.findings.append(Finding("card-detach", f"{card.component_path} detached() failed: {e.message}",
                                             level="error", context=card.context))

    def _tap_card(self, card: Card, target: CardNode, *, strict: bool, event: str = "tap",
                  detail: dict[str, Any] | None = None) -> TapResult:
        self._check_tappable(card)
        chain: list[dict[str, Any]] = []
        node: CardNode | None = target
        # Taps bubble through bind (stopped by catch); image load/error reach the image alone.
        while node is not None and node.tag != ROOT_TAG:
            binding = node.events.get(event) if node.tag != TEXT_TAG else None
            if binding is not None:
                chain.append({"handler": binding.handler, "currentTarget": {"id": node.id or "", "dataset": node.dataset}})
                if binding.catch:
                    break
            node = node.parent if event == "tap" else None
        if not chain:
            if event != "tap":
                raise cards.CardError(f"{target.selector()} has no bind{event} handler", api=card.api,
                                      component=card.component_path, hint=f"bind it in the WXML: <image bind{event}=\"...\">")
            raise cards.no_handler_error(card, target)
        job = {
            "kind": "cardTap", "card": card.number, "type": event, "dispatch": chain,
            "detail": detail if detail is not None else {"x": 0, "y": 0},
            "target": {"id": target.id or "", "dataset": target.dataset}, "timeStamp": self.now - self._started_ms,
        }
        renders, n_msg, n_upd, n_pages, n_ev = (len(card.history), len(card.messages), len(card.model_updates),
                                                len(card.pages), len(card.events))
        related = card.related_page
        self._trace = _Trace(api=None)
        try:
            out = self._card_job(card, job, cause="tap", what=f"tapping {target.selector()}")
            expired = self._run_expiries()
        finally:
            trace, self._trace = self._trace, _Trace(api=None)
            self.findings.extend(trace.findings)
        result = cards.TapResult(
            card=card, target=target, handlers=list(out["called"]) if out else [c["handler"] for c in chain],
            messages=card.messages[n_msg:], model_updates=card.model_updates[n_upd:], pages=card.pages[n_pages:],
            related_page=card.related_page if card.related_page != related else None, expired=expired,
            events=card.events[n_ev:], rerendered=len(card.history) > renders, tree=card.tree,
            host_events=trace.events, logs=trace.logs, findings=trace.findings,
        )
        errors = [f for f in trace.findings if f.level == "error"]
        if strict and errors:
            raise cards.CardError(f"tapping {target.selector()} of {card.component_path} broke the platform's rules:\n"
                                  + "\n".join(f"  {f.message} [{f.code}]" for f in errors),
                                  api=card.api, component=card.component_path)
        return result

    # ---- helpers -----------------------------------------------------------------------------
    def _label(self, path: Any) -> str:
        try:
            return path.relative_to(self.skill.root).as_posix()  # type: ignore[no-any-return]
        except ValueError:
            return str(path)


_CARD_EVENTS = frozenset({
    "modelContext.expireAllCards", "modelContext.expirePreviousCards", "modelContext.sendFollowUpMessage",
    "modelContext.updateModelContext", "modelContext.setRelatedPage", "modelContext.openDetailPage",
    "modelContext.preloadDetailPage", "component.triggerEvent",
})


def _component_key(path: str) -> str:
    """A componentPath as expireAllCards may write it: "/skills/x/components/c/index.js" -> "skills/x/components/c/index"."""
    p = path.strip().lstrip("/")
    p = p.removeprefix("./")
    return p.removesuffix(".js")


def _indent(text: str) -> str:
    return "\n".join("    " + ln.strip() for ln in text.splitlines()[1:] if ln.strip())


def _session_id(device: Device, now: int, ordinal: int = 0) -> str:
    key = f"{device.seed}:{now}" + (f":{ordinal}" if ordinal else "")
    return "wxr-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _session_seed(seed: int, ordinal: int) -> int:
    """The device seed for its first session; a stable derivative of it for later ones."""
    if ordinal == 0:
        return seed
    return int(hashlib.sha256(f"{seed}:{ordinal}".encode()).hexdigest()[:8], 16) & 0x7FFFFFFF

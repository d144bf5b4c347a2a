"""The card host of a session: rendering API results, taps, notifications, expiry, render errors, detach.

``CardRuntime`` drives the two card contexts of a :class:`~wxreplay.runtime.scheduler.Runtime`
through its public methods, hears what they did as the runtime's
:class:`~wxreplay.runtime.scheduler.RuntimeListener`, and is the
:class:`~wxreplay.cards.card.CardHost` its cards talk to. :class:`wxreplay.Session` owns one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from wxreplay.cards import card as cards
from wxreplay.cards import records
from wxreplay.cards.card import Card, TapResult
from wxreplay.cards.templates import compile_card_template, wxml_runtime_js
from wxreplay.cards.tree import ROOT_TAG, TEXT_TAG, CardNode, build_tree
from wxreplay.config import WxmlCalls
from wxreplay.errors import ApiCallError, WxReplayError
from wxreplay.findings import Finding
from wxreplay.host.availability import ContextKind
from wxreplay.result import CallResult
from wxreplay.runtime.context import ExecutionContext
from wxreplay.runtime.jserror import SYNTAX_HINT, WX_MISSING_HINT, error_message, read_js_error, tamper_note
from wxreplay.runtime.scheduler import Runtime, Trace, define_skill_modules


class CardRenderError(cards.CardError):
    """A card's template failed while rendering (a ``{{ }}`` expression threw): ``expect: error`` kind ``render``."""


CARD_DATA_HINT = "keep a card's data to what it shows; raise SessionLimits.set_data_bytes / card_data_bytes if needed"
# Hints for the codes the card contexts' JS puts on its error records (module-not-found: shared, in jserror).
_CARD_CODE_HINTS = {
    "setdata-not-serialisable": (
        "setData takes JSON data only; keep functions and live objects on `this` (e.g. this._helper), not in data"
    ),
    "no-component": "call Component({ data, lifetimes, methods }) in the card's index.js",
    "observer-loop": "make the observer set a different field, or only set it when the value really changes",
    "setdata-too-large": CARD_DATA_HINT,
    "card-data-too-large": CARD_DATA_HINT,
}


class CardRuntime:
    """The cards of one runtime: render, tap, notify and expire them; keep their trees and records."""

    def __init__(self, runtime: Runtime, *, wxml_calls: WxmlCalls = "undefined") -> None:
        self.runtime = runtime
        self.wxml_calls: WxmlCalls = wxml_calls  # what a method call in card WXML becomes (config.wxml_calls)
        self.cards: list[Card] = []  # every card rendered in this session, oldest first
        self._cards_by_number: dict[int, Card] = {}
        self._card_seq = 0
        self._card_setup: dict[ContextKind, set[str]] = {}  # what each card context was given
        self._cause: dict[int, str] = {}  # card number -> why it renders during the running job
        self._expiries: list[tuple[str, dict[str, Any]]] = []
        self._render_errors: list[tuple[Card, Exception]] = []
        self._late_jobs: dict[int, tuple[Card, str]] = {}  # card jobs still waiting (async tap handlers)

    # ---- cards -------------------------------------------------------------------------------
    def render(self, result: CallResult) -> Card:
        """Render the card bound to ``result``'s API (``_meta.ui.componentPath``) from that result.

        The component is created in the static card context (or the realtime dynamic one for
        ``permissions["scope.dynamic"]``), runs ``created`` and ``attached``, receives the ``Input``
        then the ``Result`` notification, runs ``ready`` and is rendered; host calls it makes on the
        way (a dynamic card's first poll) are answered before this returns.
        """
        api = result.api
        rt = self.runtime
        if rt.closed:
            raise cards.CardError("the session is closed", api=api, hint="render cards inside the session's with block")
        decl = rt.skill.component_for(api)
        mcp = rt.label(rt.skill.mcp_path)
        if decl is None:
            raise cards.CardError(
                f"{api} has no card: its mcp.json entry has no _meta.ui.componentPath",
                api=api,
                file=mcp,
                hint=f'bind one with "_meta": {{"ui": {{"componentPath": "components/<name>/index"}}}} in {api}\'s entry',
            )
        if result.is_error:
            raise cards.CardError(
                f"{api} returned isError: true, and isError results render no card (the client shows only the text): "
                f"{result.text[:120]}",
                api=api,
                hint="assert on result.text instead, or render a successful result",
            )
        base = f"{rt.skill.path}/{decl.path}"
        files = rt.skill.component_files(decl.path)
        missing = [f"{base}.{ext}" for ext in ("js", "wxml") if ext not in files]
        if missing:
            raise cards.CardError(
                f"the card {decl.path} of {api} is missing {' and '.join(missing)}",
                api=api,
                component=decl.path,
                file=mcp,
                hint="a card component has four files: index.js, index.json, index.wxml, index.wxss",
            )
        template = compile_card_template(rt.skill, f"{base}.wxml", self.wxml_calls)
        kind = ContextKind.DYNAMIC if decl.dynamic else ContextKind.CARD
        card = cards.Card(
            self,
            number=self._card_seq + 1,
            decl=decl,
            skill=rt.skill,
            api=api,
            arguments=dict(result.arguments),
            context="dynamic" if decl.dynamic else "card",
            wxml_file=f"{base}.wxml",
            wxss=files.get("wxss", ""),
        )
        job: dict[str, Any] = {
            "kind": "cardCreate",
            "card": card.number,
            "js": f"{base}.js",
            "is": base,
            "templateKey": f"{base}.wxml",
            "input": {"arguments": result.arguments},
            # Exactly what the API returned, as the platform hands it over ({ result }).
            "result": {
                "result": {k: result.raw[k] for k in ("content", "structuredContent", "_meta", "isError") if k in result.raw}
            },
        }
        ctx = rt.context(kind)
        self._prepare_card_context(ctx, job, template.js)
        self._card_seq += 1  # never reused: a card that failed to render may still run timers in its context
        self.cards.append(card)
        self._cards_by_number[card.number] = card
        with rt.tracing() as trace:
            trace.findings.extend(template.findings(api=api, context=card.context))
            try:
                self._card_job(card, job, cause="render", what=f"rendering the {api} result")
                self.run_expiries()
            except BaseException:
                self.cards.remove(card)
                del self._cards_by_number[card.number]
                raise
        card.findings.extend(f for f in trace.findings if f not in card.findings)
        return card

    def _prepare_card_context(self, ctx: ExecutionContext, job: dict[str, Any], template_js: str) -> None:
        """Give a card context, once each, the subpackage sources, the WXML runtime and this template."""
        setup = self._card_setup.setdefault(ctx.kind, set())
        if "modules" not in setup:
            define_skill_modules(ctx, self.runtime.skill)
            setup.add("modules")
        if "runtime" not in setup:
            job["runtime"] = wxml_runtime_js()
            setup.add("runtime")
        if job["templateKey"] not in setup:
            job["template"] = template_js
            setup.add(job["templateKey"])

    def _card_job(self, card: Card, job: dict[str, Any], *, cause: str, what: str) -> Any:
        """Run one job of ``card`` in its context until it settles; raise what the card's code threw."""
        rt = self.runtime
        ctx = rt.context(ContextKind(card.context))
        self._cause = {card.number: cause}
        try:
            job_id, rec = rt.settle_job(ctx, job, what=what)
        finally:
            self._cause = {}
        if rec is None:  # an async handler still waits (on a timer): it finishes when the clock advances
            self._late_jobs[job_id] = (card, what)
        if rec is not None and "error" in rec:
            self._render_errors = [(c, e) for c, e in self._render_errors if c is not card]
            raise self._card_error(ctx, card, rec["error"], what)
        self.raise_render_errors(card)
        return json.loads(rec["json"]) if rec is not None else None

    def _card_error(self, ctx: ExecutionContext, card: Card, err: dict[str, Any], what: str) -> ApiCallError:
        rec = read_js_error(ctx, err, self.runtime.skill.source_files())
        kw: dict[str, Any] = {"api": card.api, "component": card.component_path}
        if rec.syntax is not None:
            return cards.CardError(
                rec.syntax_message(what),
                **kw,
                file=rec.syntax.file,
                line=rec.syntax.line,
                column=rec.syntax.column,
                hint=SYNTAX_HINT,
            )
        frame = rec.frame
        hint = rec.code_hint(_CARD_CODE_HINTS)
        if hint is None and rec.wx_missing:
            hint = WX_MISSING_HINT
        elif (
            hint is None and "is not a function" in rec.message and ("setTimeout" in rec.message or "setInterval" in rec.message)
        ):
            hint = 'static cards have no timers; only a realtime dynamic card (permissions["scope.dynamic"]) may use them'
        return cards.CardError(
            f"{card.component_path} threw while {what}: {rec.message}" + rec.stack_suffix + tamper_note(ctx),
            **kw,
            file=frame[0] if frame else card.wxml_file.removesuffix(".wxml") + ".js",
            line=frame[1] if frame else None,
            column=frame[2] if frame else None,
            hint=hint,
            js_stack=rec.stack,
        )

    def _card_rendered(self, rec: dict[str, Any]) -> None:
        """A card context rendered a card at the end of a step: keep its new tree (or the render error)."""
        card = self._cards_by_number.get(rec["card"])
        if card is None:
            return
        if "error" in rec:
            err = rec["error"]
            line = rec.get("line")
            self._render_errors.append(
                (
                    card,
                    CardRenderError(
                        f"rendering {card.component_path} failed: {error_message(err)}",
                        api=card.api,
                        component=card.component_path,
                        file=rec.get("file") or card.wxml_file,
                        line=line if isinstance(line, int) else None,
                        js_stack=str(err.get("stack") or ""),
                        hint="a template that includes itself renders once per level: stop its recursion sooner, or flatten"
                        if err.get("code") == "render-depth"
                        else "a {{ }} expression threw while rendering; compute the value in JS and setData it",
                    ),
                )
            )
            return
        card._push(build_tree(rec["vnodes"], file=card.wxml_file), self._cause.get(card.number, "timer"), self.runtime.now)  # type: ignore[arg-type]

    def raise_render_errors(self, card: Card | None = None) -> None:
        """Raise the render error of ``card`` (any card when None); others become findings."""
        errors, self._render_errors = self._render_errors, []
        trace = self.runtime.trace
        for c, e in errors:
            if card is None or c is card:
                for f in self._findings_of(errors, skip=e):
                    trace.findings.append(f)
                raise e
        for f in self._findings_of(errors):
            trace.findings.append(f)

    def render_error_findings(self) -> list[Finding]:
        """The render errors cards met since the last look (e.g. while timers ran), as findings."""
        errors, self._render_errors = self._render_errors, []
        return self._findings_of(errors)

    @staticmethod
    def _findings_of(errors: list[tuple[Card, Exception]], skip: Exception | None = None) -> list[Finding]:
        out = []
        for c, e in errors:
            if e is skip:
                continue
            f = Finding("card-render", str(e), level="error", context=c.context, file=c.wxml_file, line=getattr(e, "line", None))
            c.findings.append(f)
            out.append(f)
        return out

    def _card_event(self, name: str, args: dict[str, Any], trace: Trace) -> None:
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
            found = cards.check_follow_up(args.get("content"), self.runtime.skill, component=comp)
            card.messages.append(cards.UpstreamMessage(comp, args.get("content"), in_tap, self.runtime.now, found))
        elif name == "modelContext.updateModelContext":
            found = cards.check_model_update(args.get("content"), component=comp, in_tap=in_tap)
            card.model_updates.append(cards.ModelContextUpdate(comp, args.get("content"), in_tap, self.runtime.now, found))
        elif name == "modelContext.setRelatedPage":
            card.related_page = records.related_page(card.decl, args)
        elif name in ("modelContext.openDetailPage", "modelContext.preloadDetailPage"):
            url = records.page_url(args)
            if not url:
                found = [
                    Finding(
                        "detail-page-url",
                        f"{comp}: {name.split('.')[1]} needs {{ url }} (or {{ path, query }})",
                        level="error",
                        context=card.context,
                    )
                ]
            card.pages.append(cards.DetailPage("open" if name.endswith("openDetailPage") else "preload", url, self.runtime.now))
        elif name == "component.triggerEvent":
            card.events.append(cards.CardEvent(str(args.get("name", "")), args.get("detail"), dict(args.get("options") or {})))
        for f in found:
            f = Finding(f.code, f.message, level=f.level, api=card.api, context=card.context)
            trace.findings.append(f)
            card.findings.append(f)

    def drop_expiries(self) -> None:
        """Forget expiry requests not yet delivered (the call that made them failed)."""
        self._expiries.clear()

    def run_expiries(self) -> list[Card]:
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
                    self.runtime.trace.findings.append(f)
                    card.findings.append(f)
        self._expiries.clear()
        return done

    def _expiry_targets(self, name: str, args: dict[str, Any]) -> list[Card]:
        skill, trace = self.runtime.skill, self.runtime.trace
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
            known = {f"{skill.path}/{d.path}" for d in skill.components} | {d.path for d in skill.components}
            for p in sorted(norm - known):
                trace.findings.append(
                    Finding(
                        "expire-path",
                        f"{name.split('.')[1]}: componentPaths {p!r} names no component of mcp.json "
                        f"(componentPaths are absolute, e.g. {skill.path}/components/<name>/index)",
                        context=None,
                    )
                )
            pool = [c for c in pool if c.absolute_path in norm or c.component_path in norm]
        for c in pool:
            if not c.expirable and wanted:
                trace.findings.append(
                    Finding(
                        "expire-not-expirable",
                        f"{name.split('.')[1]} named {c.component_path}, but mcp.json does not declare "
                        "it expirable: true, so the card stays live",
                        api=c.api,
                        context=c.context,
                    )
                )
        pool = [c for c in pool if c.expirable]
        if args.get("match") == "latest":
            pool = pool[-1:]
        return pool

    # ---- the CardHost its cards talk to -------------------------------------------------------------
    def window_width(self) -> int:
        """The simulated device's window width in px (cards are laid out at it)."""
        return int(self.runtime.device.info()["windowInfo"]["windowWidth"])

    def notify(self, card: Card, kind: str, payload: dict[str, Any]) -> None:
        """Deliver a notification (``overflow``) to ``card``'s listeners; it may re-render."""
        if self.runtime.closed:
            raise cards.CardError("the session is closed", api=card.api, component=card.component_path)
        with self.runtime.tracing() as trace:
            try:
                self._card_job(
                    card,
                    {"kind": "cardNotify", "card": card.number, "type": kind, "payload": payload},
                    cause="render",
                    what=f"delivering the {kind.capitalize()} notification",
                )
                self.run_expiries()
            finally:
                card.findings.extend(f for f in trace.findings if f not in card.findings)

    def check_tappable(self, card: Card) -> None:
        """Raise when ``card`` can take no tap: its session ended, or it is expired."""
        if self.runtime.closed:
            raise cards.CardError(
                f"the session that rendered {card.component_path} has ended; its cards cannot be tapped",
                api=card.api,
                component=card.component_path,
                hint="tap cards before the session is closed",
            )
        if card.expired:
            raise cards.CardError(
                f"{card.component_path} is expired ({card.expired_text}): the client covers it and ignores taps",
                api=card.api,
                component=card.component_path,
                hint="tap a live card; card.expired tells whether a card was expired",
            )

    def detach_all(self) -> None:
        """The runtime ends: every live card gets its ``detached`` lifetime (timers are cleared there)."""
        for card in self.cards:
            if card.detached:
                continue
            card.detached = True
            try:
                self._card_job(card, {"kind": "cardDetach", "card": card.number}, cause="detach", what="detaching")
            except WxReplayError as e:  # a broken detached() must not stop the session from closing
                self.runtime.findings.append(
                    Finding(
                        "card-detach",
                        f"{card.component_path} detached() failed: {e.message}",
                        level="error",
                        context=card.context,
                    )
                )

    def tap(
        self, card: Card, target: CardNode, *, strict: bool, event: str = "tap", detail: dict[str, Any] | None = None
    ) -> TapResult:
        """Dispatch ``event`` on ``target`` of ``card`` as the client does; what the card did."""
        self.check_tappable(card)
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
                raise cards.CardError(
                    f"{target.selector()} has no bind{event} handler",
                    api=card.api,
                    component=card.component_path,
                    hint=f'bind it in the WXML: <image bind{event}="...">',
                )
            raise cards.no_handler_error(card, target)
        job = {
            "kind": "cardTap",
            "card": card.number,
            "type": event,
            "dispatch": chain,
            "detail": detail if detail is not None else {"x": 0, "y": 0},
            "target": {"id": target.id or "", "dataset": target.dataset},
            "timeStamp": self.runtime.now - self.runtime.started_ms,
        }
        renders, n_msg, n_upd, n_pages, n_ev = (
            len(card.history),
            len(card.messages),
            len(card.model_updates),
            len(card.pages),
            len(card.events),
        )
        related = card.related_page
        with self.runtime.tracing() as trace:
            out = self._card_job(card, job, cause="tap", what=f"tapping {target.selector()}")
            expired = self.run_expiries()
        result = cards.TapResult(
            card=card,
            target=target,
            handlers=list(out["called"]) if out else [c["handler"] for c in chain],
            messages=card.messages[n_msg:],
            model_updates=card.model_updates[n_upd:],
            pages=card.pages[n_pages:],
            related_page=card.related_page if card.related_page != related else None,
            expired=expired,
            events=card.events[n_ev:],
            rerendered=len(card.history) > renders,
            tree=card.tree,
            host_events=trace.events,
            logs=trace.logs,
            findings=trace.findings,
        )
        errors = [f for f in trace.findings if f.level == "error"]
        if strict and errors:
            raise cards.CardError(
                f"tapping {target.selector()} of {card.component_path} broke the platform's rules:\n"
                + "\n".join(f"  {f.message} [{f.code}]" for f in errors),
                api=card.api,
                component=card.component_path,
            )
        return result

    # ---- the RuntimeListener the runtime tells what the card contexts did -------------------------
    def on_event(self, name: str, args: dict[str, Any], trace: Trace) -> None:
        """A ``modelContext`` / ``triggerEvent`` call of a card becomes the card's record."""
        if name in _CARD_EVENTS:
            self._card_event(name, args, trace)

    def on_late_finish(self, ctx: ExecutionContext, rec: dict[str, Any], trace: Trace) -> bool:
        """A tap handler that went on waiting after ``tap()`` returned finished: take it (its error is a finding)."""
        late = self._late_jobs.pop(rec["id"], None)
        if late is None:
            return False
        if "error" in rec:  # an async tap handler failed after tap() returned
            err = rec["error"]
            f = Finding(
                "card-async-error",
                f"{late[0].component_path}: {late[1]} failed later: {error_message(err)}",
                level="error",
                context=ctx.kind.value,
            )
            trace.findings.append(f)
            late[0].findings.append(f)
        return True

    def on_renders(self, renders: Iterable[dict[str, Any]]) -> None:
        """Keep the new tree (or the render error) of every card rendered at the end of a step."""
        for rec in renders:
            self._card_rendered(rec)


_CARD_EVENTS = frozenset(
    {
        "modelContext.expireAllCards",
        "modelContext.expirePreviousCards",
        "modelContext.sendFollowUpMessage",
        "modelContext.updateModelContext",
        "modelContext.setRelatedPage",
        "modelContext.openDetailPage",
        "modelContext.preloadDetailPage",
        "component.triggerEvent",
    }
)


def _component_key(path: str) -> str:
    """A componentPath as expireAllCards may write it: "/skills/x/components/c/index.js" -> "skills/x/components/c/index"."""
    p = path.strip().lstrip("/")
    p = p.removeprefix("./")
    return p.removesuffix(".js")

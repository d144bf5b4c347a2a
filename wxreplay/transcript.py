"""The transcript: a structured, serialisable record of a whole scenario run.

A :class:`Transcript` holds sessions, turns (a user message, a card tap or a lifecycle event) and,
per turn, the steps the scripted planner took: API calls with their results split into facts and
actions (:mod:`wxreplay.facts`), card trees after each render and tap, upstream messages, host
calls (HTTP by cassette reference, not inlined), console logs and findings. The conversation runner
builds it with :func:`record_call`, :func:`record_render`, :func:`record_tap`,
:func:`record_lifecycle` and :func:`record_reply`. The data these records hold, and ``to_dict``, are
written by :mod:`wxreplay.serialize`, the one serializer of a run (key names, stable form).

Determinism. ``to_dict(stable=True)`` (also ``to_json`` / ``to_yaml``, stable by default) is the
part that must be byte-for-byte identical across runs and machines:

* ``timings`` (wall-clock durations) are left out; ``stable=False`` adds them at the end and shows
  every value as recorded.
* Session ids become ``<session#1>``, ``<session#2>``, ... wherever they occur (sessions started
  with :meth:`Transcript.start_session` are registered automatically).
* Values registered with :meth:`Transcript.volatile` become ``<label>``: strings of 4 or more
  characters wherever they occur inside any string (values and keys, e.g. a token inside
  ``"Bearer ..."``); shorter strings, ints and floats only where a whole value equals them. The
  runner registers only what the scenario marks as volatile; nothing is guessed.
* Not replaced, because they are deterministic: timestamps and ids made on the virtual clock and
  with the seeded randomness (``new Date().toISOString()``, ``Date.now().toString(36)``), virtual
  times such as ``startedAtMs``, card numbers, cassette references.

Keys come in a fixed order (never sorted), CJK text is written as is (JSON with
``ensure_ascii=False``, YAML with ``allow_unicode``), and no object is shared between two places so
YAML never emits anchors. Multi-word keys are camelCase like the platform's own (``isError``,
``structuredContent``, ``hostCalls``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import yaml

from wxreplay import serialize
from wxreplay.facts import split_result
from wxreplay.findings import Finding
from wxreplay.result import CallResult, HostEvent, LogLine

if TYPE_CHECKING:
    from wxreplay.cards.card import Card, TapResult

__all__ = [
    "TRANSCRIPT_VERSION",
    "SessionInfo",
    "StepRecord",
    "Transcript",
    "TurnRecord",
    "host_call_dict",
    "record_call",
    "record_lifecycle",
    "record_render",
    "record_reply",
    "record_tap",
    "tree_text",
]

TRANSCRIPT_VERSION = serialize.TRANSCRIPT_VERSION
tree_text = serialize.tree_text
TurnKind = Literal["user", "tap", "message", "lifecycle"]
StepKind = Literal["call", "render", "reply", "tap", "lifecycle"]


# ---- records ------------------------------------------------------------------------------------


@dataclass
class SessionInfo:
    """One runtime session of the conversation (spec 7): its id, virtual start time, and what ended it."""

    index: int
    session_id: str
    started_at_ms: int
    ended_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """index, sessionId, startedAtMs, endedBy."""
        return serialize.session(self)


@dataclass
class StepRecord:
    """One thing the planner did in a turn: an API call, a card render or tap, a reply, a lifecycle event."""

    kind: StepKind
    line: int | None = None
    api: str | None = None
    arguments: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    card: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    host_calls: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    saved: dict[str, Any] = field(default_factory=dict)
    reply: str | None = None
    event: dict[str, Any] | None = None  # lifecycle: {name, arg, sessionEnded}
    cards: list[dict[str, Any]] = field(default_factory=list)  # cards re-rendered by a lifecycle event
    error: dict[str, Any] | None = None  # the error the step failed with, as its expect: error said: {kind, message}

    def to_dict(self) -> dict[str, Any]:
        """Fixed key order; empty and None fields are left out (``kind`` always stays)."""
        return serialize.step(self)


@dataclass
class TurnRecord:
    """A user message, a card tap, a card's message sent outside a tap or a lifecycle event, and its steps."""

    index: int
    kind: TurnKind
    line: int | None
    session: int
    user: str | None = None
    event: str | None = None  # lifecycle name + argument, e.g. "background 30m"
    steps: list[StepRecord] = field(default_factory=list)
    message: dict[str, Any] | None = None  # the upstream message that produced this turn (taps, message turns)

    def add(self, step: StepRecord) -> StepRecord:
        """Append ``step`` and return it."""
        self.steps.append(step)
        return step

    def to_dict(self) -> dict[str, Any]:
        """index, kind, line, session, user or event, message, then the steps."""
        return serialize.turn(self)


@dataclass
class Transcript:
    """Everything that happened in one scenario run; see the module docstring for what is stable."""

    scenario: str
    file: str | None
    project: str
    skill: str
    cassette: str | None
    sessions: list[SessionInfo] = field(default_factory=list)
    turns: list[TurnRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, Any] = field(default_factory=dict)
    _volatile: dict[Any, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ---- building --------------------------------------------------------------------------
    def volatile(self, value: Any, label: str) -> None:
        """Show ``value`` as ``<label>`` in the stable form (see the module docstring for how it matches)."""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise TypeError(f"volatile values are strings or numbers, not {type(value).__name__}: {value!r}")
        if isinstance(value, str) and not value:
            return
        placeholder = label if label.startswith("<") and label.endswith(">") else f"<{label}>"
        self._volatile.setdefault(value, placeholder)

    def start_session(self, session_id: str, started_at_ms: int) -> SessionInfo:
        """Open a new session (numbered from 1); its id becomes ``<session#N>`` in the stable form."""
        info = SessionInfo(len(self.sessions) + 1, session_id, started_at_ms)
        self.sessions.append(info)
        self.volatile(session_id, f"session#{info.index}")
        return info

    def end_session(self, ended_by: str) -> None:
        """Mark the current session as ended (``"background 30m"``, ``"restart"``, ``"memory_warning"``...)."""
        if self.sessions and self.sessions[-1].ended_by is None:
            self.sessions[-1].ended_by = ended_by

    def add_turn(
        self,
        kind: TurnKind,
        *,
        line: int | None = None,
        user: str | None = None,
        event: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> TurnRecord:
        """Start a turn (numbered from 1) in the current session."""
        turn = TurnRecord(
            len(self.turns) + 1,
            kind,
            line,
            self.sessions[-1].index if self.sessions else 1,
            user=user,
            event=event,
            message=message,
        )
        self.turns.append(turn)
        return turn

    @property
    def steps(self) -> list[StepRecord]:
        """Every step of every turn, in order."""
        return [s for t in self.turns for s in t.steps]

    def all_findings(self) -> list[dict[str, Any]]:
        """The scenario's findings, then every step's, in order."""
        return serialize.findings(self.findings) + [f for s in self.steps for f in s.findings]

    # ---- serialising -----------------------------------------------------------------------
    def to_dict(self, stable: bool = True) -> dict[str, Any]:
        """The transcript as plain data; ``stable`` masks volatile values and drops ``timings``."""
        return serialize.transcript(self, serialize.Masker(self._volatile) if stable else None)

    def stable_copier(self) -> Callable[[Any], Any]:
        """A function giving the stable form of any value of this transcript: a deep copy, volatile values masked.

        ``to_dict()`` applies it to the whole transcript; the snapshot applies it part by part, so it
        never copies what it leaves out (logs) and renders card trees in the same walk.
        """
        masker = serialize.Masker(self._volatile)
        return lambda value: serialize.plain_copy(value, masker)

    def to_json(self, stable: bool = True, indent: int | None = 2) -> str:
        """JSON with CJK unescaped and the fixed key order (ends with a newline)."""
        return json.dumps(self.to_dict(stable), ensure_ascii=False, sort_keys=False, indent=indent) + "\n"

    def to_yaml(self, stable: bool = True) -> str:
        """Block-style YAML with CJK as is and the fixed key order."""
        return yaml.safe_dump(self.to_dict(stable), allow_unicode=True, default_flow_style=False, sort_keys=False, width=120)

    # ---- reading ---------------------------------------------------------------------------
    def summary(self) -> str:
        """One line: sessions, turns, calls (errors), cards, taps, findings."""
        steps = self.steps
        calls = [s for s in steps if s.kind == "call"]
        errors = sum(1 for s in calls if s.result and s.result.get("isError"))
        levels = [f.get("level", "warning") for f in self.all_findings()]
        parts = [
            _count(len(self.sessions), "session"),
            _count(len(self.turns), "turn"),
            _count(len(calls), "call") + (f" ({errors} isError)" if errors else ""),
            _count(sum(1 for s in steps if s.kind == "render"), "card"),
            _count(sum(1 for s in steps if s.kind == "tap"), "tap"),
            _count(levels.count("warning"), "warning"),
            _count(levels.count("error"), "error"),
        ]
        return f"{self.scenario}: " + ", ".join(parts)

    def to_text(self, verbose: bool = False, stable: bool = True) -> str:
        """The conversation, readably: what ``wxreplay run -v`` prints.

        ``verbose`` adds card trees, result data, host calls and logs. Rendered from
        ``to_dict(stable)``, so by default volatile values show as placeholders (reproducible, and
        no tokens in CI logs).
        """
        d = self.to_dict(stable)
        lines: list[str] = []
        where = f" ({d['file']})" if d["file"] else ""
        lines.append(
            f"scenario {d['scenario']}{where} · skill {d['skill']}" + (f" · cassette {d['cassette']}" if d["cassette"] else "")
        )
        lines.extend("  " + _finding_line(f) for f in d["findings"])
        ids = {s["index"]: s["sessionId"] for s in d["sessions"]}
        session = 0
        for turn in d["turns"]:
            if turn["session"] != session:
                session = turn["session"]
                lines.append(f"-- session {session}" + (f" {ids[session]}" if verbose and session in ids else ""))
            steps = turn["steps"]
            if turn["kind"] == "user":
                lines.append(f"user: {turn.get('user') or ''}")
            elif turn["kind"] == "lifecycle" and not any(st["kind"] == "lifecycle" for st in steps):
                lines.append(turn.get("event") or "lifecycle")
            elif turn["kind"] == "tap" and not any(st["kind"] == "tap" for st in steps) and turn.get("message"):
                lines.append("tap -> " + _message_text(turn["message"]))
            elif turn["kind"] == "message" and turn.get("message"):
                lines.append("card " + _message_text(turn["message"]))
            for step in steps:
                lines.extend(_step_lines(step, verbose))
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# ---- builders (called by the conversation runner) -------------------------------------------


host_call_dict = serialize.host_call


def record_call(
    result: CallResult,
    *,
    line: int | None = None,
    saved: Mapping[str, Any] | None = None,
    cassette_refs: Mapping[int, int] | None = None,
) -> StepRecord:
    """A ``call`` step: the result split into facts and actions, host calls, logs and findings.

    ``cassette_refs`` maps a host event's ``index`` to the cassette interaction that answered it
    (an event may also carry a ``cassette_ref`` attribute). A bare instruction (actions, no fact;
    spec 4.1, rule 23) adds a ``bare-instruction`` warning.
    """
    split = split_result(result.content)
    findings = serialize.findings(result.findings)
    if split.bare_instruction:
        findings.append(
            Finding(
                "bare-instruction",
                f"{result.api} returned only instructions and no fact: "
                f"{' '.join(split.actions)[:80]} (state what happened first, spec 4.1)",
                api=result.api,
            ).to_dict()
        )
    return StepRecord(
        "call",
        line=line,
        api=result.api,
        arguments=result.arguments,
        result=serialize.call_record(result, split),
        host_calls=serialize.host_calls(result.host_events, cassette_refs),
        logs=serialize.log_lines(result.logs),
        findings=findings,
        saved=dict(saved or {}),
    )


def short_component(path: str) -> str:
    """``components/drink-list/index`` -> ``drink-list``."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1] == "index":
        parts = parts[:-1]
    if parts and parts[0] == "components":
        parts = parts[1:]
    return "/".join(parts) or path


def card_dict(card: Card, *, tree: bool = True) -> dict[str, Any]:
    """A card as recorded: number, component, context, expiry overlay, related page, tree."""
    return serialize.card(card, tree=tree)


def record_render(card: Card, *, line: int | None = None) -> StepRecord:
    """A ``render`` step: the card's tree right after rendering, and its findings."""
    return StepRecord("render", line=line, api=card.api, card=card_dict(card), findings=serialize.findings(card.findings))


def record_tap(tap: TapResult, *, line: int | None = None, cassette_refs: Mapping[int, int] | None = None) -> StepRecord:
    """A ``tap`` step: the target, what the card did (message, pages, expiries), and the tree if it changed."""
    return StepRecord(
        "tap",
        line=line,
        api=tap.card.api,
        card=serialize.tap_record(tap),
        message=serialize.upstream_message(tap.message) if tap.message is not None else None,
        host_calls=serialize.host_calls(tap.host_events, cassette_refs),
        logs=serialize.log_lines(tap.logs),
        findings=serialize.findings(tap.findings),
    )


def record_lifecycle(
    name: str,
    arg: Any = None,
    *,
    line: int | None = None,
    session_ended: bool = False,
    cards: Iterable[Card] = (),
    host_events: Iterable[HostEvent] = (),
    logs: Iterable[LogLine] = (),
    findings: Iterable[Finding] = (),
    cassette_refs: Mapping[int, int] | None = None,
) -> StepRecord:
    """A ``lifecycle`` step (background, foreground, memory_warning, restart, advance, new_session).

    ``cards`` are cards whose tree the event changed (a dynamic card's poll after ``advance``);
    host calls and logs made meanwhile can be attached too.
    """
    return StepRecord(
        "lifecycle",
        line=line,
        event=serialize.lifecycle_event(name, arg, session_ended=session_ended),
        cards=[card_dict(c) for c in cards],
        host_calls=serialize.host_calls(host_events, cassette_refs),
        logs=serialize.log_lines(logs),
        findings=serialize.findings(findings),
    )


def record_reply(text: str, *, line: int | None = None) -> StepRecord:
    """A ``reply`` step: the assistant's scripted text."""
    return StepRecord("reply", line=line, reply=text)


# ---- readable text --------------------------------------------------------------------------


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _finding_line(f: Mapping[str, Any]) -> str:
    return f"! {f.get('level', 'warning')}: {f.get('message', '')} [{f.get('code', '')}]"


def _message_text(message: Mapping[str, Any]) -> str:
    text = f"message {json.dumps(message.get('text', ''), ensure_ascii=False)}"
    for call in message.get("apiCalls") or []:
        text += f" [api/call {call.get('name')} {_compact_json(call.get('arguments'))}]"
    return text


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _step_lines(step: Mapping[str, Any], verbose: bool) -> list[str]:
    """The readable lines of one step, from its ``to_dict()`` form."""
    out: list[str] = []
    kind = step["kind"]
    if kind == "call":
        res = step.get("result") or {}
        out.append(
            f"call {step.get('api')} {_compact_json(step.get('arguments') or {})}" + (" -> isError" if res.get("isError") else "")
        )
        out.extend(f"  fact: {t}" for t in res.get("facts", []))
        out.extend(f"  action: {t}" for t in res.get("actions", []))
        if verbose:
            for key in ("structuredContent", "_meta", "handoff", "apiCalls"):
                if key in res:
                    out.append(f"  {key}: {_clip(_compact_json(res[key]), 400)}")
        if step.get("saved"):
            out.append("  saved: " + ", ".join(f"{k}={_compact_json(v)}" for k, v in step["saved"].items()))
    elif kind == "render":
        card = step.get("card") or {}
        if not card:  # the render failed (as its expect: error said): no card
            out.append(f"  render {step.get('api')}")
            card = {}
        else:
            out.append(f"  card {short_component(str(card.get('component', '')))}:")
        if step.get("message") is not None:
            out.append("  sent " + _message_text(step["message"]))
        if verbose:
            out.extend("    " + ln for ln in tree_text(card.get("tree") or []).splitlines())
        if card.get("expired"):
            out.append(f"    [expired: {card['expired']}]")
    elif kind == "tap":
        card = step.get("card") or {}
        what = card.get("targetText")
        target = json.dumps(what, ensure_ascii=False) if what else str(card.get("target", ""))
        line = f"tap {short_component(str(card.get('component', '')))} {target}"
        if step.get("message") is not None:
            line += " -> " + _message_text(step["message"])
        out.append(line)
        for m in card.get("messages", [])[1:]:
            out.append("  also " + _message_text(m))
        for page in card.get("pages", []):
            out.append(f"  {page.get('kind')} page {page.get('url')}")
        if card.get("expiredCards"):
            out.append("  expired cards " + ", ".join(f"#{n}" for n in card["expiredCards"]))
        if card.get("rerendered"):
            out.append("  card re-rendered:")
            if verbose:
                out.extend("    " + ln for ln in tree_text(card.get("tree") or []).splitlines())
    elif kind == "lifecycle":
        ev = step.get("event") or {}
        arg = ev.get("arg")
        line = str(ev.get("name", "")) + (f" {arg}" if arg not in (None, "") else "")
        if ev.get("sessionEnded"):
            line += " -> session ended"
        out.append(line)
        for card in step.get("cards", []):
            out.append(f"  card {short_component(str(card.get('component', '')))} re-rendered:")
            if verbose:
                out.extend("    " + ln for ln in tree_text(card.get("tree") or []).splitlines())
    elif kind == "reply":
        out.append(f"  reply: {step.get('reply') or ''}")
    if step.get("error"):
        err = step["error"]
        out.append(f"  failed as expected [{err.get('kind')}]: {_clip(str(err.get('message', '')))}")
    if verbose:
        out.extend("  > " + _host_line(h) for h in step.get("hostCalls", []))
        out.extend(f"  console.{ln.get('level')} [{ln.get('context')}] {ln.get('text')}" for ln in step.get("logs", []))
    out.extend("  " + _finding_line(f) for f in step.get("findings", []))
    return out


def _host_line(h: Mapping[str, Any]) -> str:
    if h.get("name") == "request":
        status = h.get("status")
        line = f"request {h.get('method')} {h.get('url')} -> {status if status is not None else h.get('error', 'fail')}"
        if h.get("cassetteRef") is not None:
            line += f" [cassette #{h['cassetteRef']}]"
        return line
    args = h.get("args")
    shown = "" if args in (None, {}, []) else " " + _clip(_compact_json(args), 100)
    return f"{h.get('name')}{shown} -> {'ok' if h.get('ok') else 'fail' if h.get('ok') is False else 'done'}"

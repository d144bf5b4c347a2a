"""One serializer: every record of a run as plain data, with the key names and the stable form in one place.

Everything that turns what happened into data goes through here: the transcript (``wxreplay run
--json``), the snapshot (:mod:`wxreplay.snapshot` renders this data as YAML), the failure report
(``ScenarioFailure.to_dict``) and the ``to_dict`` / ``to_data`` of the records themselves, which are
thin calls into this module. One concept has one key name wherever it is written (``expiredCards``
for the cards a tap expired, ``expired`` for a card's own expiry overlay, ``hostCalls``, ``isError``,
``structuredContent``...): multi-word keys are camelCase like the platform's own.

Two views of a call or a tap exist on purpose: the *raw* one (``CallResult.to_dict()``: the result as
the platform would see it, what ``save:`` paths address) and the *record* one of the transcript (the
``content`` split into facts and actions, host calls with a cassette reference instead of bodies).

The stable form (:class:`Masker`, :func:`plain_copy`) is a deep copy of plain data with the values a
transcript registered as volatile shown as placeholders; the rules are in :mod:`wxreplay.transcript`.

Key order is fixed (never sorted) and no object is shared between two places of the output, so YAML
never writes anchors. This module imports no record class at run time: the records import it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wxreplay.cards.card import (
        ApiCallRequest,
        Card,
        DetailPage,
        ModelContextUpdate,
        RelatedPage,
        TapResult,
        UpstreamMessage,
    )
    from wxreplay.diagnostic import Diagnostic
    from wxreplay.expect import ScenarioFailure
    from wxreplay.facts import Split
    from wxreplay.result import CallResult, HostEvent, LogLine
    from wxreplay.transcript import SessionInfo, StepRecord, Transcript, TurnRecord

__all__ = [
    "MIN_SUBSTRING",
    "TRANSCRIPT_VERSION",
    "Masker",
    "api_call_request",
    "call_record",
    "call_result",
    "camel",
    "card",
    "dataclass_data",
    "detail_page",
    "difference",
    "failure",
    "findings",
    "host_call",
    "host_calls",
    "host_event",
    "lifecycle_event",
    "log_line",
    "log_lines",
    "model_update",
    "plain_copy",
    "related_page",
    "session",
    "split",
    "step",
    "tap",
    "tap_record",
    "transcript",
    "tree_text",
    "turn",
    "upstream_message",
]

TRANSCRIPT_VERSION = 1
MIN_SUBSTRING = 4  # shorter volatile strings are replaced only as whole values


# ---- keys from dataclass fields -----------------------------------------------------------------

_KEYS: dict[type, tuple[tuple[str, str], ...]] = {}


def camel(name: str) -> str:
    """``session_id`` -> ``sessionId``: a field name as a key of the output (leading underscores stay: ``_meta``)."""
    bare = name.lstrip("_")
    head, *rest = bare.split("_")
    return name[: len(name) - len(bare)] + head + "".join(part[:1].upper() + part[1:] for part in rest)


def dataclass_data(obj: Any, *, omit: Iterable[str] = (), drop_none: bool = False) -> dict[str, Any]:
    """A dataclass's fields as a dict with camelCase keys, in field order (values as they are, not copied).

    ``omit`` names fields to leave out; ``drop_none`` leaves out fields that are ``None``. The key
    names of a class are worked out once.
    """
    keys = _KEYS.get(type(obj))
    if keys is None:
        keys = _KEYS[type(obj)] = tuple((f.name, camel(f.name)) for f in fields(obj))
    skip = frozenset(omit)
    out: dict[str, Any] = {}
    for name, key in keys:
        if name in skip:
            continue
        value = getattr(obj, name)
        if drop_none and value is None:
            continue
        out[key] = value
    return out


# ---- findings, logs, host calls -----------------------------------------------------------------


# A diagnostic's fields in the order its data has always had (a finding's api and context right
# after the level); the rule is written as ``code``, the name transcripts and snapshots use for it.
_DIAGNOSTIC_FIELDS = (
    ("rule", "code"),
    ("message", "message"),
    ("level", "level"),
    ("api", "api"),
    ("context", "context"),
    ("file", "file"),
    ("line", "line"),
    ("column", "column"),
    ("hint", "hint"),
)


def _put_set(out: dict[str, Any], **values: Any) -> dict[str, Any]:
    """``out`` with each of ``values`` that is set (not ``None``) added under its key, in order."""
    out.update((key, value) for key, value in values.items() if value is not None)
    return out


def diagnostic(item: Diagnostic) -> dict[str, Any]:
    """A diagnostic (a finding, a WXML or WXSS violation) as data: its set fields, ``None`` left out."""
    out: dict[str, Any] = {}
    for name, key in _DIAGNOSTIC_FIELDS:
        value = getattr(item, name, None)
        if value is not None:
            out[key] = value
    return out


def findings(items: Iterable[Diagnostic]) -> list[dict[str, Any]]:
    """Findings as data: code, message, level, then the API, context and place where known."""
    return [diagnostic(f) for f in items]


def log_line(line: LogLine, *, api: bool = True) -> dict[str, Any]:
    """One ``console.*`` line; a transcript step leaves ``api`` out (the step names it)."""
    out: dict[str, Any] = {"level": line.level, "context": line.context, "text": line.text}
    if api:
        out["api"] = line.api
    return out


def log_lines(lines: Iterable[LogLine]) -> list[dict[str, Any]]:
    """A step's console lines, as its transcript record keeps them."""
    return [log_line(ln, api=False) for ln in lines]


def host_event(event: HostEvent) -> dict[str, Any]:
    """One ``wx`` host call in full (the raw view): name, context, arguments, API, outcome."""
    out: dict[str, Any] = {"name": event.name, "context": event.context, "args": event.args}
    if event.api:
        out["api"] = event.api
    out["ok"] = event.ok
    out["outcome"] = event.outcome
    return out


def host_call(event: HostEvent, cassette_ref: int | None = None) -> dict[str, Any]:
    """One host call as a transcript records it; a ``request`` keeps only method, url, status (and error)
    plus its cassette reference (the bodies are in the cassette)."""
    out: dict[str, Any] = {"name": event.name, "context": event.context}
    if event.name == "request":
        args = event.args if isinstance(event.args, dict) else {}
        outcome = event.outcome if isinstance(event.outcome, dict) else {}
        out["method"] = args.get("method")
        out["url"] = args.get("url")
        out["status"] = outcome.get("statusCode")
        out["ok"] = event.ok
        if not event.ok and outcome.get("errMsg") is not None:
            out["error"] = outcome.get("errMsg")
        ref = cassette_ref if cassette_ref is not None else getattr(event, "cassette_ref", None)
        if ref is not None:
            out["cassetteRef"] = ref
        return out
    out["args"] = event.args
    out["ok"] = event.ok
    out["outcome"] = event.outcome
    return out


def host_calls(events: Iterable[HostEvent], refs: Mapping[int, int] | None = None) -> list[dict[str, Any]]:
    """Host calls as a transcript records them; ``refs`` maps an event's ``index`` to its cassette entry."""
    return [host_call(e, (refs or {}).get(e.index)) for e in events]


# ---- call results -------------------------------------------------------------------------------


def call_result(result: CallResult) -> dict[str, Any]:
    """The raw view of a call: the result as the platform would see it, plus wxreplay's findings."""
    out: dict[str, Any] = {
        "api": result.api,
        "arguments": result.arguments,
        "isError": result.is_error,
        "content": result.content,
    }
    out.update(_result_extras(result))
    if result.findings:
        out["findings"] = findings(result.findings)
    return out


def _result_extras(result: CallResult) -> dict[str, Any]:
    """The optional parts of a result both views keep, under the platform's names."""
    out = _put_set({}, structuredContent=result.structured_content, _meta=result.meta, handoff=result.handoff)
    if result.api_calls:
        out["apiCalls"] = result.api_calls
    return out


def call_record(result: CallResult, content: Split) -> dict[str, Any]:
    """The record view of a call's result: ``content`` split into facts and actions (``content`` is the split)."""
    out: dict[str, Any] = {
        "isError": result.is_error,
        "facts": content.facts,
        "actions": content.actions,
        "bareInstruction": content.bare_instruction,
    }
    if content.order_violation:
        out["orderViolation"] = True
    out.update(_result_extras(result))
    return out


def split(content: Split) -> dict[str, Any]:
    """A content text split into facts and actions, with how it reads (``Split.to_dict()``)."""
    return {
        "facts": list(content.facts),
        "actions": list(content.actions),
        "bareInstruction": content.bare_instruction,
        "firstKind": content.first_kind,
        "orderViolation": content.order_violation,
    }


# ---- cards --------------------------------------------------------------------------------------


def api_call_request(request: ApiCallRequest) -> dict[str, Any]:
    """An ``api/call`` block of an upstream message: name and arguments."""
    return dataclass_data(request)


def upstream_message(message: UpstreamMessage) -> dict[str, Any]:
    """One upstream message: its text, the API calls it asks for, and its findings (when there are any)."""
    out: dict[str, Any] = {"text": message.text}
    calls = message.api_calls
    if calls:
        out["apiCalls"] = [api_call_request(c) for c in calls]
    if message.findings:
        out["findings"] = findings(message.findings)
    return out


def model_update(update: ModelContextUpdate) -> dict[str, Any]:
    """One silent model-context update: its text (and findings)."""
    out: dict[str, Any] = {"text": update.text}
    if update.findings:
        out["findings"] = findings(update.findings)
    return out


def related_page(page: RelatedPage) -> dict[str, Any]:
    """The related page: path, query and the URL they make."""
    return {**dataclass_data(page), "url": page.url}


def detail_page(page: DetailPage) -> dict[str, Any]:
    """A detail page the card opened or preloaded (its virtual time is left out: not behaviour)."""
    return dataclass_data(page, omit=("at_ms",))


def card(shown: Card, *, tree: bool = True, number: bool = True, api: bool = False) -> dict[str, Any]:
    """A card: its ``number`` (the transcript's identity) or its ``api`` (``Card.to_data()``), component,
    context, expiry overlay (``expired``: the overlay text), related page, and its tree."""
    out: dict[str, Any] = {"number": shown.number} if number else {}
    out["component"] = shown.component_path
    if api:
        out["api"] = shown.api
    out["context"] = shown.context
    if shown.expired:
        out["expired"] = shown.expired_text
    if shown.related_page is not None:
        out["relatedPage"] = shown.related_page.url
    if tree:
        out["tree"] = shown.tree.to_data()
    return out


def _tap_effects(result: TapResult, out: dict[str, Any]) -> None:
    """What a tap did beyond its messages, in the order both views write it."""
    if result.model_updates:
        out["modelContext"] = [model_update(u) for u in result.model_updates]
    if result.pages:
        out["pages"] = [detail_page(p) for p in result.pages]
    if result.related_page is not None:
        out["relatedPage"] = result.related_page.url
    if result.expired:
        out["expiredCards"] = [c.number for c in result.expired]
    if result.events:
        out["events"] = [{"name": e.name, "detail": e.detail} for e in result.events]


def tap(result: TapResult) -> dict[str, Any]:
    """What one tap made the card do (``TapResult.to_dict()``): target, handlers, messages, effects, findings."""
    out: dict[str, Any] = {"target": result.target.label(), "handlers": result.handlers}
    if result.messages:
        out["messages"] = [upstream_message(m) for m in result.messages]
    _tap_effects(result, out)
    out["rerendered"] = result.rerendered
    if result.findings:
        out["findings"] = findings(result.findings)
    return out


def tap_record(result: TapResult) -> dict[str, Any]:
    """The ``card`` of a transcript's tap step: the card (tree only if the tap re-rendered it), the target,
    what the tap did; the first message is the step's own ``message``, so ``messages`` lists them only when
    there are several."""
    out = card(result.card, tree=False)
    out["target"] = result.target.label()
    text = result.target.texts().strip()
    if text:
        out["targetText"] = text
    out["handlers"] = list(result.handlers)
    _tap_effects(result, out)
    if len(result.messages) > 1:
        out["messages"] = [upstream_message(m) for m in result.messages]
    out["rerendered"] = result.rerendered
    if result.rerendered:
        out["tree"] = result.tree.to_data()
    return out


# ---- the transcript -----------------------------------------------------------------------------


def lifecycle_event(name: str, arg: Any, *, session_ended: bool) -> dict[str, Any]:
    """The ``event`` of a lifecycle step: its name, argument, and whether it ended the session."""
    return {"name": name, "arg": arg, "sessionEnded": session_ended}


def session(info: SessionInfo) -> dict[str, Any]:
    """One runtime session: index, sessionId, startedAtMs, endedBy."""
    return dataclass_data(info)


# The order a step's parts are written in (fields of StepRecord -> keys); empty parts are left out.
_STEP_PARTS = (
    ("line", "line"),
    ("api", "api"),
    ("arguments", "arguments"),
    ("event", "event"),
    ("result", "result"),
    ("card", "card"),
    ("message", "message"),
    ("error", "error"),
    ("cards", "cards"),
    ("reply", "reply"),
    ("saved", "saved"),
    ("host_calls", "hostCalls"),
    ("logs", "logs"),
    ("findings", "findings"),
)


def step(record: StepRecord) -> dict[str, Any]:
    """One step: ``kind``, then its non-empty parts in a fixed order."""
    out: dict[str, Any] = {"kind": record.kind}
    for name, key in _STEP_PARTS:
        value = getattr(record, name)
        if value is None or (isinstance(value, (list, dict)) and not value):
            continue
        out[key] = value
    return out


def turn(record: TurnRecord) -> dict[str, Any]:
    """One turn: index, kind, line, session, the user's text or the event, the message that made it, steps."""
    out = _put_set({"index": record.index, "kind": record.kind}, line=record.line)
    out["session"] = record.session
    _put_set(out, user=record.user, event=record.event, message=record.message)
    out["steps"] = [step(s) for s in record.steps]
    return out


def transcript(run: Transcript, masker: Masker | None) -> dict[str, Any]:
    """The whole transcript as plain data, a fresh copy; masked by ``masker`` (the stable form, without
    ``timings``) or as recorded (with ``timings`` at the end)."""
    out: dict[str, Any] = {
        "version": TRANSCRIPT_VERSION,
        "scenario": run.scenario,
        "file": run.file,
        "project": run.project,
        "skill": run.skill,
        "cassette": run.cassette,
        "sessions": [session(s) for s in run.sessions],
        "turns": [turn(t) for t in run.turns],
        "findings": findings(run.findings),
    }
    if masker is None:
        out["timings"] = run.timings
    plain: dict[str, Any] = plain_copy(out, masker)
    return plain


# ---- the failure report -------------------------------------------------------------------------


def difference(path: str, kind: str, expected: Any, actual: Any) -> dict[str, Any]:
    """One mismatch of an ``expect:`` check (``Difference.to_dict()``, which writes "missing" as ``None``)."""
    return {"path": path, "kind": kind, "expected": expected, "actual": actual}


def failure(error: ScenarioFailure) -> dict[str, Any]:
    """The data of a failure report: where the run stopped, why, the differences, the cause and the fix."""
    cause = error.cause
    return {
        "file": error.file,
        "line": error.line,
        "turn": error.turn,
        "step": error.step,
        "reason": error.reason,
        "planned": error.planned,
        "differences": [d.to_dict() for d in error.differences],
        "cause": None if cause is None else {"type": type(cause).__name__, "message": str(cause)},
        "fix": error.fix,
    }


# ---- stable form --------------------------------------------------------------------------------


class Masker:
    """Shows a transcript's volatile values as their placeholders (rules in :mod:`wxreplay.transcript`)."""

    def __init__(self, values: Mapping[Any, str]) -> None:
        strings = [(v, p) for v, p in values.items() if isinstance(v, str)]
        self.substrings = sorted(((v, p) for v, p in strings if len(v) >= MIN_SUBSTRING), key=lambda vp: (-len(vp[0]), vp[0]))
        # Every text seen, masked: a transcript repeats its keys and values ("name", "ok", ids) many
        # times over, so most texts cost one look-up. Short values match whole texts only.
        self.masked: dict[str, str] = {v: p for v, p in strings if len(v) < MIN_SUBSTRING}
        self.whole_number: dict[Any, str] = {v: p for v, p in values.items() if not isinstance(v, str)}

    def text(self, s: str) -> str:
        """``s`` with every volatile text in it replaced."""
        hit = self.masked.get(s)
        if hit is None:
            hit = s
            for value, placeholder in self.substrings:
                if value in hit:
                    hit = hit.replace(value, placeholder)
            if type(s) is str:  # a str subclass equal to a plain text must not stand in for it later
                self.masked[s] = hit
        return hit

    def number(self, n: float) -> Any:
        """``n``, or its placeholder when it is a volatile number."""
        return self.whole_number.get(n, n)


_PLAIN_BASES: tuple[Any, ...] = (str, dict, list, tuple, int, float)


def plain_copy(value: Any, masker: Masker | None) -> Any:
    """A fresh deep copy of plain data (tuples as lists), masked when ``masker`` is given.

    Exact types are tested first: this walks every value of every transcript the pytest plugin
    snapshots, so it is on the per-test path.
    """
    kind = type(value)
    if kind is str:
        return value if masker is None else masker.text(value)
    if kind is dict:
        if masker is None:
            return {k: plain_copy(v, None) for k, v in value.items()}
        text = masker.text
        return {(text(k) if isinstance(k, str) else k): plain_copy(v, masker) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [plain_copy(v, masker) for v in value]
    if kind is int or kind is float:
        return value if masker is None else masker.number(value)
    if value is None or kind is bool:
        return value
    # Subclasses of the plain types (rare): as their base type (bool cannot be subclassed).
    for base in _PLAIN_BASES:
        if isinstance(value, base):
            return plain_copy(base(value), masker)
    return value


# ---- a card tree as text ------------------------------------------------------------------------

_TREE_KEYS = ("tag", "id", "class", "attrs", "on", "data", "text", "children")


def tree_text(data: Any, indent: str = "  ", *, stable: Callable[[Any], Any] | None = None) -> str:
    """The compact indented form of a card tree given as ``CardNode.to_data()`` (same as ``CardNode.to_text()``).

    ``stable`` (a transcript's :meth:`~wxreplay.transcript.Transcript.stable_copier`) masks the tree's
    values as it goes: the text is that of ``tree_text(stable(data))`` without copying the tree first.
    """
    if stable is not None and any(stable(key) != key for key in _TREE_KEYS):
        data, stable = stable(data), None  # a volatile value that is a tree key's name: mask the keys too
    same: Callable[[Any], Any] = stable or (lambda value: value)
    lines: list[str] = []

    def label(node: Mapping[str, Any]) -> str:
        if "tag" not in node:
            return json.dumps(same(node.get("text", "")), ensure_ascii=False)
        parts = [
            str(same(node["tag"]))
            + (f"#{same(node['id'])}" if node.get("id") else "")
            + "".join(f".{c}" for c in str(same(node.get("class", ""))).split())
        ]
        if node.get("attrs"):
            for k, v in same(node["attrs"]).items():
                parts.append(k if v is True else f"{k}={_attr(v)}")
        if node.get("on"):
            for name, handler in same(node["on"]).items():
                catch = str(handler).startswith("catch:")
                parts.append(f"{'@catch:' if catch else '@'}{name}={str(handler).removeprefix('catch:')}")
        if node.get("data"):
            parts.append("data=" + json.dumps(same(node["data"]), ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        if "text" in node:
            parts.append(json.dumps(same(node["text"]), ensure_ascii=False))
        return " ".join(parts)

    def walk(node: Mapping[str, Any], depth: int) -> None:
        lines.append(indent * depth + label(node))
        for child in node.get("children") or []:
            walk(child, depth + 1)

    for node in data if isinstance(data, list) else [data]:
        walk(node, 0)
    return "\n".join(lines)


def _attr(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False) if (not v or re.search(r"[\s\"=]", v)) else v
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

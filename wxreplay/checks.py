"""The ``expect:`` checks of a step: its call's result, a card, a tap's upstream message, its findings.

Each ``check_*`` returns the :class:`~wxreplay.expect.Difference` list of one ``expect:`` part
(the caller fails the step with all of them at once); values in the expectation get ``${var}``
substituted through the run's :class:`~wxreplay.cursor.Cursor`, which also locates the failures
raised here. :func:`judge_findings` applies the findings rule: error findings fail the step,
warnings fail only with ``strict``, and ``expect: findings: [codes]`` states the exact set instead.

``expect: error`` (:func:`check_error`) compares the error a step failed with, as a
:class:`StepError` (:func:`step_error` for a raised error, :func:`findings_error` for what the
platform rejects without anything raising: a card's message naming an unknown API ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wxreplay.cards.card import Card, CardError, UpstreamMessage
from wxreplay.cards.runtime import CardRenderError
from wxreplay.cards.tree import CardQueryError
from wxreplay.cursor import Cursor
from wxreplay.errors import (
    ArgumentsError,
    CallTimeoutError,
    JSError,
    MemoryLimitError,
    ResultError,
    TemplateError,
    UnknownApiError,
    WxReplayError,
)
from wxreplay.expect import MISSING, Difference, codes, contains, host_calls, join, partial
from wxreplay.findings import Finding
from wxreplay.result import CallResult
from wxreplay.scenario import CardCheck, ErrorCheck, Expect, MessageCheck, component_name
from wxreplay.tap_target import AMBIGUOUS_TAP
from wxreplay.transcript import StepRecord

__all__ = [
    "StepError",
    "check_call",
    "check_card",
    "check_error",
    "check_message",
    "findings_error",
    "judge_findings",
    "step_error",
]


@dataclass(frozen=True)
class StepError:
    """The error a step failed with: its kind (one of ``ERROR_KINDS``), its message, and what made it.

    ``cause`` is the raised error; ``findings`` the error findings that are the error when nothing
    was raised (the platform rejecting a card's upstream message).
    """

    kind: str
    message: str
    cause: BaseException | None = None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def headline(self) -> str:
        """The message's first line (what the transcript keeps)."""
        lines = self.message.strip().splitlines()
        return lines[0] if lines else self.kind

    def to_dict(self) -> dict[str, Any]:
        """kind, message (its first line): the transcript's ``error`` of the step."""
        return {"kind": self.kind, "message": self.headline}


# Error classes by kind, most specific first (JSError and CardError are ApiCallErrors too).
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (UnknownApiError, "unknown_api"),
    (ArgumentsError, "arguments"),
    (ResultError, "result"),
    (CallTimeoutError, "timeout"),
    (MemoryLimitError, "memory"),
    (JSError, "js"),
    (TemplateError, "render"),
    (CardRenderError, "render"),
)

# Error findings the platform answers by rejecting what the card did, by kind.
_FINDING_KINDS = {
    "follow-up-unknown-api": "unknown_api",
    "follow-up-arguments": "arguments",
    "card-uncaught-error": "js",
    "card-async-error": "js",
    "card-render": "render",
}


def step_error(error: WxReplayError) -> StepError:
    """The :class:`StepError` of a raised error."""
    kind = next((k for cls, k in _KINDS if isinstance(error, cls)), None)
    if kind is None and isinstance(error, CardError):
        kind = "js" if error.js_stack else "card"
    message = error.message if isinstance(error.message, str) and error.message else str(error)
    return StepError(kind or "card", message, cause=error)


def findings_error(found: Sequence[Finding]) -> StepError | None:
    """The :class:`StepError` of a step's error findings (``None``: it has none): the first names the kind."""
    errors = tuple(f for f in found if f.level == "error")
    if not errors:
        return None
    first = errors[0]
    kind = _FINDING_KINDS.get(first.code) or ("message" if first.code.startswith("follow-up-") else "card")
    return StepError(kind, "\n".join(f"{f.message} [{f.code}]" for f in errors), findings=errors)


def check_error(cursor: Cursor, check: ErrorCheck, got: StepError | None, label: str) -> list[Difference]:
    """``expect: error`` against the error the step failed with (``None``: it succeeded)."""
    base = join(label, "error")
    want = _described(cursor, check)
    if got is None:
        return [Difference(base, f"the step to fail with {want}", "it succeeded", "absent")]
    diffs: list[Difference] = []
    if check.kind is not None and got.kind != check.kind:
        diffs.append(Difference(join(base, "kind"), check.kind, f"{got.kind}: {got.headline}", "equal"))
    if check.text is not None:
        text = str(cursor.substitute(check.text, check.source, "text"))
        if text not in got.message:
            diffs.append(Difference(join(base, "text"), text, got.message, "contains"))
    return diffs


def _described(cursor: Cursor, check: ErrorCheck) -> str:
    parts = []
    if check.kind is not None:
        parts.append(f"a {check.kind} error")
    if check.text is not None:
        parts.append(f"containing {cursor.substitute(check.text, check.source, 'text')!r}")
    return " ".join(parts) if parts else "an error"


def check_call(cursor: Cursor, exp: Expect, result: CallResult, step: StepRecord, label: str) -> list[Difference]:
    """``expect:`` of a ``call:`` step against its ``result`` (``step``: its transcript record, with facts/actions)."""
    diffs: list[Difference] = []
    if exp.is_error is not None and exp.is_error != result.is_error:
        diffs.append(Difference(join(label, "isError"), exp.is_error, result.is_error))
    for key, want, got in (
        ("structuredContent", exp.structured_content, result.structured_content),
        ("_meta", exp.meta, result.meta),
        ("handoff", exp.handoff, result.handoff),
    ):
        if want is None:
            continue
        want = cursor.substitute(want, exp.source, key)
        if got is None:
            diffs.append(Difference(join(label, key), want, MISSING, "missing"))
        else:
            diffs += partial(want, got, label, (key,))
    res = step.result or {}
    for key, actual in (
        ("content", result.text),
        ("facts", "\n".join(res.get("facts", []))),
        ("actions", "\n".join(res.get("actions", []))),
    ):
        texts = getattr(exp, key)
        if texts:
            diffs += contains([str(t) for t in cursor.substitute(list(texts), exp.source, key)], actual, join(label, key))
    diffs += host_calls(exp.host_calls, [e.name for e in result.host_events], join(label, "host_calls"))
    return diffs


def check_card(
    cursor: Cursor, check: CardCheck, default: Card | None, label: str, *, live: Sequence[Card], running: bool
) -> list[Difference]:
    """``expect: card:`` against ``default``, or against the latest of the ``live`` cards named by ``component:``.

    ``live`` are the cards of the current session; ``running`` says whether one is running (for
    the difference when no card is found).
    """
    card = default
    if check.component is not None:
        matching = [c for c in live if check.component in (component_name(c.component_path), c.component_path)]
        card = matching[-1] if matching else None
    name = component_name(card.component_path) if card is not None else (check.component or "")
    base = join(label, f"card {name}".rstrip())
    if card is None:
        state = "no such card is live in this session" if running else "the session has ended"
        return [Difference(base, "a rendered card", state, "absent")]
    text = card.texts() + (f"\n{card.expired_text}" if card.expired and card.expired_text else "")
    diffs = contains([str(t) for t in cursor.substitute(list(check.text), check.source, "text")], text, join(base, "text"))
    if check.selector is not None:
        selector = str(cursor.substitute(check.selector, check.source, "selector"))
        try:
            n = len(card.find_all(selector))
        except CardQueryError as e:
            raise cursor.failure(f"bad selector {selector!r}: {e.message}", source=check.source, at=("selector",)) from None
        if check.count is None and n == 0:
            diffs.append(Difference(join(base, selector), "at least one match", "none", "count"))
        elif check.count is not None and n != check.count:
            diffs.append(
                Difference(join(base, selector), f"{check.count} match{'es' if check.count != 1 else ''}", f"{n}", "count")
            )
    return diffs


def check_message(
    cursor: Cursor, check: MessageCheck, message: UpstreamMessage | None, label: str, *, sender: str = "the tap"
) -> list[Difference]:
    """``expect: message:`` against the upstream ``message`` ``sender`` sent (``None``: it sent none)."""
    base = join(label, "message")
    if not check.sent:
        return [] if message is None else [Difference(base, "no upstream message", message.to_dict(), "present")]
    if message is None:
        return [Difference(base, "an upstream message", f"{sender} sent none", "absent")]
    diffs: list[Difference] = []
    if check.text is not None:
        diffs += contains([str(cursor.substitute(check.text, check.source, "text"))], message.text, join(base, "text"))
    if check.api_call is not None:
        call = next((c for c in message.api_calls if c.name == check.api_call), None)
        if call is None:
            diffs.append(
                Difference(join(base, "api_call"), check.api_call, [c.name for c in message.api_calls] or "no api/call block")
            )
        elif check.arguments is not None:
            diffs += partial(cursor.substitute(check.arguments, check.source, "arguments"), call.arguments, base, ("arguments",))
    return diffs


def judge_findings(
    cursor: Cursor,
    expected: tuple[str, ...] | None,
    found: Sequence[Mapping[str, Any]],
    label: str,
    *,
    strict: bool,
    what: str = "the step",
) -> None:
    """Fail the step for the findings it reported: the set ``expected`` exactly, else no error (with ``strict``: none)."""
    if expected is not None:
        diffs = codes(expected, found, join(label, "findings"))
        if diffs:
            raise cursor.failure(
                f"{what} reported other findings than expect: findings lists",
                differences=diffs,
                fix="fix the skill, or list the codes it should report",
            )
        return
    bad = [f for f in found if f.get("level") == "error" or strict]
    if not bad:
        return
    diffs = [
        Difference(
            join(label, "findings", str(f.get("code"))),
            "no finding" if strict else "no error finding",
            f.get("message"),
            "present",
        )
        for f in bad
    ]
    kind = "finding" if strict and any(f.get("level") != "error" for f in bad) else "error finding"
    found_codes = sorted({str(f.get("code")) for f in bad})
    fix = "fix the skill, or state the codes the step should report: expect: {findings: [" + ", ".join(found_codes) + "]}"
    if found_codes == [AMBIGUOUS_TAP]:  # the scenario's choice, not the skill's bug
        fix = "say which node: add index: N to the tap (the finding lists the candidates in order) or tap by selector:"
    raise cursor.failure(
        f"{what} reported {len(bad)} {kind}{'s' if len(bad) != 1 else ''}" + (" (strict)" if strict else ""),
        differences=diffs,
        fix=fix,
    )

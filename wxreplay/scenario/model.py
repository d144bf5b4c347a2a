"""What a scenario file says, as frozen dataclasses: no behaviour beyond small conveniences.

Every object keeps its :class:`Source` (file, first line/column, last line) so the runner can
show "the failing turn's YAML lines with line numbers" (:meth:`Scenario.lines`) and raise
errors located at a step (:meth:`Scenario.error`). JSON-like payloads (``args``, partial
``structuredContent`` ...) are kept as written, ``${var}`` placeholders included: the runner
substitutes them (``templating.substitute``) when the step runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from wxreplay.errors import ScenarioError
from wxreplay.record_mode import RecordMode
from wxreplay.scenario.loader import Span, YamlDoc, YamlPath, excerpt, numbered_lines

__all__ = [
    "ERROR_KINDS",
    "EVENT_KINDS",
    "CallStep",
    "CardCheck",
    "CloudSetup",
    "DeviceSetup",
    "ErrorCheck",
    "EventTurn",
    "Expect",
    "MessageCheck",
    "MessageTurn",
    "RenderStep",
    "ReplyStep",
    "Save",
    "Scenario",
    "Source",
    "Step",
    "TapTurn",
    "Turn",
    "UserTurn",
]

EventKind = Literal["background", "foreground", "memory_warning", "restart", "advance", "new_session"]
#: Lifecycle events, in the order the format documents them.
EVENT_KINDS: tuple[EventKind, ...] = ("background", "foreground", "memory_warning", "restart", "advance", "new_session")

#: What ``expect: {error: {kind: ...}}`` may name, in the order the format documents them.
ERROR_KINDS = ("unknown_api", "arguments", "js", "render", "result", "timeout", "memory", "message", "card")


@dataclass(frozen=True)
class Source:
    """Where an object is written: ``file:line:column`` of its first character, and its last line.

    ``at`` is its path in the YAML document (``("turns", 2, "plan", 0)``), which
    :meth:`Scenario.error` uses to point at a key or value inside it.
    """

    file: str
    line: int
    column: int
    end_line: int
    at: YamlPath = field(default=(), compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# -- expectations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardCheck:
    """``expect: card:`` — what a card must show."""

    source: Source
    component: str | None = None  # which card (component name); None: the card this step is about
    text: tuple[str, ...] = ()  # each must be contained in the card's text
    selector: str | None = None  # a node matching it must exist ...
    count: int | None = None  # ... exactly this many times, when given


@dataclass(frozen=True)
class MessageCheck:
    """``expect: message:`` — the upstream message a tap sent (``sent=False``: none must be sent)."""

    source: Source
    sent: bool = True
    text: str | None = None  # contained in the message's text blocks
    api_call: str | None = None  # name of its api/call block
    arguments: dict[str, Any] | None = None  # partial match of the api/call arguments


@dataclass(frozen=True)
class ErrorCheck:
    """``expect: error:`` — the step must fail with this error (the run then goes on as the client would).

    ``text`` must be contained in the error's message; ``kind`` is one of :data:`ERROR_KINDS`
    (``unknown_api``, ``arguments``, ``js``, ``render`` ...). Either may be left out, not both.
    """

    source: Source
    text: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Expect:
    """Partial assertions on a step, a tap or an event. ``None``/empty means "not checked".

    Which fields may be set depends on where the ``expect:`` is written (``schema.expect_places()``).
    ``raw`` is the mapping as written (placeholders included).
    """

    source: Source
    raw: dict[str, Any]
    is_error: bool | None = None
    structured_content: dict[str, Any] | None = None  # partial deep match
    meta: dict[str, Any] | None = None  # partial deep match of _meta
    handoff: dict[str, Any] | None = None  # partial deep match
    content: tuple[str, ...] = ()  # texts contained in the content text
    facts: tuple[str, ...] = ()  # texts contained in the facts part
    actions: tuple[str, ...] = ()  # texts contained in the actions part
    card: CardCheck | None = None
    message: MessageCheck | None = None
    rerender: bool | None = None  # the tap re-rendered the card (or did not)
    session: Literal["new", "same"] | None = None
    host_calls: tuple[str, ...] = ()  # host calls (dotted names as recorded, wx. removed) that must have been made
    findings: tuple[str, ...] | None = None  # finding codes that must be reported; () = no findings at all
    error: ErrorCheck | None = None  # the step must fail with this error


# -- steps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Save:
    """``save: {name: path}`` — one variable captured from a call result."""

    name: str
    path: str
    source: Source


@dataclass(frozen=True)
class CallStep:
    """``call: API`` — the planner calls an atomic API."""

    api: str
    source: Source
    args: dict[str, Any] | None = None  # None: not written ({} — or, first call of a tap plan, the card's arguments)
    save: tuple[Save, ...] = ()
    expect: Expect | None = None

    kind: Literal["call"] = field(default="call", init=False)


@dataclass(frozen=True)
class RenderStep:
    """``render: API`` (or ``last``) — the planner shows the card of the latest call of that API."""

    api: str | None  # None for "last": the card of the latest call, whichever API
    source: Source
    expect: Expect | None = None

    kind: Literal["render"] = field(default="render", init=False)


@dataclass(frozen=True)
class ReplyStep:
    """``reply: text`` — what the assistant says (may hold ``${var}``)."""

    text: str
    source: Source

    kind: Literal["reply"] = field(default="reply", init=False)


Step = CallStep | RenderStep | ReplyStep


# -- turns ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserTurn:
    """``user: text`` + ``plan:`` — the user types a message, the planner runs the plan."""

    text: str
    plan: tuple[Step, ...]
    source: Source

    kind: Literal["user"] = field(default="user", init=False)


@dataclass(frozen=True)
class TapTurn:
    """``tap:`` — the user taps a node of a card; its upstream message (if any) starts ``plan``.

    The card is named by ``component`` (``drink-list``) or by ``api`` (the card of that API's
    latest call); neither means the card rendered last. The node is found by ``text`` (contained)
    or ``selector``, the ``index``-th match (0-based); ``index_written`` says whether the scenario
    chose the match itself (a text tap matching several nodes is then not ambiguous).
    """

    source: Source
    component: str | None = None
    api: str | None = None
    text: str | None = None
    selector: str | None = None
    index: int = 0
    index_written: bool = False
    expect: Expect | None = None
    plan: tuple[Step, ...] = ()

    kind: Literal["tap"] = field(default="tap", init=False)


@dataclass(frozen=True)
class MessageTurn:
    """``message:`` — a card's upstream message sent outside a tap becomes the next user message.

    A card may send ``sendFollowUpMessage`` from a lifetime, a notification or an async callback
    (a payment card after ``wx.requestPayment`` resolves). The platform answers it like a user
    message: this turn takes the oldest such message not yet answered, from the card named by
    ``component`` or ``api`` (neither: from any card), and runs ``plan`` for it (its ``api/call``
    first, as after a tap).
    """

    source: Source
    component: str | None = None
    api: str | None = None
    expect: Expect | None = None
    plan: tuple[Step, ...] = ()

    kind: Literal["message"] = field(default="message", init=False)


@dataclass(frozen=True)
class EventTurn:
    """A lifecycle event: ``background: 30m``, ``foreground``, ``memory_warning``, ``restart``,
    ``advance: 5s`` or ``new_session``. ``duration_ms`` is set for ``background`` and ``advance``,
    ``duration_text`` is the duration as the scenario wrote it (messages print it so)."""

    event: EventKind
    source: Source
    duration_ms: int | None = None
    expect: Expect | None = None
    duration_text: str | None = None

    kind: Literal["event"] = field(default="event", init=False)

    @property
    def label(self) -> str:
        """The event as written: ``background 31m``, ``restart``."""
        return self.event + (f" {self.duration_text}" if self.duration_text else "")


Turn = UserTurn | TapTurn | MessageTurn | EventTurn


# -- device -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloudSetup:
    """``device.cloud`` — the initial ``wx.cloud`` environment (``wxreplay.device_setup.cloud_state`` builds it)."""

    collections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    functions: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    ai: dict[str, Any] = field(default_factory=dict)
    env: str | None = None
    openid: str | None = None


@dataclass(frozen=True)
class DeviceSetup:
    """``device:`` — the simulated phone at the start. ``None`` fields keep the device's defaults.

    ``wxreplay.device_setup.build_device`` turns it into the simulated device of one run.
    """

    source: Source | None = None
    storage: dict[str, Any] = field(default_factory=dict)
    login_code: str | None = None
    login_fail: str | None = None  # the errMsg reason wx.login fails with
    session_valid: bool | None = None
    payments: tuple[Any, ...] = ()  # "success" | "cancel" | "fail" | {"outcome": ..., "errMsg": ...}
    location: dict[str, Any] | Literal["denied"] | None = None
    phone_number: dict[str, Any] | Literal["denied"] | None = None
    system: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int | None = None
    start_time: str | None = None  # ISO 8601 with an offset
    timezone: str | None = None  # IANA name, e.g. Asia/Shanghai
    locale: str | None = None
    app_id: str | None = None
    stubs: dict[str, Any] = field(default_factory=dict)
    cloud: CloudSetup | None = None
    network: dict[str, Any] | None = None  # scripted failures: offline / refused / unresolved / timeout

    def with_defaults(self, defaults: DeviceSetup | None) -> DeviceSetup:
        """This set-up over ``defaults`` (``--device`` / ``--wx-device``): its own values win, mappings merge.

        ``storage``, ``system`` and ``stubs`` are merged key by key (the scenario's keys win); any
        other field the scenario leaves unset takes the default's value.
        """
        if defaults is None:
            return self
        merged: dict[str, Any] = {}
        for f in fields(self):
            mine, base = getattr(self, f.name), getattr(defaults, f.name)
            if isinstance(mine, dict) and isinstance(base, dict):
                merged[f.name] = {**base, **mine}
            else:
                merged[f.name] = base if mine is None or mine == () else mine
        return DeviceSetup(**merged)


# -- scenario ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One ``*.scenario.yaml`` file."""

    name: str
    path: Path  # the file, as given to the loader
    file: str  # the file as shown in messages
    source: Source
    turns: tuple[Turn, ...]
    device: DeviceSetup = field(default_factory=DeviceSetup)
    description: str | None = None
    project: Path | None = None  # resolved against the file's folder; None: configured elsewhere
    skill: str | None = None
    cassette: Path | None = None  # resolved against the file's folder; None: the runner derives it
    record: RecordMode | None = None
    marks: tuple[str, ...] = ()
    skip: str | None = None  # reason
    xfail: str | None = None  # reason
    version: int = 1
    doc: YamlDoc | None = field(default=None, repr=False, compare=False)  # text and positions, for messages

    @property
    def text(self) -> str:
        """The file's text."""
        return self.doc.text if self.doc is not None else ""

    def lines(self, source: Source, *, limit: int = 40) -> str:
        """The YAML lines of ``source`` (a turn, a step ...) with their line numbers."""
        return numbered_lines(self.text, source.line, source.end_line, limit=limit)

    def span(self, source: Source | None = None, *at: str | int, key: bool = False) -> Span:
        """Position of ``at`` inside ``source`` (its key with ``key=True``), or of ``source`` itself."""
        source = source or self.source
        if self.doc is None:
            return Span(source.line, source.column, source.end_line, 1)
        return self.doc.span((*source.at, *at), key=key)

    def error(
        self, message: str, source: Source | None = None, *at: str | int, key: bool = False, hint: str | None = None
    ) -> ScenarioError:
        """A :class:`ScenarioError` at ``source`` (default: the file) or at ``at`` inside it, with the excerpt.

        ``scenario.error("...", step.source, "args", "drinkId")`` points at that argument's value.
        """
        source = source or self.source
        span = self.span(source, *at, key=key)
        return ScenarioError(
            message,
            file=source.file,
            line=span.line,
            column=span.column,
            hint=hint,
            excerpt=excerpt(self.text, span.line, span.column) if self.text else None,
        )

    def steps(self) -> list[tuple[int, Step]]:
        """Every step of every plan in file order, with the index of its turn."""
        out: list[tuple[int, Step]] = []
        for i, turn in enumerate(self.turns):
            if isinstance(turn, UserTurn | TapTurn | MessageTurn):
                out.extend((i, step) for step in turn.plan)
        return out

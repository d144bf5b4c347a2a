"""What a card did, as records: upstream messages, model-context updates, pages, events, renderings, taps.

:class:`wxreplay.cards.card.Card` keeps these (and re-exports them); the card host makes them from
what the card's code asked of the platform. The page URLs are built here as the client builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from wxreplay import serialize
from wxreplay.cards.tree import CardNode
from wxreplay.findings import Finding
from wxreplay.result import HostEvent, LogLine, js_string

if TYPE_CHECKING:
    from wxreplay.cards.card import Card
    from wxreplay.project import ComponentDecl

Cause = Literal["render", "tap", "timer", "expire", "detach"]


@dataclass(frozen=True)
class ApiCallRequest:
    """An ``api/call`` block of an upstream message: the API the card asks the model to call."""

    name: str
    arguments: Any

    def to_dict(self) -> dict[str, Any]:
        """name, arguments."""
        return serialize.api_call_request(self)


def text_blocks(content: Any) -> list[str]:
    """The texts of the ``{type: "text"}`` blocks of a message's content, in order."""
    if not isinstance(content, list):
        return []
    return [str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text"]


@dataclass
class UpstreamMessage:
    """One ``sendFollowUpMessage``: to the model it is as if the user had sent this message."""

    component: str
    content: Any  # the blocks as the card sent them
    in_tap: bool
    at_ms: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """The text blocks, in order."""
        return text_blocks(self.content)

    @property
    def text(self) -> str:
        """The text blocks joined by newlines."""
        return "\n".join(self.texts)

    @property
    def api_calls(self) -> list[ApiCallRequest]:
        """Every ``api/call`` block, in order."""
        out = []
        for b in self.content if isinstance(self.content, list) else []:
            if isinstance(b, dict) and b.get("type") == "api/call" and isinstance(b.get("data"), dict):
                out.append(ApiCallRequest(str(b["data"].get("name", "")), b["data"].get("arguments")))
        return out

    @property
    def api_call(self) -> ApiCallRequest | None:
        """The first ``api/call`` block, if any."""
        calls = self.api_calls
        return calls[0] if calls else None

    @property
    def ok(self) -> bool:
        """No error findings: the platform would accept this message."""
        return not any(f.level == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """text, apiCalls and findings (when there are any)."""
        return serialize.upstream_message(self)


@dataclass
class ModelContextUpdate:
    """One ``updateModelContext``: a silent note to the model about the card's new state."""

    component: str
    content: Any
    in_tap: bool
    at_ms: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(text_blocks(self.content))

    def to_dict(self) -> dict[str, Any]:
        """text, and findings when there are any."""
        return serialize.model_update(self)


def _query_text(query: Any) -> str:
    if query is None:
        return ""
    if isinstance(query, dict):
        return "&".join(f"{quote(str(k), safe='')}={quote(js_string(v), safe='')}" for k, v in query.items())
    return str(query).lstrip("?")


def _join(path: str | None, query: str) -> str:
    path = path or ""
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + query


@dataclass(frozen=True)
class RelatedPage:
    """The page behind the card's "enter mini program" entry: ``relatedPage`` plus the query the card set."""

    path: str | None
    query: str

    @property
    def url(self) -> str:
        return _join(self.path, self.query)

    def to_dict(self) -> dict[str, Any]:
        """path, query, url."""
        return serialize.related_page(self)


@dataclass(frozen=True)
class DetailPage:
    """A half-screen page the card opened (``openDetailPage``) or preloaded (``preloadDetailPage``)."""

    kind: Literal["open", "preload"]
    url: str
    at_ms: int

    def to_dict(self) -> dict[str, Any]:
        """kind, url."""
        return serialize.detail_page(self)


@dataclass(frozen=True)
class CardEvent:
    """A ``this.triggerEvent(name, detail, options)`` call (nothing listens to a card; it is recorded)."""

    name: str
    detail: Any
    options: dict[str, Any]


@dataclass(frozen=True)
class TreeVersion:
    """One rendering of the card: the tree and why it was rendered."""

    cause: Cause
    tree: CardNode
    at_ms: int


@dataclass
class TapResult:
    """What one tap made the card do."""

    card: Card
    target: CardNode
    handlers: list[str]
    messages: list[UpstreamMessage]
    model_updates: list[ModelContextUpdate]
    pages: list[DetailPage]
    related_page: RelatedPage | None  # set when the tap changed it
    expired: list[Card]  # cards this tap expired (expirePreviousCards / expireAllCards)
    events: list[CardEvent]
    rerendered: bool
    tree: CardNode
    host_events: list[HostEvent] = field(default_factory=list)
    logs: list[LogLine] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def message(self) -> UpstreamMessage | None:
        """The (first) upstream message this tap sent, if any."""
        return self.messages[0] if self.messages else None

    def to_dict(self) -> dict[str, Any]:
        """target, handlers, messages, what the tap did (``expiredCards``: the numbers of the cards it expired),
        rerendered, findings."""
        return serialize.tap(self)


def page_url(args: dict[str, Any]) -> str:
    """The URL of ``openDetailPage({ url })`` or the [INT] ``{ path, query }`` form."""
    if isinstance(args.get("url"), str):
        return str(args["url"])
    return _join(args.get("path") if isinstance(args.get("path"), str) else "", _query_text(args.get("query")))


def related_page(decl: ComponentDecl, args: dict[str, Any]) -> RelatedPage:
    """The related page after ``setRelatedPage({ path?, query })`` / ``setRelatedPageQuery``."""
    path = args.get("path") if isinstance(args.get("path"), str) else decl.related_page
    if isinstance(path, str) and path and not path.startswith("/"):
        path = "/" + path
    return RelatedPage(path, _query_text(args.get("query")))

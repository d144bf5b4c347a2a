"""The card tree: what a rendered card shows, in a form to snapshot, query and tap.

Built from the VNodes the compiled WXML produces in V8. Two stable serialisations: ``to_data()``
(nested, YAML-friendly) and ``to_text()`` (compact and indented, one node per line, e.g.
``view.drink-item @tap=onTapDrink data={"drinkId":101}`` / ``text "拿铁"``). CJK text stays as is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wxreplay.errors import WxReplayError

ROOT_TAG = "#card"
TEXT_TAG = "#text"


class CardQueryError(WxReplayError):
    """A selector, text or index found nothing (or was malformed) in a card tree."""


@dataclass(frozen=True)
class EventBinding:
    """A bound event: the component method to call, and whether it stops bubbling (``catch``)."""

    handler: str
    catch: bool = False


@dataclass(eq=False)
class CardNode:
    """One node of a rendered card: an element, a text node (``#text``) or the root (``#card``)."""

    tag: str
    id: str | None = None
    classes: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    dataset: dict[str, Any] = field(default_factory=dict)
    events: dict[str, EventBinding] = field(default_factory=dict)
    text: str | None = None
    children: list[CardNode] = field(default_factory=list)
    line: int | None = None
    file: str | None = None
    key: Any = None
    path: tuple[int, ...] = ()
    parent: CardNode | None = field(default=None, repr=False)

    # ---- equality and serialisation ----------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CardNode):
            return NotImplemented
        return bool(self.to_data() == other.to_data())

    __hash__ = None  # type: ignore[assignment]  # mutable tree: equal by content, not hashable

    def to_data(self) -> Any:
        """Nested plain data: a list of nodes for the root, else one node's dict."""
        if self.tag == ROOT_TAG:
            return [c.to_data() for c in self.children]
        if self.tag == TEXT_TAG:
            return {"text": self.text or ""}
        out: dict[str, Any] = {"tag": self.tag}
        if self.id:
            out["id"] = self.id
        if self.classes:
            out["class"] = " ".join(self.classes)
        if self.attrs:
            out["attrs"] = {k: self.attrs[k] for k in sorted(self.attrs)}
        if self.dataset:
            out["data"] = {k: self.dataset[k] for k in sorted(self.dataset)}
        if self.events:
            out["on"] = {k: ("catch:" if b.catch else "") + b.handler for k, b in sorted(self.events.items())}
        inline = self._inline_text()
        if inline is not None:
            out["text"] = inline
        elif self.children:
            out["children"] = [c.to_data() for c in self.children]
        return out

    def _inline_text(self) -> str | None:
        """Text of an element whose only children are text nodes (shown on the element's line)."""
        if self.children and all(c.tag == TEXT_TAG for c in self.children):
            return "".join(c.text or "" for c in self.children)
        return None

    def label(self) -> str:
        """This node alone, as one line of the compact form."""
        if self.tag == TEXT_TAG:
            return json.dumps(self.text or "", ensure_ascii=False)
        if self.tag == ROOT_TAG:
            return ROOT_TAG
        parts = [self.tag + (f"#{self.id}" if self.id else "") + "".join(f".{c}" for c in self.classes)]
        for k in sorted(self.attrs):
            v = self.attrs[k]
            parts.append(k if v is True else f"{k}={_compact(v)}")
        for name, b in sorted(self.events.items()):
            parts.append(f"{'@catch:' if b.catch else '@'}{name}={b.handler}")
        if self.dataset:
            parts.append("data=" + json.dumps(self.dataset, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        inline = self._inline_text()
        if inline is not None:
            parts.append(json.dumps(inline, ensure_ascii=False))
        return " ".join(parts)

    def to_text(self, indent: str = "  ") -> str:
        """The compact indented form: one node per line, children indented under their parent."""
        lines: list[str] = []

        def walk(node: CardNode, depth: int) -> None:
            lines.append(indent * depth + node.label())
            if node._inline_text() is None:
                for c in node.children:
                    walk(c, depth + 1)

        for child in self.children if self.tag == ROOT_TAG else [self]:
            walk(child, 0)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    # ---- traversal and queries ---------------------------------------------------------------
    def iter(self) -> Iterator[CardNode]:
        """This node and all below it, in document order."""
        yield self
        for c in self.children:
            yield from c.iter()

    def texts(self) -> str:
        """All text below this node, concatenated in document order."""
        return "".join(n.text or "" for n in self.iter() if n.tag == TEXT_TAG)

    def find_all(self, selector: str) -> list[CardNode]:
        """Every element below this node matching ``selector`` (``.cls``, ``#id``, ``tag``, descendant, comma)."""
        groups = parse_selector(selector)
        return [
            n for n in self.iter() if n is not self and n.tag not in (TEXT_TAG, ROOT_TAG) and any(_matches(n, g) for g in groups)
        ]

    def find(self, selector: str, index: int = 0) -> CardNode:
        """The ``index``-th element matching ``selector``; :class:`CardQueryError` listing what exists otherwise."""
        found = self.find_all(selector)
        if index < -len(found) or index >= len(found):
            raise CardQueryError(
                f"no node #{index} matches {selector!r} (found {len(found)})",
                hint="nodes in this card:\n" + self.outline(),
            )
        return found[index]

    def find_text(self, text: str, *, exact: bool = False, index: int = 0) -> CardNode:
        """The innermost element whose text contains (or equals, with ``exact``) ``text``."""
        hits = []
        for n in self.iter():
            if n.tag in (TEXT_TAG, ROOT_TAG):
                continue
            t = n.texts().strip()
            if (t == text) if exact else (text in t):
                hits.append(n)
        innermost = [n for n in hits if not any(o is not n and _is_ancestor(n, o) for o in hits)]
        if index < -len(innermost) or index >= len(innermost):
            raise CardQueryError(
                f"no node #{index} with text {text!r} (found {len(innermost)})",
                hint="texts in this card: "
                + ", ".join(
                    repr(n.texts().strip()) for n in self.iter() if n.tag not in (TEXT_TAG, ROOT_TAG) and n._inline_text()
                )[:400],
            )
        return innermost[index]

    def selector(self) -> str:
        """A selector that names this node (tag, id and classes)."""
        return self.tag + (f"#{self.id}" if self.id else "") + "".join(f".{c}" for c in self.classes)

    def outline(self, limit: int = 40) -> str:
        """The first ``limit`` lines of the compact form, for error messages."""
        lines = self.to_text().splitlines()
        more = f"\n  ... ({len(lines) - limit} more)" if len(lines) > limit else ""
        return "\n".join("  " + ln for ln in lines[:limit]) + more

    def at(self, path: tuple[int, ...] | list[int]) -> CardNode:
        """The node at an index path from this node."""
        node = self
        for i in path:
            node = node.children[i]
        return node


def _is_ancestor(anc: CardNode, node: CardNode) -> bool:
    p = node.parent
    while p is not None:
        if p is anc:
            return True
        p = p.parent
    return False


def _compact(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False) if (not v or re.search(r"[\s\"=]", v)) else v
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ---- selectors ------------------------------------------------------------------------------

_COMPOUND = re.compile(r"(?P<tag>[A-Za-z][\w-]*)?(?P<rest>(?:[#.][\w-]+)*)$")


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    id: str | None
    classes: tuple[str, ...]


def parse_selector(selector: str) -> list[list[_Compound]]:
    """Parse ``a.b #c, d`` into groups of descendant chains; the card subset of CSS selectors."""
    groups: list[list[_Compound]] = []
    for group in selector.split(","):
        chain = []
        for part in group.split():
            m = _COMPOUND.match(part)
            if not m or not part:
                raise CardQueryError(
                    f"selector {selector!r}: {part!r} is not supported",
                    hint="use tag, #id, .class, compounds like view.item#x and descendant spaces",
                )
            rest = m.group("rest") or ""
            ids = re.findall(r"#([\w-]+)", rest)
            chain.append(_Compound(m.group("tag"), ids[0] if ids else None, tuple(re.findall(r"\.([\w-]+)", rest))))
        if not chain:
            raise CardQueryError(f"selector {selector!r} has an empty group")
        groups.append(chain)
    return groups


def _match_one(n: CardNode, c: _Compound) -> bool:
    return (c.tag is None or n.tag == c.tag) and (c.id is None or n.id == c.id) and all(k in n.classes for k in c.classes)


def _matches(n: CardNode, chain: list[_Compound]) -> bool:
    if not _match_one(n, chain[-1]):
        return False
    i = len(chain) - 2
    p = n.parent
    while i >= 0 and p is not None:
        if p.tag not in (ROOT_TAG, TEXT_TAG) and _match_one(p, chain[i]):
            i -= 1
        p = p.parent
    return i < 0


# ---- from VNodes ----------------------------------------------------------------------------


def build_tree(vnodes: list[dict[str, Any]], *, file: str | None = None) -> CardNode:
    """The card tree of the VNodes a compiled WXML ``render`` returned."""
    root = CardNode(ROOT_TAG, file=file)
    root.children = [_node(v, root, (i,), file) for i, v in enumerate(vnodes)]
    return root


def _node(v: dict[str, Any], parent: CardNode, path: tuple[int, ...], file: str | None) -> CardNode:
    if "text" in v and "tag" not in v:
        return CardNode(TEXT_TAG, text=str(v["text"]), line=v.get("line"), file=file, path=path, parent=parent)
    attrs = dict(v.get("attrs") or {})
    node_id = attrs.pop("id", None)
    cls = attrs.pop("class", None)
    classes = tuple(str(cls).split()) if cls not in (None, True) else ()
    events = {name: EventBinding(str(b.get("h", "")), bool(b.get("c", False))) for name, b in (v.get("ev") or {}).items()}
    node = CardNode(
        tag=str(v["tag"]),
        id=str(node_id) if node_id not in (None, "") else None,
        classes=classes,
        attrs=attrs,
        dataset=dict(v.get("ds") or {}),
        events=events,
        line=v.get("line"),
        file=file,
        key=v.get("key"),
        path=path,
        parent=parent,
    )
    node.children = [_node(k, node, (*path, i), file) for i, k in enumerate(v.get("kids") or [])]
    return node

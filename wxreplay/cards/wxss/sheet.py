"""The parsed form of card WXSS (rules, declarations, media queries) and the token helpers the checks share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import tinycss2  # type: ignore[import-untyped]

from wxreplay.cards.wxss.subset import MEDIA_TYPES
from wxreplay.diagnostic import Level


@dataclass(frozen=True)
class MediaQuery:
    """One query of a media query list: ``[not] [type] [and (feature: value)]*``."""

    text: str
    negated: bool = False
    media_type: str = "all"
    features: tuple[tuple[str, str | None], ...] = ()

    def matches(self, *, width: float, height: float, dark: bool) -> bool:
        """Whether this query matches a device ``width`` x ``height`` px in the given colour scheme."""
        ok = self.media_type in MEDIA_TYPES and all(
            _feature_matches(name, value, width=width, height=height, dark=dark) for name, value in self.features
        )
        return ok != self.negated


MediaCondition = tuple[MediaQuery, ...]  # a comma list: matches when any query matches


def media_matches(media: Sequence[MediaCondition], *, width: float, height: float, dark: bool) -> bool:
    """Whether every (nested) ``@media`` condition of a rule matches the device."""
    return all(any(q.matches(width=width, height=height, dark=dark) for q in cond) for cond in media)


@dataclass(frozen=True)
class Declaration:
    """``name: value`` as tinycss2 tokens; ``supported`` is false when the card engine ignores it."""

    name: str
    value: tuple[Any, ...]
    important: bool
    line: int
    column: int
    supported: bool = True

    @property
    def value_text(self) -> str:
        return str(tinycss2.serialize(self.value)).strip()


@dataclass(frozen=True)
class Rule:
    """A style rule: its comma groups (each a string, plus whether cards support it) and declarations."""

    selectors: tuple[str, ...]
    declarations: tuple[Declaration, ...]
    media: tuple[MediaCondition, ...] = ()
    line: int = 0
    column: int = 0
    supported_selectors: tuple[bool, ...] = ()
    selector_tokens: tuple[tuple[Any, ...], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class FontFace:
    declarations: tuple[Declaration, ...]
    media: tuple[MediaCondition, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class StyleSheet:
    file: str
    rules: tuple[Rule, ...]
    font_faces: tuple[FontFace, ...] = ()


def _feature_matches(name: str, value: str | None, *, width: float, height: float, dark: bool) -> bool:
    if name == "prefers-color-scheme":
        return value is None or (value == "dark") == dark
    if name == "orientation":
        landscape = width > height
        return value is None or (value == "landscape") == landscape
    if value is None:
        return True
    px = _length_px(value, width)
    if px is None:
        return False
    actual = width if name.endswith("width") else height
    if name.startswith("min-"):
        return actual >= px
    if name.startswith("max-"):
        return actual <= px
    return actual == px


def _length_px(text: str, device_width: float) -> float | None:
    toks = significant(tinycss2.parse_component_value_list(text))
    if len(toks) != 1:
        return None
    t = toks[0]
    if t.type == "number" and t.value == 0:
        return 0.0
    if t.type != "dimension":
        return None
    unit = t.lower_unit
    factor = {"px": 1.0, "rpx": device_width / 750, "vw": device_width / 100, "em": 16.0, "rem": 16.0}.get(unit)
    return None if factor is None else float(t.value) * factor


# ---- reporting and tokens --------------------------------------------------------------------------


class Report(Protocol):
    """Where the checks send what they find: the node (for its position), the rule, the message and the level."""

    def __call__(self, node: Any, rule: str, message: str, level: Level = "error") -> None: ...


def ignore_report(node: Any, rule: str, message: str, level: Level = "error") -> None:
    """A :class:`Report` that drops everything (parsing without checking)."""


def line_of(node: Any) -> int:
    """1-based line of a tinycss2 node (1 when it has none)."""
    return int(getattr(node, "source_line", 1) or 1)


def column_of(node: Any) -> int:
    """1-based column of a tinycss2 node (1 when it has none)."""
    return int(getattr(node, "source_column", 1) or 1)


def significant(tokens: Iterable[Any]) -> list[Any]:
    """``tokens`` without whitespace and comments."""
    return [t for t in tokens if t.type not in ("whitespace", "comment")]


def functions_in(tokens: Iterable[Any]) -> Iterable[Any]:
    """Every function token in ``tokens``, at any depth."""
    for t in tokens:
        if t.type == "function":
            yield t
            yield from functions_in(t.arguments)
        elif t.type in ("() block", "[] block", "{} block"):
            yield from functions_in(t.content)


def all_tokens(tokens: Iterable[Any]) -> Iterable[Any]:
    """Every token in ``tokens``, at any depth (inside functions and blocks too)."""
    for t in tokens:
        yield t
        if t.type == "function":
            yield from all_tokens(t.arguments)
        elif t.type in ("() block", "[] block", "{} block"):
            yield from all_tokens(t.content)


def decl_text(tokens: Sequence[Any]) -> str:
    return str(tinycss2.serialize(tokens)).strip()

"""WXML source -> element tree with positions (no semantics: see ``compiler.py`` and ``rules.py``).

The grammar is the lenient HTML-like one WeChat's compiler accepts: ``<!-- comments -->`` are dropped,
attribute values may be double-quoted, single-quoted or bare, an attribute without a value is
``None``, ``>`` and quotes inside ``{{ }}`` never end a tag or a value, and ``<wxs>`` content is raw
script text. There are no void elements: ``<image ...>`` must be closed like any other tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wxreplay.errors import TemplateError
from wxreplay.source import MAX_NESTING, NEWLINE, LineIndex, excerpt

_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*")
_ATTR_NAME = re.compile(r"[^\s\"'<>/=]+")
_CLOSE_TAG = re.compile(r"</\s*([A-Za-z][A-Za-z0-9_.:-]*)\s*>")
_WXS_END = re.compile(r"</\s*wxs\s*>")
_UNQUOTED = re.compile(r"[^\s\"'<>`]+")


class Source:
    """One file's text (CRLF normalised, BOM dropped) with offset -> line/column mapping."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.index = LineIndex(self.text, breaks=NEWLINE)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``; columns count characters."""
        return self.index.position(offset)

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line``, without its line break."""
        return self.index.line_text(line)

    def snippet(self, offset: int) -> str:
        """The lines up to ``offset``'s, that one marked, and a caret under it (see :func:`wxreplay.source.excerpt`)."""
        return excerpt(self.index, *self.position(offset))

    def error(self, offset: int, message: str, hint: str | None = None) -> TemplateError:
        """A ``TemplateError`` at ``offset`` whose message ends with the source lines and a caret."""
        line, col = self.position(offset)
        return TemplateError(message, file=self.path, line=line, column=col, hint=hint, excerpt=self.snippet(offset))

    def error_at(self, line: int, column: int, message: str, hint: str | None = None) -> TemplateError:
        """:meth:`error` at a 1-based ``line`` and ``column``."""
        return self.error(self.index.offset(line, column), message, hint)


@dataclass
class Attr:
    """``name="value"``; ``value`` is the raw text (entities and ``{{ }}`` untouched) or ``None`` if absent."""

    name: str
    value: str | None
    offset: int  # of the name
    value_offset: int  # of the value's first character (after the quote); == offset when there is no value
    line: int
    column: int


@dataclass
class Text:
    """Raw character data between tags (entities and ``{{ }}`` untouched)."""

    raw: str
    offset: int
    line: int
    column: int


@dataclass
class Element:
    tag: str
    attrs: list[Attr]
    source: Source
    offset: int  # of the '<'
    line: int
    column: int
    children: list[Node] = field(default_factory=list)
    self_closing: bool = False

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None

    def has(self, name: str) -> bool:
        return self.attr(name) is not None


Node = Element | Text


@dataclass
class Document:
    source: Source
    children: list[Node]
    # elements() once per document: a dozen card rules ask for it (the tree is complete once parsed)
    _elements: list[Element] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.source.path

    def elements(self) -> list[Element]:
        """Every element in document order (``<wxs>`` included, its script is a single Text child)."""
        if self._elements is None:
            # A stack, not a recursive closure: a closure that calls itself is a reference cycle, and the
            # list it fills (the whole tree's elements) would wait for the cyclic collector to be freed.
            out: list[Element] = []
            stack: list[Node] = list(reversed(self.children))
            while stack:
                n = stack.pop()
                if isinstance(n, Element):
                    out.append(n)
                    stack.extend(reversed(n.children))
            self._elements = out
        return list(self._elements)  # the caller's own list


def find_interpolation_end(text: str, start: int) -> int:
    """Index of the ``}}`` closing an interpolation whose body starts at ``start``, or -1.

    String literals are skipped, so ``{{ a ? "}}" : '>' }}`` is one interpolation.
    """
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            i += 1
            while i < n and text[i] != c:
                i += 2 if text[i] == "\\" else 1
            if i >= n:
                return -1
        elif c == "}" and text.startswith("}}", i):
            return i
        i += 1
    return -1


def parse_wxml(path: str, text: str) -> Document:
    """Parse one WXML file; raise ``TemplateError`` (file:line:column) on malformed markup."""
    source = Source(path, text)
    return Document(source, _Parser(source).parse())


class _Parser:
    def __init__(self, source: Source) -> None:
        self.src = source
        self.text = source.text
        self.pos = 0

    def parse(self) -> list[Node]:
        root: list[Node] = []
        stack: list[Element] = []
        text, n = self.text, len(self.text)
        while self.pos < n:
            kids = stack[-1].children if stack else root
            if text.startswith("<!--", self.pos):
                end = text.find("-->", self.pos + 4)
                if end < 0:
                    raise self.src.error(self.pos, "unclosed comment: <!-- has no -->")
                self.pos = end + 3
            elif text.startswith("</", self.pos):
                self._close(stack)
            elif text[self.pos] == "<" and self.pos + 1 < n and text[self.pos + 1].isascii() and text[self.pos + 1].isalpha():
                el = self._open()
                kids.append(el)
                if not el.self_closing:
                    if el.tag == "wxs":
                        self._raw_wxs(el)
                    else:
                        if len(stack) >= MAX_NESTING:  # the compiler recurses per level
                            raise self.src.error(
                                el.offset,
                                f"<{el.tag}> nests deeper than {MAX_NESTING} levels of elements",
                                hint="a card needs a few levels: flatten the markup or split it into templates",
                            )
                        stack.append(el)
            else:
                kids.append(self._text())
        if stack:
            el = stack[-1]
            raise self.src.error(
                el.offset,
                f"unclosed tag <{el.tag}>: no </{el.tag}> before the end of the file",
                hint=f"close it with </{el.tag}> or write <{el.tag} ... /> (WXML has no void tags)",
            )
        return root

    def _close(self, stack: list[Element]) -> None:
        m = _CLOSE_TAG.match(self.text, self.pos)
        if m is None:
            raise self.src.error(self.pos, "malformed close tag", hint="write </tag-name>")
        name = m.group(1)
        if not stack:
            raise self.src.error(self.pos, f"close tag </{name}> has no matching open tag")
        top = stack[-1]
        if top.tag != name:
            raise self.src.error(
                self.pos,
                f"mismatched close tag </{name}>: expected </{top.tag}> for <{top.tag}> opened at line {top.line}:{top.column}",
            )
        stack.pop()
        self.pos = m.end()

    def _open(self) -> Element:
        text, src = self.text, self.src
        start = self.pos
        m = _TAG_NAME.match(text, start + 1)
        assert m is not None  # caller checked for a letter
        tag = m.group(0)
        self.pos = m.end()
        line, col = src.position(start)
        el = Element(tag, [], src, start, line, col)
        while True:
            self._skip_ws()
            if self.pos >= len(text):
                raise src.error(start, f"unclosed start tag <{tag}: no '>' before the end of the file")
            if text.startswith("/>", self.pos):
                el.self_closing = True
                self.pos += 2
                return el
            if text[self.pos] == ">":
                self.pos += 1
                return el
            am = _ATTR_NAME.match(text, self.pos)
            if am is None:
                raise src.error(
                    self.pos, f"unexpected {text[self.pos]!r} in <{tag}> start tag", hint='attributes look like name="value"'
                )
            name, name_at = am.group(0), self.pos
            self.pos = am.end()
            save = self.pos
            self._skip_ws()
            value: str | None = None
            value_at = name_at
            if self.pos < len(text) and text[self.pos] == "=":
                self.pos += 1
                self._skip_ws()
                value, value_at = self._value(tag, name)
            else:
                self.pos = save
            if el.has(name):
                raise src.error(name_at, f"duplicate attribute {name} on <{tag}>")
            aline, acol = src.position(name_at)
            el.attrs.append(Attr(name, value, name_at, value_at, aline, acol))

    def _value(self, tag: str, name: str) -> tuple[str, int]:
        text, src = self.text, self.src
        if self.pos >= len(text):
            raise src.error(self.pos, f"attribute {name} of <{tag}> has no value after '='")
        q = text[self.pos]
        if q in "'\"":
            begin = i = self.pos + 1
            while True:
                if i >= len(text):
                    raise src.error(self.pos, f"unclosed {q} in attribute {name} of <{tag}>")
                if text.startswith("{{", i):
                    end = find_interpolation_end(text, i + 2)
                    if end < 0:
                        raise src.error(i, "unclosed {{ (no matching }}, or an unterminated string inside it)")
                    i = end + 2
                    continue
                if text[i] == q:
                    self.pos = i + 1
                    return text[begin:i], begin
                i += 1
        m = _UNQUOTED.match(text, self.pos)
        if m is None:
            raise src.error(self.pos, f"attribute {name} of <{tag}> has no value after '='")
        value, begin = m.group(0), self.pos
        if value.endswith("/") and text.startswith(">", m.end()):
            value = value[:-1]
            if not value:
                raise src.error(self.pos, f"attribute {name} of <{tag}> has no value after '='")
        self.pos = begin + len(value)
        return value, begin

    def _raw_wxs(self, el: Element) -> None:
        m = _WXS_END.search(self.text, self.pos)
        if m is None:
            raise self.src.error(el.offset, "unclosed tag <wxs>: no </wxs> before the end of the file")
        line, col = self.src.position(self.pos)
        el.children.append(Text(self.text[self.pos : m.start()], self.pos, line, col))
        self.pos = m.end()

    def _text(self) -> Text:
        text, n = self.text, len(self.text)
        start = i = self.pos
        while i < n:
            c = text[i]
            if (
                c == "<"
                and i > start
                and i + 1 < n
                and (text[i + 1] in "/!" or (text[i + 1].isascii() and text[i + 1].isalpha()))
            ):
                break
            if c == "{" and text.startswith("{{", i):
                end = find_interpolation_end(text, i + 2)
                if end < 0:
                    raise self.src.error(i, "unclosed {{ (no matching }}, or an unterminated string inside it)")
                i = end + 2
                continue
            i += 1
        self.pos = i
        line, col = self.src.position(start)
        return Text(text[start:i], start, line, col)

    def _skip_ws(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in " \t\n\f":
            self.pos += 1

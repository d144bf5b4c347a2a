"""A small YAML emitter for plain data: the body of a snapshot file, fast.

Why it exists: under pytest every scenario's transcript is written as a snapshot for syrupy to
compare, and going through PyYAML (``yaml.Node`` objects, then libyaml's emitter) cost about 2 ms per
typical 15 KB transcript, the largest part of the plugin's per-test overhead. :func:`dump` writes the
same text in pure Python in 0.15-0.36 ms (0.15 once its strings were seen): it only knows plain data
(dict, list, tuple, str and str subclasses, int, float, bool, None; anything else is a TypeError
naming it) and block style, and works out each distinct string's form once (cached).

The text is what the previous writer gave (kept as :func:`_reference_dump`): ``yaml.serialize`` with
``CSafeDumper``, ``allow_unicode=True``, ``width=1 << 16``, keys in their order, no aliases, text
holding a newline as a ``|`` block; PyYAML's own emitter for data holding characters beyond U+FFFF
(emoji) or NEL, or an empty key, which libyaml writes differently. The rules are PyYAML's ``Emitter``
(``analyze_scalar``, ``choose_scalar_style``, ``write_*``), which libyaml follows, narrowed to block
context:

* a one-line string is plain when the resolver reads it back as a string and no character in it is
  YAML syntax where it stands; else single-quoted; double-quoted, escaped as PyYAML escapes, when it
  holds a character YAML cannot print as is (control characters, tab, BOM, U+FFFE...);
* a string with a newline is a ``|`` block (indentation hint when it starts with a space or a newline,
  ``-``/``+`` chomping), or double-quoted when a block cannot hold it (a trailing space, a space
  before a newline, a special character);
* a mapping's values are indented by two spaces, a sequence inside a mapping is not, empty ones are
  ``{}`` and ``[]``; after a ``|+`` block the document ends with ``...``: with libyaml when it is the
  last block written, with PyYAML when nothing at all was written after it.

Left to the reference writer, for the whole document (about 2 ms, so the text stays the same): keys
that are not simple (over 122 characters or 128 UTF-8 bytes, where the emitters differ; multi-line,
empty, holding a carriage return, or a tuple), strings holding NEL, U+2028, U+2029 or a surrogate,
strings written on one line longer than 30000 characters (the emitters fold past the 65536 width),
and a document that is a bare scalar.

Known defect, kept for byte identity with the snapshots written so far: NEL (U+0085) in a string is
written as is (PyYAML's emitter does; libyaml would escape it as ``"\\N"``), and reads back as a line
break, so such a string does not round-trip.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

__all__ = ["dump"]

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"


class _Fallback(Exception):
    """Raised inside the walk when the document needs the reference writer."""


# Characters PyYAML (with allow_unicode) cannot print as they are: they force double quotes. libyaml
# cannot print NEL and U+10000.. either, but the reference writer does not use it for those.
_SPECIAL = re.compile(r"[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")
# Line breaks other than "\n" (YAML 1.1 counts NEL, U+2028, U+2029) and surrogates: rare, and each
# emitter treats them its own way, so they go to the reference writer.
_RARE = re.compile(r"[\x85\u2028\u2029\ud800-\udfff]")
# Characters beyond U+FFFF: they make the reference writer use PyYAML's emitter (see _slow).
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")
# A one-line string (no special characters, no line break) that PyYAML may write plain in block
# context: no leading/trailing space, no indicator first, no document marker, no "-", "?" or ":"
# followed by a space first. ": ", " #" and a final ":" are checked with `in` (faster than a regex).
_PLAIN = re.compile(r"(?!---|\.\.\.|[-?:](?: |\Z))[^ #,\[\]{}&*!|>'\"%@`](?:.*[^ ])?\Z", re.S)
# Characters written escaped in a double-quoted scalar, and how (Emitter.write_double_quoted; NEL,
# U+2028, U+2029 never get there, U+00A0 is printed as is).
_NEEDS_ESCAPE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
_ESCAPES = {
    "\0": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}
# Past this length a scalar written on one line could reach the 65536-column width, where the
# emitters fold it (a "|" block is never folded).
_LONGEST = 30000
_CACHE_SIZE = 100_000

_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve
# First characters of the strings the resolver might read as something else (int, bool, null...):
# the others need no call to it. None when it has a resolver for any first character (by default not).
_implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
_TYPED_FIRST: frozenset[str | None] | None = None if None in _implicit else frozenset(_implicit)


class _Block:
    """A string written as a ``|`` block: its header and lines, indented where it is used."""

    __slots__ = ("header", "lines")

    def __init__(self, text: str) -> None:
        hints = "2" if text[0] in " \n" else ""
        if text[-1] != "\n":
            hints += "-"
        elif len(text) == 1 or text[-2] == "\n":
            hints += "+"
        self.header = "|" + hints
        # write_literal: every line on its own, indented unless empty; the last one ends with a
        # newline whether or not the text does (then the "-" hint says so).
        self.lines = (text[:-1] if text[-1] == "\n" else text).split("\n")

    @property
    def keep(self) -> bool:
        return self.header[-1] == "+"

    def render(self, indent: str) -> str:
        return self.header + "\n" + "".join([indent + line + "\n" if line else "\n" for line in self.lines])


# Each distinct string's form, computed once: plain, quoted, or a _Block.
_forms: dict[str, str | _Block] = {}
# Each distinct string key's form (never a block: multi-line keys go to the reference writer).
_keys: dict[str, str] = {}


def _double_quoted(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    short = _ESCAPES.get(ch)
    if short is not None:
        return "\\" + short
    code = ord(ch)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _form(text: str) -> str | _Block:
    """How the string ``text`` is written as a value (Emitter.choose_scalar_style, block context)."""
    if _RARE.search(text):
        raise _Fallback
    special = _SPECIAL.search(text) is not None
    if "\n" in text:  # asked for as a "|" block
        if special or text[-1] == " " or " \n" in text:
            form: str | _Block = _double_quoted(text)
        else:
            form = _Block(text)
    elif special:
        form = _double_quoted(text)
    elif (
        _PLAIN.match(text)
        and ": " not in text
        and " #" not in text
        and text[-1] != ":"
        and (
            (_TYPED_FIRST is not None and text[0] not in _TYPED_FIRST)
            or _resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG
        )
    ):
        form = text
    else:  # also "": it reads back as null
        form = "'" + text.replace("'", "''") + "'"
    if type(form) is str and len(form) > _LONGEST:
        raise _Fallback
    if len(_forms) >= _CACHE_SIZE:
        _forms.clear()
    _forms[text] = form
    return form


def _key_form(text: str) -> str:
    """How the string ``text`` is written as a key: as a value, if it can be a simple key in both emitters.

    PyYAML's simple key is under 128 characters counting its "!!str" tag, libyaml's at most 128 UTF-8
    bytes and without "\\r"; a key outside either goes to the reference writer (a "? " key).
    """
    if not text or len(text) > 122 or "\n" in text or "\r" in text or len(text.encode()) > 128:
        raise _Fallback
    form = _forms.get(text) or _form(text)
    assert type(form) is str  # no newline, so never a block
    if len(_keys) >= _CACHE_SIZE:
        _keys.clear()
    _keys[text] = form
    return form


_INF = float("inf")


def _float(value: float) -> str:
    """SafeRepresenter.represent_float: always a plain scalar that reads back as this float."""
    if value != value:
        return ".nan"
    if value == _INF:
        return ".inf"
    if value == -_INF:
        return "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text


def _not_plain(value: Any) -> TypeError:
    kind = type(value)
    return TypeError(f"a snapshot holds plain data (dict, list, str, int, float, bool, None), not {kind.__name__}: {value!r}")


def _scalar(value: Any) -> str:
    """A non-string scalar as written (bool, int, None, float), or TypeError for anything not plain."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if kind is float:
        return _float(value)
    raise _not_plain(value)


def _key(key: Any) -> str:
    kind = type(key)
    if kind is str:
        return _keys.get(key) or _key_form(key)
    if isinstance(key, str):
        text = str(key)
        if text != key:  # a __str__ of its own: leave it to the reference writer
            raise _Fallback
        return _keys.get(text) or _key_form(text)
    if kind is bool or kind is int or key is None or kind is float:
        text = _scalar(key)
        if len(text) > 120:  # PyYAML counts "!!int" / "!!float" in a simple key's length
            raise _Fallback
        return text
    raise _Fallback  # a tuple key ("? " form), or not plain data (the reference writer says which)


def _subclass_form(value: str) -> str | _Block:
    """The form of a value of a str subclass: its ``str()``, as the reference writer takes it."""
    text = str(value)
    if text != value:  # a __str__ of its own: leave it to the reference writer
        raise _Fallback
    return _forms.get(text) or _form(text)


def _mapping(data: dict[Any, Any], head: str, indent: str, out: list[str], last: list[Any]) -> None:
    """Write ``data`` (not empty): the first key after ``head``, the others after ``indent``."""
    inner = indent + "  "
    prefix = head
    for key, value in data.items():
        # the common cases inline: a str key or value already seen is one dict look-up
        text = _keys.get(key) if type(key) is str else None
        line = prefix + (text or _key(key)) + ":"
        prefix = indent
        kind = type(value)
        if kind is str or isinstance(value, str):
            form = (_forms.get(value) or _form(value)) if kind is str else _subclass_form(value)
            if type(form) is str:
                out.append(line + " " + form + "\n")
            else:
                assert isinstance(form, _Block)
                out.append(line + " " + form.render(inner))
                last[0] = form
                last[1] = len(out)
        elif kind is dict:
            if value:
                out.append(line + "\n")
                _mapping(value, inner, inner, out, last)
            else:
                out.append(line + " {}\n")
        elif kind is list or kind is tuple:
            if value:
                out.append(line + "\n")
                _sequence(value, indent, indent, out, last)  # PyYAML does not indent a mapping's sequence
            else:
                out.append(line + " []\n")
        else:
            out.append(line + " " + _scalar(value) + "\n")


def _sequence(data: list[Any] | tuple[Any, ...], head: str, indent: str, out: list[str], last: list[Any]) -> None:
    """Write ``data`` (not empty): the first item's "- " after ``head``, the others' after ``indent``."""
    inner = indent + "  "
    prefix = head
    for value in data:
        line = prefix + "- "
        prefix = indent
        kind = type(value)
        if kind is str or isinstance(value, str):
            form = (_forms.get(value) or _form(value)) if kind is str else _subclass_form(value)
            if type(form) is str:
                out.append(line + form + "\n")
            else:
                assert isinstance(form, _Block)
                out.append(line + form.render(inner))
                last[0] = form
                last[1] = len(out)
        elif kind is dict:
            if value:
                _mapping(value, line, inner, out, last)
            else:
                out.append(line + "{}\n")
        elif kind is list or kind is tuple:
            if value:
                _sequence(value, line, inner, out, last)
            else:
                out.append(line + "[]\n")
        else:
            out.append(line + _scalar(value) + "\n")


def _slow(data: Any) -> bool:
    """Whether the reference writer would use PyYAML's emitter: a string beyond U+FFFF anywhere."""
    if isinstance(data, str):
        return _ASTRAL.search(data) is not None
    if type(data) is dict:
        return any(_slow(k) or _slow(v) for k, v in data.items())
    if type(data) is list or type(data) is tuple:
        return any(_slow(v) for v in data)
    return False


def dump(data: Any) -> str:
    """``data`` (plain data) as block YAML, the same text as ``yaml.serialize`` wrote for snapshots.

    A value that is not plain data raises TypeError naming its type and value.
    """
    kind = type(data)
    if not ((kind is dict or kind is list or kind is tuple) and data):
        return "{}\n" if kind is dict else "[]\n" if kind is list or kind is tuple else _reference_dump(data)
    out: list[str] = []
    last: list[Any] = [None, -1]  # the last "|" block written, and where it ends in `out`
    try:
        if kind is dict:
            _mapping(data, "", "", out, last)
        else:
            _sequence(data, "", "", out, last)
    except _Fallback:
        return _reference_dump(data)
    block = last[0]
    # A "|+" block leaves the document open-ended: libyaml then ends it with "..." when no later
    # block reset that, PyYAML (the reference's emitter for data with emoji) only when nothing at
    # all was written after the block.
    if block is not None and block.keep and (last[1] == len(out) or not _slow(data)):
        out.append("...\n")
    return "".join(out)


# The reference writer: the snapshot writer before this module, kept for the rare cases above.
_FastDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SLOW_ONLY = re.compile(r"[\x85\U00010000-\U0010ffff]")
_REPRESENTER = yaml.representer.SafeRepresenter()


def _node(value: Any, slow: list[bool]) -> yaml.Node:
    """The node ``yaml.safe_dump`` would make for plain data, multi-line text as a ``|`` block; no alias ever.

    ``slow[0]`` is set when the data needs PyYAML's emitter (see :func:`_reference_dump`).
    """
    kind = type(value)
    if kind is str or isinstance(value, str):
        if not slow[0] and _SLOW_ONLY.search(value):
            slow[0] = True
        return yaml.ScalarNode(_STR_TAG, str(value), style="|" if "\n" in value else None)
    if kind is dict:
        if "" in value:  # PyYAML writes an empty key as "? ''", libyaml as "'':"
            slow[0] = True
        return yaml.MappingNode(_TAG + "map", [(_node(k, slow), _node(v, slow)) for k, v in value.items()], flow_style=False)
    if kind is list or kind is tuple:
        return yaml.SequenceNode(_TAG + "seq", [_node(v, slow) for v in value], flow_style=False)
    if kind is bool:
        return yaml.ScalarNode(_TAG + "bool", "true" if value else "false")
    if kind is int:
        return yaml.ScalarNode(_TAG + "int", str(value))
    if value is None:
        return yaml.ScalarNode(_TAG + "null", "null")
    if kind is float:
        return _REPRESENTER.represent_float(value)
    raise _not_plain(value)


def _reference_dump(data: Any) -> str:
    """The text through ``yaml.Node`` objects and libyaml's emitter (5x slower than :func:`dump`).

    libyaml escapes characters beyond U+FFFF (emoji) and NEL, which PyYAML's own emitter writes as
    they are, and writes an empty key differently: data holding them goes through PyYAML's, so a
    snapshot is the same bytes with and without libyaml.
    """
    slow = [False]
    node = _node(data, slow)
    body: str = yaml.serialize(node, Dumper=yaml.SafeDumper if slow[0] else _FastDumper, allow_unicode=True, width=1 << 16)
    return body

"""WXML ``{{ }}`` expressions: a recursive-descent parser with positions, and a JS emitter.

Nothing is evaluated in Python. The subset the framework documents (platform spec, addendum A1):
identifiers; ``a.b``, ``a[b]``; ``+ - * / %``; unary ``! - +``; ``== != === !== < > <= >=``; ``&& ||``;
``?:``; string / number / ``true`` / ``false`` / ``null`` / ``undefined`` literals; array and object
literals (objects with spread ``...x`` and shorthand ``{a}``); parentheses. Calls are parsed too: one
whose callee is rooted at a ``<wxs>`` module is emitted as a JS call; any other (a method of a data
value, ``item.date.slice(5)``) is not part of the documented subset and is left to the caller
(:meth:`Resolver.method_call`), which renders it as ``undefined`` or as a JavaScript call
(:func:`emit_js_call`). Member access is forgiving (``R.m``: a missing object gives ``undefined``);
free identifiers are resolved by the caller (``Resolver``), so scoping is decided at compile time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Protocol

from wxreplay.source import MAX_NESTING


class ExprError(Exception):
    """A syntax or semantic error at ``pos`` (offset into the expression text)."""

    def __init__(self, message: str, pos: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint


# ---- AST -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    pos: int
    js: str


@dataclass(frozen=True)
class Name:
    pos: int
    name: str


@dataclass(frozen=True)
class Member:
    pos: int
    obj: Expr
    key: Expr | str  # str: ``a.key``; Expr: ``a[key]``


@dataclass(frozen=True)
class Call:
    pos: int  # of the '('
    callee: Expr
    args: tuple[Expr, ...]
    callee_text: str  # source text of the callee: ``item.date.slice``
    start: int = 0  # offset where the call's source text begins (its callee's first character)
    text: str = ""  # source text of the whole call: ``item.date.slice(5)``


@dataclass(frozen=True)
class Unary:
    pos: int
    op: str
    arg: Expr


@dataclass(frozen=True)
class Binary:
    pos: int
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Conditional:
    pos: int
    test: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True)
class ArrayLit:
    pos: int
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Prop:
    pos: int
    key: str
    value: Expr


@dataclass(frozen=True)
class Spread:
    pos: int
    arg: Expr


@dataclass(frozen=True)
class ObjectLit:
    pos: int
    props: tuple[Prop | Spread, ...]


Expr = Literal | Name | Member | Call | Unary | Binary | Conditional | ArrayLit | ObjectLit


# ---- tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # num | str | name | op | eof
    value: str  # decoded string for str, source text otherwise
    pos: int


_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPS = (
    "...", "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "=>",
    "(", ")", "[", "]", "{", "}", ",", ":", "?", ".", "+", "-", "*", "/", "%", "!", "<", ">",
    "=", "&", "|", "^", "~", "`", ";", "@", "#",
)  # fmt: skip
_UNSUPPORTED_OPS = {
    "??": "the ?? operator is not supported in WXML expressions",
    "?.": "optional chaining ?. is not supported in WXML expressions (member access is already forgiving)",
    "=>": "arrow functions are not supported in WXML expressions",
    "=": "assignment is not allowed in WXML expressions (did you mean == or ===?)",
    "&": "bitwise operators are not supported in WXML expressions (did you mean &&?)",
    "|": "bitwise operators are not supported in WXML expressions (did you mean ||?)",
    "^": "bitwise operators are not supported in WXML expressions",
    "~": "bitwise operators are not supported in WXML expressions",
    "`": "template strings are not supported in WXML expressions",
    ";": "statements are not allowed in WXML expressions",
}
_KEYWORDS = {"true": "true", "false": "false", "null": "null", "undefined": "undefined"}
_RESERVED = frozenset((
    "this", "new", "typeof", "instanceof", "in", "delete", "void", "function", "var", "let", "const", "return",
    "if", "else", "for", "while", "do", "class", "switch", "case", "break", "continue", "throw", "try", "catch",
    "finally", "yield", "await", "async", "import", "export", "super", "with", "debugger",
))  # fmt: skip
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _ident_start(c: str) -> bool:
    return c == "_" or c == "$" or c.isalpha()


def _ident_part(c: str) -> bool:
    return c == "_" or c == "$" or c.isalnum()


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            m = _NUMBER.match(src, i)
            assert m is not None
            if m.end() < n and _ident_part(src[m.end()]):
                raise ExprError(f"invalid number {src[i : m.end() + 1]!r}", i)
            toks.append(_Tok("num", m.group(0), i))
            i = m.end()
        elif _ident_start(c):
            j = i + 1
            while j < n and _ident_part(src[j]):
                j += 1
            toks.append(_Tok("name", src[i:j], i))
            i = j
        elif c in "'\"":
            value, i2 = _string(src, i)
            toks.append(_Tok("str", value, i))
            i = i2
        else:
            for op in _OPS:
                if src.startswith(op, i):
                    if op == "?." and i + 2 < n and src[i + 2].isdigit():
                        op = "?"
                    if op in _UNSUPPORTED_OPS:
                        raise ExprError(_UNSUPPORTED_OPS[op], i)
                    toks.append(_Tok("op", op, i))
                    i += len(op)
                    break
            else:
                raise ExprError(f"unexpected character {c!r}", i)
    toks.append(_Tok("eof", "", n))
    return toks


def _string(src: str, start: int) -> tuple[str, int]:
    q = src[start]
    out: list[str] = []
    i, n = start + 1, len(src)
    while i < n:
        c = src[i]
        if c == q:
            return "".join(out), i + 1
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            break
        e = src[i + 1]
        i += 2
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
        elif e == "\n":
            pass  # line continuation
        elif e in "xu":
            esc = i - 2
            if e == "u" and i < n and src[i] == "{":
                end = src.find("}", i)
                digits = src[i + 1 : end] if end > 0 else ""
                i = end + 1
            else:
                width = 2 if e == "x" else 4
                digits = src[i : i + width]
                i += width
            if not digits or not re.fullmatch(r"[0-9a-fA-F]+", digits) or int(digits, 16) > 0x10FFFF:
                raise ExprError(f"invalid \\{e} escape in string literal", esc)
            out.append(chr(int(digits, 16)))
        else:
            out.append(e)
    raise ExprError("unterminated string literal", start)


# ---- parser --------------------------------------------------------------------------------------

_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "===": 3, "!==": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
           "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}  # fmt: skip


def parse_expression(src: str, *, object_body: bool = False) -> Expr:
    """Parse the text between ``{{`` and ``}}``.

    ``object_body`` parses ``<template data>``: the text is the inside of an object literal
    (``...item, a, b: 1``).
    """
    e = _ExprParser(src, object_body).parse()
    deep = _too_deep(e)
    if deep is not None:
        raise ExprError(_DEEP, deep, hint=_DEEP_HINT)
    return e


_DEEP = f"the expression nests deeper than {MAX_NESTING} levels"
_DEEP_HINT = "compute the value in the component's JS and setData it"


def _children(e: Expr | Prop | Spread) -> tuple[Expr, ...]:
    """The sub-expressions of ``e`` (for the depth check)."""
    if isinstance(e, Member):
        return (e.obj,) if isinstance(e.key, str) else (e.obj, e.key)
    if isinstance(e, Call):
        return (e.callee, *e.args)
    if isinstance(e, Unary | Spread):
        return (e.arg,)
    if isinstance(e, Binary):
        return (e.left, e.right)
    if isinstance(e, Conditional):
        return (e.test, e.then, e.other)
    if isinstance(e, ArrayLit):
        return e.items
    if isinstance(e, ObjectLit):
        return tuple(p.arg if isinstance(p, Spread) else p.value for p in e.props)
    if isinstance(e, Prop):
        return (e.value,)
    return ()


def _too_deep(root: Expr) -> int | None:
    """Offset of a node deeper than :data:`MAX_NESTING` (the emitter recurses per level), or None.

    Iterative: a long chain (``a + a + ...``, ``a.b.c...``) is parsed in a loop but still nests.
    """
    todo: list[tuple[Expr, int]] = [(root, 1)]
    while todo:
        e, depth = todo.pop()
        if depth > MAX_NESTING:
            return e.pos
        todo.extend((child, depth + 1) for child in _children(e))
    return None


class _ExprParser:
    def __init__(self, src: str, template_data: bool) -> None:
        self.src = src
        self.toks = _tokenize(src)
        self.i = 0
        self.template_data = template_data
        self.depth = 0  # recursion of conditional()/unary(), bounded before Python's own limit

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def at(self, op: str) -> bool:
        return self.tok.kind == "op" and self.tok.value == op

    def next(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, op: str) -> _Tok:
        if not self.at(op):
            raise self.unexpected(f"expected {op!r}")
        return self.next()

    def unexpected(self, want: str = "") -> ExprError:
        t = self.tok
        got = "end of expression" if t.kind == "eof" else repr(self.src[t.pos : self.toks[self.i + 1].pos].strip() or t.value)
        return ExprError(f"unexpected {got}" + (f", {want}" if want else ""), t.pos)

    def parse(self) -> Expr:
        if self.template_data:
            e: Expr = self.object_props(0, "eof")
        else:
            if self.tok.kind == "eof":
                raise ExprError("empty expression", 0)
            e = self.conditional()
        if self.tok.kind != "eof":
            raise self.unexpected("expected the end of the expression")
        return e

    def deeper(self) -> None:
        """Count one more level of recursion; past :data:`MAX_NESTING` the expression is refused here."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprError(_DEEP, self.tok.pos, hint=_DEEP_HINT)

    def conditional(self) -> Expr:
        self.deeper()
        try:
            test = self.binary(1)
            if not self.at("?"):
                return test
            pos = self.next().pos
            then = self.conditional()
            self.expect(":")
            return Conditional(pos, test, then, self.conditional())
        finally:
            self.depth -= 1

    def binary(self, min_prec: int) -> Expr:
        left = self.unary()
        while self.tok.kind == "op" and _BINARY.get(self.tok.value, 0) >= min_prec:
            op = self.next()
            right = self.binary(_BINARY[op.value] + 1)
            left = Binary(op.pos, op.value, left, right)
        return left

    def unary(self) -> Expr:
        if self.tok.kind == "op" and self.tok.value in ("!", "-", "+"):
            op = self.next()
            self.deeper()
            try:
                return Unary(op.pos, op.value, self.unary())
            finally:
                self.depth -= 1
        return self.postfix()

    def postfix(self) -> Expr:
        begin = self.tok.pos  # where a call's text starts: before any '(' around its callee
        e = self.primary()
        while True:
            if self.at("."):
                self.next()
                t = self.tok
                if t.kind != "name":
                    raise self.unexpected("expected a property name after '.'")
                self.next()
                e = Member(t.pos, e, t.value)
            elif self.at("["):
                pos = self.next().pos
                key = self.conditional()
                self.expect("]")
                e = Member(pos, e, key)
            elif self.at("("):
                paren = self.next().pos
                args: list[Expr] = []
                while not self.at(")"):
                    args.append(self.conditional())
                    if not self.at(")"):
                        self.expect(",")
                close = self.next().pos
                callee_text = self.src[begin:paren].strip()
                e = Call(paren, e, tuple(args), callee_text, begin, self.src[begin : close + 1])
            else:
                return e

    def primary(self) -> Expr:
        t = self.tok
        if t.kind == "num":
            self.next()
            js = t.value
            if re.fullmatch(r"0\d+", js):
                js = str(int(js))
            return Literal(t.pos, js)
        if t.kind == "str":
            self.next()
            return Literal(t.pos, js_string(t.value))
        if t.kind == "name":
            if t.value in _KEYWORDS:
                self.next()
                return Literal(t.pos, _KEYWORDS[t.value])
            if t.value in _RESERVED:
                raise ExprError(
                    f"{t.value!r} is not supported in WXML expressions",
                    t.pos,
                    hint="compute the value in the component's JS and setData it",
                )
            self.next()
            return Name(t.pos, t.value)
        if self.at("("):
            self.next()
            e = self.conditional()
            self.expect(")")
            return e
        if self.at("["):
            pos = self.next().pos
            items: list[Expr] = []
            while not self.at("]"):
                if self.at(","):
                    raise self.unexpected("array holes are not supported")
                if self.at("..."):
                    raise ExprError("array spread is not supported in WXML expressions", self.tok.pos)
                items.append(self.conditional())
                if not self.at("]"):
                    self.expect(",")
            self.next()
            return ArrayLit(pos, tuple(items))
        if self.at("{"):
            pos = self.next().pos
            obj = self.object_props(pos, "}")
            self.next()
            return obj
        raise self.unexpected()

    def object_props(self, pos: int, close: str) -> ObjectLit:
        props: list[Prop | Spread] = []

        def closed() -> bool:
            return self.tok.kind == "eof" if close == "eof" else self.at(close)

        while not closed():
            t = self.tok
            if self.at("..."):
                self.next()
                props.append(Spread(t.pos, self.conditional()))
            elif t.kind in ("name", "str", "num"):
                self.next()
                key = t.value
                if t.kind == "num":
                    key = str(int(key, 0)) if re.fullmatch(r"\d+|0[xX][0-9a-fA-F]+", key) else key
                if self.at(":"):
                    self.next()
                    props.append(Prop(t.pos, key, self.conditional()))
                elif t.kind == "name" and key not in _KEYWORDS and key not in _RESERVED:
                    props.append(Prop(t.pos, key, Name(t.pos, key)))
                else:
                    raise self.unexpected("expected ':' after the property name")
            else:
                raise self.unexpected("expected a property name")
            if not closed():
                self.expect(",")
        return ObjectLit(pos, tuple(props))


# ---- emitter -------------------------------------------------------------------------------------


def js_string(value: str) -> str:
    """A JS string literal (JSON is valid JS since ES2019; CJK stays readable)."""
    return json.dumps(value, ensure_ascii=False)


class Resolver(Protocol):
    """Compile-time scope: how a free identifier reads in the generated JS, and what a method call becomes."""

    def name(self, name: str) -> str:
        """JS reading identifier ``name`` (a loop variable, a wxs module or a data field)."""
        ...

    def wxs_module(self, name: str) -> str | None:
        """JS for the exports of wxs module ``name`` if it is one here (not shadowed by a loop variable)."""
        ...

    def method_call(self, call: Call) -> str:
        """JS for a call not rooted at a ``<wxs>`` module (``item.date.slice(5)``), which WXML data binding
        does not document: ``undefined`` (what the client shows) or :func:`emit_js_call`."""
        ...


def emit(e: Expr, r: Resolver) -> str:
    """JS for ``e``; fully parenthesised, member reads through ``R.m``, calls of wxs functions direct."""
    if isinstance(e, Literal):
        return e.js
    if isinstance(e, Name):
        return r.name(e.name)
    if isinstance(e, Member):
        key = js_string(e.key) if isinstance(e.key, str) else emit(e.key, r)
        return f"R.m({emit(e.obj, r)},{key})"
    if isinstance(e, Call):
        if not _rooted_at_wxs(e.callee, r):
            return r.method_call(e)
        args = ",".join(emit(a, r) for a in e.args)
        return f"{_wxs_callee(e.callee, r)}({args})"
    if isinstance(e, Unary):
        return f"({e.op}{emit(e.arg, r)})"
    if isinstance(e, Binary):
        return f"({emit(e.left, r)}{e.op}{emit(e.right, r)})"
    if isinstance(e, Conditional):
        return f"({emit(e.test, r)}?{emit(e.then, r)}:{emit(e.other, r)})"
    if isinstance(e, ArrayLit):
        return "[" + ",".join(emit(i, r) for i in e.items) + "]"
    parts: list[str] = []
    for p in e.props:
        if isinstance(p, Spread):
            parts.append("..." + emit(p.arg, r))
        else:
            k = js_string(p.key)
            parts.append(f"{'[' + k + ']' if p.key == '__proto__' else k}:{emit(p.value, r)}")
    return "({" + ",".join(parts) + "})"


def emit_js_call(call: Call, r: Resolver) -> str:
    """JS evaluating ``call`` as JavaScript would, in the card's context: a method keeps its ``this``.

    ``R.c(obj, key, args, text)`` calls ``obj[key]``; ``R.f(fn, args, text)`` a plain value. Both throw
    a ``TypeError`` naming the call's source text when there is nothing to call, which becomes a
    render error at the WXML line (``R.line``).
    """
    args = "[" + ",".join(emit(a, r) for a in call.args) + "]"
    text = js_string(call.text)
    callee = call.callee
    if isinstance(callee, Member):
        key = js_string(callee.key) if isinstance(callee.key, str) else emit(callee.key, r)
        return f"R.c({emit(callee.obj, r)},{key},{args},{text})"
    return f"R.f({emit(callee, r)},{args},{text})"


def _rooted_at_wxs(e: Expr, r: Resolver) -> bool:
    """Whether the callee chain ``e`` (members and calls) starts at a ``<wxs>`` module visible here."""
    while isinstance(e, Member | Call):
        e = e.obj if isinstance(e, Member) else e.callee
    return isinstance(e, Name) and r.wxs_module(e.name) is not None


def _wxs_callee(e: Expr, r: Resolver) -> str:
    """Direct (``this``-preserving) access along a callee chain rooted at a wxs module (checked by the caller)."""
    if isinstance(e, Member):
        key = js_string(e.key) if isinstance(e.key, str) else emit(e.key, r)
        return f"{_wxs_callee(e.obj, r)}[{key}]"
    if isinstance(e, Call):
        return emit(e, r)
    assert isinstance(e, Name)
    mod = r.wxs_module(e.name)
    assert mod is not None
    return mod

"""``-k`` expressions, as pytest reads them, so ``wxreplay run -k`` selects what ``pytest -k`` selects.

The grammar is pytest's (``_pytest/mark/expression.py``)::

    expression: expr? EOF
    expr:       and_expr ('or' and_expr)*
    and_expr:   not_expr ('and' not_expr)*
    not_expr:   'not' not_expr | '(' expr ')' | ident
    ident:      (\\w|:|\\+|-|\\.|\\[|\\]|\\\\|/)+

An identifier matches when it is a case-insensitive substring of one of the item's keywords. For a
scenario those are what pytest gives its item: the scenario name, the file name, the folders between
the rootdir and the file, and the mark names (``scenario``, the YAML ``marks``, ``skip``/``xfail``).
pytest's own module is private API, and only the plugin may import pytest: hence this small copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from wxreplay.errors import UsageError

__all__ = ["compile_keywords", "scenario_keywords"]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|((?:\w|:|\+|-|\.|\[|\]|\\|/)+))")


def compile_keywords(expression: str) -> Callable[[Iterable[str]], bool]:
    """A predicate over an item's keywords for the ``-k`` ``expression``; a malformed one is a :class:`UsageError`."""
    tokens: list[str] = []
    pos = 0
    while pos < len(expression):
        if not expression[pos:].strip():
            break
        m = _TOKEN.match(expression, pos)
        if m is None:
            stripped = len(expression[pos:]) - len(expression[pos:].lstrip())
            raise _error(expression, pos + stripped, f"unexpected character {expression[pos + stripped]!r}")
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    if not tokens:
        return lambda names: True
    tree, at = _expr(tokens, 0, expression)
    if at != len(tokens):
        raise _error(expression, None, f"unexpected {tokens[at]!r}")

    def matches(names: Iterable[str]) -> bool:
        lowered = [n.lower() for n in names]
        return _eval(tree, lowered)

    return matches


def scenario_keywords(name: str, file_name: str, folders: Iterable[str], marks: Iterable[str]) -> list[str]:
    """The keywords pytest gives a scenario item (see the module docstring)."""
    return [name, file_name, *folders, *marks]


def _expr(tokens: list[str], at: int, text: str) -> tuple[object, int]:
    left, at = _and(tokens, at, text)
    while at < len(tokens) and tokens[at] == "or":
        right, at = _and(tokens, at + 1, text)
        left = ("or", left, right)
    return left, at


def _and(tokens: list[str], at: int, text: str) -> tuple[object, int]:
    left, at = _not(tokens, at, text)
    while at < len(tokens) and tokens[at] == "and":
        right, at = _not(tokens, at + 1, text)
        left = ("and", left, right)
    return left, at


def _not(tokens: list[str], at: int, text: str) -> tuple[object, int]:
    if at >= len(tokens):
        raise _error(text, None, "expected not, ( or an identifier; got the end of input")
    token = tokens[at]
    if token == "not":
        inner, at = _not(tokens, at + 1, text)
        return ("not", inner), at
    if token == "(":
        inner, at = _expr(tokens, at + 1, text)
        if at >= len(tokens) or tokens[at] != ")":
            raise _error(text, None, "expected )")
        return inner, at + 1
    if token in (")", "and", "or"):
        raise _error(text, None, f"expected not, ( or an identifier; got {token!r}")
    return ("ident", token.lower()), at + 1


def _eval(node: object, names: list[str]) -> bool:
    assert isinstance(node, tuple)
    op = node[0]
    if op == "ident":
        return any(node[1] in n for n in names)
    if op == "not":
        return not _eval(node[1], names)
    if op == "and":
        return _eval(node[1], names) and _eval(node[2], names)
    return _eval(node[1], names) or _eval(node[2], names)


def _error(expression: str, column: int | None, what: str) -> UsageError:
    where = f" at column {column + 1}" if column is not None else ""
    return UsageError(
        f"-k {expression!r}{where}: {what}",
        hint="write it as pytest does: words joined by and / or / not, with parentheses, e.g. -k 'latte and not cancel'",
    )

"""Reading V8 stacks: find the skill's own frame and hide wxreplay's internal ones."""

from __future__ import annotations

import re

# "    at fn (skills/coffee/apis/x.js:12:5)"  or  "    at skills/coffee/apis/x.js:12:5"
_FRAME = re.compile(r"^\s*at (?:.*? \()?(?P<file>[^()\s]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
_INTERNAL = ("wxreplay:", "<anonymous>", "native", "node:")


def user_frame(stack: str) -> tuple[str, int, int] | None:
    """The first frame that points into the skill's own files, as (file, line, column)."""
    for raw in stack.splitlines():
        m = _FRAME.match(raw)
        if m and not m.group("file").startswith(_INTERNAL):
            return m.group("file"), int(m.group("line")), int(m.group("col"))
    return None


def clean_stack(stack: str) -> str:
    """The stack without wxreplay's own frames, so users see only their code."""
    out = []
    for raw in stack.splitlines():
        m = _FRAME.match(raw)
        if m and m.group("file").startswith(("wxreplay:", "<anonymous>")):
            continue
        out.append(raw)
    return "\n".join(out)


_PARSE = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+): (?P<msg>[^\n]*)\n(?P<src>[^\n]*)\n(?P<caret>[ \t]*)\^", re.S)


def parse_syntax_error(text: str) -> tuple[str, int, int | None, str] | None:
    """Read mini-racer's parse error text ("file:line: SyntaxError: ...", source, caret)."""
    m = _PARSE.match(text)
    if not m:
        return None
    column = len(m.group("caret")) + 1
    return m.group("file"), int(m.group("line")), column, m.group("msg")

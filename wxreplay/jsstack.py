"""Reading V8 stacks: find the skill's own frame and hide wxreplay's internal ones."""

from __future__ import annotations

import re

# "    at fn (skills/coffee/apis/x.js:12:5)"  or  "    at skills/coffee/apis/x.js:12:5"
_FRAME = re.compile(r"^\s*at (?:.*? \()?(?P<file>[^()\s]+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
_INTERNAL = ("wxreplay:", "<anonymous>", "native", "node:")

#: What the runtime's ``require`` puts before a module's first line (runtime/js/modules.js, which
#: keeps the module's lines where they are): V8 counts a column of line 1 from the wrapper's start.
WRAPPER_PREFIX = "(function (exports, require, module, __filename, __dirname) {"


def user_frame(stack: str) -> tuple[str, int, int] | None:
    """The first frame that points into the skill's own files, as (file, line, column).

    Give it a stack :func:`clean_stack` has read: the columns of line 1 are the file's own there.
    """
    for raw in stack.splitlines():
        m = _FRAME.match(raw)
        if m and not m.group("file").startswith(_INTERNAL):
            return m.group("file"), int(m.group("line")), int(m.group("col"))
    return None


def clean_stack(stack: str) -> str:
    """The stack without wxreplay's own frames, so users see only their code, at the file's own columns.

    A skill file runs inside the module wrapper, on its first line: V8's columns of line 1 count the
    wrapper too (a minified, one-line file would point every error ~60 columns too far right).
    """
    out = []
    for raw in stack.splitlines():
        m = _FRAME.match(raw)
        if m and m.group("file").startswith(("wxreplay:", "<anonymous>")):
            continue
        if m and m.group("line") == "1" and not m.group("file").startswith(_INTERNAL):
            column = max(1, int(m.group("col")) - len(WRAPPER_PREFIX))
            raw = raw[: m.start("col")] + str(column) + raw[m.end("col") :]
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

"""Reading the JS side's error record (``{name, message, stack, code, syntaxFile, errMsg}``).

The API scheduler and the card host both turn that record into one of our errors; they read it the
same way here (message, code, the stack without wxreplay's frames, the skill's own frame, where a
syntax error is) and only choose their own error class and hints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wxreplay.findings import Finding
from wxreplay.jsstack import clean_stack, user_frame
from wxreplay.runtime.context import ExecutionContext

SYNTAX_HINT = "fix the syntax; wxreplay compiles each file exactly as the client does"
MODULE_NOT_FOUND_HINT = "check the path; requires are relative to the requiring file and cannot leave the subpackage"
WX_MISSING_HINT = "check the wx availability table (spec section 6): APIs missing from this context are undefined"
INTRINSIC_HINT = "remove the %Name(...) call: V8 intrinsics could crash the test process or read the real clock"
# Hints for codes either context's JS may put on a record; a caller's own hints come first.
_SHARED_CODE_HINTS = {"module-not-found": MODULE_NOT_FOUND_HINT, "intrinsic": INTRINSIC_HINT}


@dataclass(frozen=True)
class SyntaxLocation:
    """Where V8 reports a syntax error in a skill file, and its own message (when it gave one)."""

    file: str
    line: int | None
    column: int | None
    message: str | None


@dataclass(frozen=True)
class JsError:
    """One JS error record, read: what every error built from it shows."""

    message: str  # "Name: message"
    code: Any
    stack: str  # wxreplay's own frames removed
    frame: tuple[str, int | None, int | None] | None  # the first frame in the skill's files
    syntax: SyntaxLocation | None  # set when the record is a syntax error in a skill file

    @property
    def stack_suffix(self) -> str:
        """The stack's frames indented under the message, or "" when it has none."""
        return f"\n{indent_stack(self.stack)}" if self.stack and "\n" in self.stack else ""

    def syntax_message(self, what: str) -> str:
        """The message of a syntax error met while doing ``what``."""
        return f"JavaScript syntax error while {what}: {(self.syntax and self.syntax.message) or self.message}"

    def code_hint(self, own: Mapping[str, str]) -> str | None:
        """The hint for the record's ``code``: the caller's own hints first, then the shared ones."""
        if not isinstance(self.code, str):
            return None
        return own.get(self.code) or _SHARED_CODE_HINTS.get(self.code)

    @property
    def wx_missing(self) -> bool:
        """The skill called a ``wx`` API this context does not have."""
        return "is not a function" in self.message and "wx." in self.message


def error_message(err: Mapping[str, Any]) -> str:
    """``Name: message`` of a JS error record."""
    return f"{err.get('name', 'Error')}: {err.get('message', '')}"


def read_js_error(ctx: ExecutionContext, err: Mapping[str, Any], sources: Mapping[str, str]) -> JsError:
    """Read ``err`` as thrown in ``ctx``; a syntax error is located by compiling its file from ``sources``."""
    syntax = None
    if err.get("syntaxFile"):
        path = err["syntaxFile"]
        line, column, msg = ctx.locate_syntax_error(path, sources.get(path, ""))
        syntax = SyntaxLocation(path, line, column, msg)
    stack = clean_stack(err.get("stack") or "")
    frame: tuple[str, int | None, int | None] | None = user_frame(stack)
    if err.get("code") == "intrinsic" and err.get("file"):  # refused before it ran: no stack, the check says where
        frame = (str(err["file"]), err.get("line"), None)
    return JsError(error_message(err), err.get("code"), stack, frame, syntax)


def replaced_message(names: list[str]) -> str:
    """What to say when skill code replaced built-ins the harness and the platform rely on."""
    return "the skill replaced " + ", ".join(names) + " (built-ins the harness and the platform rely on)"


def tamper_note(ctx: ExecutionContext) -> str:
    """A line to add to an error from ``ctx`` when skill code replaced built-ins (they may be the cause)."""
    replaced = ctx.tampered()
    return f"\n  note: {replaced_message(replaced)}" if replaced else ""


def get_app_note(message: str, findings: Iterable[Finding]) -> tuple[str, str | None]:
    """A line to add to a JS error that reads a property of ``undefined`` after ``getApp()`` returned it.

    The ``getApp`` finding of the same step says where and why (a skill has no App instance, on
    the device too); the error itself is what the scenario report and the CLI show, so it says so
    too. Returns ``(note, hint)``, both empty when no ``getApp()`` ran in this step.
    """
    if "undefined" not in message:
        return "", None
    for f in findings:
        if f.code == "getApp":
            where = f" at {f.where}" if f.where else ""
            return f"\n  note: getApp() returned undefined{where} in this step: {f.message}", f.hint
    return "", None


def indent_stack(text: str) -> str:
    """The frames of a JS stack (its first line, the message, dropped), indented under a message."""
    return "\n".join("    " + ln.strip() for ln in text.splitlines()[1:] if ln.strip())

"""One exception tree for everything wxreplay reports to its users.

Every error a user can cause (a broken project file, a bad argument, a skill that throws) is a
``WxReplayError``: the CLI and the pytest plugin print ``str(error)`` and never a Python traceback.
Messages name the file (and line/column where known), show the bad value and end with the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class WxReplayError(Exception):
    """Base of every error wxreplay raises for a user-level problem."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  fix: {hint}")


class LocatedError(WxReplayError):
    """An error tied to a place in a file: ``file:line:column: message``, then the excerpt, then the fix.

    ``reason`` is the bare message, ``excerpt`` the numbered source lines with a caret (see
    :func:`wxreplay.source.excerpt`), if any, and ``message`` the two together.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.reason = message
        self.excerpt = excerpt
        if excerpt:
            message = f"{message}\n{excerpt}"
        where = ""
        if self.file is not None:
            where = self.file
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message, hint=hint)
        self.message = message


class ProjectError(LocatedError):
    """The Mini Program project or a skill package cannot be loaded (app.json, mcp.json, files)."""


class SkillLoadError(LocatedError):
    """The skill's JavaScript could not be loaded into V8 (syntax error, throw at load, no index.js)."""


class ApiCallError(LocatedError):
    """Calling an atomic API failed for a reason other than the API's own ``isError`` result."""

    def __init__(self, message: str, *, api: str | None = None, **kwargs: Any) -> None:
        self.api = api
        super().__init__(message, **kwargs)


class UnknownApiError(ApiCallError):
    """The API is not declared in mcp.json or not registered by index.js."""


class ArgumentsError(ApiCallError):
    """The call's arguments do not validate against the API's ``inputSchema``."""


class JSError(ApiCallError):
    """A JavaScript exception escaped the middleware chain or the handler.

    ``js_stack`` is V8's stack with module paths relative to the project root, so
    ``file``/``line`` point into the skill's own source.
    """

    def __init__(self, message: str, *, js_stack: str = "", **kwargs: Any) -> None:
        self.js_stack = js_stack
        super().__init__(message, **kwargs)


class CallTimeoutError(ApiCallError):
    """The API did not finish: 300 s chain timeout on the virtual clock or the wall-clock guard."""


class MemoryLimitError(ApiCallError):
    """The JavaScript heap of an execution context hit its hard memory limit."""


class ResultError(ApiCallError):
    """The API's result breaks the platform's return format or its 200 KB limits."""


class HostError(WxReplayError):
    """A ``wx`` host API was used in a way the simulated device cannot serve (e.g. nothing scripted)."""


class UsageError(WxReplayError):
    """A command-line or API argument is malformed (bad JSON, wrong type)."""


class TemplateError(LocatedError):
    """A card's WXML cannot be compiled: bad syntax, a tag or event cards forbid, a bad ``{{ }}``, a missing file."""


class CassetteError(LocatedError):
    """A cassette file cannot be read or written: corrupt, truncated, wrong version, or a secret left in it."""


class CassetteMissError(CassetteError):
    """In replay, the skill made a request (or host call) the cassette has no recording of.

    Nothing was sent: the call fails with this error, which names the API, the call ordinal, the
    request and the nearest recordings with what differs, and ends with the command that records it.
    """

    def __init__(
        self, message: str, *, api: str | None = None, ordinal: int | None = None, turn: int | None = None, **kwargs: Any
    ) -> None:
        self.api = api
        self.ordinal = ordinal
        self.turn = turn
        super().__init__(message, **kwargs)


class StaleCassetteError(CassetteError):
    """A recorded host outcome contradicts what the scenario (or the test's device) scripts now.

    The script is the truth in every mode; the cassette's HTTP was recorded under the old outcome,
    so the cassette is stale. The message names the script's line, the cassette's line and the
    command that re-records.
    """


class RecordingError(CassetteError):
    """A recording run could not get a true answer from the live service, so nothing is saved.

    Raised for a connection error, a DNS failure or a timeout while recording, and for a request
    that would carry a redaction placeholder (``<redacted:...>``) to the live service.
    """


class ScenarioError(LocatedError):
    """A scenario file is malformed or does not fit the project: located, with the YAML excerpt and the fix.

    ``str(error)`` is ``file:line:column: message``, then the excerpt (numbered lines with a caret),
    then ``fix: ...``. ``reason`` is the bare message and ``excerpt`` the numbered lines, if any.
    """

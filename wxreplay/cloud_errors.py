"""The error codes of ``wx.cloud`` failures (platform-spec addendum A2), shared by the host and the scenario parser.

A cloud API fails with an ``Error`` carrying ``errCode`` (a number) and ``errMsg``
(``"<apiName>:fail <message>"``). Every code wxreplay gives on its own is one of the documented
ones; a stub may choose any number, and one outside the documented list is used with a warning
(the device would never give it). A stub whose ``errCode`` is no number is refused where it is
written (``CloudState(...)``, a scenario's ``device.cloud``, ``--device``).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "DOCUMENTED_ERROR_CODES",
    "ERR_BAD_ARGUMENT",
    "ERR_BAD_ARGUMENT_TYPE",
    "ERR_DATABASE",
    "ERR_FUNCTION_FAILED",
    "ERR_RESOURCE_NOT_FOUND",
    "ERR_UNIVERSAL",
    "bad_error_codes",
    "is_documented_error_code",
    "is_error_code",
]

# Every code the harness gives itself is one of the documented ones; a stub may choose any number,
# but one outside this list gets a warning (the device would never give it).
ERR_UNIVERSAL = -1
ERR_BAD_ARGUMENT = -401002
ERR_BAD_ARGUMENT_TYPE = -401003
# The documented database range is -402001..-402011 (SDK errors); -402001 is "database request
# failed", the one that covers a query the database refuses. The backend's text (a missing
# collection, a missing document) stays in the message.
ERR_DATABASE = -402001
# A local function that raises: -404011 is the documented "cloud function execution failed", what
# the client reports when the function's own code throws on the server.
ERR_FUNCTION_FAILED = -404011
# A missing cloud function (and, by the same rule, a missing stored file: both are a cloud
# resource that is not there) is -501000, as seen in practice for a function name that is not found.
ERR_RESOURCE_NOT_FOUND = -501000

DOCUMENTED_ERROR_CODES = "-1, -401001..-401003, -402001..-402011, -403001, -404001..-404011, -501000..-501099"


def is_documented_error_code(code: Any) -> bool:
    """Whether ``code`` is a ``wx.cloud`` errCode the client documents (addendum A2)."""
    if not is_error_code(code) or code != int(code):
        return False
    c = int(code)
    return (
        c == -1
        or -401003 <= c <= -401001
        or -402011 <= c <= -402001
        or c == -403001
        or -404011 <= c <= -404001
        or -501099 <= c <= -501000
    )


def is_error_code(value: Any) -> bool:
    """Whether ``value`` can be an errCode at all: a finite number (``True`` is not one; JSON has no infinity)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def bad_error_codes(spec: Any) -> list[tuple[tuple[int, ...], Any]]:
    """The ``{"fail": ..., "errCode": x}`` entries of a stub (or a list of them) whose ``x`` is no number.

    Returned as (list index path, value): ``()`` for the stub itself, ``(2,)`` for its third entry.
    """
    entries: list[tuple[tuple[int, ...], Any]] = (
        [((i,), e) for i, e in enumerate(spec)] if isinstance(spec, list) else [((), spec)]
    )
    return [
        (where, entry["errCode"])
        for where, entry in entries
        if isinstance(entry, dict) and "fail" in entry and "errCode" in entry and not is_error_code(entry["errCode"])
    ]

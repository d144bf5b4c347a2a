"""Cassettes: record third-party HTTP and host calls once, replay them forever, with no secret leaking.

``Cassette.open(path, mode)`` plugs into a session with ``Session(project, cassette=cassette)``
(its ``transport(real)`` answers ``wx.request``, its ``interceptor`` the recorded host calls);
``save()`` writes what was recorded. ``use_cassette(path, mode)`` opens one for a ``with`` block
and saves it when the block ends without error.
"""

from wxreplay.cassette.matching import Matcher, MatchRules
from wxreplay.cassette.recorder import Cassette, use_cassette
from wxreplay.cassette.redact import RedactionRules, Redactor
from wxreplay.errors import CassetteError, CassetteMissError
from wxreplay.record_mode import RecordMode, resolve_mode

__all__ = [
    "Cassette",
    "CassetteError",
    "CassetteMissError",
    "MatchRules",
    "Matcher",
    "RecordMode",
    "RedactionRules",
    "Redactor",
    "resolve_mode",
    "use_cassette",
]

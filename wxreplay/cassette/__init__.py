"""Cassettes: record third-party HTTP and host calls once, replay them forever, with no secret leaking.

``Cassette.open(path, mode)`` gives a ``transport(real)`` for ``Session(transport=...)`` and an
``interceptor`` for ``Session(interceptors=[...])``; ``save()`` writes what was recorded.
``use_cassette(path, mode)`` does all three for a ``with`` block.
"""

from wxreplay.cassette.matching import Matcher, MatchRules
from wxreplay.cassette.modes import RecordMode, resolve_mode
from wxreplay.cassette.recorder import Cassette, use_cassette
from wxreplay.cassette.redact import RedactionRules, Redactor
from wxreplay.errors import CassetteError, CassetteMissError

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

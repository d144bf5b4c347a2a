"""The httpx transport of a cassette: answers ``wx.request`` from recordings, or records through a real transport.

It talks to the cassette through :class:`HttpRecordings`, the few methods it needs, so this module
sits below :mod:`wxreplay.cassette.recorder` (which builds the transport) instead of in a cycle with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from wxreplay.cassette import model
from wxreplay.errors import CassetteMissError, RecordingError
from wxreplay.network import network_transport


class HttpRecordings(Protocol):
    """What the transport needs of a cassette: look up, record, explain a miss, read side files."""

    @property
    def recording(self) -> bool:
        """Whether the record mode lets new traffic through to the real transport."""
        ...

    def http_live(self, request: httpx.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        """The request as a cassette entry (redacted) and the binary bodies it refers to."""
        ...

    def play(self, live: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded entry that answers ``live``, if any."""
        ...

    def record(self, entry: dict[str, Any], blobs: Mapping[str, bytes] | None = None) -> None:
        """Keep a new entry (and its binary bodies)."""
        ...

    def miss(self, live: dict[str, Any]) -> CassetteMissError:
        """The error for a request with no recording, naming the nearest ones."""
        ...

    def before_live(self, live: dict[str, Any]) -> None:
        """Raise when ``live`` must not be sent to the live service (it carries a placeholder)."""
        ...

    def recording_failed(self, live: dict[str, Any], error: Exception) -> RecordingError:
        """The error for a request the live service did not answer while recording."""
        ...

    def read_file(self, sha256: str) -> bytes:
        """A recorded binary body by its hash."""
        ...


class CassetteTransport(httpx.BaseTransport):
    """Replays what the cassette holds; records through ``real`` only when the record mode allows.

    In a replay-only mode no real transport is even created, so nothing can leave the process: a
    request without a recording raises ``CassetteMissError`` (not an httpx error, so it is not
    turned into a failed ``wx.request`` the skill could swallow; it fails the ``Session.call``).
    """

    def __init__(self, cassette: HttpRecordings, real: httpx.BaseTransport | None = None) -> None:
        self.cassette = cassette
        self._real = real

    @property
    def real(self) -> httpx.BaseTransport:
        if self._real is None:  # the network, under the network policy (allowed hosts while recording)
            self._real = network_transport(recording=True)
        return self._real

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        cassette = self.cassette
        live, blobs = cassette.http_live(request)
        hit = cassette.play(live)
        if hit is not None:
            return model.build_response(hit["response"], request, cassette.read_file)
        if not cassette.recording:
            raise cassette.miss(live)
        cassette.before_live(live)  # a placeholder never goes to a live service
        try:
            real = self.real.handle_request(request)
        except httpx.TransportError as e:
            # Not an httpx error any more: the skill cannot swallow it as a failed wx.request, and
            # a recording without the service's answer fails instead of passing on nothing.
            raise cassette.recording_failed(live, e) from None
        try:
            real.read()
            fields, blob = model.response_fields(real)
        finally:
            real.close()
        live["response"] = fields
        if blob is not None:
            blobs = {**blobs, fields["body"]["sha256"]: blob}
        cassette.record(live, blobs)
        # The skill sees exactly what a replay will give it (same headers, same body bytes).
        return model.build_response(fields, request, cassette.read_file)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()

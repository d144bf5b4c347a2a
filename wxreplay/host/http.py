"""``wx.request`` through httpx: the one seam where HTTP leaves (or, replayed, never leaves) us.

The transport is injectable: the real network, an in-process app (``httpx.WSGITransport``), or
the cassette layer's recording / replaying transports.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

from wxreplay.host.base import HostCall, HostOutcome
from wxreplay.host.netfail import connect_failure
from wxreplay.network import network_transport


class HttpHandler:
    """Answers ``request`` host calls with an httpx client on the given transport."""

    def __init__(self, transport: httpx.BaseTransport | None = None, *, max_bytes: int | None = None) -> None:
        # No transport: the network, under the network policy (the pytest plugin blocks it).
        real = transport if transport is not None else network_transport(recording=False)
        self.client = httpx.Client(transport=real, follow_redirects=True, trust_env=False)
        self.max_bytes = max_bytes  # SessionLimits.response_bytes: a body past it fails the request

    def close(self) -> None:
        self.client.close()

    def __call__(self, call: HostCall) -> HostOutcome:
        a: dict[str, Any] = call.args
        body: bytes | None = None
        if a.get("body") is not None:
            body = base64.b64decode(a["body"]) if a.get("bodyEncoding") == "base64" else str(a["body"]).encode("utf-8")
        timeout = max(float(a.get("timeout") or 60000) / 1000.0, 0.001)
        method, url = a["method"], _placeholders_escaped(a["url"])
        try:
            request = self.client.build_request(method, url, headers=a.get("header") or {}, content=body, timeout=timeout)
            resp = self.client.send(request, stream=True)
            try:
                too_big = self._read_bounded(resp)
            finally:
                resp.close()
            if too_big:
                return HostOutcome.fail(
                    "request",
                    f"response body larger than {self.max_bytes} bytes",
                    diagnostic=f"wx.request {method} {url}: the response body is larger than {self.max_bytes} bytes "
                    "(SessionLimits.response_bytes); the request fails",
                )
        except httpx.TimeoutException:
            return HostOutcome.fail("request", "timeout", diagnostic=f"wx.request {method} {url} timed out after {timeout:g} s")
        except httpx.ConnectError as e:
            # The skill sees the client's errMsg whatever the cause; the diagnostic says which it was.
            return HostOutcome.fail(
                "request",
                "errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED",
                diagnostic=connect_diagnostic(method, url, e),
            )
        except httpx.HTTPError as e:
            return HostOutcome.fail("request", str(e) or type(e).__name__, diagnostic=f"wx.request {method} {url} failed: {e!r}")
        return HostOutcome.success("request", response_value(resp))

    def _read_bounded(self, resp: httpx.Response) -> bool:
        """Read the body into ``resp`` unless it passes ``max_bytes``; True when it did (nothing kept)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if self.max_bytes is not None and size > self.max_bytes:
                return True
            chunks.append(chunk)
        resp._content = b"".join(chunks)  # what resp.read() would have set
        return False


def connect_diagnostic(method: str, url: str, error: httpx.ConnectError) -> str:
    """What a ``wx.request`` that could not connect (no cassette answering it) tells the user.

    A local host (this machine, a private network) is a service to start; an internet host is a
    third party that tests replay from a cassette rather than reach.
    """
    failure = connect_failure(error, httpx.URL(url))
    head = f"wx.request {method} {url} could not connect: {failure.what()}"
    if failure.local:
        if failure.kind == "dns":
            return f"{head}; check the host name in the skill's URL"
        return f"{head}; is the service at {failure.netloc} running?"
    running = f"; is the service at {failure.netloc} running?" if failure.kind == "refused" else ""
    return (
        f"{head}{running}. {failure.host} is an internet host: tests do not reach it, they replay its answers "
        "from a cassette: `wxreplay call|render ... --cassette FILE` (record FILE once, where the host is "
        "reachable, by adding `--record once`), or a scenario's cassette (`wxreplay run` replays it, "
        "`wxreplay run --record once` records it)"
    )


_PLACEHOLDER_HASH_RE = re.compile(r"(<redacted:[A-Za-z0-9_.-]+)#(\d+>)")


def _placeholders_escaped(url: str) -> str:
    """``url`` with the ``#`` of replayed secret placeholders (``<redacted:token#1>``) percent-encoded.

    In replay a skill puts the placeholder it was handed where the secret went, often into a query
    string; its ``#`` must not start the URL's fragment and cut the rest of the query off.
    """
    return _PLACEHOLDER_HASH_RE.sub(r"\1%23\2", url) if "<redacted:" in url else url


def response_value(resp: httpx.Response) -> dict[str, Any]:
    """The part of a response ``wx.request`` shows: status, headers as sent, body, cookies."""
    header: dict[str, str] = {}
    cookies: list[str] = []
    for raw_key, raw_value in resp.headers.raw:
        key, value = raw_key.decode("latin-1"), raw_value.decode("latin-1")
        if key.lower() == "set-cookie":
            cookies.append(value)
        header[key] = value if key not in header else header[key] + ", " + value
    content = resp.content
    try:
        data, encoding = content.decode("utf-8"), "text"
    except UnicodeDecodeError:
        data, encoding = base64.b64encode(content).decode("ascii"), "base64"
    return {"statusCode": resp.status_code, "header": header, "data": data, "dataEncoding": encoding, "cookies": cookies}

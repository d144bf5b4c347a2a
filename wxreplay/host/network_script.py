"""A scenario's scripted network failures (``device: network:``): offline, refused, unresolved, timed out.

A skill's "the service is down" branch is tested by *scripting* the failure, like a cancelled
payment, never by recording one: a real connection error while recording fails the run (nothing
true to record), and a scripted one is the same in every mode, needs no service and no cassette
entry. A request the script fails is answered here, before the transport, so it never reaches the
network or the cassette (an old recording of it is then reported unused).

The errMsgs are the ones the client's network stack (Cronet) gives for the same failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from wxreplay.host.base import Handler, HostCall, HostOutcome

FAILURES: dict[str, str] = {
    "refused": "errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED",
    "unresolved": "errcode:-105 cronet_error_code:-105 error_msg:net::ERR_NAME_NOT_RESOLVED",
    "timeout": "timeout",
}
OFFLINE = "errcode:-106 cronet_error_code:-106 error_msg:net::ERR_INTERNET_DISCONNECTED"

_WHAT = {
    "refused": "refuses the connection",
    "unresolved": "does not resolve",
    "timeout": "times out",
}


@dataclass(frozen=True)
class NetworkScript:
    """Which requests fail, and how. A target is a host (``api.example.com``, ``127.0.0.1:8765``) or a URL prefix.

    ``offline`` fails every request (and ``wx.getNetworkType`` says ``none``); otherwise a request
    whose URL matches a target of ``refused`` / ``unresolved`` / ``timeout`` fails that way, and
    every other request goes on to the transport (the service, or the cassette).
    """

    offline: bool = False
    refused: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    timeout: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkScript:
        """From the scenario's ``device.network`` mapping (already validated by the schema)."""
        return cls(
            offline=bool(data.get("offline", False)),
            **{kind: tuple(data.get(kind) or ()) for kind in FAILURES},
        )

    def failure_for(self, url: str) -> tuple[str, str] | None:
        """``(kind, matched target)`` when the script fails a request to ``url``, else ``None``."""
        if self.offline:
            return "offline", "offline"
        for kind in FAILURES:
            for target in getattr(self, kind):
                if matches(target, url):
                    return kind, target
        return None


def matches(target: str, url: str) -> bool:
    """Whether ``url`` is covered by ``target``: the same host (and port, when the target names one), or a URL prefix."""
    if "://" in target:
        return url.startswith(target)
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    host, _, port = target.partition(":")
    if parsed.host.lower() != host.lower():
        return False
    default_port = {"http": 80, "https": 443}.get(parsed.scheme)
    return not port or str(parsed.port or default_port) == port


def scripted_request(script: NetworkScript | None, transport: Handler) -> Handler:
    """``wx.request``: failed as ``script`` says, otherwise answered by ``transport``."""
    if script is None:
        return transport

    def handle(call: HostCall) -> HostOutcome:
        url = str(call.args.get("url", "")) if isinstance(call.args, dict) else ""
        failure = script.failure_for(url)
        if failure is None:
            return transport(call)
        kind, target = failure
        if kind == "offline":
            return HostOutcome.fail(
                "request", OFFLINE, diagnostic=f"wx.request {url} failed: the device is offline (device.network.offline)"
            )
        return HostOutcome.fail(
            "request",
            FAILURES[kind],
            diagnostic=f"wx.request {url} failed: the scenario scripts that {target} {_WHAT[kind]} (device.network.{kind})",
        )

    return handle


def network_type(script: NetworkScript | None, fallback: Handler) -> Handler:
    """``wx.getNetworkType``: ``none`` on an offline device; otherwise what the stubs say, as before."""

    def handle(call: HostCall) -> HostOutcome:
        if script is not None and script.offline:
            return HostOutcome.success("getNetworkType", {"networkType": "none"})
        return fallback(call)

    return handle

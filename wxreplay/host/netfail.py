"""Why a connection failed, in words: a host name that does not resolve, a refused connection, no route.

``wx.request`` (no cassette) and a recording both meet httpx's ``ConnectError`` for all of these, and
"is the service running?" is the wrong question for an internet host whose name does not resolve
on this machine. :func:`connect_failure` reads the OS error under httpx's and says which it was,
and whether the host is local (this machine or a private network: a service you start) or on the
internet (a third party a test should replay from a cassette).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass
from typing import Literal

import httpx

__all__ = ["ConnectFailure", "connect_failure", "is_local_host"]

FailureKind = Literal["dns", "refused", "unreachable", "other"]

# Words the resolver uses when the OS error itself is gone (a mocked ConnectError carries only text).
_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
)
_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


@dataclass(frozen=True)
class ConnectFailure:
    """A connection that failed: ``kind`` of failure, to ``host`` (``port``), ``local`` or on the internet."""

    kind: FailureKind
    host: str
    port: int | None
    local: bool

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host

    def what(self) -> str:
        """What happened, in a few words: ``the host name api.x.com does not resolve (DNS failure)``."""
        if self.kind == "dns":
            return f"the host name {self.host} does not resolve (DNS failure)"
        if self.kind == "refused":
            return f"{self.netloc} refused the connection (connection refused)"
        if self.kind == "unreachable":
            return f"{self.netloc} cannot be reached from this machine (no route to the network)"
        return f"the connection to {self.netloc} failed"


def is_local_host(host: str) -> bool:
    """Whether ``host`` is this machine or a private network (a service one starts), not an internet host."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith((".localhost", ".local", ".internal", ".lan")):
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return "." not in name  # a bare name (`myservice`) is a machine of the local network
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


def connect_failure(error: BaseException, url: httpx.URL) -> ConnectFailure:
    """The failure behind ``error`` (httpx's, with the OS error in its chain) for a request to ``url``."""
    return ConnectFailure(_kind(error), url.host, url.port, is_local_host(url.host))


def _kind(error: BaseException) -> FailureKind:
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "dns"
        if isinstance(cause, ConnectionRefusedError):
            return "refused"
        if isinstance(cause, OSError) and cause.errno in _UNREACHABLE:
            return "unreachable"
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if any(w in text for w in _DNS_WORDS):
        return "dns"
    if "refused" in text:
        return "refused"
    if "unreachable" in text:
        return "unreachable"
    return "other"

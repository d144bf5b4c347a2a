"""The network policy: whether ``wx.request`` may leave the process when no transport of the test answers it.

A session without a transport of its own (``Session(project)``, or a cassette that records) reaches
the network through :func:`network_transport`. The engine's default lets it through: ``wxreplay
call`` without a cassette is live on purpose, and says so. The pytest plugin sets a blocking
policy (like pytest-recording's ``--block-network``): outside recording nothing leaves the process,
and while recording only the allowed hosts are reached (any host when the list is empty). A blocked
request raises :class:`NetworkBlockedError`, which is not an httpx error: the skill cannot swallow it
as a failed ``wx.request`` and pass, the ``Session.call`` fails with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from wxreplay.errors import WxReplayError

__all__ = [
    "NetworkBlockedError",
    "NetworkPolicy",
    "network_policy",
    "network_transport",
    "policy_in_force",
    "set_network_policy",
]


class NetworkBlockedError(WxReplayError):
    """A request would have reached the network where the policy forbids it; nothing was sent."""


@dataclass(frozen=True)
class NetworkPolicy:
    """``blocked``: no request reaches the network outside recording. ``allowed_hosts``: the only hosts a recording
    may reach (``host`` or ``host:port``; empty: any). ``origin`` names who set it, ``hint`` how to lift the block,
    ``hosts_hint`` how to allow a host (``{host}`` is the refused ``host:port``)."""

    blocked: bool = False
    allowed_hosts: tuple[str, ...] = ()
    origin: str = ""
    hint: str = ""
    hosts_hint: str = ""

    def refusal(self, request: httpx.Request, *, recording: bool) -> tuple[str, str] | None:
        """Why ``request`` may not go out and how to allow it (``None``: it may)."""
        if recording:
            if not self.allowed_hosts:
                return None
            host, port = request.url.host, request.url.port
            names = {host, f"{host}:{port}"} if port is not None else {host}
            if names & set(self.allowed_hosts):
                return None
            allowed = ", ".join(self.allowed_hosts)
            why = f"recording may reach only the allowed hosts ({allowed}); {request.method} {request.url} was not sent"
            return why, self.hosts_hint.replace("{host}", request.url.netloc.decode("ascii"))
        if not self.blocked:
            return None
        return f"the network is blocked outside recording ({self.origin}); {request.method} {request.url} was not sent", self.hint


_POLICY = NetworkPolicy()


def network_policy() -> NetworkPolicy:
    """The policy in force."""
    return _POLICY


def set_network_policy(policy: NetworkPolicy) -> NetworkPolicy:
    """Put ``policy`` in force; returns the one it replaces (to restore it)."""
    global _POLICY
    previous, _POLICY = _POLICY, policy
    return previous


@contextlib.contextmanager
def policy_in_force(policy: NetworkPolicy) -> Iterator[None]:
    """``policy`` for the block, the previous one after it."""
    previous = set_network_policy(policy)
    try:
        yield
    finally:
        set_network_policy(previous)


class _GuardedTransport(httpx.BaseTransport):
    """The network, behind the policy read at each request (a session outlives no test, but the policy may change)."""

    def __init__(self, recording: bool) -> None:
        self.recording = recording
        self._real: httpx.HTTPTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = _POLICY
        refusal = policy.refusal(request, recording=self.recording)
        if refusal is not None:
            raise NetworkBlockedError(refusal[0], hint=refusal[1] or None)
        if self._real is None:
            self._real = httpx.HTTPTransport()
        return self._real.handle_request(request)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


def network_transport(*, recording: bool) -> httpx.BaseTransport:
    """The transport to the real network for a session (``recording``: a cassette records through it)."""
    return _GuardedTransport(recording)

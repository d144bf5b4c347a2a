"""Why a connection failed: DNS, refused, unreachable; local or internet host (``wxreplay.host.netfail``)."""

from __future__ import annotations

import errno
import socket

import httpx
import pytest

from wxreplay.host.http import connect_diagnostic
from wxreplay.host.netfail import connect_failure, is_local_host


def chained(os_error: BaseException) -> httpx.ConnectError:
    """httpx's ConnectError with the OS error under it, as httpcore raises it."""
    try:
        try:
            raise os_error
        except OSError as e:
            raise httpx.ConnectError(str(e)) from e
    except httpx.ConnectError as outer:
        return outer


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (chained(socket.gaierror(-2, "Name or service not known")), "dns"),
        (chained(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")), "refused"),
        (chained(OSError(errno.ENETUNREACH, "Network is unreachable")), "unreachable"),
        (chained(OSError(errno.EHOSTUNREACH, "No route to host")), "unreachable"),
        (httpx.ConnectError("[Errno -3] Temporary failure in name resolution"), "dns"),  # text only (a mock)
        (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
        (httpx.ConnectError("boom"), "other"),
    ],
)
def test_the_kind_of_failure(error: httpx.ConnectError, kind: str) -> None:
    assert connect_failure(error, httpx.URL("https://api.example.com/x")).kind == kind


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("10.0.0.8", True),
        ("192.168.1.20", True),
        ("printer.local", True),
        ("myservice", True),
        ("api.example.com", False),
        ("8.8.8.8", False),
        ("quotes.wild-shapes.invalid", False),
    ],
)
def test_local_or_internet(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_an_unreachable_internet_host_gets_the_cassette_hint_and_no_running_question() -> None:
    text = connect_diagnostic("GET", "https://api.example.com/v1", chained(OSError(errno.ENETUNREACH, "unreachable")))
    assert text.startswith(
        "wx.request GET https://api.example.com/v1 could not connect: api.example.com cannot be reached from this machine"
    )
    assert "api.example.com is an internet host" in text and "--cassette FILE" in text and "running" not in text


def test_a_local_name_that_does_not_resolve() -> None:
    text = connect_diagnostic("GET", "http://till.local:8080/menu", chained(socket.gaierror(-2, "Name or service not known")))
    assert text == (
        "wx.request GET http://till.local:8080/menu could not connect: the host name till.local does not resolve "
        "(DNS failure); check the host name in the skill's URL"
    )

"""The ``wx_http`` fixture: a respx router that answers a test's ``wx.request`` calls in-process.

A test that asks for ``wx_http`` defines routes on it (``wx_http.get(url).mock(...)``) and the
``wx_session`` fixture sends ``wx.request`` to the router instead of to a cassette: no service
runs, nothing is recorded, and faults are one line each (a status code, a timeout, a refused
connection, a malformed body). A request that matches no route fails the test, naming it.

respx is a dependency of wxreplay (the fixture is for users' tests); it and httpx are imported only
when a test uses the fixture, so pytest runs that never do pay nothing for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import httpx
    import respx


def router_transport(router: respx.MockRouter) -> httpx.MockTransport:
    """An httpx transport answered by ``router``, for ``Session(project, transport=...)``.

    A request no route matches raises an ``AssertionError`` naming its method and URL and how to
    add a route for it (respx's own message names only the request).
    """
    import httpx
    from respx.models import AllMockedAssertionError

    def handle(request: httpx.Request) -> httpx.Response:
        try:
            return router.handler(request)
        except AllMockedAssertionError:
            raise AssertionError(
                f"wx_http: no route matches wx.request {request.method} {request.url}; add one, e.g. "
                f'wx_http.{request.method.lower()}("{request.url.copy_with(query=None)}")'
                ".mock(return_value=httpx.Response(200, json={...}))"
            ) from None

    return httpx.MockTransport(handle)


@pytest.fixture
def wx_http() -> respx.MockRouter:
    """A respx router answering this test's ``wx.request`` calls (``wx_session`` uses it instead of a cassette).

    Define routes before the call that needs them, and inject faults with respx's own means::

        wx_http.get("https://api.example.com/menu").mock(return_value=httpx.Response(200, json=[...]))
        wx_http.post("https://api.example.com/order").mock(return_value=httpx.Response(503))      # a status
        wx_http.get("https://api.example.com/slow").mock(side_effect=httpx.TimeoutException)      # a timeout
        wx_http.get("https://down.example.com/x").mock(side_effect=httpx.ConnectError)            # refused
        wx_http.get("https://api.example.com/bad").mock(return_value=httpx.Response(200, text="{"))  # malformed

    ``wx_http.calls`` (and each route's ``.calls``) holds the requests that were sent. A request no
    route matches fails the test with its method and URL. Outside ``wx_session``, pass
    ``router_transport(wx_http)`` (from :mod:`wxreplay.plugin_http`) as ``Session(transport=...)``.
    """
    import respx

    # Unused routes are not an error: a test may define a service's routes once and call a few.
    return respx.MockRouter(assert_all_called=False, assert_all_mocked=True)

"""The wx_http fixture as a user meets it: a respx router answering wx_session's wx.request calls."""

from __future__ import annotations

import json

import pytest
from plugin_support import FILES, MCP, write

FETCH_MENU = {
    "name": "fetchMenu",
    "description": "读取菜单（业务对象：菜单）",
    "inputSchema": {"type": "object", "properties": {"url": {"type": "string"}}},
}

# The cafe skill plus one API that calls wx.request and shows what came back (or how it failed).
HTTP_FILES = {
    "cafe/skills/cafe/mcp.json": json.dumps({**MCP, "apis": [*MCP["apis"], FETCH_MENU]}, ensure_ascii=False),
    "cafe/skills/cafe/index.js": FILES["skills/cafe/index.js"]
    + """\
        skill.registerAPI('fetchMenu', async ({ url }) => {
          try {
            const r = await wx.request({ url, timeout: 2000 })
            const text = 'HTTP ' + r.statusCode
            return { content: [{ type: 'text', text }], structuredContent: { statusCode: r.statusCode, data: r.data } }
          } catch (e) {
            return { content: [{ type: 'text', text: e.errMsg }], structuredContent: { errMsg: e.errMsg } }
          }
        })
        """,
}

USER_TESTS = """
    import httpx
    import pytest

    from wxreplay import Session
    from wxreplay.plugin_http import router_transport

    MENU = "https://api.example.com/menu"


    def test_a_route_answers(wx_session, wx_http):
        route = wx_http.get(MENU).mock(return_value=httpx.Response(200, json=[{"name": "拿铁", "price": 28}]))
        result = wx_session.call("fetchMenu", {"url": MENU})
        assert result.structured_content == {"statusCode": 200, "data": [{"name": "拿铁", "price": 28}]}
        assert route.call_count == 1 and str(route.calls.last.request.url) == MENU


    @pytest.mark.parametrize("fault, seen", [
        ({"return_value": httpx.Response(503, json={"error": "busy"})}, {"statusCode": 503, "data": {"error": "busy"}}),
        ({"side_effect": httpx.TimeoutException}, {"errMsg": "request:fail timeout"}),
        ({"side_effect": httpx.ConnectError},
         {"errMsg": "request:fail errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED"}),
        ({"return_value": httpx.Response(200, text='{"name": ', headers={"content-type": "application/json"})},
         {"statusCode": 200, "data": '{"name": '}),
    ], ids=["status", "timeout", "connection-error", "malformed-body"])
    def test_a_fault(wx_session, wx_http, fault, seen):
        wx_http.get(MENU).mock(**fault)
        assert wx_session.call("fetchMenu", {"url": MENU}).structured_content == seen


    def test_with_a_session_of_its_own(wx_project, wx_http):
        wx_http.get(MENU).mock(return_value=httpx.Response(200, json=[]))
        with Session(wx_project, transport=router_transport(wx_http)) as session:
            assert session.call("fetchMenu", {"url": MENU}).structured_content == {"statusCode": 200, "data": []}


    def test_an_unrouted_request(wx_session, wx_http):
        wx_http.get(MENU).mock(return_value=httpx.Response(200, json=[]))
        wx_session.call("fetchMenu", {"url": "https://api.example.com/specials?day=1"})
"""


@pytest.fixture
def http_cafe(cafe: pytest.Pytester) -> pytest.Pytester:
    """The mini-cafe with a ``fetchMenu`` API and the user's test file ``test_menu.py``."""
    write(cafe.path, HTTP_FILES)
    cafe.makepyfile(test_menu=USER_TESTS)
    return cafe


def test_wx_http_is_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["wx_http*", "*A respx router answering this test's ``wx.request`` calls*"])


def test_routes_and_faults_answer_wx_request_without_a_cassette(http_cafe: pytest.Pytester) -> None:
    result = http_cafe.runpytest("test_menu.py", "-k", "not unrouted", "-v")
    result.assert_outcomes(passed=6, deselected=1)
    result.stdout.fnmatch_lines_random(
        [f"*test_a_fault?{case}? PASSED*" for case in ("status", "timeout", "connection-error", "malformed-body")]
    )
    assert not (http_cafe.path / "cassettes").exists()  # the router replaced the cassette: nothing recorded


def test_a_request_no_route_matches_fails_naming_it(http_cafe: pytest.Pytester) -> None:
    result = http_cafe.runpytest("test_menu.py", "-k", "unrouted")
    result.assert_outcomes(failed=1, deselected=6)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: wx_http: no route matches wx.request GET https://api.example.com/specials?day=1; add one, e.g. "
            'wx_http.get("https://api.example.com/specials").mock(return_value=httpx.Response(200, json={...}))*',
        ]
    )

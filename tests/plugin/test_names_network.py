"""Python tests' cassettes (named by module path, overridable like pytest-recording's) and the blocked network."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from plugin_support import FILES, MCP, write

FETCH = {
    "name": "fetchMenu",
    "description": "读取菜单（业务对象：菜单）",
    "inputSchema": {"type": "object", "properties": {"url": {"type": "string"}}},
}
HTTP_FILES = {
    "cafe/skills/cafe/mcp.json": json.dumps({**MCP, "apis": [*MCP["apis"], FETCH]}, ensure_ascii=False),
    "cafe/skills/cafe/index.js": FILES["skills/cafe/index.js"]
    + """\
        skill.registerAPI('fetchMenu', async ({ url }) => {
          try {
            const r = await wx.request({ url, timeout: 2000 })
            return { content: [{ type: 'text', text: 'HTTP ' + r.statusCode }], structuredContent: { data: r.data } }
          } catch (e) {
            return { content: [{ type: 'text', text: e.errMsg }], structuredContent: { errMsg: e.errMsg } }
          }
        })
        """,
}


class _Menu(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Menu.hits.append(self.path)
        body = json.dumps({"path": self.path.split("?")[0], "菜单": ["拿铁"]}, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def service() -> Iterator[str]:
    """A real HTTP service on a free port of 127.0.0.1; ``_Menu.hits`` lists the paths it was asked for."""
    _Menu.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Menu)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_cafe(cafe: pytest.Pytester) -> pytest.Pytester:
    write(cafe.path, HTTP_FILES)
    return cafe


MODULE = """
    def test_x(wx_session):
        assert wx_session.call("fetchMenu", {{"url": "{base}/{which}"}}).structured_content["data"]["path"] == "/{which}"
"""


def test_same_named_modules_in_two_folders_get_two_cassettes(http_cafe: pytest.Pytester, service: str) -> None:
    for which in ("a", "b"):
        write(
            http_cafe.path,
            {f"tests/{which}/__init__.py": "", f"tests/{which}/test_menu.py": MODULE.format(base=service, which=which)},
        )
    write(http_cafe.path, {"tests/__init__.py": ""})
    http_cafe.runpytest("tests", "--wx-record", "once").assert_outcomes(passed=2)
    for which in ("a", "b"):  # cassettes/<module path from the rootdir>/<test>.yaml
        cassette = http_cafe.path / "cassettes" / "tests" / which / "test_menu" / "test_x.yaml"
        assert f"path: /{which}\n" in cassette.read_text(encoding="utf-8")
    assert sorted(_Menu.hits) == ["/a", "/b"]
    http_cafe.runpytest("tests").assert_outcomes(passed=2)  # each replays its own
    assert len(_Menu.hits) == 2


OVERRIDES = """
    import pytest, time

    @pytest.fixture
    def wx_cassette_name():
        return "shared/menu"

    @pytest.fixture
    def wx_config():
        return {{"ignore": ["query.ts"]}}

    def test_menu(wx_session):
        url = "{base}/menu?ts=" + str(time.time_ns())  # a new query each run: matched only because it is ignored
        assert wx_session.call("fetchMenu", {{"url": url}}).structured_content["data"]["path"] == "/menu"
"""


def test_cassette_name_and_match_rules_are_fixtures_to_override(http_cafe: pytest.Pytester, service: str) -> None:
    http_cafe.makepyfile(test_menu=OVERRIDES.format(base=service))
    http_cafe.runpytest("test_menu.py", "--wx-record", "once").assert_outcomes(passed=1)
    assert (http_cafe.path / "cassettes" / "shared" / "menu.yaml").is_file()
    http_cafe.runpytest("test_menu.py").assert_outcomes(passed=1)
    assert len(_Menu.hits) == 1  # the replay sent nothing


def test_an_unknown_wx_config_key_is_named(http_cafe: pytest.Pytester) -> None:
    http_cafe.makepyfile(
        test_menu="import pytest\n@pytest.fixture\ndef wx_config():\n    return {'ignored': []}\n"
        "def test_x(wx_session):\n    pass\n"
    )
    result = http_cafe.runpytest("test_menu.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*wx_config: unknown key(s) ignored; known: match, ignore, matchers, allowed_hosts*"])


OWN_SESSION = """
    from wxreplay import Session

    def test_live(wx_project):
        with Session(wx_project) as s:
            s.call("fetchMenu", {{"url": "{base}/live"}})
"""


def test_a_session_without_cassette_reaches_no_network_under_pytest(http_cafe: pytest.Pytester, service: str) -> None:
    http_cafe.makepyfile(test_live=OWN_SESSION.format(base=service))
    result = http_cafe.runpytest("test_live.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*NetworkBlockedError: the network is blocked outside recording*GET {service}/live was not sent*",
            "*--wx-allow-network*",
        ]
    )
    assert _Menu.hits == []  # nothing left the process, and the skill could not swallow it as a failed request
    http_cafe.runpytest("test_live.py", "--wx-allow-network").assert_outcomes(passed=1)
    assert _Menu.hits == ["/live"]


def test_recording_reaches_only_the_allowed_hosts(http_cafe: pytest.Pytester, service: str) -> None:
    http_cafe.makepyfile(test_menu=MODULE.format(base=service, which="a"))
    result = http_cafe.runpytest("test_menu.py", "--wx-record", "once", "--wx-allowed-hosts", "api.example.com")
    result.assert_outcomes(failed=1)
    port = service.rsplit(":", 1)[1]
    result.stdout.fnmatch_lines(
        [
            "*recording may reach only the allowed hosts (api.example.com)*",
            f"*fix: add 127.0.0.1:{port} to --wx-allowed-hosts (ini: wxreplay_allowed_hosts)*",
        ]
    )
    assert _Menu.hits == [] and not (http_cafe.path / "cassettes").exists()
    http_cafe.runpytest(
        "test_menu.py", "--wx-record", "once", "--wx-allowed-hosts", f"api.example.com, 127.0.0.1:{port}"
    ).assert_outcomes(passed=1)
    assert _Menu.hits == ["/a"]

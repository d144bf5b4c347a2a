"""The ``wx`` object of the atomic API context: availability and the simulated device's host APIs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from wxreplay import Device, Project, Session
from wxreplay.errors import JSError
from wxreplay.host import availability
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import Handler, HostCall, HostOutcome

Opener = Callable[..., Session]

# ---- availability -------------------------------------------------------------------------------

TYPEOF = {
    "showToast": "undefined",
    "hideToast": "undefined",
    "navigateTo": "undefined",
    "showModal": "undefined",
    "openLocation": "undefined",
    "chooseMedia": "undefined",
    "makePhoneCall": "undefined",
    "scanCode": "undefined",
    "getUserProfile": "undefined",
    "setClipboardData": "undefined",
    "request": "function",
    "login": "function",
    "checkSession": "function",
    "getLocation": "function",
    "getFuzzyLocation": "function",
    "setStorageSync": "function",
    "getStorage": "function",
    "getSystemInfoSync": "function",
    "getWindowInfo": "function",
    "getAccountInfoSync": "function",
    "getNetworkType": "function",
    "getPhoneNumber": "function",
    "requestPayment": "function",
    "onNetworkStatusChange": "function",
    "env": "object",
}


@pytest.fixture(scope="module")
def wx_probe(probe_project: Callable[..., Project]) -> Project:
    """A probe skill with a generic ``typeof`` reader and a few single-purpose handlers."""
    return probe_project(
        {
            "typeofs": "async (a) => ({ content: [], "
            "structuredContent: Object.fromEntries(a.names.map((n) => [n, typeof wx[n]])) })",
            "toast": "async () => { wx.showToast({ title: 'hi' }); return { content: [] } }",
            "call": "async (a) => { try { return { content: [], structuredContent: { ok: await wx[a.name](a.args || {}) } } }"
            " catch (e) { return { content: [], structuredContent: { fail: e } } } }",
            "mutateInfo": "async () => { wx.getWindowInfo().safeArea.top = 999;"
            " return { content: [], structuredContent: { top: wx.getWindowInfo().safeArea.top } } }",
        }
    )


def test_api_context_follows_the_availability_table(wx_probe: Project, open_session: Opener) -> None:
    r = open_session(wx_probe).call("typeofs", {"names": list(TYPEOF)})
    assert r.structured_content == TYPEOF
    unavailable = sorted(f.message.split(" ")[0] for f in r.findings if f.code == "unavailable-wx-api")
    assert unavailable == sorted(f"wx.{n}" for n, t in TYPEOF.items() if t == "undefined")  # one finding per name
    assert all(f.level == "warning" and f.api == "typeofs" and "atomic API context" in f.message for f in r.findings)


def test_calling_an_unavailable_api_is_a_js_error_with_the_hint(wx_probe: Project, open_session: Opener) -> None:
    with pytest.raises(JSError) as info:
        open_session(wx_probe).call("toast")
    err = info.value
    assert "wx.showToast is not a function" in str(err)
    assert err.file == "skills/probe/index.js" and err.line == 3
    assert "availability table" in (err.hint or "")


@pytest.mark.parametrize(
    "kind, present, absent",
    [
        (
            ContextKind.CARD,
            ["showToast", "requestPayment", "setStorageSync", "getWindowInfo"],
            ["request", "login", "getLocation"],
        ),
        (ContextKind.DYNAMIC, ["request", "login", "checkSession", "showToast"], ["getLocation", "cloud", "getPhoneNumber"]),
        (ContextKind.API, ["request", "cloud", "getLocation", "requestPayment"], ["showToast", "openLocation", "navigateTo"]),
    ],
)
def test_availability_per_context(kind: ContextKind, present: list[str], absent: list[str]) -> None:
    names = set(availability.available(kind))
    assert set(present) <= names and not set(absent) & names
    assert availability.timers_allowed(kind) is (kind is not ContextKind.CARD)


# ---- wx.request ---------------------------------------------------------------------------------


def echo(request: httpx.Request) -> httpx.Response:
    """What the service was sent, as JSON (with a cookie, for the cookie test)."""
    return httpx.Response(
        200,
        json={
            "method": request.method,
            "query": request.url.query.decode(),
            "contentType": request.headers.get("content-type"),
            "body": request.content.decode(),
            "token": request.headers.get("x-token"),
        },
        headers={"set-cookie": "sid=1; Path=/"},
    )


@pytest.fixture
def service() -> respx.MockRouter:
    """A fresh in-process HTTP service: a respx router that remembers what it was sent (``service.calls``)."""
    router = respx.MockRouter(assert_all_called=False)
    router.route(path="/v1/now", name="weather").mock(return_value=httpx.Response(200, json={"temperature": 3.46, "text": "晴"}))
    router.route(path="/text").mock(
        return_value=httpx.Response(200, text="hello 世界", headers={"content-type": "text/plain; charset=utf-8"})
    )
    router.route(path="/bytes").mock(return_value=httpx.Response(200, content=bytes([0, 1, 254, 255])))
    router.route(path="/boom").mock(return_value=httpx.Response(500, json={"error": "internal"}))
    router.route().mock(side_effect=echo)  # every other path: routes match in order, this one last
    return router


def test_callback_style_request(legacy_project: Project, open_session: Opener, service: respx.MockRouter) -> None:
    r = open_session(legacy_project, transport=httpx.MockTransport(service.handler)).call("getWeather", {"city": "北京"})
    assert not r.is_error
    assert r.structured_content == {
        "city": "北京",
        "code": "101010100",
        "temperature": 3.46,
        "text": "晴",
        "display": "北京 3.5°C 晴",
    }
    assert r.handoff == {"query": "city=101010100", "url": "/pages/weather/index?city=101010100"}
    assert [str(call.request.url) for call in service.calls] == ["https://weather.example.com/v1/now?city=101010100&lang=zh"]
    (event,) = r.host_events
    assert (event.name, event.context, event.api, event.ok) == ("request", "api", "getWeather", True)
    assert event.args["url"] == "https://weather.example.com/v1/now?city=101010100&lang=zh" and event.args["method"] == "GET"
    assert event.outcome["statusCode"] == 200 and json.loads(event.outcome["data"]) == {"temperature": 3.46, "text": "晴"}
    assert [line.text for line in r.logs] == ["[ai-mode] weather request complete for 101010100"]  # complete() ran


def test_status_500_still_calls_success(legacy_project: Project, open_session: Opener, service: respx.MockRouter) -> None:
    service.routes["weather"].return_value = httpx.Response(500, json={"error": "upstream broke"})
    r = open_session(legacy_project, transport=httpx.MockTransport(service.handler)).call("getWeather", {"city": "shanghai"})
    assert r.is_error and r.text.startswith("上海天气服务返回 HTTP 500")
    assert r.meta == {"statusCode": 500, "body": {"error": "upstream broke"}}
    assert r.host_events[0].ok is True  # the request itself succeeded


def test_connection_refused_calls_fail_with_a_finding(
    legacy_project: Project, open_session: Opener, service: respx.MockRouter
) -> None:
    service.routes["weather"].side_effect = httpx.ConnectError("[Errno 111] Connection refused")
    r = open_session(legacy_project, transport=httpx.MockTransport(service.handler)).call("getWeather", {"city": "深圳"})
    assert r.is_error
    assert "request:fail errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED" in r.text
    (event,) = r.host_events
    assert event.ok is False and event.outcome["errMsg"].startswith("request:fail")
    (finding,) = [f for f in r.findings if f.code == "host"]
    assert "could not connect" in finding.message and "weather.example.com" in finding.message
    assert "running" in finding.message
    assert r.logs[-1].text == "[ai-mode] weather request complete for 101280601"


REQUESTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "GET data becomes the query": (
        {"url": "https://api.example.com/q", "data": {"q": "拿铁", "n": 2, "obj": {"a": 1}}},
        {
            "statusCode": 200,
            "data": {
                "method": "GET",
                "query": "q=%E6%8B%BF%E9%93%81&n=2&obj=%7B%22a%22%3A1%7D",
                "contentType": None,
                "body": "",
                "token": None,
            },
        },
    ),
    "GET appends to an existing query": (
        {"url": "https://api.example.com/q?x=1", "data": {"y": "a b"}},
        {"statusCode": 200, "data": {"method": "GET", "query": "x=1&y=a%20b", "contentType": None, "body": "", "token": None}},
    ),
    "POST object is JSON": (
        {
            "url": "https://api.example.com/p",
            "method": "post",
            "data": {"drinkId": 101, "specs": {"sugar": "less"}},
            "header": {"X-Token": "t1"},
        },
        {
            "statusCode": 200,
            "data": {
                "method": "POST",
                "query": "",
                "contentType": "application/json",
                "body": '{"drinkId":101,"specs":{"sugar":"less"}}',
                "token": "t1",
            },
        },
    ),
    "POST form-urlencoded": (
        {
            "url": "https://api.example.com/p",
            "method": "POST",
            "data": {"a": 1, "b": "x y&z"},
            "header": {"content-type": "application/x-www-form-urlencoded"},
        },
        {
            "statusCode": 200,
            "data": {
                "method": "POST",
                "query": "",
                "contentType": "application/x-www-form-urlencoded",
                "body": "a=1&b=x%20y%26z",
                "token": None,
            },
        },
    ),
    "PUT string body": (
        {"url": "https://api.example.com/p", "method": "PUT", "data": "raw text"},
        {
            "statusCode": 200,
            "data": {"method": "PUT", "query": "", "contentType": "application/json", "body": "raw text", "token": None},
        },
    ),
    "non-JSON response stays text": ({"url": "https://api.example.com/text"}, {"statusCode": 200, "data": "hello 世界"}),
    "dataType text keeps JSON as a string": (
        {"url": "https://api.example.com/boom", "dataType": "text"},
        {"statusCode": 500, "data": '{"error":"internal"}'},
    ),
    "status 500 resolves": ({"url": "https://api.example.com/boom"}, {"statusCode": 500, "data": {"error": "internal"}}),
    "arraybuffer response": (
        {"url": "https://api.example.com/bytes", "responseType": "arraybuffer"},
        {"statusCode": 200, "data": {"bytes": [0, 1, 254, 255]}},
    ),
}

REQUEST_HANDLER = """async (a) => {
  try {
    const r = await wx.request(a.req)
    const data = r.data instanceof ArrayBuffer ? { bytes: Array.from(new Uint8Array(r.data)) } : r.data
    return { content: [], structuredContent: { statusCode: r.statusCode, data, errMsg: r.errMsg, cookies: r.cookies } }
  } catch (e) { return { content: [], structuredContent: { fail: e } } }
}"""


@pytest.fixture(scope="module")
def request_probe(probe_project: Callable[..., Project]) -> Project:
    """A probe skill calling wx.request Promise-style with the arguments it is given."""
    return probe_project(
        {
            "req": REQUEST_HANDLER,
            "binary": "async () => { const echo = async (data) => (await wx.request({ url: 'https://api.example.com/p',"
            " method: 'POST', data, header: { 'content-type': 'application/octet-stream' } })).data.body;"
            " return { content: [], structuredContent: { buffer: await echo(new Uint8Array([104, 105]).buffer),"
            " view: await echo(new Uint8Array([0, 111, 107, 0]).subarray(1, 3)) } } }",
            "abort": "async () => new Promise((resolve) => { const t = wx.request({ url: 'https://api.example.com/x',"
            " success: () => resolve({ content: [{ type: 'text', text: 'success' }] }),"
            " fail: (e) => resolve({ content: [{ type: 'text', text: e.errMsg }] }) }); t.abort() })",
        }
    )


@pytest.mark.parametrize("req, expected", REQUESTS.values(), ids=REQUESTS.keys())
def test_promise_style_request(
    request_probe: Project, open_session: Opener, service: respx.MockRouter, req: dict[str, Any], expected: dict[str, Any]
) -> None:
    r = open_session(request_probe, transport=httpx.MockTransport(service.handler)).call("req", {"req": req})
    sc = r.structured_content
    assert sc["errMsg"] == "request:ok"
    assert {"statusCode": sc["statusCode"], "data": sc["data"]} == expected
    (event,) = r.host_events
    assert event.name == "request" and event.ok is True and event.args["method"] == req.get("method", "GET").upper()


def test_request_cookies_and_headers(request_probe: Project, open_session: Opener, service: respx.MockRouter) -> None:
    r = open_session(request_probe, transport=httpx.MockTransport(service.handler)).call(
        "req", {"req": {"url": "https://api.example.com/c"}}
    )
    assert r.structured_content["cookies"] == ["sid=1; Path=/"]
    assert r.host_events[0].outcome["header"]["set-cookie"] == "sid=1; Path=/"


@pytest.mark.parametrize("url", ["ftp://x.example.com/a", "/relative/path", None])
def test_request_with_a_bad_url_fails_without_touching_the_network(
    request_probe: Project, open_session: Opener, service: respx.MockRouter, url: str | None
) -> None:
    r = open_session(request_probe, transport=httpx.MockTransport(service.handler)).call("req", {"req": {"url": url}})
    assert r.structured_content["fail"]["errMsg"].startswith("request:fail invalid url")
    assert not service.calls and r.host_events == []


def test_binary_request_body(request_probe: Project, open_session: Opener, service: respx.MockRouter) -> None:
    r = open_session(request_probe, transport=httpx.MockTransport(service.handler)).call("binary")
    assert r.structured_content == {"buffer": "hi", "view": "ok"}  # a view sends its own bytes, not its whole buffer
    assert [e.args["bodyEncoding"] for e in r.host_events] == ["base64", "base64"]


def test_request_abort(request_probe: Project, open_session: Opener, service: respx.MockRouter) -> None:
    r = open_session(request_probe, transport=httpx.MockTransport(service.handler)).call("abort")
    assert r.text == "request:fail abort"


# ---- login, payment, location, phone ------------------------------------------------------------


def test_login_and_check_session(notes_project: Project, open_session: Opener) -> None:
    device = Device()
    r = open_session(notes_project, device=device).call("signIn")
    code = r.structured_content["code"]
    assert len(code) == 32 and code.startswith("0c3") and r.structured_content["sessionValid"] is True
    calls = [(e.name, e.ok) for e in r.host_events if not e.name.endswith("StorageSync")]
    assert calls == [("login", True), ("checkSession", True)]
    assert r.host_events[0].outcome == {"code": code, "errMsg": "login:ok"}
    assert device.get_storage()["notes:token"] == "tok-" + code[:8]
    # deterministic: a fresh device with the same seed gets the same code; every later login a new one
    assert open_session(notes_project).call("signIn").structured_content["code"] == code
    again = open_session(notes_project, device=device)
    codes = [again.call("signIn").structured_content["code"] for _ in range(2)]
    assert len({code, *codes}) == 3


def test_scripted_login_code_and_expired_session(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project, device=Device(login_code="code-abc", session_valid=False)).call("signIn")
    assert r.structured_content == {"code": "code-abc", "sessionValid": False}
    assert [e.outcome for e in r.host_events if e.name == "checkSession"] == [{"errMsg": "checkSession:fail session expired"}]


def test_login_failure(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project, device=Device(login_fail="system error")).call("signIn")
    assert r.is_error and r.text == "登录失败（login:fail system error）。请让用户稍后重试。"


def test_payment_outcomes_are_played_in_order(notes_project: Project, open_session: Opener) -> None:
    device = Device(payments=["success", "cancel", "fail", {"outcome": "fail", "errMsg": "requestPayment:fail 余额不足"}])
    s = open_session(notes_project, device=device)
    results = [s.call("buyPremium", {"plan": "month"}) for _ in range(5)]
    assert [r.is_error for r in results] == [False, True, True, True, False]  # the script ran out: success
    assert results[0].structured_content["errMsg"] == "requestPayment:ok"
    assert results[1].text.startswith("用户取消了支付")
    assert results[1].meta == {"errMsg": "requestPayment:fail cancel", "cancelled": True}
    assert results[2].meta == {"errMsg": "requestPayment:fail system error", "cancelled": False}
    assert results[3].meta["errMsg"] == "requestPayment:fail 余额不足"
    for r in results:
        warnings = [f for f in r.findings if f.code == "api-context-warning"]
        assert len(warnings) == 1 and warnings[0].api == "buyPremium" and warnings[0].level == "warning"
        assert warnings[0].message.startswith("wx.requestPayment is called in an atomic API")
        pay = [e for e in r.host_events if e.name == "requestPayment"]
        assert len(pay) == 1 and set(pay[0].args) == {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert device.get_storage()["notes:premium"]["plan"] == "month"


# One wx API called through the probe on a scripted device: (the Device's arguments, the API, its
# arguments, what the skill got, the words of the one "host" finding it raises or None for none).
PROBED_CALLS: dict[str, tuple[dict[str, Any], str, dict[str, Any], dict[str, Any], list[str] | None]] = {
    "payment without its parameters": (
        {},
        "requestPayment",
        {"package": "prepay_id=1"},
        {"fail": {"errMsg": "requestPayment:fail parameter error: timeStamp, nonceStr, paySign missing"}},
        ["prepay order"],
    ),
    "fuzzy location": (
        {"location": {"latitude": 39.908823, "longitude": 116.39747}},
        "getFuzzyLocation",
        {},
        {"ok": {"latitude": 39.91, "longitude": 116.4, "errMsg": "getFuzzyLocation:ok"}},
        None,
    ),
    "fuzzy location denied": (
        {"location": None},
        "getFuzzyLocation",
        {},
        {"fail": {"errMsg": "getFuzzyLocation:fail auth deny"}},
        None,
    ),
    "a stub with no scripted result": (
        {},
        "getNetworkType",
        {},
        {"fail": {"errMsg": "getNetworkType:fail wxreplay has no scripted result for this API"}},
        ["stubs", "getNetworkType"],
    ),
}


@pytest.mark.parametrize("device, name, args, seen, finding", PROBED_CALLS.values(), ids=PROBED_CALLS.keys())
def test_a_scripted_device_answers_one_call(
    wx_probe: Project,
    open_session: Opener,
    device: dict[str, Any],
    name: str,
    args: dict[str, Any],
    seen: dict[str, Any],
    finding: list[str] | None,
) -> None:
    r = open_session(wx_probe, device=Device(**device)).call("call", {"name": name, "args": args})
    assert r.structured_content == seen
    host = [f.message for f in r.findings if f.code == "host"]
    if finding is None:
        assert host == []
    else:
        (message,) = host
        assert all(word in message for word in finding), message


def test_location_granted_and_denied(notes_project: Project, open_session: Opener) -> None:
    granted = open_session(notes_project).call("whereAmI")
    assert granted.structured_content == {"latitude": 22.540503, "longitude": 113.934528, "errMsg": "getLocation:ok"}
    assert granted.host_events[0].args == {"type": "gcj02"}
    denied = open_session(notes_project, device=Device(location=None)).call("whereAmI")
    assert denied.is_error and denied.meta == {"errMsg": "getLocation:fail auth deny"}
    assert denied.host_events[0].ok is False


def test_phone_number(notes_project: Project, open_session: Opener) -> None:
    assert open_session(notes_project).call("bindPhone").structured_content == {"code": "phone-code-0001"}
    denied = open_session(notes_project, device=Device(phone_number=None)).call("bindPhone")
    assert denied.is_error and denied.meta == {"errMsg": "getPhoneNumber:fail user deny"}


# ---- system information -------------------------------------------------------------------------


def test_system_info_family(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project).call("deviceInfo")
    assert r.structured_content == {
        "model": "iPhone 15",
        "platform": "ios",
        "SDKVersion": "3.16.2",
        "windowWidth": 393,
        "pixelRatio": 3,
        "appId": "wx0000000000000000",
        "envVersion": "develop",
        "userDataPath": "wxfile://usr",
    }
    assert [e.name for e in r.host_events] == ["getSystemInfoSync", "getWindowInfo", "getAccountInfoSync"]
    assert r.host_events[1].outcome["safeArea"]["bottom"] == 852 - 34


def test_system_info_is_scriptable(notes_project: Project, open_session: Opener) -> None:
    device = Device(
        app_id="wx1234567890abcdef",
        system={"deviceInfo": {"model": "Pixel 8", "platform": "android"}, "windowInfo": {"windowWidth": 412}},
    )
    sc = open_session(notes_project, device=device).call("deviceInfo").structured_content
    assert (sc["model"], sc["platform"], sc["windowWidth"], sc["appId"]) == ("Pixel 8", "android", 412, "wx1234567890abcdef")


def test_system_info_results_are_copies(wx_probe: Project, open_session: Opener) -> None:
    r = open_session(wx_probe).call("mutateInfo")
    assert r.structured_content == {"top": 47}


# ---- generic stubs ------------------------------------------------------------------------------


def test_generic_stub(wx_probe: Project, open_session: Opener) -> None:
    device = Device(stubs={"getNetworkType": [{"networkType": "wifi"}, {"fail": "no network"}]})
    s = open_session(wx_probe, device=device)
    first, second, third = (s.call("call", {"name": "getNetworkType"}) for _ in range(3))
    assert first.structured_content == {"ok": {"networkType": "wifi", "errMsg": "getNetworkType:ok"}}
    assert second.structured_content == {"fail": {"errMsg": "getNetworkType:fail no network"}}
    assert third.structured_content == second.structured_content  # the last entry repeats
    events = first.host_events + second.host_events
    assert [(e.name, e.ok) for e in events] == [("getNetworkType", True), ("getNetworkType", False)]


# ---- storage ------------------------------------------------------------------------------------

SYNC_STORAGE = """async () => {
  const out = []
  wx.setStorageSync('a', { n: 1, when: new Date(0) })
  wx.setStorageSync('b', [1, '二'])
  out.push(wx.getStorageSync('a'), wx.getStorageSync('missing'))
  out.push(wx.getStorageInfoSync())
  wx.removeStorageSync('a')
  out.push(wx.getStorageSync('a'))
  wx.batchSetStorageSync([{ key: 'x', value: 1 }, { key: 'y', value: 'two' }])
  out.push(wx.batchGetStorageSync(['x', 'y', 'b']))
  try { wx.setStorageSync(42, 'v') } catch (e) { out.push(e.message) }
  wx.clearStorageSync()
  out.push(wx.getStorageInfoSync().keys)
  return { content: [], structuredContent: { out } }
}"""

ASYNC_STORAGE = """async () => {
  const out = []
  out.push(await wx.setStorage({ key: 'k', data: { v: 1 } }))
  out.push(await wx.getStorage({ key: 'k' }))
  out.push(await wx.getStorage({ key: 'nope' }).catch((e) => e))
  out.push(await new Promise((r) => wx.getStorage({ key: 'nope', fail: r })))
  out.push(await wx.setStorage({ data: 1 }).catch((e) => e))
  out.push(await wx.batchSetStorage({ kvList: [{ key: 'p', value: 1 }, { key: 'q', value: 2 }] }))
  out.push(await wx.batchGetStorage({ keyList: ['p', 'q', 'k'] }))
  out.push(await wx.getStorageInfo())
  out.push(await wx.removeStorage({ key: 'k' }))
  out.push(await wx.clearStorage())
  out.push(await wx.getStorageInfo())
  return { content: [], structuredContent: { out } }
}"""


@pytest.fixture(scope="module")
def storage_probe(probe_project: Callable[..., Project]) -> Project:
    """A probe skill exercising the storage family."""
    return probe_project(
        {
            "sync": SYNC_STORAGE,
            "async": ASYNC_STORAGE,
            "put": "async (a) => { wx.setStorageSync(a.key, a.value); return { content: [] } }",
            "get": "async (a) => ({ content: [], structuredContent: { value: wx.getStorageSync(a.key) } })",
        }
    )


def test_sync_storage_family(storage_probe: Project, open_session: Opener) -> None:
    device = Device()
    r = open_session(storage_probe, device=device).call("sync")
    assert r.structured_content["out"] == [
        {"n": 1, "when": "1970-01-01T00:00:00.000Z"},
        "",
        {"keys": ["a", "b"], "currentSize": 1, "limitSize": 10240},
        "",
        [1, "two", [1, "二"]],
        "setStorageSync:fail parameter error: parameter.key should be String instead of Number",
        [],
    ]
    assert device.get_storage() == {}
    names = [e.name for e in r.host_events]
    assert names[:3] == ["setStorageSync", "setStorageSync", "getStorageSync"]
    failed = [e for e in r.host_events if e.ok is False]
    assert [(e.name, e.args) for e in failed] == [("setStorageSync", [42, "v"])]


def test_async_storage_family(storage_probe: Project, open_session: Opener) -> None:
    r = open_session(storage_probe, device=Device(storage={"seeded": True})).call("async")
    assert r.structured_content["out"] == [
        {"errMsg": "setStorage:ok"},
        {"data": {"v": 1}, "errMsg": "getStorage:ok"},
        {"errMsg": "getStorage:fail data not found"},
        {"errMsg": "getStorage:fail data not found"},
        {"errMsg": "setStorage:fail parameter error: parameter.key should be String instead of Undefined"},
        {"errMsg": "batchSetStorage:ok"},
        {"dataList": [1, 2, {"v": 1}], "errMsg": "batchGetStorage:ok"},
        {"keys": ["seeded", "k", "p", "q"], "currentSize": 1, "limitSize": 10240, "errMsg": "getStorageInfo:ok"},
        {"errMsg": "removeStorage:ok"},
        {"errMsg": "clearStorage:ok"},
        {"keys": [], "currentSize": 0, "limitSize": 10240, "errMsg": "getStorageInfo:ok"},
    ]
    events = r.host_events
    assert [e.name for e in events][:4] == ["setStorage", "getStorage", "getStorage", "getStorage"]
    assert events[2].ok is False and events[2].outcome == {"errMsg": "getStorage:fail data not found"}
    assert events[1].args == {"key": "k"}


def test_storage_is_shared_between_sessions_of_one_device(storage_probe: Project, open_session: Opener) -> None:
    device = Device(storage={"seed": {"from": "device"}})
    first = open_session(storage_probe, device=device)
    assert first.call("get", {"key": "seed"}).structured_content == {"value": {"from": "device"}}
    first.call("put", {"key": "cart", "value": ["拿铁"]})
    second = open_session(storage_probe, device=device)  # opened while the first is still alive
    assert second.call("get", {"key": "cart"}).structured_content == {"value": ["拿铁"]}
    second.call("put", {"key": "cart", "value": ["美式"]})
    assert first.call("get", {"key": "cart"}).structured_content == {"value": ["美式"]}
    assert open_session(storage_probe).call("get", {"key": "cart"}).structured_content == {"value": ""}
    device.set_storage("cart", "from python")
    assert first.call("get", {"key": "cart"}).structured_content == {"value": "from python"}


def test_notes_skill_uses_storage_as_its_database(notes_project: Project, open_session: Opener) -> None:
    device = Device()
    s = open_session(notes_project, device=device)
    added = s.call("addNote", {"title": "买牛奶", "tags": ["today"]})
    note_id = added.structured_content["id"]
    assert s.call("getNote", {"noteId": note_id}).structured_content["title"] == "买牛奶"
    missing = s.call("getNote", {"noteId": "n-fake"})
    assert missing.is_error and "禁止编造 id" in missing.text
    assert [n["title"] for n in device.get_storage()["notes:v1"]] == ["买牛奶"]
    s.close()
    again = open_session(notes_project, device=device)
    assert again.call("listNotes", {"tag": "today"}).structured_content == {"notes": [{"id": note_id, "title": "买牛奶"}]}


def test_async_storage_with_callbacks_only(legacy_project: Project, open_session: Opener) -> None:
    device = Device()
    s = open_session(legacy_project, device=device)
    empty = s.call("listFavorites").structured_content
    assert empty == {"favorites": [], "missing": "getStorage:fail data not found", "keys": []}
    first = s.call("addFavorite", {"city": "北京"}).structured_content
    assert first["total"] == 1 and first["firstRead"] == "getStorage:fail data not found"
    second = s.call("addFavorite", {"city": "上海"}).structured_content
    assert second["total"] == 2 and second["firstRead"] is None
    listed = s.call("listFavorites")
    assert [f["city"] for f in listed.structured_content["favorites"]] == ["北京", "上海"]
    assert listed.structured_content["keys"] == ["weather:favorites"]
    assert [(e.name, e.ok) for e in listed.host_events] == [("getStorage", True), ("getStorageInfo", True)]
    assert [f["id"] for f in device.get_storage()["weather:favorites"]] == [first["favorite"]["id"], second["favorite"]["id"]]
    cleared = s.call("clearFavorites")
    assert cleared.structured_content == {"steps": ["removeStorage:ok", "complete"]}
    assert device.get_storage() == {}


def test_a_throwing_callback_is_reported_not_fatal(probe_project: Callable[..., Project], open_session: Opener) -> None:
    project = probe_project(
        {
            "cb": """async () => {
      await new Promise((resolve) => wx.getStorage({ key: 'none',
        fail: () => { resolve(); throw new Error('bug in fail') }, complete: () => console.log('complete still ran') }))
      setTimeout(() => { throw new TypeError('bug in timer') }, 10)
      await new Promise((resolve) => setTimeout(resolve, 20))
      return { content: [{ type: 'text', text: 'survived' }] }
    }"""
        }
    )
    r = open_session(project).call("cb")
    assert r.text == "survived"
    assert [(line.level, line.text.splitlines()[0]) for line in r.logs] == [
        ("error", "thirdScriptError in wx.getStorage fail callback: Error: bug in fail"),
        ("log", "complete still ran"),
        ("error", "thirdScriptError in timer callback: TypeError: bug in timer"),
    ]


def test_handlers_and_interceptors_answer_host_calls(wx_probe: Project, open_session: Opener) -> None:
    seen: list[tuple[str, Any, str | None, int]] = []

    def observe(call: HostCall, nxt: Handler) -> HostOutcome:
        seen.append((call.name, call.args, call.api, call.ordinal))
        if call.name == "getLocation":
            return HostOutcome.success("getLocation", {"latitude": 1.5, "longitude": 2.5})
        return nxt(call)

    s = open_session(
        wx_probe,
        interceptors=[observe],
        handlers={"getNetworkType": lambda call: HostOutcome.success(call.name, {"networkType": "5g"})},
    )
    assert s.call("call", {"name": "getLocation"}).structured_content == {
        "ok": {"latitude": 1.5, "longitude": 2.5, "errMsg": "getLocation:ok"}
    }
    network = s.call("call", {"name": "getNetworkType"}).structured_content
    assert network == {"ok": {"networkType": "5g", "errMsg": "getNetworkType:ok"}}
    assert s.call("call", {"name": "getNetworkType"}).host_events[0].ok is True
    assert seen == [("getLocation", {}, "call", 0), ("getNetworkType", {}, "call", 0), ("getNetworkType", {}, "call", 1)]

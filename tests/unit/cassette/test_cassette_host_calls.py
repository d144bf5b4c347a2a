"""Host calls in the cassette: login codes, payment outcomes, location, cloud calls; storage stays local."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay import CloudState, Device, Project, Session
from wxreplay.cassette import Cassette, CassetteMissError
from wxreplay.cassette.interceptor import is_recorded
from wxreplay.errors import StaleCassetteError
from wxreplay.host.base import Handler, HostCall, HostOutcome

HANDLERS = {
    "signin": """async () => {
      const { code } = await wx.login()
      const r = await wx.request({ url: 'https://api.example.com/login', method: 'POST', data: { code } })
      return { content: [{ type: 'text', text: 'in' }], structuredContent: { code, token: r.data.token } }
    }""",
    "pay": """async () => {
      try {
        await wx.requestPayment({ timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx1', signType: 'RSA',
                                  paySign: 'sig' })
        return { content: [{ type: 'text', text: 'paid' }] }
      } catch (e) { return { isError: true, content: [{ type: 'text', text: e.errMsg }] } }
    }""",
    "where": """async () => {
      const loc = await wx.getLocation({ type: 'gcj02' })
      wx.setStorageSync('seen', 1)
      const info = wx.getSystemInfoSync()
      return { content: [{ type: 'text', text: 'here' }], structuredContent: { lat: loc.latitude, seen: wx.getStorageSync('seen'),
               platform: info.platform } }
    }""",
    "cloudy": """async () => {
      wx.cloud.init({ env: 'env-1' })
      const q = await wx.cloud.callFunction({ name: 'quote', data: { n: 2 } })
      const docs = await wx.cloud.database().collection('products').where({ price: 28 }).get()
      const names = docs.data.map((d) => d.name)
      return { content: [{ type: 'text', text: 'ok' }], structuredContent: { quote: q.result, names } }
    }""",
}


@pytest.fixture(scope="module")
def project(probe_project: Callable[..., Project]) -> Project:
    return probe_project(HANDLERS)


def login_service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"token": "wst_Zq8rT2xLp0aV9mKcQ1"})


def recording_device() -> Device:
    return Device(
        login_code="0c3RecordedLoginCode00000000000a",
        payments=["cancel"],
        location={"latitude": 22.54, "longitude": 113.93},
        cloud=CloudState(collections={"products": [{"_id": "p1", "name": "拿铁", "price": 28}]}),
    )


def calls(project: Project, cassette: Cassette, device: Device, apis: list[str], **session: Any) -> list[Any]:
    real = httpx.MockTransport(login_service) if cassette.recording else None
    with Session(project, device=device, transport=real, cassette=cassette, **session) as s:
        return [s.call(api) for api in apis]


def quote(data: dict[str, Any], call: HostCall) -> Any:
    return {"price": 9 * data["n"]}


def test_session_cassette_sits_behind_the_given_interceptors(project: Project, tmp_path: Path) -> None:
    """``Session(cassette=...)``: the caller's interceptors see calls first; what they answer is never recorded."""
    seen: list[str] = []

    def own_login(call: HostCall, nxt: Handler) -> HostOutcome:
        seen.append(call.name)
        return HostOutcome.success("login", {"code": "0c3AnsweredByTheTest000000000000"}) if call.name == "login" else nxt(call)

    cassette = Cassette.open(tmp_path / "own.yaml", "once")
    with Session(
        project,
        device=recording_device(),
        transport=httpx.MockTransport(login_service),
        cassette=cassette,
        interceptors=[own_login],
    ) as s:
        result = s.call("signin")
    assert result.structured_content == {"code": "0c3AnsweredByTheTest000000000000", "token": "wst_Zq8rT2xLp0aV9mKcQ1"}
    assert seen == ["login", "request"]
    # the login the test answered is not in the cassette; the HTTP went through the given transport and is
    assert [(e["kind"], e["api"]) for e in cassette.new_entries] == [("http", "signin")]


@pytest.fixture
def recorded(project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "host.yaml"
    cassette = Cassette.open(path, "once")
    out = calls(project, cassette, recording_device(), list(HANDLERS), cloud_functions={"quote": quote})
    assert [r.is_error for r in out] == [False, True, False, False]
    assert cassette.save()
    return path


def test_what_is_recorded_in_order(recorded: Path) -> None:
    entries = Cassette.open(recorded).entries
    kinds = [(e["kind"], e["call"]["name"] if e["kind"] == "host" else e["request"]["path"], e["api"]) for e in entries]
    assert kinds == [
        ("host", "login", "signin"),
        ("http", "/login", "signin"),
        ("host", "requestPayment", "pay"),
        ("host", "getLocation", "where"),
        ("host", "cloud.callFunction", "cloudy"),
        ("host", "cloud.database", "cloudy"),
    ]  # storage and system info stay local; wx.request is recorded once, as HTTP
    text = recorded.read_text(encoding="utf-8")
    assert "0c3RecordedLoginCode" not in text and "code: <redacted:code#1>" in text
    assert "errMsg: requestPayment:fail cancel" in text and "name: 拿铁" in text


def test_replay_runs_the_script_and_checks_it_against_the_recording(project: Project, recorded: Path) -> None:
    """The script runs in replay too; the recording agrees with it, and gives its secrets as placeholders."""
    device = recording_device()
    signin, pay, where, cloudy = calls(project, Cassette.open(recorded), device, list(HANDLERS), cloud_functions={"quote": quote})
    assert signin.structured_content == {"code": "<redacted:code#1>", "token": "<redacted:token#1>"}
    assert pay.is_error and pay.text == "requestPayment:fail cancel"
    assert where.structured_content["lat"] == 22.54 and where.structured_content["seen"] == 1
    assert cloudy.structured_content == {"quote": {"price": 18}, "names": ["拿铁"]}


@pytest.mark.parametrize(
    ("change", "api", "shown"),
    [
        ({"payments": ["success"]}, "pay", 'value.errMsg: recorded "requestPayment:fail cancel", script "requestPayment:ok"'),
        ({"location": {"latitude": 31.23, "longitude": 121.47}}, "where", "value.latitude: recorded 22.54, script 31.23"),
        ({"location": None}, "where", "ok: recorded true, script false"),
        ({"login_fail": "system error"}, "signin", 'value.errMsg: recorded "login:ok", script "login:fail system error"'),
    ],
)
def test_a_changed_script_with_the_old_cassette_is_stale(
    project: Project, recorded: Path, change: dict[str, Any], api: str, shown: str
) -> None:
    """A device scripted otherwise than when the cassette was recorded fails: never the old outcome, never a green."""
    device = recording_device()
    for key, value in change.items():
        setattr(device, key, value)
    with pytest.raises(StaleCassetteError) as info:
        calls(project, Cassette.open(recorded), device, [api], cloud_functions={"quote": quote})
    message = str(info.value)
    assert "stale cassette: the recorded outcome of wx." in message and f"API {api}" in message
    assert shown in message
    assert f"{recorded}:" in message and "(entry " in message  # the cassette line
    assert "fix: re-record the cassette with the service running" in message and "'all')" in message


def test_changed_cloud_function_stubs_are_stale(project: Project, recorded: Path) -> None:
    def dearer(data: dict[str, Any], call: HostCall) -> Any:
        return {"price": 10 * data["n"]}

    with pytest.raises(StaleCassetteError) as info:
        calls(project, Cassette.open(recorded), recording_device(), ["cloudy"], cloud_functions={"quote": dearer})
    assert "wx.cloud.callFunction" in str(info.value) and "value.result.price: recorded 18, script 20" in str(info.value)


def test_a_stale_message_never_shows_a_scripted_secret(project: Project, recorded: Path, tmp_path: Path) -> None:
    """The script's login code is a secret: the recording's placeholder agrees with any code, and a
    contradicting outcome shows the script's side redacted."""
    device = recording_device()
    device.login_code = "0c3AnotherRealLoginCode000000000"
    [signin] = calls(project, Cassette.open(recorded), device, ["signin"])  # another code: agrees with the placeholder
    assert signin.structured_content["code"] == "<redacted:code#1>"
    path = tmp_path / "failed-login.yaml"
    call = HostCall("login", {}, "api", "signin", 0)
    cassette = Cassette.open(path, "once")
    cassette.host_call(call, lambda c: HostOutcome.fail("login", "system error"))
    assert cassette.save()
    with pytest.raises(StaleCassetteError) as info:
        Cassette.open(path).host_call(call, lambda c: HostOutcome.success("login", {"code": "0c3ScriptedSecretCode0000000000"}))
    message = str(info.value)
    assert "0c3ScriptedSecretCode" not in message
    assert 'value.code: not recorded, script "<redacted:code#1>"' in message and "ok: recorded false, script true" in message


def test_a_host_call_with_other_args_misses(project: Project, recorded: Path, probe_project: Callable[..., Project]) -> None:
    other = probe_project({"cloudy": HANDLERS["cloudy"].replace("n: 2", "n: 3")})
    with pytest.raises(CassetteMissError) as info:
        calls(other, Cassette.open(recorded), Device(), ["cloudy"])
    message = str(info.value)
    assert "no recording matches this host call" in message and "API cloudy" in message
    assert "the 1st wx.cloud.callFunction" in message and "args.data.n: recorded 2, live 3" in message


def test_ignored_host_args(project: Project, recorded: Path, probe_project: Callable[..., Project]) -> None:
    from wxreplay.cassette import MatchRules

    other = probe_project({"cloudy": HANDLERS["cloudy"].replace("n: 2", "n: 3")})
    cassette = Cassette.open(recorded, match=MatchRules().with_ignored("args.data.n"))
    [r] = calls(other, cassette, recording_device(), ["cloudy"], cloud_functions={"quote": flat_quote})
    assert r.structured_content["quote"] == {"price": 18}


def flat_quote(data: dict[str, Any], call: HostCall) -> Any:
    return {"price": 18}  # the same answer for any n: the ignored argument changes nothing the script says


def test_new_episodes_records_new_host_calls(project: Project, recorded: Path) -> None:
    cassette = Cassette.open(recorded, "new_episodes")
    calls(project, cassette, Device(payments=["cancel", "success"]), ["pay", "pay"])
    assert cassette.save()
    pays = [
        e["outcome"]["value"]["errMsg"]
        for e in Cassette.open(recorded).entries
        if e["kind"] == "host" and e["call"]["name"] == "requestPayment"
    ]
    assert pays == ["requestPayment:fail cancel", "requestPayment:ok"]


@pytest.mark.parametrize(
    ("name", "recorded_kind"),
    [
        ("login", True),
        ("checkSession", True),
        ("requestPayment", True),
        ("getLocation", True),
        ("getFuzzyLocation", True),
        ("getPhoneNumber", True),
        ("getRealtimePhoneNumber", True),
        ("cloud.callFunction", True),
        ("cloud.ai.generateText", True),
        ("request", False),
        ("getStorage", False),
        ("getSystemInfo", False),
        ("showToast", False),
    ],
)
def test_which_host_calls_are_recorded(name: str, recorded_kind: bool) -> None:
    assert is_recorded(name) is recorded_kind

"""Issue 13: a scenario expects a network failure by scripting it (``device: network:``), never by recording one.

A real connection error while recording fails the run (tests/unit/test_runner_truth.py); a scripted
one is the same in every mode, reaches neither the service nor the cassette, and replays green.
Real V8, real scenario files, real HTTP on 127.0.0.1 (tests/unit/till_service.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from till_service import Till, scenario, stopped_base

from wxreplay.cli import main
from wxreplay.host.device import Device
from wxreplay.host.network_script import NetworkScript, matches
from wxreplay.project import Project
from wxreplay.session import Session

MENU = """
turns:
  - user: 菜单
    plan:
      - call: menu
        expect:
          content: {expected}
"""

UNAVAILABLE = MENU.format(expected="菜单暂时不可用")
TWO_ITEMS = MENU.format(expected="菜单共 2 项")


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the record mode themselves."""
    monkeypatch.delenv("CI", raising=False)


def run(tmp_path: Path, *args: str) -> int:
    return main(["run", str(tmp_path / "scenarios"), "--cassette-dir", str(tmp_path / "cassettes"), "--snapshot-update", *args])


def host(base: str) -> str:
    return base.removeprefix("http://")


@pytest.mark.parametrize(
    ("network", "errmsg"),
    [
        ("refused: ['{host}']", "request:fail errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED"),
        ("unresolved: ['{base}/menu']", "request:fail errcode:-105 cronet_error_code:-105 error_msg:net::ERR_NAME_NOT_RESOLVED"),
        ("timeout: ['{base}/']", "request:fail timeout"),
        ("offline: true", "request:fail errcode:-106 cronet_error_code:-106 error_msg:net::ERR_INTERNET_DISCONNECTED"),
    ],
    ids=["refused", "unresolved", "timeout", "offline"],
)
def test_a_scripted_failure_records_and_replays_green_and_never_reaches_the_service(
    tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str], network: str, errmsg: str
) -> None:
    """The service runs, but the script says it is unreachable: the script wins, in recording and in replay."""
    device = "network: {" + network.format(host=host(till.base), base=till.base) + "}"
    scenario(tmp_path, till.base, UNAVAILABLE, device=device)
    assert run(tmp_path, "--record", "all") == 0
    assert run(tmp_path) == 0  # replay: the same failure, from the script
    out = capsys.readouterr().out
    assert out.count("PASS till") == 2
    assert till.seen == []  # nothing reached the service
    cassette = tmp_path / "cassettes" / "till.yaml"
    assert not cassette.exists() or "/menu" not in cassette.read_text(encoding="utf-8")
    snapshot = next((tmp_path / "scenarios" / "__snapshots__").rglob("*.yaml")).read_text(encoding="utf-8")
    assert errmsg in snapshot  # the transcript shows the failure the skill saw


def test_a_scripted_failure_needs_no_running_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = stopped_base()
    scenario(tmp_path, base, UNAVAILABLE, device=f"network: {{refused: ['{host(base)}']}}")
    assert run(tmp_path, "--record", "once") == 0
    assert "PASS till" in capsys.readouterr().out


def test_a_failure_scripted_for_another_host_lets_the_request_through(tmp_path: Path, till: Till) -> None:
    scenario(tmp_path, till.base, TWO_ITEMS, device="network: {refused: [api.example.com, 'http://127.0.0.2/']}")
    assert run(tmp_path, "--record", "once") == 0
    assert [path for _, path, _, _ in till.seen] == ["/menu"]
    assert "/menu" in (tmp_path / "cassettes" / "till.yaml").read_text(encoding="utf-8")


def test_an_unscripted_connection_error_while_recording_says_how_to_expect_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = stopped_base()
    scenario(tmp_path, base, UNAVAILABLE)
    assert run(tmp_path, "--record", "once") == 1
    out = capsys.readouterr().out
    assert "recording failed" in out
    assert f"device: network: {{refused: [{host(base)}]}}" in out  # the way to expect it
    assert not (tmp_path / "cassettes").exists()


def test_scripting_a_failure_over_an_old_recording_reports_the_entry_unused(
    tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script beats the recording: the recorded answer is never played, and the replay says so."""
    scenario(tmp_path, till.base, TWO_ITEMS)
    assert run(tmp_path, "--record", "once") == 0
    capsys.readouterr()
    scenario(tmp_path, till.base, UNAVAILABLE, device=f"network: {{refused: ['{host(till.base)}']}}")
    assert run(tmp_path) == 0
    captured = capsys.readouterr()
    assert "PASS till" in captured.out
    assert "1 recorded entry" in captured.err and "never used" in captured.err
    assert run(tmp_path, "--strict") == 1


@pytest.mark.parametrize(
    ("network", "line", "message"),
    [
        ("{refused: ['http//api.example.com']}", 5, "`network.refused`: 'http//api.example.com' is neither a host nor a URL"),
        ("{timeout: ['ftp://api.example.com/']}", 5, "`network.timeout`: 'ftp://api.example.com/' is not an http(s) URL prefix"),
        ("{unresolved: ['api.example.com:http']}", 5, "'api.example.com:http' is not a host or host:port"),
        ("{ofline: true}", 5, "offline"),
        ("{refused: []}", 5, "refused"),
    ],
    ids=["no-scheme", "ftp", "bad-port", "typo", "empty"],
)
def test_a_bad_network_script_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], network: str, line: int, message: str
) -> None:
    path = scenario(tmp_path, stopped_base(), UNAVAILABLE, device=f"network: {network}")
    assert run(tmp_path) == 2  # a usage error: nothing ran
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert f"{path}:{line}" in shown
    assert message in shown
    assert "Traceback" not in shown


@pytest.mark.parametrize(
    ("target", "url", "hit"),
    [
        ("api.example.com", "https://api.example.com/menu?x=1", True),
        ("API.example.com", "https://api.example.com/menu", True),
        ("api.example.com", "https://api.example.com.evil.test/menu", False),
        ("api.example.com:8443", "https://api.example.com:8443/", True),
        ("api.example.com:8443", "https://api.example.com/", False),
        ("api.example.com:443", "https://api.example.com/", True),
        ("https://api.example.com/menu", "https://api.example.com/menu/today", True),
        ("https://api.example.com/menu", "https://api.example.com/orders", False),
        ("api.example.com", "not a url at all", False),
    ],
)
def test_targets_match_a_host_or_a_url_prefix(target: str, url: str, hit: bool) -> None:
    assert matches(target, url) is hit


def test_an_offline_device_says_so_from_get_network_type(probe_project: Callable[..., Project]) -> None:
    project = probe_project(
        {
            "net": """async () => {
                const t = await wx.getNetworkType()
                let err = null
                try { await new Promise((ok, no) => wx.request({ url: 'https://api.example.com/x', success: ok, fail: no })) }
                catch (e) { err = e.errMsg }
                return { content: [{ type: 'text', text: t.networkType + ' / ' + err }] }
            }"""
        }
    )
    with Session(project, device=Device(network=NetworkScript(offline=True))) as session:
        result: Any = session.call("net", {})
    text = result.content[0]["text"]
    assert text == "none / request:fail errcode:-106 cronet_error_code:-106 error_msg:net::ERR_INTERNET_DISCONNECTED"


def test_without_a_network_script_get_network_type_is_still_a_stub(probe_project: Callable[..., Project]) -> None:
    handler = "async () => ({ content: [{ type: 'text', text: (await wx.getNetworkType()).networkType }] })"
    project = probe_project({"net": handler})
    with Session(project, device=Device(stubs={"getNetworkType": {"networkType": "4g"}})) as session:
        assert session.call("net", {}).content[0]["text"] == "4g"


def test_a_scripted_failure_never_shows_a_secret_of_the_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = stopped_base()
    secret = "tok_Vb7nQ2xLp0aV9mKcQ1wE"
    scenario(tmp_path, base + f"/v1?access_token={secret}&x=", UNAVAILABLE, device="network: {offline: true}")
    assert run(tmp_path, "--record", "all", "-v") == 0
    captured = capsys.readouterr()
    written = "".join(
        p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.yaml") if "__snapshots__" in p.parts or "cassettes" in p.parts
    )
    assert "device is offline" in captured.out + captured.err + written
    assert secret not in captured.out + captured.err + written

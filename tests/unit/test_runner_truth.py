"""Issue 13, part A: record/replay never lies. Each test pins a false green of the issue.

Real V8, real scenario files, real HTTP on 127.0.0.1 (tests/unit/till_service.py) and the
``wxreplay run`` command line.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from till_service import TOKEN, Till, scenario, silent, stopped_base

from wxreplay.cassette import Cassette
from wxreplay.cli import main

PAY = """
turns:
  - user: 付款
    plan:
      - call: pay
        args: {orderId: A1}
"""

NEARBY = """
turns:
  - user: 附近的店
    plan:
      - call: nearby
"""

QUOTE = """
turns:
  - user: 报价
    plan:
      - call: quote
        args: {n: 2}
"""


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the record mode themselves."""
    monkeypatch.delenv("CI", raising=False)


def run(tmp_path: Path, *args: str) -> int:
    # Cassettes are what these tests check, not snapshots: every run accepts its transcript.
    return main(["run", str(tmp_path / "scenarios"), "--cassette-dir", str(tmp_path / "cassettes"), "--snapshot-update", *args])


def record_then_edit(tmp_path: Path, till: Till, body: str, device: str, edited: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Record ``body`` under ``device``, then replay it with the device edited to ``edited``: the output."""
    scenario(tmp_path, till.base, body, device=device)
    assert run(tmp_path, "--record", "once") == 0
    assert (tmp_path / "cassettes" / "till.yaml").is_file()
    capsys.readouterr()
    cassette = (tmp_path / "cassettes" / "till.yaml").read_bytes()
    scenario(tmp_path, till.base, body, device=edited)
    assert run(tmp_path) == 1  # a red, never the old recorded outcome's green
    assert (tmp_path / "cassettes" / "till.yaml").read_bytes() == cassette  # a failing replay writes nothing
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "device", "edited", "api", "key", "shown"),
    [
        (
            PAY,
            "payments: [cancel]",
            "payments: [success]",
            "requestPayment",
            "device.payments",
            "ok: recorded false, script true",
        ),
        (
            PAY,
            "payments: [success]",
            "payments: [cancel]",
            "requestPayment",
            "device.payments",
            "ok: recorded true, script false",
        ),
        (
            NEARBY,
            "location: {latitude: 22.54, longitude: 113.93}",
            "location: {latitude: 31.23, longitude: 121.47}",
            "getLocation",
            "device.location",
            "value.latitude: recorded 22.54, script 31.23",
        ),
        (
            NEARBY,
            "location: {latitude: 22.54, longitude: 113.93}",
            "location: denied",
            "getLocation",
            "device.location",
            "ok: recorded true, script false",
        ),
        (
            QUOTE,
            "cloud: {functions: {quote: {price: 18}}}",
            "cloud: {functions: {quote: {price: 20}}}",
            "cloud.callFunction",
            "device.cloud.functions",
            "value.result.price: recorded 18, script 20",
        ),
        (
            QUOTE,
            "cloud: {functions: {quote: {price: 18}}}",
            "cloud: {functions: {quote: {fail: no quota}}}",
            "cloud.callFunction",
            "device.cloud.functions",
            "ok: recorded true, script false",
        ),
    ],
    ids=["cancel-to-success", "success-to-cancel", "other-city", "denied", "function-result", "function-fails"],
)
def test_an_edited_device_script_with_the_old_cassette_is_a_stale_cassette(
    tmp_path: Path,
    till: Till,
    capsys: pytest.CaptureFixture[str],
    body: str,
    device: str,
    edited: str,
    api: str,
    key: str,
    shown: str,
) -> None:
    out = record_then_edit(tmp_path, till, body, device, edited, capsys)
    assert "FAIL till" in out and "0 passed, 1 failed" in out
    assert f"stale cassette: the recorded outcome of wx.{api} contradicts the script" in out
    # the scenario line (device: starts on line 3, storage is line 4, the edited key line 5) and the cassette line
    assert f"the script:    {tmp_path / 'scenarios' / 'till.scenario.yaml'}:5 ({key})" in out
    assert "the recording: " in out and "till.yaml:" in out and "(entry " in out
    assert shown in out
    assert "--record all" in out  # the command that re-records


def test_a_script_that_did_not_change_replays_green(tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]) -> None:
    scenario(tmp_path, till.base, PAY, device="payments: [success]\nlogin: {code: 0c3till000000000000000000000000aa}")
    assert run(tmp_path, "--record", "once") == 0
    assert run(tmp_path) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_the_default_device_is_a_script_too(tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]) -> None:
    """A cassette recorded with the default location goes stale when the scenario then writes another one."""
    scenario(tmp_path, till.base, NEARBY)
    assert run(tmp_path, "--record", "once") == 0
    capsys.readouterr()
    scenario(tmp_path, till.base, NEARBY, device="location: denied")
    assert run(tmp_path) == 1
    out = capsys.readouterr().out
    assert "stale cassette" in out and "till.scenario.yaml:5 (device.location)" in out


MENU = """
turns:
  - user: 菜单
    plan:
      - call: menu
"""


@pytest.mark.parametrize("kind", ["stopped", "dns", "timeout"])
def test_recording_without_an_answer_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """The skill swallows the network error (it shows an empty menu): only the recording can say it failed."""
    with contextlib.ExitStack() as stack:
        base = {"stopped": stopped_base(), "dns": "http://till.wxreplay.invalid", "timeout": ""}[kind]
        if kind == "timeout":
            base = stack.enter_context(silent())
        scenario(tmp_path, base, MENU, timeout_ms=300 if kind == "timeout" else None)
        assert run(tmp_path, "--record", "once") == 1
    out = capsys.readouterr().out
    assert "FAIL till" in out and "PASS" not in out
    assert not (tmp_path / "cassettes").exists()  # nothing saved, not even an empty cassette
    what = {"stopped": "could not connect", "dns": "could not connect", "timeout": "timed out"}[kind]
    assert f"recording failed: GET {base}/menu {what}" in out
    assert f"the service at {base} gave no answer" in out
    if kind == "dns":  # a name that does not resolve: "is it running?" would send the user the wrong way
        assert "could not connect: the host name till.wxreplay.invalid does not resolve (DNS failure)" in out
        assert "check the host name till.wxreplay.invalid" in out and "is it running?" not in out
    else:
        assert "is it running?" in out


def test_a_recording_error_never_shows_a_secret_of_the_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = stopped_base()
    scenario(tmp_path, base + "/v1?access_token=tok_Lp0aV9mKcQ1wEZq8rT2x&x=", MENU)
    assert run(tmp_path, "--record", "all") == 1
    captured = capsys.readouterr()
    assert "tok_Lp0aV9mKcQ1wEZq8rT2x" not in captured.out + captured.err
    assert "access_token=<redacted:" in captured.out


SIGNIN = """
turns:
  - user: 登录
    plan:
      - call: signin
"""

SIGNIN_ORDERS = (
    SIGNIN
    + """
      - call: orders
        expect: {isError: false}
"""
)


def test_new_episodes_never_sends_a_placeholder_to_the_live_service(
    tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    login = "login: {code: 0c3till000000000000000000000000aa}"
    scenario(tmp_path, till.base, SIGNIN, device=login)
    assert run(tmp_path, "--record", "once") == 0
    cassette = tmp_path / "cassettes" / "till.yaml"
    before = cassette.read_bytes()
    assert TOKEN not in before.decode() and "<redacted:token#1>" in before.decode()
    capsys.readouterr()
    till.seen.clear()
    # The new call sends the token replayed from the cassette: a placeholder.
    scenario(tmp_path, till.base, SIGNIN_ORDERS, device=login)
    assert run(tmp_path, "--record", "new_episodes") == 1
    out = capsys.readouterr().out
    assert f"refusing to send GET {till.base}/orders to the live service" in out
    assert "headers.authorization carries the redaction placeholder <redacted:token#1>" in out
    assert "--record all" in out
    assert till.seen == []  # nothing reached the service (the 401 it would give is never recorded)
    assert cassette.read_bytes() == before
    # Re-recording the whole scenario gets the real token to the service, and a true cassette.
    assert run(tmp_path, "--record", "all") == 0
    assert [p for _, p, _, _ in till.seen] == ["/login", "/orders"]
    assert till.seen[1][2]["authorization"] == f"Bearer {TOKEN}"
    replay = Cassette.open(cassette)
    assert [e["response"]["status"] for e in replay.entries if e["kind"] == "http"] == [200, 200]


XFAIL_MENU = """
turns:
  - user: 菜单
    plan:
      - call: menu
        expect: {structuredContent: {items: []}}
"""


def test_an_xfail_scenario_failing_at_its_expectation_records_its_cassette(
    tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario(tmp_path, till.base, XFAIL_MENU, head="xfail: the menu should be empty\n")
    assert run(tmp_path, "--record", "once") == 0
    out = capsys.readouterr()
    assert "XFAIL till" in out.out and "recorded 1 new entry" in out.err
    entries = Cassette.open(tmp_path / "cassettes" / "till.yaml").entries
    assert [e["request"]["path"] for e in entries] == ["/menu"]
    assert run(tmp_path) == 0  # replayed: it xfails at the expectation again, not at a cassette miss
    assert "XFAIL till" in capsys.readouterr().out


def test_an_xfail_scenario_failing_at_a_connection_error_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario(tmp_path, stopped_base(), XFAIL_MENU, head="xfail: the menu should be empty\n")
    assert run(tmp_path, "--record", "once") == 1  # failed at the recording, not at the bug it pins: no XFAIL
    out = capsys.readouterr().out
    assert "FAIL till" in out and "XFAIL" not in out and "recording failed" in out
    assert not (tmp_path / "cassettes").exists()  # and a recording without answers is never saved


def test_an_xfail_replay_that_misses_says_so(tmp_path: Path, till: Till) -> None:
    from wxreplay.runner import RunOptions, run_path

    path = scenario(tmp_path, till.base, XFAIL_MENU, head="xfail: the menu should be empty\n")
    run_ = run_path(path, RunOptions(cassette_dir=tmp_path / "cassettes"))
    assert run_.failure is not None and "no recording" in run_.failure.reason  # a miss, never counted as recorded


def test_wxreplay_call_with_another_payment_than_recorded_is_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).resolve().parents[2]
    cassette = tmp_path / "cancel.yaml"
    cassette.write_bytes((repo / "cassettes" / "call-payOrder-cancel.yaml").read_bytes())
    argv = [
        "call",
        str(repo / "examples" / "westore-cafe"),
        "payOrder",
        "--args",
        '{"orderId":"WS0001"}',
        "--cassette",
        str(cassette),
    ]
    assert main(argv) == 1  # recorded with --payment cancel: the recording's cancel never stands in for a success
    err = capsys.readouterr().err
    assert "stale cassette: the recorded outcome of wx.requestPayment contradicts the script" in err
    assert "the script:    the command line: no --payment (every payment succeeds)" in err
    assert "--record all" in err
    assert main([*argv, "--payment", "cancel"]) == 1  # the same script as recorded: replays (payOrder's own isError)
    assert "returned isError" in capsys.readouterr().err
    assert cassette.read_bytes() == (repo / "cassettes" / "call-payOrder-cancel.yaml").read_bytes()


def test_an_xfail_scenario_failing_at_a_cassette_miss_is_a_failure(
    tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    """Never XFAIL at a cassette miss instead of at the bug the scenario pins (issue 13)."""
    scenario(tmp_path, till.base, XFAIL_MENU, head="xfail: the menu should be empty\n")
    assert run(tmp_path) == 1
    out = capsys.readouterr().out
    assert "FAIL till" in out and "XFAIL" not in out and "0 passed, 1 failed" in out
    assert "failed at the cassette, not at the bug it pins" in out and "no recording" in out

"""Messages that say what happened (issue 15): failures explained with ``-v``, connection errors,
the createSkill path of a skill directory, a dangling ``app.json`` link, and the wild shapes that
fail on the device too (``getApp()``, a require leaving the subpackage).

Over ``tests/skills/wild-shapes`` (skill directories no ``app.json`` lists); the CLI runs
in-process from the repository root, as a user types it.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from e2e_support import ROOT, wxreplay

from wxreplay.cli import main

WILD = "tests/skills/wild-shapes/skills/wild"
RENAMED = "tests/skills/wild-shapes/skills/renamed"
PHONE = "13812345678"  # a phone number: masked in every line the CLI prints


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def live_cli(*argv: str) -> tuple[int, str, str]:
    """The CLI in its own process: live ``wx.request`` without a cassette is blocked under pytest's plugin."""
    done = wxreplay(*argv)
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, done.stdout, done.stderr


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# ---- skill directories no app.json lists keep working --------------------------------------------


def test_a_skill_directory_no_app_json_lists_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", WILD, "hello", "--args", '{"name": "小王"}')
    assert code == 0, err
    assert json.loads(out)["content"][0]["text"] == "你好，小王。"
    assert "createSkill" not in err  # createSkill('skills/wild') is this directory's own path


def test_create_skill_path_warning_of_a_skill_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", RENAMED, "ping")
    assert code == 0 and json.loads(out)["content"][0]["text"] == "pong"
    assert (
        'wxreplay: warning: createSkill("skills/shop") differs from "skills/renamed", the path of this skill directory '
        "(its parent folder and its own name: no app.json lists the skill)"
    ) in err
    assert "differs from app.json" not in err  # no app.json lists it: naming one would send the user looking for it


# ---- wild shapes that fail on the device too ------------------------------------------------------


GET_APP_NOTE = (
    "note: getApp() returned undefined at skills/wild/apis/user.js:8:16 in this step: getApp() returns undefined here, "
    "as on the device: a skill runs in an independent subpackage, loaded without the main package's app.js, "
    "so there is no App instance (nor its globalData)"
)
GET_APP_FIX = "fix: keep shared state in wx storage (wx.setStorageSync / wx.getStorageSync) or in a module inside the subpackage"


def test_get_app_names_the_file_and_line_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", WILD, "readGlobalUser")
    assert code == 1 and out == ""
    lines = err.splitlines()
    error = next(i for i, ln in enumerate(lines) if ln.startswith("wxreplay: error:"))
    assert lines[error].startswith("wxreplay: error: skills/wild/apis/user.js:8:24: readGlobalUser threw: TypeError")
    assert lines[error + 2] == "  " + GET_APP_NOTE
    assert lines[error + 3].startswith("  " + GET_APP_FIX)
    assert "[getApp]" not in err  # the error carries the finding: said once


def test_get_app_in_a_scenario_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The scenario runner shows the same error, so the note reaches `wxreplay run` (and pytest) too."""
    scenario = tmp_path / "me.scenario.yaml"
    scenario.write_text(
        f"name: who am I\nproject: {ROOT / WILD}\nturns:\n  - user: 我是谁\n    plan:\n      - call: readGlobalUser\n",
        "utf-8",
    )
    code, out, _ = cli(capsys, "run", str(scenario))
    assert code == 1 and "FAIL me (" in out
    assert "JSError: skills/wild/apis/user.js:8:24: readGlobalUser threw: TypeError" in out
    assert GET_APP_NOTE in out and GET_APP_FIX in out


def test_a_require_leaving_the_subpackage_says_it_fails_on_the_device(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", WILD, "formatPrice", "--args", '{"cents": 1250}')
    assert code == 1 and out == ""
    assert "wxreplay: error: skills/wild/apis/price.js:3:18: formatPrice threw:" in err
    assert 'it resolves outside the independent subpackage root "skills/"; this fails on the device too' in err
    assert "copy the file into skills/_shared/ and require it from there" in err


def test_a_card_using_get_app_fails_located(capsys: pytest.CaptureFixture[str]) -> None:
    device = json.dumps({"storage": {"cart": [{"id": 1, "name": "帆布包"}]}})
    code, _, err = cli(capsys, "render", WILD, "showCart", "--device", device)
    assert code == 1
    assert "wxreplay: warning: skills/wild/components/cart/index.js:7:29: getApp() returns undefined here" in err
    assert "wxreplay: error: skills/wild/components/cart/index.js:7:37: components/cart/index threw" in err


# ---- -v on failure -----------------------------------------------------------------------------------


def test_a_throw_without_v_prints_console_and_findings_and_says_what_v_adds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", WILD, "syncCart", "--args", json.dumps({"phone": PHONE}))
    assert code == 1 and out == ""
    assert "console.info: [ai-mode] syncing the cart of <redacted:phone-number#1>" in err
    assert "[host]" in err and "'syncCart'" in err  # the finding: nothing scripts the cloud function
    assert "wx.cloud.callFunction {" not in err  # the host calls themselves: only with -v
    lines = err.splitlines()
    error = next(i for i, ln in enumerate(lines) if ln.startswith("wxreplay: error:"))
    assert lines[error - 1] == "wxreplay: -v shows the 2 wx host calls made before the failure below, with their outcomes"
    assert PHONE not in err


def test_a_throw_with_v_prints_the_host_calls_masked(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "call", WILD, "syncCart", "--args", json.dumps({"phone": PHONE}), "-v")
    assert code == 1
    calls = [ln for ln in err.splitlines() if ln.startswith("wx.")]
    assert calls[0] == 'wx.cloud.init {"env": "wild-env", "traceUser": false} -> null'
    assert calls[1].startswith('wx.cloud.callFunction {"name": "syncCart", "data": {"phone": "<redacted:phone-number#1>"}')
    assert "-> {" in calls[1] and "syncCart" in calls[1].split("->", 1)[1]
    assert "-v shows" not in err and PHONE not in err
    assert """give it with --device '{"cloud": {"functions": {"syncCart": {"ok": true}}}}'""" in err


def test_is_error_without_v_says_what_v_adds() -> None:
    code, _, err = live_cli("call", WILD, "fetchQuote", "--args", '{"symbol": "TCEHY"}')
    assert code == 1
    assert "wxreplay: fetchQuote returned isError: 行情服务暂不可用，请稍后再试。" in err
    assert err.rstrip().endswith("wxreplay: -v shows the wx host call it made, with its outcome")


def test_a_card_failure_with_v_prints_its_host_calls_and_console(capsys: pytest.CaptureFixture[str]) -> None:
    device = json.dumps({"storage": {"cart": [{"id": 1, "name": "帆布包"}]}})
    code, _, err = cli(capsys, "render", WILD, "showCart", "--device", device, "-v")
    assert code == 1
    lines = err.splitlines()
    error = next(i for i, ln in enumerate(lines) if ln.startswith("wxreplay: error:"))
    before = lines[:error]
    assert 'console.info: [cart] attached, stored cart: [{"id":1,"name":"帆布包"}]' in before
    # the API's storage read, then the card's own one
    assert before.count('wx.getStorageSync "cart" -> [{"id": 1, "name": "帆布包"}]') == 2
    assert "-v shows" not in err


def test_a_card_failure_without_v_says_what_v_adds(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "render", WILD, "showCart")
    assert code == 1
    assert "console.info: [cart] attached, stored cart: " in err
    lines = err.splitlines()
    error = next(i for i, ln in enumerate(lines) if ln.startswith("wxreplay: error:"))
    assert lines[error - 1] == "wxreplay: -v shows the wx host call made before the failure below, with its outcome"


# ---- connection failures -----------------------------------------------------------------------------


def test_an_internet_host_that_does_not_resolve() -> None:
    code, _, err = live_cli("call", WILD, "fetchQuote", "--args", '{"symbol": "TCEHY"}')
    assert code == 1
    # what the skill sees is the client's errMsg, unchanged
    assert "request:fail errcode:-102 cronet_error_code:-102 error_msg:net::ERR_CONNECTION_REFUSED" in err
    (finding,) = [ln for ln in err.splitlines() if ln.endswith("[host]")]
    assert finding.startswith(
        "wxreplay: warning: wx.request GET https://quotes.wild-shapes.invalid/v1/quote?symbol=TCEHY could not connect: "
        "the host name quotes.wild-shapes.invalid does not resolve (DNS failure). "
        "quotes.wild-shapes.invalid is an internet host: tests do not reach it, they replay its answers from a cassette"
    )
    assert "--cassette FILE" in finding and "--record once" in finding
    assert "refused" not in finding and "running" not in finding


def test_a_local_service_that_is_not_running() -> None:
    port = closed_port()
    args = json.dumps({"symbol": "TCEHY", "base": f"http://127.0.0.1:{port}"})
    code, _, err = live_cli("call", WILD, "fetchQuote", "--args", args)
    assert code == 1
    (finding,) = [ln for ln in err.splitlines() if ln.endswith("[host]")]
    assert (
        f"could not connect: 127.0.0.1:{port} refused the connection (connection refused); "
        f"is the service at 127.0.0.1:{port} running?"
    ) in finding
    assert "cassette" not in finding and "DNS" not in finding


def test_recording_from_an_internet_host_that_does_not_resolve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cassette = tmp_path / "quote.yaml"
    argv = ["call", WILD, "fetchQuote", "--args", '{"symbol": "TCEHY"}', "--cassette", str(cassette), "--record", "once"]
    code, _, err = cli(capsys, *argv)
    assert code == 1 and not cassette.exists()
    assert (
        "recording failed: GET https://quotes.wild-shapes.invalid/v1/quote?symbol=TCEHY could not connect: "
        "the host name quotes.wild-shapes.invalid does not resolve (DNS failure)"
    ) in err
    assert "fix: check the host name quotes.wild-shapes.invalid in the skill's URL" in err
    assert "is it running?" not in err


def test_recording_from_a_local_service_that_is_not_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    cassette = tmp_path / "quote.yaml"
    args = json.dumps({"symbol": "TCEHY", "base": f"http://127.0.0.1:{port}"})
    code, _, err = cli(capsys, "call", WILD, "fetchQuote", "--args", args, "--cassette", str(cassette), "--record", "once")
    assert code == 1 and not cassette.exists()
    assert f"could not connect: 127.0.0.1:{port} refused the connection (connection refused)" in err
    assert f"fix: start the service at http://127.0.0.1:{port} (is it running?), then record again" in err


# ---- a dangling app.json link -------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["project", "project/app.json"])
def test_a_dangling_app_json_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    os.symlink("../shared/app.json", project / "app.json")
    monkeypatch.chdir(tmp_path)
    for command in (["describe", given], ["call", given, "anything"]):
        code, out, err = cli(capsys, *command)
        assert code == 2 and out == ""
        assert err.startswith(
            "wxreplay: error: project/app.json is a dangling symbolic link: it points to ../shared/app.json "
            "(that is shared/app.json), which does not exist\n"
        )
        assert "fix: restore shared/app.json, or replace the link with the file itself" in err
        assert "neither a Mini Program project" not in err

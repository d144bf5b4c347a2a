"""Issue 13 under pytest: a recording without answers fails and writes nothing; unused recordings warn (or fail, strict)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from plugin_support import LOGIN, write

TILL = Path(__file__).resolve().parents[1] / "skills" / "scripted-host"


def stopped_base() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_recording_with_the_service_stopped_fails_and_writes_nothing(pytester: pytest.Pytester) -> None:
    base = stopped_base()
    write(
        pytester.path,
        {
            "scenarios/menu.scenario.yaml": f"""\
                name: 菜单
                project: {TILL.as_posix()}
                device: {{storage: {{base: '{base}'}}}}
                turns:
                  - user: 菜单
                    plan:
                      - call: menu
                """
        },
    )
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("scenarios", "--wx-record", "once", "-p", "no:syrupy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*recording failed: GET {base}/menu could not connect*", f"*the service at {base}*"])
    assert not (pytester.path / "cassettes").exists()


def test_unused_recordings_warn_and_fail_under_strict(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/login.scenario.yaml": LOGIN})
    cafe.runpytest("scenarios/login.scenario.yaml", "--wx-record", "once", "-p", "no:syrupy").assert_outcomes(passed=1)
    write(cafe.path, {"scenarios/login.scenario.yaml": LOGIN.replace("call: login", "call: searchDrinks")})
    warned = cafe.runpytest("scenarios/login.scenario.yaml", "-p", "no:syrupy")
    warned.assert_outcomes(passed=1, warnings=1)
    warned.stdout.fnmatch_lines(["*UnusedRecordingsWarning: 1 recorded entry of *login.yaml was never used: entry 1*wx.login*"])
    strict = cafe.runpytest("scenarios/login.scenario.yaml", "-p", "no:syrupy", "--wx-strict")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*never used (--strict)*"])

"""One save policy (issue 13): a cassette is saved only after a passing run, or an xfail run failing at what it declares.

Run through pytest as users do (pytester over the mini-cafe project), for the ``wx_session``
fixture and for scenario items.
"""

from __future__ import annotations

import pytest
from plugin_support import LOGIN, write

FAILING = """
    import pytest

    def test_fails(wx_session):
        assert wx_session.call("login").structured_content["code"]
        assert False, "the test's own check fails"

    @pytest.mark.xfail(reason="pins a bug")
    def test_xfail_at_its_assertion(wx_session):
        assert wx_session.call("login").structured_content["code"] == "another code"

    @pytest.mark.xfail(reason="pins a bug")
    def test_xfail_at_a_wxreplay_error(wx_session):
        wx_session.call("login")
        wx_session.call("noSuchApi")
"""


def test_a_failing_wx_session_test_leaves_its_cassette_untouched(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(test_cafe=FAILING.replace("assert False", "assert True"))
    cafe.runpytest("test_cafe.py", "-k", "test_fails", "--wx-record", "once").assert_outcomes(passed=1, deselected=2)
    cassette = cafe.path / "cassettes" / "test_cafe" / "test_fails.yaml"
    before = cassette.read_bytes()
    cafe.makepyfile(test_cafe=FAILING)
    # Re-recording everything, the test fails after its traffic: the file keeps the last true recording.
    cafe.runpytest("test_cafe.py", "-k", "test_fails", "--wx-record", "all").assert_outcomes(failed=1, deselected=2)
    assert cassette.read_bytes() == before
    cassette.unlink()
    cafe.runpytest("test_cafe.py", "-k", "test_fails", "--wx-record", "once").assert_outcomes(failed=1, deselected=2)
    assert not cassette.exists()


def test_an_xfail_wx_session_test_records_when_it_fails_at_its_assertion(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(test_cafe=FAILING)
    result = cafe.runpytest("test_cafe.py", "-k", "xfail", "--wx-record", "once")
    result.assert_outcomes(xfailed=2, deselected=1)
    assert "name: login" in (cafe.path / "cassettes" / "test_cafe" / "test_xfail_at_its_assertion.yaml").read_text("utf-8")
    # failed at a wxreplay error (an unknown API), not at what it declares: nothing saved
    assert not (cafe.path / "cassettes" / "test_cafe" / "test_xfail_at_a_wxreplay_error.yaml").exists()
    # replayed from the recorded cassette, it xfails again at its assertion, not at a cassette miss
    again = cafe.runpytest("test_cafe.py", "-k", "xfail_at_its", "-rx")
    again.assert_outcomes(xfailed=1, deselected=2)
    assert "CassetteMissError" not in again.stdout.str()


XFAIL_SCENARIO = LOGIN.replace("name: 登录\n", "name: 登录\nxfail: pins a bug\n") + (
    "        expect: {structuredContent: {code: another code}}\n"
)


def test_an_xfail_scenario_records_its_cassette(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/login.scenario.yaml": XFAIL_SCENARIO})
    result = cafe.runpytest("scenarios/login.scenario.yaml", "--wx-record", "once", "-p", "no:syrupy")
    result.assert_outcomes(xfailed=1)
    cassette = cafe.path / "cassettes" / "login.yaml"
    assert "name: login" in cassette.read_text(encoding="utf-8")
    before = cassette.read_bytes()
    replay = cafe.runpytest("scenarios/login.scenario.yaml", "-p", "no:syrupy", "-rx")
    replay.assert_outcomes(xfailed=1)
    assert "no recording" not in replay.stdout.str() and "CassetteMissError" not in replay.stdout.str()
    assert cassette.read_bytes() == before


def test_an_xfail_scenario_failing_at_a_cassette_miss_fails(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/login.scenario.yaml": XFAIL_SCENARIO})
    result = cafe.runpytest("scenarios/login.scenario.yaml", "-p", "no:syrupy")  # no cassette, replay only
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no recording*", "*xfail: pins a bug: but it failed at the cassette, not at the bug it pins*"])

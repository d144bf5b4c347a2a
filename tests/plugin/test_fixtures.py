"""The fixtures for Python-written tests: wx_project, wx_session (with its cassette), wx_snapshot."""

from __future__ import annotations

import pytest

TESTS = """
    def test_project(wx_project):
        assert wx_project.skill().name == "cafe"

    def test_order(wx_session):
        found = wx_session.call("searchDrinks", {"keyword": "拿铁"})
        card = wx_session.render(found)
        assert card.find_text("拿铁").texts() == "拿铁"
        order = wx_session.call("createOrder", {"drinkId": 101})
        assert order.structured_content["user"] == "guest"

    class TestLogin:
        def test_login(self, wx_session):
            assert wx_session.call("login").structured_content["code"]
"""


def test_fixtures_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines_random(
        [
            "wx_project [[]session scope[]]*",
            "*The project configured with --wx-project / wxreplay_project, loaded.",
            "wx_session*",
            "*A Session on wx_project with the record mode and this test's cassette*",
            "wx_snapshot*",
            "*syrupy's snapshot with the wxreplay YAML extension*",
        ]
    )


def test_wx_project_and_wx_session(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(test_cafe=TESTS)
    result = cafe.runpytest("test_cafe.py", "-k", "not login")
    result.assert_outcomes(passed=2, deselected=1)


def test_wx_project_needs_a_configured_project(cafe: pytest.Pytester) -> None:
    cafe.makeini("[pytest]\n")
    cafe.makepyfile(test_cafe=TESTS)
    result = cafe.runpytest("test_cafe.py", "-k", "project")
    result.assert_outcomes(errors=1, deselected=2)
    result.stdout.fnmatch_lines(["*wx_project: no project configured: pass --wx-project PATH or set wxreplay_project*"])


def test_wx_session_records_into_a_cassette_named_after_the_test(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(test_cafe=TESTS)
    missing = cafe.runpytest("test_cafe.py", "-k", "login")
    missing.assert_outcomes(failed=1, deselected=2)
    missing.stdout.fnmatch_lines(["*CassetteMissError*", "*pytest 'test_cafe.py::TestLogin::test_login' --wx-record once*"])
    cafe.runpytest("test_cafe.py", "-k", "login", "--wx-record", "once").assert_outcomes(passed=1, deselected=2)
    cassette = cafe.path / "cassettes" / "test_cafe" / "TestLogin.test_login.yaml"
    assert "name: login" in cassette.read_text(encoding="utf-8")
    cafe.runpytest("test_cafe.py", "-k", "login").assert_outcomes(passed=1, deselected=2)  # replayed


def test_wx_session_uses_the_device_defaults(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(test_cafe=TESTS.replace('== "guest"', '== "alice"'))
    device = '{"storage": {"cafe:user": "alice"}}'
    cafe.runpytest("test_cafe.py", "-k", "order", "--wx-device", device).assert_outcomes(passed=1, deselected=2)

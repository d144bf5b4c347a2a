"""Record modes: names as vcrpy has them, the default, and CI forcing replay-only."""

from __future__ import annotations

import pytest

from wxreplay.cassette import RecordMode, resolve_mode
from wxreplay.errors import UsageError


@pytest.mark.parametrize("name", ["none", "once", "new_episodes", "all", "new-episodes", " ALL "])
def test_parse_names(name: str) -> None:
    assert RecordMode.parse(name).value == name.strip().lower().replace("-", "_")


def test_unknown_mode_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown record mode 'sometimes' \(valid: none, once, new_episodes, all\)"):
        RecordMode.parse("sometimes")


def test_default_is_replay_only() -> None:
    assert resolve_mode(None, env={}) is RecordMode.NONE


@pytest.mark.parametrize("ci", ["true", "1", "yes", "github"])
def test_ci_forces_none_for_a_configured_mode(ci: str) -> None:
    assert resolve_mode("all", env={"CI": ci}) is RecordMode.NONE
    assert resolve_mode(RecordMode.NEW_EPISODES, env={"CI": ci}) is RecordMode.NONE


@pytest.mark.parametrize("ci", ["", "0", "false", "no"])
def test_ci_off_values_do_not_force(ci: str) -> None:
    assert resolve_mode("once", env={"CI": ci}) is RecordMode.ONCE


def test_an_explicit_mode_wins_even_under_ci() -> None:
    assert resolve_mode("new_episodes", env={"CI": "true"}, explicit=True) is RecordMode.NEW_EPISODES


def test_ci_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert resolve_mode("all") is RecordMode.NONE
    monkeypatch.delenv("CI")
    assert resolve_mode("all") is RecordMode.ALL

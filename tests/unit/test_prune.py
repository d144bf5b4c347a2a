"""Unused cassette entries (issue 13): reported after a replay, an error under --strict, removed by `wxreplay prune`."""

from __future__ import annotations

from pathlib import Path

import pytest
from till_service import Till, scenario

from wxreplay.cassette import Cassette
from wxreplay.cli import main

LOGIN = "login: {code: 0c3till000000000000000000000000aa}"

BOTH = """
turns:
  - user: 登录并看菜单
    plan:
      - call: signin
      - call: menu
"""

SIGNIN = """
turns:
  - user: 登录
    plan:
      - call: signin
"""


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the record mode themselves."""
    monkeypatch.delenv("CI", raising=False)


def cli(tmp_path: Path, command: str, *args: str) -> int:
    # Cassettes are what these tests check, not snapshots: every run accepts its transcript.
    snapshots = ["--snapshot-update"] if command == "run" else []
    return main([command, str(tmp_path / "scenarios"), "--cassette-dir", str(tmp_path / "cassettes"), *snapshots, *args])


@pytest.fixture
def shrunk(tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]) -> Path:
    """A cassette recorded with signin + menu, under a scenario that now only signs in."""
    scenario(tmp_path, till.base, BOTH, device=LOGIN)
    assert cli(tmp_path, "run", "--record", "once") == 0
    scenario(tmp_path, till.base, SIGNIN, device=LOGIN)
    capsys.readouterr()
    return tmp_path / "cassettes" / "till.yaml"


def test_unused_entries_are_a_warning_after_a_replay(tmp_path: Path, shrunk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(tmp_path, "run") == 0
    out = capsys.readouterr()
    assert "PASS till" in out.out
    assert f"wxreplay: warning: 1 recorded entry of {shrunk} was never used" in out.err
    assert "entry 3 (line " in out.err and "/menu (API menu, #0, turn 1)" in out.err
    assert "wxreplay prune" in out.err and "--apply" in out.err


def test_unused_entries_fail_under_strict(tmp_path: Path, shrunk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = shrunk.read_bytes()
    assert cli(tmp_path, "run", "--strict") == 1
    out = capsys.readouterr().out
    assert "FAIL till" in out and "1 recorded entry of the cassette" in out and "never used (--strict)" in out
    assert shrunk.read_bytes() == before


def test_prune_is_a_dry_run_unless_apply(tmp_path: Path, shrunk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = shrunk.read_bytes()
    assert cli(tmp_path, "prune") == 0
    out = capsys.readouterr().out
    assert f"{shrunk.resolve()}: would remove 1 unused entry" in out and "/menu" in out
    assert "dry run: nothing was changed; re-run with --apply" in out
    assert shrunk.read_bytes() == before
    assert cli(tmp_path, "prune", "--apply") == 0
    assert "pruned 1 entry and 0 cassettes" in capsys.readouterr().out
    kept = Cassette.open(shrunk)
    assert [e["kind"] for e in kept.entries] == ["host", "http"]  # the login witness and POST /login
    assert kept.entries[1]["request"]["path"] == "/login"
    assert cli(tmp_path, "run", "--strict") == 0  # the pruned cassette replays, nothing unused
    assert "never used" not in capsys.readouterr().err
    assert cli(tmp_path, "prune") == 0
    assert "nothing to prune" in capsys.readouterr().out


def test_prune_removes_orphans_recorded_by_scenarios_only(tmp_path: Path, till: Till, capsys: pytest.CaptureFixture[str]) -> None:
    scenario(tmp_path, till.base, SIGNIN, device=LOGIN, name="gone")
    scenario(tmp_path, till.base, SIGNIN, device=LOGIN, name="kept")
    assert cli(tmp_path, "run", "--record", "once") == 0
    (tmp_path / "scenarios" / "gone.scenario.yaml").unlink()
    # a cassette of `wxreplay call` (entries without a turn) and one of a wx_session test (a sub-folder)
    call = tmp_path / "cassettes" / "call-menu.yaml"
    call.write_text((tmp_path / "cassettes" / "kept.yaml").read_text("utf-8").replace("turn: 1", "turn: null"), encoding="utf-8")
    nested = tmp_path / "cassettes" / "test_x" / "test_y.yaml"
    nested.parent.mkdir()
    nested.write_bytes((tmp_path / "cassettes" / "gone.yaml").read_bytes())
    capsys.readouterr()
    assert cli(tmp_path, "prune") == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'cassettes' / 'gone.yaml'}: would delete (an orphan" in out
    assert "call-menu" not in out and "test_y" not in out and "kept.yaml" not in out
    assert (tmp_path / "cassettes" / "gone.yaml").exists()
    assert cli(tmp_path, "prune", "--apply") == 0
    assert not (tmp_path / "cassettes" / "gone.yaml").exists()
    assert call.exists() and nested.exists() and (tmp_path / "cassettes" / "kept.yaml").exists()


def test_a_scenario_that_fails_in_replay_keeps_its_cassette(
    tmp_path: Path, shrunk: Path, till: Till, capsys: pytest.CaptureFixture[str]
) -> None:
    before = shrunk.read_bytes()
    scenario(tmp_path, till.base, SIGNIN + "        expect: {isError: true}\n", device=LOGIN)
    assert cli(tmp_path, "prune", "--apply") == 0
    out = capsys.readouterr()
    assert "left alone" in out.err and "does not pass in replay" in out.err
    assert "nothing to prune" in out.out
    assert shrunk.read_bytes() == before


def test_a_shared_cassette_keeps_what_any_scenario_uses(tmp_path: Path, shrunk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a second scenario naming the same cassette uses the menu entry the first one no longer needs
    (tmp_path / "scenarios" / "menu.scenario.yaml").write_text(
        (tmp_path / "scenarios" / "till.scenario.yaml")
        .read_text("utf-8")
        .replace("name: till", "name: menu")
        .replace("device:", f"cassette: {shrunk.as_posix()}\ndevice:")
        .replace("- call: signin", "- call: signin\n      - call: menu"),
        encoding="utf-8",
    )
    assert cli(tmp_path, "prune") == 0
    out = capsys.readouterr()
    assert "nothing to prune" in out.out and "left alone" not in out.err

"""Cassettes of scenarios: record modes, saving only passing runs, replaying what was recorded; `wxreplay run` states."""

from __future__ import annotations

from pathlib import Path

import pytest
from planner_support import PROJECT, play, write

from wxreplay.cassette import Cassette
from wxreplay.cli import main
from wxreplay.errors import CassetteMissError

LOGIN = """
device: {login: {code: 0c3planner0000000000000000000aa}}
turns:
  - user: 登录
    plan:
      - call: visit
      - call: login
        expect: {facts: 已登录}
  - restart
  - user: 再登录
    plan:
      - call: login
"""


@pytest.fixture(autouse=True)
def no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the record mode themselves."""
    monkeypatch.delenv("CI", raising=False)


def test_record_once_saves_a_passing_run_then_replays_it(tmp_path: Path) -> None:
    first = play(tmp_path, LOGIN, record="once")
    assert first.passed and first.recorded == 2
    cassette = Cassette.open(tmp_path / "cassettes" / "t.yaml")
    assert [(e["turn"], e["api"], e["call"]["name"]) for e in cassette.entries] == [(1, "login", "login"), (3, "login", "login")]
    before = (tmp_path / "cassettes" / "t.yaml").read_bytes()
    again = play(tmp_path, LOGIN, record="once")  # the cassette exists: replay only
    assert again.passed and again.recorded == 0
    assert again.transcript.to_json() == first.transcript.to_json()
    assert (tmp_path / "cassettes" / "t.yaml").read_bytes() == before


def test_the_scenario_record_mode_applies_unless_the_options_say_otherwise(tmp_path: Path) -> None:
    run = play(tmp_path, "record: once\n" + LOGIN)
    assert run.passed and run.recorded == 2
    (tmp_path / "cassettes" / "t.yaml").unlink()
    run = play(tmp_path, "record: once\n" + LOGIN, record="none", record_explicit=True)
    assert not run.passed and isinstance(run.failure.cause if run.failure else None, CassetteMissError)


def test_ci_replays_only_unless_the_mode_was_explicit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    f = play(tmp_path, "record: once\n" + LOGIN).failure
    assert f is not None and f.step == "turn 1 › login"
    assert f.reason == "login failed: no recording: the cassette does not exist yet, and record mode none replays only"
    assert isinstance(f.cause, CassetteMissError) and f.cause.turn == 1
    assert f"wxreplay run {f.file} --record once" in str(f.cause) and "scenario 测试, turn 1, API login" in str(f.cause)
    assert play(tmp_path, LOGIN, record="once", record_explicit=True).recorded == 2


def test_a_failing_run_records_nothing(tmp_path: Path) -> None:
    run = play(tmp_path, LOGIN.replace("已登录", "未登录"), record="all")
    assert run.failure is not None and run.recorded == 0
    assert not (tmp_path / "cassettes" / "t.yaml").exists()


def test_a_named_cassette_is_used(tmp_path: Path) -> None:
    run = play(tmp_path, "cassette: tapes/login.yaml\n" + LOGIN, record="once")
    assert run.recorded == 2 and (tmp_path / "tapes" / "login.yaml").is_file()
    assert run.transcript.cassette == "tapes/login.yaml"


def test_wxreplay_run_states(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    ok = "turns:\n  - user: hi\n    plan: [{call: visit}]\n"
    write(tmp_path / "scenarios", ok, name="a.scenario.yaml")
    write(tmp_path / "scenarios", "skip: 还没写完\n" + ok, name="b.scenario.yaml")
    write(tmp_path / "scenarios", "xfail: 已知问题\n" + ok.replace("{call: visit}", "{call: throws}"), name="c.scenario.yaml")
    write(tmp_path / "scenarios", "xfail: 已修好\n" + ok, name="d.scenario.yaml")
    assert main(["run", "--snapshot-update"]) == 0  # new scenarios: their snapshots are written (pytest fails them otherwise)
    out = capsys.readouterr().out.splitlines()
    assert [ln.split(" (")[0] for ln in out[:4]] == ["PASS a", "SKIP b", "XFAIL c", "XPASS d"]
    assert out[-1] == "2 passed, 0 failed, 1 skipped, 1 xfailed"
    assert main(["run"]) == 0  # and checked from now on
    assert main(["run", "scenarios/a.scenario.yaml", "--project", str(PROJECT), "--strict"]) == 0


def test_a_corrupt_cassette_fails_its_scenario_only(tmp_path: Path) -> None:
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "t.yaml").write_text("version: 1\nentries: [\n", encoding="utf-8")
    f = play(tmp_path, LOGIN).failure
    assert f is not None and f.step == "start" and f.reason.startswith("the cassette ") and "cannot be read" in f.reason
    assert "t.yaml" in str(f.cause) and f.fix is not None and "--record all" in f.fix


def test_projects_are_reused_until_a_file_changes(tmp_path: Path) -> None:
    import shutil

    from wxreplay.project import load_project

    copy = tmp_path / "lab"
    shutil.copytree(PROJECT, copy)
    first = load_project(copy)
    assert load_project(copy) is first
    skill_md = copy / "skills" / "shop" / "SKILL.md"
    skill_md.write_text(skill_md.read_text(encoding="utf-8") + "\n更多说明。\n", encoding="utf-8")
    assert load_project(copy) is not first

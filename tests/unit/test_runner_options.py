"""RunOptions beyond the record mode: device defaults, the record command a miss suggests, checking once."""

from __future__ import annotations

from pathlib import Path

import pytest
from planner_support import PROJECT, passes, play, write

from wxreplay.cli import main
from wxreplay.errors import ScenarioError
from wxreplay.project import load_project
from wxreplay.runner import RunOptions, check_scenario, run_scenario
from wxreplay.scenario import DeviceSetup, load_scenario, parse_device

VISIT = """
turns:
  - user: 来了
    plan:
      - call: visit
"""


def total(run_options: dict[str, object], tmp_path: Path, body: str = VISIT) -> object:
    """``structuredContent.total`` of the first call (storage ``visits`` + 1)."""
    run = passes(tmp_path, body, **run_options)
    return run.transcript.turns[0].steps[0].result["structuredContent"]["total"]  # type: ignore[index]


def test_device_defaults_apply_under_the_scenarios_own_device(tmp_path: Path) -> None:
    defaults = parse_device('{"storage": {"visits": 10}, "seed": 7}')
    assert total({"device": defaults}, tmp_path) == 11
    own = "device: {storage: {visits: 100}}\n" + VISIT
    assert total({"device": defaults}, tmp_path, own) == 101  # the scenario's own key wins


def test_with_defaults_merges_mappings_and_fills_unset_fields() -> None:
    own = DeviceSetup(storage={"a": 1}, seed=3)
    defaults = DeviceSetup(storage={"a": 0, "b": 2}, seed=9, timezone="Asia/Tokyo", payments=("cancel",))
    merged = own.with_defaults(defaults)
    assert merged.storage == {"a": 1, "b": 2} and merged.seed == 3
    assert merged.timezone == "Asia/Tokyo" and merged.payments == ("cancel",)
    assert own.with_defaults(None) is own


def test_parse_device_errors_are_located_in_the_text() -> None:
    with pytest.raises(ScenarioError) as e:
        parse_device('{"sede": 7}', file="--device")
    assert str(e.value).startswith("--device:1:2: unknown key `sede` in `device`") and "did you mean `seed`?" in str(e.value)
    with pytest.raises(ScenarioError, match="--device must be a JSON object of device keys"):
        parse_device("[1]", file="--device")


def test_a_miss_suggests_the_configured_record_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    body = "device: {login: {code: 0c3planner0000000000000000000aa}}\n" + VISIT.replace("call: visit", "call: login")
    failure = play(tmp_path, body, record_command="tox -e record -- {file} --mode {mode}").failure
    assert failure is not None
    assert f"tox -e record -- {failure.file} --mode once" in str(failure.cause)
    assert "wxreplay run" not in str(failure.cause)


def test_a_checked_scenario_is_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(write(tmp_path, VISIT))
    options = RunOptions(cassette_dir=tmp_path / "cassettes")
    checked = check_scenario(scenario, options)
    assert checked[0] is load_project(PROJECT) and checked[1].name == "shop"

    def unexpected(*_: object, **__: object) -> None:
        raise AssertionError("checked twice")

    monkeypatch.setattr("wxreplay.runner.validate_scenario", unexpected)
    assert run_scenario(scenario, options, checked=checked).passed
    with pytest.raises(AssertionError, match="checked twice"):
        run_scenario(scenario, options)


def test_check_scenario_names_the_line_of_an_unknown_api(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, VISIT.replace("call: visit", "call: vist")))
    with pytest.raises(ScenarioError) as e:
        check_scenario(scenario)
    assert str(e.value).startswith(f"{scenario.file}:6:15: unknown API") and "vist" in str(e.value)


def test_wxreplay_run_takes_device_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = VISIT + "        expect: {structuredContent: {total: 6}}\n"
    write(tmp_path, body, name="v.scenario.yaml")
    assert main(["run", "v.scenario.yaml"]) == 1
    assert main(["run", "v.scenario.yaml", "--device", '{"storage": {"visits": 5}}', "--snapshot-update"]) == 0
    capsys.readouterr()
    assert main(["run", "v.scenario.yaml", "--device", '{"sede": 1}']) == 2
    err = capsys.readouterr().err
    assert "wxreplay: error: --device:1:2: unknown key `sede` in `device`" in err and "Traceback" not in err

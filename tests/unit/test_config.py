"""Root discovery: the rootdir and inifile pytest would pick, found from the paths given, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _pytest.config.findpaths import locate_config

from wxreplay.config import discover
from wxreplay.errors import UsageError
from wxreplay.runner import RunOptions, cassette_path, redaction_rules
from wxreplay.scenario import load_scenario

# name -> files of the layout (relative to tmp_path); the scenario is always at proj/sub/scenarios/x.scenario.yaml
LAYOUTS: dict[str, dict[str, str]] = {
    "pyproject with ini_options": {"proj/pyproject.toml": "[tool.pytest.ini_options]\naddopts = ''\n"},
    "pyproject without a pytest table, below a pytest.ini": {
        "pytest.ini": "[pytest]\n",
        "proj/pyproject.toml": "[project]\nname = 'x'\n",
    },
    "pyproject without a pytest table only": {"proj/pyproject.toml": "[project]\nname = 'x'\n"},
    "empty pytest.ini wins over the pyproject beside it": {
        "proj/sub/pytest.ini": "",
        "proj/pyproject.toml": "[tool.pytest.ini_options]\n",
    },
    "tox.ini with [pytest]": {"proj/tox.ini": "[pytest]\nwxreplay_record = none\n", "pyproject.toml": "[tool.pytest]\n"},
    "tox.ini without [pytest] is skipped": {"proj/sub/tox.ini": "[tox]\n", "proj/setup.cfg": "[tool:pytest]\n"},
    "setup.cfg with [tool:pytest]": {"proj/sub/setup.cfg": "[tool:pytest]\nwxreplay_project = ..\n"},
    "native [tool.pytest]": {"proj/pyproject.toml": "[tool.pytest]\nwxreplay_strict = true\n"},
    "pytest.toml": {"proj/sub/pytest.toml": "[pytest]\n", "proj/pyproject.toml": "[tool.pytest.ini_options]\n"},
}


def _layout(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    scenario = tmp_path / "proj" / "sub" / "scenarios" / "x.scenario.yaml"
    scenario.parent.mkdir(parents=True, exist_ok=True)
    scenario.write_text("name: x\nturns:\n  - user: 你好\n    plan: [{reply: 好}]\n", encoding="utf-8")
    return scenario


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_root_is_the_one_pytest_finds(tmp_path: Path, layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _layout(tmp_path, LAYOUTS[layout])
    rootdir, inifile, _, _ = locate_config(tmp_path, [scenario.parent])  # pytest's own search
    for cwd in (tmp_path, Path("/")):  # the working directory changes nothing
        monkeypatch.chdir(cwd)
        for given in (scenario, scenario.parent):
            found = discover([given])
            assert (found.root, found.inifile) == (rootdir, inifile)


def test_ini_keys_resolve_from_the_inifile(tmp_path: Path) -> None:
    scenario = _layout(tmp_path, {"proj/pytest.ini": "[pytest]\nwxreplay_cassette_dir = tapes\nwxreplay_strict = true\n"})
    config = discover([scenario])
    assert config.cassette_dir == tmp_path / "proj" / "tapes" and config.flag("strict")
    assert config.value("skill") is None and not config.flag("missing")


def test_without_any_configuration_the_root_is_the_scenario_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _layout(tmp_path, {})
    monkeypatch.chdir("/")
    assert discover([scenario]).root == scenario.parent
    assert discover([scenario]).cassette_dir == scenario.parent / "cassettes"


def test_a_broken_configuration_file_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    scenario = _layout(tmp_path, {"proj/pyproject.toml": "[tool.pytest.ini_options\n"})
    with pytest.raises(UsageError, match=r"proj/pyproject.toml: cannot be read as pytest configuration"):
        discover([scenario])


def test_cassettes_and_redaction_rules_come_from_the_root_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _layout(
        tmp_path,
        {"proj/pyproject.toml": '[tool.pytest.ini_options]\n\n[tool.wxreplay.redact]\nextra_fields = ["memberNo"]\n'},
    )
    loaded = load_scenario(scenario)
    for cwd in (tmp_path, Path("/"), scenario.parent):
        monkeypatch.chdir(cwd)
        assert cassette_path(loaded) == tmp_path / "proj" / "cassettes" / "x.yaml"
        assert cassette_path(loaded, RunOptions(cassette_dir=Path("tapes"))) == tmp_path / "proj" / "tapes" / "x.yaml"
        rules = redaction_rules(discover([scenario]))
        assert "memberNo" in rules.extra_fields
    assert os.path.isabs(cassette_path(loaded))


LOGIN = """
device: {login: {code: 0c3planner0000000000000000000aa}}
turns:
  - user: 登录
    plan:
      - call: login
"""


def test_a_recording_from_another_folder_uses_the_roots_cassettes_and_redaction_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner_support import write

    from wxreplay.runner import run_path

    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\n\n[tool.wxreplay.redact]\nextra_fields = ["errMsg"]\n', encoding="utf-8"
    )
    (tmp_path / "scenarios").mkdir()
    scenario = write(tmp_path / "scenarios", LOGIN)
    monkeypatch.chdir("/")
    run = run_path(scenario, RunOptions(record="once", record_explicit=True))
    assert run.recorded == 1 and run.cassette == tmp_path / "cassettes" / "t.yaml"
    text = (tmp_path / "cassettes" / "t.yaml").read_text(encoding="utf-8")
    assert "errMsg: <redacted:errMsg#1>" in text  # the root's [tool.wxreplay.redact], read from /
    assert not Path("/cassettes").exists()

"""``wxreplay init``: the ini keys land in pytest's configuration without loss, and a second run changes nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from test_scaffold import make_shop, run_cli

from wxreplay.config import discover

PYPROJECT = """\
# The shop's tooling. Keep this comment.
[project]
name = "shop-skill"   # not Python, but the tools live here
version = "1.0.0"

[tool.pytest.ini_options]
addopts = [
    "-q",
    "--strict-markers",
]
markers = ["slow: slow tests"]
# a comment at the end of the table

[[tool.mypy.overrides]]
module = "x"

[tool.ruff]
line-length = 100
"""


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_extends_pyproject_without_loss_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shop(tmp_path / "miniprogram")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "init")
    assert code == 0, err
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    # every old line is there, in order; the keys sit in the table, after its last key
    assert [line for line in text.splitlines() if not line.startswith("wxreplay_")] == PYPROJECT.splitlines()
    assert (
        'markers = ["slow: slow tests"]\nwxreplay_project = "miniprogram"\nwxreplay_cassette_dir = "cassettes"\n# a comment'
        in text
    )
    data = tomllib.loads(text)
    assert data["tool"]["pytest"]["ini_options"]["addopts"] == ["-q", "--strict-markers"]
    assert discover([tmp_path / "scenarios"]).path("project") == tmp_path / "miniprogram"  # what the runners read
    assert (tmp_path / "scenarios" / "smoke.scenario.yaml").is_file()
    assert (tmp_path / "scenarios" / "scenario.schema.json").is_file()
    assert (tmp_path / "cassettes").is_dir()
    assert "added to pyproject.toml: wxreplay_project = miniprogram, wxreplay_cassette_dir = cassettes" in out
    assert "CI: add this workflow as .github/workflows/wxreplay.yml" in out and "pytest scenarios" in out
    assert not (tmp_path / ".github").exists()  # written only with --github-workflow

    before = files_of(tmp_path)
    code, out, err = run_cli(capsys, "init")
    assert code == 0
    assert "nothing to do: wxreplay is already set up in . (nothing was changed)" in out
    assert files_of(tmp_path) == before

    # the scaffolded suite runs as configured: no project named on the command line
    code, out, err = run_cli(capsys, "run", "--snapshot-update")
    assert code == 0 and "PASS smoke" in out, out + err
    assert run_cli(capsys, "run")[0] == 0


def test_init_creates_pyproject_and_writes_the_workflow_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_shop(tmp_path / "repo")
    code, out, err = run_cli(capsys, "init", str(tmp_path / "repo"), "--github-workflow")
    assert code == 0, err
    assert (tmp_path / "repo" / "pyproject.toml").read_text(encoding="utf-8") == (
        '[tool.pytest.ini_options]\nwxreplay_project = "."\nwxreplay_cassette_dir = "cassettes"\n'
    )
    workflow = (tmp_path / "repo" / ".github" / "workflows" / "wxreplay.yml").read_text(encoding="utf-8")
    assert "wxreplay scan cassettes scenarios" in workflow
    assert "CI: add this workflow" not in out
    before = files_of(tmp_path)
    code, out, _ = run_cli(capsys, "init", str(tmp_path / "repo"), "--github-workflow")
    assert code == 0 and "nothing to do" in out and files_of(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "content", "section"),
    [
        ("pytest.ini", "[pytest]\n; our options\naddopts = -q\n    --tb=short\n\n[other]\nx = 1\n", "pytest"),
        ("tox.ini", "[tox]\nenvlist = py312\n\n[pytest]\ntestpaths = tests\n", "pytest"),
        ("setup.cfg", "[metadata]\nname = shop\n\n[tool:pytest]\nminversion = 8\n", "tool:pytest"),
    ],
)
def test_init_edits_the_ini_file_pytest_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, section: str
) -> None:
    make_shop(tmp_path / "app")
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # pytest reads the ini file first
    code, _out, err = run_cli(capsys, "init", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == '[project]\nname = "x"\n'
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if not line.startswith("wxreplay_")] == content.splitlines()
    config = discover([tmp_path / "scenarios"])
    assert config.inifile == tmp_path / name and config.path("project") == tmp_path / "app"
    assert config.value("cassette_dir") == "cassettes"


def test_a_key_already_set_is_kept_and_a_layout_it_cannot_edit_safely_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shop(tmp_path / "app")
    kept = '[tool.pytest.ini_options]\nwxreplay_cassette_dir = "recordings"\n'
    (tmp_path / "pyproject.toml").write_text(kept, encoding="utf-8")
    code, out, _ = run_cli(capsys, "init", str(tmp_path))
    assert code == 0
    assert "kept wxreplay_cassette_dir = recordings in pyproject.toml (init would write cassettes)" in out
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"] == {
        "wxreplay_cassette_dir": "recordings",
        "wxreplay_project": "app",
    }

    other = tmp_path / "other"
    make_shop(other / "app")
    dotted = '[tool]\npytest.ini_options.addopts = "-q"   # dotted keys: no [tool.pytest.ini_options] header\n'
    (other / "pyproject.toml").write_text(dotted, encoding="utf-8")
    code, out, err = run_cli(capsys, "init", str(other))
    assert code == 2
    assert "cannot add the wxreplay keys to [tool.pytest.ini_options] safely" in err
    assert 'wxreplay_project = "app"' in err  # the lines to add by hand
    assert (other / "pyproject.toml").read_text(encoding="utf-8") == dotted


def test_init_errors_name_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "init", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err
    code, _, err = run_cli(capsys, "init", str(tmp_path))
    assert code == 2 and "no skill package under" in err and "--project" in err
    make_shop(tmp_path / "a")
    make_shop(tmp_path / "b")
    code, _, err = run_cli(capsys, "init", str(tmp_path))
    assert code == 2 and "2 packages under" in err and "a, b" in err and "say which one with --project" in err
    code, _, err = run_cli(capsys, "init", str(tmp_path), "--project", str(tmp_path / "a"), "--skill", "shpo")
    assert code == 2 and "did you mean 'shop'?" in err
    assert not (tmp_path / "pyproject.toml").exists()  # nothing written before the input was checked


def test_windows_line_endings_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_shop(tmp_path / "app")
    original = b'[project]\r\nname = "x"\r\n\r\n[tool.pytest.ini_options]\r\naddopts = "-q"\r\n'
    (tmp_path / "pyproject.toml").write_bytes(original)
    assert run_cli(capsys, "init", str(tmp_path))[0] == 0
    assert (tmp_path / "pyproject.toml").read_bytes() == original + (
        b'wxreplay_project = "app"\r\nwxreplay_cassette_dir = "cassettes"\r\n'
    )

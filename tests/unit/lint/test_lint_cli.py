"""``wxreplay lint`` as a user runs it: formats, exit codes, selection, settings, suppression, --list-rules/--explain.

Each test runs the real console entry point (``wxreplay.cli.main``) in this process over a project
written to tmp_path; one test runs it as a subprocess to see colours stay off a pipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lint_support import CARD, SKILL, Proj

from wxreplay.cli import main
from wxreplay.lint import all_rules

EXAMPLE = Path(__file__).parents[3] / "examples" / "westore-cafe"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def broken(tmp_path: Path) -> Path:
    """The clean project with one error (getApp) and one warning (a card tap without hover-class)."""
    proj = Proj()
    proj.sub(f"{SKILL}/apis/getItem.js", "  return {", "  const app = getApp()\n  return {")
    proj.sub(f"{CARD}.wxml", ' hover-class="hover"', "")
    return proj.write(tmp_path / "proj")


def test_example_project_lints_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """The example passes, even --strict; the only note is the destructive-API review (info never fails)."""
    code, out, _ = run(capsys, str(EXAMPLE), "--strict")
    assert code == 0
    assert "0 error(s), 0 warning(s)" in out


def test_text_groups_by_file_with_path_line_col_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = broken(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "proj")
    assert code == 1
    assert "proj/skills/shop/apis/getItem.js:2:15: WXR109 (V001) getApp() in skill code" in out
    assert f"proj/{CARD}.wxml:1:1: WXR307 <view> reacts to taps but has no hover-class [warning]" in out
    assert "\n    fix: " in out and "\x1b[" not in out
    assert out.rstrip().endswith("2 findings: 1 error(s), 1 warning(s), 0 info")
    assert root.is_dir()


def test_exit_codes_follow_the_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = Proj()
    proj.sub(f"{CARD}.wxml", ' hover-class="hover"', "")  # a warning only
    root = proj.write(tmp_path)
    assert run(capsys, str(root))[0] == 0
    assert run(capsys, str(root), "--strict")[0] == 1
    assert run(capsys, str(tmp_path / "missing"))[0] == 2
    assert run(capsys, str(root), "--select", "WXR999")[0] == 2


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = broken(tmp_path)
    code, out, _ = run(capsys, str(root), "--ignore", "WXR109")
    assert code == 0 and "WXR109" not in out and "WXR307" in out
    code, out, _ = run(capsys, str(root), "--select", "WXR3")
    assert code == 0 and "WXR109" not in out and "WXR307" in out
    code, out, _ = run(capsys, str(root), "--select", "V001")  # the platform's id selects the rules that show it
    assert code == 1 and "WXR109" in out and "WXR307" not in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(broken(tmp_path)), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"]["error"] == 1 and doc["summary"]["warning"] == 1
    first = doc["findings"][0]
    assert first["rule"] == "WXR109" and first["platform_rule"] == "V001" and first["line"] == 2 and first["severity"] == "error"


def test_sarif_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(broken(tmp_path)), "--format", "sarif")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == "2.1.0"
    driver = doc["runs"][0]["tool"]["driver"]
    assert {r["id"] for r in driver["rules"]} == {r.id for r in all_rules()}
    results = doc["runs"][0]["results"]
    levels = sorted(r["level"] for r in results)
    assert levels == ["error", "warning"]
    region = next(r for r in results if r["ruleId"] == "WXR109")["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 15}
    assert driver["rules"][next(r["ruleIndex"] for r in results if r["ruleId"] == "WXR109")]["id"] == "WXR109"


def test_settings_from_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = broken(tmp_path)
    (root / "pyproject.toml").write_text('[tool.wxreplay.lint]\nignore = ["WXR109"]\nstrict = true\n', encoding="utf-8")
    code, out, _ = run(capsys, str(root))
    assert code == 1 and "WXR109" not in out and "WXR307" in out  # strict from the file: the warning fails
    (root / "pyproject.toml").write_text(
        '[tool.wxreplay.lint]\nper-file-ignores = { "skills/*/apis/*.js" = ["WXR109"] }\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, str(root))
    assert code == 0 and "WXR109" not in out and "(1 suppressed)" in out
    (root / "pyproject.toml").write_text('[tool.wxreplay.lint]\nignor = ["WXR109"]\n', encoding="utf-8")
    code, _, err = run(capsys, str(root))
    assert code == 2 and "unknown key(s) ignor" in err


def test_inline_suppression_silences_one_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = Proj()
    proj.sub(f"{SKILL}/apis/getItem.js", "  return {", "  getApp() // wxreplay-lint: disable=WXR109\n  getApp()\n  return {")
    proj.sub(
        f"{CARD}.wxml",
        '<view class="card" hover-class="hover"',
        '<!-- wxreplay-lint: disable-next-line=WXR307 -->\n<view class="card"',
    )
    code, out, _ = run(capsys, str(proj.write(tmp_path)))
    assert code == 1
    assert "getItem.js:3:3: WXR109" in out and "getItem.js:2:" not in out  # only the unmarked line
    assert "WXR307" not in out and "(2 suppressed)" in out


def test_suppression_names_the_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = Proj()
    proj.sub(f"{SKILL}/apis/getItem.js", "  return {", "  getApp() // wxreplay-lint: disable=WXR110\n  return {")
    assert run(capsys, str(proj.write(tmp_path)))[0] == 1


def test_list_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--list-rules")
    assert code == 0 and len(out.splitlines()) == len(all_rules())
    assert "WXR201 (V007)  error    every API index.js registers is declared in mcp.json" in out
    code, out, _ = run(capsys, "--explain", "wxr310")
    assert code == 0 and out.startswith("WXR310 (V003): scroll-view") and "severity: error" in out
    code, _, err = run(capsys, "--explain", "WXR000")
    assert code == 2 and "no lint rule 'WXR000'" in err


def test_colours_only_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = broken(tmp_path)
    piped = subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "lint", str(root)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])}, check=False,
    )  # fmt: skip
    assert piped.returncode == 1 and "\x1b[" not in piped.stdout and "WXR109" in piped.stdout
    code, out, _ = run(capsys, str(root), "--color", "always")
    assert code == 1 and "\x1b[31mWXR109 (V001)\x1b[0m" in out


def test_several_targets_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = Proj().write(tmp_path / "good")
    code, out, _ = run(capsys, str(good), str(broken(tmp_path)), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and len(doc["summary"]["targets"]) == 2
    assert all("proj" in f["file"] for f in doc["findings"])


KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_committed_key_is_reported_masked_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    proj = Proj()
    proj.files[f"{SKILL}/utils/config.js"] = f"module.exports = {{\n  apiKey: '{KEY}'\n}}\n"
    code, out, err = run(capsys, str(proj.write(tmp_path)), "--format", fmt)
    assert code == 1 and "WXR114" in out
    assert KEY not in out + err and KEY[8:24] not in out + err


PHONE = "13812345678"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_skills_own_error_text_is_printed_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """WXR214 reports what index.js threw, in the skill's words: a key or a phone in them is masked (as `wxreplay run` does)."""
    proj = Proj()
    proj.files[f"{SKILL}/index.js"] = f"throw new Error('config broken: apiKey={KEY} phone {PHONE}')\n"
    code, out, err = run(capsys, str(proj.write(tmp_path)), "--format", fmt)
    assert code == 1 and "WXR214" in out and "config broken" in out
    assert KEY not in out + err and KEY[8:24] not in out + err and PHONE not in out + err
    if fmt != "text":
        json.loads(out)  # the placeholders leave the document valid


def test_a_crash_report_is_printed_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wxreplay.lint import registry

    def boom(ctx: object) -> list[object]:
        raise RuntimeError(f"rule bug on apiKey={KEY}")

    monkeypatch.setitem(registry.CHECKS, "WXR101", boom)
    code, _, err = run(capsys, str(Proj().write(tmp_path)))
    assert code == 2 and "rule bug on apiKey=" in err and KEY not in err


def test_a_crashing_rule_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from wxreplay.lint import registry

    def boom(ctx: object) -> list[object]:
        raise RuntimeError("rule bug")

    monkeypatch.setitem(registry.CHECKS, "WXR101", boom)
    code, _, err = run(capsys, str(Proj().write(tmp_path)))
    assert code == 2 and "internal error in rule WXR101" in err and "rule bug" in err


def test_a_folder_that_is_no_project_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    code, out, err = run(capsys, str(tmp_path))
    assert code == 2 and out == "" and "neither a Mini Program project nor a skill" in err

"""What the commands print for a person: ``run -q``, ``scan``'s account of what it read, ``describe``'s
tables (and its JSON), and the README's editor set-up for the scenario JSON Schema.

The CLI runs in-process (``main``) with pytest's captured streams, which are no terminal: what a pipe
gets. The subprocess and terminal cases are in ``test_cli_terminal.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from e2e_support import EXAMPLE_ARG, ROOT

from wxreplay.cli import main
from wxreplay.project import Project
from wxreplay.term import display_width

PICKER = ROOT / "tests" / "skills" / "tap-picker"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---- run -q ---------------------------------------------------------------------------------------


def test_quiet_prints_only_the_summary_when_everything_passes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli(
        capsys, "run", "-q", "scenarios/latte-less-sugar.scenario.yaml", "scenarios/memory-warning.scenario.yaml"
    )
    assert (code, out, err) == (0, "2 passed, 0 failed\n", "")


def test_quiet_prints_the_failures_with_their_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = f"project: {PICKER.as_posix()}\nturns:\n  - user: 看看货架\n    plan:\n      - call: shelf\n      - render: shelf\n"
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a-ok.scenario.yaml").write_text("name: 好\n" + head, encoding="utf-8")
    (folder / "b-bad.scenario.yaml").write_text("name: 坏\n" + head + "  - tap: {card: shelf, text: 页脚}\n", encoding="utf-8")
    (folder / "c-skip.scenario.yaml").write_text("name: 跳过\nskip: 以后再说\n" + head, encoding="utf-8")
    assert main(["run", str(folder), "--snapshot-update"]) == 1  # writes a-ok's snapshot; b-bad fails
    capsys.readouterr()
    code, out, _ = cli(capsys, "run", str(folder), "-q")
    assert code == 1
    lines = out.splitlines()
    assert re.fullmatch(r"FAIL b-bad \(\d+ ms\)", lines[0])
    assert "- tap: {card: shelf, text: 拿铁, index: 1}" in out  # the report, with its suggested taps
    assert "PASS" not in out and "SKIP" not in out
    assert lines[-1] == "1 passed, 1 failed, 1 skipped"
    code, loud, _ = cli(capsys, "run", str(folder))
    assert re.search(r"^PASS a-ok \(\d+ ms\)$", loud, re.M) and "SKIP c-skip (以后再说)" in loud
    assert loud.splitlines()[-1] == lines[-1]


def test_quiet_and_verbose_do_not_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "-q", "-v"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# ---- scan says what it read -----------------------------------------------------------------------


def test_a_clean_scan_says_what_it_checked(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = sorted((ROOT / "cassettes").rglob("*.yaml"))
    entries = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["entries"]) for f in files)
    size = sum(f.stat().st_size for f in files)
    code, out, err = cli(capsys, "scan", "cassettes")
    assert (code, out) == (0, "")  # stdout: one line per hit, none here
    counted = f"{len(files)} files ({len(files)} cassettes, {entries:,} entries), {size:,} bytes"
    assert err == f"wxreplay: scanned {counted}: no possible secret\n"
    snapshots = sorted((ROOT / "scenarios" / "__snapshots__").rglob("*.yaml"))
    code, out, err = cli(capsys, "scan", "scenarios/__snapshots__", "scenarios/__snapshots__")  # a file is read once
    snap_size = sum(f.stat().st_size for f in snapshots)
    assert (code, out) == (0, "")
    assert err == f"wxreplay: scanned {len(snapshots)} files, {snap_size:,} bytes: no possible secret\n"


def test_a_scan_of_nothing_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.md").write_text("nothing to scan", encoding="utf-8")
    code, out, err = cli(capsys, "scan", str(tmp_path))
    assert (code, out) == (0, "")
    assert err == (
        f"wxreplay: scanned 0 files: nothing to check under {tmp_path} (it reads .yaml, .yml, .json, .ambr and .txt files)\n"
    )


def test_a_dirty_scan_counts_its_hits_beside_what_it_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cassette = tmp_path / "leak.yaml"
    shutil.copy(ROOT / "cassettes" / "call-searchDrinks.yaml", cassette)
    text = cassette.read_text(encoding="utf-8")
    cassette.write_text(text.replace("content-type: application/json", "authorization: Bearer abcdefghijklmnopqrstuvwxyz0123", 1))
    entries = len(yaml.safe_load(cassette.read_text(encoding="utf-8"))["entries"])
    code, out, err = cli(capsys, "scan", str(cassette))
    assert code == 1 and out.count("\n") == 1 and out.startswith(f"{cassette}:")
    size = cassette.stat().st_size
    counted = f"1 file (1 cassette, {entries} entr{'y' if entries == 1 else 'ies'}), {size:,} bytes"
    assert f"wxreplay: scanned {counted}: 1 possible secret\n" in err
    assert "abcdefghijklmnopqrstuvwxyz0123" not in out + err


# ---- describe --------------------------------------------------------------------------------------


def test_describe_prints_tables_of_apis_and_cards(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "describe", EXAMPLE_ARG)
    assert code == 0 and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "project examples/westore-cafe: a Mini Program project"
    assert "  instruction AGENTS.md, page metadata page-meta.json, lazyCodeLoading requiredComponents" in lines
    assert "  subpackage skills (independent)" in lines
    assert "skill coffee (skills/coffee, subpackage skills, SKILL.md)" in lines
    data = Project.load(ROOT / EXAMPLE_ARG).describe()
    skill = data["skills"][0]
    header = next(i for i, ln in enumerate(lines) if ln.startswith("  API "))
    api_rows = lines[header + 1 : header + 1 + len(skill["apis"])]
    for api, row in zip(skill["apis"], api_rows, strict=True):
        cells = re.split(r"  +", row.strip())
        assert cells[:4] == [api["name"], api["component"] or "-", api["page"] or "-", "yes" if api["output_schema"] else "no"]
        assert api["description"].startswith(cells[4].rstrip("…"))
    card_header = next(i for i, ln in enumerate(lines) if ln.startswith("  card "))
    card_rows = lines[card_header + 1 : card_header + 1 + len(skill["components"])]
    for card, row in zip(skill["components"], card_rows, strict=True):
        cells = re.split(r"  +", row.strip())
        assert cells[0] == card["path"] and cells[-1] == ", ".join(card["apis"])
    # columns line up on screen: a CJK character takes two columns
    for block in (lines[header : header + 1 + len(api_rows)], lines[card_header : card_header + 1 + len(card_rows)]):
        starts = {_column_starts(ln) for ln in block}
        assert len(starts) == 1, block
    assert "expirable" in lines[card_header] and "yes (订单已支付或已取消)" in out


def _column_starts(line: str) -> tuple[int, ...]:
    """The display column where each cell of a table row starts (cells are two or more spaces apart)."""
    return tuple(display_width(line[: m.start()]) for m in re.finditer(r"(?:(?<=  )|^  )\S", line))


def test_describe_json_keeps_every_field(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "describe", EXAMPLE_ARG, "--json")
    assert code == 0
    assert json.loads(out) == Project.load(ROOT / EXAMPLE_ARG).describe()
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"  # the same text as before tables


def test_describe_of_a_skill_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "describe", str(PICKER))
    assert code == 0
    assert out.splitlines()[0].endswith(": a skill directory (no app.json)")
    assert re.search(r"^  shelf +components/shelf/index +- +yes +列出今日货架上的商品", out, re.M)
    assert re.search(r"^  components/shelf/index +/pages/shelf/shelf +no +no +shelf$", out, re.M)


# ---- the README's editor set-up --------------------------------------------------------------------


def _readme_blocks(section: str) -> dict[str, list[str]]:
    """The fenced blocks of the README paragraph starting with ``section``, by language."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(section)
    end = readme.index("\n**", start + len(section))
    blocks: dict[str, list[str]] = {}
    for lang, body in re.findall(r"```(\w*)\n(.*?)```", readme[start:end], re.S):
        blocks.setdefault(lang, []).append(body)
    return blocks


def _glob_matches(pattern: str, path: str) -> bool:
    """VS Code's glob (``**`` any folders, ``*`` within one name) against a path relative to the workspace."""
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    return re.fullmatch(regex, path) is not None


def test_the_readme_editor_set_up_points_at_the_schema_it_tells_users_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = _readme_blocks("**Editor set-up.**")
    (command,) = blocks["bash"]
    match = re.fullmatch(r"wxreplay schema > (\S+)\n", command)
    assert match, command
    written = match.group(1)
    # the user's repository: this one's scenarios, the schema written as the README says
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios", ignore=shutil.ignore_patterns("__snapshots__"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(capsys, "schema")
    assert code == 0
    (tmp_path / written).write_text(out, encoding="utf-8")
    schema = json.loads((tmp_path / written).read_text(encoding="utf-8"))

    (top,) = blocks["yaml"]
    modeline = top.splitlines()[0]
    ref = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", modeline)
    assert ref, modeline
    for scenario in sorted((tmp_path / "scenarios").glob("*.scenario.yaml")):
        # the modeline's path is relative to the scenario file: it must reach the schema written above
        assert (scenario.parent / ref.group(1)).resolve() == (tmp_path / written).resolve()
        with_modeline = modeline + "\n" + scenario.read_text(encoding="utf-8")
        jsonschema.validate(yaml.safe_load(with_modeline), schema)  # the scenarios are valid under it
    assert yaml.safe_load(top)["name"]  # the block is the top of a real scenario: YAML with a name

    (settings_text,) = blocks["json"]
    settings = json.loads(settings_text)
    ((schema_path, glob),) = settings["yaml.schemas"].items()
    assert (tmp_path / schema_path).resolve() == (tmp_path / written).resolve()  # relative to the workspace root
    scenarios = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "scenarios").rglob("*.scenario.yaml")]
    assert scenarios and all(_glob_matches(glob, p) for p in scenarios)
    assert _glob_matches(glob, "latte.scenario.yaml") and _glob_matches(glob, "a/b/c.scenario.yaml")
    assert not _glob_matches(glob, "cassettes/latte.yaml") and not _glob_matches(glob, "scenarios/x.scenario.yml")

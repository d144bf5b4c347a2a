"""The example's scenario suite (scenarios/): replayed with the service stopped, deterministic, and `wxreplay run`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CASSETTES, EXAMPLE, ROOT, SCENARIOS, wxreplay

from wxreplay.conversation import RunOptions, ScenarioRun, run_path
from wxreplay.scenario import collect_files, schema_text

FILES = collect_files([SCENARIOS])
STEMS = [f.name.removesuffix(".scenario.yaml") for f in FILES]
OPTIONS = RunOptions(cassette_dir=CASSETTES)


@pytest.fixture(scope="module")
def suite() -> dict[str, ScenarioRun]:
    """Every scenario of scenarios/, replayed in file order."""
    return {stem: run_path(f, OPTIONS) for stem, f in zip(STEMS, FILES, strict=True)}


# ---- the suite ----------------------------------------------------------------------------------
def test_the_suite_covers_the_example_and_each_scenario_has_its_cassette() -> None:
    assert len(FILES) >= 8
    assert sorted(STEMS) == sorted(
        [
            "background-returning-user",
            "change-sugar-level",
            "latte-less-sugar",
            "memory-warning",
            "order-not-found",
            "order-status-polling",
            "payment-cancelled",
            "payment-failed",
            "restart-mid-order",
        ]
    )
    for stem in STEMS:
        assert (CASSETTES / f"{stem}.yaml").is_file(), f"{stem} has no recorded cassette"


def test_every_scenario_passes(suite: dict[str, ScenarioRun]) -> None:
    failed = {stem: run.failure.render() for stem, run in suite.items() if run.failure is not None}
    assert failed == {}


def test_the_suite_is_clean_under_strict() -> None:
    strict = RunOptions(cassette_dir=CASSETTES, strict=True)
    failed = {f.name: run.failure.render() for f in FILES if (run := run_path(f, strict)).failure is not None}
    assert failed == {}


def test_the_suite_makes_no_connection_attempt(connections: list[Any]) -> None:
    runs = [run_path(f, OPTIONS) for f in FILES]
    assert [r.failure for r in runs] == [None] * len(runs) and connections == []


def test_what_the_scenarios_show(suite: dict[str, ScenarioRun]) -> None:
    def host_calls(run: ScenarioRun, session: int) -> list[str]:
        return [
            h["name"]
            for t in run.transcript.to_dict()["turns"]
            if t["session"] == session
            for s in t["steps"]
            for h in s.get("hostCalls", [])
        ]

    back = suite["background-returning-user"].transcript
    assert [(s.index, s.ended_by) for s in back.sessions] == [(1, "background 30m"), (2, None)]
    assert back.sessions[1].started_at_ms - back.sessions[0].started_at_ms == 30 * 60_000
    assert "login" in host_calls(suite["background-returning-user"], 1)
    assert "login" not in host_calls(suite["background-returning-user"], 2)  # the stored token is reused
    restart = suite["restart-mid-order"].transcript
    assert [s.ended_by for s in restart.sessions] == ["restart", "new_session", None]
    polling = suite["order-status-polling"].transcript
    advances = [s for s in polling.steps if s.kind == "lifecycle" and s.event and s.event["name"] == "advance"]
    assert [len([h for h in s.host_calls if h["name"] == "request"]) for s in advances] == [1, 2, 1]
    background = next(s for s in polling.steps if s.kind == "lifecycle" and s.event and s.event["name"] == "background")
    assert background.host_calls == [] and background.cards == []  # nothing runs in the background
    failed = suite["payment-failed"].transcript
    pays = [s for s in failed.steps if s.api == "payOrder"]
    assert [p.result["isError"] for p in pays if p.result] == [True, False]
    latte = suite["latte-less-sugar"].transcript.to_dict()
    assert [t["kind"] for t in latte["turns"]] == ["user", "tap", "tap", "tap", "tap", "lifecycle"]
    assert "WS00" not in json.dumps(latte, ensure_ascii=False)  # saved order ids are masked in the stable form


# ---- determinism --------------------------------------------------------------------------------
_SCRIPT = """
import json, sys
from pathlib import Path
from wxreplay.conversation import RunOptions, run_path
opts = RunOptions(cassette_dir=Path(sys.argv[1]))
out = {}
for f in sys.argv[2:]:
    run = run_path(Path(f), opts)
    assert run.failure is None, run.failure.render()
    out[Path(f).name] = run.transcript.to_json()
sys.stdout.write(json.dumps(out, ensure_ascii=False))
"""


def test_transcripts_are_identical_in_any_order_in_one_process(suite: dict[str, ScenarioRun]) -> None:
    again = {f.name.removesuffix(".scenario.yaml"): run_path(f, OPTIONS).transcript.to_json() for f in reversed(FILES)}
    assert again == {stem: run.transcript.to_json() for stem, run in suite.items()}


def test_transcripts_are_identical_in_two_processes_in_other_orders(suite: dict[str, ScenarioRun], tmp_path: Path) -> None:
    expected = {f.name: suite[stem].transcript.to_json() for stem, f in zip(STEMS, FILES, strict=True)}
    orders = [[str(f) for f in reversed(FILES)], [str(f) for f in FILES[1::2] + FILES[::2]]]
    for cwd, order in zip((ROOT, tmp_path), orders, strict=True):  # another working directory too
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(CASSETTES), *order],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": str(len(order) + len(str(cwd)))},
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected


# ---- wxreplay run --------------------------------------------------------------------------------
def test_wxreplay_run_with_no_arguments_replays_the_suite(service_stopped: None) -> None:
    done = wxreplay("run")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.splitlines()
    assert [re.sub(r"\(\d+ ms\)", "(N ms)", ln) for ln in out[:-1]] == [f"PASS {stem} (N ms)" for stem in STEMS]
    assert out[-1] == f"{len(STEMS)} passed, 0 failed"
    assert done.stderr == ""


def test_verbose_prints_each_conversation(service_stopped: None) -> None:
    done = wxreplay("run", "scenarios/latte-less-sugar.scenario.yaml", "-v")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("PASS latte-less-sugar (")
    for text in (
        "  user: 点一杯 WeStore 拿铁，少糖",
        '  call searchDrinks {"keyword":"拿铁"}',
        "    fact: 已找到 4 款与「拿铁」相关的饮品（¥28.00 起）。",
        "    action: 请展示饮品列表卡片",
        '  tap drink-list "拿铁" -> message "我想看看拿铁" [api/call selectDrink {"drinkId":101}]',
        "    card drink-list:",
        '        view.tile hover-class=tile-hover @tap=onTapDrink data={"drinkId":101}',
        "  advance 5s",
        "    card order-status re-rendered:",
    ):
        assert text in out, text
    assert out.splitlines()[-1] == "1 passed, 0 failed"


def test_json_writes_the_stable_transcripts(service_stopped: None, suite: dict[str, ScenarioRun], tmp_path: Path) -> None:
    done = wxreplay("run", "scenarios", "--json", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{stem}.json" for stem in STEMS)
    for stem, run in suite.items():
        assert (tmp_path / "out" / f"{stem}.json").read_text(encoding="utf-8") == run.transcript.to_json()


def _copy_latte(tmp_path: Path, edit: tuple[str, str]) -> Path:
    text = (SCENARIOS / "latte-less-sugar.scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("project: ../examples/westore-cafe", f"project: {EXAMPLE.as_posix()}")
    assert edit[0] in text
    path = tmp_path / "latte-less-sugar.scenario.yaml"
    path.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    return path


def test_a_failing_scenario_is_reported_readably(service_stopped: None, tmp_path: Path) -> None:
    path = _copy_latte(tmp_path, ("status: CREATED, totalPrice: 28}", "status: CREATED, totalPrice: 31}"))
    done = wxreplay("run", str(path), "--cassette-dir", str(CASSETTES))
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"^FAIL latte-less-sugar \(\d+ ms\)$", out, re.M)
    assert f"  {path}:66: turn 4 › createOrder: expect: not met (1 difference)" in out
    assert "    57 |   - tap: 确认下单" in out
    assert "  > 66 |           structuredContent: {specs: {sugar: less, size: medium}" in out
    assert "  > 68 |           host_calls: [login, request]" in out and "    69 |       - render: createOrder" in out
    assert '    planned: call createOrder {"drinkId":101,"specs":{"sugar":"less","size":"medium"}}' in out
    assert "      turn 4 › createOrder › structuredContent.totalPrice: expected 31, got 28" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_a_cassette_miss_names_the_command_that_records_it(service_stopped: None, tmp_path: Path) -> None:
    path = _copy_latte(tmp_path, ("args: {keyword: 拿铁}", "args: {keyword: 美式}"))
    done = wxreplay("run", str(path), "--cassette-dir", str(tmp_path), env={"CI": "true"})
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "turn 1 › searchDrinks: searchDrinks failed: no recording: the cassette does not exist yet" in done.stdout
    assert "CassetteMissError:" in done.stdout and "record mode none replays only" in done.stdout
    assert f"fix: record it (with the service running): wxreplay run {path} --record once" in done.stdout
    assert not (tmp_path / "latte-less-sugar.yaml").exists()


def test_load_and_usage_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.scenario.yaml"
    bad.write_text("name: 坏的\nturns:\n  - user: hi\n    plan: [{call: searchDrinks, args: {keyword: 拿铁}\n", encoding="utf-8")
    done = wxreplay("run", str(bad))
    assert done.returncode == 2 and done.stdout.splitlines() == ["ERROR bad", "0 passed, 0 failed, 1 errors"]
    assert f"wxreplay: error: {bad}:" in done.stderr and "invalid YAML" in done.stderr and "Traceback" not in done.stderr
    done = wxreplay("run", cwd=tmp_path)
    assert done.returncode == 2 and "no scenarios/ folder here" in done.stderr
    done = wxreplay("run", "nowhere")
    assert done.returncode == 2 and "no such file or directory: nowhere" in done.stderr


def test_schema_prints_the_json_schema() -> None:
    done = wxreplay("schema")
    assert done.returncode == 0 and done.stdout == schema_text()
    assert json.loads(done.stdout)["title"]


# ---- recording ----------------------------------------------------------------------------------
def test_recording_a_scenario_then_replaying_it_gives_the_same_transcript(
    live_service: None, tmp_path: Path, suite: dict[str, ScenarioRun]
) -> None:
    work = tmp_path / "work"  # a fresh clone: pyproject.toml, the example, one scenario and its snapshot, no cassette yet
    shutil.copytree(EXAMPLE, work / "examples" / "westore-cafe", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")  # the root: cassettes/ is found beside it
    (work / "scenarios").mkdir()
    shutil.copy(SCENARIOS / "order-not-found.scenario.yaml", work / "scenarios")
    snapshots = Path("__snapshots__") / "order-not-found.scenario"
    shutil.copytree(SCENARIOS / snapshots, work / "scenarios" / snapshots)
    done = wxreplay("run", "--record", "once", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wxreplay: recorded 6 new entries into cassettes/order-not-found.yaml" in done.stderr
    cassette = work / "cassettes" / "order-not-found.yaml"
    assert wxreplay("scan", str(cassette)).returncode == 0
    again = wxreplay("run", "--json", "out", cwd=work, env={"CI": "1"})
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == "1 passed, 0 failed"
    replayed = (work / "out" / "order-not-found.json").read_text(encoding="utf-8")
    assert replayed == suite["order-not-found"].transcript.to_json()  # recorded today = recorded then, byte for byte


def test_http_exchanges_reference_their_cassette_entries(suite: dict[str, ScenarioRun]) -> None:
    # The transcript shows HTTP by reference: the 1-based entry of the cassette that answered it.
    run = suite["latte-less-sugar"]
    requests = [
        h for t in run.transcript.to_dict()["turns"] for s in t["steps"] for h in s.get("hostCalls", []) if h["name"] == "request"
    ]
    assert requests and all(isinstance(h.get("cassetteRef"), int) for h in requests)
    refs = [h["cassetteRef"] for h in requests]
    assert refs == sorted(refs) and len(set(refs)) == len(refs)

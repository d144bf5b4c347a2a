"""Paths like pytest's rootdir, two runners one verdict: ``wxreplay run`` and ``pytest`` from any folder agree.

Everything runs as a user runs it: the CLI and pytest in their own processes, from the repository,
from ``/`` and from a temp dir, over the committed suite and over a fresh copy of the project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from e2e_support import CASSETTES, EXAMPLE, ROOT, SCENARIOS, wxreplay


def _verdicts(out: str) -> list[str]:
    return [re.sub(r" \(\d+ ms\)", "", ln) for ln in out.splitlines()]


def test_wxreplay_run_gives_the_same_verdicts_from_any_folder(service_stopped: None, tmp_path: Path) -> None:
    runs = {cwd: wxreplay("run", str(SCENARIOS), cwd=cwd) for cwd in (ROOT, Path("/"), tmp_path)}
    for cwd, done in runs.items():
        assert done.returncode == 0, f"from {cwd}: {done.stdout}{done.stderr}"
        assert _verdicts(done.stdout) == _verdicts(runs[ROOT].stdout)
        assert "--record" not in done.stdout + done.stderr  # nothing suggests recording in the wrong place
        assert "PASS latte-less-sugar" in done.stdout and done.stdout.splitlines()[-1] == "9 passed, 0 failed"
    assert not (tmp_path / "cassettes").exists() and not Path("/cassettes").exists()


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh copy of the project: its pyproject.toml, the example, one scenario with its snapshot and cassette."""
    root = tmp_path / "clone"
    shutil.copytree(EXAMPLE, root / "examples" / "westore-cafe", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "scenarios").mkdir()
    shutil.copy(SCENARIOS / "order-not-found.scenario.yaml", root / "scenarios")
    shutil.copytree(
        SCENARIOS / "__snapshots__" / "order-not-found.scenario",
        root / "scenarios" / "__snapshots__" / "order-not-found.scenario",
    )
    (root / "cassettes").mkdir()
    shutil.copy(CASSETTES / "order-not-found.yaml", root / "cassettes")
    return root


def test_a_copy_of_the_project_replays_from_slash_with_both_runners(service_stopped: None, clone: Path) -> None:
    cli = wxreplay("run", str(clone / "scenarios"), cwd=Path("/"))
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert _verdicts(cli.stdout) == ["PASS order-not-found", "1 passed, 0 failed"]
    tests = _pytest(str(clone / "scenarios"), cwd=Path("/"))
    assert tests.returncode == 0 and "1 passed" in tests.stdout, tests.stdout


def test_a_missing_cassette_points_at_the_root_not_the_working_directory(
    service_stopped: None, clone: Path, tmp_path: Path
) -> None:
    (clone / "cassettes" / "order-not-found.yaml").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = wxreplay("run", str(clone / "scenarios"), cwd=elsewhere, env={"CI": "1"})
    assert done.returncode == 1 and "FAIL order-not-found" in done.stdout
    assert str(clone / "cassettes" / "order-not-found.yaml") in done.stdout  # the cassette of the project, named
    assert f"wxreplay run {clone}/scenarios/order-not-found.scenario.yaml --record once" in done.stdout
    tests = _pytest(str(clone / "scenarios"), cwd=elsewhere)
    assert tests.returncode == 1 and str(clone / "cassettes" / "order-not-found.yaml") in tests.stdout
    # the suggested command names the file as pytest finds it from here, not by its id relative to the rootdir
    assert f"pytest '{clone}/scenarios/order-not-found.scenario.yaml::查询不存在的订单与饮品' --wx-record once" in tests.stdout
    assert not (elsewhere / "cassettes").exists()


NEW = ("name: 查询不存在的订单与饮品", "name: 新场景：查询不存在的订单\ncassette: ../cassettes/order-not-found.yaml")


def test_a_new_scenario_gets_the_same_verdict_from_both_runners(service_stopped: None, clone: Path, tmp_path: Path) -> None:
    text = (clone / "scenarios" / "order-not-found.scenario.yaml").read_text(encoding="utf-8")
    (clone / "scenarios" / "new.scenario.yaml").write_text(text.replace(*NEW), encoding="utf-8")
    slash = Path("/")
    # No snapshot yet: pytest (syrupy) fails it, so does wxreplay run, naming the file to write.
    tests = _pytest(str(clone / "scenarios"), cwd=slash)
    assert tests.returncode == 1 and "1 failed, 1 passed" in tests.stdout, tests.stdout
    cli = wxreplay("run", str(clone / "scenarios"), cwd=tmp_path)
    assert cli.returncode == 1 and _verdicts(cli.stdout)[0] == "FAIL new", cli.stdout
    snapshot = clone / "scenarios" / "__snapshots__" / "new.scenario" / "新场景：查询不存在的订单.yaml"
    shown = snapshot.relative_to(tmp_path).as_posix()  # as paths are shown: from the working directory
    assert f"no snapshot yet: {shown}" in cli.stdout and f"1 snapshot(s) missing: {shown}" in cli.stderr
    assert _verdicts(cli.stdout)[-1] == "1 passed, 1 failed"
    # wxreplay run --snapshot-update writes the file pytest reads: both pass from then on.
    update = wxreplay("run", str(clone / "scenarios"), "--snapshot-update", cwd=slash)
    assert update.returncode == 0 and snapshot.is_file(), update.stdout + update.stderr
    assert _pytest(str(clone / "scenarios"), cwd=slash).returncode == 0
    assert wxreplay("run", str(clone / "scenarios"), cwd=tmp_path).returncode == 0
    # A changed outcome fails both, against that same file.
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("WS9999", "WS9998"), encoding="utf-8")
    tests = _pytest(str(clone / "scenarios"), cwd=slash)
    cli = wxreplay("run", str(clone / "scenarios"), cwd=slash)
    assert tests.returncode == 1 and "1 failed, 1 passed" in tests.stdout, tests.stdout
    assert cli.returncode == 1 and "the snapshot differs" in cli.stdout and "WS9998" in cli.stdout


def test_k_x_and_junitxml_select_and_report_as_pytest_does(service_stopped: None, tmp_path: Path) -> None:
    for expression in ("latte", "payment and not failed", "not (smoke or polling)", "scenarios and 订单"):
        tests = _pytest(str(SCENARIOS), "-k", expression, "--co", cwd=tmp_path)
        selected = sorted(re.findall(r"::(.+)$", tests.stdout, re.M))
        cli = wxreplay("run", str(SCENARIOS), "-k", expression, "--junitxml", str(tmp_path / "cli.xml"), cwd=tmp_path)
        assert cli.returncode == 0, cli.stdout + cli.stderr
        junit = ET.parse(tmp_path / "cli.xml").getroot()
        assert sorted(c.get("name") or "" for c in junit.iter("testcase")) == selected, expression
        assert f"{9 - len(selected)} deselected" in cli.stdout or len(selected) == 9
    # The same JUnit testcases as pytest's
    _pytest(str(SCENARIOS), "-k", "payment", "--junitxml", str(tmp_path / "pytest.xml"), cwd=tmp_path)
    wxreplay("run", str(SCENARIOS), "-k", "payment", "--junitxml", str(tmp_path / "cli.xml"), cwd=tmp_path)
    cases = [
        sorted((c.get("classname"), c.get("name")) for c in ET.parse(tmp_path / f).getroot().iter("testcase"))
        for f in ("pytest.xml", "cli.xml")
    ]
    assert cases[0] == cases[1] and len(cases[0]) >= 2


def test_x_stops_at_the_first_failure(service_stopped: None, clone: Path) -> None:
    text = (clone / "scenarios" / "order-not-found.scenario.yaml").read_text(encoding="utf-8")
    (clone / "scenarios" / "a-new.scenario.yaml").write_text(text.replace(*NEW), encoding="utf-8")  # fails: no snapshot
    done = wxreplay("run", str(clone / "scenarios"), "-x", cwd=Path("/"))
    assert done.returncode == 1 and _verdicts(done.stdout)[0] == "FAIL a-new"
    assert "order-not-found" not in done.stdout and done.stdout.splitlines()[-1] == "0 passed, 1 failed"


def test_call_without_a_cassette_says_it_is_live(service_stopped: None) -> None:
    args = ("call", "examples/westore-cafe", "searchDrinks", "--args", '{"keyword":"拿铁"}')
    live = wxreplay(*args)
    assert live.stderr.startswith(
        "wxreplay: live: no --cassette, so wx.request goes to the real network "
        "(to replay or record, add --cassette cassettes/call-searchDrinks.yaml)\n"
    )
    replayed = wxreplay(*args, "--cassette", "cassettes/call-searchDrinks.yaml", cwd=ROOT)
    assert replayed.returncode == 0 and "live" not in replayed.stderr
    elsewhere = wxreplay(
        *args[:1], str(EXAMPLE), *args[2:], "--cassette", str(CASSETTES / "call-searchDrinks.yaml"), cwd=Path("/")
    )
    assert elsewhere.returncode == 0 and elsewhere.stdout == replayed.stdout  # same answer from any folder

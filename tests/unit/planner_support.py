"""Helpers for the planner and runner tests: scenarios over tests/skills/planner-lab, written to tmp dirs and run."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from wxreplay.runner import RunOptions, ScenarioFailure, ScenarioRun, run_path

PROJECT = Path(__file__).resolve().parents[1] / "skills" / "planner-lab"


def write(tmp_path: Path, body: str, name: str = "t.scenario.yaml") -> Path:
    """A scenario file over planner-lab: ``name`` and ``project`` first, then ``body`` (dedented)."""
    path = tmp_path / name
    header = f"name: 测试\nproject: {PROJECT.as_posix()}\n"
    path.write_text(header + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def play(tmp_path: Path, body: str, **options: Any) -> ScenarioRun:
    """Run ``body`` (see :func:`write`); cassettes go to ``tmp_path/cassettes``."""
    return run_path(write(tmp_path, body), RunOptions(cassette_dir=tmp_path / "cassettes", **options))


def passes(tmp_path: Path, body: str, **options: Any) -> ScenarioRun:
    """Run ``body``; it must pass."""
    run = play(tmp_path, body, **options)
    assert run.failure is None, run.failure.render()
    return run


def fails(tmp_path: Path, body: str, **options: Any) -> ScenarioFailure:
    """Run ``body``; it must fail: return the failure (its report must never hold a Python traceback)."""
    run = play(tmp_path, body, **options)
    assert run.failure is not None, run.transcript.to_text()
    report = run.failure.render()
    assert "Traceback" not in report and report.startswith(run.failure.file)
    return run.failure


def lines(failure: ScenarioFailure) -> list[str]:
    """The differences of a failure, one line each."""
    return [d.describe() for d in failure.differences]

"""Helpers for scenarios over tests/skills/pay-followup: a card that pays from its Result handler and
then sends a follow-up message outside any tap. Scenarios are real YAML files in tmp dirs; the
scripted payment outcome is recorded once into the tmp cassette, then replayed, as a user's run does."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from wxreplay.runner import RunOptions, ScenarioFailure, ScenarioRun, run_path

PAY = Path(__file__).resolve().parents[1] / "skills" / "pay-followup"

#: A user orders; the pay-card pays while rendering and sends "我已完成支付" + api/call confirmPayment.
ORDER = """
turns:
  - user: 来一杯拿铁
    plan:
      - call: createOrder
        args: {item: 拿铁}
      - render: createOrder
"""


def write(tmp_path: Path, body: str, *, payments: str = "[success]", name: str = "pay.scenario.yaml") -> Path:
    """A scenario file over pay-followup: ``name``, ``project`` and ``device`` first, then ``body`` (dedented)."""
    path = tmp_path / name
    header = f"name: 支付后续\nproject: {PAY.as_posix()}\ndevice: {{payments: {payments}}}\n"
    path.write_text(header + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def play(tmp_path: Path, body: str, *, payments: str = "[success]", **options: Any) -> ScenarioRun:
    """Run ``body``: the scripted payment outcome is recorded once into ``tmp_path/cassettes``, then replayed."""
    options.setdefault("record", "once")
    options.setdefault("record_explicit", True)
    return run_path(write(tmp_path, body, payments=payments), RunOptions(cassette_dir=tmp_path / "cassettes", **options))


def passes(tmp_path: Path, body: str, **options: Any) -> ScenarioRun:
    """Run ``body``; it must pass."""
    run = play(tmp_path, body, **options)
    assert run.failure is None, run.failure.render()
    return run


def fails(tmp_path: Path, body: str, **options: Any) -> ScenarioFailure:
    """Run ``body``; it must fail, with a report holding no Python traceback."""
    run = play(tmp_path, body, **options)
    assert run.failure is not None, run.transcript.to_text()
    report = run.failure.render()
    assert "Traceback" not in report and report.startswith(run.failure.file)
    return run.failure

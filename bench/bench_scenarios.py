"""Scenario benchmark: replaying the example's suite (scenarios/ + cassettes/), in-process and with `wxreplay run`.

Run: ``python bench/bench_scenarios.py [--rounds N] [--copies 200]``. Prints, against the targets of
issue 5 (2 cores):

* the replay time of the latte scenario in-process after warm-up (target: median under 50 ms),
  unpinned and pinned to one CPU;
* the replay time of the whole suite in-process;
* the wall time of ``wxreplay run`` over a generated suite of ``--copies`` scenarios (copies of the
  example's scenarios under new names, each with a copy of its cassette, in a temp dir), one process.
  The ``pytest -n 2`` figure for the same suite is the pytest plugin's benchmark.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import measure, report, summary

from wxreplay.runner import RunOptions, ScenarioRun, run_scenario
from wxreplay.scenario import Scenario, collect_files, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
CASSETTES = ROOT / "cassettes"
EXAMPLE = ROOT / "examples" / "westore-cafe"
SUFFIX = ".scenario.yaml"


def generate(target: Path, copies: int) -> int:
    """``copies`` scenarios in ``target`` (cassettes in ``target/cassettes``): the suite's files, renamed and retitled."""
    files = collect_files([SCENARIOS])
    (target / "cassettes").mkdir(parents=True)
    for i in range(copies):
        source = files[i % len(files)]
        stem = source.name.removesuffix(SUFFIX)
        name = f"{stem}-{i:03d}"
        text = source.read_text(encoding="utf-8")
        text = text.replace("project: ../examples/westore-cafe", f"project: {EXAMPLE.as_posix()}", 1)
        text = text.replace("\nname: ", f"\nname: No.{i:03d} ", 1)
        (target / f"{name}{SUFFIX}").write_text(text, encoding="utf-8")
        (target / "cassettes" / f"{name}.yaml").write_bytes((CASSETTES / f"{stem}.yaml").read_bytes())
    return copies


def run_cli(suite: Path, *args: str) -> tuple[float, str]:
    """Wall time (s) of ``wxreplay run`` over ``suite`` in a fresh process, and its summary line."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "run", str(suite), "--cassette-dir", str(suite / "cassettes"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - t
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    if done.returncode != 0:
        raise SystemExit(f"wxreplay run failed ({done.returncode}): {last}\n{done.stderr[-2000:]}")
    return elapsed, last


def in_process(rounds: int) -> list[str]:
    options = RunOptions(cassette_dir=CASSETTES)
    latte = load_scenario(SCENARIOS / "latte-less-sugar.scenario.yaml")
    suite = [load_scenario(f) for f in collect_files([SCENARIOS])]

    def play(scenario: Scenario) -> ScenarioRun:
        run = run_scenario(scenario, options)
        assert run.failure is None, run.failure.render()
        return run

    for _ in range(5):  # warm-up: first V8 start, compiled card templates, schema validators
        for s in suite:
            play(s)
    lines = [summary("latte scenario (6 turns, 5 calls, 4 cards, 4 taps)", measure(lambda: play(latte), rounds), 50)]
    whole = measure(lambda: [play(s) for s in suite], max(rounds // 5, 5))
    lines.append(summary(f"whole suite ({len(suite)} scenarios)", whole))
    lines.append(summary("  per scenario", [ms / len(suite) for ms in whole]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--copies", type=int, default=200)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite"
        suite.mkdir()
        n = generate(suite, ns.copies)
        run_cli(suite, "--snapshot-update")  # create the snapshots once, untimed: the timed run checks them
        seconds, line = run_cli(suite)
        print(
            f"wxreplay run over a generated suite of {n} scenarios (one process, unpinned): "
            f"{seconds:.2f} s wall, {seconds / n * 1000:.1f} ms per scenario  [{line}]"
        )
    report(f"wxreplay scenario replay benchmark ({ns.rounds} rounds)", lambda: in_process(ns.rounds))


if __name__ == "__main__":
    main()

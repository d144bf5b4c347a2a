"""pytest plugin benchmark: the generated 200-scenario suite under ``pytest`` and ``pytest -n 2``, and the plugin's cost.

Run: ``python bench/bench_plugin.py [--copies 200] [--rounds 3]``. Prints, against the targets of
issue 6 (2 cores):

* the wall time of ``pytest`` and of ``pytest -n 2`` over a generated suite of ``--copies``
  scenarios (``bench_scenarios.generate``: the example's scenarios renamed, each with its cassette),
  snapshots included (created once beforehand with ``--snapshot-update``), each in a fresh process;
* the plugin's overhead per item: the same suite run in-process through ``pytest.main`` against
  ``load_scenario`` + ``run_scenario`` called directly (target: under 10%), unpinned and pinned to one
  CPU. The overhead holds collection (parsing, the check against the project), pytest's own
  machinery, the snapshot (serialising the transcript, syrupy's comparison) and reporting.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from bench_scenarios import generate
from benchlib import measure, report, summary

from wxreplay.conversation import RunOptions, run_scenario
from wxreplay.scenario import collect_files, load_scenario
from wxreplay.snapshot import snapshot_data, snapshot_yaml

QUIET = ["-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning"]


def pytest_wall(suite: Path, *args: str) -> float:
    """Wall time (s) of ``pytest`` over ``suite`` in a fresh process; it must pass."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", *QUIET, *args], cwd=suite, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def overhead(suite: Path, rounds: int) -> list[str]:
    """In-process: pytest.main over the suite against the engine called directly, per scenario."""
    files = collect_files([suite])
    options = RunOptions(cassette_dir=suite / "cassettes")

    def direct() -> None:
        for f in files:
            assert run_scenario(load_scenario(f), options).failure is None

    def through_pytest(*args: str) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main([str(suite), *QUIET, "--rootdir", str(suite), *args])
        assert code == 0, f"pytest exited {code}"

    cwd = Path.cwd()
    os.chdir(suite)
    try:
        direct()  # warm-up: first V8 start, compiled templates, validators, imported plugins
        through_pytest()
        engine: list[float] = []
        plugin: list[float] = []
        bare: list[float] = []
        for _ in range(rounds):  # interleaved, so a noisy neighbour slows all alike
            engine += measure(direct, 1)
            plugin += measure(through_pytest, 1)
            bare += measure(lambda: through_pytest("-p", "no:syrupy"), 1)
        runs = [run_scenario(load_scenario(f), options) for f in files]
        snap = measure(lambda: [snapshot_yaml(snapshot_data(r.transcript)) for r in runs], rounds)
    finally:
        os.chdir(cwd)
    n = len(files)
    e, p, b = statistics.median(engine), statistics.median(plugin), statistics.median(bare)

    def verdict(ms: float, what: str) -> str:
        share = ms / e - 1
        return (f"  {what}: {(ms - e) / n:.2f} ms per item = {share * 100:.1f}% of the engine's time"
                f"{'  OK' if share < 0.10 else '  OVER target 10%'}")

    return [
        summary(f"engine directly, {n} scenarios", engine),
        summary(f"pytest.main, {n} scenarios", plugin),
        summary(f"pytest.main -p no:syrupy, {n} scenarios", bare),
        summary("  engine per scenario", [ms / n for ms in engine]),
        summary("  pytest per item", [ms / n for ms in plugin]),
        summary("  of which the snapshot's YAML", [ms / n for ms in snap]),
        verdict(p, "plugin overhead with snapshots"),
        verdict(b, "plugin overhead without snapshots"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite"
        suite.mkdir()
        n = generate(suite, ns.copies)
        (suite / "pytest.ini").write_text("[pytest]\nwxreplay_cassette_dir = cassettes\n", encoding="utf-8")
        pytest_wall(suite, "--snapshot-update")  # create the snapshots once, untimed
        print(f"pytest over a generated suite of {n} scenarios, {os.cpu_count()} CPUs, fresh process each, unpinned:")
        for args in ((), ("-n", "2")):
            walls = [pytest_wall(suite, *args) for _ in range(ns.rounds)]
            s = statistics.median(walls)
            print(f"  pytest {' '.join(args):<8} median {s:6.2f} s wall ({s / n * 1000:.1f} ms per scenario, "
                  f"best {min(walls):.2f} s)")
        report(f"wxreplay pytest plugin overhead ({ns.rounds} rounds)", lambda: overhead(suite, ns.rounds))


if __name__ == "__main__":
    main()

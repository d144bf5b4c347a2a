"""Suite throughput (issue 16): ``pytest -n 2`` over a generated suite, scenarios per second, and where a scenario's time goes.

Run: ``python bench/bench_suite.py [--size 1000] [--rounds 1]`` (a few minutes for 1,000). The suite is
``bench_scenarios.generate``: the example's scenarios renamed, each with its cassette; snapshots are
created once beforehand (``--snapshot-update``, untimed). It prints:

* the wall time of ``pytest -n 2`` in a fresh process (only the plugins of wxreplay's install), and
  scenarios per second (target of issue 16: at least 100 on 2 cores);
* the same for ``pytest`` in one process, beside it;
* the per-scenario split of one single-process ``pytest`` run, in milliseconds of *exclusive* time
  (time inside a nested phase counts for that phase only): load (reading and checking the scenario),
  session start (``Session(...)`` and ``close``), calls (``Session.call``), cards (render and taps),
  transcript (recording steps, ``to_dict``/``to_yaml``), snapshot (syrupy's comparison), cassette
  (open, replay of requests and host calls, settle), the rest of the engine, and pytest's own time.
  Indented rows are parts of the phase above them, taken out of it: the snapshot's redaction
  (``RunSecrets.mask_data``) and secret scan (``RunSecrets.gate``), the cassette's request views.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_scenarios import generate
from plugin_phases import own_plugin_args

QUIET = ["-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning"]
TARGET_PER_S = 100.0
PHASES = (
    "load",
    "session start",
    "calls",
    "cards",
    "transcript",
    "snapshot",
    "  its masking",
    "  its gate scan",
    "cassette",
    "  its matching",
    "engine, rest",
    "pytest",
)


class Exclusive:
    """Seconds per phase, each call's time less the time of the phases nested in it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[list[float]] = []  # per open call: [time spent in nested phases]

    def wrap(self, owner: Any, attr: str, phase: str) -> None:
        """Replace ``owner.attr`` by a wrapper that charges its exclusive time to ``phase``."""
        fn: Callable[..., Any] = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([0.0])
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                total = time.perf_counter() - t
                nested = self._stack.pop()[0]
                self.seconds[phase] = self.seconds.get(phase, 0.0) + total - nested
                if self._stack:
                    self._stack[-1][0] += total

        setattr(owner, attr, timed)


def split(suite: Path) -> dict[str, float]:
    """One ``pytest`` run (single process) of ``suite`` with every phase timed; seconds per phase."""
    import pytest

    import wxreplay.cards.card as card
    import wxreplay.cassette.interceptor as interceptor
    import wxreplay.cassette.matching as matching
    import wxreplay.cassette.recorder as recorder
    import wxreplay.cassette.runsecrets as runsecrets
    import wxreplay.cassette.transport as transport
    import wxreplay.planner as planner
    import wxreplay.plugin_items as items
    import wxreplay.session as session
    import wxreplay.transcript as transcript

    acc = Exclusive()
    for owner, attr, phase in (
        (items, "load_scenario", "load"),
        (items, "check_scenario", "load"),
        (items, "run_scenario", "engine, rest"),
        (items, "check_snapshot", "snapshot"),
        (runsecrets.RunSecrets, "mask_data", "  its masking"),  # the snapshot's redaction (and a miss message's)
        (runsecrets.RunSecrets, "gate", "  its gate scan"),  # the scanner's last word on the snapshot's text
        (session.Session, "__init__", "session start"),
        (session.Session, "close", "session start"),
        (session.Session, "call", "calls"),
        (session.Session, "render", "cards"),
        (card.Card, "tap", "cards"),
        (planner, "record_call", "transcript"),
        (planner, "record_render", "transcript"),
        (planner, "record_tap", "transcript"),
        (transcript.Transcript, "to_dict", "transcript"),
        (transcript.Transcript, "to_yaml", "transcript"),
        (recorder.Cassette, "open", "cassette"),
        (recorder.Cassette, "settle", "cassette"),
        (transport.CassetteTransport, "handle_request", "cassette"),
        (interceptor.CassetteInterceptor, "__call__", "cassette"),
        (matching.Comparator, "view", "  its matching"),  # a request's comparable view (redacted)
    ):
        acc.wrap(owner, attr, phase)  # Cassette.open, a classmethod, becomes a plain function of its bound method
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.chdir(suite)
    acc.wrap(pytest, "main", "pytest")
    code = pytest.main([*QUIET, *own_plugin_args()])
    if code != 0:
        raise SystemExit(f"pytest exited {code}")
    return acc.seconds


def pytest_wall(suite: Path, *args: str) -> float:
    """Wall time (s) of ``pytest`` in ``suite`` in a fresh process; it must pass."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, *own_plugin_args(), *args],
        cwd=suite,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONIOENCODING": "utf-8"},
    )
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--split", type=Path, help=argparse.SUPPRESS)  # internal: the timed run, in a fresh process
    ns = parser.parse_args()
    if ns.split is not None:
        print("\n" + json.dumps(split(ns.split)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite"
        n = generate(suite, ns.size)
        (suite / "pytest.ini").write_text("[pytest]\nwxreplay_cassette_dir = cassettes\n", encoding="utf-8")
        pytest_wall(suite, "-n", "2", "--snapshot-update")  # the snapshots, once, untimed
        print(f"generated suite of {n} scenarios, {os.cpu_count()} CPUs, {ns.rounds} round(s), fresh processes:")
        for label, args in (("pytest -n 2", ("-n", "2")), ("pytest", ())):
            walls = sorted(pytest_wall(suite, *args) for _ in range(ns.rounds))
            wall = walls[len(walls) // 2]
            rate = n / wall
            verdict = ("  OK" if rate >= TARGET_PER_S else f"  UNDER target {TARGET_PER_S:.0f}/s") if "-n" in args else ""
            print(f"  {label:<12} {wall:7.2f} s wall   {rate:6.1f} scenarios/s{verdict}")
        done = subprocess.run(
            [sys.executable, __file__, "--split", str(suite)], capture_output=True, text=True, env={**os.environ}
        )
        if done.returncode != 0:
            raise SystemExit(f"the split run failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
        seconds: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        total = sum(seconds.values())
        print(f"  per scenario, one pytest process ({total / n * 1000:.1f} ms per scenario, exclusive times):")
        for phase in PHASES:
            s = seconds.get(phase, 0.0)
            print(f"    {phase:<16} {s / n * 1000:7.2f} ms  {s / total * 100:5.1f}%")


if __name__ == "__main__":
    main()

"""pytest plugin benchmark: the generated 200-scenario suite under ``pytest`` and ``pytest -n 2``, and the plugin's cost.

Run: ``python bench/bench_plugin.py [--copies 200] [--rounds 3]`` (about 8 minutes). Prints, against
the targets of issue 6 (2 cores), unpinned and pinned to one CPU, over interleaved rounds (a noisy
neighbour slows all alike):

* the wall time of ``wxreplay run``, ``pytest`` and ``pytest -n 2`` over a generated suite of
  ``--copies`` scenarios (``bench_scenarios.generate``: the example's scenarios renamed, each with
  its cassette, in two folders ``a/`` and ``b/``), snapshots included (created once beforehand with
  ``--snapshot-update``), each in a fresh process, medians (target 15 s). pytest loads only the
  plugins of wxreplay's own install (other plugins on the machine are not wxreplay's overhead);
* the plugin's overhead per item against the engine called directly (target: under 10% of the
  engine's time per scenario), measured two ways:

  - **by account** (the verdict): fresh processes of ``plugin_phases.py`` add up, inside one
    ``pytest`` run, the time of collection and of each item's run protocol less the engine's own
    calls in them (loading, checking, running the scenario), the snapshot, and the garbage
    collector's pauses inside the run against the same in a plain loop calling the engine. Each
    part is a sum over all items, so the engine's run-to-run noise (±10% of a 9 s run on this
    shared machine) stays out of it; start-up and session end are reported apart, once per run;
  - **by difference** (a cross-check, in one process): the time spent outside ``run_scenario``
    under ``pytest.main`` minus the same for a plain loop of ``load_scenario`` + ``check_scenario``
    + ``run_scenario``, as a marginal cost per item (the suite's two folders against ``a/`` alone,
    best rounds), with and without syrupy. It also holds what the accounts cannot see (pytest's
    effect on the engine's time other than through the garbage collector), with more noise.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bench_scenarios import generate
from plugin_phases import own_plugin_args

import wxreplay.plugin_items
import wxreplay.runner
from wxreplay.runner import RunOptions, check_scenario
from wxreplay.scenario import collect_files, load_scenario

QUIET = ["-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnknownMarkWarning"]
TARGET_SHARE = 0.10
CASSETTES = "a/cassettes"  # b/ holds the same scenario files as a/, so a/'s cassettes serve both


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def pytest_wall(suite: Path, *args: str) -> float:
    """Wall time (s) of ``pytest`` in ``suite`` (with ``args``: ``a`` for the first half) in a fresh process; it must pass."""
    plugins = own_plugin_args()
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, *plugins, *args],
        cwd=suite,
        capture_output=True,
        text=True,
        env={**_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args[:4])} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def cli_wall(suite: Path, *paths: str) -> float:
    """Wall time (s) of ``wxreplay run`` over ``paths`` in a fresh process; it must pass."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "run", *paths, "--cassette-dir", CASSETTES],
        cwd=suite,
        capture_output=True,
        text=True,
        env=_env(),
    )
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"wxreplay run failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def verdict(per_item_ms: float, engine_ms: float, what: str) -> str:
    share = per_item_ms / engine_ms
    return (
        f"  {what}: {per_item_ms:5.2f} ms per item = {share * 100:4.1f}% of the engine's "
        f"{engine_ms:.1f} ms per scenario{'  OK' if share < TARGET_SHARE else '  OVER target 10%'}"
    )


@dataclasses.dataclass
class Slope:
    """Timings of the whole suite and of its first half: the marginal cost per scenario and the fixed cost."""

    n_all: int
    n_half: int
    whole: list[float] = dataclasses.field(default_factory=list)
    half: list[float] = dataclasses.field(default_factory=list)

    def per_item(self) -> float:
        # Best of the rounds: on a shared 2-core machine noise only ever adds time, and the difference
        # of two medians of a few ~9 s runs still moved by +-3 ms per item from one run to the next.
        return (min(self.whole) - min(self.half)) / (self.n_all - self.n_half)

    def fixed(self) -> float:
        return min(self.whole) - self.per_item() * self.n_all


def phases(suite: Path, mode: str, *args: str) -> tuple[float, dict[str, float]]:
    """``plugin_phases.py`` in a fresh process: (its wall s as a user sees it, its accounts in seconds)."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("plugin_phases.py")), mode, str(suite), *args],
        capture_output=True,
        text=True,
        env=_env(),
    )
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"plugin_phases.py {mode} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    accounts: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return elapsed, accounts


def fresh_processes(suite: Path, n: int, n_half: int, rounds: int, *, xdist_too: bool) -> list[str]:
    """Walls of ``wxreplay run``, ``pytest`` (and ``-n 2``), and pytest's time per item beside the engine's."""
    walls: dict[str, list[float]] = {"wxreplay run": [], "pytest": [], "pytest -n 2": []}
    parts: dict[str, list[float]] = {name: [] for name in PARTS}
    engine: list[float] = []
    fixed: list[float] = []
    warn = ("-W", "ignore::pytest.PytestUnknownMarkWarning")
    for _ in range(rounds):
        walls["wxreplay run"].append(cli_wall(suite, "a", "b"))
        seconds, under = phases(suite, "pytest", *warn)
        walls["pytest"].append(seconds)
        under_half = phases(suite, "pytest", *warn, "a")[1]
        direct, direct_half = (phases(suite, "direct", CASSETTES, *paths)[1] for paths in (("a", "b"), ("a",)))
        if xdist_too:
            walls["pytest -n 2"].append(pytest_wall(suite, "-n", "2"))
        whole, half = accounts(under, direct), accounts(under_half, direct_half)
        for name in PARTS:  # marginal: what one more scenario adds (the parts are sums with little noise)
            parts[name].append((whole[name] - half[name]) / (n - n_half) * 1000)
        engine.append(direct["run"] / n * 1000)
        fixed.append(whole["session"] - parts["session"][-1] / 1000 * n)
    med = statistics.median

    def wall(name: str, target: float | None = None) -> str:
        ws = walls[name]
        verdict = "" if target is None else ("  OK" if med(ws) < target else f"  OVER target {target:.0f} s")
        return f"  {name:<14} median {med(ws):6.2f} s wall ({med(ws) / n * 1000:5.1f} ms per scenario){verdict}"

    total = med([sum(p[i] for p in parts.values()) for i in range(rounds)])
    return [
        wall("wxreplay run"),
        wall("pytest", 15),
        *([wall("pytest -n 2", 15)] if xdist_too else []),
        f"  pytest's time per item beside the engine's (by account, medians; the engine: {med(engine):.1f} ms per scenario):",
        *(f"    {PARTS[name]:<66} {med(values):5.2f} ms" for name, values in parts.items()),
        f"  pytest's time once per run: {med(fixed):.2f} s (configuration, session end; not the interpreter's start-up)",
        verdict(total, med(engine), "overhead per item with snapshots"),
    ]


PARTS = {
    "collection": "collection (less loading and checking the scenario)",
    "protocol": "setup, reports, teardown (less the run and the snapshot)",
    "snapshot": "the snapshot: transcript to YAML, syrupy's comparison",
    "session": "start and end of the session (syrupy's report, final collections)",
    "gc": "extra garbage collection inside the run (pytest's larger heap)",
}


def accounts(under: dict[str, float], direct: dict[str, float]) -> dict[str, float]:
    """The parts of a pytest run's time (s, all items) that calling the engine directly does not have."""
    return {
        "collection": under["collection"] - under["load"] - under["check"],
        "protocol": under["protocol"] - under["run"] - under["snapshot"],
        "snapshot": under["snapshot"],
        "session": under["wall"] - under["collection"] - under["protocol"],
        "gc": under["gc_in_run"] - direct["gc_in_run"],
    }


class _Inside:
    """Wraps ``run_scenario`` where the plain loop and the plugin call it and adds up the time spent in it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.original = wxreplay.runner.run_scenario

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t

    def outside(self, fn: Callable[[], object]) -> tuple[float, float]:
        """(seconds outside run_scenario, seconds inside) of one call of ``fn``."""
        self.seconds = 0.0
        t = time.perf_counter()
        fn()
        total = time.perf_counter() - t
        return total - self.seconds, self.seconds


def in_process(suite: Path, rounds: int) -> list[str]:
    """The time outside run_scenario per item: pytest.main against a plain loop, in this process."""
    import syrupy

    everything, half = [suite / "a", suite / "b"], [suite / "a"]
    n, n_half = len(collect_files(everything)), len(collect_files(half))
    options = RunOptions(cassette_dir=suite / CASSETTES)
    inside = _Inside()
    wxreplay.plugin_items.run_scenario = inside  # type: ignore[attr-defined]

    def direct(chosen: list[Path]) -> None:
        for f in collect_files(chosen):
            scenario = load_scenario(f)  # loaded and checked outside run_scenario, as the plugin does at collection
            assert inside(scenario, options, checked=check_scenario(scenario, options)).failure is None

    def through_pytest(chosen: list[Path], *args: str) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main([*map(str, chosen), *QUIET, "--rootdir", str(suite), *args])
        assert code == 0, f"pytest exited {code}"
        syrupy._syrupy = None  # syrupy keeps the last session (and its items) alive
        gc.collect()

    loop, plugin, bare = Slope(n, n_half), Slope(n, n_half), Slope(n, n_half)
    engine: list[float] = []
    cwd = Path.cwd()
    os.chdir(suite)
    try:
        direct(everything)  # warm-up: first V8 start, compiled templates, validators, imported plugins
        through_pytest(everything)
        for _ in range(rounds):
            outside, inside_s = inside.outside(lambda: direct(everything))
            loop.whole.append(outside)
            engine.append(inside_s * 1000 / n)
            loop.half.append(inside.outside(lambda: direct(half))[0])
            plugin.whole.append(inside.outside(lambda: through_pytest(everything))[0])
            plugin.half.append(inside.outside(lambda: through_pytest(half))[0])
            bare.whole.append(inside.outside(lambda: through_pytest(everything, "-p", "no:syrupy"))[0])
            bare.half.append(inside.outside(lambda: through_pytest(half, "-p", "no:syrupy"))[0])
    finally:
        os.chdir(cwd)
        wxreplay.plugin_items.run_scenario = inside.original  # type: ignore[attr-defined]
    engine_ms = statistics.median(engine)
    return [
        f"  plain loop: {loop.per_item() * 1000:.2f} ms per scenario outside run_scenario (loading, checking), "
        f"engine {engine_ms:.1f} ms per scenario",
        f"  fixed cost per pytest.main: {plugin.fixed():.2f} s (configuration, end-of-session garbage collection)",
        verdict((plugin.per_item() - loop.per_item()) * 1000, engine_ms, "plugin's own time per item with snapshots   "),
        verdict((bare.per_item() - loop.per_item()) * 1000, engine_ms, "plugin's own time per item without snapshots"),
    ]


def _pinned(fn: Callable[[], list[str]]) -> list[str]:
    """``fn()`` with this process (and the processes it starts) pinned to one CPU."""
    if not hasattr(os, "sched_setaffinity"):
        return ["  (pinning is not available here)"]
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        return fn()
    finally:
        os.sched_setaffinity(0, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite"
        suite.mkdir()
        n_half = generate(suite / "a", ns.copies // 2)
        n = n_half + generate(suite / "b", ns.copies - n_half)  # the same files again: their cassettes are a/'s
        (suite / "pytest.ini").write_text(f"[pytest]\nwxreplay_cassette_dir = {CASSETTES}\n", encoding="utf-8")
        pytest_wall(suite, "--snapshot-update")  # create the snapshots once, untimed
        print(
            f"wxreplay pytest plugin over a generated suite of {n} scenarios, {os.cpu_count()} CPUs, "
            f"{ns.rounds} interleaved rounds (walls and accounts: medians; differences: best rounds)"
        )
        for label, pin in (("unpinned", False), ("pinned to one CPU", True)):

            def both(pin: bool = pin) -> list[str]:
                return [
                    "fresh processes (as a user sees it):",
                    *fresh_processes(suite, n, n_half, ns.rounds, xdist_too=not pin),  # -n 2 on one CPU: no
                    "in one process, by difference (a cross-check):",
                    *in_process(suite, ns.rounds),
                ]

            print(f"{label}:")
            for line in _pinned(both) if pin else both():
                print(line)


if __name__ == "__main__":
    main()

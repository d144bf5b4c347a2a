"""Where one process spends its time: a ``pytest`` run of scenario files, or the engine called directly.

Run by ``bench_plugin.py``, one fresh process per measurement; prints one JSON object of seconds:

* ``python bench/plugin_phases.py pytest <suite> [pytest args]``: ``pytest.main`` in ``<suite>``
  (only the plugins wxreplay's install brings), with the time of each phase added up over all
  items: ``collection`` (and within it ``load`` + ``check``, the engine's part), ``protocol``
  (setup, call, teardown, reports; within it ``run``, the engine's part, and ``snapshot``), and
  ``gc_in_run``, the garbage collector's pauses that fell inside ``run_scenario``;
* ``python bench/plugin_phases.py direct <suite> <cassette dir> <path>...``: the plain loop of
  ``load_scenario`` + ``check_scenario`` + ``run_scenario`` over the same files, with the same
  accounts.

The plugin's own time per item is then what pytest spends around the engine's calls, plus the
extra garbage collection its larger heap causes inside them. What happens once per run (start-up,
pytest's five full collections at exit) is ``wall - collection - protocol``: the fixed cost.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

# Plugins of wxreplay's own install, as ``pytest`` loads them on a clean machine.
OWN_PLUGINS = ("wxreplay.plugin", "syrupy", "xdist.plugin", "xdist.looponfail", "anyio.pytest_plugin")


def own_plugin_args() -> list[str]:
    """``-p`` arguments loading the installed ones of :data:`OWN_PLUGINS` (with plugin autoload off)."""
    import importlib.util

    return [arg for name in OWN_PLUGINS if importlib.util.find_spec(name.split(".")[0]) for arg in ("-p", name)]


class Accounts:
    """Seconds per phase, and the garbage collector's pauses inside the engine's run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"gc_in_run": 0.0}
        self.in_run = False
        self._gc_start = 0.0
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
            return
        if self.in_run:
            self.seconds["gc_in_run"] += time.perf_counter() - self._gc_start

    def add(self, key: str, seconds: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds

    def timed(self, fn: Callable[..., Any], key: str) -> Callable[..., Any]:
        """``fn``, adding the time of each call to ``key`` (``run`` also marks the GC pauses inside it)."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            self.in_run = key == "run"
            try:
                return fn(*args, **kwargs)
            finally:
                self.in_run = False
                self.add(key, time.perf_counter() - t)

        return wrapper


class _Phases:
    """A pytest plugin timing collection and each item's run protocol."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def _time(self, key: str) -> Generator[None, None, None]:
        t = time.perf_counter()
        yield
        self.accounts.add(key, time.perf_counter() - t)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_collection(self) -> Generator[None, None, None]:
        yield from self._time("collection")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self) -> Generator[None, None, None]:
        yield from self._time("protocol")


def under_pytest(suite: Path, args: list[str]) -> dict[str, float]:
    import wxreplay.plugin_items as items

    accounts = Accounts()
    for name, key in (
        ("load_scenario", "load"),
        ("check_scenario", "check"),
        ("run_scenario", "run"),
        ("check_snapshot", "snapshot"),
    ):
        setattr(items, name, accounts.timed(getattr(items, name), key))
    phases = _Phases(accounts)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # other plugins on the machine are not wxreplay's cost
    plugins = own_plugin_args()
    os.chdir(suite)
    t = time.perf_counter()
    code = pytest.main(["-q", "-p", "no:cacheprovider", *plugins, *args], plugins=[phases])
    accounts.seconds["wall"] = time.perf_counter() - t
    if code != 0:
        raise SystemExit(f"pytest exited {code}")
    return accounts.seconds


def direct(suite: Path, cassettes: str, paths: list[str]) -> dict[str, float]:
    from wxreplay.runner import RunOptions, check_scenario, run_scenario
    from wxreplay.scenario import collect_files, load_scenario

    accounts = Accounts()
    load, check, run = (
        accounts.timed(fn, key) for fn, key in ((load_scenario, "load"), (check_scenario, "check"), (run_scenario, "run"))
    )
    os.chdir(suite)
    options = RunOptions(cassette_dir=Path(cassettes))
    t = time.perf_counter()
    for file in collect_files([Path(p) for p in paths]):
        scenario = load(file)
        if run(scenario, options, checked=check(scenario, options)).failure is not None:
            raise SystemExit(f"{file} failed")
    accounts.seconds["wall"] = time.perf_counter() - t
    return accounts.seconds


def main() -> None:
    mode, suite, rest = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    seconds = under_pytest(suite, rest) if mode == "pytest" else direct(suite, rest[0], rest[1:])
    sys.stdout.flush()
    print("\n" + json.dumps(seconds))


if __name__ == "__main__":
    main()

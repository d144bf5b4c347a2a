"""What every benchmark here shares: timing, the one-line summary, unpinned + pinned runs.

Figures are printed, never asserted: speed targets live here, not in timed tests.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], rounds: int) -> list[float]:
    """Wall time of ``rounds`` calls of ``fn``, in milliseconds."""
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(name: str, ms: list[float], target: float | None = None) -> str:
    """``name  median … ms  p90 … ms`` and, with a target, OK or OVER."""
    med = statistics.median(ms)
    p90 = statistics.quantiles(ms, n=10)[-1] if len(ms) >= 10 else max(ms)
    verdict = "" if target is None else ("  OK" if med < target else f"  OVER target {target} ms")
    return f"  {name:<44} median {med:7.3f} ms   p90 {p90:7.3f} ms{verdict}"


def report(title: str, run: Callable[[], list[str]]) -> None:
    """Print ``run()``'s lines unpinned, then pinned to one CPU.

    Most of a Python/V8 crossing is a thread waking on the other CPU (design.md), so both
    figures are shown.
    """
    print(f"{title}, {os.cpu_count()} CPUs")
    print("unpinned:")
    for line in run():
        print(line)
    if hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[0]
        _pin_every_thread(cpu)
        print(f"pinned to CPU {cpu}:")
        for line in run():
            print(line)


def _pin_every_thread(cpu: int) -> None:
    """Pin this process to ``cpu``: every thread it has now (V8's own included) and every one it makes later.

    On Linux ``sched_setaffinity(0, ...)`` pins the calling thread only; threads started before (V8's
    platform workers, the context pool's) would keep both CPUs, as ``taskset -c`` would not let them.
    """
    tasks = "/proc/self/task"
    tids = [int(t) for t in os.listdir(tasks)] if os.path.isdir(tasks) else [0]
    for tid in tids:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # a thread that ended meanwhile
            os.sched_setaffinity(tid, {cpu})

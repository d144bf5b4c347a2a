"""The synchronous V8 driver (runtime/engine.py) and the pool of booted isolates (runtime/pool.py).

The driver waits on mini-racer's result queue itself, so its guards are ours to prove: a runaway
eval is stopped by the wall-clock guard and the *next* eval still gets its own result; the heap
limit still stops a memory bomb. The pool hands out each isolate once, with the taker's limits,
and a session started from it behaves exactly as one started from scratch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wxreplay.host.availability import ContextKind
from wxreplay.project.source_bundle import bundle_sources
from wxreplay.runtime import engine
from wxreplay.runtime.bootstrap import define_modules
from wxreplay.runtime.engine import HeapLimitExceeded, V8Isolate, WallClockExceeded
from wxreplay.runtime.pool import ContextPool
from wxreplay.runtime.pool import _boot as pool_boot

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture
def isolate() -> Iterator[V8Isolate]:
    iso = V8Isolate(memory_limit=64 * MB, wall_timeout=0.3)
    yield iso
    iso.close()


def test_an_eval_returns_its_value(isolate: V8Isolate) -> None:
    assert isolate.eval("1 + 2") == 3
    assert isolate.eval("JSON.stringify({a: [1, 'x']})") == '{"a":[1,"x"]}'


def test_a_runaway_eval_is_stopped_and_the_next_eval_gets_its_own_result(isolate: V8Isolate) -> None:
    started = time.perf_counter()
    with pytest.raises(WallClockExceeded):
        isolate.eval("for (;;) {}")
    assert time.perf_counter() - started < 5
    # The terminated eval's late result must not be taken for the next one's.
    assert isolate.eval("'after'") == "after"
    assert isolate.eval("40 + 2") == 42


def test_a_memory_bomb_hits_the_heap_limit_and_the_isolate_survives(isolate: V8Isolate) -> None:
    isolate.configure(memory_limit=32 * MB, wall_timeout=5.0)
    with pytest.raises(HeapLimitExceeded):
        isolate.eval("var a = []; for (;;) a.push(new Array(100000).fill(1));")
    isolate.configure(memory_limit=512 * MB, wall_timeout=5.0)
    assert isolate.eval("a = null; 'alive'") == "alive"


def test_a_closed_isolate_can_be_closed_again(isolate: V8Isolate) -> None:
    isolate.close()
    isolate.close()


def test_the_mini_racer_internals_the_driver_uses_are_there() -> None:
    internals = engine._mini_racer_internals()
    assert internals.uncancelable_id == 0
    assert "setTimeout" in internals.install_set_timeout


# The pool's own boot: an isolate with the bootstrap evaluated (and the given sources defined).
_boot = pool_boot


def test_a_pooled_isolate_is_handed_out_once_and_never_reused() -> None:
    pool = ContextPool(_boot)
    try:
        first = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0)[0]
        first.eval("globalThis.leftBehind = 'by the first session'")
        second = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0)[0]
        assert second is not first
        assert second.eval("typeof globalThis.leftBehind") == "undefined"
        assert second.eval("typeof __wr.init") == "function"  # booted: the bootstrap ran
        first.close()
        second.close()
    finally:
        pool.close()


def test_a_pooled_isolate_takes_the_limits_of_its_taker() -> None:
    pool = ContextPool(_boot)
    try:
        pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=5.0)[0].close()
        iso = pool.take(ContextKind.API, memory_limit=48 * MB, wall_timeout=0.2)[0]  # made on the pool's thread
        assert (iso.memory_limit, iso.wall_timeout) == (48 * MB, 0.2)
        started = time.perf_counter()
        with pytest.raises(WallClockExceeded):
            iso.eval("for (;;) {}")
        assert time.perf_counter() - started < 3
        iso.close()
    finally:
        pool.close()


def test_the_next_isolate_holds_the_sources_its_kind_was_last_taken_with() -> None:
    sources = bundle_sources({"a.js": "module.exports = 1"})
    pool = ContextPool(_boot)
    try:
        iso, defined = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0, modules=sources)
        assert defined is None  # the first of its kind: made on the spot, the caller defines its sources
        iso.close()
        other = bundle_sources({"b.js": "module.exports = 1"})
        iso, defined = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0, modules=other)
        assert defined is sources  # made ahead with the last taker's sources
        iso.close()
        iso, defined = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0)
        assert defined is other
        iso.close()
    finally:
        pool.close()


def test_a_context_defines_its_own_sources_unless_the_pool_defined_the_same() -> None:
    from wxreplay.runtime.context import ExecutionContext

    mine = bundle_sources({"a.js": "module.exports = 1"})
    ctx = ExecutionContext(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0, modules=mine)
    try:
        ctx._modules = bundle_sources({"b.js": ""})  # as if made ahead for another subpackage
        ctx.define_modules(mine, root="", skill_dir="")
        assert ctx.isolate.eval("typeof __wr.defineModules") == "function"
        # require sees the caller's sources, not the ones the pool defined
        assert (
            ctx.isolate.eval("(function(){ try { __wr.require('a.js'); return 'found'; } catch (e) { return String(e); } })()")
            == "found"
        )
    finally:
        ctx.close()


def test_sources_made_ahead_still_get_the_taking_skills_place() -> None:
    from wxreplay.runtime.context import ExecutionContext

    files = bundle_sources({"skills/a/x.js": "module.exports = 1", "skills/b/x.js": "module.exports = 2"})
    ctx = ExecutionContext(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0, modules=files)
    try:
        ctx._modules = files  # as if the pool had defined this subpackage ahead, for skill a
        define_modules(ctx.isolate, files, "skills", "skills/a")
        ctx.define_modules(files, root="skills", skill_dir="skills/b")
        assert ctx.isolate.eval("__wr.skillDir()") == "skills/b"
        assert ctx.isolate.eval("__wr.require('skills/b/x.js')") == 2
    finally:
        ctx.close()


def test_a_failed_background_boot_fails_the_next_taker_and_the_pool_recovers() -> None:
    calls: list[int] = []

    def flaky(kind: ContextKind, modules: str | None) -> V8Isolate:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boot failed")
        return _boot(kind, modules)

    pool = ContextPool(flaky)
    try:
        pool.take(ContextKind.CARD, memory_limit=64 * MB, wall_timeout=1.0)[0].close()
        with pytest.raises(RuntimeError, match="boot failed"):
            pool.take(ContextKind.CARD, memory_limit=64 * MB, wall_timeout=1.0)
        iso = pool.take(ContextKind.CARD, memory_limit=64 * MB, wall_timeout=1.0)[0]
        assert iso.eval("1") == 1
        iso.close()
    finally:
        pool.close()


def test_a_closed_pool_still_hands_out_isolates_made_on_the_spot() -> None:
    pool = ContextPool(_boot)
    pool.close()
    iso = pool.take(ContextKind.DYNAMIC, memory_limit=64 * MB, wall_timeout=1.0)[0]
    assert iso.eval("typeof __wr") == "object"
    iso.close()
    assert pool._thread is None  # nothing was started after close


def test_threads_taking_at_once_each_get_their_own_isolate() -> None:
    pool = ContextPool(_boot)
    got: list[V8Isolate] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(3):
            iso = pool.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=5.0)[0]
            assert iso.eval("typeof globalThis.mine") == "undefined"
            iso.eval("globalThis.mine = 1")
            with lock:
                got.append(iso)

    try:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len({id(i) for i in got}) == 6
    finally:
        for iso in got:
            iso.close()
        pool.close()


_TRANSCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from wxreplay.runner import RunOptions, run_scenario
    from wxreplay.scenario import load_scenario
    root = Path(sys.argv[1])
    options = RunOptions(cassette_dir=root / "cassettes")
    for name in ("latte-less-sugar", "background-returning-user", "restart-mid-order"):
        path = root / "scenarios" / f"{name}.scenario.yaml"
        for _ in range(2):  # the second run takes pooled isolates
            run = run_scenario(load_scenario(path), options)
            assert run.passed, run.failure
            sys.stdout.write(run.transcript.to_yaml())
    """
)


def test_sessions_from_the_pool_give_the_transcripts_of_sessions_made_on_the_spot() -> None:
    outputs = []
    for pooled in ("1", "0"):
        env = {**os.environ, "WXREPLAY_CONTEXT_POOL": pooled}
        done = subprocess.run(
            [sys.executable, "-c", _TRANSCRIPT, str(ROOT)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stderr == ""  # the pool's thread ends quietly at exit
        outputs.append(done.stdout)
    assert outputs[0] and outputs[0] == outputs[1]


def test_a_forked_child_starts_with_an_empty_pool() -> None:
    """The parent's pool thread does not exist in a forked child: the child must not wait on it."""
    from wxreplay.runtime import pool as pool_module

    parent = pool_module._POOL
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            fresh = pool_module._POOL is not parent and pool_module._POOL._thread is None and not pool_module._POOL._ready
            os.write(write, b"1" if fresh else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert answer == b"1"


def test_within_disabled_every_context_is_made_on_the_spot() -> None:
    from wxreplay.runtime import pool as pool_module

    before = pool_module._POOL
    with pool_module.disabled():
        iso, defined = pool_module.take(ContextKind.API, memory_limit=64 * MB, wall_timeout=1.0, modules="{}")
        iso.close()
        assert defined is None and pool_module._POOL._thread is None
    assert pool_module._POOL is before

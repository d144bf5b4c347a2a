"""The mini-racer wrapper: V8 start-up flags, an event loop, and one isolate per execution context.

Each call into V8 is one ``eval`` bounded by a wall-clock guard and a hard heap limit, because
without them an infinite loop hangs the process and a memory bomb kills it (measured, see
design.md). V8 starts with ``--allow-natives-syntax`` so the prelude can drain the microtask
queue *inside* an eval with ``%PerformMicrotaskCheckpoint()``: an infinite loop after an
``await`` is then still interruptible, and a whole step of async work costs one crossing.
Without the flag, mini-racer drains microtasks after an eval has returned, outside the
wall-clock guard: a runaway ``await`` loop then blocks the isolate for good (measured). The
intrinsic stays out of skill code's reach instead: it lives in a closure of the bootstrap
(context.py) and prelude.js screens every source skill code compiles (docs/sandbox.md).

``--no-memory-pool-share-memory-on-teardown``: by default V8 moves a disposed isolate's pooled
pages to a process-wide pool and never returns them; after one memory bomb the process kept
~130 MB for good (measured: RSS 91 -> 224 MB; with the flag 90 -> 95 MB).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import py_mini_racer
from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
    MiniRacer,
    mini_racer,
)

from wxreplay.errors import WxReplayError

T = TypeVar("T")

STEP_ABORTED = "wxreplay:step-aborted"  # prelude.js ABORT
_V8_FLAGS = (*py_mini_racer.DEFAULT_V8_FLAGS, "--allow-natives-syntax", "--no-memory-pool-share-memory-on-teardown")
_init_lock = threading.Lock()
_initialised = False


def init_v8() -> None:
    """Start V8 once per process with the flags the prelude needs."""
    global _initialised
    with _init_lock:
        if _initialised:
            return
        try:
            py_mini_racer.init_mini_racer(flags=_V8_FLAGS)
        except py_mini_racer.LibAlreadyInitializedError as e:  # pragma: no cover - foreign init
            raise WxReplayError(
                "mini-racer was initialised by other code before wxreplay without "
                "--allow-natives-syntax, so wxreplay cannot drive V8 in this process",
                hint="import wxreplay (or create a wxreplay Session) before other mini-racer users",
            ) from e
        _initialised = True


class LoopRunner:
    """Runs coroutines on an event loop private to one session.

    Normally the loop runs in the caller's thread (the cheapest crossing, per design.md). When the
    caller is itself inside a running asyncio loop, a private thread hosts the loop instead.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            if self._thread is None:
                return self.loop.run_until_complete(coro)
        if self._thread is None:
            self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="wxreplay-v8")
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        if self._thread is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
            self._thread = None
        self.loop.close()


class WallClockExceeded(Exception):
    """An eval ran past the wall-clock guard and V8 terminated it."""


class HeapLimitExceeded(Exception):
    """An eval hit the isolate's hard memory limit; V8 terminated it, the isolate survives."""


class V8Isolate:
    """One V8 isolate + context (a ``MiniRacer``) with limits applied to every eval."""

    def __init__(self, runner: LoopRunner, *, memory_limit: int, wall_timeout: float) -> None:
        init_v8()
        self._runner = runner
        self._maker = mini_racer(runner.loop)
        self._mr: MiniRacer = self._maker.__enter__()
        self._mr.set_hard_memory_limit(memory_limit)
        self.memory_limit = memory_limit
        self.wall_timeout = wall_timeout

    def _heap_limit_hit(self) -> bool:
        """Whether the heap limit stopped something since the last check (the flag is sticky: re-arm it)."""
        if not self._mr.was_hard_memory_limit_reached():
            return False
        self._mr.set_hard_memory_limit(self.memory_limit)  # resets the flag for the next eval
        return True

    async def eval(self, code: str) -> Any:
        """Evaluate ``code``; translate V8's limit exceptions into ours."""
        try:
            result = await asyncio.wait_for(self._mr.eval_cancelable(code), self.wall_timeout)
        except (TimeoutError, JSTimeoutException) as e:
            if self._heap_limit_hit():
                raise HeapLimitExceeded() from e
            raise WallClockExceeded() from e
        except JSOOMException as e:
            self._heap_limit_hit()
            raise HeapLimitExceeded() from e
        except JSParseException:
            raise
        except JSEvalException as e:
            if self._heap_limit_hit():
                raise HeapLimitExceeded() from None
            if STEP_ABORTED in str(e):  # the prelude's own guard (prelude.js checkpoint())
                raise WallClockExceeded() from None
            raise
        if self._heap_limit_hit():
            # V8 terminated a microtask at the limit and let the eval finish: the job is dead all the same.
            raise HeapLimitExceeded()
        return result

    def close(self) -> None:
        self._maker.__exit__(None, None, None)

"""The mini-racer wrapper: V8 start-up flags and one isolate per execution context, driven synchronously.

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
import atexit
import queue
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

import py_mini_racer
from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
)

from wxreplay.errors import WxReplayError

STEP_ABORTED = "wxreplay:step-aborted"  # prelude.js ABORT
_V8_FLAGS = (*py_mini_racer.DEFAULT_V8_FLAGS, "--allow-natives-syntax", "--no-memory-pool-share-memory-on-teardown")
_init_lock = threading.Lock()
_initialised = False


_refused: str | None = None  # why this process may not use V8 (refuse_v8)


def refuse_v8(reason: str) -> None:
    """From now on, every V8 isolate this process asks for raises ``reason``.

    For a forked lint worker (``wxreplay.lint.workers``): a child inherits V8's state without its
    threads, and an isolate there could hang instead of failing; the workers run no rule that needs V8.
    """
    global _refused
    _refused = reason


def init_v8() -> None:
    """Start V8 once per process with the flags the prelude needs."""
    global _initialised
    if _refused is not None:
        raise RuntimeError(_refused)
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


class WallClockExceeded(Exception):
    """An eval ran past the wall-clock guard and V8 terminated it."""


class HeapLimitExceeded(Exception):
    """An eval hit the isolate's hard memory limit; V8 terminated it, the isolate survives."""


class V8Isolate:
    """One V8 isolate + context with limits applied to every eval, driven synchronously.

    mini-racer's public API reaches V8 through an asyncio loop: a task, a future and a wake-up of
    the loop per eval, about 0.1 ms on top of the crossing itself (bench/floor.py). The harness
    needs none of that: it makes one eval at a time and waits for it. So this class starts each
    eval with mini-racer's C entry point and waits on the per-context result queue mini-racer
    fills from V8's thread, with the wall-clock guard as the wait's timeout (then V8 is told to
    stop, and the terminated eval's result is drained). Every private name of mini-racer this
    relies on is read once, in :func:`_mini_racer_internals`, so a changed mini-racer fails there
    with one clear message (``tests/unit/test_runtime_engine.py``).
    """

    def __init__(self, *, memory_limit: int, wall_timeout: float) -> None:
        init_v8()
        internals = _mini_racer_internals()
        self._maker = internals.make_context(_idle_loop())
        self._ctx: Any = self._maker.__enter__()
        self._dll = self._ctx._dll
        self._raw_ctx = self._ctx._ctx
        self._results: queue.Queue[Any] = self._ctx._non_cancelable_mr_task_results_queue
        self._callback_id: int = internals.uncancelable_id
        self._stale = 0  # results still to come from evals the wall-clock guard stopped
        self._closed = False
        self._ctx.set_hard_memory_limit(memory_limit)
        self.memory_limit = memory_limit
        self.wall_timeout = wall_timeout
        # What ``MiniRacer()`` installs in every context (its setTimeout); the prelude relies on
        # finding it there (it removes it), so a context looks as mini-racer's public API makes it.
        self.eval(internals.install_set_timeout)

    def configure(self, *, memory_limit: int, wall_timeout: float) -> V8Isolate:
        """Apply the limits of the session that takes this isolate (made ahead with others)."""
        self._ctx.set_hard_memory_limit(memory_limit)
        self.memory_limit = memory_limit
        self.wall_timeout = wall_timeout
        return self

    def _heap_limit_hit(self) -> bool:
        """Whether the heap limit stopped something since the last check (the flag is sticky: re-arm it)."""
        if not self._ctx.was_hard_memory_limit_reached():
            return False
        self._ctx.set_hard_memory_limit(self.memory_limit)  # resets the flag for the next eval
        return True

    def _run(self, code: str) -> Any:
        """Start ``code`` on V8's thread and wait for its result within the wall-clock guard."""
        self._drain_stale()
        handle = self._ctx._python_to_value_handle(code)
        task = self._dll.mr_eval(self._raw_ctx, handle.raw, self._callback_id)
        try:
            result = self._results.get(timeout=self.wall_timeout)
        except queue.Empty:
            self._dll.mr_cancel_task(self._raw_ctx, task)
            # The terminated eval still reports: take its result, so the next eval gets its own.
            self._stale += 1
            self._drain_stale()
            raise _Timeout() from None
        return self._ctx._value_handle_to_python(result)

    def _drain_stale(self) -> None:
        """Take the results of evals stopped by the guard (they come first: V8 runs one task at a time)."""
        while self._stale:
            try:
                self._results.get(timeout=max(1.0, self.wall_timeout))
            except queue.Empty:
                raise _Timeout() from None  # V8 has not stopped yet: this eval cannot start either
            self._stale -= 1

    def eval(self, code: str) -> Any:
        """Evaluate ``code``; translate V8's limit exceptions into ours."""
        try:
            result = self._run(code)
        except (_Timeout, JSTimeoutException) as e:
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

    def put_text(self, inbox: str, text: str) -> None:
        """Give JavaScript ``text`` without parsing it as a script: as the ``text`` property of the object that
        evaluating ``inbox`` returns (a fresh object a bootstrap function holds for the next eval to read).

        A script that spells a 2 MB string out costs V8 a scan of every character of it; a string handed
        over this way is only copied (ASCII: ~1 ms per MB).
        """
        box = self.eval(inbox)
        try:
            self._ctx.set_object_item(box, "text", text)
        except JSOOMException as e:
            self._heap_limit_hit()
            raise HeapLimitExceeded() from e
        if self._heap_limit_hit():
            raise HeapLimitExceeded()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._maker.__exit__(None, None, None)


class _Timeout(Exception):
    """The wall-clock guard ran out while waiting for an eval."""


@dataclass(frozen=True)
class _Internals:
    make_context: Callable[[asyncio.AbstractEventLoop], AbstractContextManager[Any]]
    uncancelable_id: int
    install_set_timeout: str


@cache
def _mini_racer_internals() -> _Internals:
    """The private parts of mini-racer 0.14 the synchronous eval uses, checked once."""
    try:
        from py_mini_racer import _context, _mini_racer, _set_timeout

        internals = _Internals(
            make_context=_mini_racer._make_context,
            uncancelable_id=int(_context._UNCANCELABLE_TASK_CALLBACK_ID),
            install_set_timeout=str(_set_timeout.INSTALL_SET_TIMEOUT),
        )
        fields = ("_dll", "_ctx", "_non_cancelable_mr_task_results_queue", "_python_to_value_handle", "_value_handle_to_python")
        for name in fields:
            if not hasattr(_context.Context, name) and name not in getattr(_context.Context, "__dataclass_fields__", {}):
                raise AttributeError(name)
    except (ImportError, AttributeError) as e:  # pragma: no cover - a mini-racer outside the pinned range
        raise WxReplayError(
            f"this mini-racer ({version('mini-racer')}) lacks what wxreplay drives V8 with ({e})",
            hint='install the version pyproject.toml pins: pip install "mini-racer>=0.14,<0.15"',
        ) from e
    return internals


@cache
def _idle_loop() -> asyncio.AbstractEventLoop:
    """The event loop mini-racer's contexts are bound to; never run (the harness makes no async call).

    mini-racer only uses a context's loop for cancelable tasks and JS-to-Python callbacks, which
    the harness does not use; without a loop it would start a thread with its own loop per context.
    """
    loop = asyncio.new_event_loop()
    atexit.register(loop.close)
    return loop

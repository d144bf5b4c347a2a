"""Isolates with the bootstrap already evaluated, made ahead of time on a background thread.

A fresh execution context costs an isolate (~1-2 ms) and the evaluation of the 80 KB bootstrap
(~2 ms), before anything of the session is known: neither depends on the device, the clock, the
seed or the skill (the bootstrap only defines functions and hardens built-ins; ``__wr.init`` then
configures it). So that part is done ahead, while the caller's thread runs Python: when a session
takes a context, a replacement is made on a background thread for the next one. V8 runs it on its
own threads and the waits release the GIL, so with a spare core the boot leaves the session's path
(measured on the latte scenario: taking its three contexts 0.4 ms instead of 11 ms). Part of that
comes back: the first evals on a context booted on the other core run ~2 ms slower (cold caches),
and with no spare core (``pytest -n 2`` on two) the work only moves. bench/floor.py prints the
figures with and without it; ``WXREPLAY_CONTEXT_POOL=0 python bench/bench_suite.py`` the suite's.

``WXREPLAY_CONTEXT_POOL=0`` in the environment turns it off (every context is then made when it
is needed, on the caller's thread): for a process that must not start threads, and for the
benchmarks' side-by-side figures.

An isolate made ahead also holds the subpackage sources its kind was last taken with
(``__wr.defineModules``, which only stores them for ``require``): a suite runs one skill over and
over, and the skills of a subpackage share its sources. The taker then sets only its skill's
place in them; a taker with other sources defines its own, as a context made on the spot would.

A kind is pooled only after its first use: a suite that never renders a card never pays for card
contexts. A pooled isolate is handed out once and never reused: every session still starts from
a context no skill code has touched.
"""

from __future__ import annotations

import atexit
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from wxreplay.host.availability import ContextKind
from wxreplay.project.source_bundle import SourceBundle
from wxreplay.runtime.bootstrap import bootstrap_js, define_modules
from wxreplay.runtime.engine import V8Isolate

BOOT_TIMEOUT_S = 30.0  # the bootstrap never loops; a limit all the same (a machine under heavy load)
BOOT_MEMORY = 128 * 1024 * 1024  # while booting; the session's own limit is set when it takes one


Boot = Callable[[ContextKind, "SourceBundle | None"], V8Isolate]
Ready = tuple[V8Isolate, "SourceBundle | None"]  # an isolate and the subpackage sources already defined in it


class ContextPool:
    """One ready isolate per kind in use, made by ``boot(kind, modules)`` on a daemon thread."""

    def __init__(self, boot: Boot) -> None:
        self._boot = boot
        self._ready: dict[ContextKind, queue.Queue[Ready | BaseException]] = {}
        self._requests: queue.Queue[tuple[ContextKind, SourceBundle | None] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def take(self, kind: ContextKind, *, memory_limit: int, wall_timeout: float, modules: SourceBundle | None = None) -> Ready:
        """A booted isolate of ``kind`` with the caller's limits, and the subpackage sources defined in it (if any).

        ``modules``: the sources (``Skill.source_bundle``) the caller will define; the next isolate
        of this kind is made with them.
        """
        with self._lock:
            ready = self._ready.get(kind)
            pooled = ready is not None and not self._closed
        if not pooled:
            isolate = self._boot(kind, None)  # the first of its kind (or after close): made here
            defined: SourceBundle | None = None
            with self._lock:
                if self._closed:
                    return isolate.configure(memory_limit=memory_limit, wall_timeout=wall_timeout), None
                self._ready.setdefault(kind, queue.Queue())
        else:
            assert ready is not None
            got = ready.get()
            if isinstance(got, BaseException):  # the background boot failed: fail here, as an inline boot would
                self._request(kind, modules)
                raise got
            isolate, defined = got
        self._request(kind, modules)
        return isolate.configure(memory_limit=memory_limit, wall_timeout=wall_timeout), defined

    def _request(self, kind: ContextKind, modules: SourceBundle | None) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="wxreplay-context-pool", daemon=True)
                self._thread.start()
        self._requests.put((kind, modules))

    def _work(self) -> None:
        while True:
            request = self._requests.get()
            if request is None:
                return
            kind, modules = request
            try:
                made: Ready | BaseException = (self._boot(kind, modules), modules)
            except Exception as e:  # handed to the next taker of this kind, who raises it
                made = e
            self._ready[kind].put(made)

    def close(self) -> None:
        """Stop making isolates and free the ready ones (at exit: none may be half-made then)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._requests.put(None)
            thread.join()
        for ready in self._ready.values():
            while not ready.empty():
                got = ready.get_nowait()
                if not isinstance(got, BaseException):
                    got[0].close()


def _boot(kind: ContextKind, modules: SourceBundle | None) -> V8Isolate:
    isolate = V8Isolate(memory_limit=BOOT_MEMORY, wall_timeout=BOOT_TIMEOUT_S)
    try:
        isolate.eval(bootstrap_js(kind))
        if modules is not None:
            define_modules(isolate, modules, "", "")
    except BaseException:
        isolate.close()
        raise
    return isolate


def _new_pool() -> ContextPool:
    pool = ContextPool(_boot)
    if os.environ.get("WXREPLAY_CONTEXT_POOL", "1").strip() == "0":
        pool.close()  # a closed pool makes every isolate on the caller's thread
    return pool


_POOL = _new_pool()
atexit.register(lambda: _POOL.close())


def _after_fork_in_child() -> None:
    """A forked child has no pool thread: start from an empty pool (the parent's isolates are not the child's)."""
    global _POOL
    _POOL = _new_pool()


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def disabled() -> Iterator[None]:
    """Within the block every context is made when needed, on the caller's thread (for side-by-side figures)."""
    global _POOL
    saved, _POOL = _POOL, ContextPool(_boot)
    _POOL.close()
    try:
        yield
    finally:
        _POOL = saved


def take(kind: ContextKind, *, memory_limit: int, wall_timeout: float, modules: SourceBundle | None = None) -> Ready:
    """An isolate of ``kind`` with its bootstrap evaluated and the caller's limits set, and the sources defined in it."""
    return _POOL.take(kind, memory_limit=memory_limit, wall_timeout=wall_timeout, modules=modules)

"""The app's lifecycle (platform spec section 7): foreground, background, the 30-minute rule, restarts.

A run starts a session (new session id, fresh V8 contexts, empty module state, storage from
``device:``); the device, its storage and the virtual clock outlive sessions.

* ``background: 30m`` moves the clock with the app in the background. Nothing runs there: timers
  are frozen (postponed by the time spent in the background, see :meth:`Session.suspend`), so no
  timer fires and no card re-renders while backgrounded. Consecutive ``background`` events add up;
  when the total reaches 30 minutes the runtime ends at the moment it does (background start + 30
  min: cards get ``detached``), and the clock goes on to the end of the event.
* ``memory_warning`` while in the background ends the runtime; in the foreground it does nothing.
* ``restart`` ends the runtime; the next user message or tap starts a new session.
* ``new_session`` ends the runtime and starts a new session at once.
* ``foreground`` brings the app back; a ``user:`` or ``tap:`` turn and ``advance`` do so implicitly
  (the user is in the app), which also restarts the count of time in the background.
* ``advance: 5s`` lets time pass in the foreground: timers of every context fire, dynamic cards
  re-render (recorded in the transcript); with no runtime running, only the clock moves.
* After the runtime ended, the next ``user:`` turn starts a new session (new id, module state gone,
  storage kept) whose clock continues where the previous one stopped; cards of ended sessions are
  no longer interactive. Time between turns is not modelled: only calls and events move the clock.

:class:`Lifecycle` is the pure bookkeeping of those rules: the turn loop tells it what happened
(an event, the user coming back, a runtime that stopped) and whether a runtime is running, and it
answers with an :class:`Outcome` saying what to do to the runtime and the clock. It never touches
a session, so it is tested without V8.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BACKGROUND_LIMIT_MS", "Lifecycle", "Outcome", "format_duration"]

#: The runtime ends after this long in the background (spec 7, like mini-program keep-alive).
BACKGROUND_LIMIT_MS = 30 * 60_000


@dataclass(frozen=True)
class Outcome:
    """What happens now, applied in this order: to the running runtime, then to the clock, then a start.

    ``suspend_ms`` / ``advance_ms``: the running runtime spends that long suspended (timers
    frozen) / in the foreground (timers fire), ``None`` when it is not touched. ``end``: why the
    runtime then ends (``None``: it keeps running, or none was running). ``idle_ms``: how far the
    clock then moves with no runtime running. ``start``: a new session starts afterwards.
    """

    suspend_ms: int | None = None
    advance_ms: int | None = None
    end: str | None = None
    idle_ms: int = 0
    start: bool = False


class Lifecycle:
    """Foreground / background state and the clock between runtimes; see the module docstring.

    ``clock_ms`` is the virtual time while no runtime runs (a new session starts there; a running
    session keeps its own clock, reported back through :meth:`stopped`). ``background_ms`` is the
    time spent in the background since the app last came to the foreground.
    """

    def __init__(self, clock_ms: int) -> None:
        self.clock_ms = clock_ms
        self.in_background = False
        self.background_ms = 0

    def _foreground(self) -> None:
        self.in_background, self.background_ms = False, 0

    def wake(self, *, running: bool) -> Outcome:
        """The user is in the app (a message or a tap): back to the foreground, a session running."""
        self._foreground()
        return Outcome(start=not running)

    def event(self, name: str, duration_ms: int | None = None, *, running: bool) -> Outcome:
        """What the lifecycle event ``name`` does, given whether a runtime is running.

        ``name`` is one of the scenario's event kinds (``background``, ``foreground``,
        ``memory_warning``, ``restart``, ``new_session``, ``advance``); ``background`` and
        ``advance`` need ``duration_ms``. Raises :class:`ValueError` for an unknown event or a
        missing duration (the scenario loader rejects both before a run).
        """
        if name in ("background", "advance") and duration_ms is None:
            raise ValueError(f"the lifecycle event {name!r} needs a duration")
        if name == "background":
            assert duration_ms is not None
            return self._background(duration_ms, running=running)
        if name == "memory_warning":
            # Only a backgrounded app is killed for memory; in the foreground nothing happens.
            return Outcome(end="memory_warning" if self.in_background and running else None)
        if name == "advance":
            assert duration_ms is not None
            self._foreground()  # time passes with the user in the app
            return Outcome(advance_ms=duration_ms) if running else Outcome(idle_ms=duration_ms)
        if name in ("restart", "new_session"):
            self._foreground()
            return Outcome(end=name if running else None, start=name == "new_session")
        if name == "foreground":
            self._foreground()
            return Outcome()
        raise ValueError(f"unknown lifecycle event {name!r}")

    def _background(self, ms: int, *, running: bool) -> Outcome:
        """``ms`` in the background: the runtime ends when the total reaches :data:`BACKGROUND_LIMIT_MS`."""
        self.in_background = True
        left = BACKGROUND_LIMIT_MS - self.background_ms
        self.background_ms += ms
        if not running:
            return Outcome(idle_ms=ms)
        if ms < left:
            return Outcome(suspend_ms=ms)
        # The runtime ends at the moment the limit is reached; the rest of the event passes without it.
        return Outcome(suspend_ms=left, end=f"background {format_duration(BACKGROUND_LIMIT_MS)}", idle_ms=ms - left)

    def stopped(self, at_ms: int) -> None:
        """A runtime stopped with its clock at ``at_ms``: the clock continues from there."""
        self.clock_ms = at_ms

    def idle(self, ms: int) -> None:
        """``ms`` pass with no runtime running."""
        self.clock_ms += ms


def format_duration(ms: int) -> str:
    """``1800000`` -> ``30m``, ``5000`` -> ``5s``, ``5400000`` -> ``1h30m``, ``1500`` -> ``1500ms``."""
    if ms % 1000:
        return f"{ms}ms"
    out = ""
    rest = ms // 1000
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out or "0s"

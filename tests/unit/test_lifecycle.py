"""The lifecycle rules on their own (no V8): what each event does to the runtime and the clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wxreplay.lifecycle import BACKGROUND_LIMIT_MS, Lifecycle, Outcome, format_duration

MINUTE = 60_000


def test_the_background_limit_is_30_minutes() -> None:
    assert BACKGROUND_LIMIT_MS == 30 * MINUTE
    assert format_duration(BACKGROUND_LIMIT_MS) == "30m"


def test_background_under_the_limit_suspends_the_runtime() -> None:
    life = Lifecycle(1000)
    assert life.event("background", 10 * MINUTE, running=True) == Outcome(suspend_ms=10 * MINUTE)
    assert life.in_background and life.background_ms == 10 * MINUTE and life.clock_ms == 1000


def test_background_reaching_the_limit_ends_the_runtime_at_that_moment() -> None:
    life = Lifecycle(0)
    assert life.event("background", 45 * MINUTE, running=True) == Outcome(
        suspend_ms=30 * MINUTE, end="background 30m", idle_ms=15 * MINUTE
    )


def test_exactly_the_limit_ends_the_runtime_with_no_time_left_over() -> None:
    outcome = Lifecycle(0).event("background", 30 * MINUTE, running=True)
    assert outcome == Outcome(suspend_ms=30 * MINUTE, end="background 30m", idle_ms=0)


def test_time_in_the_background_adds_up_across_events() -> None:
    life = Lifecycle(0)
    assert life.event("background", 20 * MINUTE, running=True) == Outcome(suspend_ms=20 * MINUTE)
    assert life.event("background", 15 * MINUTE, running=True) == Outcome(
        suspend_ms=10 * MINUTE, end="background 30m", idle_ms=5 * MINUTE
    )
    assert life.background_ms == 35 * MINUTE


@pytest.mark.parametrize(
    "back",
    [
        pytest.param(lambda life: life.event("foreground", running=True), id="foreground"),
        pytest.param(lambda life: life.event("advance", 1000, running=True), id="advance"),
        pytest.param(lambda life: life.wake(running=True), id="wake"),
    ],
)
def test_coming_back_restarts_the_count(back: Callable[[Lifecycle], Outcome]) -> None:
    life = Lifecycle(0)
    life.event("background", 20 * MINUTE, running=True)
    back(life)
    assert not life.in_background and life.background_ms == 0
    assert life.event("background", 20 * MINUTE, running=True) == Outcome(suspend_ms=20 * MINUTE)


def test_background_with_no_runtime_only_moves_the_clock() -> None:
    life = Lifecycle(0)
    assert life.event("background", 40 * MINUTE, running=False) == Outcome(idle_ms=40 * MINUTE)
    assert life.in_background


def test_memory_warning_ends_the_runtime_only_in_the_background() -> None:
    life = Lifecycle(0)
    assert life.event("memory_warning", running=True) == Outcome()
    life.event("background", MINUTE, running=True)
    assert life.event("memory_warning", running=True) == Outcome(end="memory_warning")
    assert life.event("memory_warning", running=False) == Outcome()
    assert life.in_background  # a memory warning does not bring the app back


def test_restart_ends_a_running_runtime_and_starts_nothing() -> None:
    life = Lifecycle(0)
    life.event("background", MINUTE, running=True)
    assert life.event("restart", running=True) == Outcome(end="restart")
    assert not life.in_background and life.background_ms == 0
    assert life.event("restart", running=False) == Outcome()


def test_new_session_ends_the_runtime_and_starts_one_at_once() -> None:
    life = Lifecycle(0)
    assert life.event("new_session", running=True) == Outcome(end="new_session", start=True)
    assert life.event("new_session", running=False) == Outcome(start=True)


def test_advance_runs_a_live_runtime_or_moves_the_clock() -> None:
    life = Lifecycle(0)
    assert life.event("advance", 5000, running=True) == Outcome(advance_ms=5000)
    assert life.event("advance", 5000, running=False) == Outcome(idle_ms=5000)


def test_wake_starts_a_session_only_when_none_runs() -> None:
    life = Lifecycle(0)
    assert life.wake(running=False) == Outcome(start=True)
    assert life.wake(running=True) == Outcome()


def test_the_clock_continues_where_the_last_runtime_stopped() -> None:
    life = Lifecycle(1000)
    life.stopped(90_000)
    life.idle(5000)
    assert life.clock_ms == 95_000


def test_lifecycle_rejects_unknown_events_and_missing_durations() -> None:
    life = Lifecycle(0)
    with pytest.raises(ValueError, match="unknown lifecycle event 'sleep'"):
        life.event("sleep", running=True)
    with pytest.raises(ValueError, match="'background' needs a duration"):
        life.event("background", running=True)
    with pytest.raises(ValueError, match="'advance' needs a duration"):
        life.event("advance", running=False)


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (1_800_000, "30m"),
        (5000, "5s"),
        (5_400_000, "1h30m"),
        (1500, "1500ms"),
        (0, "0s"),
        (3_661_000, "1h1m1s"),
    ],
)
def test_format_duration(ms: int, text: str) -> None:
    assert format_duration(ms) == text

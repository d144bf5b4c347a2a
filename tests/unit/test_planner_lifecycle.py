"""The session lifecycle (spec 7): every event, what ends the runtime, what survives it, the clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner_support import fails, lines, passes

from wxreplay.host.device import parse_time
from wxreplay.runner import ScenarioRun

START = parse_time("2026-01-05T09:30:00+08:00")  # the default device start time
MIN = 60_000

VISIT = """
  - user: 再访问一次
    plan:
      - call: visit
"""


def visits(run: ScenarioRun) -> list[dict[str, Any]]:
    """structuredContent of every visit call, in order."""
    return [s.result["structuredContent"] for s in run.transcript.steps if s.api == "visit" and s.result]


def events(run: ScenarioRun) -> list[dict[str, Any]]:
    return [s.event for s in run.transcript.steps if s.kind == "lifecycle" and s.event]


def test_a_conversation_starts_one_session_on_the_device_clock(tmp_path: Path) -> None:
    run = passes(tmp_path, "turns:" + VISIT + VISIT)
    (session,) = run.transcript.sessions
    assert session.started_at_ms == START and session.ended_by is None
    first, second = visits(run)
    assert (first["visits"], first["total"], second["visits"], second["total"]) == (1, 1, 2, 2)
    assert first["session"] == second["session"] == session.session_id and first["now"] == START


def test_background_for_less_than_30_minutes_keeps_the_session(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - background: 29m
    expect: {session: same}
"""
        + VISIT,
    )
    first, second = visits(run)
    assert second["visits"] == 2 and second["session"] == first["session"]  # module state kept
    assert second["now"] - first["now"] == 29 * MIN
    assert events(run) == [{"name": "background", "arg": "29m", "sessionEnded": False}]
    assert len(run.transcript.sessions) == 1


def test_30_minutes_in_the_background_end_the_runtime(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 开始
    plan:
      - call: visit
      - call: ticker
      - render: ticker
  - background: 45m
    expect: {session: new}
"""
        + VISIT,
    )
    s1, s2 = run.transcript.sessions
    assert s1.ended_by == "background 30m" and s2.started_at_ms == START + 45 * MIN  # the clock went on
    first, second = visits(run)
    assert second["visits"] == 1 and second["total"] == 2  # module state gone, storage kept
    assert second["session"] != first["session"] and second["session"] == s2.session_id
    (event,) = [s for s in run.transcript.steps if s.kind == "lifecycle"]
    assert event.event == {"name": "background", "arg": "45m", "sessionEnded": True}
    assert event.logs == [{"level": "info", "context": "dynamic", "text": "ticker detached at n=0"}]  # frozen: no tick
    turns = run.transcript.to_dict()["turns"]
    assert [t["session"] for t in turns] == [1, 1, 2]


def test_time_in_the_background_adds_up_until_foreground(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - background: 20m
    expect: {session: same}
  - background: 10m
    expect: {session: new}
"""
        + VISIT,
    )
    assert run.transcript.sessions[0].ended_by == "background 30m"
    assert visits(run)[1]["now"] == START + 30 * MIN
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - background: 20m
  - foreground
  - background: 20m
    expect: {session: same}
"""
        + VISIT
        + """
  - background: 20m
    expect: {session: same}
""",
    )
    assert len(run.transcript.sessions) == 1 and visits(run)[1]["visits"] == 2  # a user turn is in the foreground too


def test_memory_warning_ends_the_runtime_only_in_the_background(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - memory_warning:
    expect: {session: same}
  - background: 1m
  - memory_warning:
    expect: {session: new}
"""
        + VISIT,
    )
    assert [e["sessionEnded"] for e in events(run)] == [False, False, True]
    assert run.transcript.sessions[0].ended_by == "memory_warning"
    assert visits(run)[1]["visits"] == 1 and visits(run)[1]["now"] == START + MIN


def test_restart_ends_the_runtime_and_the_next_turn_starts_a_session(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - restart:
    expect: {session: new}
  - background: 5m       # nothing is running: the clock moves
"""
        + VISIT,
    )
    assert [s.ended_by for s in run.transcript.sessions] == ["restart", None]
    assert run.transcript.sessions[1].started_at_ms == START + 5 * MIN
    assert visits(run)[1]["visits"] == 1 and visits(run)[1]["total"] == 2


def test_new_session_starts_one_at_once(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - new_session:
    expect: {session: new}
  - advance: 2s
    expect: {session: same}
"""
        + VISIT,
    )
    s1, s2 = run.transcript.sessions
    assert s1.ended_by == "new_session" and s2.started_at_ms == START
    assert [t["session"] for t in run.transcript.to_dict()["turns"]] == [1, 1, 2, 2]
    assert visits(run)[1]["now"] == START + 2000 and visits(run)[1]["visits"] == 1


def test_advance_fires_timers_and_records_the_cards_that_changed(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
        expect: {card: ticks 0}
  - advance: 5s
    expect:
      session: same
      card: {component: ticker, text: ticks 5}
""",
    )
    (event,) = [s for s in run.transcript.steps if s.kind == "lifecycle"]
    assert event.event == {"name": "advance", "arg": "5s", "sessionEnded": False}
    assert [c["component"] for c in event.cards] == ["components/ticker/index"]
    assert event.cards[0]["tree"] == [
        {"tag": "view", "class": "card", "children": [{"tag": "text", "class": "n", "text": "ticks 5"}]}
    ]
    assert "advance 5s\n  card ticker re-rendered:" in run.transcript.to_text()


def test_timers_are_frozen_in_the_background(tmp_path: Path) -> None:
    head = """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - advance: 2500ms
    expect: {card: ticks 2}
  - background: 10m
    expect: {card: ticks 2}
  - foreground
"""
    passes(
        tmp_path,
        head
        + """
  - advance: 499ms
    expect: {card: ticks 2}
  - advance: 1ms          # the tick due at 3 s, postponed by the 10 minutes in the background
    expect: {card: ticks 3}
  - advance: 1s
    expect: {card: ticks 4}
""",
    )


def test_advance_brings_the_app_back_to_the_foreground(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - background: 20m
  - advance: 5s
  - background: 20m        # the count starts again: 20 minutes, not 40
    expect: {session: same}
"""
        + VISIT,
    )
    assert len(run.transcript.sessions) == 1 and visits(run)[1]["now"] == START + 40 * MIN + 5000


def test_advance_with_no_runtime_moves_the_clock(tmp_path: Path) -> None:
    run = passes(
        tmp_path,
        "turns:"
        + VISIT
        + """
  - restart
  - advance: 1m
"""
        + VISIT,
    )
    assert run.transcript.sessions[1].started_at_ms == START + MIN


def test_cards_of_an_ended_session_are_not_interactive(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 有什么
    plan:
      - call: list
      - render: list
  - restart
  - user: 还在吗
    plan:
      - call: visit
  - tap: 商品1
    plan:
      - call: pick
""",
    )
    assert f.turn == 4 and f.step == "turn 4 › tap 商品1"
    assert f.reason == (
        "the list card was rendered in session 1 (turn 1), which ended (restart at turn 2): "
        "cards of an ended session are no longer interactive"
    )
    assert f.fix is not None and "render the card in the new session" in f.fix


def test_a_tap_right_after_the_runtime_ended_fails_too(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 有什么
    plan:
      - call: list
      - render: list
  - background: 30m
  - tap: 咨询
""",
    )
    assert "which ended (background 30m at turn 2)" in f.reason


def test_event_expectations_on_a_dead_session(tmp_path: Path) -> None:
    f = fails(
        tmp_path,
        """
turns:
  - user: 开始计时
    plan:
      - call: ticker
      - render: ticker
  - background: 30m
    expect: {session: same}
""",
    )
    assert lines(f) == ['turn 2 › background 30m › session: expected "same", got "new: the session ended (background 30m)"']

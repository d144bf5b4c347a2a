"""Hostile skills (tests/skills/hostile-cards) in every context: each probe ends in a wxreplay error or
a finding, in bounded time; the process survives, the next call and a new session work.

Places: the API handler, a middleware, an API timer; a static card's Result handler, observer and
tap; the same in a realtime dynamic card, plus its timer. Probes: utils/probes.js.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wxreplay import Project, Session, SessionLimits
from wxreplay.errors import ApiCallError, CallTimeoutError, MemoryLimitError, WxReplayError

HOSTILE = Path(__file__).resolve().parents[2] / "skills" / "hostile-cards"
LIMITS = SessionLimits(memory_mb=32, wall_timeout_s=0.5)

API_PLACES = ("inHandler", "inMiddleware", "inTimer")
CARD_PLACES = tuple(f"{api}:{where}" for api in ("staticCard", "dynamicCard") for where in ("result", "observer", "tap"))
PLACES = (*API_PLACES, *CARD_PLACES, "dynamicCard:timer")
STATIC = tuple(p for p in CARD_PLACES if p.startswith("staticCard"))

INTRINSIC = r"V8 intrinsic syntax \(%Name\(\.\.\.\)\) is not available to skill code"
# probe -> (places, expected): expected is an error class + message pattern, or ("finding", code, pattern).
# In a dynamic card's timer nobody can catch a throw: it is a card-uncaught-error finding instead.
EXPECTED: dict[str, tuple[tuple[str, ...], Any]] = {
    "natives_source": (PLACES, (ApiCallError, INTRINSIC)),
    "natives_eval": (PLACES, (ApiCallError, INTRINSIC)),
    "natives_function": (PLACES, (ApiCallError, INTRINSIC)),
    "natives_async": (PLACES, (ApiCallError, INTRINSIC)),
    "natives_clock": (PLACES, (ApiCallError, INTRINSIC)),
    "throw_proxy": (PLACES, (ApiCallError, r"cannot be read \(a Proxy or a throwing getter\?\): trap")),
    "throw_getter": (PLACES, (ApiCallError, r"an Error whose message cannot be read .*: getter throws")),
    "throw_string": (PLACES, (ApiCallError, r"a plain string")),
    "poison_tojson": (PLACES, (ApiCallError, r"the skill replaced Object\.prototype\.toJSON")),
    "forged_request": (STATIC[:2], ("finding", "forbidden-effect", r"static card .* made a wx\.request host call")),
    "forged_payment": (API_PLACES[:2], ("finding", "api-context-warning", r"wx\.requestPayment is called in an atomic API")),
    "big_log": (PLACES, ("finding", "log-limit", r"console output passed 1000000 bytes")),
    "host_storm": (PLACES, (ApiCallError, r"more than 10000 wx host calls in one call")),
    "big_set_data": ((*CARD_PLACES, "dynamicCard:timer"), (ApiCallError, r"SessionLimits\.set_data_bytes")),
    # V8's own tasks would run these callbacks after the step, outside the guard and on the real clock.
    "realtime_task": (PLACES, (ApiCallError, r"Atomics\.waitAsync is not a function")),
    "timer_manager": (PLACES, (ApiCallError, r"Atomics\.waitAsync is not a function")),
    "wasm_async": (PLACES, (CallTimeoutError, r"more than 0\.5 s of real time")),
    "memory_bomb": (PLACES, (MemoryLimitError, r"exceeded the 32 MB heap limit")),
    "busy_loop": (PLACES, (CallTimeoutError, r"more than 0\.5 s of real time")),
    "await_loop": (PLACES, (CallTimeoutError, r"more than 0\.5 s of real time")),
}
# Poisoned built-ins stay poisoned for the rest of that session's context: a later call there may
# fail, but only with a message naming what the skill replaced.
PERSISTENT = {"poison_tojson"}
CASES = [(probe, place) for probe, (places, _) in EXPECTED.items() for place in places]


@pytest.fixture(scope="module")
def hostile() -> Project:
    """tests/skills/hostile-cards: APIs and cards that run a named probe in a named place."""
    return Project.load(HOSTILE)


@pytest.fixture
def session(hostile: Project) -> Iterator[Session]:
    """A session over the hostile skill with small limits (32 MB heaps, 0.5 s steps)."""
    with Session(hostile, limits=LIMITS) as s:
        yield s


def attempt(s: Session, probe: str, place: str) -> None:
    """Run ``probe`` in ``place``."""
    if place in API_PLACES:
        s.call(place, {"probe": probe})
        return
    api, where = place.split(":")
    card = s.render(s.call(api, {"probe": probe, "where": where}))
    if where == "tap":
        card.tap("#probe")
    elif where == "timer":
        s.advance(100)


# A timer's uncaught Error is logged as the console shows it: its stack, whose first line V8 wrote
# when the Error was made (before the probe put a throwing getter on its message).
TIMER_PATTERN = {"throw_getter": r"thirdScriptError in timer callback: Error: hidden"}


def as_finding(probe: str, place: str) -> Any:
    """Where nothing can catch a throw (a dynamic card's timer) the error is a card-uncaught-error finding."""
    expected = EXPECTED[probe][1]
    # The bridge's own checks (its JSON, the host-call count) still raise from the clock's advance.
    if place == "dynamicCard:timer" and expected[0] is ApiCallError and probe not in ("poison_tojson", "host_storm"):
        return ("finding", "card-uncaught-error", TIMER_PATTERN.get(probe, expected[1]))
    return expected


@pytest.mark.parametrize("probe, place", CASES, ids=[f"{p}-{w}" for p, w in CASES])
def test_hostile_probe_is_contained(hostile: Project, session: Session, connections: list[Any], probe: str, place: str) -> None:
    expected = as_finding(probe, place)
    started = time.monotonic()
    if expected[0] == "finding":
        _, code, pattern = expected
        try:
            attempt(session, probe, place)
        except ApiCallError as e:  # a tap surfaces the refused call's rejection as the card's error
            assert place.endswith(":tap") and re.search(r"not available in the static card", str(e)), str(e)
        found = [f for f in session.findings if f.code == code]
        assert found and re.search(pattern, found[0].message), [(f.code, f.message) for f in session.findings]
        assert found[0].level == ("error" if code in ("forbidden-effect", "card-uncaught-error") else "warning")
    else:
        cls, pattern = expected
        with pytest.raises(cls) as info:
            attempt(session, probe, place)
        assert re.search(pattern, str(info.value)), str(info.value)
    assert time.monotonic() - started < 10
    assert connections == []  # a forged request from a static card never reaches the network
    try:
        assert session.call("ok").text == "ok"
    except WxReplayError as e:
        assert probe in PERSISTENT and place in API_PLACES and "the skill replaced" in str(e), str(e)
    with Session(hostile, limits=LIMITS) as fresh:
        assert fresh.call("ok").text == "ok"


POISONS = ("poison_step", "poison_json", "poison_then", "poison_push", "poison_map")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("probe", POISONS)
def test_replaced_builtins_never_break_the_bridge_silently(hostile: Project, session: Session, probe: str, place: str) -> None:
    """The bridge keeps working; anything that fails names what the skill replaced (never a KeyError or a 300 s hang)."""
    try:
        attempt(session, probe, place)
        after = session.call("ok").text
    except WxReplayError as e:
        message = str(e)
        assert "the skill replaced" in message and "__wr" not in message, message
    else:
        assert after == "ok"
    with Session(hostile, limits=LIMITS) as fresh:
        assert fresh.call("ok").text == "ok"


def test_the_bridge_cannot_be_replaced(hostile: Project, session: Session) -> None:
    # __wr is frozen: the assignment in the skill's (sloppy) module is ignored, the bridge stays ours.
    session.call("inHandler", {"probe": "poison_step"})
    assert session.call("ok").text == "ok"


@pytest.mark.parametrize(
    "probe, message",
    [
        ("natives_eval", "V8 intrinsic syntax (%Name(...)) is not available to skill code"),
        ("natives_function", "V8 intrinsic syntax (%Name(...)) is not available to skill code"),
        ("throw_proxy", "cannot be read (a Proxy or a throwing getter?): trap"),
        ("poison_tojson", "the skill replaced Object.prototype.toJSON"),
    ],
)
def test_wxreplay_call_survives_a_hostile_skill(probe: str, message: str) -> None:
    """As a user runs it: `wxreplay call` exits 1 with the error (V8 used to end the process with 133)."""
    out = subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "call", str(HOSTILE), "inHandler", "--args", json.dumps({"probe": probe})],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1, out.stderr
    assert message in out.stderr and "Traceback" not in out.stderr

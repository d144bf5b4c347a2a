"""Determinism: the virtual clock in the device's zone, seeded randomness, timers without real waiting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from wxreplay import Device, Project, Session
from wxreplay.host.device import parse_time

Opener = Callable[..., Session]
START = parse_time("2026-01-05T09:30:00+08:00")  # Device's default start time

CLOCK = """async () => {
  const d = new Date()
  return { content: [], structuredContent: {
    now: Date.now(), value: d.getTime(), iso: d.toISOString(), text: String(d), hours: d.getHours(), day: d.getDay(),
    offset: d.getTimezoneOffset(), dateCall: Date(), local: d.toLocaleString(),
    intlZone: new Intl.DateTimeFormat().resolvedOptions().timeZone,
    intlHour: new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23' }).format(d),
    fromParts: new Date(2026, 0, 5, 10, 0).toISOString(),
    zoneless: new Date('2026-01-05T10:00:00').toISOString(),
    zonelessSlash: Date.parse('2026/01/05 10:00'),
    zoned: new Date('2026-01-05T10:00:00Z').toISOString(),
    dateOnly: new Date('2026-01-05').toISOString(),
    setHours: new Date(new Date().setHours(0, 0, 0, 0)).toISOString(),
    isDate: d instanceof Date && Object.prototype.toString.call(d) === '[object Date]',
    number: (1234.5).toLocaleString(), numberLocale: new Intl.NumberFormat().resolvedOptions().locale,
  } }
}"""

RANDOM = """async () => ({ content: [], structuredContent: {
  random: [Math.random(), Math.random(), Math.random()],
  bytes: Array.from(crypto.getRandomValues(new Uint8Array(8))),
  words: Array.from(crypto.getRandomValues(new Uint32Array(2))),
  uuid: crypto.randomUUID(),
} })"""

TIMERS = """async (a) => {
  const start = Date.now()
  const order = []
  setTimeout(() => order.push('t20'), 20)
  setTimeout(() => order.push('t10-first'), 10)
  setTimeout(() => order.push('t10-second'), 10)
  const cancelled = setTimeout(() => order.push('cancelled'), 5)
  clearTimeout(cancelled)
  setTimeout((x, y) => order.push('args ' + x + y), 15, 'a', 'b')
  await new Promise((resolve) => setTimeout(resolve, a.ms))
  return { content: [], structuredContent: { waited: Date.now() - start, order } }
}"""

PREAMBLE = """
let ticks = []
setInterval(() => { ticks.push(Date.now()); console.log('tick ' + ticks.length) }, 1000)
"""


@pytest.fixture(scope="module")
def clock_project(probe_project: Callable[..., Project]) -> Project:
    """A probe skill reading the clock and the RNG, with a module-level setInterval."""
    return probe_project(
        {
            "clock": CLOCK,
            "random": RANDOM,
            "timers": TIMERS,
            "ticks": "async () => ({ content: [], structuredContent: { ticks, now: Date.now() } })",
        },
        preamble=PREAMBLE,
    )


def test_clock_starts_at_device_start_in_device_zone(clock_project: Project, open_session: Opener) -> None:
    sc = open_session(clock_project).call("clock").structured_content
    assert sc == {
        "now": START,
        "value": START,
        "iso": "2026-01-05T01:30:00.000Z",
        "text": "Mon Jan 05 2026 09:30:00 GMT+0800",
        "hours": 9,
        "day": 1,
        "offset": -480,
        "dateCall": "Mon Jan 05 2026 09:30:00 GMT+0800",
        "local": "2026/1/5 09:30:00",
        "intlZone": "Asia/Shanghai",
        "intlHour": "09",
        "fromParts": "2026-01-05T02:00:00.000Z",
        "zoneless": "2026-01-05T02:00:00.000Z",
        "zonelessSlash": parse_time("2026-01-05T10:00:00+08:00"),
        "zoned": "2026-01-05T10:00:00.000Z",
        "dateOnly": "2026-01-05T00:00:00.000Z",
        "setHours": "2026-01-04T16:00:00.000Z",
        "isDate": True,
        "number": "1,234.5",
        "numberLocale": "zh-CN",
    }


def test_clock_in_another_zone_and_start(clock_project: Project, open_session: Opener) -> None:
    device = Device(start_time="2026-07-01T23:59:59-04:00", timezone="America/New_York", tz_offset_min=240, locale="en-US")
    sc = open_session(clock_project, device=device).call("clock").structured_content
    assert (sc["iso"], sc["hours"], sc["offset"], sc["intlZone"], sc["intlHour"]) == (
        "2026-07-02T03:59:59.000Z",
        23,
        240,
        "America/New_York",
        "23",
    )
    assert open_session(clock_project, now_ms=0).call("clock").structured_content["iso"] == "1970-01-01T00:00:00.000Z"


def test_the_host_zone_and_locale_do_not_leak_in(clock_project: Project) -> None:
    """The same call under another host TZ and LANG gives the same answer (V8 reads both at start-up)."""
    script = (
        "import json, sys; from wxreplay import Project, Session\n"
        "with Session(Project.load(sys.argv[1])) as s: print(json.dumps(s.call('clock').structured_content))"
    )
    outputs = []
    for tz, lang in (("UTC", "C.UTF-8"), ("America/Los_Angeles", "de_DE.UTF-8")):
        env = {**os.environ, "TZ": tz, "LANG": lang, "LC_ALL": lang}
        done = subprocess.run(
            [sys.executable, "-c", script, str(clock_project.root)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["hours"] == 9 and outputs[0]["zonelessSlash"] == parse_time("2026-01-05T10:00:00+08:00")
    assert outputs[0]["number"] == "1,234.5"


def test_random_is_seeded(clock_project: Project, open_session: Opener) -> None:
    a = open_session(clock_project, device=Device(seed=7)).call("random").structured_content
    b = open_session(clock_project, device=Device(seed=7)).call("random").structured_content
    c = open_session(clock_project, device=Device(seed=8)).call("random").structured_content
    assert a == b
    assert all(a[k] != c[k] for k in a)
    assert len(set(a["random"])) == 3 and all(0 <= x < 1 for x in a["random"])
    assert a["uuid"][14] == "4" and len(a["uuid"]) == 36


def test_restart_on_the_same_device_gets_a_new_random_stream(clock_project: Project, open_session: Opener) -> None:
    device = Device(seed=7)
    first = open_session(clock_project, device=device).call("random").structured_content
    second = open_session(clock_project, device=device).call("random").structured_content
    assert first != second  # else ids made of Date.now() + Math.random() would collide in storage
    assert open_session(clock_project, device=Device(seed=7)).call("random").structured_content == first


def test_ids_from_time_and_random_replay_exactly(legacy_project: Project, open_session: Opener) -> None:
    def favourites(device: Device) -> list[Any]:
        s = open_session(legacy_project, device=device)
        return [s.call("addFavorite", {"city": c}).structured_content["favorite"] for c in ("北京", "上海")]

    first, again = favourites(Device()), favourites(Device())
    assert first == again
    assert first[0]["id"].startswith("fav_" + format_base36(START) + "_") and first[0]["at"] == "2026-01-05T01:30:00.000Z"
    assert first[0]["id"] != first[1]["id"]
    assert favourites(Device(seed=1))[0]["id"] != first[0]["id"]


def format_base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out


def test_timers_in_a_handler_advance_the_virtual_clock(clock_project: Project, open_session: Opener) -> None:
    s = open_session(clock_project)
    began = time.perf_counter()
    r = s.call("timers", {"ms": 120_000})
    assert time.perf_counter() - began < 2  # two virtual minutes, no real waiting
    assert r.structured_content == {"waited": 120_000, "order": ["t10-first", "t10-second", "args ab", "t20"]}
    assert r.virtual_ms == 120_000
    assert s.now == START + 120_000
    # the module-level interval kept ticking while the handler waited
    ticks = s.call("ticks").structured_content
    assert len(ticks["ticks"]) == 120 and ticks["now"] == START + 120_000


def test_advance_fires_module_level_intervals(clock_project: Project, open_session: Opener) -> None:
    s = open_session(clock_project)
    assert s.call("ticks").structured_content == {"ticks": [], "now": START}
    s.advance(3_500)
    assert s.now == START + 3_500
    assert s.call("ticks").structured_content == {"ticks": [START + 1000, START + 2000, START + 3000], "now": START + 3_500}
    assert [(line.text, line.api) for line in s.logs] == [("tick 1", None), ("tick 2", None), ("tick 3", None)]
    s.advance(500)
    assert s.call("ticks").structured_content["ticks"][-1] == START + 4000
    assert s.call("clock").structured_content["now"] == START + 4000


def test_retry_with_set_timeout_waits_on_the_virtual_clock(notes_project: Project, open_session: Opener) -> None:
    statuses = [503, 502, 200]
    seen: list[dict[str, Any]] = []

    def sync(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        status = statuses.pop(0)
        return httpx.Response(status, json={"synced": len(seen[-1]["notes"])} if status == 200 else {"error": "busy"})

    s = open_session(
        notes_project,
        device=Device(storage={"notes:v1": [{"id": "n1", "title": "t", "tags": []}]}),
        transport=httpx.MockTransport(sync),
    )
    r = s.call("syncNotes")
    assert r.structured_content == {"synced": 1, "attempts": 3, "waitedMs": 4000}
    assert r.virtual_ms == 4000 and [x["attempt"] for x in seen] == [1, 2, 3]
    assert [line.text for line in r.logs if line.level == "warn"] == [
        "[ai-mode] attempt 1 failed: HTTP 503",
        "[ai-mode] attempt 2 failed: HTTP 502",
    ]
    assert [e.outcome["statusCode"] for e in r.host_events if e.name == "request"] == [503, 502, 200]

"""SessionLimits: each limit is configurable and a breach is a clear error or finding; memory is returned.

Over tests/skills/hostile-cards (probes in utils/probes.js); responses come from a real HTTP server
on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from wxreplay import Card, Project, Session, SessionLimits
from wxreplay.cards.card import CardError
from wxreplay.errors import ApiCallError

HOSTILE = Path(__file__).resolve().parents[2] / "skills" / "hostile-cards"


@pytest.fixture(scope="module")
def hostile() -> Project:
    """tests/skills/hostile-cards."""
    return Project.load(HOSTILE)


def card_probe(s: Session, probe: str) -> Card:
    """Render a static card whose Result handler runs ``probe``."""
    return s.render(s.call("staticCard", {"probe": probe, "where": "result"}))


def test_set_data_size_is_limited_per_call(hostile: Project) -> None:
    with Session(hostile, limits=SessionLimits(set_data_bytes=10_000)) as s:
        with pytest.raises(CardError) as info:
            card_probe(s, "set_data_20k")
        assert "larger than 10000 bytes of JSON (SessionLimits.set_data_bytes)" in str(info.value)
        assert info.value.file == "skills/hostile/utils/probes.js" and info.value.line is not None
        assert info.value.hint and "SessionLimits.set_data_bytes" in info.value.hint
    with Session(hostile) as s:  # the default allows it
        assert card_probe(s, "set_data_20k").find(".stage").texts() == "shown"


def test_card_data_size_is_limited_per_card(hostile: Project) -> None:
    with (
        Session(hostile, limits=SessionLimits(card_data_bytes=30_000)) as s,
        pytest.raises(CardError, match=r"card's data is now larger than 30000 bytes of JSON \(SessionLimits.card_data_bytes\)"),
    ):
        card_probe(s, "card_data_grow")
    with Session(hostile, limits=SessionLimits(card_data_bytes=60_000)) as s:
        assert card_probe(s, "card_data_grow").find(".stage").texts() == "shown"


@pytest.mark.parametrize("place", ["api", "card"])
def test_log_volume_is_limited_per_call(hostile: Project, place: str) -> None:
    with Session(hostile, limits=SessionLimits(log_bytes_per_call=5_000)) as s:
        if place == "api":
            r = s.call("inHandler", {"probe": "log_20k"})
            assert r.text == "done"
        else:
            card_probe(s, "log_20k")
        (finding,) = [f for f in s.findings if f.code == "log-limit"]
        assert "console output passed 5000 bytes in one call; the rest was dropped" in finding.message
        assert sum(len(line.text) for line in s.logs) <= 5_000
        s.call("inHandler", {"probe": "log_20k"})  # the budget is per call: the next one logs again
        assert [f.code for f in s.findings].count("log-limit") == 2


def test_host_calls_are_limited_per_call(hostile: Project) -> None:
    with Session(hostile, limits=SessionLimits(host_calls_per_call=40)) as s:
        with pytest.raises(ApiCallError, match=r"inHandler made more than 40 wx host calls in one call") as info:
            s.call("inHandler", {"probe": "host_calls_50"})
        assert info.value.hint and "SessionLimits.host_calls_per_call" in info.value.hint
        assert s.call("ok").text == "ok"
    with Session(hostile, limits=SessionLimits(host_calls_per_call=60)) as s:
        assert s.call("inHandler", {"probe": "host_calls_50"}).text == "done"


class _Big(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        size = int(self.path.rsplit("/", 1)[-1])
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(b"z" * size)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def big_server() -> Iterator[str]:
    """A real HTTP server on a free 127.0.0.1 port: GET /<n> answers n bytes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Big)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_response_size_is_limited(hostile: Project, big_server: str) -> None:
    # A real transport of the test's own: under pytest the plugin blocks the default network.
    with Session(hostile, limits=SessionLimits(response_bytes=100_000), transport=httpx.HTTPTransport()) as s:
        assert s.call("fetch", {"url": big_server + "/50000"}).text == "fetched 50000"
        with pytest.raises(ApiCallError, match=r"request:fail response body larger than 100000 bytes"):
            s.call("fetch", {"url": big_server + "/200000"})
        (finding,) = [f for f in s.findings if f.code == "host"]
        assert "(SessionLimits.response_bytes)" in finding.message


RSS_PROBE = textwrap.dedent(
    """
    import gc, sys
    from pathlib import Path
    from wxreplay import Project, Session, SessionLimits
    from wxreplay.errors import WxReplayError

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 1e6

    project = Project.load(Path(sys.argv[1]))
    with Session(project) as s:
        s.call("ok")
    gc.collect()
    before = rss()
    for probe, place in [("memory_bomb", "inHandler"), ("big_log", "inHandler"), ("memory_bomb", "dynamicCard")]:
        with Session(project, limits=SessionLimits(memory_mb=64)) as s:
            try:
                if place == "inHandler":
                    s.call(place, {"probe": probe})
                else:
                    s.render(s.call(place, {"probe": probe, "where": "result"}))
            except WxReplayError:
                pass
    gc.collect()
    print(before, rss())
    """
)


def test_memory_is_returned_when_a_session_closes(hostile: Project) -> None:
    """In a fresh process: RSS after memory bombs and a 3 MB log is back within 20 MB of the warm level."""
    out = subprocess.run([sys.executable, "-c", RSS_PROBE, str(HOSTILE)], capture_output=True, text=True, timeout=120, check=True)
    before, after = (float(x) for x in out.stdout.split())
    assert after - before < 20, f"RSS {before:.1f} MB before the probes, {after:.1f} MB after"

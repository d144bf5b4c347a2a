"""Record modes end to end over httpx, saving rules, stable files, the scanner gate and the no-network guarantee."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay.cassette import Cassette, CassetteError, CassetteMissError, Redactor, use_cassette
from wxreplay.errors import RecordingError

API = "https://api.example.com"


class Service:
    """A fake third party that counts every request that reaches it."""

    def __init__(self, answers: dict[str, list[Any]] | None = None) -> None:
        self.calls: list[str] = []
        self.answers = answers or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        queue = self.answers.get(request.url.path)
        data = queue.pop(0) if queue else {"path": request.url.path, "n": len(self.calls)}
        return httpx.Response(200, json=data)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def run(path: Path, mode: str, paths: list[str], service: Service | None = None) -> tuple[Cassette, list[Any]]:
    cassette = Cassette.open(path, mode)
    real = service.transport() if service is not None else None
    with httpx.Client(transport=cassette.transport(real)) as client:
        out = [client.get(API + p).json() for p in paths]
    return cassette, out


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "c.yaml"


@pytest.fixture
def recorded(path: Path) -> Path:
    cassette, _ = run(path, "once", ["/a", "/b"], Service())
    assert cassette.save()
    return path


def paths_in(path: Path) -> list[str]:
    return [e["request"]["path"] for e in Cassette.open(path).entries]


# ---- modes -------------------------------------------------------------------------------------------
def test_none_replays_and_never_calls_the_real_transport(recorded: Path) -> None:
    service = Service()
    before = recorded.read_bytes()
    cassette, out = run(recorded, "none", ["/b", "/a"], service)
    assert [o["path"] for o in out] == ["/b", "/a"] and service.calls == []
    with pytest.raises(CassetteMissError):
        run(recorded, "none", ["/c"], service)
    assert service.calls == [] and not cassette.save() and recorded.read_bytes() == before


def test_none_without_a_cassette_says_how_to_record_one(path: Path) -> None:
    with pytest.raises(CassetteMissError) as info:
        run(path, "none", ["/a"], Service())
    message = str(info.value)
    assert "the cassette does not exist yet, and record mode none replays only" in message
    assert "record mode once" in message and not path.exists()


def test_once_records_a_missing_cassette(path: Path) -> None:
    service = Service()
    cassette, _ = run(path, "once", ["/a", "/a"], service)
    assert service.calls == ["GET /a", "GET /a"]
    assert cassette.save() and paths_in(path) == ["/a", "/a"]


def test_once_replays_an_existing_cassette_and_records_nothing(recorded: Path) -> None:
    service = Service()
    before = recorded.read_bytes()
    with pytest.raises(CassetteMissError, match="record mode new_episodes"):
        run(recorded, "once", ["/a", "/new"], service)
    assert service.calls == [] and recorded.read_bytes() == before


def test_new_episodes_replays_matches_and_appends_what_is_new(recorded: Path) -> None:
    service = Service()
    cassette, out = run(recorded, "new_episodes", ["/b", "/c", "/a", "/a"], service)
    assert service.calls == ["GET /c", "GET /a"]  # the second /a: the recording was used up
    assert [o["n"] for o in out] == [2, 1, 1, 2]
    assert cassette.save() and paths_in(recorded) == ["/a", "/b", "/c", "/a"]


def test_new_episodes_with_nothing_new_does_not_write(recorded: Path) -> None:
    before = recorded.read_bytes()
    cassette, _ = run(recorded, "new_episodes", ["/a"], Service())
    assert not cassette.save() and recorded.read_bytes() == before


def test_all_re_records_everything(recorded: Path) -> None:
    service = Service()
    cassette, _ = run(recorded, "all", ["/b", "/z"], service)
    assert service.calls == ["GET /b", "GET /z"]
    assert cassette.save() and paths_in(recorded) == ["/b", "/z"]


def test_a_failed_recording_is_not_saved(recorded: Path) -> None:
    before = recorded.read_bytes()
    with pytest.raises(RuntimeError), use_cassette(recorded, "all") as cassette:
        httpx.Client(transport=cassette.transport(Service().transport())).get(API + "/only-half")
        raise RuntimeError("the test broke mid-way")
    assert recorded.read_bytes() == before


def test_use_cassette_saves_on_success(path: Path) -> None:
    with use_cassette(path, "once") as cassette:
        assert isinstance(cassette, Cassette) and cassette.path == path and cassette.recording
        httpx.Client(transport=cassette.transport(Service().transport())).get(API + "/x")
    assert paths_in(path) == ["/x"]


# ---- stable files ------------------------------------------------------------------------------------
def test_re_recording_identical_traffic_gives_a_byte_identical_file(path: Path) -> None:
    def service() -> Service:  # a fresh random token every run: redaction makes it stable
        import secrets

        return Service({"/login": [{"token": "wst_" + secrets.token_urlsafe(24), "名字": "拿铁"}]})

    cassette, _ = run(path, "once", ["/login", "/menu"], service())
    cassette.save()
    first = path.read_bytes()
    again, _ = run(path, "all", ["/login", "/menu"], service())
    assert not again.save()
    assert path.read_bytes() == first
    assert b"<redacted:token#1>" in first and "名字: 拿铁".encode() in first


def test_recorded_at_changes_only_with_the_content(path: Path) -> None:
    cassette, _ = run(path, "once", ["/a"], Service())
    cassette.save()
    stamp = Cassette.open(path).recorded_at
    assert stamp is not None and stamp.endswith("Z")
    changed, _ = run(path, "all", ["/b"], Service())
    assert changed.save() and changed.recorded_at is not None


def test_poll_notpay_then_success_replays_in_order(path: Path) -> None:
    service = Service({"/pay/status": [{"status": "NOTPAY"}, {"status": "NOTPAY"}, {"status": "SUCCESS"}]})
    cassette, out = run(path, "once", ["/pay/status"] * 3, service)
    cassette.save()
    _, replayed = run(path, "none", ["/pay/status"] * 3)
    assert [o["status"] for o in replayed] == [o["status"] for o in out] == ["NOTPAY", "NOTPAY", "SUCCESS"]


def test_what_the_skill_sees_while_recording_is_what_replay_gives(path: Path) -> None:
    def gzip_service(request: httpx.Request) -> httpx.Response:
        import gzip

        return httpx.Response(
            200,
            content=gzip.compress("你好".encode()),
            headers={
                "content-encoding": "gzip",
                "content-type": "text/plain; charset=utf-8",
                "date": "Mon, 01 Jan 2024 00:00:00 GMT",
                "set-cookie": "a=1",
            },
        )

    cassette = Cassette.open(path, "once")
    live = httpx.Client(transport=cassette.transport(httpx.MockTransport(gzip_service))).get(API + "/t")
    cassette.save()
    replay = httpx.Client(transport=Cassette.open(path).transport()).get(API + "/t")
    assert live.text == replay.text == "你好"
    assert live.headers["set-cookie"] == "a=1" and replay.headers["set-cookie"] == "a=<redacted:set-cookie#1>"
    assert {**live.headers, "set-cookie": ""} == {**replay.headers, "set-cookie": ""}
    text = path.read_text(encoding="utf-8")
    assert "text: 你好" in text and "date:" not in text and "content-encoding" not in text


# ---- secrets -----------------------------------------------------------------------------------------
def test_a_secret_the_redactor_misses_blocks_the_write(recorded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The redactor and the scanner share their rules, so a miss needs a broken redactor: the gate is the
    # second line of defence, and must hold on its own.
    monkeypatch.setattr(Redactor, "redact_entries", lambda self, entries: list(entries))
    before = recorded.read_bytes()
    leaky = Service({"/leak": [{"note": "key sk-live0123456789abcdefABCDEF is here"}]})
    cassette, _ = run(recorded, "new_episodes", ["/leak"], leaky)
    with pytest.raises(CassetteError) as info:
        cassette.save()
    message = str(info.value)
    assert message.startswith(f"{recorded}:") and "api-key" in message and "refusing to write the cassette" in message
    assert info.value.line is not None and info.value.line > 1
    assert "sk-live0123456789abcdefABCDEF" not in message  # the excerpt is masked
    assert recorded.read_bytes() == before


def test_the_miss_message_never_shows_a_live_secret(recorded: Path) -> None:
    cassette = Cassette.open(recorded)
    with pytest.raises(CassetteMissError) as info:
        httpx.Client(transport=cassette.transport()).post(API + "/login", json={"code": "0c3f1e2d3c4b5a69788796a5b4c3d2e1"})
    assert "0c3f1e2d3c4b5a69788796a5b4c3d2e1" not in str(info.value) and "<redacted:code#" in str(info.value)


# ---- misses ------------------------------------------------------------------------------------------
def test_the_miss_message(recorded: Path) -> None:
    cassette = Cassette.open(recorded)
    cassette.turn, cassette.scenario = 3, "latte.yaml"
    cassette.record_hint = "wxreplay call x a --cassette c.yaml --record {mode}"
    with cassette.api_context("searchDrinks"), pytest.raises(CassetteMissError) as info:
        httpx.Client(transport=cassette.transport()).get(API + "/b?kw=美式")
    err = info.value
    assert (err.api, err.ordinal, err.turn) == ("searchDrinks", 0, 3)
    message = str(err)
    assert message.startswith(f"{recorded}: no recording matches this wx.request (record mode none: nothing was sent)")
    assert "scenario latte.yaml, turn 3, API searchDrinks, ordinal 0: the 1st GET api.example.com/b" in message
    assert f"GET {API}/b?kw=美式" in message and 'query: {"kw": ["美式"]}' in message
    assert "entry 2 (line " in message and 'query.kw: only in the live request (["美式"])' in message
    assert message.endswith("fix: wxreplay call x a --cassette c.yaml --record new_episodes")
    assert cassette.misses == [err]


# ---- the no-network guarantee --------------------------------------------------------------------------
# (the connections fixture, a socket guard, comes from tests/conftest.py)


def test_the_guard_sees_real_connections(connections: list[Any], path: Path) -> None:
    cassette = Cassette.open(path, "once")
    # Recording fails loudly (issue 13): the connection error is a RecordingError naming URL and service.
    with pytest.raises(RecordingError, match=r"recording failed: GET http://127.0.0.1:9/x could not connect"):
        httpx.Client(transport=cassette.transport()).get("http://127.0.0.1:9/x")
    assert connections == [("127.0.0.1", 9)]
    assert not cassette.settle(passed=True) and not path.exists()  # a cassette problem: never saved


def test_a_miss_makes_no_connection_attempt(connections: list[Any], recorded: Path, path: Path) -> None:
    for mode in ("none", "once"):
        cassette = Cassette.open(recorded, mode)
        with pytest.raises(CassetteMissError):
            httpx.Client(transport=cassette.transport()).get("http://127.0.0.1:9/not-recorded")
    missing = Cassette.open(path.with_name("missing.yaml"), "none")
    with pytest.raises(CassetteMissError):
        httpx.Client(transport=missing.transport()).get("http://127.0.0.1:9/x")
    assert connections == []


def test_replay_makes_no_connection_attempt(connections: list[Any], recorded: Path) -> None:
    _, out = run(recorded, "none", ["/a", "/b"])
    assert len(out) == 2 and connections == []


def test_all_replaces_a_broken_cassette(path: Path) -> None:
    path.write_text("version: 1\nentries: [\n", encoding="utf-8")
    with pytest.raises(CassetteError, match="not valid YAML"):
        Cassette.open(path, "none")
    cassette, _ = run(path, "all", ["/a"], Service())
    assert cassette.save() and paths_in(path) == ["/a"]


def test_use_cassette_saves_nothing_after_a_swallowed_cassette_problem(path: Path) -> None:
    """The code under test may swallow the RecordingError: the cassette still knows, and keeps the file unwritten."""

    def service(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/down":
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"ok": True})

    with use_cassette(path, "once") as cassette:
        client = httpx.Client(transport=cassette.transport(httpx.MockTransport(service)))
        assert client.get("https://api.example.com/up").json() == {"ok": True}
        with contextlib.suppress(RecordingError):  # the code under test swallows it
            client.get("https://api.example.com/down")
    assert len(cassette.new_entries) == 1 and not path.exists()

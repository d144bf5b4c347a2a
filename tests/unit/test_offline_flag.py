"""A wild shape (platform spec A3): the skill's own offline/preview flag in storage switches it to built-in mock data.

tests/skills/offline-flag's ``listSpecials`` reads ``wx.getStorageSync('demo:offline')``: set (a
scenario's ``device: storage:``, or its own ``setPreview`` API), it answers from ``data/mock.js``
with no network; unset, it asks the special-offers service with ``wx.request``, which replays from
the committed cassette and records against the real service on 127.0.0.1
(``tests/unit/specials_service.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from specials_service import create_app, serve

from wxreplay import Device, Project, Session
from wxreplay.cassette import Cassette
from wxreplay.cli import main
from wxreplay.errors import CassetteMissError
from wxreplay.network import NetworkBlockedError
from wxreplay.runner import RunOptions, run_path
from wxreplay.tally_run import tally_package

PACKAGE = Path(__file__).resolve().parents[1] / "skills" / "offline-flag"
SCENARIOS = PACKAGE / "scenarios"


class NoNetwork(httpx.BaseTransport):
    """Every request fails the call (and is counted): proof that nothing was asked of the network."""

    def __init__(self) -> None:
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        raise NetworkBlockedError(f"{request.method} {request.url}: no network in this test")


@pytest.fixture(autouse=True)
def replay_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in CI: scenarios replay, nothing records unless a test asks for it explicitly."""
    monkeypatch.setenv("CI", "true")


def host_calls(step: dict[str, Any]) -> list[str]:
    return [h["name"] for h in step["hostCalls"]]


def calls(run: Any) -> list[dict[str, Any]]:
    return [s for t in run.transcript.to_dict()["turns"] for s in t["steps"] if s["kind"] == "call"]


# ---- the session, by hand -------------------------------------------------------------------------


def test_flag_set_in_storage_answers_mock_data_without_the_network() -> None:
    no_network = NoNetwork()
    with Session(Project.load(PACKAGE), device=Device(storage={"demo:offline": True}), transport=no_network) as s:
        r = s.call("listSpecials", {"city": "深圳"})
        card = s.render(r)
    assert no_network.requests == 0
    assert r.structured_content == {
        "city": "深圳",
        "source": "mock",
        "items": [{"id": "m1", "name": "生椰拿铁", "price": 9.9}, {"id": "m2", "name": "冰美式", "price": 6.6}],
    }
    assert [e.name for e in r.host_events] == ["getStorageSync"]
    assert "离线演示数据" in r.text and "离线演示" in card.to_text()


def test_flag_unset_takes_the_wx_request_path() -> None:
    no_network = NoNetwork()
    with (
        Session(Project.load(PACKAGE), device=Device(), transport=no_network) as s,
        pytest.raises(NetworkBlockedError, match=r"GET http://127\.0\.0\.1:18790/api/specials\?city="),
    ):
        s.call("listSpecials", {"city": "深圳"})
    assert no_network.requests == 1


def test_flag_unset_against_the_service_in_process_and_the_preview_api_switches_it() -> None:
    seen: list[str] = []
    device = Device()  # storage outlives sessions: the flag setPreview writes stays
    transport = httpx.WSGITransport(app=create_app(seen))
    with Session(Project.load(PACKAGE), device=device, transport=transport) as s:
        live = s.call("listSpecials", {"city": "广州"})
        s.call("setPreview", {"enabled": True})
    with Session(Project.load(PACKAGE), device=device, transport=transport) as s:
        mock = s.call("listSpecials", {"city": "广州"})
    assert live.structured_content == {"city": "广州", "source": "live", "items": [{"id": "g1", "name": "鸳鸯拿铁", "price": 13}]}
    assert mock.structured_content is not None and mock.structured_content["source"] == "mock"
    assert seen == ["GET /api/specials?city=%E5%B9%BF%E5%B7%9E"]  # one request: the mock answered the second
    assert device.get_storage() == {"demo:offline": True}


# ---- the scenarios, as wxreplay run and pytest run them ------------------------------------------------


def test_both_scenarios_replay_with_no_service(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(SCENARIOS), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "PASS offline" in out and "PASS online" in out and "2 passed, 0 failed" in out


def test_the_offline_scenario_makes_no_request_and_needs_no_cassette() -> None:
    run = run_path(SCENARIOS / "offline.scenario.yaml")
    assert run.passed, run.failure and run.failure.render()
    (step,) = calls(run)
    assert step["result"]["structuredContent"]["source"] == "mock"
    assert host_calls(step) == ["getStorageSync"]
    # its default cassette (<root>/cassettes/offline.yaml) does not exist, and in replay any request would miss
    assert run.cassette is not None and run.cassette.name == "offline.yaml" and not run.cassette.exists()


def test_the_online_scenario_replays_the_request_then_switches_to_mock() -> None:
    run = run_path(SCENARIOS / "online.scenario.yaml")
    assert run.passed, run.failure and run.failure.render()
    first, preview, second = calls(run)
    assert first["result"]["structuredContent"]["source"] == "live"
    assert first["hostCalls"][-1] == {
        "name": "request",
        "context": "api",
        "method": "GET",
        "url": "http://127.0.0.1:18790/api/specials?city=%E6%B7%B1%E5%9C%B3",
        "status": 200,
        "ok": True,
        "cassetteRef": 1,
    }
    assert host_calls(preview) == ["setStorageSync"]
    assert second["result"]["structuredContent"]["source"] == "mock" and host_calls(second) == ["getStorageSync"]


def test_the_online_scenario_fails_without_its_cassette(tmp_path: Path) -> None:
    """The flag really matters: unset, the API cannot run offline (the cassette is what answers it)."""
    text = (SCENARIOS / "online.scenario.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "online.scenario.yaml"
    scenario.write_text(text.replace("project: ..", f"project: {PACKAGE.as_posix()}"), encoding="utf-8")
    run = run_path(scenario)
    assert run.failure is not None and isinstance(run.failure.cause, CassetteMissError)
    assert run.failure.step == "turn 1 › listSpecials"


def test_recording_against_the_real_service_then_replaying_with_it_stopped(tmp_path: Path) -> None:
    """The whole loop on real HTTP: record the flag-unset path against the service on a free port, replay it offline."""
    (tmp_path / "pkg").mkdir()
    shutil.copytree(PACKAGE, tmp_path / "pkg", dirs_exist_ok=True)
    text = (SCENARIOS / "online.scenario.yaml").read_text(encoding="utf-8")
    with serve() as service:
        scenario = tmp_path / "pkg" / "scenarios" / "fresh.scenario.yaml"
        scenario.write_text(
            text.replace(
                "cassette: ../cassettes/online.yaml",
                f'cassette: fresh.yaml\ndevice: {{storage: {{"demo:api": "{service.base}"}}}}',
            ),
            encoding="utf-8",
        )
        recorded = run_path(scenario, RunOptions(record="once", record_explicit=True))
        assert recorded.passed and recorded.recorded == 1, recorded.failure and recorded.failure.render()
        assert service.seen == ["GET /api/specials?city=%E6%B7%B1%E5%9C%B3"]  # one request: the second call was mock
    cassette = Cassette.open(scenario.parent / "fresh.yaml")
    (entry,) = cassette.entries
    assert entry["request"]["host"] == service.base.removeprefix("http://")
    assert entry["response"]["body"]["json"]["items"][0]["name"] == "桂花拿铁"
    replayed = run_path(scenario)  # the service is gone: only the cassette answers
    assert replayed.passed, replayed.failure and replayed.failure.render()
    assert replayed.transcript.to_json() == recorded.transcript.to_json()


def test_the_tally_counts_the_flag_unset_api_as_needing_a_recording() -> None:
    tally = tally_package(PACKAGE)
    (skill,) = tally.skills
    outcomes = {(i.kind, i.name): (i.outcome, i.detail) for i in skill.items}
    assert outcomes == {
        ("api", "listSpecials"): ("needs-recording", "wx.request GET http://127.0.0.1:18790/api/specials?city=test"),
        ("api", "setPreview"): ("ran", ""),
        ("card", "listSpecials -> components/specials/index"): ("ran", ""),
    }

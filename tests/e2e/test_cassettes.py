"""Cassettes over examples/westore-cafe: recorded against the real service, replayed with it stopped."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import CASSETTES, EXAMPLE, EXAMPLE_ARG, wxreplay

from wxreplay import Device, Project, Session
from wxreplay.cassette import Cassette, CassetteMissError

ORDER = '{"drinkId":101,"specs":{"sugar":"less","size":"medium"}}'

# The committed cassettes and the `wxreplay call` that recorded each (with --record once, service running).
FLOWS: dict[str, list[str]] = {
    "call-searchDrinks.yaml": ["searchDrinks", "--args", '{"keyword":"拿铁"}'],
    "call-createOrder.yaml": ["createOrder", "--args", ORDER],
    "call-payOrder-cancel.yaml": ["payOrder", "--args", '{"orderId":"WS0001"}', "--payment", "cancel"],
    "call-payOrder.yaml": ["payOrder", "--args", '{"orderId":"WS0001"}'],
}


# ---- replay: a fresh clone, no service ------------------------------------------------------------
def test_every_committed_cassette_has_its_flow() -> None:
    # call-*.yaml are these flows; the others belong to the scenarios of scenarios/ (tests/e2e/test_scenarios.py)
    assert sorted(p.name for p in CASSETTES.glob("call-*")) == sorted(FLOWS)


@pytest.mark.parametrize("name", FLOWS)
def test_committed_cassettes_replay_with_the_service_stopped(service_stopped: None, tmp_path: Path, name: str) -> None:
    # A copy outside the work tree: nothing but the committed file is needed.
    cassette = tmp_path / name
    shutil.copy(CASSETTES / name, cassette)
    before = cassette.read_bytes()
    done = wxreplay("call", str(EXAMPLE), *FLOWS[name], "--cassette", str(cassette), "-v")
    assert "Traceback" not in done.stderr and "could not connect" not in done.stderr
    out = json.loads(done.stdout)
    sc = out.get("structuredContent")
    if name == "call-searchDrinks.yaml":
        assert done.returncode == 0 and sc["items"][0]["name"] == "拿铁"
    elif name == "call-createOrder.yaml":
        assert done.returncode == 0 and sc["orderId"] == "WS0001" and sc["status"] == "CREATED"
    elif name == "call-payOrder-cancel.yaml":
        assert done.returncode == 1 and out["isError"] and "取消" in out["content"][0]["text"]
        assert 'wx.requestPayment {"timeStamp"' in done.stderr and '"errMsg": "requestPayment:fail cancel"' in done.stderr
    else:
        assert done.returncode == 0 and sc == {"orderId": "WS0001", "status": "PAID", "totalPrice": 28, "paymentQueries": 1}
    assert cassette.read_bytes() == before  # replay never writes


def test_render_replays_from_a_cassette(service_stopped: None) -> None:
    done = wxreplay(
        "render", EXAMPLE_ARG, "searchDrinks", "--args", '{"keyword":"拿铁"}', "--cassette", "cassettes/call-searchDrinks.yaml"
    )
    assert done.returncode == 0, done.stderr
    assert "拿铁" in done.stdout and "Traceback" not in done.stderr


def test_in_process_replay_makes_no_connection_attempt(connections: list[Any]) -> None:
    project = Project.load(EXAMPLE)
    cassette = Cassette.open(CASSETTES / "call-createOrder.yaml")
    with Session(project, device=Device(), transport=cassette.transport(), interceptors=[cassette.interceptor]) as s:
        order = s.call("createOrder", json.loads(ORDER))
        assert order.structured_content["orderId"] == "WS0001"
        assert [e.name for e in order.host_events if e.name in ("login", "request")] == ["login", "request", "request"]
        with pytest.raises(CassetteMissError) as info:
            s.call("createOrder", {"drinkId": 102, "specs": {"sugar": "none", "size": "large"}})
    assert connections == []
    message = str(info.value)
    assert "API createOrder, ordinal 1: the 2nd POST 127.0.0.1:8765/api/orders" in message
    assert "body.json.drinkId: recorded 101, live 102" in message and "already used by an earlier identical request" in message


def test_a_miss_fails_the_cli_call_clearly(service_stopped: None) -> None:
    done = wxreplay(
        "call",
        EXAMPLE_ARG,
        "createOrder",
        "--args",
        '{"drinkId":102,"specs":{"sugar":"none","size":"large"}}',
        "--cassette",
        "cassettes/call-createOrder.yaml",
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr
    err = done.stderr
    assert "wxreplay: error: cassettes/call-createOrder.yaml: no recording matches this wx.request" in err
    assert "API createOrder, ordinal 0: the 1st POST 127.0.0.1:8765/api/orders" in err
    assert 'body: {"drinkId": 102, "specs": {"sugar": "none", "size": "large"}, "quantity": 1}' in err
    assert 'body.json.specs.size: recorded "medium", live "large"' in err
    assert err.rstrip().endswith(
        "fix: record it (with the service running): wxreplay call examples/westore-cafe createOrder --args "
        '\'{"drinkId":102,"specs":{"sugar":"none","size":"large"}}\' --cassette cassettes/call-createOrder.yaml '
        "--record new_episodes"
    )


def test_a_broken_cassette_is_a_located_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text((CASSETTES / "call-searchDrinks.yaml").read_text(encoding="utf-8")[:700], encoding="utf-8")
    done = wxreplay("call", EXAMPLE_ARG, "searchDrinks", "--cassette", str(broken))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"wxreplay: error: {broken}:" in done.stderr and "truncated" in done.stderr


def test_ci_replays_only(service_stopped: None, tmp_path: Path) -> None:
    missing = tmp_path / "new.yaml"
    done = wxreplay("call", EXAMPLE_ARG, "searchDrinks", "--cassette", str(missing), env={"CI": "true"})
    assert done.returncode == 1 and "record mode none replays only" in done.stderr
    assert "--record once" in done.stderr and not missing.exists()


def test_record_needs_a_cassette() -> None:
    done = wxreplay("call", EXAMPLE_ARG, "searchDrinks", "--record", "once")
    assert done.returncode == 2 and "--record needs --cassette FILE" in done.stderr


# ---- recording against the real service ----------------------------------------------------------
def test_record_once_then_replay_then_re_record_byte_identical(live_service: None, tmp_path: Path) -> None:
    cassette = tmp_path / "search.yaml"
    args = ["call", EXAMPLE_ARG, "searchDrinks", "--args", '{"keyword":"拿铁"}', "--cassette", str(cassette)]
    first = wxreplay(*args, "--record", "once")
    assert first.returncode == 0, first.stderr
    assert "wxreplay: recorded 1 new entry" in first.stderr
    recorded = cassette.read_bytes()

    def content(text: bytes) -> list[bytes]:  # without recorded_at and the service's Python version
        return [ln for ln in text.split(b"\n")[2:] if not ln.strip().startswith(b"server:")]

    assert content(recorded) == content((CASSETTES / "call-searchDrinks.yaml").read_bytes())  # what recording gives
    again = wxreplay(*args, "--record", "all")
    assert again.returncode == 0 and "recorded" not in again.stderr
    assert cassette.read_bytes() == recorded  # same traffic: byte for byte, recorded_at included
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_new_episodes_appends_what_is_new(live_service: None, tmp_path: Path) -> None:
    cassette = tmp_path / "orders.yaml"
    shutil.copy(CASSETTES / "call-searchDrinks.yaml", cassette)
    done = wxreplay("call", EXAMPLE_ARG, "createOrder", "--args", ORDER, "--cassette", str(cassette), "--record", "new_episodes")
    assert done.returncode == 0, done.stderr
    entries = Cassette.open(cassette).entries
    assert [e["api"] for e in entries] == ["searchDrinks", "createOrder", "createOrder", "createOrder"]
    assert "wst_" not in cassette.read_text(encoding="utf-8")  # the live token was redacted
    assert wxreplay("scan", str(cassette)).returncode == 0


def test_payment_polling_replays_in_order(tmp_path: Path, westore_app: Callable[..., Any]) -> None:
    project = Project.load(EXAMPLE)
    path = tmp_path / "poll.yaml"

    def pay(cassette: Cassette, real: httpx.BaseTransport | None) -> Any:
        with Session(project, device=Device(), transport=cassette.transport(real), interceptors=[cassette.interceptor]) as s:
            s.call("createOrder", json.loads(ORDER))
            return s.call("payOrder", {"orderId": "WS0001"})

    recording = Cassette.open(path, "once")
    live = pay(recording, httpx.WSGITransport(app=westore_app(pay_delay_polls=1)))
    recording.save()
    replayed = pay(Cassette.open(path), None)
    assert replayed.structured_content == live.structured_content
    assert replayed.structured_content["paymentQueries"] == 2
    polls = [
        e["response"]["body"]["json"]["data"]["status"]
        for e in Cassette.open(path).entries
        if e["kind"] == "http" and e["request"]["path"].endswith("/payment")
    ]
    assert polls == ["NOTPAY", "SUCCESS"]


def test_committed_cassettes_hold_no_secret() -> None:
    done = wxreplay("scan", "cassettes")
    assert done.returncode == 0, done.stdout + done.stderr

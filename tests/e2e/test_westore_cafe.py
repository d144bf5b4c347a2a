"""End to end over examples/westore-cafe: the whole ordering flow, in-process and over real HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from e2e_support import EXAMPLE_ARG, PORT, wxreplay

from wxreplay import Device, Project, Session


@pytest.fixture()
def in_process(westore_app: Callable[[], Any]) -> Callable[[], httpx.WSGITransport]:
    """Make a fresh service (fresh in-memory state) answering wx.request without a socket."""
    return lambda: httpx.WSGITransport(app=westore_app())


def names(result: Any) -> list[str]:
    return [e.name for e in result.host_events]


def test_latte_less_sugar_order_and_pay(example_project: Project, in_process: Callable[[], httpx.WSGITransport]) -> None:
    device = Device()
    with Session(example_project, device=device, transport=in_process()) as s:
        found = s.call("searchDrinks", {"keyword": "拿铁"})
        assert not found.is_error
        assert [i["name"] for i in found.structured_content["items"]][:1] == ["拿铁"]
        assert found.findings == [] and found.text.startswith("已找到")
        latte = found.structured_content["items"][0]["drinkId"]

        chosen = s.call("selectDrink", {"drinkId": latte})
        assert chosen.structured_content["drinkId"] == latte
        assert chosen.handoff is not None and chosen.handoff["url"] == f"/pages/drink/detail?drinkId={latte}"

        order = s.call("createOrder", {"drinkId": latte, "specs": {"sugar": "less", "size": "medium"}})
        assert not order.is_error, order.text
        assert order.structured_content["orderId"] == "WS0001"
        assert "login" in names(order) and "request" in names(order)
        assert "westore:token" in device.get_storage()

        paid = s.call("payOrder", {"orderId": "WS0001"})
        assert not paid.is_error, paid.text
        assert names(paid).count("requestPayment") == 1
        assert any(f.code == "api-context-warning" for f in paid.findings), "requestPayment in an API is flagged"
        assert "modelContext.expireAllCards" in names(paid)

        status = s.call("getOrder", {"orderId": "WS0001"})
        assert status.structured_content["status"] == "PAID"
        assert status.meta is not None and "statusUrl" in status.meta

        refused = s.call("cancelOrder", {"orderId": "WS0001"})
        assert refused.is_error and "WS0001" in refused.text


def test_payment_cancel_then_retry(example_project: Project, in_process: Callable[[], httpx.WSGITransport]) -> None:
    device = Device(payments=["cancel", "success"])
    with Session(example_project, device=device, transport=in_process()) as s:
        s.call("createOrder", {"drinkId": 101, "specs": {"sugar": "less", "size": "medium"}})
        cancelled = s.call("payOrder", {"orderId": "WS0001"})
        assert cancelled.is_error and "取消" in cancelled.text
        pay = next(e for e in cancelled.host_events if e.name == "requestPayment")
        assert pay.ok is False and pay.outcome == {"errMsg": "requestPayment:fail cancel"}
        again = s.call("payOrder", {"orderId": "WS0001"})
        assert not again.is_error, again.text


def test_storage_outlives_the_session_module_state_does_not(example_project: Project, westore_app: Callable[[], Any]) -> None:
    device = Device()
    app = westore_app()
    with Session(example_project, device=device, transport=httpx.WSGITransport(app=app)) as first:
        first.call("createOrder", {"drinkId": 101, "specs": {"sugar": "none", "size": "large"}})
        first_id = first.session_id
    # A restart: new session, same device. The token comes back from storage, not from wx.login.
    with Session(example_project, device=device, transport=httpx.WSGITransport(app=app), now_ms=first.now + 60_000) as second:
        assert second.session_id != first_id
        order = second.call("createOrder", {"drinkId": 102, "specs": {"sugar": "none", "size": "medium"}})
        assert order.structured_content["orderId"] == "WS0002"
        assert "login" not in names(order)
        assert any(e.name == "getStorageSync" and e.args == "westore:token" for e in order.host_events)


def test_same_inputs_same_outputs(example_project: Project, in_process: Callable[[], httpx.WSGITransport]) -> None:
    def run() -> list[Any]:
        with Session(example_project, device=Device(), transport=in_process()) as s:
            out = []
            calls = [
                ("searchDrinks", {"keyword": "美式"}),
                ("createOrder", {"drinkId": 102, "specs": {"sugar": "none", "size": "medium"}}),
            ]
            for api, args in calls:
                r = s.call(api, args)
                out.append([r.to_dict(), [e.to_dict() for e in r.host_events if e.name != "request"], [ln.text for ln in r.logs]])
            return out

    # The service hands out a random token (cassettes will pin it); everything else must match.
    def masked(out: list[Any]) -> str:
        return re.sub(r"wst_[A-Za-z0-9_-]+", "<token>", json.dumps(out, ensure_ascii=False))

    assert masked(run()) == masked(run())


# ---- the CLI, as a user runs it ----------------------------------------------------------------


def test_cli_call_over_real_http(live_service: None) -> None:
    done = wxreplay("call", EXAMPLE_ARG, "searchDrinks", "--args", '{"keyword":"拿铁"}')
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["isError"] is False
    assert result["structuredContent"]["items"][0]["name"] == "拿铁"
    assert "[ai-mode]" in done.stderr


def test_cli_call_without_the_service_fails_clearly(service_stopped: None) -> None:
    done = wxreplay("call", EXAMPLE_ARG, "searchDrinks", "--args", '{"keyword":"拿铁"}')
    assert done.returncode == 1
    assert "could not connect" in done.stderr and f"127.0.0.1:{PORT}" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["isError"] is True


def test_cli_in_process_app_and_storage() -> None:
    done = wxreplay(
        "call",
        EXAMPLE_ARG,
        "createOrder",
        "--args",
        '{"drinkId":101,"specs":{"sugar":"less","size":"medium"}}',
        "--show-storage",
        "-v",
        "--app",
        "examples/westore-cafe/service/westore_service.py:create_app",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["structuredContent"]["orderId"] == "WS0001"
    assert "westore:token" in out["storage"]
    assert "wx.login" in done.stderr and "wx.request" in done.stderr


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["searchDrink", "--args", "{}"], "did you mean 'searchDrinks'?"),
        (["searchDrinks", "--args", "{keyword: 1}"], "--args is not valid JSON"),
        (["selectDrink", "--args", '{"drinkId": "abc"}'], "drinkId: 'abc' is not of type"),
        (["createOrder", "--args", '{"drinkId": 101}'], "'specs' is a required property"),
    ],
)
def test_cli_usage_errors(args: list[str], expect: str) -> None:
    done = wxreplay("call", EXAMPLE_ARG, *args)
    assert done.returncode == 2
    assert expect in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_describe() -> None:
    done = wxreplay("describe", EXAMPLE_ARG, "--json")  # the JSON (without --json: tables, see test_cli_output.py)
    assert done.returncode == 0, done.stderr
    described = json.dumps(json.loads(done.stdout), ensure_ascii=False)
    for api in ["searchDrinks", "selectDrink", "createOrder", "payOrder", "getOrder", "cancelOrder"]:
        assert api in described

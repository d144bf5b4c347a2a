"""wx.cloud failures as the client gives them (platform-spec addendum A2), seen by real middleware.

The fixture ``tests/skills/cloud-middleware`` is the wild shape of addendum A3: two skills share
``skills/_shared/cloud.js``, which runs ``wx.cloud.init`` once per runtime (a module-level flag)
and maps every failure to an ``isError`` result by reading ``err.errCode`` and ``err.message``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wxreplay import CloudState, Device, Project, Session
from wxreplay.cassette import Cassette
from wxreplay.cloud_errors import is_documented_error_code
from wxreplay.errors import JSError, ScenarioError, StaleCassetteError, WxReplayError
from wxreplay.host.base import HostCall
from wxreplay.host.cloud import CloudFunctionError
from wxreplay.runner import RunOptions, run_scenario
from wxreplay.scenario import load_scenario
from wxreplay.scenario.parse import parse_device, parse_scenario

SKILLS = Path(__file__).resolve().parents[1] / "skills"
MIDDLEWARE = SKILLS / "cloud-middleware"
SHOP = SKILLS / "cloud-shop"
ENV = "mw-prod-4f5e"

FUNCTIONS: dict[str, Any] = {
    "listOrders": [{"orders": ["o1"]}, {"orders": ["o1", "o2"]}],
    "cancelOrder": {"fail": "订单已发货，不能取消", "errCode": -404005},
    "couponStatus": {"fail": "券已过期", "errCode": -404011},
}


@pytest.fixture(scope="module")
def project() -> Project:
    """The cloud-middleware fixture package (two skills, one shared middleware)."""
    return Project.load(MIDDLEWARE)


def device(**functions: Any) -> Device:
    return Device(cloud=CloudState(functions={**FUNCTIONS, **functions}))


def inits(r: Any) -> int:
    return sum(e.name == "cloud.init" for e in r.host_events)


def error_of(r: Any) -> dict[str, Any]:
    assert r.is_error, r.raw
    err: dict[str, Any] = r.structured_content["error"]
    return err


# ---- what the middleware sees ---------------------------------------------------------------------
def test_the_middleware_inits_once_per_runtime_and_reads_the_client_error(project: Project) -> None:
    dev = device()
    with Session(project, "orders", device=dev) as s:
        first, second = s.call("listOrders"), s.call("listOrders", {"status": "paid"})
        failed = s.call("cancelOrder", {"orderId": "o1"})
    # init ran in the first call only: the module-level flag holds for the runtime's life
    assert [inits(first), inits(second), inits(failed)] == [1, 0, 0]
    assert first.structured_content["initCount"] == second.structured_content["initCount"] == 1  # type: ignore[index]
    init = first.host_events[0]
    assert init.name == "cloud.init" and init.args == {"env": ENV, "traceUser": True}

    assert first.structured_content["result"] == {"orders": ["o1"]}  # type: ignore[index]
    assert second.structured_content["result"] == {"orders": ["o1", "o2"]}  # type: ignore[index]
    assert first.structured_content["errMsg"] == "cloud.callFunction:ok"  # type: ignore[index]

    # the failure: an Error whose message is the errMsg, carrying the stub's errCode
    msg = "cloud.callFunction:fail 订单已发货，不能取消"
    assert error_of(failed) == {"isError": True, "errCode": -404005, "message": msg, "errMsg": msg, "sameText": True}
    assert failed.text == f"cancelOrder 失败（-404005）：{msg}。请如实告诉用户，禁止编造结果。"
    assert failed.structured_content["initCount"] == 1  # type: ignore[index]
    assert not [f for f in failed.findings if "errCode" in f.message]  # a documented code: no warning
    # logged, the Error shows where the skill called (its own frames only: no line of wxreplay's glue)
    assert [ln.text for ln in failed.logs] == [
        f"[cloud-mw] cancelOrder failed (-404005): Error: {msg}\n"
        "    at Object.eval [as fn] (skills/_shared/cloud.js:51:32)\n"
        "    at Array.cloudInit (skills/_shared/cloud.js:19:10)\n"
        "    at Array.errorBoundary (skills/_shared/cloud.js:35:18)"
    ]
    event = failed.host_events[-1]
    assert event.name == "cloud.callFunction" and event.ok is False
    assert event.outcome == {"errMsg": msg, "errCode": -404005}

    # another runtime (a new session on the same device) inits again, once
    with Session(project, "coupons", device=dev) as s:
        a, b = s.call("claimCoupon", {"couponId": "c1"}), s.call("couponStatus", {"couponId": "c1"})
    assert [inits(a), inits(b)] == [1, 0]
    assert b.structured_content["initCount"] == 1  # type: ignore[index]


def test_a_missing_function_is_501000(project: Project) -> None:
    with Session(project, "coupons", device=device()) as s:
        r = s.call("claimCoupon", {"couponId": "c1"})
    err = error_of(r)
    assert err["isError"] is True and err["sameText"] is True and err["errCode"] == -501000
    assert err["message"] == (
        f"cloud.callFunction:fail -501000 [ResourceNotFound] FunctionName parameter could not be found: claimCoupon (env {ENV})"
    )
    [diag] = [f for f in r.findings if f.code == "host"]
    assert diag.level == "warning" and "device.cloud.functions" in diag.message and "claimCoupon" in diag.message


def test_a_database_failure_is_an_error_in_the_documented_range(project: Project) -> None:
    with Session(project, "orders", device=device()) as s:
        r = s.call("orderHistory")
    err = error_of(r)
    assert err["isError"] is True and err["sameText"] is True
    assert err["errCode"] == -402001 and is_documented_error_code(err["errCode"])
    assert err["errMsg"] == f"collection.get:fail [ResourceNotFound] database collection not exists: orderHistory (env {ENV})"
    assert "(skills/orders/apis/orderHistory.js:5:73)" in r.logs[0].text  # the query's .get() in the skill


def test_fail_and_complete_callbacks_get_the_same_error(project: Project) -> None:
    with Session(project, "coupons", device=device()) as s:
        r = s.call("couponStatus", {"couponId": "c9"})
    msg = "cloud.callFunction:fail 券已过期"
    assert error_of(r) == {"isError": True, "errCode": -404011, "message": msg, "errMsg": msg, "sameText": True}
    assert r.structured_content["completeGotSameError"] is True  # type: ignore[index]
    assert r.structured_content["ret"] == "undefined"  # type: ignore[index]  # callback style returns nothing


def test_an_undocumented_stub_code_is_used_with_a_warning(project: Project) -> None:
    with Session(project, "orders", device=device(cancelOrder={"fail": "nope", "errCode": 40001})) as s:
        r = s.call("cancelOrder", {"orderId": "o1"})
    assert error_of(r)["errCode"] == 40001
    [warn] = [f for f in r.findings if "40001" in f.message]
    assert warn.level == "warning" and warn.api == "cancelOrder"
    assert "not a documented wx.cloud error code" in warn.message and "the device would never give it" in warn.message


def test_a_stub_without_errcode_fails_with_minus_one(project: Project) -> None:
    with Session(project, "orders", device=device(cancelOrder={"fail": "cloud.callFunction:fail 已取消"})) as s:
        r = s.call("cancelOrder", {"orderId": "o1"})
    err = error_of(r)
    assert err["errCode"] == -1 and err["errMsg"] == "cloud.callFunction:fail 已取消"  # not prefixed twice


def test_an_uncaught_failure_is_located_at_the_skill_s_call(project: Project) -> None:
    with Session(project, "coupons", device=device()) as s, pytest.raises(JSError) as info:
        s.call("claimUnguarded", {"couponId": "c1"})
    e = info.value
    assert "claimUnguarded threw: Error: cloud.callFunction:fail -501000" in str(e)
    assert e.file == "skills/coupons/index.js" and e.line == 33
    assert e.hint is not None and "a wx API's Promise rejected and nothing caught it" in e.hint
    assert "wxreplay:" not in str(e)


def test_python_functions_choose_their_code(project: Project) -> None:
    def refuse(data: dict[str, Any], call: HostCall) -> Any:
        raise CloudFunctionError("库存不足", errCode=-404003)

    def crash(data: dict[str, Any], call: HostCall) -> Any:
        raise KeyError("orderId")

    with Session(project, "orders", device=device(), cloud_functions={"cancelOrder": refuse, "listOrders": crash}) as s:
        refused, crashed = s.call("cancelOrder", {"orderId": "o1"}), s.call("listOrders")
    assert error_of(refused)["errCode"] == -404003 and error_of(refused)["errMsg"] == "cloud.callFunction:fail 库存不足"
    # a function whose own code throws: -404011, the documented "function execution failed"
    assert error_of(crashed)["errCode"] == -404011 and "KeyError" in error_of(crashed)["errMsg"]
    with pytest.raises(WxReplayError, match="errCode must be a number"):
        CloudFunctionError("x", errCode="-1")  # type: ignore[arg-type]


# ---- parameter errors, storage, AI (the cloud-shop fixture) ----------------------------------------
def test_parameter_errors_are_401002_and_401003() -> None:
    shop = Project.load(SHOP)
    with Session(shop, device=Device(cloud=CloudState(collections={"products": []}))) as s:
        no_name = s.call("probe", {"case": "callNoName"}).structured_content["out"]["error"]  # type: ignore[index]
        empty = s.call("productImages", {"fileIDs": []})
        files = s.call("probe", {"case": "files", "params": {"fileID": "cloud://x.y/none.png"}})
    assert no_name == {
        "errMsg": "cloud.callFunction:fail parameter.name should be String instead of Undefined",
        "errCode": -401003,
    }
    assert empty.is_error and empty.raw["_meta"]["error"] == {  # type: ignore[index]
        "errMsg": "cloud.getTempFileURL:fail parameter.fileList should not be empty",
        "errCode": -401002,
    }
    missing = files.structured_content["out"]["missing"]["error"]  # type: ignore[index]
    assert missing["errCode"] == -501000 and missing["errMsg"].startswith("cloud.downloadFile:fail -501000 [ResourceNotFound]")


def test_ai_failures_are_errors_with_the_stub_code() -> None:
    shop = Project.load(SHOP)
    dev = Device(cloud=CloudState(collections={"products": []}, ai={"hunyuan-lite": {"fail": "额度用尽", "errCode": -501003}}))
    with Session(shop, device=dev) as s:
        r = s.call("askAssistant", {"question": "?"})
    assert r.is_error and r.raw["_meta"]["error"] == {  # type: ignore[index]
        "errMsg": "cloud.ai.generateText:fail 额度用尽",
        "errCode": -501003,
    }


# ---- stubs that cannot be an errCode -------------------------------------------------------------
@pytest.mark.parametrize(
    ("functions", "shown"),
    [
        ({"pay": {"fail": "x", "errCode": "-404011"}}, "'pay': errCode must be a number, got '-404011'"),
        ({"pay": [{"ok": 1}, {"fail": "x", "errCode": None}]}, "'pay'[1]: errCode must be a number, got None"),
        ({"pay": {"fail": "x", "errCode": True}}, "got True"),
        ({"pay": {"fail": "x", "errCode": float("inf")}}, "got inf"),
    ],
)
def test_cloud_state_refuses_a_code_that_is_no_number(functions: dict[str, Any], shown: str) -> None:
    with pytest.raises(WxReplayError, match="errCode must be a number") as info:
        CloudState(functions=functions)
    assert shown in str(info.value)
    CloudState(functions={"quote": {"errCode": "OK", "price": 1}})  # a result (no `fail`) may hold anything


def test_a_scenario_stub_code_that_is_no_number_is_located() -> None:
    text = (
        "name: 取消订单\n"
        f"project: {MIDDLEWARE}\n"
        "device:\n"
        "  cloud:\n"
        "    functions:\n"
        "      cancelOrder:\n"
        "        - {orders: []}\n"
        "        - fail: 已发货\n"
        "          errCode: shipped\n"
        "turns:\n"
        "  - user: 取消\n"
        "    plan:\n"
        "      - reply: 好的\n"
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, path="cancel.scenario.yaml")
    message = str(info.value)
    assert message.startswith("cancel.scenario.yaml:9:")
    assert "`errCode` of the functions stub 'cancelOrder' must be a number, got 'shipped'" in message
    assert "errCode: -404011" in message  # the fix
    # a number is fine, documented or not (the run warns about the latter)
    parse_scenario(text.replace("errCode: shipped", "errCode: -404005"), path="cancel.scenario.yaml")


def test_a_device_option_stub_code_that_is_no_number_is_located() -> None:
    text = '{"cloud": {"ai": {"*": {"fail": "busy", "errCode": "-1"}}}}'
    with pytest.raises(ScenarioError) as info:
        parse_device(text)
    assert str(info.value).startswith("--device:1:")
    assert "`errCode` of the ai stub '*' must be a number" in str(info.value)
    setup = parse_device('{"cloud": {"functions": {"pay": {"fail": "busy", "errCode": -404011}}}}')
    assert setup.cloud is not None and setup.cloud.functions == {"pay": {"fail": "busy", "errCode": -404011}}


# ---- determinism: scenarios and cassettes ----------------------------------------------------------
SCENARIO = """\
name: 取消已发货的订单
project: {project}
skill: orders
device:
  cloud:
    functions:
      listOrders: {{orders: [o1]}}
      cancelOrder: {{fail: 订单已发货，不能取消, errCode: -404005}}
turns:
  - user: 取消订单 o1
    plan:
      - call: listOrders
        expect:
          structuredContent: {{result: {{orders: [o1]}}, initCount: 1}}
      - call: cancelOrder
        args: {{orderId: o1}}
        expect:
          isError: true
          content: 失败（-404005）
          structuredContent: {{error: {{isError: true, errCode: -404005, sameText: true}}, initCount: 1}}
          host_calls: [cloud.callFunction]
      - reply: 订单已发货，不能取消。
"""


def test_a_scenario_over_cloud_failures_passes_and_replays_the_same(tmp_path: Path) -> None:
    path = tmp_path / "cancel.scenario.yaml"
    path.write_text(SCENARIO.format(project=MIDDLEWARE), encoding="utf-8")
    scenario = load_scenario(path)
    cassettes = tmp_path / "cassettes"
    # recorded once (cloud calls are the cassette's witnesses), then replayed twice from it
    modes = ["once", "none", "none"]
    runs = [run_scenario(scenario, RunOptions(record=m, record_explicit=True, cassette_dir=cassettes)) for m in modes]
    assert [r.failure for r in runs] == [None, None, None]
    assert runs[0].recorded > 0 and runs[1].recorded == runs[2].recorded == 0
    texts = [r.transcript.to_json() for r in runs]
    assert texts[0] == texts[1] == texts[2]
    assert '"errCode": -404005' in texts[0] and "cloud.callFunction:fail 订单已发货，不能取消" in texts[0]
    assert '"requestID": "' in texts[0]  # the successful call's id, stable across runs


def test_a_recorded_cloud_failure_with_another_code_now_is_stale(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "cloud.yaml"
    cassette = Cassette.open(path, "once")
    with Session(project, "orders", device=device(), cassette=cassette) as s:
        assert error_of(s.call("cancelOrder", {"orderId": "o1"}))["errCode"] == -404005
    assert cassette.save()
    with Session(project, "orders", device=device(), cassette=Cassette.open(path)) as s:  # the same script replays
        assert error_of(s.call("cancelOrder", {"orderId": "o1"}))["errCode"] == -404005
    edited = device(cancelOrder={"fail": "订单已发货，不能取消", "errCode": -404006})
    with Session(project, "orders", device=edited, cassette=Cassette.open(path)) as s, pytest.raises(StaleCassetteError) as info:
        s.call("cancelOrder", {"orderId": "o1"})
    assert "value.errCode: recorded -404005, script -404006" in str(info.value)


@pytest.mark.parametrize(
    ("code", "documented"),
    [
        (-1, True),
        (-401001, True),
        (-401003, True),
        (-401004, False),
        (-402001, True),
        (-402011, True),
        (-402012, False),
        (-403001, True),
        (-403002, False),
        (-404001, True),
        (-404011, True),
        (-404000, False),
        (-501000, True),
        (-501099, True),
        (-501100, False),
        (-502005, False),
        (0, False),
        (-404011.0, True),
        (-404011.5, False),
        ("-1", False),
        (True, False),
    ],
)
def test_the_documented_codes_of_addendum_a2(code: Any, documented: bool) -> None:
    assert is_documented_error_code(code) is documented

"""wx.cloud through the public Session: functions, database, storage, AI, availability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wxreplay import Device, Project, Session
from wxreplay.host.availability import ContextKind
from wxreplay.host.base import HostCall
from wxreplay.host.cloud import FAKE_OPENID, TEMP_URL_BASE, CloudState
from wxreplay.host.device import parse_time

SHOP = Path(__file__).resolve().parents[1] / "skills" / "cloud-shop"
ENV = "shop-prod-7g2h"

PRODUCTS: list[dict[str, Any]] = [
    {
        "_id": "p1",
        "name": "Latte",
        "category": "coffee",
        "price": 28,
        "stock": 10,
        "tags": ["hot", "milk"],
        "spec": {"size": "M", "sugar": "less"},
    },
    {"_id": "p2", "name": "Americano", "category": "coffee", "price": 22, "stock": 0, "tags": ["hot"], "spec": {"size": "L"}},
    {"_id": "p3", "name": "Matcha Latte", "category": "tea", "price": 30, "stock": 5, "tags": ["milk"], "discount": 0.9},
    {"_id": "p4", "name": "Lemon Tea", "category": "tea", "price": 18, "stock": 20, "tags": [], "spec": {"size": "M"}},
    {"_id": "p5", "name": "Cold Brew", "category": "coffee", "price": 32, "stock": 3, "tags": ["cold"]},
]


@pytest.fixture(scope="module")
def project() -> Project:
    """The cloud-shop test mini program."""
    return Project.load(SHOP)


def make_device(**cloud: Any) -> Device:
    cloud.setdefault("collections", {"products": PRODUCTS, "orders": [], "notes": []})
    return Device(cloud=CloudState(**cloud))


@pytest.fixture
def session(project: Project) -> Any:
    """A session over a fresh device with the seeded shop."""
    functions = {"quote": {"ok": True, "amount": 56}, "orderStatus": {"status": "paid"}}
    with Session(project, device=make_device(functions=functions)) as s:
        yield s


def probe(s: Session, case: str, **params: Any) -> Any:
    r = s.call("probe", {"case": case, "params": params})
    assert not r.is_error, r.raw
    return r.structured_content["out"]  # type: ignore[index]


def cloud_events(r: Any) -> list[str]:
    return [e.name for e in r.host_events if e.name.startswith("cloud.")]


# ---- realistic handlers ------------------------------------------------------------------------
def test_init_in_middleware_then_database_query(session: Session) -> None:
    r = session.call("listProducts", {"category": "coffee", "maxPrice": 30})
    assert r.structured_content == {
        "total": 2,
        "page": 0,
        "items": [{"_id": "p2", "name": "Americano", "price": 22}, {"_id": "p1", "name": "Latte", "price": 28}],
    }
    init, count, get = [e for e in r.host_events if e.name.startswith("cloud.")]
    assert init.name == "cloud.init" and init.args == {"env": ENV, "traceUser": True}
    assert count.args["env"] == ENV and count.args["op"] == "count"
    assert count.args["where"] == {"category": "coffee", "price": {"$wr": "lte", "v": 30}}
    assert get.args == {
        "env": ENV,
        "collection": "products",
        "op": "get",
        "where": count.args["where"],
        "orderBy": [["price", "asc"]],
        "skip": 0,
        "limit": 2,
        "field": {"name": True, "price": True},
    }
    assert get.outcome["errMsg"] == "collection.get:ok" and get.ok
    assert not [f for f in r.findings if f.code == "cloud-not-initialised"]


def test_keyword_regexp_and_paging(session: Session) -> None:
    r = session.call("listProducts", {"keyword": "LATTE", "page": 0})
    assert [i["_id"] for i in r.structured_content["items"]] == ["p1", "p3"]  # type: ignore[index]
    r = session.call("listProducts", {"page": 2})
    assert r.structured_content["total"] == 5 and [i["_id"] for i in r.structured_content["items"]] == ["p5"]  # type: ignore[index]


def test_place_order_and_status(session: Session) -> None:
    r = session.call("placeOrder", {"productId": "p1", "quantity": 2})
    assert cloud_events(r) == ["cloud.init", "cloud.callFunction", "cloud.database", "cloud.database"]
    call = r.host_events[1]
    assert call.args == {"name": "quote", "data": {"productId": "p1", "quantity": 2}, "env": ENV}
    assert call.outcome["errMsg"] == "cloud.callFunction:ok" and call.outcome["result"] == {"ok": True, "amount": 56}
    order_id = r.structured_content["orderId"]  # type: ignore[index]
    assert len(order_id) == 32 and int(order_id, 16) >= 0
    assert r.structured_content["requestID"] == call.outcome["requestID"]  # type: ignore[index]
    p1 = next(d for d in session.device.cloud.collections["products"] if d["_id"] == "p1")
    assert p1["stock"] == 8 and p1["sold"] == 2 and p1["history"] == [{"orderId": order_id, "quantity": 2}]
    [order] = session.device.cloud.collections["orders"]
    assert order["_openid"] == FAKE_OPENID and order["createdAt"] == {"$date": session.now}

    session.advance(90_000)
    s = session.call("orderStatus", {"orderId": order_id})
    assert s.structured_content == {
        "status": {"status": "paid"},
        "order": {"_id": order_id, "amount": 56, "createdAt": order["createdAt"]["$date"]},
    }
    assert cloud_events(s) == ["cloud.init", "cloud.callFunction", "cloud.database"]


def test_get_product_missing_document_is_an_error_result(session: Session) -> None:
    assert session.call("getProduct", {"id": "p3"}).structured_content["product"]["name"] == "Matcha Latte"  # type: ignore[index]
    r = session.call("getProduct", {"id": "nope"})
    assert r.is_error and "document.get:fail" in r.text
    assert r.host_events[-1].ok is False and r.host_events[-1].outcome["errCode"] == -402001


# ---- callFunction ------------------------------------------------------------------------------
def test_call_function_scripted_list_consumed_then_last_repeats(project: Project) -> None:
    dev = make_device(functions={"greet": ["a", {"n": 2}, "last"]})
    with Session(project, device=dev) as s:
        got = [probe(s, "callPromise", name="greet")["res"]["result"] for _ in range(4)]
    assert got == ["a", {"n": 2}, "last", "last"]


def test_call_function_fail_script_and_unknown_function(project: Project) -> None:
    dev = make_device(functions={"pay": {"fail": "-404011 cloud function execution error", "errCode": -404011}})
    with Session(project, device=dev) as s:
        err = probe(s, "callPromise", name="pay")["error"]
        assert err == {"errMsg": "cloud.callFunction:fail -404011 cloud function execution error", "errCode": -404011}
        r = s.call("probe", {"case": "callPromise", "params": {"name": "ghost"}})
        err = r.structured_content["out"]["error"]  # type: ignore[index]
        assert err["errCode"] == -501000 and err["errMsg"].startswith("cloud.callFunction:fail")
        [diag] = [f for f in r.findings if f.code == "host"]
        assert "functions={'ghost':" in diag.message and "cloud_functions=" in diag.message
        assert r.host_events[-1].ok is False


def test_call_function_python_callable_and_session_override(project: Project) -> None:
    seen: list[tuple[Any, str, str | None]] = []

    def quote(data: dict[str, Any], call: HostCall) -> Any:
        seen.append((data, call.name, call.api))
        return {"ok": True, "amount": data["quantity"] * 10}

    def boom(data: dict[str, Any], call: HostCall) -> Any:
        raise RuntimeError("stock service down")

    dev = make_device(functions={"quote": {"ok": False, "reason": "scripted loses"}, "boom": boom})
    with Session(project, device=dev, cloud_functions={"quote": quote}) as s:
        r = s.call("placeOrder", {"productId": "p2", "quantity": 3})
        assert r.structured_content["amount"] == 30  # type: ignore[index]
        assert seen == [({"productId": "p2", "quantity": 3}, "cloud.callFunction", "placeOrder")]
        r = s.call("probe", {"case": "callPromise", "params": {"name": "boom"}})
        err = r.structured_content["out"]["error"]  # type: ignore[index]
        assert err["errCode"] == -404011 and "RuntimeError: stock service down" in err["errMsg"]
        assert any("stock service down" in f.message for f in r.findings if f.code == "host")


def test_call_function_callback_style(session: Session) -> None:
    out = probe(session, "callCallback", name="quote", data={"x": 1})
    assert out["ret"] == "undefined"
    assert [k for k, _ in out["seen"]] == ["success"]
    assert out["seen"][0][1]["result"] == {"ok": True, "amount": 56}
    assert out["seen"][0][1]["errMsg"] == "cloud.callFunction:ok"
    out = probe(session, "callCallback", name="ghost")
    assert [k for k, _ in out["seen"]] == ["fail"] and out["seen"][0][1]["errCode"] == -501000


def test_call_function_without_name_fails_locally_but_is_recorded(session: Session) -> None:
    r = session.call("probe", {"case": "callNoName"})
    err = r.structured_content["out"]["error"]  # type: ignore[index]
    assert err["errMsg"] == "cloud.callFunction:fail parameter.name should be String instead of Undefined"
    ev = r.host_events[-1]
    assert ev.name == "cloud.callFunction" and ev.ok is False


def test_call_http_function(project: Project) -> None:
    def items(req: dict[str, Any], call: HostCall) -> Any:
        return {"statusCode": 201, "header": {"x-n": "1"}, "data": {"echo": req}}

    with Session(project, device=make_device(functions={"plain": [1, 2]}), cloud_functions={"items": items}) as s:
        res = probe(s, "http", name="items")["res"]
        assert res == {
            "statusCode": 201,
            "header": {"x-n": "1"},
            "data": {"echo": {"path": "/items", "method": "POST", "header": {}, "data": {"q": 1}}},
            "errMsg": "cloud.callHTTPFunction:ok",
        }
        assert probe(s, "http", name="plain")["res"]["data"] == 1


# ---- database commands ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eq", ["p3", "p4"]),
        ("neq", ["p3", "p4"]),
        ("gt", ["p3", "p5"]),
        ("gte", ["p1", "p3", "p5"]),
        ("lt", ["p4"]),
        ("lte", ["p2", "p4"]),
        ("in", ["p1", "p2"]),
        ("nin", ["p3", "p4", "p5"]),
        ("existsTrue", ["p3"]),
        ("existsFalse", ["p1", "p2", "p4", "p5"]),
        ("andChain", ["p1", "p2"]),
        ("andTop", ["p1", "p5"]),
        ("orTop", ["p3", "p4", "p5"]),
        ("orField", ["p4", "p5"]),
        ("regexp", ["p1", "p3"]),
        ("jsRegExp", ["p1", "p4"]),
        ("nested", ["p1", "p4"]),
        ("dotted", ["p1", "p4"]),
        ("arrayContains", ["p1", "p3"]),
        ("plain", ["p2"]),
    ],
)
def test_where_commands(session: Session, name: str, expected: list[str]) -> None:
    assert probe(session, "where", name=name)["ids"] == expected


def test_order_by_skip_limit(session: Session) -> None:
    assert probe(session, "page", order=[["price", "desc"]])["ids"] == ["p5", "p3", "p1", "p2", "p4"]
    assert probe(session, "page", order=[["category", "asc"], ["price", "desc"]], skip=1, limit=3)["ids"] == ["p1", "p2", "p3"]
    assert probe(session, "page", order=[["stock", "asc"]], limit=2)["ids"] == ["p2", "p5"]


def test_client_get_is_capped_at_20_with_a_finding(project: Project) -> None:
    many = [{"_id": f"n{i:02d}", "i": i} for i in range(25)]
    with Session(project, device=make_device(collections={"products": many})) as s:
        r = s.call("probe", {"case": "limitOver"})
        assert r.structured_content["out"]["n"] == 20  # type: ignore[index]
        assert any("at most 20" in f.message for f in r.findings)
        assert probe(s, "page", order=[["i", "desc"]])["ids"][:2] == ["n24", "n23"]
        assert len(probe(s, "page", order=[])["ids"]) == 20


def test_field_projection(session: Session) -> None:
    assert probe(session, "field", projection={"name": True, "spec.size": True}) == {
        "data": [{"_id": "p1", "name": "Latte", "spec": {"size": "M"}}]
    }
    data = probe(session, "field", projection={"tags": False, "spec": False, "_id": False})["data"]
    assert data == [{"name": "Latte", "category": "coffee", "price": 28, "stock": 10}]


def test_count(session: Session) -> None:
    assert probe(session, "count", where="gte") == {"total": 3, "errMsg": "collection.count:ok"}


def test_doc_get_set_update_remove(session: Session) -> None:
    got = probe(session, "docGet", id="p4")["res"]
    assert got["data"]["name"] == "Lemon Tea" and got["errMsg"] == "document.get:ok"

    out = probe(session, "docSet", id="p4", data={"name": "Lemon Tea L", "price": 20})
    assert out["res"]["stats"] == {"updated": 1, "created": 0}
    assert out["doc"] == {"_id": "p4", "name": "Lemon Tea L", "price": 20, "_openid": FAKE_OPENID}
    out = probe(session, "docSet", id="p9", data={"name": "New"})
    assert out["res"]["stats"] == {"updated": 0, "created": 1} and out["res"]["_id"] == "p9"

    out = probe(session, "docUpdate", id="p2", data={"price": 23, "spec": {"ice": True}})
    assert out["res"] == {"stats": {"updated": 1}, "errMsg": "document.update:ok"}
    assert out["doc"]["price"] == 23 and out["doc"]["spec"] == {"size": "L", "ice": True}  # nested objects merge

    out = probe(session, "docRemove", id="p2")
    assert out["res"]["stats"] == {"removed": 1} and out["total"] == 5  # p9 was created above
    assert probe(session, "docGet", id="p2")["error"]["errMsg"].startswith("document.get:fail")


def test_where_update_and_remove(session: Session) -> None:
    out = probe(session, "whereUpdate")
    assert out["res"]["stats"] == {"updated": 2} and out["ids"] == ["p3", "p4"]
    out = probe(session, "whereRemove")
    assert out["res"]["stats"] == {"removed": 2} and out["ids"] == ["p1", "p3", "p4"]


def test_update_operators(session: Session) -> None:
    doc = probe(session, "updateOps")["doc"]
    assert doc["stock"] == 15
    assert doc["spec"] == {"size": "L"}  # size merged, sugar removed
    assert doc["tags"] == ["hot", "milk", "iced", "new"]
    assert doc["meta"] == {"a": 1} and doc["reviews"] == ["good"]


def test_server_date_uses_the_virtual_clock(project: Project) -> None:
    start = parse_time("2026-03-01T12:00:00+08:00")
    dev = Device(start_time="2026-03-01T12:00:00+08:00", cloud=CloudState(collections={"products": [], "notes": []}))
    with Session(project, device=dev) as s:
        s.advance(5_000)
        out = probe(s, "serverDate")
    assert out["isDate"] is True
    assert out["now"] == start + 5_000
    assert out["at"] == start + 5_000 + 60_000 and out["when"] == 0
    assert out["due"] == ["now"] and out["openid"] == FAKE_OPENID


def test_ids_are_deterministic_across_fresh_sessions(project: Project) -> None:
    def run(seed: int) -> list[str]:
        dev = Device(seed=seed, cloud=CloudState(collections={"products": [], "notes": []}))
        with Session(project, device=dev) as s:
            return list(probe(s, "addMany", n=3)["ids"])

    a, b, c = run(7), run(7), run(8)
    assert a == b and a != c and len(set(a)) == 3
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in a)


def test_database_errors_name_the_fix(session: Session) -> None:
    r = session.call("probe", {"case": "missingCollection"})
    err = r.structured_content["out"]["error"]  # type: ignore[index]
    assert err["errCode"] == -402001 and err["errMsg"].startswith("collection.get:fail")
    [diag] = [f for f in r.findings if f.code == "host"]
    assert "collections={'nope': [...]}" in diag.message
    err = probe(session, "badWhere")["error"]
    assert "update operator" in err["errMsg"]


def test_database_callback_style(session: Session) -> None:
    assert probe(session, "callbackGet") == {"ids": ["p3", "p4"], "ret": "undefined", "errMsg": "collection.get:ok"}


def test_calls_before_init_work_with_a_warning(session: Session) -> None:
    r = session.call("probeNoInit")
    assert r.structured_content == {"total": 2}
    [f] = [f for f in r.findings if f.code == "cloud-not-initialised"]
    assert f.level == "warning" and "wx.cloud.init" in f.message
    ev = r.host_events[-1]
    assert ev.name == "cloud.database" and ev.args["env"] is None


# ---- storage, AI, availability --------------------------------------------------------------------
def test_get_temp_file_url(session: Session) -> None:
    ids = [f"cloud://{ENV}.7368-{ENV}-1300000000/products/latte.png", "not-a-file-id"]
    r = session.call("productImages", {"fileIDs": ids})
    assert r.structured_content == {
        "fileList": [
            {"fileID": ids[0], "tempFileURL": TEMP_URL_BASE + "products/latte.png", "status": 0, "errMsg": "ok"},
            {"fileID": ids[1], "tempFileURL": "", "status": -1, "errMsg": "STORAGE_REQUEST_FAIL invalid fileID"},
        ]
    }
    assert cloud_events(r) == ["cloud.init", "cloud.getTempFileURL"]


def test_upload_download_delete(session: Session) -> None:
    r = session.call("probe", {"case": "files", "params": {"fileID": "cloud://x.y/none.png"}})
    out = r.structured_content["out"]  # type: ignore[index]
    fid = out["up"]["fileID"]
    assert fid.startswith(f"cloud://{ENV}.") and fid.endswith("/avatars/u1.png")
    assert out["down"]["tempFilePath"].endswith(".png") and out["down"]["statusCode"] == 200
    assert out["missing"]["error"]["errMsg"].startswith("cloud.downloadFile:fail")
    assert [f["status"] for f in out["del"]["fileList"]] == [0, -503003]
    assert session.device.cloud.files == {}
    assert cloud_events(r) == ["cloud.init", "cloud.uploadFile", "cloud.downloadFile", "cloud.downloadFile", "cloud.deleteFile"]


def test_ai_generate_and_stream_text(project: Project) -> None:
    dev = make_device(ai={"hunyuan-lite": ["先试试拿铁。", {"chunks": ["推荐", "冷萃", "。"]}]})
    with Session(project, device=dev) as s:
        r = s.call("askAssistant", {"question": "喝什么？"})
        assert r.structured_content == {"answer": "先试试拿铁。", "messages": 3}
        ev = r.host_events[-1]
        assert ev.name == "cloud.ai.generateText" and ev.args["provider"] == "hunyuan-exp" and ev.args["model"] == "hunyuan-lite"
        r = s.call("askAssistant", {"question": "再来一个", "stream": True})
        chunks = ["推荐", "冷萃", "。"]
        assert r.structured_content == {"answer": "推荐冷萃。", "chunks": chunks, "deltas": chunks}
        assert r.host_events[-1].name == "cloud.ai.streamText"


def test_ai_without_script_fails_with_diagnostic(session: Session) -> None:
    r = session.call("askAssistant", {"question": "?"})
    assert r.is_error and "cloud.ai.generateText:fail" in r.text
    assert any("ai={'hunyuan-lite':" in f.message for f in r.findings if f.code == "host")


def test_cloud_is_absent_from_cards_and_present_in_apis(session: Session) -> None:
    assert probe(session, "typeofCloud") == {"cloud": "object", "db": "function", "ai": "function"}
    for kind in (ContextKind.CARD, ContextKind.DYNAMIC):
        ctx = session._runtime.context(kind)  # card contexts start on first use
        assert ctx.isolate.eval("typeof wx.cloud") == "undefined"


def test_cloud_state_persists_on_the_device_across_sessions(project: Project) -> None:
    dev = make_device(functions={"quote": {"ok": True, "amount": 1}})
    with Session(project, device=dev) as s:
        first = s.call("placeOrder", {"productId": "p1"}).structured_content["orderId"]  # type: ignore[index]
    with Session(project, device=dev) as s:
        second = s.call("placeOrder", {"productId": "p1"}).structured_content["orderId"]  # type: ignore[index]
        assert probe(s, "docGet", id="p1")["res"]["data"]["stock"] == 8
    assert first != second and [o["_id"] for o in dev.cloud.collections["orders"]] == [first, second]


def test_seed_is_copied_and_validated() -> None:
    seed = {"products": [{"name": "x"}]}
    state = CloudState(collections=seed)
    state.collections["products"][0]["name"] = "changed"
    assert seed == {"products": [{"name": "x"}]} and len(state.collections["products"][0]["_id"]) == 32
    with pytest.raises(Exception, match="must be a list of documents"):
        CloudState(collections={"bad": {"a": 1}})  # type: ignore[dict-item]

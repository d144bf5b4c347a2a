"""Matching rules, one by one: what makes a live request take a recording, and in which order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay.cassette import Cassette, CassetteMissError, MatchRules
from wxreplay.errors import UsageError

Req = tuple[str, str, dict[str, Any]]


class Service:
    """A fake third party: answers with a counter and the request it saw; counts every call."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        return httpx.Response(200, json={"n": len(self.calls), "path": request.url.path})


def record(path: Path, requests: list[Req]) -> None:
    service = Service()
    cassette = Cassette.open(path, "once")
    with httpx.Client(transport=cassette.transport(httpx.MockTransport(service))) as client:
        for method, url, kw in requests:
            client.request(method, url, **kw)
    assert cassette.save()


def replay(path: Path, method: str, url: str, match: MatchRules | None = None, **kw: Any) -> httpx.Response:
    cassette = Cassette.open(path, "none", match=match)
    with httpx.Client(transport=cassette.transport()) as client:
        return client.request(method, url, **kw)


@pytest.fixture
def cassette_of(tmp_path: Path) -> Callable[..., Path]:
    def make(*requests: Req) -> Path:
        path = tmp_path / "c.yaml"
        record(path, list(requests))
        return path

    return make


def R(method: str, url: str, **kw: Any) -> Req:
    return method, url, kw


def misses(path: Path, method: str, url: str, match: MatchRules | None = None, **kw: Any) -> str:
    with pytest.raises(CassetteMissError) as info:
        replay(path, method, url, match, **kw)
    return str(info.value)


# ---- method, scheme, host, path ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url", "differs"),
    [
        ("POST", "https://api.example.com/a/b", 'method: recorded "GET", live "POST"'),
        ("GET", "http://api.example.com/a/b", 'scheme: recorded "https", live "http"'),
        ("GET", "https://other.example.com/a/b", 'host: recorded "api.example.com", live "other.example.com"'),
        ("GET", "https://api.example.com:8443/a/b", 'host: recorded "api.example.com", live "api.example.com:8443"'),
        ("GET", "https://api.example.com/a/c", 'path: recorded "/a/b", live "/a/c"'),
    ],
)
def test_method_scheme_host_path(cassette_of: Callable[..., Path], method: str, url: str, differs: str) -> None:
    path = cassette_of(R("GET", "https://api.example.com/a/b"))
    assert replay(path, "GET", "https://api.example.com/a/b").json()["n"] == 1
    assert differs in misses(path, method, url)


# ---- query -------------------------------------------------------------------------------------------
def test_query_order_does_not_matter(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/s?a=1&b=2&a=3&kw=%E6%8B%BF%E9%93%81"))
    assert replay(path, "GET", "https://api.example.com/s?kw=拿铁&a=3&b=2&a=1").status_code == 200


def test_query_values_do(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/s?kw=拿铁"))
    message = misses(path, "GET", "https://api.example.com/s?kw=美式")
    assert 'query.kw[0]: recorded "拿铁", live "美式"' in message
    assert "only in the live request" in misses(path, "GET", "https://api.example.com/s?kw=拿铁&page=2")


def test_ignored_query_parameter(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/s?kw=x&ts=1700000000"))
    rules = MatchRules().with_ignored("query.ts")
    assert replay(path, "GET", "https://api.example.com/s?kw=x&ts=1800000000", rules).status_code == 200
    assert replay(path, "GET", "https://api.example.com/s?kw=x", rules).status_code == 200
    misses(path, "GET", "https://api.example.com/s?kw=x&ts=1800000000")


# ---- headers -----------------------------------------------------------------------------------------
def test_headers_are_matched_case_insensitively(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/h", headers={"X-Store": "1"}))
    assert replay(path, "GET", "https://api.example.com/h", headers={"x-store": "1"}).status_code == 200
    assert 'headers.x-store: recorded "1", live "2"' in misses(path, "GET", "https://api.example.com/h", headers={"X-Store": "2"})
    assert MatchRules(match_headers=False).match_headers is False
    rules = MatchRules(match_headers=False)
    assert replay(path, "GET", "https://api.example.com/h", rules, headers={"X-Store": "2"}).status_code == 200


def test_request_ids_are_ignored_by_default_and_more_can_be(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/h", headers={"X-Request-Id": "a1", "X-Nonce": "n1"}))
    rules = MatchRules().with_ignored("headers.X-Nonce")
    assert replay(path, "GET", "https://api.example.com/h", rules, headers={"X-Request-Id": "b2", "X-Nonce": "n2"})
    misses(path, "GET", "https://api.example.com/h", headers={"X-Request-Id": "b2", "X-Nonce": "n2"})


def test_redacted_headers_compare_for_presence_only(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/me", headers={"Authorization": "Bearer wst_Zq8rT2xLp0aV9mKc"}))
    assert "wst_Zq8rT2xLp0aV9mKc" not in path.read_text(encoding="utf-8")
    assert replay(path, "GET", "https://api.example.com/me", headers={"Authorization": "Bearer other"}).status_code == 200
    assert 'headers.authorization: only in the recording ("Bearer <present>")' in misses(
        path, "GET", "https://api.example.com/me"
    )


def test_transport_headers_are_not_recorded(cassette_of: Callable[..., Path]) -> None:
    text = cassette_of(R("POST", "https://api.example.com/p", json={"a": 1})).read_text(encoding="utf-8")
    headers = text[text.index("    headers:") : text.index("    body:")]
    assert headers == "    headers:\n      content-type: application/json\n"


# ---- bodies ------------------------------------------------------------------------------------------
def test_json_key_order_does_not_matter(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("POST", "https://api.example.com/o", json={"a": 1, "b": {"c": [1, 2], "d": "拿铁"}}))
    body = json.dumps({"b": {"d": "拿铁", "c": [1, 2]}, "a": 1}, ensure_ascii=False).encode()
    assert (
        replay(path, "POST", "https://api.example.com/o", content=body, headers={"content-type": "application/json"}).status_code
        == 200
    )
    assert "body.json.b.c[1]: recorded 2, live 3" in misses(
        path, "POST", "https://api.example.com/o", json={"a": 1, "b": {"c": [1, 3], "d": "拿铁"}}
    )


def test_ignored_json_fields_by_dotted_path_and_wildcard(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(
        R(
            "POST",
            "https://api.example.com/o",
            json={"meta": {"ts": 1, "nonce": "x"}, "items": [{"id": 1, "at": 5}, {"id": 2, "at": 6}]},
        )
    )
    rules = MatchRules().with_ignored("body.meta.ts", "body.meta.nonce", "body.items.*.at")
    live = {"meta": {"ts": 2, "nonce": "y"}, "items": [{"id": 1, "at": 7}, {"id": 2, "at": 8}]}
    assert replay(path, "POST", "https://api.example.com/o", rules, json=live).status_code == 200
    live["items"][1]["id"] = 3
    assert "body.json.items[1].id: recorded 2, live 3" in misses(path, "POST", "https://api.example.com/o", rules, json=live)


def test_redacted_json_fields_compare_for_presence_only(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("POST", "https://api.example.com/login", json={"js_code": "0c3realcode", "app": "cafe"}))
    assert "0c3realcode" not in path.read_text(encoding="utf-8")
    assert replay(path, "POST", "https://api.example.com/login", json={"js_code": "0c3another", "app": "cafe"})
    misses(path, "POST", "https://api.example.com/login", json={"app": "cafe"})


def test_secret_keys_are_recorded_as_placeholders_and_match_by_presence(cassette_of: Callable[..., Path]) -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpYXQiOjE3MDB9.c2lnbmF0dXJlLXBhcnQtMTIzNDU2Nzg5MA"
    body = {"13812345678": {"qty": 1}, "13912345678": {"qty": 2}, "sessions": [{jwt: True}], "app": "cafe"}
    path = cassette_of(R("POST", "https://api.example.com/bulk?13712345678=1", json=body))
    text = path.read_text(encoding="utf-8")  # written at all: the scanner found nothing left
    assert not any(s in text for s in ("13812345678", "13912345678", "13712345678", jwt))
    assert "<redacted:phone-number#1>" in text and "<redacted:jwt#1>" in text
    url = "https://api.example.com/bulk?13712345678=1"
    assert replay(path, "POST", url, json=body).json()["n"] == 1
    # other secrets in the same places match too, whatever their order; values under them still count
    other = {"sessions": [{jwt[:-4] + "AAAA": True}], "app": "cafe", "15012345678": {"qty": 2}, "18612345678": {"qty": 1}}
    assert replay(path, "POST", "https://api.example.com/bulk?13012345678=1", json=other).json()["n"] == 1
    message = misses(path, "POST", url, json={**other, "15012345678": {"qty": 3}})
    assert "<present>" in message and "qty: recorded 2, live 3" in message
    assert not any(s in message for s in ("15012345678", "18612345678", "13712345678"))
    misses(path, "POST", url, json={"13812345678": {"qty": 1}, "sessions": [{jwt: True}], "app": "cafe"})  # one key short


def test_secret_numbers_are_recorded_as_placeholders_and_match_by_presence(cassette_of: Callable[..., Path]) -> None:
    # a phone, a bank card and an ID number written as JSON numbers under names that are no secret
    body = {"tel": 13812345678, "card": 6222021234567890128, "holder": {"idNo": 110101199003074477}, "qty": 101, "price": 28.5}
    url = "https://api.example.com/bind?ts=1795307581"
    path = cassette_of(R("POST", url, json=body))
    text = path.read_text(encoding="utf-8")  # written at all: the scanner found nothing left
    assert not any(s in text for s in ("13812345678", "6222021234567890128", "110101199003074477"))
    assert "<redacted:phone-number#1>" in text and "<redacted:bank-card#1>" in text and "<redacted:cn-id-number#1>" in text
    assert "qty: 101" in text and "price: 28.5" in text and "1795307581" in text  # ordinary numbers kept
    assert replay(path, "POST", url, json=body).json()["n"] == 1
    # another secret number (or the replayed placeholder) in the same place matches; other fields still count
    other = {**body, "tel": 13912345678, "holder": {"idNo": "<redacted:cn-id-number#1>"}}
    assert replay(path, "POST", url, json=other).json()["n"] == 1
    message = misses(path, "POST", url, json={**body, "qty": 102})
    assert "qty: recorded 101, live 102" in message
    assert not any(s in message for s in ("13812345678", "6222021234567890128", "110101199003074477"))
    misses(path, "POST", url, json={k: v for k, v in body.items() if k != "tel"})  # the secret must be present


def test_a_third_party_code_is_matched_by_value(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("POST", "https://api.example.com/status", json={"code": "200", "app": "cafe"}))
    assert "code: '200'" in path.read_text(encoding="utf-8")
    assert replay(path, "POST", "https://api.example.com/status", json={"code": "200", "app": "cafe"})
    assert 'body.json.code: recorded "200", live "500"' in misses(
        path, "POST", "https://api.example.com/status", json={"code": "500", "app": "cafe"}
    )


def test_text_bodies_match_exactly(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("POST", "https://api.example.com/t", content="a=1&b=2", headers={"content-type": "text/plain"}))
    assert replay(path, "POST", "https://api.example.com/t", content="a=1&b=2", headers={"content-type": "text/plain"})
    assert 'body.text: recorded "a=1&b=2", live "b=2&a=1"' in misses(
        path, "POST", "https://api.example.com/t", content="b=2&a=1", headers={"content-type": "text/plain"}
    )


def test_binary_bodies_match_by_content(cassette_of: Callable[..., Path], tmp_path: Path) -> None:
    blob = bytes(range(256))
    path = cassette_of(R("PUT", "https://api.example.com/f", content=blob))
    assert replay(path, "PUT", "https://api.example.com/f", content=blob).status_code == 200
    misses(path, "PUT", "https://api.example.com/f", content=blob[::-1])
    files = list((tmp_path / "c.yaml.files").iterdir())
    assert [f.read_bytes() for f in files] == [blob]
    assert f"sha256: {files[0].stem}\n      bytes: 256\n" in path.read_text(encoding="utf-8")


def test_custom_matchers(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(R("GET", "https://api.example.com/v?x=1"))

    def same_version(live: dict[str, Any], recorded: dict[str, Any]) -> bool:
        return live["kind"] != "http" or live["request"]["query"].get("v") == ["2"]

    assert Cassette.open(path, matchers=[same_version]).match.matchers == (same_version,)
    with pytest.raises(CassetteMissError, match="no field differs: a custom matcher or the turn refused it"):
        c = Cassette.open(path, "none", matchers=[same_version])
        httpx.Client(transport=c.transport()).get("https://api.example.com/v?x=1")


def test_bad_ignore_spec() -> None:
    with pytest.raises(UsageError, match=r"must start with one of query\., headers\., body\., args\."):
        MatchRules(ignore=("timestamp",))


# ---- order -------------------------------------------------------------------------------------------
def test_repeated_identical_requests_replay_in_order(cassette_of: Callable[..., Path]) -> None:
    path = cassette_of(*[R("GET", "https://api.example.com/poll")] * 3)
    cassette = Cassette.open(path, "none")
    with httpx.Client(transport=cassette.transport()) as client:
        assert [client.get("https://api.example.com/poll").json()["n"] for _ in range(3)] == [1, 2, 3]
        with pytest.raises(CassetteMissError, match="already used by an earlier identical request"):
            client.get("https://api.example.com/poll")


def test_interleaved_requests_each_keep_their_order(cassette_of: Callable[..., Path]) -> None:
    a, b = R("GET", "https://api.example.com/a"), R("GET", "https://api.example.com/b")
    path = cassette_of(a, b, a, b)
    cassette = Cassette.open(path, "none")
    with httpx.Client(transport=cassette.transport()) as client:
        got = [client.get(f"https://api.example.com/{p}").json()["n"] for p in "bbaa"]
    assert got == [2, 4, 1, 3]


def test_turns_restrict_matching_when_both_sides_have_one(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette = Cassette.open(path, "once")
    with httpx.Client(transport=cassette.transport(httpx.MockTransport(Service()))) as client:
        for turn in (1, 2):
            cassette.turn = turn
            client.get("https://api.example.com/poll")
    cassette.save()
    replayed = Cassette.open(path, "none")
    replayed.turn = 2
    with httpx.Client(transport=replayed.transport()) as client:
        assert client.get("https://api.example.com/poll").json()["n"] == 2
        with pytest.raises(CassetteMissError, match="turn 2"):
            client.get("https://api.example.com/poll")

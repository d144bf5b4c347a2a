"""Redaction of cassette entries: every default name, stable placeholders, idempotence, seeding, config."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from wxreplay.cassette.redact import (
    DEFAULT_FIELD_NAMES,
    DEFAULT_HEADER_NAMES,
    PLACEHOLDER_RE,
    RedactionRules,
    Redactor,
    is_placeholder,
    looks_secret,
    rules_from_pyproject,
)
from wxreplay.errors import UsageError

TOKEN = "wst_Kx9aP0qLmZ3vT8bYc2dR5eF7gH1jN4sU"
CODE = "0c3a1b2c3d4e5f60718293a4b5c6d7e8"
OPENID = "oWS_9f86d081884c7d659a2feaa0"
PREPAY = "wx20250101abcdef0123456789abcd"
SECRET_VALUE = "s3cr3t-V4lue-0123456789"


def http(request: dict[str, Any] | None = None, response: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    req: dict[str, Any] = {
        "method": "POST",
        "scheme": "http",
        "host": "127.0.0.1:8765",
        "path": "/api/orders",
        "query": {},
        "headers": {},
        "body": None,
    }
    resp: dict[str, Any] = {"status": 200, "headers": {}, "body": None}
    req.update(request or {})
    resp.update(response or {})
    return {"kind": "http", "turn": None, "api": "createOrder", "ordinal": 0, "request": req, "response": resp, **top}


def host(name: str, args: dict[str, Any] | None = None, outcome: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "kind": "host",
        "turn": None,
        "api": "createOrder",
        "ordinal": 0,
        "name": name,
        "args": args or {},
        "ok": True,
        "outcome": outcome or {"errMsg": f"{name}:ok"},
    }


def login_flow() -> list[dict[str, Any]]:
    """wx.login -> POST /api/login {code} -> token -> a request carrying ``Authorization: Bearer <token>``."""
    return [
        host("login", outcome={"code": CODE, "errMsg": "login:ok"}),
        http(
            {"path": "/api/login", "body": {"code": CODE}},
            {"body": {"code": 0, "data": {"token": TOKEN, "openid": OPENID, "expiresIn": 7200}}},
        ),
        http(
            {
                "headers": {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
                "body": {"drinkId": 101, "specs": {"sugar": "less"}},
            },
            {"status": 201, "body": {"code": 0, "data": {"orderId": "WS0001", "name": "拿铁", "status": "CREATED"}}},
        ),
    ]


# ------------------------------------------------------------------------------ every default name


@pytest.mark.parametrize("name", DEFAULT_HEADER_NAMES)
def test_default_header_names_are_redacted_in_requests_and_responses(name: str) -> None:
    entry = http(
        {"headers": {name.title(): SECRET_VALUE, "content-type": "application/json"}},
        {"headers": {name: SECRET_VALUE, "content-length": "12"}},
    )
    out = Redactor().redact(entry)
    assert PLACEHOLDER_RE.search(out["request"]["headers"][name.title()])
    assert SECRET_VALUE not in repr(out)
    assert out["request"]["headers"]["content-type"] == "application/json"
    assert out["response"]["headers"]["content-length"] == "12"


@pytest.mark.parametrize("name", DEFAULT_FIELD_NAMES)
def test_default_field_names_are_redacted_at_any_depth_in_bodies(name: str) -> None:
    entry = http(
        {"body": {"outer": [{"inner": {name: SECRET_VALUE, "keep": "拿铁"}}]}},
        {"body": {"code": 0, "data": {name: SECRET_VALUE}}},
    )
    out = Redactor().redact(entry)
    ph = out["request"]["body"]["outer"][0]["inner"][name]
    assert is_placeholder(ph)
    assert out["response"]["body"]["data"][name] == ph  # same value, same placeholder
    assert out["request"]["body"]["outer"][0]["inner"]["keep"] == "拿铁"
    assert SECRET_VALUE not in repr(out)


@pytest.mark.parametrize("name", DEFAULT_FIELD_NAMES)
def test_default_field_names_are_redacted_as_query_parameters(name: str) -> None:
    out = Redactor().redact(http({"query": {name: [SECRET_VALUE, "second-value-1"], "keyword": ["拿铁"]}}))
    values = out["request"]["query"][name]
    assert len(values) == 2 and all(is_placeholder(v) for v in values) and values[0] != values[1]
    assert out["request"]["query"]["keyword"] == ["拿铁"]


@pytest.mark.parametrize("name", DEFAULT_FIELD_NAMES)
def test_default_field_names_are_redacted_in_host_call_args_and_outcomes(name: str) -> None:
    out = Redactor().redact(
        host(
            "cloud.callFunction",
            args={"name": "pay", "data": {name: SECRET_VALUE}},
            outcome={"result": {name: "other-secret-987654"}, "errMsg": "cloud.callFunction:ok"},
        )
    )
    assert is_placeholder(out["args"]["data"][name])
    assert is_placeholder(out["outcome"]["result"][name])
    assert out["args"]["name"] == "pay" and out["name"] == "cloud.callFunction"


@pytest.mark.parametrize("spelling", ["access_token", "accessToken", "Access-Token", "ACCESS_TOKEN"])
def test_names_match_case_and_separator_insensitively_with_canonical_kind(spelling: str) -> None:
    out = Redactor().redact(http({"body": {spelling: SECRET_VALUE}}))
    assert out["request"]["body"][spelling] == "<redacted:access_token#1>"


def test_placeholder_kinds_and_numbering_per_kind() -> None:
    out = Redactor().redact(http({"body": {"token": "aaaaaa1", "sign": "bbbbbb2", "token2": "x", "t": {"token": "cccccc3"}}}))
    body = out["request"]["body"]
    assert body["token"] == "<redacted:token#1>"
    assert body["sign"] == "<redacted:sign#1>"
    assert body["t"]["token"] == "<redacted:token#2>"
    assert body["token2"] == "x"  # not a secret name; too short to look secret


# ------------------------------------------------------------------------------ consistency across a cassette


def test_login_token_is_the_one_later_requests_carry() -> None:
    r = Redactor()
    login, http_login, order = (r.redact(e) for e in login_flow())
    assert login["outcome"] == {"code": "<redacted:code#1>", "errMsg": "login:ok"}
    assert http_login["request"]["body"] == {"code": "<redacted:code#1>"}
    assert http_login["response"]["body"]["data"] == {
        "token": "<redacted:token#1>",
        "openid": "<redacted:openid#1>",
        "expiresIn": 7200,
    }
    assert order["request"]["headers"]["authorization"] == "Bearer <redacted:token#1>"
    assert order["response"]["body"]["data"]["name"] == "拿铁"


def test_prepay_id_inside_package_and_everywhere_else() -> None:
    r = Redactor()
    prepay = r.redact(http({"path": "/api/orders/WS0001/prepay"}, {"body": {"code": 0, "data": {"prepay_id": PREPAY}}}))
    pay = r.redact(
        host(
            "requestPayment",
            args={"timeStamp": "1735718400", "package": f"prepay_id={PREPAY}", "signType": "RSA", "paySign": "c2lnbmF0dXJl"},
        )
    )
    note = r.redact(host("showToast", args={"title": f"paid {PREPAY}"}))
    assert prepay["response"]["body"]["data"]["prepay_id"] == "<redacted:prepay_id#1>"
    assert pay["args"]["package"] == "prepay_id=<redacted:prepay_id#1>"
    assert pay["args"]["paySign"] == "<redacted:paySign#1>"
    assert pay["args"]["timeStamp"] == "1735718400" and pay["args"]["signType"] == "RSA"
    assert note["args"]["title"] == "paid <redacted:prepay_id#1>"


def test_package_seen_first_keeps_the_prepay_id_name_and_matches_later_copies() -> None:
    r = Redactor()
    first = r.redact(http(response={"body": {"data": {"package": f"prepay_id={PREPAY}"}}}))
    later = r.redact(host("requestPayment", args={"package": f"prepay_id={PREPAY}"}))
    assert first["response"]["body"]["data"]["package"] == "prepay_id=<redacted:prepay_id#1>"
    assert later["args"]["package"] == "prepay_id=<redacted:prepay_id#1>"


def test_secret_reappearing_inside_non_secret_strings_paths_and_urls() -> None:
    r = Redactor()
    r.redact(http(response={"body": {"data": {"token": TOKEN, "openid": OPENID}}}))
    out = r.redact(
        http(
            {"path": f"/api/users/{OPENID}", "body": {"url": f"https://x.example/cb?t={TOKEN}&a=1"}},
            {"body": {"message": f"用户 {OPENID} 已登录"}},
        )
    )
    assert out["request"]["path"] == "/api/users/<redacted:openid#1>"
    assert out["request"]["body"]["url"] == "https://x.example/cb?t=<redacted:token#1>&a=1"
    assert out["response"]["body"]["message"] == "用户 <redacted:openid#1> 已登录"


def test_an_entry_learns_all_its_secrets_before_substituting() -> None:
    # the request carries the token before the response body (walked later) names it
    out = Redactor().redact(http({"body": {"note": f"re-sent {TOKEN}"}}, {"body": {"token": TOKEN}}))
    assert out["request"]["body"]["note"] == "re-sent <redacted:token#1>"


def test_redact_entries_learns_across_all_entries_first() -> None:
    early = http({"body": {"note": f"uses {TOKEN}"}})
    late = http(response={"body": {"token": TOKEN}})
    a, b = Redactor().redact_entries([early, late])
    assert a["request"]["body"]["note"] == "uses <redacted:token#1>"
    assert b["response"]["body"]["token"] == "<redacted:token#1>"


def test_query_pairs_inside_strings_are_redacted_by_name() -> None:
    out = Redactor().redact(
        http(
            {
                "body": {
                    "callback": "https://api.weixin.qq.com/sns/jscode2session?appid=wx0000000000000000"
                    "&secret=0123456789abcdef0123456789abcdef&js_code=abc123&grant_type=x",
                    "form": "sign=0c3zzz&state=ok",
                }
            }
        )
    )
    body = out["request"]["body"]
    assert body["callback"] == (
        "https://api.weixin.qq.com/sns/jscode2session?appid=wx0000000000000000"
        "&secret=<redacted:secret#1>&js_code=<redacted:js_code#1>&grant_type=x"
    )
    assert body["form"] == "sign=<redacted:sign#1>&state=ok"


def test_cookies_keep_names_and_attributes() -> None:
    out = Redactor().redact(
        http(
            {"headers": {"cookie": "sid=abc123xyz; theme=dark"}},
            {"headers": {"set-cookie": "sid=abc123xyz; Path=/; HttpOnly; Max-Age=3600"}},
        )
    )
    assert out["request"]["headers"]["cookie"] == "sid=<redacted:cookie#1>; theme=<redacted:cookie#2>"
    assert out["response"]["headers"]["set-cookie"] == "sid=<redacted:cookie#1>; Path=/; HttpOnly; Max-Age=3600"


def test_auth_scheme_is_kept_and_unknown_credentials_get_the_header_kind() -> None:
    out = Redactor().redact(
        http({"headers": {"Authorization": "Basic dXNlcjpwYXNzd29yZA==", "Proxy-Authorization": "Bearer never-seen-before-123"}})
    )
    assert out["request"]["headers"]["Authorization"] == "Basic <redacted:authorization#1>"
    assert out["request"]["headers"]["Proxy-Authorization"] == "Bearer <redacted:proxy-authorization#1>"


# ------------------------------------------------------------------------------ values: types and lengths


def test_secret_field_values_of_any_type_but_small_status_numbers() -> None:
    out = Redactor().redact(
        http(
            response={
                "body": {
                    "code": 0,
                    "errCode": 40901,
                    "token": "ab",
                    "password": 12345678,
                    "phoneNumber": 13800138000,
                    "sign": True,
                    "secret": None,
                    "api_key": "",
                    "session_key": ["k1", {"nested": "k2"}],
                }
            }
        )
    )
    body = out["response"]["body"]
    assert body["code"] == 0 and body["errCode"] == 40901  # ``code === 0`` must still hold in replay
    assert body["token"] == "<redacted:token#1>"  # short, still replaced where it is
    assert body["password"] == "<redacted:password#1>"
    assert body["phoneNumber"] == "<redacted:phoneNumber#1>"
    assert body["sign"] is True and body["secret"] is None and body["api_key"] == ""
    assert body["session_key"] == ["<redacted:session_key#1>", {"nested": "<redacted:session_key#2>"}]


def test_short_and_numeric_secrets_are_not_substituted_inside_other_strings() -> None:
    r = Redactor()
    r.redact(http({"body": {"sign": "ab12", "phoneNumber": 91234567}}))
    out = r.redact(http({"body": {"note": "ab12 and 91234567"}}))
    assert out["request"]["body"]["note"] == "ab12 and 91234567"


def test_secrets_are_substituted_only_as_whole_tokens() -> None:
    r = Redactor()
    r.redact(http({"body": {"sign": "123456", "token": TOKEN, "secret": "-----BEGIN KEY----- abc"}}))
    out = r.redact(
        http(
            {
                "body": {
                    "a": "code 123456 used",
                    "b": "order 91234567",
                    "c": "123456",
                    "d": f"x{TOKEN}",
                    "e": f"{TOKEN}9",
                    "f": f"({TOKEN}),用户{TOKEN}",
                    "g": "pem: -----BEGIN KEY----- abc;",
                }
            }
        )
    )
    assert out["request"]["body"] == {
        "a": "code <redacted:sign#1> used",
        "b": "order 91234567",
        "c": "<redacted:sign#1>",
        # not the token (no whole-token match), but random-looking themselves: secrets of their own
        "d": "<redacted:random-token#1>",
        "e": "<redacted:random-token#2>",
        "f": "(<redacted:token#1>),用户<redacted:token#1>",
        "g": "pem: <redacted:secret#1>;",
    }


def test_suffix_names_are_redacted_only_when_the_value_looks_secret() -> None:
    out = Redactor().redact(
        http(
            {
                "body": {
                    "csrfToken": "Zk8qP2mX7vL4nR9tB1cW6y",
                    "client_secret": "9f86d081884c7d659a2f",
                    "cacheKey": "menu:v2",
                    "storageKey": "westore:token",
                    "key": "sugar",
                    "sortKey": "drinks-menu-cache-v2",
                }
            }
        )
    )
    body = out["request"]["body"]
    assert body["csrfToken"] == "<redacted:csrfToken#1>"
    assert body["client_secret"] == "<redacted:client_secret#1>"
    assert body["cacheKey"] == "menu:v2" and body["storageKey"] == "westore:token" and body["key"] == "sugar"
    assert body["sortKey"] == "drinks-menu-cache-v2"


def test_looks_secret() -> None:
    assert looks_secret(TOKEN) and looks_secret("9f86d081884c7d659a2feaa0")
    for value in ("drinks-menu-cache-v2", "createOrder2024WithCouponV2", "menu:v2", "short1", 12345678901234567, None):
        assert not looks_secret(value)


def test_non_secret_content_is_untouched_and_input_not_mutated() -> None:
    item = {
        "name": "拿铁",
        "description": "双份浓缩配丝滑热牛奶，奶香与咖啡香平衡。",
        "image": "https://cdn.example.com/westore/drinks/latte.png",
        "price": 28,
        "createdAt": "2025-01-01T08:00:00Z",
        "_id": "ca978112ca1bbdcafac231b39a23dc4d",
    }
    entry = http({"path": "/api/menu", "query": {"keyword": ["生椰拿铁"]}}, {"body": {"code": 0, "data": {"items": [item]}}})
    before = copy.deepcopy(entry)
    out = Redactor().redact(entry)
    assert out == before
    assert entry == before and out is not entry and out["response"]["body"] is not entry["response"]["body"]


# ------------------------------------------------------------------------------ idempotence and seeding


def test_redaction_is_idempotent_with_the_same_and_a_fresh_redactor() -> None:
    r = Redactor()
    once = [r.redact(e) for e in login_flow()]
    assert [r.redact(e) for e in once] == once
    fresh = Redactor()
    assert [fresh.redact(e) for e in once] == once
    assert fresh.table == {}  # placeholders are never learned as secrets


def test_placeholders_are_never_redacted_even_under_secret_names_or_when_a_secret_is_a_substring() -> None:
    r = Redactor()
    r.redact(http({"body": {"token": "redacted"}}))  # a secret that is a substring of every placeholder
    out = r.redact(
        http({"body": {"token": "<redacted:token#7>", "code": "<redacted:code#3>x", "note": "<redacted:token#1> redacted"}})
    )
    assert out["request"]["body"] == {
        "token": "<redacted:token#7>",
        "code": "<redacted:code#3>x",
        "note": "<redacted:token#1> <redacted:token#1>",
    }


def test_seed_continues_numbering_of_an_existing_cassette() -> None:
    existing = Redactor().redact_entries(login_flow())
    r = Redactor()
    r.seed(existing)
    new = r.redact(
        http({"body": {"code": "0c3f1e2d3c4b5a69788796a5b4c3d2e1"}}, {"body": {"data": {"token": "another-token-abcdef1"}}})
    )
    assert new["request"]["body"]["code"] == "<redacted:code#2>"  # a login-code-shaped code: secret by its value
    assert new["response"]["body"]["data"]["token"] == "<redacted:token#2>"
    again = r.redact(http({"headers": {"authorization": "Bearer <redacted:token#1>"}}))  # replayed data flow stays
    assert again["request"]["headers"]["authorization"] == "Bearer <redacted:token#1>"


# ------------------------------------------------------------------------------ configuration


def test_extra_and_ignored_fields_from_config() -> None:
    rules = RedactionRules.from_config({"extra_fields": ["mchid", "X-Wx-Key"], "ignore_fields": ["code", "package", "sign"]})
    out = Redactor(rules).redact(
        http(
            {"headers": {"x-wx-key": "k-12345"}, "body": {"mchid": "1900000109", "code": "ABC"}},
            {"body": {"package": "Sign=WXPay", "token": "t"}},
        )
    )
    assert out["request"]["headers"]["x-wx-key"] == "<redacted:X-Wx-Key#1>"
    assert out["request"]["body"] == {"mchid": "<redacted:mchid#1>", "code": "ABC"}
    # ``Sign=`` inside the value is a name=value pair of its own: ``sign`` had to be opted out as well
    assert out["response"]["body"] == {"package": "Sign=WXPay", "token": "<redacted:token#1>"}


def test_merge_adds_extras_and_replaces_lists() -> None:
    rules = RedactionRules.from_config({"extra_fields": ["a"]}).merge({"extra_fields": ["b"], "field_names": ["only"]})
    assert rules.extra_fields == ("a", "b") and rules.field_names == ("only",)
    assert rules.secret_kind("only") == "only" and rules.secret_kind("access_token") is None
    assert rules.header_names == DEFAULT_HEADER_NAMES


@pytest.mark.parametrize("config", [{"extras": ["a"]}, {"extra_fields": "a"}, {"ignore_fields": [1]}])
def test_bad_config_is_a_usage_error_naming_the_key(config: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match=r"\[tool\.wxreplay\.redact\]"):
        RedactionRules.from_config(config)


def test_rules_from_pyproject(tmp_path: Path) -> None:
    assert rules_from_pyproject(tmp_path / "missing.toml") == RedactionRules()
    p = tmp_path / "pyproject.toml"
    p.write_text(
        '[project]\nname = "x"\n\n[tool.wxreplay.redact]\nextra_fields = ["mchid"]\nignore_fields = ["sign"]\n', encoding="utf-8"
    )
    rules = rules_from_pyproject(p)
    assert rules.extra_fields == ("mchid",) and rules.ignore_fields == ("sign",)
    p.write_text("[tool.wxreplay.redact\n", encoding="utf-8")
    with pytest.raises(UsageError, match="invalid TOML"):
        rules_from_pyproject(p)


def test_is_redacted_field() -> None:
    r = Redactor(RedactionRules.from_config({"ignore_fields": ["sign"]}))
    assert r.is_redacted_field("Authorization") and r.is_redacted_field("prepayId") and r.is_redacted_field("_openid")
    assert not r.is_redacted_field("sign") and not r.is_redacted_field("orderId") and not r.is_redacted_field("errCode")
    assert not r.is_redacted_field("csrfToken")  # suffix names need a value that looks secret
    assert r.is_redacted_field("csrfToken", "Zk8qP2mX7vL4nR9tB1cW6y")


# ------------------------------------------------------------------------------ secrets used as keys

PHONE = "13812345678"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpYXQiOjE3MDB9.c2lnbmF0dXJlLXBhcnQtMTIzNDU2Nzg5MA"
RANDOM_KEY = "Zk8qP2mX7vL4nR9tB1cW6yQ3"


@pytest.mark.parametrize(
    ("key", "kind"),
    [(PHONE, "phone-number"), (JWT, "jwt"), ("110101199003074477", "cn-id-number"), (RANDOM_KEY, "random-token")],
)
def test_a_secret_shaped_key_is_replaced_by_its_placeholder(key: str, kind: str) -> None:
    entry = http({"body": {key: {"visits": 3}, "note": "x"}}, {"body": {"data": {key: 1}}})
    out = Redactor().redact(entry)
    placeholder = f"<redacted:{kind}#1>"
    assert out["request"]["body"] == {placeholder: {"visits": 3}, "note": "x"}
    assert out["response"]["body"] == {"data": {placeholder: 1}}
    assert key not in repr(out)


def test_a_key_and_the_same_value_elsewhere_share_one_placeholder() -> None:
    # the value under ``phone`` is seen after the key, and names its kind: the key gets the name's placeholder
    entry = http({"body": {"byPhone": {PHONE: {"orders": 2}}, "phone": PHONE}}, {"body": {PHONE: "ok", "echo": f"to {PHONE}"}})
    out = Redactor().redact(entry)
    assert out["request"]["body"] == {"byPhone": {"<redacted:phone#1>": {"orders": 2}}, "phone": "<redacted:phone#1>"}
    assert out["response"]["body"] == {"<redacted:phone#1>": "ok", "echo": "to <redacted:phone#1>"}
    # a known secret that has no shape of its own (a token learned by name) is masked as a key too
    r = Redactor()
    r.redact(http(response={"body": {"token": TOKEN}}))
    assert r.redact(http({"body": {"sessions": {TOKEN: True}}}))["request"]["body"] == {"sessions": {"<redacted:token#1>": True}}


def test_secret_keys_nested_in_lists_and_query_names_are_redacted() -> None:
    entry = http(
        {"query": {PHONE: ["1"], "page": ["2"]}, "body": {"groups": [{"members": [{JWT: {"role": "owner"}}]}, {"n": 1}]}},
        {"body": {"data": [[{"users": {"13912345678": {"name": "张三"}}}]]}},
    )
    out = Redactor().redact(entry)
    assert out["request"]["query"] == {"<redacted:phone-number#1>": ["1"], "page": ["2"]}
    assert out["request"]["body"] == {"groups": [{"members": [{"<redacted:jwt#1>": {"role": "owner"}}]}, {"n": 1}]}
    assert out["response"]["body"] == {"data": [[{"users": {"<redacted:phone-number#2>": {"name": "张三"}}}]]}


def test_keys_that_are_no_secret_are_kept() -> None:
    body = {
        "password": {"minLength": 8, "requireDigits": True},  # a secret-named object keeps its field names
        "content-type": "json",
        "_id": {"ca978112ca1bbdcafac231b39a23dc4d": 1},  # values under allowed names are never secret
        "2025-01-01T08:00:00Z": "a date",
        "createOrder2024WithCoupon": 1,
        "a=b": 2,
    }
    out = Redactor().redact(http({"body": body}))
    assert out["request"]["body"] == body


def test_redaction_of_keys_is_idempotent_and_seeded() -> None:
    once = Redactor().redact(http({"body": {PHONE: 1, "13912345678": 2}}))
    assert Redactor().redact(once) == once
    r = Redactor()
    r.seed([once])
    assert r.redact(http({"body": {"13712345678": 3}}))["request"]["body"] == {"<redacted:phone-number#3>": 3}


def test_the_scanner_finds_nothing_once_secret_keys_are_redacted() -> None:
    from wxreplay.cassette import store
    from wxreplay.cassette.scan import scan_cassette_text

    entries = [
        http(
            {"query": {PHONE: ["1"]}, "body": {"byPhone": {PHONE: 1}, "tokens": [{JWT: 1}, {RANDOM_KEY: 2}]}},
            {"body": {"6222021234567890128": {"bank": "ICBC"}, "110101199003074477": "id"}},
        )
    ]

    def dump(items: list[dict[str, Any]]) -> str:
        return store.dump({"version": 1, "recorded_at": "2026-12-06T00:00:00Z", "entries": items})

    kinds = {h.kind for h in scan_cassette_text(dump(entries), "c.yaml")}
    assert {"phone-number", "jwt", "bank-card", "cn-id-number"} <= kinds  # the keys are found unredacted
    redacted = Redactor().redact_entries(entries)
    assert scan_cassette_text(dump(redacted), "c.yaml") == []
    assert "<redacted:bank-card#1>" in redacted[0]["response"]["body"]


def test_run_secrets_mask_keys_in_snapshots_and_transcripts_with_the_run_placeholder() -> None:
    from wxreplay.cassette.runsecrets import RunSecrets

    run = RunSecrets()
    cassette = Redactor()
    run.attach(cassette)
    cassette.redact(http({"body": {"phone": PHONE}}))
    snapshot = {"calls": [{"args": {"data": {PHONE: {"qty": 1}}}}], "text": f"call {PHONE}"}
    masked = run.mask_data(snapshot)
    assert masked == {"calls": [{"args": {"data": {"<redacted:phone#1>": {"qty": 1}}}}], "text": "call <redacted:phone#1>"}
    assert run.mask_data({JWT: 1}) == {"<redacted:jwt#1>": 1}
    assert run.mask_text(f'{{"{JWT}": 1}}') == '{"<redacted:jwt#1>": 1}'


# ------------------------------------------------------------------------------ secrets written as numbers

CARD = 6222021234567890128  # passes the Luhn check, as the scanner requires of a bank card number
ID_NUMBER = 110101199003074477  # an 18-digit ID number whose check character is a digit


def _dump(items: list[dict[str, Any]]) -> str:
    from wxreplay.cassette import store

    return store.dump({"version": 1, "recorded_at": "2026-12-06T00:00:00Z", "entries": items})


@pytest.mark.parametrize(("number", "kind"), [(int(PHONE), "phone-number"), (CARD, "bank-card"), (ID_NUMBER, "cn-id-number")])
def test_a_secret_shaped_number_under_any_name_is_redacted(number: int, kind: str) -> None:
    out = Redactor().redact(http({"body": {"tel": number, "qty": 2}}, {"body": {"data": {"contact": number}}}))
    assert out["request"]["body"] == {"tel": f"<redacted:{kind}#1>", "qty": 2}
    assert out["response"]["body"] == {"data": {"contact": f"<redacted:{kind}#1>"}}
    assert str(number) not in repr(out)


def test_a_number_and_the_same_secret_as_a_string_share_one_placeholder() -> None:
    # the string form under a secret name first, the number elsewhere: the name's placeholder for both
    out = Redactor().redact(http({"body": {"phone": PHONE, "tel": int(PHONE)}}, {"body": {"echo": f"to {PHONE}"}}))
    assert out["request"]["body"] == {"phone": "<redacted:phone#1>", "tel": "<redacted:phone#1>"}
    assert out["response"]["body"] == {"echo": "to <redacted:phone#1>"}
    # the number under a secret name, the string elsewhere (and the other way round across entries)
    r = Redactor()
    first = r.redact(http({"body": {"mobile": int(PHONE)}}))
    second = r.redact(http({"body": {"note": f"call {PHONE}", "contact": PHONE, "n": int(PHONE)}}))
    assert first["request"]["body"] == {"mobile": "<redacted:mobile#1>"}
    assert second["request"]["body"] == {
        "note": "call <redacted:mobile#1>",
        "contact": "<redacted:mobile#1>",
        "n": "<redacted:mobile#1>",
    }
    # by shape only: the number and the string get the shape's one placeholder
    out = Redactor().redact(http({"body": {"a": CARD, "b": str(CARD)}}))
    assert out["request"]["body"] == {"a": "<redacted:bank-card#1>", "b": "<redacted:bank-card#1>"}


def test_secret_numbers_nested_and_in_lists_are_redacted() -> None:
    entry = http(
        {"query": {"page": ["1"]}, "body": {"users": [{"tel": int(PHONE), "age": 30}, {"tel": 13912345678, "age": 31}]}},
        {"body": {"data": [[{"card": CARD}], [ID_NUMBER, 101]], "meta": {"nested": {"deep": [int(PHONE)]}}}},
    )
    out = Redactor().redact(entry)
    assert out["request"]["body"] == {
        "users": [{"tel": "<redacted:phone-number#1>", "age": 30}, {"tel": "<redacted:phone-number#2>", "age": 31}]
    }
    assert out["response"]["body"] == {
        "data": [[{"card": "<redacted:bank-card#1>"}], ["<redacted:cn-id-number#1>", 101]],
        "meta": {"nested": {"deep": ["<redacted:phone-number#1>"]}},
    }
    assert Redactor().redact(out) == out  # idempotent


def test_ordinary_numbers_are_kept() -> None:
    body = {
        "ts": 1795307581,
        "qty": 101,
        "price": 28.5,
        "date": 20260105,
        "orderId": 9876543210123,
        "big": 12345678901234567890,
        "float": 13812345678.0,
        "flag": True,
        "none": None,
        "items": [0, 1, 200, 1700000000000],
    }
    entry = http({"body": body}, {"body": {"code": 0, "data": body}})
    out = Redactor().redact(entry)
    assert out["request"]["body"] == body and out["response"]["body"] == {"code": 0, "data": body}
    assert type(out["request"]["body"]["flag"]) is bool and type(out["request"]["body"]["ts"]) is int
    # numbers under allowed names are no secrets either, as the scanner has it
    assert Redactor().redact({"_id": int(PHONE)}) == {"_id": int(PHONE)}


def test_the_scanner_finds_numbers_unredacted_and_nothing_once_redacted() -> None:
    from wxreplay.cassette.scan import scan_cassette_text

    entries = [
        http(
            {"body": {"tel": int(PHONE), "list": [{"card": CARD}], "ts": 1795307581}},
            {"body": {"user": {"idNo": ID_NUMBER, "price": 28.5, "count": 101}}},
        )
    ]
    kinds = {h.kind for h in scan_cassette_text(_dump(entries), "c.yaml")}
    assert {"phone-number", "bank-card", "cn-id-number"} <= kinds
    redacted = Redactor().redact_entries(entries)
    assert scan_cassette_text(_dump(redacted), "c.yaml") == []
    assert redacted[0]["request"]["body"]["ts"] == 1795307581


def test_run_secrets_mask_numbers_with_the_run_placeholder() -> None:
    from wxreplay.cassette.runsecrets import RunSecrets

    run = RunSecrets()
    cassette = Redactor()
    run.attach(cassette)
    cassette.redact(http({"body": {"phone": PHONE}}))
    snapshot = {"calls": [{"args": {"data": {"tel": int(PHONE), "n": 3}}}], "card": CARD}
    assert run.mask_data(snapshot) == {
        "calls": [{"args": {"data": {"tel": "<redacted:phone#1>", "n": 3}}}],
        "card": "<redacted:bank-card#1>",
    }
    assert run.mask_text(f'{{"tel": {PHONE}, "card": {CARD}, "ts": 1795307581}}') == (
        '{"tel": <redacted:phone#1>, "card": <redacted:bank-card#1>, "ts": 1795307581}'
    )

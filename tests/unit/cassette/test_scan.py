"""Secret scanner: each pattern with line/column, secret-named fields, entropy, no false positives, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from wxreplay.cassette.redact import RedactionRules, Redactor
from wxreplay.cassette.scan import SecretHit, format_hits, scan_cassette_text, scan_path

# fake secrets, assembled so that this file itself does not look like it leaks any
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" * 2
SLACK = "xoxb-" + "1234567890-" + "abcdefghijKLMN"
OPENAI = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k1L2"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
RANDOM_B64 = "Zk8qP2mX7vL4nR9tB1cW6yH3jD5sF0gA"
RANDOM_HEX = "9f86d081884c7d659a2feaa0c55ad015"
TOKEN = "wst_Kx9aP0qLmZ3vT8bYc2dR5eF7gH1jN4sU"

# A recorded, redacted cassette of the westore-cafe example, as the store writes it.
REDACTED_CASSETTE = """\
version: 1
recorded_at: '2025-01-01T08:00:00Z'
scenario: latte-less-sugar
entries:
- kind: http
  turn: 1
  api: searchDrinks
  ordinal: 0
  request:
    method: GET
    scheme: http
    host: 127.0.0.1:8765
    path: /api/menu
    query:
      keyword:
      - 拿铁
    headers: {}
    body: null
  response:
    status: 200
    headers:
      content-type: application/json; charset=utf-8
      access-control-allow-origin: '*'
      access-control-allow-headers: Authorization, Content-Type, X-Request-Id
    body:
      code: 0
      data:
        keyword: 拿铁
        total: 2
        items:
        - drinkId: 101
          name: 拿铁
          price: 28
          category: milk-coffee
          categoryLabel: 奶咖
          image: https://cdn.example.com/westore/drinks/latte.png
          tags:
          - latte
          - 咖啡
          - 牛奶
        - drinkId: 103
          name: 生椰拿铁
          price: 32
          category: milk-coffee
          categoryLabel: 奶咖
          image: https://cdn.example.com/westore/drinks/coconut-latte.jpg
          tags: [椰子, 椰乳, 咖啡]
- kind: host
  turn: 2
  api: createOrder
  ordinal: 0
  name: login
  args: {}
  ok: true
  outcome:
    code: <redacted:code#1>
    errMsg: login:ok
- kind: http
  turn: 2
  api: createOrder
  ordinal: 1
  request:
    method: POST
    scheme: http
    host: 127.0.0.1:8765
    path: /api/login
    query: {}
    headers:
      content-type: application/json
    body:
      code: <redacted:code#1>
  response:
    status: 200
    headers:
      content-type: application/json; charset=utf-8
      set-cookie: sid=<redacted:set-cookie#1>; Path=/; HttpOnly
    body:
      code: 0
      data:
        token: <redacted:token#1>
        openid: <redacted:openid#1>
        expiresIn: 7200
- kind: http
  turn: 2
  api: createOrder
  ordinal: 2
  request:
    method: POST
    scheme: http
    host: 127.0.0.1:8765
    path: /api/orders
    query: {}
    headers:
      authorization: Bearer <redacted:token#1>
      content-type: application/json
      x-request-id: 3f2b8c1e-7a4d-4e9b-9c21-5d6f7a8b9c0d
    body:
      drinkId: 101
      specs:
        sugar: less
        size: medium
      quantity: 1
  response:
    status: 201
    headers:
      content-type: application/json; charset=utf-8
    body:
      code: 0
      data:
        orderId: WS0001
        drinkId: 101
        name: 拿铁
        image: https://cdn.example.com/westore/drinks/latte.png
        specs:
          sugar: less
          size: medium
        quantity: 1
        unitPrice: 28
        totalPrice: 28
        status: CREATED
        pickupCode: null
        createdAt: '2025-01-01T08:00:00Z'
- kind: http
  turn: 3
  api: payOrder
  ordinal: 0
  request:
    method: POST
    scheme: http
    host: 127.0.0.1:8765
    path: /api/orders/WS0001/prepay
    query: {}
    headers:
      authorization: Bearer <redacted:token#1>
    body: {}
  response:
    status: 200
    headers:
      content-type: application/json; charset=utf-8
    body:
      code: 0
      data:
        timeStamp: '1735718400'
        nonceStr: <redacted:nonceStr#1>
        package: prepay_id=<redacted:prepay_id#1>
        signType: RSA
        paySign: <redacted:paySign#1>
- kind: host
  turn: 3
  api: payOrder
  ordinal: 1
  name: requestPayment
  args:
    timeStamp: '1735718400'
    nonceStr: <redacted:nonceStr#1>
    package: prepay_id=<redacted:prepay_id#1>
    signType: RSA
    paySign: <redacted:paySign#1>
  ok: true
  outcome:
    errMsg: requestPayment:ok
- kind: http
  turn: 3
  api: payOrder
  ordinal: 2
  request:
    method: GET
    scheme: http
    host: 127.0.0.1:8765
    path: /api/orders/WS0001/payment
    query: {}
    headers:
      authorization: Bearer <redacted:token#1>
    body: null
  response:
    status: 200
    headers:
      content-type: application/json; charset=utf-8
    body:
      code: 0
      data:
        orderId: WS0001
        status: SUCCESS
        totalPrice: 28
        pickupCode: A101
        paidAt: '2025-01-01T08:01:30Z'
- kind: http
  turn: 4
  api: cancelOrder
  ordinal: 0
  request:
    method: POST
    scheme: http
    host: 127.0.0.1:8765
    path: /api/orders/WS0001/cancel
    query: {}
    headers:
      authorization: Bearer <redacted:token#1>
    body: null
  response:
    status: 409
    headers:
      content-type: application/json; charset=utf-8
    body:
      code: 40903
      message: order WS0001 is already paid; refunds are handled in store
- kind: http
  turn: 4
  api: getOrder
  ordinal: 0
  request:
    method: GET
    scheme: http
    host: 127.0.0.1:8765
    path: /api/stores/1/status
    query: {}
    headers: {}
    body: null
  response:
    status: 200
    headers:
      content-type: application/json; charset=utf-8
    body:
      code: 0
      data:
        storeId: 1
        storeName: WeStore 科技园店
        queueLength: 4
        etaMinutes: 8
        updatedAt: '2025-01-01T08:05:00Z'
- kind: host
  turn: 5
  api: getOrder
  ordinal: 0
  name: cloud.callFunction
  args:
    name: getOrders
    data:
      status: PAID
  ok: true
  outcome:
    result:
      data:
      - _id: ca978112ca1bbdcafac231b39a23dc4d
        _openid: <redacted:openid#2>
        orderId: WS0001
        fileID: cloud://prod-7g8h.a1b2-prod-7g8h-1250000000/receipts/WS0001.png
    requestID: 9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f
    errMsg: cloud.callFunction:ok
- kind: host
  turn: 5
  api: getOrder
  ordinal: 1
  name: cloud.database.doc.get
  args:
    collection: orders
    docId: 3e23e8160039594a33894f6564e1b134
  ok: true
  outcome:
    data:
      _id: 3e23e8160039594a33894f6564e1b134
      note: 少糖，去冰，谢谢！
      createdAt: '2025-01-01T08:00:00.000Z'
    errMsg: document.get:ok
- kind: host
  turn: 6
  api: getOrder
  ordinal: 2
  name: getLocation
  args:
    type: gcj02
  ok: true
  outcome:
    latitude: 22.5431
    longitude: 113.9589
    accuracy: 30
    errMsg: getLocation:ok
- kind: host
  turn: 6
  api: getOrder
  ordinal: 3
  name: getPhoneNumber
  args: {}
  ok: true
  outcome:
    code: <redacted:code#2>
    errMsg: getPhoneNumber:ok
- kind: host
  turn: 6
  api: getOrder
  ordinal: 4
  name: getSystemInfo
  args: {}
  ok: true
  outcome:
    accountInfo:
      miniProgram:
        appId: wx0000000000000000
        envVersion: develop
    errMsg: getSystemInfo:ok
"""


def scan(text: str) -> list[SecretHit]:
    return scan_cassette_text(text, "c.yaml")


def one(text: str) -> SecretHit:
    hits = scan(text)
    assert len(hits) == 1, format_hits(hits)
    return hits[0]


# ------------------------------------------------------------------------------ no false positives


def test_redacted_example_cassette_is_clean() -> None:
    assert scan(REDACTED_CASSETTE) == []


def test_redacted_example_cassette_is_clean_as_json_too() -> None:
    data = yaml.safe_load(REDACTED_CASSETTE)
    assert scan_cassette_text(json.dumps(data, ensure_ascii=False, indent=2), "c.json") == []
    assert scan_cassette_text(json.dumps(data, ensure_ascii=False), "c.json") == []
    assert scan_cassette_text(json.dumps(data, ensure_ascii=True), "c.json") == []  # \\uXXXX-escaped Chinese


@pytest.mark.parametrize(
    "line",
    [
        "name: createOrder2024WithCouponV2",
        "path: skills/coffee/apis/createOrder.js",
        "id: 550e8400-E29B-41d4-a716-446655440000",
        "docId: 9f86d081884c7d659a2feaa0c55ad015",
        "orderId: WS0001",
        "requestId: 9f86d081884c7d659a2feaa0c55ad015",
        "etag: '33a64df551425fcc55e4d42a148795d9f25f89d4'",
        "image: https://cdn.example.com/westore/drinks/Zk8qP2mX7vL4nR9tB1cW6yH3jD5sF0gA.png",
        "createdAt: '2025-01-01T08:00:00.000+08:00'",
        "timeStamp: '17357184001735718400'",
        "description: 双份浓缩配丝滑热牛奶，奶香与咖啡香平衡。Zk8q",
        "storageKey: westore:token:v2:20250101",
        "code: LOGIN_REJECTED_BY_SERVER",
        "authorization: Bearer <redacted:token#1>",
        f"token: <redacted:token#12>  # was {'x' * 3}",
    ],
)
def test_no_false_positives(line: str) -> None:
    assert scan(line) == []


# ------------------------------------------------------------------------------ patterns, with line and column

# (kind, line, where the secret starts on the line)
PATTERN_CASES = [
    ("private-key", "  -----BEGIN RSA PRIVATE KEY-----", "-----"),
    ("jwt", f"  note: '{JWT}'", JWT),
    ("bearer-token", f"  message: retry with Bearer {TOKEN} later", TOKEN),
    ("aws-access-key-id", f"  aws: {AWS}", AWS),
    ("api-key", f'  "llm": "{OPENAI}",', OPENAI),
    ("github-token", f"  - {GITHUB}", GITHUB),
    ("slack-token", f"  webhook_hint: {SLACK}", SLACK),
    ("wechat-prepay-id", "  data: prepay_id=wx2017033010242291fcfe0db70013231072", "wx2017"),
    ("url-credentials", "  dsn: postgres://admin:hunter2hunter2@db.internal:5432/app", "hunter2"),
    ("wechat-appsecret", "  appsecret: 0123456789abcdef0123456789abcdef", "0123"),
    ("secret-field", f"  token: {TOKEN}", TOKEN),
    ("high-entropy", f"  description: {RANDOM_B64}", RANDOM_B64),
]


def col(line: str, marker: str) -> int:
    return line.index(marker) + 1


def test_pattern_columns_are_what_an_editor_shows() -> None:
    assert col(PATTERN_CASES[2][1], TOKEN) == 30 and col(PATTERN_CASES[8][1], "hunter2") == 25


@pytest.mark.parametrize(("kind", "line", "marker"), PATTERN_CASES, ids=[c[0] for c in PATTERN_CASES])
def test_each_kind_is_found_at_its_line_and_column(kind: str, line: str, marker: str) -> None:
    text = f"version: 1\nentries:\n- kind: http\n{line}\n  ok: true\n"
    hit = one(text)
    assert (hit.file, hit.line, hit.column, hit.kind) == ("c.yaml", 4, col(line, marker), kind)


def test_all_kinds_in_one_file_in_order() -> None:
    text = "\n".join(line for _, line, _ in PATTERN_CASES)
    expected = [(i, col(line, marker), kind) for i, (kind, line, marker) in enumerate(PATTERN_CASES, 1)]
    assert [(h.line, h.column, h.kind) for h in scan(text)] == expected


def test_columns_count_characters_after_chinese_text() -> None:
    hit = one(f"note: 拿铁少糖 Bearer {TOKEN}")
    assert hit.column == len("note: 拿铁少糖 Bearer ") + 1


def test_excerpt_is_masked_in_the_middle() -> None:
    hit = one(f"token: {TOKEN}")
    assert hit.excerpt == f"{TOKEN[:4]}...{TOKEN[-4:]}"
    assert TOKEN not in str(hit)
    assert str(hit) == f"c.yaml:1:8: secret-field: {hit.excerpt}"


def test_a_jwt_in_a_bearer_header_is_one_hit() -> None:
    hit = one(f"authorization: Bearer {JWT}")
    assert (hit.kind, hit.column) == ("jwt", 23)


# ------------------------------------------------------------------------------ names and context


def test_secret_named_field_in_a_yaml_list_under_the_key() -> None:
    text = "request:\n  query:\n    access_token:\n    - 8f1e2d3c4b5a69788796a5b4c3d2e1f0aa\n    keyword:\n    - 拿铁\n"
    hit = one(text)
    assert (hit.line, hit.column, hit.kind) == (4, 7, "secret-field")


def test_secret_named_fields_in_json_and_query_strings() -> None:
    text = json.dumps({"data": {"session_key": "HyVFkGl5F5OQWJZZaNzBBg==", "nick": "咖啡"}}, indent=2, ensure_ascii=False)
    hit = one(text)
    assert (hit.line, hit.kind) == (3, "secret-field")
    assert hit.column == text.splitlines()[2].index("HyVF") + 1
    hit = one("url: https://api.weixin.qq.com/sns/oauth2?appid=wx0000000000000000&code=061aBcDeF2gH3iJ4kL5mN6oP7q")
    assert (hit.kind, hit.column) == ("secret-field", 73)


@pytest.mark.parametrize(
    "line",
    [
        # random tokens that drew no digit (~1% of 27-character base64 ones): the redactor redacts them by
        # name, so the scanner must flag them too; found when a planted openid of this kind went unflagged
        "X-WX-Openid: ojqIvvcQCOvhjvojzcfjjaQOQvjs",
        "X-WX-Openid: orpbvmqIDYQdgvJOOBVylWZOHVXI",
        "X-Api-Key: WqYtRbNmKzXcVbLpQsHgFdJa",
        '{"session_key": "HyVFkGlFOQWJZZaNzBBg=="}',
    ],
)
def test_a_secret_named_value_without_a_digit_is_still_a_hit(line: str) -> None:
    assert one(line).kind == "secret-field"


def test_block_scalar_text_bodies_are_scanned_with_their_pairs() -> None:
    text = "body: |\n  grant_type=authorization_code\n  refresh_token=a1B2c3D4e5F6g7H8i9J0\n"
    hit = one(text)
    assert (hit.line, hit.column, hit.kind) == (3, 17, "secret-field")


def test_high_entropy_hex_and_base64_under_non_secret_names() -> None:
    hits = scan(f"checksumValue: {RANDOM_HEX}\nblob: '{RANDOM_B64}+/x9='\n_id: {RANDOM_HEX}\ndocId: {RANDOM_HEX}\n")
    assert [(h.line, h.kind) for h in hits] == [(1, "high-entropy"), (2, "high-entropy")]


def test_paysign_style_base64_is_found_even_with_slashes() -> None:
    sig = "OniePZcVpGxrXmMiu+TPr1vzhXvYZ8X2TinGz7SPQc7NBtpAb7yIQmWruCTF+34z9Lutxj32P2Ogio3d4285MjA/ImYViW2T2x44S=="
    assert [h.kind for h in scan(f"data: {sig}")] == ["high-entropy"]
    assert [h.kind for h in scan(f"paySign: {sig}")] == ["secret-field"]


def test_ignored_fields_are_not_reported() -> None:
    rules = RedactionRules.from_config({"ignore_fields": ["token", "checksumValue"]})
    text = f"token: {TOKEN}\nchecksumValue: {RANDOM_HEX}\n"
    assert scan_cassette_text(text, "c.yaml", rules=rules) == []
    assert len(scan_cassette_text(text, "c.yaml")) == 2


def test_unredacted_recording_is_caught_and_redacting_it_makes_it_clean() -> None:
    entries: list[dict[str, Any]] = [
        {
            "kind": "host",
            "name": "login",
            "args": {},
            "ok": True,
            "outcome": {"code": "0c3d711642b726b04401627ca9fbac3e", "errMsg": "login:ok"},
        },
        {
            "kind": "http",
            "request": {
                "method": "POST",
                "path": "/api/orders",
                "headers": {"authorization": f"Bearer {TOKEN}"},
                "body": {"drinkId": 101},
            },
            "response": {
                "status": 200,
                "body": {
                    "code": 0,
                    "data": {
                        "nonceStr": "7b85601fe50e5f467a0eca1fab388c6e",
                        "package": "prepay_id=wxfbcb9576c057674189d6f2257e1bf8",
                        "paySign": "OniePZcVpGxrXmMiu+TPr1vzhXvYZ8X2TinGz7SPQc7NBtpAb7yIQmW",
                    },
                },
            },
        },
    ]
    raw = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False)
    assert {h.kind for h in scan(raw)} == {"secret-field", "bearer-token", "wechat-prepay-id"}
    assert len(scan(raw)) == 5
    clean = yaml.safe_dump(Redactor().redact_entries(entries), allow_unicode=True, sort_keys=False)
    assert scan(clean) == []


# ------------------------------------------------------------------------------ paths and the CLI


def write_tree(root: Path) -> None:
    (root / "cassettes").mkdir()
    (root / "cassettes" / "latte.yaml").write_text(REDACTED_CASSETTE, encoding="utf-8")
    (root / "cassettes" / "leak.yaml").write_text(f"entries:\n- outcome:\n    code: x\n    token: {TOKEN}\n", encoding="utf-8")
    (root / "cassettes" / "body.bin").write_text(f"token: {TOKEN}\n", encoding="utf-8")  # side file: not scanned
    (root / "snapshots").mkdir()
    (root / "snapshots" / "clean.ambr").write_text(
        "# name: test_latte\n  dict({\n    'token': '<redacted:token#1>',\n  })\n", encoding="utf-8"
    )
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.yaml").write_text(f"token: {TOKEN}\n", encoding="utf-8")


def test_scan_path_walks_directories_by_suffix(tmp_path: Path) -> None:
    write_tree(tmp_path)
    hits = scan_path(tmp_path)
    assert [(Path(h.file).name, h.line, h.column, h.kind) for h in hits] == [("leak.yaml", 4, 12, "secret-field")]
    assert scan_path(tmp_path / "snapshots") == []
    assert len(scan_path(tmp_path / "cassettes" / "body.bin")) == 1  # a file named explicitly is scanned
    with pytest.raises(FileNotFoundError):
        scan_path(tmp_path / "nope")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "scan", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_cli_exit_codes(tmp_path: Path) -> None:
    write_tree(tmp_path)
    clean = run_cli("cassettes/latte.yaml", "snapshots", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")
    dirty = run_cli("cassettes", cwd=tmp_path)
    assert dirty.returncode == 1
    assert dirty.stdout == f"cassettes/leak.yaml:4:12: secret-field: {TOKEN[:4]}...{TOKEN[-4:]} (field token)\n"
    assert "1 possible secret" in dirty.stderr
    missing = run_cli("cassettes/latte.yaml", "cassettes/missing.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    assert "no such file or directory: cassettes/missing.yaml" in missing.stderr


def test_cli_honours_ignore_fields_from_pyproject(tmp_path: Path) -> None:
    write_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.wxreplay.redact]\nignore_fields = ["token"]\n', encoding="utf-8")
    assert run_cli("cassettes", cwd=tmp_path).returncode == 0


def test_pre_commit_hook_declares_the_scan() -> None:
    hooks = yaml.safe_load((Path(__file__).parents[3] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "wxreplay-scan")
    assert hook["entry"] == "wxreplay scan"
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("cassettes/latte.yaml") and pattern.search("tests/__snapshots__/test_x.ambr")
    assert pattern.search("examples/westore-cafe/snapshots/a.yml") and not pattern.search("wxreplay/cli.py")


def test_a_secret_used_as_a_key_is_flagged_and_never_shown_as_the_field_below_it() -> None:
    from wxreplay.cassette.runsecrets import RunSecrets, SecretsLeftError

    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpYXQiOjE3MDB9.c2lnbmF0dXJlLXBhcnQtMTIzNDU2Nzg5MA"
    text = f"contacts:\n  '13812345678':\n  - {jwt}\n"
    hits = scan_cassette_text(text, "s.yaml")
    assert [(h.line, h.kind, h.field) for h in hits] == [(2, "phone-number", "contacts"), (3, "jwt", "13...78")]
    with pytest.raises(SecretsLeftError) as info:
        RunSecrets().gate(text, "s.yaml", "the snapshot")
    assert "13812345678" not in str(info.value)

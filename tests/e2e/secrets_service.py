"""The planted-secrets service of issue 12: fresh secrets of every kind, served over real HTTP on 127.0.0.1.

:func:`plant` makes a new set of secrets (random each test run, valid where a kind has a check: ID
numbers, bank cards); :func:`serve` answers the secrets-lab skill's requests with responses that
carry them in JSON bodies (nested and in lists, as values and as keys), in response headers and in
URLs inside strings.
The skill sends the others (its own ``config.js``, written from the same set) in query strings,
headers, JSON and form bodies; the device hands out the login and phone codes.

A plain module (not conftest) so the test imports it by name.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from wxreplay.cassette.rules import random_token_class

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _alnum(n: int) -> str:
    # Random letters and digits, with at least one of each case and a digit. Under a name that is secret
    # only when its value looks random (csrfToken, pushToken, recoveryKey), a token is judged by its
    # shape, and about 1 in 1,000 random draws looks like words: those are drawn again, so the test
    # is about the pipeline, not that bound (rules.random_token_class documents it).
    while True:
        s = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))
        mixed = any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)
        if mixed and (n < 16 or random_token_class(s, min_length=16) is not None):
            return s


def _b64url(n: int) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(n)).decode().rstrip("=")


def _phone() -> str:
    return "1" + secrets.choice("3456789") + "".join(secrets.choice(string.digits) for _ in range(9))


def _luhn_card(prefix: str, length: int) -> str:
    body = prefix + "".join(secrets.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = body + check
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def _cn_id() -> str:
    region = str(random.choice([110105, 310104, 440305, 330106]))
    birth = f"{random.randint(1960, 2004)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    body = region + birth + f"{random.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def _jwt() -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    claims = base64.urlsafe_b64encode(json.dumps({"sub": _alnum(12), "iat": 1733450000}).encode()).decode().rstrip("=")
    return f"{header}.{claims}.{_b64url(32)}"


def plant() -> dict[str, str]:
    """A fresh set of planted secrets: name -> value (every value distinct, 60 and more)."""
    pem_body = base64.b64encode(secrets.token_bytes(48)).decode()
    s: dict[str, str] = {
        # sent by the skill (config.js): query, headers, JSON and form bodies
        "weather_key": secrets.token_hex(16),
        "client_jwt": _jwt(),
        "phone": _phone(),
        "mobile": _phone(),
        "password": "hunter" + "".join(secrets.choice(string.digits) for _ in range(4)),
        "openid_header": "o" + _b64url(20),
        "signature_header": secrets.token_hex(20),
        "session_id_header": "sess-" + secrets.token_hex(8),
        "api_key_header": "sk-" + _alnum(32),
        "card_no": _luhn_card("62", 19),
        "id_number": _cn_id(),
        # handed out by the device (host-call outcomes)
        "login_code": "0c3" + secrets.token_hex(14) + "a",
        "phone_code": "pc-" + secrets.token_hex(6),
        "device_phone": _phone(),
        # /api/login
        "token": _jwt(),
        "openid": "oGZ" + _b64url(18),
        "session_key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "login_phone": _phone(),
        "profile_id": _cn_id(),
        "bank_card_1": _luhn_card("6222", 19),
        "bank_card_2": _luhn_card("4", 16),
        "emergency_mobile_1": _phone(),
        "emergency_mobile_2": _phone(),
        "temp_password": _alnum(10),
        "cookie_sid": _alnum(24),
        "session_token_header": _alnum(28),
        "csrf_token": _alnum(22),
        "id_token": _jwt(),
        "refresh_token": _alnum(40),
        "push_token_1": _alnum(32),
        "push_token_2": _alnum(32),
        "push_token_3": _alnum(32),
        "recovery_key": _alnum(24),
        "key_phone": _phone(),  # secrets used as mapping keys
        "key_jwt": _jwt(),
        # /api/profile
        "contact_phone": _phone(),
        "contact_password": "pa55" + _alnum(6),
        "aws_access_key_id": "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
        "aws_secret_access_key": _alnum(40),
        "aliyun_access_key_id": "LTAI" + _alnum(20),
        "aliyun_access_key_secret": _alnum(30),
        "pem_body": pem_body,
        "amz_signature": secrets.token_hex(32),
        "amz_credential": "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
        "cos_signature": secrets.token_hex(20),
        "cos_ak": "AKID" + _alnum(32),
        "oss_access_key_id": "LTAI" + _alnum(16),
        "oss_signature": _alnum(27),
        "callback_sign": secrets.token_hex(16),
        "notice_password": _alnum(8),
        "download_token": _alnum(30),
        "profile_signature_header": secrets.token_hex(24),
        "webhook_secret": secrets.token_hex(16),
        "client_secret": secrets.token_hex(16),
        "github_token": "ghp_" + _alnum(36),
        "slack_token": "xoxb-" + "".join(secrets.choice(string.digits) for _ in range(12)) + "-" + _alnum(24),
        "google_key": "AIza" + _alnum(35),
        "stripe_key": "sk_live_" + _alnum(24),
        "text_jwt": _jwt(),
        "hotline_phone": _phone(),
        # /api/pay
        "nonce_str": _alnum(32),
        "prepay_id": "wx" + _alnum(28),
        "pay_sign": base64.b64encode(secrets.token_bytes(96)).decode(),
        "payer_openid": "oPay" + _b64url(18),
        "payer_phone": _phone(),
        # /weather
        "weather_link_key": secrets.token_hex(16),
        "weather_header_token": _alnum(26),
    }
    assert len(set(s.values())) == len(s) >= 60
    return s


def config_js(base: str, s: dict[str, str]) -> str:
    """The skill's ``utils/config.js`` carrying the skill-side secrets of ``s``."""
    values = {
        "BASE": base,
        "WEATHER_KEY": s["weather_key"],
        "CLIENT_JWT": s["client_jwt"],
        "PHONE": s["phone"],
        "MOBILE": s["mobile"],
        "PASSWORD": s["password"],
        "OPENID": s["openid_header"],
        "SIGNATURE": s["signature_header"],
        "SESSION_ID": s["session_id_header"],
        "API_KEY": s["api_key_header"],
        "CARD_NO": s["card_no"],
        "ID_NUMBER": s["id_number"],
    }
    return "module.exports = " + json.dumps(values, indent=2) + "\n"


def _responses(s: dict[str, str]) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{s['pem_body']}\n-----END RSA PRIVATE KEY-----"
    return {
        "/weather": (
            {
                "code": "200",
                "now": {"text": "晴", "temp": "21"},
                "fxLink": f"https://www.qweather.com/weather/beijing.html?lang=zh&key={s['weather_link_key']}",
            },
            {"X-Qw-Token": s["weather_header_token"]},
        ),
        "/api/login": (
            {
                "code": 0,
                "data": {
                    "token": s["token"],
                    "openid": s["openid"],
                    "session_key": s["session_key"],
                    "phoneNumber": s["login_phone"],
                    "id_token": s["id_token"],
                    "refresh_token": s["refresh_token"],
                    "csrfToken": s["csrf_token"],
                    "profile": {
                        "idCard": s["profile_id"],
                        "bankCards": [s["bank_card_1"], s["bank_card_2"]],
                        "emergency": [{"name": "妈妈", "mobile": s["emergency_mobile_1"]}, {"mobile": s["emergency_mobile_2"]}],
                        "note": f"temporary password: {s['temp_password']}",
                        "devices": [
                            {"pushToken": s["push_token_1"]},
                            {"pushToken": s["push_token_2"]},
                            {"pushToken": s["push_token_3"]},
                        ],
                        "recoveryKey": s["recovery_key"],
                        "contactsByPhone": {s["key_phone"]: {"name": "爸爸"}},
                        "sessions": [{s["key_jwt"]: {"device": "iPhone"}}],
                    },
                },
            },
            {"Set-Cookie": f"sid={s['cookie_sid']}; Path=/; HttpOnly", "X-Session-Token": s["session_token_header"]},
        ),
        "/api/profile": (
            {
                "code": 0,
                "contact": {"phone": s["contact_phone"], "password": s["contact_password"]},
                "cloud": {
                    "aws_access_key_id": s["aws_access_key_id"],
                    "aws_secret_access_key": s["aws_secret_access_key"],
                    "AccessKeyId": s["aliyun_access_key_id"],
                    "AccessKeySecret": s["aliyun_access_key_secret"],
                    "private_key": pem,
                    "webhooks": [{"url": "https://hooks.example.com/in", "webhook_secret": s["webhook_secret"]}],
                    "client_secret": s["client_secret"],
                    "tokens": {"github": s["github_token"], "slack": s["slack_token"]},
                    "extra": [s["google_key"], s["stripe_key"]],
                },
                "links": [
                    "https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                    f"&X-Amz-Credential={s['amz_credential']}%2F20241206%2Fus-east-1%2Fs3%2Faws4_request"
                    f"&X-Amz-Signature={s['amz_signature']}",
                    f"https://b-1250000000.cos.ap-shanghai.myqcloud.com/b.png?q-sign-algorithm=sha1&q-ak={s['cos_ak']}"
                    f"&q-signature={s['cos_signature']}",
                    f"https://b.oss-cn-hangzhou.aliyuncs.com/c.zip?OSSAccessKeyId={s['oss_access_key_id']}&Expires=1733450000"
                    f"&Signature={s['oss_signature']}",
                    f"https://api.example.com/cb?order=42&sign={s['callback_sign']}",
                ],
                "notice": f"初始密码：{s['notice_password']}，会话 {s['text_jwt']}，客服电话 {s['hotline_phone']}",
                "download": f"https://files.example.com/d/report.pdf?access_token={s['download_token']}",
            },
            {"X-Signature": s["profile_signature_header"]},
        ),
        "/api/pay": (
            {
                "orderId": "VIP20241206001",
                "payment": {
                    "timeStamp": "1733450000",
                    "nonceStr": s["nonce_str"],
                    "package": f"prepay_id={s['prepay_id']}",
                    "signType": "RSA",
                    "paySign": s["pay_sign"],
                },
                "payer": {"openid": s["payer_openid"], "phone": s["payer_phone"]},
            },
            {},
        ),
    }


@contextmanager
def serve(s: dict[str, str]) -> Iterator[str]:
    """Run the service on a free port of 127.0.0.1 (in a thread) and yield its base URL."""
    responses = _responses(s)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            path = self.path.split("?", 1)[0]
            body, headers = responses.get(path, ({"code": 404}, {}))
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(200 if path in responses else 404)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

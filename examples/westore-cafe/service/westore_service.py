"""WeStore Cafe: the third-party HTTP service behind the westore-cafe example skill.

Standard library only. All state lives in memory and is fresh for every ``create_app()`` call.
Order ids are deterministic (WS0001, WS0002, ...); tokens, prepay ids, nonces and signatures are
random on purpose so that cassette redaction can be exercised.

Start it with::

    python examples/westore-cafe/service/westore_service.py [--host 127.0.0.1] [--port 8765]

Every response is JSON: ``{"code": 0, "data": ...}`` on success, or
``{"code": <n>, "message": "..."}`` with a matching 4xx HTTP status on failure.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import secrets
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

IMAGE_BASE = "https://cdn.example.com/westore/drinks/"

CATEGORY_LABELS = {"coffee": "咖啡", "milk-coffee": "奶咖", "tea": "茶饮"}

DRINKS: list[dict[str, Any]] = [
    {
        "drinkId": 101,
        "name": "拿铁",
        "price": 28,
        "category": "milk-coffee",
        "image": "latte.png",
        "description": "双份浓缩配丝滑热牛奶，奶香与咖啡香平衡。",
        "tags": ["latte", "咖啡", "牛奶"],
    },
    {
        "drinkId": 102,
        "name": "美式",
        "price": 22,
        "category": "coffee",
        "image": "americano.png",
        "description": "浓缩咖啡加水，清爽不含奶。",
        "tags": ["americano", "黑咖啡", "咖啡"],
    },
    {
        "drinkId": 103,
        "name": "生椰拿铁",
        "price": 32,
        "category": "milk-coffee",
        "image": "coconut-latte.jpg",
        "description": "生椰乳搭配浓缩咖啡，椰香浓郁。",
        "tags": ["椰子", "椰乳", "咖啡"],
    },
    {
        "drinkId": 104,
        "name": "卡布奇诺",
        "price": 28,
        "category": "milk-coffee",
        "image": "cappuccino.png",
        "description": "绵密奶泡更厚，咖啡味更突出。",
        "tags": ["cappuccino", "奶泡", "咖啡"],
    },
    {
        "drinkId": 105,
        "name": "抹茶拿铁",
        "price": 30,
        "category": "tea",
        "image": "matcha-latte.png",
        "description": "宇治抹茶与鲜牛奶，不含咖啡因。",
        "tags": ["matcha", "抹茶", "无咖啡因"],
    },
    {
        "drinkId": 106,
        "name": "燕麦拿铁",
        "price": 32,
        "category": "milk-coffee",
        "image": "oat-latte.jpg",
        "description": "燕麦奶替代牛奶，乳糖不耐也能喝。",
        "tags": ["燕麦", "植物奶", "咖啡"],
    },
    {
        "drinkId": 107,
        "name": "焦糖玛奇朵",
        "price": 32,
        "category": "milk-coffee",
        "image": "caramel-macchiato.png",
        "description": "香草糖浆打底，焦糖酱收尾。",
        "tags": ["焦糖", "玛奇朵", "咖啡"],
    },
    {
        "drinkId": 108,
        "name": "馥芮白",
        "price": 30,
        "category": "milk-coffee",
        "image": "flat-white.png",
        "description": "精萃浓缩配微奶泡，口感醇厚。",
        "tags": ["flat white", "澳白", "咖啡"],
    },
    {
        "drinkId": 109,
        "name": "冷萃咖啡",
        "price": 26,
        "category": "coffee",
        "image": "cold-brew.jpg",
        "description": "低温慢萃 20 小时，顺滑低酸。",
        "tags": ["cold brew", "冰咖啡", "咖啡"],
    },
]

SPEC_OPTIONS: dict[str, list[dict[str, Any]]] = {
    "sugar": [
        {"value": "none", "label": "无糖"},
        {"value": "less", "label": "少糖"},
        {"value": "normal", "label": "标准糖"},
    ],
    "size": [
        {"value": "medium", "label": "中杯", "priceDelta": 0},
        {"value": "large", "label": "大杯", "priceDelta": 3},
    ],
}

SANDBOX_OPENID = "oWS_" + hashlib.sha1(b"westore-sandbox-user").hexdigest()[:24]

ORDER_ID_RE = r"(?P<order_id>[A-Za-z0-9_-]+)"

StartResponse = Callable[..., Any]


class ApiError(Exception):
    """An error that maps to a JSON error response."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _public_drink(drink: dict[str, Any]) -> dict[str, Any]:
    return {
        "drinkId": drink["drinkId"],
        "name": drink["name"],
        "price": drink["price"],
        "category": drink["category"],
        "categoryLabel": CATEGORY_LABELS[drink["category"]],
        "image": IMAGE_BASE + drink["image"],
        "tags": list(drink["tags"]),
    }


def _matches(drink: dict[str, Any], keyword: str) -> bool:
    needle = keyword.strip().lower()
    if not needle:
        return True
    haystack = [drink["name"], drink["category"], CATEGORY_LABELS[drink["category"]], *drink["tags"]]
    return any(needle in h.lower() for h in haystack if h)


class WestoreService:
    """In-memory WeStore back end. One instance per ``create_app()`` call."""

    def __init__(self, pay_delay_polls: int = 0) -> None:
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # token -> openid
        self.orders: dict[str, dict[str, Any]] = {}
        self.prepays: dict[str, dict[str, Any]] = {}  # orderId -> prepay record
        self.order_seq = 0
        self.pay_delay_polls = max(0, int(pay_delay_polls))
        self.drinks = {d["drinkId"]: d for d in DRINKS}
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            ("POST", re.compile(r"^/api/login$"), self.login),
            ("GET", re.compile(r"^/api/menu$"), self.menu),
            ("GET", re.compile(r"^/api/drinks/(?P<drink_id>[^/]+)$"), self.drink_detail),
            ("POST", re.compile(r"^/api/orders$"), self.create_order),
            ("GET", re.compile(r"^/api/orders/" + ORDER_ID_RE + r"$"), self.get_order),
            ("POST", re.compile(r"^/api/orders/" + ORDER_ID_RE + r"/prepay$"), self.prepay),
            ("GET", re.compile(r"^/api/orders/" + ORDER_ID_RE + r"/payment$"), self.payment_status),
            ("POST", re.compile(r"^/api/orders/" + ORDER_ID_RE + r"/cancel$"), self.cancel_order),
            ("GET", re.compile(r"^/api/stores/(?P<store_id>[^/]+)/status$"), self.store_status),
        ]

    # ----------------------------------------------------------------- WSGI plumbing

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        try:
            if method == "OPTIONS":
                return self._respond(start_response, 204, None)
            handler, params, allowed = self._route(method, path)
            if handler is None:
                if allowed:
                    raise ApiError(405, 40500, f"{method} is not allowed on {path}")
                raise ApiError(404, 40400, f"no such endpoint: {path}")
            with self.lock:
                status, data = handler(environ, **params)
            return self._respond(start_response, status, {"code": 0, "data": data})
        except ApiError as exc:
            return self._respond(start_response, exc.status, {"code": exc.code, "message": exc.message})
        except Exception as exc:  # pragma: no cover - defensive
            return self._respond(start_response, 500, {"code": 50000, "message": f"internal error: {exc}"})

    def _route(self, method: str, path: str) -> tuple[Any, dict[str, str], bool]:
        allowed = False
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if match:
                if route_method == method:
                    return handler, match.groupdict(), True
                allowed = True
        return None, {}, allowed

    @staticmethod
    def _respond(start_response: StartResponse, status: int, body: Any) -> list[bytes]:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(payload))),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id"),
        ]
        start_response(f"{status} {REASONS.get(status, 'OK')}", headers)
        return [payload]

    @staticmethod
    def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, 40001, f"request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise ApiError(400, 40001, "request body must be a JSON object")
        return body

    @staticmethod
    def _query(environ: dict[str, Any]) -> dict[str, str]:
        parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}

    def _openid(self, environ: dict[str, Any]) -> str:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, 40101, "missing Authorization: Bearer <token>")
        openid = self.tokens.get(token.strip())
        if openid is None:
            raise ApiError(401, 40102, "token is invalid or expired, log in again")
        return openid

    def _order(self, order_id: str, openid: str) -> dict[str, Any]:
        order = self.orders.get(order_id)
        if order is None or order["openid"] != openid:
            raise ApiError(404, 40402, f"order {order_id} not found")
        return order

    @staticmethod
    def _public_order(order: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in order.items() if k != "openid"}

    # ----------------------------------------------------------------- endpoints

    def login(self, environ: dict[str, Any]) -> tuple[int, Any]:
        body = self._json_body(environ)
        code = body.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ApiError(400, 40002, "field 'code' (from wx.login) is required")
        # Like WeChat, every wx.login code differs but the openid is stable; the sandbox has one user.
        openid = SANDBOX_OPENID
        token = "wst_" + secrets.token_urlsafe(24)
        self.tokens[token] = openid
        return 200, {"token": token, "openid": openid, "expiresIn": 7200}

    def menu(self, environ: dict[str, Any]) -> tuple[int, Any]:
        keyword = self._query(environ).get("keyword", "")
        items = [_public_drink(d) for d in DRINKS if _matches(d, keyword)]
        return 200, {"keyword": keyword, "total": len(items), "items": items}

    def drink_detail(self, environ: dict[str, Any], drink_id: str) -> tuple[int, Any]:
        try:
            drink = self.drinks[int(drink_id)]
        except (ValueError, KeyError):
            raise ApiError(404, 40401, f"drink {drink_id} not found") from None
        data = _public_drink(drink)
        data["description"] = drink["description"]
        data["specs"] = json.loads(json.dumps(SPEC_OPTIONS))
        data["defaultSpecs"] = {"sugar": "normal", "size": "medium"}
        return 200, data

    def create_order(self, environ: dict[str, Any]) -> tuple[int, Any]:
        openid = self._openid(environ)
        body = self._json_body(environ)
        drink_id = body.get("drinkId")
        if isinstance(drink_id, bool) or not isinstance(drink_id, (int, float, str)):
            raise ApiError(400, 40003, "field 'drinkId' is required")
        try:
            drink = self.drinks[int(drink_id)]
        except (ValueError, KeyError):
            raise ApiError(404, 40401, f"drink {drink_id} not found") from None
        specs = body.get("specs") or {}
        if not isinstance(specs, dict):
            raise ApiError(400, 40004, "field 'specs' must be an object")
        chosen: dict[str, str] = {}
        for key, options in SPEC_OPTIONS.items():
            value = specs.get(key, "normal" if key == "sugar" else "medium")
            if value not in {o["value"] for o in options}:
                allowed = ", ".join(o["value"] for o in options)
                raise ApiError(400, 40005, f"specs.{key}={value!r} is not one of: {allowed}")
            chosen[key] = value
        quantity = body.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 10:
            raise ApiError(400, 40006, "quantity must be an integer between 1 and 10")
        size_delta = next(o["priceDelta"] for o in SPEC_OPTIONS["size"] if o["value"] == chosen["size"])
        unit_price = drink["price"] + size_delta
        self.order_seq += 1
        order_id = f"WS{self.order_seq:04d}"
        order = {
            "orderId": order_id,
            "drinkId": drink["drinkId"],
            "name": drink["name"],
            "image": IMAGE_BASE + drink["image"],
            "specs": chosen,
            "quantity": quantity,
            "unitPrice": unit_price,
            "totalPrice": unit_price * quantity,
            "status": "CREATED",
            "pickupCode": None,
            "createdAt": _now_iso(),
            "openid": openid,
        }
        self.orders[order_id] = order
        return 201, self._public_order(order)

    def get_order(self, environ: dict[str, Any], order_id: str) -> tuple[int, Any]:
        openid = self._openid(environ)
        return 200, self._public_order(self._order(order_id, openid))

    def prepay(self, environ: dict[str, Any], order_id: str) -> tuple[int, Any]:
        openid = self._openid(environ)
        order = self._order(order_id, openid)
        if order["status"] == "PAID":
            raise ApiError(409, 40901, f"order {order_id} is already paid")
        if order["status"] == "CANCELLED":
            raise ApiError(409, 40902, f"order {order_id} is cancelled and cannot be paid")
        prepay_id = "wx" + secrets.token_hex(15)
        params = {
            "timeStamp": str(int(time.time())),
            "nonceStr": secrets.token_hex(16),
            "package": "prepay_id=" + prepay_id,
            "signType": "RSA",
            "paySign": base64.b64encode(secrets.token_bytes(96)).decode("ascii"),
        }
        self.prepays[order_id] = {"prepayId": prepay_id, "polls": 0}
        return 200, params

    def payment_status(self, environ: dict[str, Any], order_id: str) -> tuple[int, Any]:
        openid = self._openid(environ)
        order = self._order(order_id, openid)
        prepay = self.prepays.get(order_id)
        if order["status"] == "CANCELLED":
            status = "CLOSED"
        elif order["status"] == "PAID":
            status = "SUCCESS"
        elif prepay is None:
            status = "NOTPAY"
        else:
            prepay["polls"] += 1
            if prepay["polls"] > self.pay_delay_polls:
                status = "SUCCESS"
                order["status"] = "PAID"
                order["paidAt"] = _now_iso()
                order["pickupCode"] = f"A{100 + int(order_id[2:]) % 900:03d}"
            else:
                status = "NOTPAY"
        return 200, {"orderId": order_id, "status": status, "totalPrice": order["totalPrice"]}

    def cancel_order(self, environ: dict[str, Any], order_id: str) -> tuple[int, Any]:
        openid = self._openid(environ)
        order = self._order(order_id, openid)
        if order["status"] == "PAID":
            raise ApiError(409, 40903, f"order {order_id} is already paid; refunds are handled in store")
        if order["status"] != "CANCELLED":
            order["status"] = "CANCELLED"
            order["cancelledAt"] = _now_iso()
        return 200, self._public_order(order)

    def store_status(self, environ: dict[str, Any], store_id: str) -> tuple[int, Any]:
        if store_id != "1":
            raise ApiError(404, 40403, f"store {store_id} not found")
        paid = sum(1 for o in self.orders.values() if o["status"] == "PAID")
        queue = 3 + paid
        return 200, {
            "storeId": 1,
            "storeName": "WeStore 科技园店",
            "queueLength": queue,
            "etaMinutes": queue * 2,
            "updatedAt": _now_iso(),
        }


def create_app(pay_delay_polls: int = 0) -> WestoreService:
    """Return a fresh WSGI application with empty state.

    ``pay_delay_polls``: how many payment-status queries after a prepay answer NOTPAY before the
    sandbox reports SUCCESS (default 0: SUCCESS on the first query).
    """
    return WestoreService(pay_delay_polls=pay_delay_polls)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="WeStore Cafe sandbox HTTP service")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    parser.add_argument(
        "--pay-delay-polls", type=int, default=0, help="payment queries answering NOTPAY before SUCCESS (default 0)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    app = create_app(pay_delay_polls=args.pay_delay_polls)
    server = make_server(args.host, args.port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    server.quiet = args.quiet  # type: ignore[attr-defined]
    host, port = server.server_address[:2]
    print(f"westore service listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

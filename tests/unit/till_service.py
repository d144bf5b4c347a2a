"""The local service of tests/skills/scripted-host: real HTTP on 127.0.0.1, a free port per test.

It answers what the ``till`` skill asks, keeps every request it saw (to prove what reached it),
and refuses an order list without the real token (as a real service answers a placeholder: 401).
"""

from __future__ import annotations

import json
import socket
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PROJECT = Path(__file__).resolve().parents[1] / "skills" / "scripted-host"
TOKEN = "tok_Zq8rT2xLp0aV9mKcQ1wE"


@dataclass
class Till:
    """A running service: its base URL and the requests it answered (method, path, headers, body)."""

    base: str
    seen: list[tuple[str, str, dict[str, str], str]] = field(default_factory=list)


def _answer(method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: str) -> tuple[int, object]:
    data = json.loads(body) if body else {}
    if path == "/menu":
        return 200, {"items": [{"id": 1, "name": "拿铁"}, {"id": 2, "name": "美式"}]}
    if path == "/login":
        return 200, {"token": TOKEN, "user": "u1"}
    if path == "/orders":
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "bad token"}
        return 200, {"orders": [{"id": "A1"}]}
    if path == "/prepay":
        params = {"timeStamp": "1700000000", "nonceStr": "n0nce", "package": "prepay_id=wx1", "signType": "RSA", "paySign": "sig"}
        return 200, {"orderId": data.get("orderId"), "params": params}
    if path == "/paid":
        return 200, {"orderId": data.get("orderId"), "status": "PAID"}
    if path == "/stores":
        lat = query.get("lat", ["0"])[0]
        return 200, {"stores": [{"name": "深圳湾店" if lat.startswith("22.") else "其他门店"}]}
    if path == "/quote":
        return 200, {"ok": True}
    return 404, {"error": "no such path"}


@contextmanager
def serve() -> Iterator[Till]:
    """Run the service on a free port for the block."""

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            size = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(size).decode("utf-8") if size else ""
            headers = {k.lower(): v for k, v in self.headers.items()}
            till.seen.append((self.command, parts.path, headers, body))
            status, payload = _answer(self.command, parts.path, parse_qs(parts.query), headers, body)
            out = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    till = Till(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield till
    finally:
        server.shutdown()
        server.server_close()


def stopped_base() -> str:
    """The base URL of a service that is not running (a port nobody listens on)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def silent() -> Iterator[str]:
    """The base URL of a service that accepts connections and never answers (a timeout)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def scenario(
    folder: Path, base: str, body: str, *, device: str = "", name: str = "till", head: str = "", timeout_ms: int | None = None
) -> Path:
    """Write ``<folder>/scenarios/<name>.scenario.yaml`` over the till skill with ``base`` (and ``timeout_ms``) in storage."""
    path = folder / "scenarios" / f"{name}.scenario.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    device_yaml = textwrap.indent(textwrap.dedent(device).strip("\n"), "  ") + "\n" if device.strip() else ""
    text = (
        f"name: {name}\nproject: {PROJECT.as_posix()}\n{textwrap.dedent(head).lstrip()}"
        f"device:\n  storage: {{base: '{base}'{f', timeout: {timeout_ms}' if timeout_ms else ''}}}\n{device_yaml}"
        + textwrap.dedent(body).lstrip("\n")
    )
    path.write_text(text, encoding="utf-8")
    return path

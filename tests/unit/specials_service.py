"""The special-offers service of tests/skills/offline-flag: a tiny WSGI app, served on 127.0.0.1 for recordings.

``create_app()`` is the WSGI factory (``wxreplay call ... --app tests/unit/specials_service.py:create_app``);
``serve(port)`` runs it over real HTTP on 127.0.0.1 (a free port by default) and keeps the paths it
answered, to prove what reached it. The skill asks ``<base>/api/specials?city=...``; its base is
``http://127.0.0.1:18790`` unless storage ``demo:api`` says otherwise. The committed cassette
``tests/skills/offline-flag/cassettes/online.yaml`` was recorded with ``python
tests/unit/specials_service.py`` running (port 18790) and ``wxreplay run
tests/skills/offline-flag/scenarios/online.scenario.yaml --record once``.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

DEFAULT_PORT = 18790

SPECIALS = {
    "深圳": [{"id": "s1", "name": "桂花拿铁", "price": 12.5}, {"id": "s2", "name": "燕麦美式", "price": 10}],
    "广州": [{"id": "g1", "name": "鸳鸯拿铁", "price": 13}],
}


def create_app(seen: list[str] | None = None) -> Callable[..., Iterable[bytes]]:
    """The WSGI app: ``GET /api/specials?city=`` answers the city's specials (404 for anything else)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if seen is not None:
            seen.append(f"{environ.get('REQUEST_METHOD')} {path}?{environ.get('QUERY_STRING', '')}")
        if environ.get("REQUEST_METHOD") == "GET" and path == "/api/specials":
            city = parse_qs(environ.get("QUERY_STRING", "")).get("city", [""])[0]
            status, payload = "200 OK", {"city": city, "items": SPECIALS.get(city, [])}
        else:
            status, payload = "404 Not Found", {"error": "no such path"}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # no access log on stderr
        pass


@dataclass
class Specials:
    """A running service: its base URL and what it answered (``GET /api/specials?city=...``)."""

    base: str
    seen: list[str] = field(default_factory=list)


@contextmanager
def serve(port: int = 0) -> Iterator[Specials]:
    """Serve the app over real HTTP on 127.0.0.1 (``port`` 0: a free one) for the block."""
    service = Specials("")
    server = make_server("127.0.0.1", port, create_app(service.seen), handler_class=_Quiet)
    service.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # python tests/unit/specials_service.py [PORT]: serve until Ctrl-C
    with serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT) as running:
        print(f"serving {running.base}", flush=True)
        threading.Event().wait()

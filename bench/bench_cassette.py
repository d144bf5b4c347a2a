"""Cassette benchmark: replay cost per request and the load time of a 1,000-entry cassette.

Run: ``python bench/bench_cassette.py [--rounds N]``. Prints medians (and p90) in milliseconds,
unpinned and pinned to one CPU, against the targets of issue 4: under 0.5 ms per replayed request,
under 200 ms to load 1,000 entries.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import httpx
from benchlib import measure, report, summary

from wxreplay.cassette import Cassette, store
from wxreplay.cassette.model import host_entry, http_entry

N_ENTRIES = 1000
DRINKS = [
    {
        "drinkId": 100 + i,
        "name": name,
        "price": 20 + i,
        "category": "milk-coffee",
        "categoryLabel": "奶咖",
        "image": f"https://cdn.example.com/westore/drinks/{i}.png",
        "tags": ["咖啡", "牛奶"],
    }
    for i, name in enumerate(["拿铁", "美式", "生椰拿铁", "卡布奇诺"])
]


def entry(i: int) -> dict[str, Any]:
    """A realistic mix: 9 in 10 are HTTP (a search with a 4-drink answer), 1 in 10 a host call."""
    if i % 10 == 9:
        return host_entry(
            "cloud.callFunction",
            {"name": "quote", "data": {"n": i}},
            True,
            {"result": {"price": i}, "errMsg": "cloud.callFunction:ok"},
            None,
            turn=None,
            api="quote",
            ordinal=i,
        )
    request = {
        "method": "GET",
        "scheme": "http",
        "host": "127.0.0.1:8765",
        "path": f"/api/menu/{i % 50}",
        "query": {"keyword": [f"拿铁{i}"], "page": ["1"]},
        "headers": {"authorization": "Bearer <redacted:token#1>", "content-type": "application/json"},
        "body": None,
    }
    response = {
        "status": 200,
        "headers": {"content-type": "application/json; charset=utf-8"},
        "body": {"json": {"code": 0, "data": {"keyword": f"拿铁{i}", "total": 4, "items": DRINKS}}},
    }
    return http_entry(request, response, turn=None, api="searchDrinks", ordinal=i)


def requests() -> list[httpx.Request]:
    return [
        httpx.Request(
            "GET",
            f"http://127.0.0.1:8765/api/menu/{i % 50}?page=1&keyword=拿铁{i}",
            headers={"authorization": "Bearer <redacted:token#1>", "content-type": "application/json"},
        )
        for i in range(N_ENTRIES)
        if i % 10 != 9
    ]


def replay_each(transport: httpx.BaseTransport, reqs: list[httpx.Request], *, via_client: bool) -> list[float]:
    """Time of replaying each request once, through the bare transport or an httpx.Client."""
    it = iter(reqs)
    if via_client:
        client = httpx.Client(transport=transport)
        return measure(lambda: client.send(next(it)).json(), len(reqs))
    return measure(lambda: transport.handle_request(next(it)).read(), len(reqs))


def run(path: Path, rounds: int) -> list[str]:
    lines = [
        summary(
            f"load a {N_ENTRIES}-entry cassette ({path.stat().st_size // 1024} KB)",
            measure(lambda: Cassette.open(path), max(rounds // 50, 5)),
            200,
        )
    ]
    reqs = requests()
    per_request: list[float] = []
    per_client: list[float] = []
    for _ in range(max(rounds // 100, 3)):  # each recording answers once: a fresh cassette per round
        per_request += replay_each(Cassette.open(path).transport(), reqs, via_client=False)
        per_client += replay_each(Cassette.open(path).transport(), reqs, via_client=True)
    lines.append(summary("replay one request (transport)", per_request, 0.5))
    lines.append(summary("replay one request (through httpx.Client)", per_client, 0.5))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(
            store.dump({"version": 1, "recorded_at": "2025-01-01T00:00:00Z", "entries": [entry(i) for i in range(N_ENTRIES)]}),
            encoding="utf-8",
        )
        report(f"wxreplay cassette benchmark ({ns.rounds} rounds)", lambda: run(path, ns.rounds))


if __name__ == "__main__":
    main()

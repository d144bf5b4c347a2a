"""Redaction benchmark: redacting and scanning 1,000 cassette entries, beside a plain YAML dump of them.

Run: ``python bench/bench_redaction.py [--rounds N] [--entries N]``. Prints medians (and p90) in
milliseconds, unpinned and pinned to one CPU: the redactor over fresh entries full of secrets
(tokens, phone numbers, keys in query strings, login codes, payment parameters), the scanner over the
written text, and the floor measured in the same run: the YAML dump of the same entries that saving
does anyway. Target of issue 12: redaction + scan under 500 ms per 1,000 entries.
"""

from __future__ import annotations

import argparse
import secrets
from typing import Any

from benchlib import measure, report, summary

from wxreplay.cassette import Redactor, store
from wxreplay.cassette.model import FORMAT_VERSION, host_entry, http_entry
from wxreplay.cassette.scan import scan_cassette_text

TARGET_MS = 500.0


def entry(i: int) -> dict[str, Any]:
    """One unredacted entry: 1 in 10 a wx.login host call, the others HTTP carrying secrets."""
    if i % 10 == 9:
        return host_entry(
            "login",
            {},
            True,
            {"code": "0c3" + secrets.token_hex(14) + "a", "errMsg": "login:ok"},
            None,
            turn=1,
            api="signIn",
            ordinal=i,
        )
    token = secrets.token_urlsafe(24)
    request = {
        "method": "POST",
        "scheme": "https",
        "host": "api.example.com",
        "path": f"/api/orders/{i % 50}",
        "query": {"key": [secrets.token_hex(16)], "location": ["北京"], "page": ["1"]},
        "headers": {
            "authorization": f"Bearer {token}",
            "content-type": "application/json",
            "x-wx-openid": "o" + secrets.token_urlsafe(20),
        },
        "body": {"json": {"drinkId": 100 + i % 9, "sugar": "less", "phone": f"138{i:08d}", "note": "请少放冰"}},
    }
    response = {
        "status": 200,
        "headers": {"content-type": "application/json; charset=utf-8", "set-cookie": f"sid={secrets.token_urlsafe(18)}; Path=/"},
        "body": {
            "json": {
                "code": "200",
                "data": {
                    "orderId": f"WS{i:06d}",
                    "name": "拿铁",
                    "total": 28,
                    "items": [{"name": "拿铁", "price": 28, "tags": ["咖啡", "牛奶"]}],
                    "payment": {
                        "nonceStr": secrets.token_hex(16),
                        "package": f"prepay_id=wx{secrets.token_hex(14)}",
                        "paySign": secrets.token_urlsafe(64),
                    },
                    "download": f"https://files.example.com/r.pdf?access_token={secrets.token_urlsafe(20)}",
                },
            }
        },
    }
    return http_entry(request, response, turn=1 + i % 4, api="createOrder", ordinal=i)


def run(entries: list[dict[str, Any]], rounds: int) -> list[str]:
    """The three figures for ``entries``: dump (floor), redaction, scan of the redacted text."""
    n = len(entries)
    per = 1000 / n
    redacted = Redactor().redact_entries(entries)
    text = store.dump({"version": FORMAT_VERSION, "recorded_at": "2026-12-06T00:00:00Z", "entries": redacted})
    assert not scan_cassette_text(text, "bench.yaml"), "the redacted cassette still holds a secret"
    floor = [t * per for t in measure(lambda: store.dump({"version": FORMAT_VERSION, "entries": entries}), rounds)]
    redact = [t * per for t in measure(lambda: Redactor().redact_entries(entries), rounds)]
    scan = [t * per for t in measure(lambda: scan_cassette_text(text, "bench.yaml"), rounds)]
    both = [a + b for a, b in zip(redact, scan, strict=True)]
    return [
        summary("floor: YAML dump, per 1,000 entries", floor),
        summary("redaction, per 1,000 entries", redact),
        summary("scan of the written text, per 1,000 entries", scan),
        summary("redaction + scan, per 1,000 entries", both, TARGET_MS),
    ]


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--entries", type=int, default=1000)
    ns = parser.parse_args()
    entries = [entry(i) for i in range(ns.entries)]
    report(f"redaction + scan of {ns.entries} cassette entries", lambda: run(entries, ns.rounds))


if __name__ == "__main__":
    main()

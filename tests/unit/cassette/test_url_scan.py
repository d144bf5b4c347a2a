"""The URL and query scanner of the redactor and the secret scanner (``cassette.rules``), held to the regular
expressions it replaced, which backtrack quadratically on long runs (a 100 KB hex blob took ~10 s)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxreplay.cassette.rules import query_values, url_query_values, url_spans

URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>\x01]*")
QUERY_RE = re.compile(r"[?&](?P<name>[^=&#\s]+)=(?P<val>[^&#\s]*)")

#: Texts made of the characters the expressions care about, so that hypothesis finds their edges.
TEXTS = st.text(alphabet=st.sampled_from("ab1+.-:/?&=#x \t\n\"'<>\x01_%é拿"), max_size=80)


def reference(text: str) -> tuple[list[tuple[int, str, str | None]], list[str]]:
    """What url_query_values returned with the regular expressions."""
    candidates: list[tuple[int, str, str | None]] = []
    chars = list(text)
    for m in URL_RE.finditer(text):
        for q in QUERY_RE.finditer(m.group(0)):
            if q.group("val"):
                candidates.append((m.start() + q.start("val"), q.group("val"), q.group("name")))
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return candidates, chars


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_url_spans_are_the_expressions_matches(text: str) -> None:
    assert url_spans(text) == [m.span() for m in URL_RE.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_query_values_are_the_expressions_matches(text: str) -> None:
    assert query_values(text) == [(q.start("val"), q.group("val"), q.group("name")) for q in QUERY_RE.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "see https://api.example.com/v1/menu?key=abc123&city=sh#top and ftp://x.y/?a=1",
        "1://a://b?c=d",
        "http://x?a?b=1&&c=&=d&e=f g",
        "a+b.c-d://host/path?token=xyz\x01http://q?x=1",
        "https://a/?k=v\"https://b/?k2=v2'<http://c?z=9>",
        "",
    ],
)
def test_url_query_values_as_before(text: str) -> None:
    assert url_query_values(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "ab" * 100_000,  # a long run of scheme characters with no "://"
        "ab" * 100_000 + " x://y",
        "http://h/" + "?a" * 100_000,  # query starts with no "=" after them
        "http://h/" + "?a" * 100_000 + "&b=1",
    ],
    ids=["scheme-run", "scheme-run-then-url", "query-starts", "query-starts-then-value"],
)
def test_a_long_run_does_not_stall_the_scan(text: str) -> None:
    """A guard against a stall, not a speed target (bench/ has those): the expressions took ~40 s on these
    200 KB texts (quadratic: 2.5 s at 50 KB); the scanner takes milliseconds."""
    started = time.process_time()
    url_query_values(text)
    assert time.process_time() - started < 10.0

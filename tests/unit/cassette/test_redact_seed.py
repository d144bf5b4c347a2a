"""Two shortcuts of the redactor, held to the Python walks they replace (byte-identical outputs).

``Redactor.seed`` runs twice per scenario (the cassette when it opens, the snapshot when it is
masked). It used to walk the data in Python; it now finds the placeholders in ``json.dumps`` of
the data: the same placeholders (so the same numbering) for every shape of plain data, including
text JSON escapes, keys that are no strings, and data JSON cannot encode.

``Redactor.redact`` learns, then substitutes in a second walk; when it knows no secret after
learning, it copies the data instead of walking it again: the same containers, the same values.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from enum import IntEnum
from pathlib import Path
from typing import Any

from wxreplay.cassette.redact import PLACEHOLDER_RE, Redactor, _placeholder_text, _strings


def _walked(data: Any) -> list[tuple[str, str]]:
    """The placeholders the Python walk finds: the reference the encoding must agree with."""
    return sorted((m.group(1), m.group(2)) for text in _strings(data) for m in PLACEHOLDER_RE.finditer(text))


def _encoded(data: Any) -> list[tuple[str, str]]:
    return sorted((m.group(1), m.group(2)) for m in PLACEHOLDER_RE.finditer(_placeholder_text(data)))


class Frozen(Mapping[str, Any]):
    """A mapping that is no dict (the walk reads any Mapping)."""

    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class Label(str):
    """A str subclass (an enum-like label)."""


TRICKY = [
    {"a": "<redacted:token#3>", "b": ["x <redacted:token#12> y", "<redacted:phone-number#2>"]},
    {"<redacted:phone-number#7>": {"name": "<redacted:name#1>"}},  # a redacted key
    {"q": 'say "<redacted:code#4>" and \\ <redacted:code#5>\\'},  # quotes and backslashes around
    {"ctl": "\x00<redacted:k#1>\x1f<redacted:k#2>\n<redacted:k#9>\t"},  # control characters JSON escapes
    {"broken": "<redacted:k#1\n>", "split": "<redacted:", "rest": "k#8>"},  # no placeholder, even adjacent
    ["<redacted:a.b_c-d#40>", ("<redacted:t#2>", ["<redacted:t#6>"])],  # tuples are walked
    {1: "<redacted:n#2>", None: "<redacted:n#3>", False: "v", 2.5: "<redacted:n#4>"},  # keys JSON turns to text
    {"m": Frozen(x="<redacted:f#5>", y=[Frozen(z="<redacted:f#6>")])},  # a Mapping that is no dict
    {"s": {"<redacted:set#9>"}, "b": b"<redacted:bytes#9>", "o": object()},  # never read by the walk
    {Label("<redacted:label#2>"): Label("<redacted:label#3>")},
    {"big": 10**5000, "p": "<redacted:big#1>"},  # JSON cannot write it: the walk runs instead
    {("tuple", "key"): "<redacted:tk#2>", "<redacted:tk#1>": 0},  # a tuple key: the walk runs instead
    {"n": "<redacted:x#123456789012345678901234>"},  # a number wxreplay never writes
    {"u": "用户<redacted:token#2>的", "e": "\u2028<redacted:token#3>\u2029"},
]


def test_the_encoding_finds_the_placeholders_the_walk_finds() -> None:
    for data in TRICKY:
        assert _encoded([data]) == _walked([data]), data


def test_the_encoding_agrees_with_the_walk_on_random_data() -> None:
    rnd = random.Random(16)
    pieces = ["<redacted:", "token", "#", "1", "2", ">", '"', "\\", "\n", "\x01", "a", " ", "<", "用", "-", "."]

    def text() -> str:
        return "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))

    def value(depth: int) -> Any:
        kind = rnd.randint(0, 6 if depth < 4 else 2)
        if kind <= 1:
            return text()
        if kind == 2:
            return rnd.choice([None, True, 7, -3.5, 10**20])
        if kind in (3, 4):
            return {text() if rnd.random() < 0.8 else rnd.randint(0, 9): value(depth + 1) for _ in range(rnd.randint(0, 4))}
        items = [value(depth + 1) for _ in range(rnd.randint(0, 4))]
        return items if kind == 5 else tuple(items)

    for _ in range(2000):
        data = [value(0)]
        assert _encoded(data) == _walked(data), data


def test_seed_numbers_on_after_the_highest_placeholder_per_kind() -> None:
    r = Redactor()
    r.seed([{"a": "<redacted:token#3>", "<redacted:token#11>": 1, "b": ("x <redacted:password#2>",)}, "<redacted:password#1>"])
    assert r.redact({"token": "Tk-live-0123456789", "password": "hunter2-0123"}) == {
        "token": "<redacted:token#12>",
        "password": "<redacted:password#3>",
    }


# ------------------------------------------------------------------ nothing known: the copy without the walk


def _shape(value: Any) -> Any:
    """``value`` with the type of every container and scalar spelled out, to compare copies exactly."""
    if isinstance(value, Mapping):
        return (type(value).__name__, [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_shape(v) for v in value])
    return (type(value).__name__, value)


def _walked_copy(data: Any) -> Any:
    """What ``redact`` returned before it had the shortcut: the substituting walk, always."""
    r = Redactor()
    r._learn_from(data)
    return r._walk(data, None, None)


class Size(IntEnum):
    TALL = 1


PLAIN = [
    {"kind": "http", "request": {"query": {"q": ["拿铁", "a=b"]}, "headers": {"accept": "*/*"}, "body": None}},
    {"nums": [0, -1, 2.5, 123456, 10**30, float("inf")], "flags": (True, False, None), "": ""},
    {"m": Frozen(x="1", y=(Frozen(), [])), 3: "three", None: [], 1.5: {}},
    {"label": Label("tall"), "size": Size.TALL, "raw": b"bytes", "set": {"a"}},
    {"text": "see https://example.com/a?page=2&lang=zh#top and <session#1>, <redacted:token#2>"},
    {"password": "", "token": "<redacted:token#1>", "authorization": "Bearer <redacted:token#1>"},
    {"cookie": "sid=; Path=/", "code": 0, "secret": None, "key": True},
]


def test_data_without_secrets_is_copied_exactly_as_the_walk_copies_it() -> None:
    for data in PLAIN:
        r = Redactor()
        out = r.redact(data)
        assert r._knows_nothing(), data  # the shortcut was taken
        assert _shape(out) == _shape(_walked_copy(data)), data
        assert out == data


def test_the_copy_shares_no_container_with_the_data() -> None:
    data: dict[str, Any] = {"a": [{"b": ["c"]}], "t": ([1],)}
    out = Redactor().redact(data)
    out["a"][0]["b"].append("d")
    out["t"][0].append(2)
    assert data == {"a": [{"b": ["c"]}], "t": ([1],)}


def test_the_example_s_snapshots_and_cassettes_come_out_as_the_walk_made_them() -> None:
    from wxreplay.cassette import store
    from wxreplay.runner import RunOptions, run_path
    from wxreplay.snapshot.serializer import _plain_snapshot

    root = Path(__file__).resolve().parents[3]
    for name in ("latte-less-sugar", "order-not-found"):
        run = run_path(root / "scenarios" / f"{name}.scenario.yaml", RunOptions(cassette_dir=root / "cassettes"))
        assert run.failure is None
        plain = _plain_snapshot(run.transcript)[0]
        entries = store.parse((root / "cassettes" / f"{name}.yaml").read_text(encoding="utf-8"), name)[1]
        for data in (plain, entries):
            assert _shape(Redactor().redact(data)) == _shape(_walked_copy(data))
        assert _shape(Redactor().redact_entries(entries)) == _shape([_walked_copy(e) for e in entries])


def test_a_known_secret_still_takes_the_walk() -> None:
    r = Redactor()
    r.adopt({"Tk-live-0123456789": "<redacted:token#1>"})
    assert r.redact({"note": "sent Tk-live-0123456789 twice"}) == {"note": "sent <redacted:token#1> twice"}
    assert Redactor().redact({"token": "Tk-live-0123456789"}) == {"token": "<redacted:token#1>"}

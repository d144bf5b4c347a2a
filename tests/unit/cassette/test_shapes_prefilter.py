"""The one-scan marker pre-check of ``find_shapes`` finds exactly what checking every shape finds.

The pre-check only skips texts that hold no marker of any shape and no run of 11 digits; the
reference below is ``find_shapes`` without it (every shape tried in turn), so the two must agree on
any text, including texts built from the markers, secrets and near-misses themselves.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wxreplay.cassette import shapes
from wxreplay.cassette.shapes import SHAPES, find_shapes


def reference(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    has_long_number = shapes._DIGITS_RE.search(text) is not None
    lower = text.lower()
    for shape in SHAPES:
        if shape.markers:
            if not any(m in lower for m in shape.markers):
                continue
        elif not has_long_number:
            continue
        for m in shape.pattern.finditer(text):
            g = "s" if "s" in shape.pattern.groupindex else 0
            value = m.group(g)
            if shape.valid is not None and not shape.valid(value.replace("x", "X")):
                continue
            start, end = m.span(g)
            found.append((start, end, shape.kind))
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, kind in found:
        if start >= last_end:
            out.append((start, end, kind))
            last_end = end
    return out


PIECES = [
    *(m for s in SHAPES for m in s.markers),
    *(m.upper() for s in SHAPES for m in s.markers),
    "Bearer abcdefghijklmnop0123456789",
    "sk-abcdefghijklmnopqrstuvwxyz",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "13812345678",
    "+86 13912345678",
    "11010519491231002X",
    "4111111111111111",
    "password: hunter22",
    "密码：abcd1234",
    "https://user:pw@example.com/",
    "prepay_id=wx201410272009395522657a690389285100",
    "İ",
    "拿铁",
    " ",
    "=",
    "0123456789",
]

texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=8).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_pre_check_changes_no_finding(text: str) -> None:
    assert find_shapes(text) == reference(text)


def test_every_piece_alone_and_in_a_sentence_agrees() -> None:
    for piece in PIECES:
        for text in (piece, f"note {piece} end", piece * 2):
            assert find_shapes(text) == reference(text), text

"""The CI split of a suite: disjoint shards that together are the suite, whatever order the ids come in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxreplay.errors import UsageError
from wxreplay.shard import Shard


@pytest.mark.parametrize(("text", "index", "total"), [("1/1", 1, 1), ("2/4", 2, 4), (" 3 / 3 ", 3, 3)])
def test_parse(text: str, index: int, total: int) -> None:
    assert Shard.parse(text) == Shard(index, total)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2", "'2' is not K/N"),
        ("a/b", "is not K/N"),
        ("0/2", "shard 0 of 2 does not exist"),
        ("3/2", "shard 3 of 2 does not exist"),
        ("1/0", "shard 1 of 0 does not exist"),
        ("-1/2", "is not K/N"),
    ],
)
def test_a_bad_shard_is_a_usage_error_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        Shard.parse(text, option="--wx-shard")
    assert message in str(e.value) and "--wx-shard 1/2" in str(e.value)


@settings(max_examples=200)
@given(ids=st.lists(st.text(min_size=1, max_size=12), max_size=60), total=st.integers(1, 7), seed=st.randoms())
def test_shards_are_disjoint_cover_the_suite_and_ignore_the_order(ids: list[str], total: int, seed: object) -> None:
    shards = [Shard(k, total).pick(ids) for k in range(1, total + 1)]
    assert set().union(*shards) == set(ids)
    assert sum(len(s) for s in shards) == len(set(ids))
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    shuffled = list(ids)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert [Shard(k, total).pick(shuffled) for k in range(1, total + 1)] == shards


def test_a_shard_number_too_long_to_read_is_a_usage_error_not_a_traceback() -> None:
    with pytest.raises(UsageError, match="is not K/N"):
        Shard.parse("1/" + "9" * 5000)

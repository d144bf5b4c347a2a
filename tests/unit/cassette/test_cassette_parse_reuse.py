"""A cassette file is parsed once per process while its bytes stay the same, and never served stale.

``Cassette.open`` reads the file every time (its digest decides); only the YAML parse is reused,
as a copy the opener owns.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from wxreplay.cassette import Cassette, CassetteError, store
from wxreplay.cassette.model import http_entry


def _entry(name: str) -> dict[str, Any]:
    return http_entry(
        {
            "method": "POST",
            "scheme": "https",
            "host": "api.example.com",
            "path": "/orders",
            "query": {},
            "headers": {"content-type": "application/json"},
            "body": {"json": {"name": name, "specs": {"sugar": "less"}}},
        },
        {"status": 201, "headers": {}, "body": {"json": {"items": [1, 2.5, None, True]}}},
        turn=None,
        api="createOrder",
        ordinal=0,
    )


def _text(name: str) -> str:
    return store.dump({"version": 1, "recorded_at": "2025-01-02T03:04:05Z", "entries": [_entry(name)]})


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the YAML parser really ran on, in order."""
    seen: list[str] = []
    real = store.parse

    def counted(text: str, file: str) -> tuple[str | None, list[dict[str, Any]]]:
        seen.append(file)
        return real(text, file)

    monkeypatch.setattr(store, "parse", counted)
    return seen


def test_an_unchanged_file_is_parsed_once(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(_text("拿铁"), encoding="utf-8")
    first, second = Cassette.open(path), Cassette.open(path)
    assert parses == [str(path)]
    assert first.entries == second.entries == [_entry("拿铁")]
    assert second.recorded_at == "2025-01-02T03:04:05Z"


def test_a_rewritten_file_is_parsed_again_even_with_the_same_size_and_mtime(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(_text("latte"), encoding="utf-8")
    stat = path.stat()
    assert Cassette.open(path).entries == [_entry("latte")]
    path.write_text(_text("mocha"), encoding="utf-8")  # same length, then the same timestamps
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert Cassette.open(path).entries == [_entry("mocha")]
    assert parses == [str(path), str(path)]


def test_what_one_opener_changes_is_not_what_the_next_gets(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(_text("拿铁"), encoding="utf-8")
    first = Cassette.open(path)
    first.entries[0]["request"]["body"]["json"]["name"] = "changed"
    first.entries[0]["response"]["body"]["json"]["items"].append("more")
    first.entries.append({"kind": "junk"})
    assert Cassette.open(path).entries == [_entry("拿铁")]
    assert Cassette.open(path).entries is not Cassette.open(path).entries


def test_the_same_text_in_another_file_is_that_file_s_own_parse(tmp_path: Path, parses: list[str]) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for p in (a, b):
        p.write_text(_text("拿铁"), encoding="utf-8")
    Cassette.open(a)
    Cassette.open(b)
    assert parses == [str(a), str(b)]


def test_a_broken_file_is_an_error_every_time(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(_text("拿铁").removesuffix("...\n"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CassetteError, match="truncated"):
            Cassette.open(path)


def test_only_the_last_few_parses_are_kept(tmp_path: Path, parses: list[str]) -> None:
    paths = [tmp_path / f"c{i}.yaml" for i in range(store.PARSED_KEPT + 1)]
    for p in paths:
        p.write_text(_text("拿铁"), encoding="utf-8")
        Cassette.open(p)
    Cassette.open(paths[-1])  # still kept
    Cassette.open(paths[0])  # the oldest was dropped: parsed again
    assert parses == [*map(str, paths), str(paths[0])]

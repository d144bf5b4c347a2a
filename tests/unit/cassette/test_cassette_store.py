"""The YAML store: stable, reviewable output; corrupt, truncated and wrong-version files give file:line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from wxreplay.cassette import Cassette, CassetteError, store
from wxreplay.cassette.model import http_entry

ENTRY = http_entry(
    {
        "method": "POST",
        "scheme": "https",
        "host": "api.example.com",
        "path": "/orders",
        "query": {"lang": ["zh"]},
        "headers": {"content-type": "application/json"},
        "body": {"json": {"name": "拿铁", "specs": {"sugar": "less"}}},
    },
    {"status": 201, "headers": {"content-type": "text/plain"}, "body": {"text": "第一行\n第二行\n"}},
    turn=None,
    api="createOrder",
    ordinal=0,
)
GOOD = store.dump({"version": 1, "recorded_at": "2025-01-02T03:04:05Z", "entries": [ENTRY, ENTRY]})


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def error_of(path: Path) -> CassetteError:
    with pytest.raises(CassetteError) as info:
        Cassette.open(path)
    return info.value


def test_dump_is_readable_and_stable() -> None:
    assert "name: 拿铁" in GOOD and "\\u" not in GOOD  # Chinese unescaped
    assert "text: |\n        第一行\n        第二行\n" in GOOD  # multi-line text as a literal block
    assert "&id" not in GOOD and "*id" not in GOOD  # the same dict twice: no YAML aliases
    assert "recorded_at: '2025-01-02T03:04:05Z'" in GOOD
    assert GOOD.index("kind:") < GOOD.index("turn:") < GOOD.index("api:") < GOOD.index("ordinal:") < GOOD.index("request:")
    assert store.dump(yaml.safe_load(GOOD)) == GOOD


def test_round_trip(tmp_path: Path) -> None:
    c = Cassette.open(write(tmp_path, GOOD))
    assert c.recorded_at == "2025-01-02T03:04:05Z"
    assert c.entries == [ENTRY, ENTRY]


def test_unquoted_dates_stay_strings(tmp_path: Path) -> None:
    text = GOOD.replace("sugar: less", "sugar: 2025-01-01T10:00:00Z")
    assert Cassette.open(write(tmp_path, text)).entries[0]["request"]["body"]["json"]["specs"]["sugar"] == "2025-01-01T10:00:00Z"


def test_corrupt_yaml_names_file_and_line(tmp_path: Path) -> None:
    lines = GOOD.splitlines()
    lines[9] = lines[9] + " ]: ["
    path = write(tmp_path, "\n".join(lines))
    err = error_of(path)
    assert str(err).startswith(f"{path}:10:") and "not valid YAML" in str(err)
    assert f"  > 10 | {lines[9]}\n" in str(err)  # the excerpt shows the broken line, marked
    assert "fix: re-record it (--record all) or restore it from version control" in str(err)


def test_every_truncation_is_an_error_with_a_line_or_a_shorter_valid_cassette(tmp_path: Path) -> None:
    data = GOOD.encode("utf-8")
    for cut in range(0, len(data), 7):
        head = data[:cut]
        path = tmp_path / "c.yaml"
        path.write_bytes(head)
        try:
            c = Cassette.open(path)
        except CassetteError as e:
            assert str(e).startswith(str(path)), e
            assert e.line is not None or "empty" in str(e) or "UTF-8" in str(e), (cut, str(e))
        else:
            assert cut >= len(data) - 1, f"a cassette cut at byte {cut} loaded: {c.entries}"


def test_truncated_mid_entry_says_so(tmp_path: Path) -> None:
    second = GOOD.index("- kind", GOOD.index("- kind") + 1)
    path = write(tmp_path, GOOD[: GOOD.index("  response:", second)])
    err = error_of(path)
    assert "entry 2 has no 'response' (the file may be truncated)" in str(err)
    assert err.line == GOOD[:second].count("\n") + 1


def test_truncated_inside_the_last_value_is_caught_by_the_end_marker(tmp_path: Path) -> None:
    assert GOOD.endswith("\n...\n")
    path = write(tmp_path, GOOD[: GOOD.rindex("第二行")] + "第二")
    err = error_of(path)
    assert "the file is truncated: it does not end with the '...' line" in str(err)
    assert err.line == GOOD[: GOOD.rindex("第二行")].count("\n") + 1


@pytest.mark.parametrize(
    ("version", "expect"),
    [
        ("2", "format version 2 was written by a newer wxreplay; this one reads version 1"),
        ("'1'", "unsupported format version '1'"),
        ("0", "unsupported format version 0"),
    ],
)
def test_wrong_version(tmp_path: Path, version: str, expect: str) -> None:
    path = write(tmp_path, GOOD.replace("version: 1", f"version: {version}", 1))
    err = error_of(path)
    assert str(err).startswith(f"{path}:1:1: ") and expect in str(err)


def test_not_a_cassette(tmp_path: Path) -> None:
    assert "no 'version' field" in str(error_of(write(tmp_path, "foo: bar\n")))
    assert "not a list" in str(error_of(write(tmp_path, "- 1\n- 2\n")))
    assert "the cassette is empty" in str(error_of(write(tmp_path, "")))
    err = error_of(write(tmp_path, "version: 1\nrecorded_at: x\nentries: 3\n...\n"))
    assert err.line == 3 and "'entries' must be a list" in str(err)


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("kind: http", "kind: grpc", "unknown kind 'grpc' of entry 1 (valid: http, host)"),
        ("status: 201", "status: created", "'status' of the response of entry 1 must be a number"),
        ("method: POST", "method: [POST]", "'method' of the request of entry 1 must be a string"),
        ("ordinal: 0", "ordinal: first", "'ordinal' of entry 1 must be a number or null"),
        ("      text: |", "      html: |", "the body of entry 1 must be null or a mapping with one of json, text, sha256"),
    ],
)
def test_bad_fields_point_at_their_line(tmp_path: Path, old: str, new: str, expect: str) -> None:
    text = GOOD.replace(old, new, 1)
    path = write(tmp_path, text)
    err = error_of(path)
    assert expect in str(err)
    at = text.index(new) if "html" not in new else text.rindex("body:", 0, text.index(new))
    assert err.line == text[:at].count("\n") + 1


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(GOOD.encode("utf-8")[:40] + b"\xff\xfe" + b"\n")
    err = error_of(path)
    assert "not valid UTF-8 (byte 0xff at line 2, column 30)" in str(err) and (err.line, err.column) == (2, 30)
    assert err.hint is not None and "save the file as UTF-8" in err.hint


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        store.atomic_write(path, b"version: 1\nentries: [")
    assert path.read_text(encoding="utf-8") == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # the temp file is gone too


def test_lock_creates_no_file_and_removes_an_old_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.yaml"
    with store.locked(path):
        assert list((tmp_path / "sub").iterdir()) == []  # an OS lock on the folder: nothing to leave behind
    (tmp_path / "sub" / "c.yaml.lock").write_text("")  # what a killed writer of an older wxreplay left
    with store.locked(path):
        pass
    assert list((tmp_path / "sub").iterdir()) == []


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.atomic_write(path, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


TRICKY = """\
version: 1
recorded_at: 2025-01-01T00:00:00Z
entries: []
plain: [yes, No, on, OFF, ~, null, '', "", 0x1F, 0o17, 017, 0b101, 1_000, -3, +4, 1e3, 1.5e-3, .inf, -.Inf, .nan, 190:20:30,
  1:30.5, true, 'true', "1", hello world, 拿铁, '#not comment', a: b]
block:
  literal: |
    第一行
      缩进
    last
  folded: >-
    one
    two
  empty:
  nested:
  - - 1
    - {a: 1, b: [x, y]}
  - k: v
    ? complex
    : value
  quoted: "tab\\there \\u62ff"
  dup: 1
  dup: 2
  ~: null key
  123: int key
"""
FALLBACK = "base: &b {x: 1}\nother: *b\nmerged: {<<: *b, y: 2}\ntagged: !!str 12\n"


@pytest.mark.parametrize("text", [TRICKY, FALLBACK, GOOD, "", "just a string\n", "- 1\n- [2, {a: 3}]\n"])
def test_fast_loader_gives_what_the_safe_loader_gives(text: str) -> None:
    expected = yaml.load(text, Loader=store.CassetteLoader)
    try:
        got = store._fast_load(text)
    except store._Fallback:
        assert text is FALLBACK
        return
    assert got == expected and repr(got) == repr(expected)  # same types too (1 vs 1.0 vs True)


def test_read_text_of_a_cassette_not_recorded_yet_is_none(tmp_path: Path) -> None:
    assert store.read_text(tmp_path / "new.yaml") is None


def test_binary_cassette_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"version: 1\n\x00")
    err = error_of(path)
    assert str(err).startswith(f"{path}:2:1: this is a binary file, not text")

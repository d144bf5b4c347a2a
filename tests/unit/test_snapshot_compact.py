"""Large host-call values in snapshots: a size and a digest, deterministic, never ambiguous, never a secret.

Unit level: the stand-in rules on plain data, then ``snapshot_data`` over real calls in V8 (what is
compacted and what never is, redaction first), then the ``[tool.wxreplay]`` key and its errors.
The scenario runners (``wxreplay run``, pytest) are tested in ``tests/e2e/test_run_compact_snapshots.py``
and ``tests/plugin/test_plugin_compact_snapshots.py``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wxreplay import Project, Session
from wxreplay.config import snapshot_compact_bytes
from wxreplay.errors import UsageError
from wxreplay.snapshot import snapshot_data, snapshot_yaml
from wxreplay.snapshot.compact import (
    DEFAULT_COMPACT_BYTES,
    MARKER,
    compact_bytes,
    compact_snapshot,
    compact_value,
    compacted_changed,
    compacting,
    set_compact_bytes,
    stand_in,
)

CATALOGUE = Path(__file__).resolve().parents[1] / "skills" / "catalogue"
SEED: dict[str, Any] = json.loads((CATALOGUE / "data" / "catalogue.json").read_text(encoding="utf-8"))
STAND_IN = re.compile(r"<compacted (?P<what>.+?), (?P<bytes>\d+) bytes, sha256=(?P<sha>[0-9a-f]{64})>")


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- the stand-in rules, on plain data ----------------------------------------------------------


def test_a_small_value_is_kept_as_the_very_same_object() -> None:
    value = {"key": "shop:catalogue:v2", "items": SEED["items"][:3]}
    assert compact_value(value, DEFAULT_COMPACT_BYTES) is value


def test_a_large_value_keeps_its_small_members_and_replaces_the_large_one() -> None:
    args = ["shop:catalogue:v2", SEED]
    out = compact_value(args, DEFAULT_COMPACT_BYTES)
    assert out[0] == "shop:catalogue:v2" and out[1]["version"] == 2
    found = STAND_IN.fullmatch(out[1]["items"])
    assert found, out[1]["items"]
    assert found["what"] == "list of 35 items"
    assert int(found["bytes"]) == len(canonical(SEED["items"])) > DEFAULT_COMPACT_BYTES
    assert found["sha"] == hashlib.sha256(canonical(SEED["items"])).hexdigest()
    assert args[1] is SEED and len(SEED["items"]) == 35  # the input is not touched


def test_the_stand_in_is_deterministic_and_changes_with_any_item() -> None:
    first = compact_value(copy.deepcopy(SEED), DEFAULT_COMPACT_BYTES)
    assert compact_value(copy.deepcopy(SEED), DEFAULT_COMPACT_BYTES) == first
    for change in (
        lambda d: d["items"][17].update(price=d["items"][17]["price"] + 1),  # one price, same size
        lambda d: d["items"][34]["tags"].reverse(),  # an order inside one item
        lambda d: d["items"].reverse(),  # the order of the items
        lambda d: d["items"].__setitem__(0, dict(reversed(list(d["items"][0].items())))),  # key order: stored text differs
        lambda d: d["items"][3].update(stock=float(d["items"][3]["stock"])),  # 39 -> 39.0
    ):
        changed = copy.deepcopy(SEED)
        change(changed)
        assert compact_value(changed, DEFAULT_COMPACT_BYTES)["items"] != first["items"]


def test_the_whole_value_is_replaced_when_its_members_are_all_small() -> None:
    many = {f"k{i:03d}": "v" * 30 for i in range(200)}
    out = compact_value(many, DEFAULT_COMPACT_BYTES)
    assert out == stand_in(many)
    assert out.startswith(f"{MARKER}object of 200 keys {{k000, k001, k002, k003, k004, …}}, ")
    text = "长" * 2000
    assert compact_value(text, DEFAULT_COMPACT_BYTES).startswith(f"{MARKER}text of 2000 characters, 6002 bytes, ")


def test_short_lists_keep_their_small_members_long_ones_are_replaced_whole() -> None:
    big = {"blob": "x" * 5000}
    short = ["k", big, 3]  # a call's arguments
    out = compact_value(short, DEFAULT_COMPACT_BYTES)
    assert out[0] == "k" and out[2] == 3 and out[1]["blob"].startswith(f"{MARKER}text of 5000 characters, ")
    long = [{"n": i} for i in range(20)] + [big]
    assert compact_value(long, DEFAULT_COMPACT_BYTES) == stand_in(long)
    forged = [{"n": i} for i in range(20)] + [stand_in(SEED)]  # small, but a member looks like a stand-in
    out = compact_value(forged, DEFAULT_COMPACT_BYTES)
    assert out[:20] == forged[:20] and out[20] == stand_in(stand_in(SEED))


def test_odd_texts_and_keys_still_give_one_line_stand_ins() -> None:
    lone = "\ud800" + "x" * 5000  # a JavaScript string may hold a lone surrogate
    out = compact_value(lone, DEFAULT_COMPACT_BYTES)
    assert out.startswith(f"{MARKER}text of 5001 characters, 5005 bytes, sha256=")
    keyed = {"line\nbreak": "v" * 5000, "一二三四五六七八九十一二三四五六七八九十一二三四五": 1}
    out = compact_value(keyed, DEFAULT_COMPACT_BYTES)["line\nbreak"]
    assert "\n" not in stand_in(keyed) and "{line\\nbreak, 一二三四五六七八九十一二三四五六七八九十一二三…}" in stand_in(keyed)
    assert out.startswith(f"{MARKER}text of 5000 characters, ")


def test_the_limit_counts_utf8_bytes_of_the_json() -> None:
    text = "长" * 1364  # 1366 characters of JSON, 4094 bytes
    assert len(canonical(text)) == 4094 and compact_value(text, 4096) is text
    assert compact_value(text + "长", 4096) != text + "长"  # 4097 bytes


def test_a_real_text_that_looks_like_a_stand_in_never_passes_for_one() -> None:
    forged = stand_in(SEED["items"])
    out = compact_value(["shop:catalogue:v2", forged], DEFAULT_COMPACT_BYTES)
    assert out[1] != forged and out[1] == stand_in(forged)  # its own stand-in, with its own digest
    mention = f"see {forged}"  # the marker inside a text (not at its start) is just text
    assert compact_value(mention, DEFAULT_COMPACT_BYTES) is mention
    keyed = {forged: 1}  # a key is never a stand-in
    assert compact_value(keyed, DEFAULT_COMPACT_BYTES) is keyed


def test_values_json_would_confuse_stay_in_full() -> None:
    ints = {i: "x" * 100 for i in range(60)}  # {1: ...} and {"1": ...} would share a digest
    assert compact_value(ints, DEFAULT_COMPACT_BYTES) is ints
    assert compact_value({"a": object()}, DEFAULT_COMPACT_BYTES) is not None


def test_a_limit_of_0_keeps_everything() -> None:
    assert compact_value(SEED, 0) is SEED
    data = {"turns": [{"steps": [{"hostCalls": [{"name": "setStorageSync", "args": ["k", SEED]}]}]}]}
    assert compact_snapshot(data, 0) is data


def test_only_host_call_args_and_outcomes_are_compacted_and_nothing_in_place() -> None:
    big = copy.deepcopy(SEED)
    step = {
        "kind": "call",
        "api": "browseCatalogue",
        "arguments": {"filter": big},
        "result": {"facts": ["x" * 5000], "structuredContent": big},
        "card": {"tree": "view\n" * 2000},
        "message": {"text": "y" * 5000},
        "hostCalls": [
            {"name": "getStorageSync", "args": "shop:catalogue:v2", "ok": True, "outcome": big, "context": "api"},
            {"name": "setStorageSync", "args": ["shop:catalogue:v2", big], "ok": True, "outcome": None},
            {"name": "showToast", "args": {"title": "ok"}, "ok": True, "outcome": {"errMsg": "showToast:ok"}},
        ],
    }
    data = {"scenario": "s", "turns": [{"index": 1, "steps": [step]}]}
    before = copy.deepcopy(data)
    out = compact_snapshot(data, DEFAULT_COMPACT_BYTES)
    assert data == before  # nothing changed in place
    got = out["turns"][0]["steps"][0]
    for key in ("arguments", "result", "card", "message"):
        assert got[key] is step[key]
    read, write, toast = got["hostCalls"]
    assert STAND_IN.fullmatch(read["outcome"]["items"]) and STAND_IN.fullmatch(write["args"][1]["items"])
    assert read["outcome"]["items"] == write["args"][1]["items"]
    assert toast is step["hostCalls"][2]
    assert compact_snapshot(step, DEFAULT_COMPACT_BYTES)["hostCalls"] == got["hostCalls"]  # one step's snapshot too


def test_the_limit_in_force_is_set_and_put_back() -> None:
    assert compact_bytes() == DEFAULT_COMPACT_BYTES
    with compacting(0):
        assert compact_bytes() == 0
        with compacting(100):
            assert compact_bytes() == 100
        assert compact_bytes() == 0
    assert compact_bytes() == DEFAULT_COMPACT_BYTES
    for bad in (-1, True, 1.5):
        with pytest.raises(ValueError):
            set_compact_bytes(bad)  # type: ignore[arg-type]


def test_a_diff_that_changes_a_stand_in_is_told_apart() -> None:
    assert compacted_changed(["  a: 1", f"-  items: {stand_in([1])}", f"+  items: {stand_in([2])}"])
    assert compacted_changed([f"\x1b[31m- items: {stand_in([1])}\x1b[0m"])
    assert not compacted_changed([f"   items: {stand_in([1])}", f"  - {stand_in([1])}", "-  a: 1", "+  a: 2"])


# ---- snapshot_data over real calls ----------------------------------------------------------------


@pytest.fixture
def catalogue(open_session: Callable[..., Session]) -> Session:
    """A session over tests/skills/catalogue (35 items seeded into storage on the first call)."""
    return open_session(Project.load(CATALOGUE))


def test_a_call_snapshot_compacts_the_catalogue_and_keeps_the_result(catalogue: Session) -> None:
    result = catalogue.call("browseCatalogue", {})
    full = snapshot_yaml(snapshot_data(result, compact_bytes=0))
    text = snapshot_yaml(snapshot_data(result))
    assert len(text.encode()) < 1500 < 20_000 < len(full.encode())
    assert text.count("items: <compacted list of 35 items, ") == 2  # the write and the read back
    assert "目录中有 35 件商品。" in text and "- SKU1003" in text  # facts and structuredContent in full
    assert "SKU1035" in full and "SKU1035" not in text
    assert snapshot_yaml(snapshot_data(result)) == text
    # The call itself, what expect: checks and failure reports read, keeps every value.
    write = result.host_events[1]
    assert write.name == "setStorageSync" and len(write.args[1]["items"]) == 35
    assert snapshot_data({"items": SEED["items"]}) == {"items": SEED["items"]}  # the user's own data: never compacted


def test_the_digest_is_of_the_redacted_value_and_the_summary_shows_no_secret(
    probe_project: Callable[..., Project], open_session: Callable[..., Session]
) -> None:
    project = probe_project(
        {
            "store": """async ({ phone }) => {
              const members = {}
              members[phone] = { level: 'gold' }
              for (let i = 0; i < 120; i++) members['m' + (1000 + i)] = { level: 'silver', phone: phone }
              wx.setStorageSync('members', members)
              return { content: [{ type: 'text', text: '已保存会员。' }] }
            }"""
        },
        schemas={"store": {"type": "object", "properties": {"phone": {"type": "string"}}}},
    )
    phone = "13812345678"
    result = open_session(project).call("store", {"phone": phone})
    data = snapshot_data(result)
    standin = data["hostCalls"][0]["args"][1]
    found = STAND_IN.fullmatch(standin)
    assert found, standin
    assert found["what"].startswith("object of 121 keys {<redacted:phone")  # the key, as the full snapshot shows it
    assert phone not in snapshot_yaml(data)
    # The digest is the one of the value as the full snapshot shows it (redacted), never of the secret itself.
    redacted = snapshot_data(result, compact_bytes=0)["hostCalls"][0]["args"][1]
    assert phone not in json.dumps(redacted)
    assert found["sha"] == hashlib.sha256(canonical(redacted)).hexdigest()
    assert found["sha"] != hashlib.sha256(canonical(result.host_events[0].args[1])).hexdigest()


# ---- the [tool.wxreplay] key ------------------------------------------------------------------------


def _pyproject(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[tool.wxreplay]\nsnapshot_compact_bytes = 1000\n", 1000),
        ("[tool.wxreplay]\nsnapshot_compact_bytes = 0\n", 0),
        ("[tool.wxreplay]\nsnapshot_compact_bytes = false\n", 0),
        ("[tool.wxreplay]\n[tool.wxreplay.redact]\nextra_fields = ['a']\n", None),
        ("[tool]\nwxreplay = {snapshot_compact_bytes = 64}\n", 64),
        ("[project]\nname = 'x'\n", None),
    ],
)
def test_the_key_is_read(tmp_path: Path, text: str, expected: int | None) -> None:
    assert snapshot_compact_bytes(_pyproject(tmp_path, text)) == expected


def test_no_pyproject_means_the_default(tmp_path: Path) -> None:
    assert snapshot_compact_bytes(tmp_path / "pyproject.toml") is None


@pytest.mark.parametrize(
    "text, where, message",
    [
        ('[project]\nname = "x"\n\n[tool.wxreplay]\nsnapshot_compact_bytes = "4k"\n', ":5:26:", 'not "4k"'),
        ("[tool.wxreplay]\nsnapshot_compact_bytes = true\n", ":2:26:", "not true"),
        ("[tool.wxreplay]\nsnapshot_compact_bytes = -1\n", ":2:26:", "not -1"),
        ("[tool.wxreplay]\nsnapshot_compact_bytes = 1.5\n", ":2:26:", "not 1.5"),
        ("[tool]\nwxreplay.snapshot_compact_bytes = []\n", ":2:35:", "not []"),
        (
            "[tool.wxreplay]\nsnapshots_compact_bytes = 0\n",
            ":2:27:",
            "has no key 'snapshots_compact_bytes' (did you mean 'snapshot_compact_bytes'?)",
        ),
    ],
)
def test_a_bad_value_is_a_located_error_with_the_fix(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = _pyproject(tmp_path, text)
    with pytest.raises(UsageError) as info:
        snapshot_compact_bytes(path)
    shown = str(info.value)
    assert f"pyproject.toml{where} " in shown.splitlines()[0] and message in shown.splitlines()[0]
    assert "  > " in shown and "^" in shown
    assert "fix: write snapshot_compact_bytes = 4096" in shown and "0 (or false) to keep every value in full" in shown

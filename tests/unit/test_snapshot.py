"""The scenario snapshot: the stable transcript less logs and line numbers, card trees as text.

``scenario_snapshot`` builds it part by part for speed; these tests hold it to its definition,
written here from ``Transcript.to_dict(stable=True)``, over every scenario of the repo and over
transcripts whose volatile values sit in every corner (card trees, host calls, findings, keys).
Then the format version a stored snapshot declares, checked on read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from wxreplay import Finding
from wxreplay.runner import RunOptions, run_scenario
from wxreplay.scenario import collect_files, load_scenario
from wxreplay.snapshot import (
    SNAPSHOT_VERSION,
    WxSnapshotExtension,
    scenario_snapshot,
    snapshot_yaml,
    stored_version,
    version_problem,
)
from wxreplay.transcript import StepRecord, Transcript, tree_text

ROOT = Path(__file__).resolve().parents[2]


def reference(transcript: Transcript) -> dict[str, Any]:
    """The snapshot as defined: ``to_dict(stable=True)``, then drop and render."""
    d = transcript.to_dict(stable=True)

    def card(c: dict[str, Any]) -> dict[str, Any]:
        return {k: tree_text(v) + "\n" if k == "tree" else v for k, v in c.items()}

    def step(s: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in s.items() if k not in ("line", "logs")}
        if isinstance(out.get("card"), dict):
            out["card"] = card(out["card"])
        if out.get("cards"):
            out["cards"] = [card(c) for c in out["cards"]]
        if isinstance(out.get("result"), dict) and out["result"].get("bareInstruction") is False:
            out["result"] = {k: v for k, v in out["result"].items() if k != "bareInstruction"}
        return out

    out: dict[str, Any] = {"scenario": d["scenario"], "skill": d["skill"]}
    out["sessions"] = [{k: v for k, v in s.items() if k != "sessionId" and v is not None} for s in d["sessions"]]
    if d["findings"]:
        out["findings"] = d["findings"]
    out["turns"] = [
        {**{k: v for k, v in t.items() if k not in ("line", "steps")}, "steps": [step(s) for s in t["steps"]]} for t in d["turns"]
    ]
    return out


@pytest.mark.parametrize("file", collect_files([ROOT / "scenarios"]), ids=lambda f: f.name)
def test_every_scenario_of_the_repo(file: Path) -> None:
    run = run_scenario(load_scenario(file), RunOptions(cassette_dir=ROOT / "cassettes"))
    assert run.failure is None
    assert scenario_snapshot(run.transcript) == reference(run.transcript)


TREE = [
    {
        "tag": "view",
        "id": "card-WS0001",
        "class": "order WS0001",
        "attrs": {"data-order": "WS0001", "n": 4242, "WS0001": True},
        "on": {"tap": "pay_WS0001", "longpress": "catch:hold"},
        "data": {"order": "WS0001", "count": 4242},
        "children": [{"tag": "text", "text": "订单 WS0001，合计 4242"}, {"text": "tok_123456"}],
    }
]


def volatile_transcript(*extra: tuple[Any, str]) -> Transcript:
    t = Transcript("s", "f.scenario.yaml", "p", "k", None)
    t.start_session("sess-abcdef", 1000)
    for value, label in [("WS0001", "orderId"), (4242, "n"), ("tok_123456", "token"), ("ab", "short"), *extra]:
        t.volatile(value, label)
    t.findings.append(Finding("w", "order WS0001 is slow", api="pay"))
    turn = t.add_turn("user", line=3, user="pay WS0001")
    turn.add(
        StepRecord(
            "call",
            line=4,
            api="pay",
            arguments={"orderId": "WS0001", "ab": "ab"},
            result={"structuredContent": {"orderId": "WS0001", "total": 4242}, "bareInstruction": False},
            host_calls=[{"name": "wx.request", "arguments": {"url": "/orders/WS0001"}, "ok": True}],
            logs=[{"level": "log", "text": "WS0001"}],
            saved={"orderId": "WS0001"},
        )
    )
    turn.add(StepRecord("render", line=5, api="pay", card={"number": 1, "component": "c", "tree": TREE}))
    turn.add(
        StepRecord(
            "lifecycle",
            event={"name": "advance", "arg": 4242, "sessionEnded": False},
            cards=[{"number": 1, "tree": TREE}, {"number": 2, "component": "no tree"}],
        )
    )
    t.end_session("restart")
    return t


def test_volatile_values_everywhere() -> None:
    t = volatile_transcript()
    snapshot = scenario_snapshot(t)
    assert snapshot == reference(t)
    text = snapshot_yaml(snapshot)
    assert "WS0001" not in text and "tok_123456" not in text and "sess-abcdef" not in text
    assert "view#card-<orderId>.order.<orderId> data-order=<orderId> n=<n> <orderId> @tap=pay_<orderId>" in text
    assert 'data={"count":"<n>","order":"<orderId>"}' in text and "合计 4242" in text  # numbers: whole values only


@pytest.mark.parametrize("name", ["tag", "class", "text", "children", "attrs"])
def test_a_volatile_value_named_like_a_tree_key(name: str) -> None:
    """The tree's own keys masked too, as ``to_dict`` masks every key (the tree then renders garbled, alike)."""
    t = volatile_transcript((name, "odd"))
    assert scenario_snapshot(t) == reference(t)


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("# wxreplay snapshot 1\nscenario: s\n", 1),
        ("# wxreplay snapshot 1\r\nscenario: s\r\n", 1),  # a checkout with CRLF line ends
        ("# wxreplay snapshot 12\n", 12),
        ("# wxreplay snapshot 0", 0),
        ("scenario: s\n", None),
        ("", None),
        ("# wxreplay snapshot one\n", None),
        ("# wxreplay snapshot -1\n", None),
        ("# wxreplay snapshot 1 \n", None),
        ("#  wxreplay snapshot 1\n", None),
    ],
)
def test_the_format_version_a_stored_snapshot_declares(text: str, version: int | None) -> None:
    assert stored_version(text) == version


def test_a_version_problem_names_the_file_both_versions_and_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert version_problem(snapshot_yaml({"a": 1}), tmp_path / "s.yaml") is None
    assert version_problem("# wxreplay snapshot 2\na: 1\n", tmp_path / "__snapshots__/t/s.yaml") == (
        "snapshot __snapshots__/t/s.yaml is snapshot format version 2, but this wxreplay reads and writes version "
        f"{SNAPSHOT_VERSION}: run `pytest --snapshot-update` to rewrite it, then review the change"
    )
    elsewhere = "/elsewhere/s.yaml"  # outside the working directory: shown as given
    assert version_problem("a: 1\n", elsewhere) == (
        f"snapshot {elsewhere} has no format version (its first line is not a `# wxreplay snapshot N` header), "
        f"but this wxreplay reads and writes version {SNAPSHOT_VERSION}: run `pytest --snapshot-update` to rewrite "
        "it, then review the change"
    )


def test_the_extension_reads_a_stale_file_as_is_and_puts_its_problem_before_the_diff(tmp_path: Path) -> None:
    extension = WxSnapshotExtension()
    current, stale = tmp_path / "current.yaml", tmp_path / "stale.yaml"
    current.write_text(snapshot_yaml({"a": 1}), encoding="utf-8")
    stale.write_text("# wxreplay snapshot 0\na: 1\n", encoding="utf-8")

    def read(path: Path) -> Any:
        return extension.read_snapshot_data_from_location(snapshot_location=str(path), snapshot_name=path.stem, session_id="s")

    assert read(tmp_path / "none.yaml") is None
    assert read(current) == current.read_text(encoding="utf-8")
    assert read(stale) == stale.read_text(encoding="utf-8")  # not refused: --snapshot-update must rewrite it
    new = snapshot_yaml({"a": 1})
    lines = list(extension.diff_lines(new, read(stale)))
    assert lines[0] == version_problem(stale.read_text(encoding="utf-8"), stale)
    assert re.sub(r"\x1b\[[0-9;]*m", "", lines[1]) == "- # wxreplay snapshot 0"  # then syrupy's diff (coloured)
    assert not extension.matches(serialized_data=new, snapshot_data=read(stale))
    assert all("format version" not in line for line in extension.diff_lines(new + "b: 2\n", read(current)))

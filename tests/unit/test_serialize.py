"""The one serializer of a run: key names, dataclass-driven records, the failure report's data."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wxreplay import Finding, serialize
from wxreplay.expect import MISSING, Difference, ScenarioFailure
from wxreplay.result import HostEvent, LogLine
from wxreplay.transcript import SessionInfo, record_reply


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("index", "index"),
        ("session_id", "sessionId"),
        ("started_at_ms", "startedAtMs"),
        ("_meta", "_meta"),
    ],
)
def test_field_names_become_camel_case_keys(name: str, key: str) -> None:
    assert serialize.camel(name) == key


def test_dataclass_records_keep_their_field_order() -> None:
    info = SessionInfo(2, "sess-1", 1000)
    assert list(info.to_dict().items()) == [("index", 2), ("sessionId", "sess-1"), ("startedAtMs", 1000), ("endedBy", None)]
    assert list(serialize.dataclass_data(info, omit=("index",), drop_none=True)) == ["sessionId", "startedAtMs"]


def test_a_finding_has_one_key_order_whichever_way_it_is_asked() -> None:
    finding = Finding("c", "m", api="a", line=3, file="f.js", column=5)
    assert list(finding.to_dict().items()) == [
        ("code", "c"),
        ("message", "m"),
        ("level", "warning"),
        ("api", "a"),
        ("file", "f.js"),
        ("line", 3),
        ("column", 5),
    ]
    assert serialize.findings([finding]) == [finding.to_dict()] == [serialize.diagnostic(finding)]


def test_a_log_line_has_one_key_order_in_both_views() -> None:
    line = LogLine("info", "[ai-mode] hi", "api", "probe")
    assert list(line.to_dict().items()) == [("level", "info"), ("context", "api"), ("text", "[ai-mode] hi"), ("api", "probe")]
    assert serialize.log_lines([line]) == [{"level": "info", "context": "api", "text": "[ai-mode] hi"}]


def test_a_host_event_raw_and_as_a_transcript_records_it() -> None:
    login = HostEvent(0, "login", "api", {}, outcome={"code": "c1"}, ok=True, api="signIn")
    assert login.to_dict() == {
        "name": "login",
        "context": "api",
        "args": {},
        "api": "signIn",
        "ok": True,
        "outcome": {"code": "c1"},
    }
    assert serialize.host_call(login) == {"name": "login", "context": "api", "args": {}, "ok": True, "outcome": {"code": "c1"}}


def test_the_failure_reports_data() -> None:
    diffs = [Difference("turn 1 › a › x", 1, 2), Difference("turn 1 › a › y", "v", MISSING, "missing")]
    failure = ScenarioFailure(
        "expect: not met",
        "s.scenario.yaml",
        turn=1,
        step="turn 1 › a",
        differences=diffs,
        cause=ValueError("boom"),
        line=7,
        planned="call a {}",
        fix="change it",
    )
    assert failure.to_dict() == {
        "file": "s.scenario.yaml",
        "line": 7,
        "turn": 1,
        "step": "turn 1 › a",
        "reason": "expect: not met",
        "planned": "call a {}",
        "differences": [
            {"path": "turn 1 › a › x", "kind": "equal", "expected": 1, "actual": 2},
            {"path": "turn 1 › a › y", "kind": "missing", "expected": "v", "actual": None},
        ],
        "cause": {"type": "ValueError", "message": "boom"},
        "fix": "change it",
    }


def test_a_step_leaves_out_what_is_empty() -> None:
    assert record_reply("好的").to_dict() == {"kind": "reply", "reply": "好的"}


def test_the_serializer_imports_no_record_class() -> None:
    """The records import the serializer (their ``to_dict`` calls it), never the other way round."""
    code = (
        "import sys, wxreplay.serialize; "
        "print(sorted(m for m in sys.modules if m.startswith('wxreplay.') and m != 'wxreplay.serialize'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

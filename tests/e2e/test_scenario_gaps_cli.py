"""`wxreplay run` over real YAML files using the format of issue 15: message turns, expect: error,
host_calls by recorded name, ambiguous taps, durations as written, and the located errors of misuse."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from e2e_support import ROOT, wxreplay

PAY = ROOT / "tests" / "skills" / "pay-followup"
LAB = ROOT / "tests" / "skills" / "planner-lab"


def _write(folder: Path, name: str, body: str, project: Path = PAY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.scenario.yaml"
    path.write_text(f"project: {project.as_posix()}\n" + textwrap.dedent(body), encoding="utf-8")
    return path


PAID = """\
    name: 卡片支付后续
    device: {payments: [success]}
    turns:
      - user: 来一杯拿铁
        plan:
          - call: createOrder
            args: {item: 拿铁}
          - render: createOrder
            expect: {card: 已支付, host_calls: [wx.requestPayment, modelContext.sendFollowUpMessage]}
      - message: pay-card
        expect: {message: {text: 我已完成支付, api_call: confirmPayment}}
        plan:
          - call: confirmPayment
          - render: confirmPayment
            expect: {card: 已支付 PO1001}
      - user: 退款
        plan:
          - call: refundOrder
            expect: {error: {kind: unknown_api}}
          - reply: 暂不支持退款
"""


def test_run_records_replays_and_prints_the_message_turn(tmp_path: Path) -> None:
    _write(tmp_path / "scenarios", "paid", PAID)
    first = wxreplay("run", "scenarios", "--record", "once", "--snapshot-update", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    again = wxreplay("run", "scenarios", "-v", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 passed, 0 failed" in again.stdout
    assert 'card message "我已完成支付" [api/call confirmPayment {"orderId":"PO1001"}]' in again.stdout
    assert "failed as expected [unknown_api]" in again.stdout
    out = tmp_path / "json"
    wxreplay("run", "scenarios", "--json", str(out), cwd=tmp_path)
    (data,) = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")]
    assert [t["kind"] for t in data["turns"]] == ["user", "message", "user"]


def test_run_fails_an_unanswered_message_and_a_late_duration_as_written(tmp_path: Path) -> None:
    _write(
        tmp_path / "scenarios",
        "unanswered",
        """\
        name: 没人回答
        device: {payments: [success]}
        turns:
          - user: 来一杯拿铁
            plan:
              - call: createOrder
                args: {item: 拿铁}
              - render: createOrder
          - user: 谢谢
            plan:
              - reply: 不客气
        """,
    )
    _write(
        tmp_path / "scenarios",
        "stale",
        """\
        name: 过期卡片
        turns:
          - user: 有什么
            plan:
              - call: list
              - render: list
          - background: 31m
          - tap: 咨询
        """,
        project=LAB,
    )
    done = wxreplay("run", "scenarios", "--record", "once", cwd=tmp_path)
    assert done.returncode == 1 and "0 passed, 2 failed" in done.stdout
    assert "scenarios/unanswered.scenario.yaml:9: turn 1 › render createOrder: the pay-card card sent" in done.stdout
    assert "no turn answers it" in done.stdout and "fix: add - message: pay-card as the next turn" in done.stdout
    assert "which ended (background 31m at turn 2)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_misuse_is_a_located_load_error(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "bad",
        """\
        name: 写错了
        turns:
          - user: 来一杯
            plan:
              - call: createOrder
                args: {item: 拿铁}
                expect: {host_calls: ["wx.cloud.database().collection('orders').get()"]}
        """,
    )
    done = wxreplay("run", "bad.scenario.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "bad.scenario.yaml:8:31:" in done.stderr + done.stdout
    assert "write cloud.database" in done.stderr + done.stdout


def test_schema_documents_the_new_keys() -> None:
    done = wxreplay("schema")
    schema = json.loads(done.stdout)
    defs = schema["definitions"]
    assert "message" in defs["renderExpect"]["properties"] and "error" in defs["tapExpect"]["properties"]
    assert any(branch.get("required") == ["message"] for branch in defs["turn"]["oneOf"])
    assert defs["errorCheck"]["oneOf"][1]["properties"]["kind"]["enum"][:2] == ["unknown_api", "arguments"]

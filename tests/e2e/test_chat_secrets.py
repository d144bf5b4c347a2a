"""``wxreplay chat`` over the secrets-lab skill against the planted-secrets service: nothing planted is printed,
and nothing planted is written except what the QA engineer gave the device (``--device``), as in any scenario."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from secrets_service import config_js, plant, serve

LAB = Path(__file__).resolve().parents[1] / "skills" / "secrets-lab"
GIVEN = ("login_code", "phone_code", "device_phone")  # the device the QA engineer describes: in the scenario's device:

SCRIPT = """\
北京天气怎么样
:call weather
北京
:reply 北京晴。
帮我登录
:call signIn
:reply 已登录。
保存资料
:call profile
:reply 资料已保存。
开通年度会员
:call pay
:reply 已开通。
"""


def test_a_chat_prints_and_writes_no_secret(pytester: pytest.Pytester) -> None:
    planted = plant()
    root = pytester.path
    shutil.copytree(LAB, root / "skills" / "secrets-lab")
    pytester.makeini("[pytest]\n")
    device = {
        "login": {"code": planted["login_code"]},
        "phone_number": {"code": planted["phone_code"], "phoneNumber": planted["device_phone"]},
        "payments": ["success"],
    }
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with serve(planted) as base:
        (root / "skills" / "secrets-lab" / "utils" / "config.js").write_text(config_js(base, planted), encoding="utf-8")
        inputs = {p for p in root.rglob("*") if p.is_file()}
        done = subprocess.run(
            [sys.executable, "-m", "wxreplay.cli", "chat", "skills/secrets-lab", "--device", json.dumps(device), "--name", "lab"],
            input=SCRIPT,
            capture_output=True,
            text=True,
            cwd=root,
            env=env,
            timeout=300,
        )
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    assert "PASS lab" in printed and "<redacted:" in printed  # results are shown, masked
    written = {
        str(p.relative_to(root)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p not in inputs and "__pycache__" not in p.parts
    }
    scenario = written.pop("scenarios/lab.scenario.yaml")
    assert "cassettes/lab.yaml" in written and any("__snapshots__" in p for p in written)
    leaks = [
        f"{name} in {where}"
        for name, value in planted.items()
        for where, text in {**written, "output": printed}.items()
        if value in text
    ]
    assert leaks == []
    assert [name for name, value in planted.items() if value in scenario and name not in GIVEN] == []

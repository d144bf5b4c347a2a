"""Issue 12, end to end: secrets planted everywhere never leave a run.

The secrets-lab skill (tests/skills/secrets-lab) is recorded against a local service on its own free
port (:mod:`secrets_service`, 60+ secrets of every kind: query, headers, JSON nested and in lists,
form bodies, response bodies and headers, host-call args and outcomes, URLs inside strings, secrets
used as JSON keys) with
``pytest --wx-record once --snapshot-update``, then replayed with the service stopped, by pytest and
by ``wxreplay run -v --json``, together with a forced cassette miss and a forced failure. Every
planted value is then counted in every file the runs wrote and in everything they printed: 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from secrets_service import config_js, plant, serve

LAB = Path(__file__).resolve().parents[1] / "skills" / "secrets-lab"

SCENARIO = """\
    name: 秘密不外泄
    project: ../skills/secrets-lab
    cassette: ../cassettes/lab.yaml
    device:
      login: {{code: "{login_code}"}}
      phone_number: {{code: "{phone_code}", phoneNumber: "{device_phone}"}}
      payments: [success]
    turns:
      - user: 北京天气怎么样
        plan:
          - call: weather
            args: {{city: 北京}}
            expect:
              structuredContent: {{code: "200"}}
          - reply: 北京晴。
      - user: 帮我登录
        plan:
          - call: signIn
          - reply: 已登录。
      - user: 保存资料
        plan:
          - call: profile
            {profile_expect}
          - reply: 资料已保存。
      - user: 开通年度会员
        plan:
          - call: pay
            expect:
              structuredContent: {{paid: true}}
          - reply: 已开通。
    """

MISS = """\
    name: 换个城市就没有录音
    project: ../skills/secrets-lab
    cassette: ../cassettes/lab.yaml
    turns:
      - user: 上海天气怎么样
        plan:
          - call: weather
            args: {city: 上海}
          - reply: 上海晴。
    """


def _scenario(planted: dict[str, str], profile_expect: str = "") -> str:
    return textwrap.dedent(SCENARIO).format(profile_expect=profile_expect, **planted)


def _written(root: Path, inputs: set[Path]) -> dict[Path, str]:
    return {
        p: p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p not in inputs and "__pycache__" not in p.parts
    }


def _leaks(planted: dict[str, str], texts: dict[str, str]) -> list[str]:
    return [
        f"{name} in {where} ({text.count(value)}x)"
        for name, value in planted.items()
        for where, text in texts.items()
        if value in text
    ]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_planted_secrets_reach_no_file_and_no_output(pytester: pytest.Pytester) -> None:
    planted = plant()
    root = pytester.path
    shutil.copytree(LAB, root / "skills" / "secrets-lab")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    (scenarios / "lab.scenario.yaml").write_text(_scenario(planted), encoding="utf-8")
    pytester.makeini("[pytest]\n")
    outputs: dict[str, str] = {}

    with serve(planted) as base:
        (root / "skills" / "secrets-lab" / "utils" / "config.js").write_text(config_js(base, planted), encoding="utf-8")
        inputs = {p for p in root.rglob("*") if p.is_file()}
        recorded = pytester.runpytest_subprocess("--wx-record", "once", "--snapshot-update", "--junitxml=record.xml", "-v")
        outputs["pytest record"] = recorded.stdout.str() + recorded.stderr.str()
        recorded.assert_outcomes(passed=1)

    cassette = (root / "cassettes" / "lab.yaml").read_text(encoding="utf-8")
    # the third-party JSON API of the README's worked example: its "code" is data, its key a secret
    assert "code: '200'" in cassette and "key:\n      - <redacted:key#1>\n" in cassette
    snapshot = next((scenarios / "__snapshots__").rglob("*.yaml")).read_text(encoding="utf-8")
    assert "<redacted:" in snapshot and "code: '200'" in snapshot

    # the service is gone: what follows replays, and adds a forced miss and a forced failure
    (scenarios / "miss.scenario.yaml").write_text(textwrap.dedent(MISS), encoding="utf-8")
    failing = _scenario(planted, "expect: {structuredContent: {sentPhone: '000'}}").replace("秘密不外泄", "强制失败")
    (scenarios / "fail.scenario.yaml").write_text(failing, encoding="utf-8")
    inputs |= {scenarios / "miss.scenario.yaml", scenarios / "fail.scenario.yaml"}

    replayed = pytester.runpytest_subprocess("--junitxml=replay.xml", "-v", "-rA")
    outputs["pytest replay"] = replayed.stdout.str() + replayed.stderr.str()
    replayed.assert_outcomes(passed=1, failed=2)
    assert "no recording matches this wx.request" in outputs["pytest replay"]
    assert "sentPhone" in outputs["pytest replay"]

    run = _cli(root, "run", "-v", "--json", "transcripts", "scenarios")
    outputs["wxreplay run -v"] = run.stdout + run.stderr
    assert run.returncode == 1, outputs["wxreplay run -v"]
    assert "PASS lab" in run.stdout and "FAIL miss" in run.stdout and "FAIL fail" in run.stdout
    assert "<redacted:" in run.stdout  # the conversations are shown, masked
    assert (
        "/weather?location=上海&key=<redacted:key#1>" in run.stdout
    )  # the miss shows the live key as the recording's placeholder

    written = _written(root, inputs)
    assert any(p.suffix == ".json" for p in written) and any(p.name == "replay.xml" for p in written)
    texts = {str(p.relative_to(root)): t for p, t in written.items()} | outputs
    assert _leaks(planted, texts) == []


def test_the_scanner_finds_every_planted_kind_in_a_cassette_and_a_snapshot(tmp_path: Path) -> None:
    s = plant()
    pem = f"-----BEGIN RSA PRIVATE KEY-----\\n{s['pem_body']}\\n-----END RSA PRIVATE KEY-----"
    by_hand = {  # one line per kind, as a careless hand edit would leave it
        "query key": f"url: https://api.qweather.com/v7/now?location=101010100&key={s['weather_key']}",
        "jwt": f"jwt: {s['client_jwt']}",
        "phone": f"phone: '{s['phone']}'",
        "phoneNumber": f"phoneNumber: '{s['login_phone']}'",
        "mobile in a list": f"- mobile: '{s['mobile']}'",
        "password": f"password: {s['password']}",
        "password in text": f"note: 'temporary password: {s['temp_password']}'",
        "password in Chinese text": f"notice: 初始密码：{s['notice_password']}",
        "openid header": f"X-WX-Openid: {s['openid_header']}",
        "signature header": f"X-Signature: {s['signature_header']}",
        "session id header": f"x-session-id: {s['session_id_header']}",
        "api key": f"X-Api-Key: {s['api_key_header']}",
        "bank card": f"cardNo: '{s['card_no']}'",
        "bank card in a list": f"- '{s['bank_card_2']}'",
        "ID number": f"idCard: {s['id_number']}",
        "login code": f"code: {s['login_code']}",
        "session token": f"X-Session-Token: {s['session_token_header']}",
        "cookie": f"set-cookie: sid={s['cookie_sid']}; Path=/",
        "csrf token": f"csrfToken: {s['csrf_token']}",
        "aws key id": f"aws_access_key_id: {s['aws_access_key_id']}",
        "aws secret": f"aws_secret_access_key: {s['aws_secret_access_key']}",
        "aliyun key id": f"AccessKeyId: {s['aliyun_access_key_id']}",
        "pem": f"private_key: {pem}",
        "s3 signature": f"- https://b.s3.amazonaws.com/a?X-Amz-Signature={s['amz_signature']}",
        "s3 credential": f"- https://b.s3.amazonaws.com/a?X-Amz-Credential={s['amz_credential']}",
        "cos signature": f"- https://b.cos.myqcloud.com/b?q-signature={s['cos_signature']}",
        "oss key id": f"- https://b.aliyuncs.com/c?OSSAccessKeyId={s['oss_access_key_id']}",
        "sign in a url": f"callback: https://api.example.com/cb?order=42&sign={s['callback_sign']}",
        "github": f"github: {s['github_token']}",
        "slack": f"slack: {s['slack_token']}",
        "google": f"- {s['google_key']}",
        "stripe": f"- {s['stripe_key']}",
        "nonceStr": f"nonceStr: {s['nonce_str']}",
        "package": f"package: prepay_id={s['prepay_id']}",
        "paySign": f"paySign: {s['pay_sign']}",
        "phone in text": f"text: 客服电话 {s['hotline_phone']}",
        "phone as a key": f"'{s['key_phone']}': 爸爸",
        "jwt as a key": f"- {s['key_jwt']}: iPhone",
    }
    lines = list(by_hand.values())
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "hand.yaml").write_text(
        "version: 1\nentries:\n" + "".join(f"  {x}\n" for x in lines), encoding="utf-8"
    )
    (tmp_path / "__snapshots__").mkdir()
    (tmp_path / "__snapshots__" / "hand.yaml").write_text(
        "# wxreplay snapshot 1\nturns:\n" + "".join(f"  {x}\n" for x in lines), encoding="utf-8"
    )
    result = _cli(tmp_path, "scan", "cassettes", "__snapshots__")
    assert result.returncode == 1
    for folder, first in (("cassettes/hand.yaml", 3), ("__snapshots__/hand.yaml", 3)):
        flagged = {int(line.split(":")[1]) for line in result.stdout.splitlines() if line.startswith(folder + ":")}
        missed = [kind for i, kind in enumerate(by_hand) if first + i not in flagged]
        assert missed == [], f"{folder}: not flagged: {missed}"
    assert _leaks(s, {"wxreplay scan": result.stdout + result.stderr}) == []

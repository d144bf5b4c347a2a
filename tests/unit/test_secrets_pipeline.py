"""The run's one redaction pipeline (issue 12): the run table, masked text and data, and the gates.

Snapshots and ``--json`` transcripts are redacted with the run's placeholders and gated by the
scanner like cassettes: nothing is written while it still finds something, and the error names the
file, line, field and the ``[tool.wxreplay.redact]`` keys that fix it. The redactor and the scanner
share their rules (a secret used as a mapping key is redacted too), so a secret reaches the gate here
only through a broken redactor: the gate is the second line of defence, and must hold on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wxreplay.cassette import Redactor
from wxreplay.cassette.rules import RedactionRules
from wxreplay.cassette.runsecrets import RunSecrets, SecretsLeftError, run_secrets
from wxreplay.cli_run import _write_transcript
from wxreplay.snapshot import WxSnapshotExtension, snapshot_data, snapshot_yaml

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Njc4OTA"


@pytest.fixture(autouse=True)
def _fresh_run() -> Iterator[None]:
    run_secrets().reset()
    yield
    run_secrets().reset()


def test_a_value_redacted_by_a_cassette_is_masked_in_every_later_output() -> None:
    cassette_redactor = Redactor()
    run_secrets().attach(cassette_redactor)
    cassette_redactor.learn({"response": {"body": {"json": {"token": "tok-Zq8rT2xLp0aV9mKc"}}}})
    assert run_secrets().mask_text("GET /me?t=tok-Zq8rT2xLp0aV9mKc -> 200") == "GET /me?t=<redacted:token#1> -> 200"
    assert snapshot_data({"said": "会话 tok-Zq8rT2xLp0aV9mKc 已建立"}) == {"said": "会话 <redacted:token#1> 已建立"}


def test_printed_text_is_masked_by_shape_and_by_name_even_when_never_seen_before() -> None:
    text = f"POST /api?access_token=abc123def456&city=北京 jwt {JWT} phone 13812345678"
    masked = run_secrets().mask_text(text)
    assert "abc123def456" not in masked and JWT not in masked and "13812345678" not in masked
    assert "city=北京" in masked and "access_token=<redacted:access_token#" in masked
    shown = run_secrets().mask_text('> requestPayment {"nonceStr": "n0nce123", "paySign":"SIGNED-abc", "signType": "RSA"} -> ok')
    assert (
        shown
        == '> requestPayment {"nonceStr": "<redacted:nonceStr#1>", "paySign":"<redacted:paySign#1>", "signType": "RSA"} -> ok'
    )


def test_aligned_live_values_take_the_recordings_placeholders() -> None:
    redactor = Redactor()
    run_secrets().attach(redactor)
    recorded = {"query": {"key": ["<redacted:key#1>"]}, "url": "https://x/a?key=<redacted:key#1>&q=1"}
    live = {"query": {"key": ["LIVEKEY0123456789"]}, "url": "https://x/a?key=LIVEKEY0123456789&q=1"}
    assert redactor.align(live, recorded) == {"LIVEKEY0123456789": "<redacted:key#1>"}
    assert run_secrets().mask_text("sent LIVEKEY0123456789") == "sent <redacted:key#1>"


def test_snapshot_data_is_redacted_with_the_full_rules() -> None:
    data = snapshot_data(
        {"name": "requestPayment", "args": {"paySign": "SIGNED-abc", "nonceStr": "n0nce123", "signType": "RSA"}, "code": "200"}
    )
    assert data == {
        "name": "requestPayment",
        "args": {"paySign": "<redacted:paySign#1>", "nonceStr": "<redacted:nonceStr#1>", "signType": "RSA"},
        "code": "200",
    }


@pytest.fixture
def broken_redactor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's data masking does nothing: whatever the scanner finds is left for the gate."""
    monkeypatch.setattr(RunSecrets, "mask_data", lambda self, data: data)


def test_a_secret_used_as_a_key_is_redacted_in_snapshots_and_transcripts(tmp_path: Path) -> None:
    text = WxSnapshotExtension().serialize({"contacts": {"13812345678": "妈妈"}, "phone": "13812345678"})
    assert "13812345678" not in text
    assert text == snapshot_yaml({"contacts": {"<redacted:phone#1>": "妈妈"}, "phone": "<redacted:phone#1>"})
    target = tmp_path / "latte.json"
    assert _write_transcript(target, _Transcript({"turns": [{"byPhone": {"13912345678": 1}}]}))
    written = target.read_text(encoding="utf-8")
    assert "13912345678" not in written and '"<redacted:phone-number#1>": 1' in written


@pytest.mark.usefixtures("broken_redactor")
def test_a_snapshot_with_a_secret_left_is_refused_with_file_line_field_and_the_config_keys() -> None:
    with pytest.raises(SecretsLeftError) as info:
        WxSnapshotExtension().serialize({"contacts": {"13812345678": "妈妈"}})
    message = str(info.value)
    assert message.startswith("refusing to write the snapshot: the snapshot:3:")
    assert "field 'contacts'" in message and "phone-number" in message
    assert "[tool.wxreplay.redact]" in message and "extra_fields" in message and "ignore_fields" in message
    assert "13812345678" not in message and "RedactionRules" not in message


def test_ignore_fields_lets_a_snapshot_through() -> None:
    run_secrets().reset(RedactionRules.from_config({"ignore_fields": ["contacts"]}))
    text = WxSnapshotExtension().serialize({"contacts": {"13812345678": "妈妈"}})
    assert text == snapshot_yaml({"contacts": {"13812345678": "妈妈"}})


class _Transcript:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


def test_a_json_transcript_is_redacted(tmp_path: Path) -> None:
    target = tmp_path / "latte.json"
    assert _write_transcript(target, _Transcript({"turns": [{"url": "https://x/?key=0123456789abcdef0123456789abcdef"}]}))
    assert "<redacted:key#1>" in target.read_text(encoding="utf-8")


@pytest.mark.usefixtures("broken_redactor")
def test_a_json_transcript_is_gated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused = tmp_path / "refused.json"
    assert not _write_transcript(refused, _Transcript({"turns": [{"byPhone": {"13812345678": 1}}]}))
    assert not refused.exists()
    err = capsys.readouterr().err
    assert f"refusing to write the transcript: {refused}:" in err and "field 'byPhone'" in err and "13812345678" not in err


def test_the_gate_scans_a_text_once_and_never_passes_another(monkeypatch: pytest.MonkeyPatch) -> None:
    # A snapshot is gated twice per test with the same text: the second gate costs nothing, and
    # nothing else (another text, other rules after a reset) rides on the first one's pass.
    from wxreplay.cassette import runsecrets

    secrets = runsecrets.RunSecrets()
    scanned: list[str] = []
    real_scan = runsecrets.scan_cassette_text

    def counting(text: str, file: str, **options: Any) -> Any:
        scanned.append(text)
        return real_scan(text, file, **options)

    monkeypatch.setattr(runsecrets, "scan_cassette_text", counting)
    secrets.gate("turns: []\n", "a.yaml", "the snapshot")
    secrets.gate("turns: []\n", "a.yaml", "the snapshot")
    assert scanned == ["turns: []\n"]
    leaky = "phone: '13812345678'\n"
    for _ in range(2):  # a refused text is scanned (and refused) every time
        with pytest.raises(runsecrets.SecretsLeftError):
            secrets.gate(leaky, "a.yaml", "the snapshot")
    secrets.reset()
    secrets.gate("turns: []\n", "a.yaml", "the snapshot")
    assert scanned == ["turns: []\n", leaky, leaky, "turns: []\n"]

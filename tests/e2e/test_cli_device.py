"""``wxreplay call`` / ``render --device``: the scenario's ``device:`` on the command line (issue 15).

The CLI runs in-process (``main`` with capsys) from the repository root, as a user types it;
the README's commands run as subprocesses, exactly as written there.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from e2e_support import ROOT, wxreplay

from wxreplay.cli import main

SHOP = "tests/skills/cloud-shop"
NOTES = "tests/skills/notes"
WILD = "tests/skills/wild-shapes/skills/wild"
SHOP_DEVICE = "@tests/skills/cloud-shop/device.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths on the command line are relative to the repository root, as the README writes them."""
    monkeypatch.chdir(ROOT)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---- every kind of device key ------------------------------------------------------------------


def test_cloud_database_and_functions_from_a_device_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", SHOP, "listProducts", "--args", '{"maxPrice": 100}', "--device", SHOP_DEVICE)
    assert code == 0, err
    result = json.loads(out)
    assert result["structuredContent"]["total"] == 2
    assert [p["name"] for p in result["structuredContent"]["items"]] == ["帆布托特包", "草编帽"]
    code, out, err = cli(capsys, "call", SHOP, "placeOrder", "--args", '{"productId": "p1"}', "--device", SHOP_DEVICE)
    assert code == 0, err
    assert json.loads(out)["structuredContent"]["amount"] == 118  # the scripted quote function


def test_cloud_function_stub_inline(capsys: pytest.CaptureFixture[str]) -> None:
    device = {"cloud": {"functions": {"quote": {"ok": False, "reason": "已售罄"}}, "collections": {"products": []}}}
    code, out, err = cli(capsys, "call", SHOP, "placeOrder", "--args", '{"productId": "p1"}', "--device", json.dumps(device))
    assert code == 1
    assert json.loads(out)["content"][0]["text"] == "无法下单：已售罄。请如实告诉用户。"
    assert "wxreplay: placeOrder returned isError" in err


@pytest.mark.parametrize(
    ("api", "device", "expected"),
    [
        ("whereAmI", {"location": "denied"}, {"isError": True, "_meta": {"errMsg": "getLocation:fail auth deny"}}),
        (
            "whereAmI",
            {"location": {"latitude": 31.23, "longitude": 121.47}},
            {"structuredContent": {"latitude": 31.23, "longitude": 121.47, "errMsg": "getLocation:ok"}},
        ),
        (
            "signIn",
            {"login": {"code": "0c3notes00000000000000000000000aa"}, "session_valid": False},
            {"structuredContent": {"code": "0c3notes00000000000000000000000aa", "sessionValid": False}},
        ),
        ("signIn", {"login": {"fail": "system error"}}, {"isError": True}),
        ("bindPhone", {"phone_number": "denied"}, {"isError": True}),
        ("bindPhone", {"phone_number": {"code": "phonecode0001"}}, {"structuredContent": {"code": "phonecode0001"}}),
        ("buyPremium", {"payments": ["cancel"]}, {"isError": True, "_meta": {"cancelled": True}}),
        ("deviceInfo", {"system": {"deviceInfo": {"model": "iPhone 15"}}}, {"content": [{"type": "text"}]}),
    ],
)
def test_device_keys_reach_the_skill(
    capsys: pytest.CaptureFixture[str], api: str, device: dict[str, object], expected: dict[str, object]
) -> None:
    args = '{"plan": "month"}' if api == "buyPremium" else "{}"
    code, out, err = cli(capsys, "call", NOTES, api, "--args", args, "--device", json.dumps(device))
    result = json.loads(out)
    assert code == (1 if expected.get("isError") else 0), err
    for key, value in expected.items():
        if isinstance(value, dict):
            assert {k: result[key][k] for k in value} == value
        elif key == "content":
            assert result["content"][0]["type"] == "text"
        else:
            assert result[key] == value
    if api == "deviceInfo":
        assert result["structuredContent"]["model"] == "iPhone 15"


def test_storage_from_the_device(capsys: pytest.CaptureFixture[str]) -> None:
    device = json.dumps({"storage": {"notes:v1": [{"id": "n1", "title": "买咖啡豆"}]}})
    code, out, err = cli(capsys, "call", NOTES, "listNotes", "--device", device, "--show-storage")
    assert code == 0, err
    result = json.loads(out)
    assert result["storage"]["notes:v1"] == [{"id": "n1", "title": "买咖啡豆"}]
    assert "买咖啡豆" in json.dumps(result["structuredContent"], ensure_ascii=False)


def test_render_takes_the_same_device(capsys: pytest.CaptureFixture[str]) -> None:
    """``render`` runs the API and its card on the device --device describes."""
    device = json.dumps({"storage": {"cart": [{"id": 1, "name": "帆布包"}, {"id": 2, "name": "围巾"}]}})
    code, out, err = cli(capsys, "render", WILD, "cartSummary", "--device", device)
    assert code == 0, err
    assert out.splitlines()[:3] == ["view.summary", '  text.title "购物车（2 件）"', "  view.row"]


# ---- --storage / --payment with --device ---------------------------------------------------------


def test_storage_and_payment_combine_with_a_device_that_does_not_set_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(
        capsys,
        "call",
        NOTES,
        "buyPremium",
        "--args",
        '{"plan": "month"}',
        "--device",
        '{"seed": 7}',
        "--storage",
        '{"notes:token": "t"}',
        "--payment",
        "fail",
        "--show-storage",
    )
    assert code == 1, err
    result = json.loads(out)
    assert result["storage"]["notes:token"] == "t" and result["_meta"]["cancelled"] is False


@pytest.mark.parametrize(
    ("extra", "device", "needle"),
    [
        (["--storage", '{"a": 1}'], '{"storage": {"b": 2}}', "--storage and the `storage` key of --device"),
        (["--payment", "cancel"], '{"payments": ["success"]}', "--payment and the `payments` key of --device"),
    ],
)
def test_the_same_key_twice_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], extra: list[str], device: str, needle: str
) -> None:
    code, out, err = cli(capsys, "call", NOTES, "listNotes", "--device", device, *extra)
    assert code == 2 and out == ""
    assert needle in err and "fix: give" in err


# ---- bad device descriptions: located, exit 2 ----------------------------------------------------


def test_inline_json_error_names_the_option_and_points_at_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "call", SHOP, "listProducts", "--device", '{"cloud": {"functionz": {}}}')
    assert code == 2 and out == ""
    assert "wxreplay: error: --device:1:12: unknown key `functionz` in `cloud`" in err
    assert '  > 1 | {"cloud": {"functionz": {}}}\n      |            ^' in err
    assert "did you mean `functions`?" in err


def test_a_device_file_error_names_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "device.yaml"
    file.write_text("storage: {a: 1}\ncloud:\n  functions:\n    quote: {ok: true}\n  collection:\n    products: []\n", "utf-8")
    code, out, err = cli(capsys, "render", SHOP, "listProducts", "--device", f"@{file}")
    assert code == 2 and out == ""
    assert f"{file}:5:3: unknown key `collection` in `cloud`" in err and "did you mean `collections`?" in err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("device:\n  storage: {a: 1}\n", ":1: the file holds a `device:` key; --device @FILE takes what goes under it"),
        ("location: nowhere\n", ":1:11: `location` is a mapping or the word denied"),
        ("- a\n", "must be a JSON object of device keys"),
        ("cloud: {functions: {quote: {ok: true}}\n", "invalid YAML"),
        ("timezone: Asia/Shangai\n", "unknown time zone 'Asia/Shangai'"),
    ],
)
def test_bad_device_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str) -> None:
    file = tmp_path / "dev.yaml"
    file.write_text(text, "utf-8")
    code, out, err = cli(capsys, "call", NOTES, "listNotes", "--device", f"@{file}")
    assert code == 2 and out == "", err
    assert needle in err and "dev.yaml" in err


def test_a_missing_device_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "call", NOTES, "listNotes", "--device", "@no/such/device.yaml")
    assert code == 2
    assert "--device @no/such/device.yaml: no such file" in err


# ---- a cloud call nothing scripts points at --device ---------------------------------------------


def test_the_hint_names_the_device_key_and_following_it_moves_on(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "call", SHOP, "placeOrder", "--args", '{"productId": "p1"}')
    assert code == 1
    hint = re.search(r"give it with --device '(.*?)'", err)
    assert hint is not None, err
    assert json.loads(hint.group(1)) == {"cloud": {"functions": {"quote": {"ok": True}}}}
    # the host finding itself names the device key and --device first, the Python form last
    assert (
        "wx.cloud.callFunction({ name: 'quote' }) has nothing scripted; add it under device.cloud.functions "
        "(a scenario's device: or --device): quote: <result | [results...] | {fail: reason, errCode: -404011}>; "
        "in Python Device(cloud=CloudState(functions={'quote': ...}))"
    ) in err
    # Given as the hint says, the call gets past the function: the next thing missing is named the same way.
    code, _, err = cli(capsys, "call", SHOP, "placeOrder", "--args", '{"productId": "p1"}', "--device", hint.group(1))
    assert code == 1
    assert "wx.cloud.callFunction found nothing scripted" not in err
    assert """--device '{"cloud": {"collections": {"orders": [{"_id": "id1"}]}}}'""" in err


# ---- the README's commands, as written --------------------------------------------------------------


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Driving a cloud skill from the CLI", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("wxreplay ")]


def test_the_readme_cloud_commands_work() -> None:
    commands = readme_commands()
    assert len(commands) == 5
    outcomes = []
    for command in commands:
        argv = shlex.split(command)
        done = wxreplay(*argv[1:])
        assert "Traceback" not in done.stderr and "error:" not in done.stderr, done.stderr
        outcomes.append((done.returncode, json.loads(done.stdout)))
    (c1, listed), (c2, ordered), (c3, sold_out), (c4, denied), (c5, signed_in) = outcomes
    assert c1 == 0 and listed["structuredContent"]["total"] == 2
    assert c2 == 0 and ordered["structuredContent"]["amount"] == 118
    assert c3 == 1 and "已售罄" in sold_out["content"][0]["text"]
    assert c4 == 1 and denied["_meta"]["errMsg"] == "getLocation:fail auth deny"
    assert c5 == 0 and signed_in["structuredContent"]["code"] == "0c3notes00000000000000000000000aa"


def test_the_readme_hint_line_is_what_the_cli_prints() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Driving a cloud skill from the CLI", 1)[1].split("\n## ", 1)[0]
    shown = section.split("prints the key that would:\n\n```\n", 1)[1].split("\n```", 1)[0]
    done = wxreplay("call", SHOP, "placeOrder", "--args", '{"productId": "p1"}')
    assert done.returncode == 1
    assert shown in done.stderr.splitlines()


def test_run_takes_a_device_file_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``wxreplay run --device @file.yaml`` reads the file with the same parser (located errors, exit 2)."""
    file = tmp_path / "defaults.yaml"
    file.write_text("timezone: Asia/Shanghai\nseeed: 7\n", "utf-8")
    code, out, err = cli(capsys, "run", "scenarios/latte-less-sugar.scenario.yaml", "--device", f"@{file}")
    assert code == 2 and "PASS" not in out
    assert f"{file}:2:1: unknown key `seeed` in `device`" in err and "did you mean `seed`?" in err


def test_a_stale_cassette_names_the_device_option_as_the_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Recorded with every payment succeeding, replayed with --device's payments: cancel: the script wins, and says where."""
    cassette = str(tmp_path / "pay.yaml")
    call = ["call", NOTES, "buyPremium", "--args", '{"plan": "month"}', "--cassette", cassette]
    assert cli(capsys, *call, "--record", "once")[0] == 0
    code, _, err = cli(capsys, *call, "--device", '{"payments": ["cancel"]}')
    assert code == 1
    assert "stale cassette: the recorded outcome of wx.requestPayment contradicts the script" in err
    assert "  the script:    the command line: --device, its `payments` key" in err

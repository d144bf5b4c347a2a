"""``wxreplay chat`` end to end: a script on standard input over the example, then the saved scenario replays green."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import EXAMPLE, ROOT, SERVICE, wxreplay

APP = f"{SERVICE}:create_app"
DEVICE = '{"login": {"code": "0c3chat00000000000000000000000aa"}, "payments": ["success"]}'

# A QA session: search, the card, a tap by number (its api/call runs), an order whose drinkId comes
# from the suggestion (Enter), lifecycle events, a query in the new session; with bad input between.
SCRIPT = """\
点一杯拿铁
:call nosuchApi
:call searchDrinks
拿铁
:render
:reply 找到这些拿铁，点一款看看详情吧。
:tap 9
:tap 1
:call createOrder

abc
{"sugar":"less","size":"medium"}
1
:render createOrder
:reply 请确认订单。
:background 10m
:advance 5s
:restart
:memory_warning
:new_session
:frobnicate
查一下订单
:call getOrder

:reply 订单待支付。
"""


def chat(cwd: Path, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``wxreplay chat`` over the example with the in-process service, fed ``script`` (no terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "chat", str(EXAMPLE), "--app", APP, "--device", DEVICE, *extra],
        input=script,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def recorded(pytester: pytest.Pytester) -> tuple[pytest.Pytester, subprocess.CompletedProcess[str]]:
    """The script recorded into ``scenarios/latte-chat.scenario.yaml`` of a fresh pytest project."""
    pytester.makeini("[pytest]\n")
    done = chat(pytester.path, SCRIPT, "--name", "latte chat")
    return pytester, done


def test_a_scripted_chat_writes_a_scenario_that_replays_green(
    recorded: tuple[pytest.Pytester, subprocess.CompletedProcess[str]],
) -> None:
    pytester, done = recorded
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    # the card tree with numbered tappable nodes, and what the tap did
    assert '[1]        view.tile hover-class=tile-hover @tap=onTapDrink data={"drinkId":101}' in out
    assert "user (from the card): 我想看看拿铁" in out
    assert "fact: 已找到 4 款" in out and "action: 请展示饮品列表卡片" in out
    # bad input: a clear message, and the chat goes on
    assert "error: skill 'coffee' declares no API 'nosuchApi'" in out
    assert "error: no tappable node 9: the last listing numbers 1 to 4" in out
    assert "bad value for specs: expected a JSON object" in out
    assert "error: unknown command :frobnicate" in out
    assert "drinkId = 101 (saved from call 2: structuredContent.drinkId)" in out
    assert "PASS latte-chat" in out and "1 passed, 0 failed" in out

    scenario = pytester.path / "scenarios" / "latte-chat.scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=./scenario.schema.json\n")
    assert (pytester.path / "scenarios" / "scenario.schema.json").is_file()
    for line in (
        "  - tap: {card: drink-list, text: 拿铁¥28.00奶咖}",
        "      - call: selectDrink\n        save: {drinkId: structuredContent.drinkId}",
        "          drinkId: ${drinkId}",
        "  - background: 10m",
        "  - advance: 5s",
        "  - restart\n  - memory_warning\n  - new_session",
        "        args: {orderId: '${orderId}'}",
    ):
        assert line in text, text
    cassette = pytester.path / "cassettes" / "latte-chat.yaml"  # the root (pytest.ini) holds cassettes/
    recorded_text = cassette.read_text(encoding="utf-8")
    assert "0c3chat00000000000000000000000aa" not in recorded_text  # the login code is redacted
    assert "<redacted:" in recorded_text
    assert (pytester.path / "scenarios" / "__snapshots__" / "latte-chat.scenario" / "latte chat.yaml").is_file()

    # wxreplay run replays it green from the cassette, with no service
    again = wxreplay("run", "scenarios", cwd=pytester.path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "PASS latte-chat" in again.stdout
    # and pytest (the plugin, with its snapshot) too
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios")
    result.assert_outcomes(passed=1)


def test_a_call_that_fails_mid_chat_is_not_written_and_the_rest_saves(pytester: pytest.Pytester) -> None:
    """A call that fails (a cassette miss in record mode none) is reported, left out of the scenario, and the chat goes on."""
    pytester.makeini("[pytest]\n")
    # record mode none with no cassette: the call misses, is not written, and the rest still saves
    done = chat(pytester.path, "你好\n:call searchDrinks\n拿铁\n:reply 你好！\n", "--record", "none")
    assert "error: searchDrinks failed, nothing was written" in done.stdout
    assert "PASS chat" in done.stdout, done.stdout + done.stderr  # what was written (a greeting) replays
    assert done.returncode == 0


def test_quit_writes_nothing_and_an_existing_name_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    done = chat(pytester.path, "你好\n:quit\n")
    assert done.returncode == 0 and "left without writing anything" in done.stdout
    assert not (pytester.path / "scenarios" / "chat.scenario.yaml").exists()
    (pytester.path / "scenarios" / "chat.scenario.yaml").write_text("name: x\n", encoding="utf-8")
    again = chat(pytester.path, "你好\n")
    assert again.returncode == 2
    assert "chat.scenario.yaml exists already" in again.stderr
    assert "Traceback" not in again.stderr


def test_help_lists_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "chat", str(EXAMPLE), "-o", "/nonexistent-never-written"],
        input=":help\n:quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert ":tap N" in done.stdout and ":background 30m" in done.stdout


PAY = ROOT / "tests" / "skills" / "pay-followup"  # a fixture skill: a menu card, a pay card that pays and messages

PAY_SCRIPT = """\
菜单
:call listItems
:render
:tap 1
:render
:call throwing
:reply 正在支付
:background 5m
:message
:render
:reply 支付成功
"""


def pay_chat(cwd: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", "chat", str(PAY), "--device", '{"payments": ["success"]}', "--name", "pay"],
        input=script,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_a_card_message_outside_a_tap_is_answered_with_message(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    done = pay_chat(pytester.path, PAY_SCRIPT)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert '[5]      button.crash @tap=onCrash "出错"' in out
    assert "user (from the card): 我要一杯拿铁" in out
    assert '[the pay-card card sent "我已完成支付" [api/call confirmPayment {"orderId":"PO1001"}]' in out
    assert "error: throwing failed, nothing was written: skills/pay/index.js:33:32: throwing threw: TypeError" in out
    # a lifecycle event while the message waits is refused (the runner would fail there)
    assert "and it waits for an answer: :message takes it as the next user message" in out
    text = (pytester.path / "scenarios" / "pay.scenario.yaml").read_text(encoding="utf-8")
    assert "  - tap: {card: menu, selector: view.item}\n" in text
    assert "  - message: pay-card\n    plan:\n      - call: confirmPayment\n" in text
    assert "background" not in text and "throwing" not in text
    assert "requestPayment" in (pytester.path / "cassettes" / "pay.yaml").read_text(encoding="utf-8")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios")
    result.assert_outcomes(passed=1)


def test_what_does_not_replay_green_is_reported_and_exits_1(pytester: pytest.Pytester) -> None:
    """The input ends with the pay card's message unanswered: the runner's replay fails, and the chat says so."""
    pytester.makeini("[pytest]\n")
    done = pay_chat(pytester.path, "菜单\n:call listItems\n:render\n:tap 1\n:render\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL pay" in done.stdout
    assert "outside a tap, and no turn answers it" in done.stdout
    assert "does not replay green (above: why); the files are left for you to fix or delete" in done.stdout
    assert not (pytester.path / "scenarios" / "__snapshots__").exists()  # no snapshot of a failing run
    assert "Traceback" not in done.stdout + done.stderr


def test_a_user_message_needs_an_answer_before_the_next_turn(pytester: pytest.Pytester) -> None:
    """The scenario format wants a plan under every user message: the chat asks for one, and leaves out a last
    message the input ended before answering (and says so)."""
    pytester.makeini("[pytest]\n")
    done = pay_chat(pytester.path, "你好\n:restart\n:save\n:reply 你好\n:restart\n再见\n")
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "error: the assistant has not answered '你好' yet: :call, :render or :reply TEXT first\n" in out
    assert "error: the assistant has not answered '你好' yet: :call, :render or :reply TEXT first, then :save" in out
    assert "left out: the last user message '再见' has no answer from the assistant" in out
    text = (pytester.path / "scenarios" / "pay.scenario.yaml").read_text(encoding="utf-8")
    assert text.endswith("turns:\n  - user: 你好\n    plan:\n      - reply: 你好\n  - restart\n")
    assert "PASS pay" in out

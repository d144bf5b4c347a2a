"""The realistic fixtures load and validate against the example; collecting many files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wxreplay import Project
from wxreplay.device_setup import device_for
from wxreplay.errors import ScenarioError
from wxreplay.scenario import (
    CallStep,
    EventTurn,
    RenderStep,
    Scenario,
    TapTurn,
    UserTurn,
    collect_files,
    load_scenario,
    load_scenarios,
    validate_scenario,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "westore-cafe"


@pytest.fixture(scope="module")
def fixtures(westore: Project) -> dict[str, Scenario]:
    loaded = load_scenarios([FIXTURES], project=westore)
    assert all(isinstance(s, Scenario) for s in loaded), [str(s) for s in loaded if isinstance(s, ScenarioError)]
    return {s.path.name: s for s in loaded if isinstance(s, Scenario)}


def test_three_fixtures_load_and_point_at_the_example(fixtures: dict[str, Scenario], westore: Project) -> None:
    assert sorted(fixtures) == [
        "background-returning-user.scenario.yaml",
        "latte-less-sugar.scenario.yaml",
        "payment-cancelled.scenario.yaml",
    ]
    for scenario in fixtures.values():
        assert scenario.project is not None and scenario.project.resolve() == EXAMPLE.resolve()
        assert Project.load(scenario.project).skill().name == "coffee"
        assert validate_scenario(scenario, westore).name == "coffee"


def test_latte_is_ordered_through_taps(fixtures: dict[str, Scenario]) -> None:
    sc = fixtures["latte-less-sugar.scenario.yaml"]
    kinds = [t.kind for t in sc.turns]
    assert kinds == ["user", "tap", "tap", "tap", "tap", "event"]
    taps = [t for t in sc.turns if isinstance(t, TapTurn)]
    assert [t.component or t.api or "last" for t in taps] == ["drink-list", "drink-detail", "last", "createOrder"]
    sugar = taps[1]
    assert sugar.text == "少糖" and sugar.plan == () and sugar.expect is not None and sugar.expect.rerender is True
    order = taps[2]
    assert order.expect is not None and order.expect.message is not None
    assert order.expect.message.arguments == {"specs": {"sugar": "less", "size": "medium"}}
    first = order.plan[0]
    assert isinstance(first, CallStep) and first.api == "createOrder" and first.args is None
    advance = sc.turns[-1]
    assert isinstance(advance, EventTurn) and advance.event == "advance" and advance.duration_ms == 5000
    assert sc.marks == ("smoke", "payment") and sc.skill == "coffee"
    device = device_for(sc)
    assert device.payments == ["success"] and device.login_code is not None


def test_payment_cancelled(fixtures: dict[str, Scenario]) -> None:
    sc = fixtures["payment-cancelled.scenario.yaml"]
    assert sc.device.payments == ("cancel",) and sc.record is not None and sc.record.value == "none"
    assert device_for(sc).get_storage()["westore:token"]["token"] == "tok-returning-user"
    tap = sc.turns[1]
    assert isinstance(tap, TapTurn) and tap.text == "确认支付"
    pay = tap.plan[0]
    assert isinstance(pay, CallStep) and pay.expect is not None and pay.expect.is_error is True
    assert pay.expect.content == ("取消", "未扣款") and pay.expect.host_calls == ("requestPayment",)


def test_background_and_returning_user(fixtures: dict[str, Scenario]) -> None:
    sc = fixtures["background-returning-user.scenario.yaml"]
    events = [(t.event, t.duration_ms) for t in sc.turns if isinstance(t, EventTurn)]
    assert events == [
        ("background", 1_800_000),
        ("background", 300_000),
        ("memory_warning", None),
        ("foreground", None),
        ("restart", None),
        ("new_session", None),
    ]
    first_bg = sc.turns[1]
    assert isinstance(first_bg, EventTurn) and first_bg.expect is not None and first_bg.expect.session == "new"
    back = sc.turns[2]
    assert isinstance(back, UserTurn) and isinstance(back.plan[1], RenderStep)
    device = device_for(sc)
    assert device.location is None and device.phone_number is None and sc.xfail
    assert device.info()["appBaseInfo"]["theme"] == "dark"


def test_turn_lines_for_reports(fixtures: dict[str, Scenario]) -> None:
    sc = fixtures["latte-less-sugar.scenario.yaml"]
    tap = sc.turns[1]
    lines = sc.lines(tap.source).splitlines()
    assert "- tap: {card: drink-list, text: 拿铁}" in lines[0]
    assert lines[-1].rstrip().endswith("- reply: 选好糖度和杯型后点「确认下单」。")


# -- collecting -------------------------------------------------------------------------------------


def test_collect_files_recursively_sorted_and_deduplicated(write: Callable[..., Path], tmp_path: Path) -> None:
    body = "name: x\nturns: [restart]\n"
    b = write(body, "suite/b.scenario.yaml")
    a = write(body, "suite/a.scenario.yaml")
    deep = write(body, "suite/deeper/c.scenario.yaml")
    write(body, "suite/.hidden/d.scenario.yaml")
    write(body, "suite/node_modules/e.scenario.yaml")
    write(body, "suite/notes.yaml")
    other = write(body, "other.yml")
    found = collect_files([tmp_path / "suite", b, other])
    assert found == sorted([a, b, deep, other], key=lambda p: p.resolve().as_posix())
    assert collect_files([tmp_path / "suite"], suffix=".yaml")[-1].name == "notes.yaml"


def test_load_scenarios_keeps_errors_in_place(write: Callable[..., Path], tmp_path: Path, westore: Project) -> None:
    write("name: good\nturns: [restart]\n", "s/1.scenario.yaml")
    write("name: bad\nturns: []\n", "s/2.scenario.yaml")
    write("name: api\nturns:\n  - user: hi\n    plan: [{call: nope}]\n", "s/3.scenario.yaml")
    out = load_scenarios([tmp_path / "s", tmp_path / "missing.scenario.yaml"], project=westore)
    assert isinstance(out[0], ScenarioError) and "no such file" in str(out[0])
    assert isinstance(out[1], Scenario) and out[1].name == "good"
    assert isinstance(out[2], ScenarioError) and "`turns` is empty" in str(out[2])
    assert isinstance(out[3], ScenarioError) and "unknown API 'nope'" in str(out[3])
    without_project = load_scenarios([tmp_path / "s"])
    assert isinstance(without_project[2], Scenario)


def test_load_scenario_with_a_configured_skill(write: Callable[..., Path], westore: Project) -> None:
    path = write("name: x\nturns: [restart]\n")
    assert load_scenario(path, project=westore, skill="coffee").skill is None
    with pytest.raises(ScenarioError, match="no skill named 'tea'"):
        load_scenario(path, project=westore, skill="tea")

"""``wxreplay call/render --cassette F --record MODE``, in process (the service in-process through --app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wxreplay.cassette import Cassette
from wxreplay.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = str(ROOT / "examples" / "westore-cafe")
APP = str(ROOT / "examples" / "westore-cafe" / "service" / "westore_service.py") + ":create_app"
ORDER = '{"drinkId":101,"specs":{"sugar":"less","size":"medium"}}'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_record_with_app_then_replay_without(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    cassette = str(tmp_path / "order.yaml")
    code, recorded, err = run(
        capsys, "call", EXAMPLE, "createOrder", "--args", ORDER, "--app", APP, "--cassette", cassette, "--record", "once"
    )
    assert code == 0 and "wxreplay: recorded 3 new entries into" in err
    code, replayed, err = run(capsys, "call", EXAMPLE, "createOrder", "--args", ORDER, "--cassette", cassette)
    assert code == 0 and "recorded" not in err
    assert json.loads(replayed) == json.loads(recorded)
    code, out, err = run(capsys, "render", EXAMPLE, "createOrder", "--args", ORDER, "--cassette", cassette)
    assert code == 0 and "WS0001" in out


def test_new_episodes_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cassette = str(tmp_path / "c.yaml")
    assert run(capsys, "call", EXAMPLE, "searchDrinks", "--app", APP, "--cassette", cassette, "--record", "once")[0] == 0
    code, _, err = run(capsys, "call", EXAMPLE, "createOrder", "--args", ORDER, "--cassette", cassette)
    assert code == 1 and "--record new_episodes" in err
    code, _, err = run(
        capsys, "call", EXAMPLE, "createOrder", "--args", ORDER, "--app", APP, "--cassette", cassette, "--record=new_episodes"
    )
    assert code == 0 and "recorded 3 new entries" in err
    assert [e["api"] for e in Cassette.open(cassette).entries] == ["searchDrinks"] + ["createOrder"] * 3


def test_ci_without_a_record_flag_replays_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    cassette = tmp_path / "c.yaml"
    code, _, err = run(capsys, "call", EXAMPLE, "searchDrinks", "--app", APP, "--cassette", str(cassette))
    assert code == 1 and "record mode none replays only" in err and not cassette.exists()
    code, _, err = run(capsys, "call", EXAMPLE, "searchDrinks", "--app", APP, "--cassette", str(cassette), "--record", "once")
    assert code == 0 and cassette.exists()  # an explicit flag is the user's choice, even under CI


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "call", EXAMPLE, "searchDrinks", "--record", "once")
    assert code == 2 and "--record needs --cassette FILE" in err
    with pytest.raises(SystemExit):
        main(["call", EXAMPLE, "searchDrinks", "--cassette", "c.yaml", "--record", "sometimes"])
    assert "invalid choice: 'sometimes'" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 7\nentries: []\n...\n", encoding="utf-8")
    code, _, err = run(capsys, "call", EXAMPLE, "searchDrinks", "--cassette", str(broken))
    assert code == 1 and f"wxreplay: error: {broken}:1:1: format version 7 was written by a newer wxreplay" in err

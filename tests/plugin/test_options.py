"""Every ``--wx-*`` option and its ``wxreplay_*`` ini key, as users set them."""

from __future__ import annotations

import pytest
from plugin_support import LATTE, LOGIN, write

OPTIONS = ("record", "project", "skill", "suffix", "device", "strict", "cassette-dir")


def set_option(pytester: pytest.Pytester, where: str, name: str, value: str | None = None) -> list[str]:
    """Set ``--wx-<name>`` (``value`` None: the flag) on the command line or as its ini key; the arguments to pass.

    ``where`` is "cli" (returns the arguments) or "ini" (writes pytest.ini with the project and the key, returns []).
    """
    if where == "ini":
        key = "wxreplay_" + name.replace("-", "_")
        pytester.makeini(f"[pytest]\nwxreplay_project = cafe\n{key} = {'true' if value is None else value}\n")
        return []
    return [f"--wx-{name}", *([] if value is None else [value])]


def test_help_documents_every_option_and_ini_key(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["wxreplay: scenario files, cassettes and snapshots:"])
    result.stdout.fnmatch_lines([f"  --wx-{name}*" for name in OPTIONS], consecutive=False)
    result.stdout.fnmatch_lines([f"  wxreplay_{name.replace('-', '_')} (*" for name in OPTIONS])


@pytest.fixture
def login(cafe: pytest.Pytester) -> pytest.Pytester:
    """The cafe with ``scenarios/login.scenario.yaml`` only: wx.login goes into the cassette."""
    (cafe.path / "scenarios/latte.scenario.yaml").unlink()
    write(cafe.path, {"scenarios/login.scenario.yaml": LOGIN})
    return cafe


def test_record_mode_none_is_the_default_and_a_missing_recording_fails(
    login: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = login.runpytest("--snapshot-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMissError: *login*"])
    assert not (login.path / "cassettes").exists()


def test_record_once_from_the_command_line_records_then_replays(login: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")  # a mode given on the command line is explicit: it records even under CI
    login.runpytest("--wx-record", "once", "--snapshot-update").assert_outcomes(passed=1)
    cassette = login.path / "cassettes" / "login.yaml"
    assert "name: login" in cassette.read_text(encoding="utf-8")
    login.runpytest().assert_outcomes(passed=1)  # replay only, same snapshot


def test_record_mode_from_the_ini_file_is_overridden_by_ci(login: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    login.makeini("[pytest]\nwxreplay_project = cafe\nwxreplay_record = once\n")
    monkeypatch.setenv("CI", "1")
    login.runpytest("--snapshot-update").assert_outcomes(failed=1)
    monkeypatch.delenv("CI")
    login.runpytest("--snapshot-update").assert_outcomes(passed=1)
    assert (login.path / "cassettes" / "login.yaml").is_file()


@pytest.mark.parametrize("where", ["cli", "ini"])
def test_unknown_record_mode_is_a_usage_error(cafe: pytest.Pytester, where: str) -> None:
    result = cafe.runpytest(*set_option(cafe, where, "record", "sometimes"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*wxreplay: unknown record mode 'sometimes' (valid: none, once, new_episodes, all)*"])


def test_project_from_the_command_line(cafe: pytest.Pytester) -> None:
    cafe.makeini("[pytest]\n")
    cafe.runpytest("--wx-project", "cafe", "--snapshot-update").assert_outcomes(passed=1)
    result = cafe.runpytest("--wx-project", "nowhere", "--co")
    result.stdout.fnmatch_lines(["*nowhere*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_ini_paths_are_relative_to_the_ini_file(cafe: pytest.Pytester) -> None:
    cafe.makeini("[pytest]\nwxreplay_project = cafe\nwxreplay_cassette_dir = tapes\n")
    write(cafe.path, {"scenarios/login.scenario.yaml": LOGIN})
    cafe.chdir()
    (cafe.path / "scenarios").joinpath("sub").mkdir()
    import os

    os.chdir(cafe.path / "scenarios" / "sub")
    result = cafe.runpytest("../login.scenario.yaml", "--wx-record", "once", "--snapshot-update")
    result.assert_outcomes(passed=1)
    assert (cafe.path / "tapes" / "login.yaml").is_file()


def test_skill_option_picks_one_of_several_skills(cafe: pytest.Pytester) -> None:
    app = (cafe.path / "cafe/app.json").read_text(encoding="utf-8")
    tea = '{"name": "tea", "description": "茶", "path": "skills/tea"}'
    write(
        cafe.path,
        {
            "cafe/app.json": app.replace('"path": "skills/cafe"}', '"path": "skills/cafe"}, ' + tea),
            "cafe/skills/tea/SKILL.md": "# tea\n",
            "cafe/skills/tea/mcp.json": '{"apis": [{"name": "pour", "description": "倒茶", "inputSchema": {"type": "object"}}]}',
            "cafe/skills/tea/index.js": "const skill = wx.modelContext.createSkill('skills/tea')\n"
            "skill.registerAPI('pour', async () => ({ content: [{ type: 'text', text: '倒茶。' }] }))\n",
        },
    )
    result = cafe.runpytest("--co")
    result.stdout.fnmatch_lines(["*scenarios/latte.scenario.yaml*", "*cafe*tea*"])
    cafe.runpytest("--wx-skill", "cafe", "--snapshot-update").assert_outcomes(passed=1)
    cafe.makeini("[pytest]\nwxreplay_project = cafe\nwxreplay_skill = cafe\n")
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=1)


@pytest.mark.parametrize("where", ["cli", "ini"])
def test_suffix_option(cafe: pytest.Pytester, where: str) -> None:
    write(cafe.path, {"scenarios/tea.convo.yaml": LATTE.replace("点一杯拿铁", "另一种后缀")})
    result = cafe.runpytest("--co", "-q", *set_option(cafe, where, "suffix", ".convo.yaml"))
    result.stdout.fnmatch_lines(["scenarios/tea.convo.yaml::另一种后缀", "1 test collected*"])


ORDER = """\
    name: 下单
    device: {storage: {"cafe:note": own}}
    turns:
      - user: 来一杯拿铁
        plan:
          - call: createOrder
            args: {drinkId: 101}
            expect: {structuredContent: {user: alice}}
    """


@pytest.mark.parametrize("where", ["cli", "ini"])
def test_device_defaults_sit_under_the_scenarios_own_device(cafe: pytest.Pytester, where: str) -> None:
    write(cafe.path, {"scenarios/latte.scenario.yaml": ORDER})
    device = '{"storage": {"cafe:user": "alice"}, "login": {"code": "c0de"}}'
    result = cafe.runpytest("--snapshot-update", *set_option(cafe, where, "device", device))
    result.assert_outcomes(passed=1)
    cafe.runpytest("--wx-device", '{"storage": {"cafe:user": "bob"}}').assert_outcomes(failed=1)
    # the scenario's own value wins over the default
    write(cafe.path, {"scenarios/latte.scenario.yaml": ORDER.replace("own", 'own, "cafe:user": alice')})
    cafe.runpytest("--wx-device", '{"storage": {"cafe:user": "bob"}}').assert_outcomes(passed=1)


def test_bad_device_defaults_are_a_usage_error_located_in_the_json(cafe: pytest.Pytester) -> None:
    result = cafe.runpytest("--wx-device", '{"sede": 7}')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*wxreplay: --wx-device:1:2: unknown key `sede` in `device`*", "*did you mean `seed`?*"])
    assert cafe.runpytest("--wx-device", "[1]").ret == pytest.ExitCode.USAGE_ERROR


NUDGE = """\
    name: 只有指令
    turns:
      - user: 看看
        plan:
          - call: nudge
    """


@pytest.mark.parametrize("where", ["cli", "ini"])
def test_strict_fails_scenarios_on_warnings(cafe: pytest.Pytester, where: str) -> None:
    write(cafe.path, {"scenarios/latte.scenario.yaml": NUDGE})
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=1)
    result = cafe.runpytest(*set_option(cafe, where, "strict"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*bare-instruction*"])


@pytest.mark.parametrize("where", ["cli", "ini"])
def test_cassette_dir(login: pytest.Pytester, where: str) -> None:
    args = set_option(login, where, "cassette-dir", "recorded/tapes")
    login.runpytest("--wx-record", "once", "--snapshot-update", *args).assert_outcomes(passed=1)
    assert (login.path / "recorded" / "tapes" / "login.yaml").is_file()
    assert not (login.path / "cassettes").exists()

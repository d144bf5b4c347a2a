"""``--wx-shard K/N`` (pytest) and ``wxreplay run --shard K/N``: CI jobs that together run the suite exactly once."""

from __future__ import annotations

import re
import textwrap

import pytest
from plugin_support import write

TEA = textwrap.dedent("""\
    name: 来一杯美式 {n}
    turns:
      - user: 来一杯美式
        plan:
          - call: searchDrinks
            args: {{keyword: 美式}}
    """)


def _suite(cafe: pytest.Pytester) -> None:
    write(cafe.path, {f"scenarios/more/tea{n}.scenario.yaml": TEA.format(n=n) for n in range(4)})
    cafe.makepyfile(test_plain="\n".join(f"def test_{n}():\n    assert True\n" for n in range(5)))


def _ran(result: pytest.RunResult) -> list[str]:
    return sorted(m.group(1) for line in result.outlines if (m := re.match(r"(\S+::.+?) (PASSED|FAILED)", line.strip())))


def test_two_shards_run_the_whole_suite_exactly_once(cafe: pytest.Pytester) -> None:
    _suite(cafe)
    whole = cafe.runpytest("-v", "--snapshot-update", "-p", "no:randomly")
    whole.assert_outcomes(passed=10)
    first = cafe.runpytest("-v", "--wx-shard", "1/2")
    second = cafe.runpytest("-v", "--wx-shard", "2/2")
    first.assert_outcomes(passed=5, deselected=5)
    second.assert_outcomes(passed=5, deselected=5)
    a, b = _ran(first), _ran(second)
    assert len(_ran(whole)) == 10 and len(a) == len(b) == 5  # the ids were really read from the output
    assert not set(a) & set(b)
    assert sorted(a + b) == _ran(whole)
    assert any("scenario.yaml" in t for t in a) and any("scenario.yaml" in t for t in b)


def test_the_split_is_the_same_under_xdist(cafe: pytest.Pytester) -> None:
    _suite(cafe)
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=10)
    serial = _ran(cafe.runpytest("-v", "--wx-shard", "2/3"))
    assert len(serial) == 3  # 10 tests: shards of 4, 3 and 3
    parallel = cafe.runpytest_subprocess("-v", "-n", "2", "--wx-shard", "2/3")
    parallel.assert_outcomes(passed=len(serial))
    assert _ran_xdist(parallel) == serial


def _ran_xdist(result: pytest.RunResult) -> list[str]:
    return sorted(m.group(1) for line in result.outlines if (m := re.search(r"\] (?:PASSED|FAILED) (\S+::.+)$", line.strip())))


@pytest.mark.parametrize("value", ["2", "3/2", "0/1"])
def test_a_bad_shard_is_a_usage_error(cafe: pytest.Pytester, value: str) -> None:
    result = cafe.runpytest("--wx-shard", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*wxreplay: --wx-shard*", "*--wx-shard 1/2*"])


def test_wxreplay_run_shards_cover_the_scenarios_once(cafe: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    from wxreplay.cli import main

    _suite(cafe)
    scenarios = str(cafe.path / "scenarios")
    project = str(cafe.path / "cafe")
    assert main(["run", scenarios, "--project", project, "--snapshot-update"]) == 0
    capsys.readouterr()
    ran: list[str] = []
    for k in (1, 2):
        assert main(["run", scenarios, "--project", project, "--shard", f"{k}/2"]) == 0
        out, err = capsys.readouterr()
        assert f"wxreplay: shard {k}/2:" in err
        ran += re.findall(r"^PASS (\S+)", out, flags=re.M)
    assert sorted(ran) == ["latte", "tea0", "tea1", "tea2", "tea3"]

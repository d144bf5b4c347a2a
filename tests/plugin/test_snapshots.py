"""Scenario snapshots through syrupy: create, compare, update, unused removal, xdist, Python tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_support import LATTE, write

SNAP = Path("scenarios/__snapshots__/latte.scenario/点一杯拿铁.yaml")


def snapshots(root: Path) -> list[str]:
    """Snapshot files under ``root``, relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("__snapshots__/**/*.yaml"))


def test_one_readable_yaml_file_per_scenario(cafe: pytest.Pytester) -> None:
    result = cafe.runpytest("--snapshot-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["1 snapshot generated."])
    text = (cafe.path / SNAP).read_text(encoding="utf-8")
    assert text.startswith("# wxreplay snapshot 1\nscenario: 点一杯拿铁\nskill: cafe\n")
    for expected in (
        "  user: 来一杯拿铁，少糖\n",  # CJK as is
        "      - 找到 1 款饮品。\n      actions:\n      - 请展示饮品列表卡片。\n",  # facts, then actions
        '      tree: |\n        view.card\n          view.tile @tap=onTap data={"drinkId":101}\n'
        '            text.name "拿铁"\n',  # the card tree, one node per line
        "        orderId: <orderId>\n",  # an id saved with save: is a placeholder
        "    reply: 已下单 <orderId>\n",
    ):
        assert expected in text
    assert "\\u" not in text and "line:" not in text and "logs:" not in text and "&id" not in text
    # byte-stable: a second run passes and leaves the file as it is
    cafe.runpytest().stdout.fnmatch_lines(["1 snapshot passed."])
    assert (cafe.path / SNAP).read_text(encoding="utf-8") == text


def test_a_missing_snapshot_fails_until_created(cafe: pytest.Pytester) -> None:
    result = cafe.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["no snapshot yet (pytest --snapshot-update accepts the new transcript)", "Snapshot '点一杯拿铁' does not exist!"]
    )


def test_a_changed_transcript_shows_syrupys_diff_then_updates(cafe: pytest.Pytester) -> None:
    cafe.runpytest("--snapshot-update")
    write(cafe.path, {"scenarios/latte.scenario.yaml": LATTE.replace("已下单 ${orderId}", "好的，订单 ${orderId} 已提交")})
    result = cafe.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*___ 点一杯拿铁 ___*",
            "the snapshot differs at turn 1 › reply (pytest --snapshot-update accepts the new transcript)",
            "[[]- snapshot] == [[]+ received]",
            "-*reply: 已下单 <orderId>",
            "+*reply: 好的，订单 <orderId> 已提交",
            "*1 snapshot failed.*",
            "FAILED scenarios/latte.scenario.yaml::点一杯拿铁 - the snapshot differs at *",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    updated = cafe.runpytest("--snapshot-update")
    updated.assert_outcomes(passed=1)
    updated.stdout.fnmatch_lines(["1 snapshot updated."])
    assert "好的，订单 <orderId> 已提交" in (cafe.path / SNAP).read_text(encoding="utf-8")
    cafe.runpytest().assert_outcomes(passed=1)


def test_unused_snapshots_are_reported_then_removed_on_update(cafe: pytest.Pytester) -> None:
    write(cafe.path, {"scenarios/tea.scenario.yaml": LATTE.replace("点一杯拿铁", "美式")})
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=2)
    (cafe.path / "scenarios/tea.scenario.yaml").unlink()  # a scenario removed
    write(cafe.path, {"scenarios/latte.scenario.yaml": LATTE.replace("点一杯拿铁", "点一杯热拿铁")})  # one renamed
    assert snapshots(cafe.path) == [
        "scenarios/__snapshots__/latte.scenario/点一杯拿铁.yaml",
        "scenarios/__snapshots__/tea.scenario/美式.yaml",
    ]
    reported = cafe.runpytest("--snapshot-details", "--snapshot-update", "-k", "nothing")  # nothing ran: nothing removed
    assert snapshots(cafe.path)[-1].endswith("美式.yaml")
    reported = cafe.runpytest("--snapshot-details")
    reported.stdout.fnmatch_lines(["*1 snapshot failed. 2 snapshots unused.*", "Re-run pytest with --snapshot-update*"])
    assert reported.ret != 0
    removed = cafe.runpytest("--snapshot-update")
    removed.assert_outcomes(passed=1)
    removed.stdout.fnmatch_lines(["*1 snapshot generated. 2 unused snapshots deleted.*"])
    assert snapshots(cafe.path) == ["scenarios/__snapshots__/latte.scenario/点一杯热拿铁.yaml"]
    assert not (cafe.path / "scenarios/__snapshots__/tea.scenario").exists()


def test_a_failing_scenario_keeps_its_snapshot(cafe: pytest.Pytester) -> None:
    cafe.runpytest("--snapshot-update")
    before = (cafe.path / SNAP).read_text(encoding="utf-8")
    write(cafe.path, {"scenarios/latte.scenario.yaml": LATTE.replace("total: 28", "total: 30")})
    result = cafe.runpytest("--snapshot-update")
    result.assert_outcomes(failed=1)
    result.stdout.no_fnmatch_line("*unused*")
    assert (cafe.path / SNAP).read_text(encoding="utf-8") == before


@pytest.mark.parametrize("args", [[], ["-p", "xdist", "-n", "2"]])
def test_a_run_cut_short_deletes_no_snapshot(cafe: pytest.Pytester, args: list[str]) -> None:
    write(cafe.path, {"scenarios/tea.scenario.yaml": LATTE.replace("点一杯拿铁", "美式")})
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=2)
    write(cafe.path, {"scenarios/broken.scenario.yaml": "name: 坏的\nturns: [\n"})
    cafe.runpytest_subprocess("--snapshot-update", "--continue-on-collection-errors", *args)
    cafe.runpytest("--snapshot-update")  # interrupted by the collection error
    assert len(snapshots(cafe.path)) == 2
    (cafe.path / "scenarios/broken.scenario.yaml").unlink()
    write(cafe.path, {"scenarios/a.scenario.yaml": LATTE.replace("点一杯拿铁", "先失败").replace("total: 28", "total: 1")})
    assert cafe.runpytest_subprocess("--snapshot-update", "-x", *args).parseoutcomes()["failed"] == 1
    assert len(snapshots(cafe.path)) == 2


def test_xdist_workers_write_one_file_each(cafe: pytest.Pytester) -> None:
    for i in range(6):
        write(cafe.path, {f"scenarios/s{i}.scenario.yaml": LATTE.replace("点一杯拿铁", f"拿铁 {i} 号")})
    created = cafe.runpytest_subprocess("-n", "2", "--snapshot-update")
    created.assert_outcomes(passed=7)
    created.stdout.fnmatch_lines(["*7 snapshots generated.*"])
    assert len(snapshots(cafe.path)) == 7
    texts = {p: p.read_text(encoding="utf-8") for p in (cafe.path / "scenarios/__snapshots__").rglob("*.yaml")}
    cafe.runpytest_subprocess("-n", "2").stdout.fnmatch_lines(["*7 snapshots passed.*"])
    (cafe.path / "scenarios/s3.scenario.yaml").unlink()
    removed = cafe.runpytest_subprocess("-n", "2", "--snapshot-update")
    removed.stdout.fnmatch_lines(["*6 snapshots passed. 1 unused snapshot deleted.*"])
    assert len(snapshots(cafe.path)) == 6
    assert all(p.read_text(encoding="utf-8") == text for p, text in texts.items() if p.exists())


def test_python_tests_snapshot_cards_and_results_with_the_same_extension(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(
        test_cards="""
        from wxreplay.snapshot import WxSnapshotExtension

        def test_search(wx_session, wx_snapshot):
            result = wx_session.call("searchDrinks", {"keyword": "拿铁"})
            card = wx_session.render(result)
            assert result == wx_snapshot
            assert card == wx_snapshot
            assert card.tree == wx_snapshot

        def test_by_hand(wx_session, snapshot):
            card = wx_session.render(wx_session.call("searchDrinks", {"keyword": "美式"}))
            assert card.tree == snapshot(extension_class=WxSnapshotExtension)
    """
    )
    cafe.runpytest("test_cards.py", "--snapshot-update").stdout.fnmatch_lines(["4 snapshots generated."])
    folder = cafe.path / "__snapshots__/test_cards"
    assert sorted(p.name for p in folder.iterdir()) == [
        "test_by_hand.yaml",
        "test_search.1.yaml",
        "test_search.2.yaml",
        "test_search.yaml",
    ]
    assert (
        (folder / "test_search.yaml")
        .read_text(encoding="utf-8")
        .startswith(
            "# wxreplay snapshot 1\nkind: call\napi: searchDrinks\narguments:\n  keyword: 拿铁\nresult:\n  isError: false\n"
        )
    )
    assert "component: components/drink-list/index\n" in (folder / "test_search.1.yaml").read_text(encoding="utf-8")
    assert (folder / "test_search.2.yaml").read_text(encoding="utf-8") == (
        '# wxreplay snapshot 1\ntree: |\n  view.card\n    view.tile @tap=onTap data={"drinkId":101}\n'
        '      text.name "拿铁"\n      text.price "¥28"\n'
    )
    assert 'text.name "美式"' in (folder / "test_by_hand.yaml").read_text(encoding="utf-8")
    cafe.runpytest("test_cards.py").stdout.fnmatch_lines(["4 snapshots passed."])


def test_with_syrupy_disabled_scenarios_run_without_snapshots(cafe: pytest.Pytester) -> None:
    cafe.runpytest("-p", "no:syrupy").assert_outcomes(passed=1)
    assert not (cafe.path / "scenarios/__snapshots__").exists()


def test_collect_only_neither_fails_nor_deletes_snapshots(cafe: pytest.Pytester) -> None:
    cafe.runpytest("--snapshot-update").assert_outcomes(passed=1)
    for args in (["--co"], ["--co", "--snapshot-update"]):
        assert cafe.runpytest(*args).ret == pytest.ExitCode.OK
    assert snapshots(cafe.path) == [SNAP.as_posix()]


@pytest.mark.parametrize(
    ("header", "what"),
    [
        ("# wxreplay snapshot 0\n", "is snapshot format version 0"),
        ("", "has no format version (its first line is not a `# wxreplay snapshot N` header)"),
    ],
    ids=["version 0", "no header"],
)
def test_a_snapshot_of_another_format_version_fails_naming_both_then_updates(
    cafe: pytest.Pytester,
    header: str,
    what: str,
) -> None:
    cafe.runpytest("--snapshot-update")
    text = (cafe.path / SNAP).read_text(encoding="utf-8")
    (cafe.path / SNAP).write_text(header + text.split("\n", 1)[1], encoding="utf-8")
    result = cafe.runpytest()
    result.assert_outcomes(failed=1)
    problem = (
        f"snapshot {SNAP.as_posix()} {what}, but this wxreplay reads and writes version 1: "
        "run `pytest --snapshot-update` to rewrite it, then review the change"
    )
    result.stdout.fnmatch_lines(
        [
            problem,
            "[[]- snapshot] == [[]+ received]",
            "*1 snapshot failed.*",
            "FAILED scenarios/latte.scenario.yaml::点一杯拿铁 - snapshot scenarios/*",
        ]
    )
    # In the report, not again in syrupy's diff below it (the short summary line, which pytest
    # does not cut under CI, repeats the message: leave it out of the count).
    report = "\n".join(line for line in result.stdout.lines if not line.startswith("FAILED "))
    assert report.count(problem) == 1
    result.stdout.no_fnmatch_line("*Traceback*")
    cafe.runpytest("--snapshot-update").stdout.fnmatch_lines(["1 snapshot updated."])
    assert (cafe.path / SNAP).read_text(encoding="utf-8") == text
    cafe.runpytest().stdout.fnmatch_lines(["1 snapshot passed."])


def test_a_python_tests_snapshot_of_another_format_version(cafe: pytest.Pytester) -> None:
    cafe.makepyfile(
        test_cards="""
        def test_search(wx_session, wx_snapshot):
            assert wx_session.call("searchDrinks", {"keyword": "拿铁"}) == wx_snapshot
    """
    )
    cafe.runpytest("test_cards.py", "--snapshot-update").stdout.fnmatch_lines(["1 snapshot generated."])
    stored = cafe.path / "__snapshots__/test_cards/test_search.yaml"
    text = stored.read_text(encoding="utf-8")
    stored.write_text(text.replace("# wxreplay snapshot 1\n", "# wxreplay snapshot 2\n", 1), encoding="utf-8")
    result = cafe.runpytest("test_cards.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*snapshot __snapshots__/test_cards/test_search.yaml is snapshot format version 2, but this wxreplay reads "
            "and writes version 1: run `pytest --snapshot-update` to rewrite it, then review the change",
            "*- # wxreplay snapshot 2",
            "*+ # wxreplay snapshot 1",
        ]
    )
    cafe.runpytest("test_cards.py", "--snapshot-update").stdout.fnmatch_lines(["1 snapshot updated."])
    assert stored.read_text(encoding="utf-8") == text

"""The pytest side of compact snapshot values: scenario items, Python tests, the option and the pyproject key.

A pytester project holds a copy of ``tests/skills/catalogue`` (35 items kept in storage) and a
scenario that browses it, changes one price and browses again; pytest runs as users run it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from plugin_support import write

CATALOGUE = Path(__file__).resolve().parents[1] / "skills" / "catalogue"
SCENARIO = textwrap.dedent("""\
    name: 浏览目录并调价
    project: ../skills/catalogue
    turns:
      - user: 看看目录
        plan:
          - call: browseCatalogue
            expect: {structuredContent: {total: 35}}
      - user: 把 SKU1002 改成 21 元
        plan:
          - call: repriceItem
            args: {sku: SKU1002, price: 21}
          - call: browseCatalogue
    """)
SNAP = Path("scenarios/__snapshots__/catalogue.scenario/浏览目录并调价.yaml")
STAND_IN = re.compile(r"items: <compacted list of 35 items, \d+ bytes, sha256=[0-9a-f]{64}>")
PYPROJECT = '[tool.pytest.ini_options]\naddopts = "-p no:cacheprovider"\n'


@pytest.fixture
def shop(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project: the catalogue skill under ``skills/catalogue`` and ``scenarios/catalogue.scenario.yaml``."""
    shutil.copytree(CATALOGUE, pytester.path / "skills" / "catalogue")
    write(pytester.path, {"scenarios/catalogue.scenario.yaml": SCENARIO, "pyproject.toml": PYPROJECT})
    return pytester


def change_one_price(root: Path) -> None:
    data_file = root / "skills" / "catalogue" / "data" / "catalogue.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    data["items"][20]["price"] += 1
    data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_the_scenario_snapshot_is_compact_and_stable(shop: pytest.Pytester) -> None:
    shop.runpytest("--snapshot-update").assert_outcomes(passed=1)
    text = (shop.path / SNAP).read_text(encoding="utf-8")
    assert len(text.encode()) < 3000 and len(STAND_IN.findall(text)) == 5
    result = shop.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["1 snapshot passed."])
    assert (shop.path / SNAP).read_text(encoding="utf-8") == text
    # wxreplay run reads the same file and compacts alike: one verdict from both runners
    done = shop.run(sys.executable, "-m", "wxreplay.cli", "run")
    assert done.ret == 0 and "PASS catalogue" in done.stdout.str()


def test_one_changed_item_fails_with_the_way_to_see_it(shop: pytest.Pytester) -> None:
    shop.runpytest("--snapshot-update").assert_outcomes(passed=1)
    change_one_price(shop.path)
    result = shop.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "the snapshot differs at turn 1 › call browseCatalogue, turn 2 › call repriceItem, turn 2 › call browseCatalogue *",
            "-*items: <compacted list of 35 items, * bytes, sha256=*>",
            "+*items: <compacted list of 35 items, * bytes, sha256=*>",
            "a compacted value differs (a size and a sha256 stand in for it): pytest --wx-snapshot-full shows this run's *",
        ]
    )
    full = shop.runpytest("--wx-snapshot-full")  # the diff shows this run's values in full
    full.assert_outcomes(failed=1)
    full.stdout.fnmatch_lines(["+*- sku: SKU1001"])


def test_full_values_with_the_option_or_the_pyproject_key(shop: pytest.Pytester) -> None:
    shop.runpytest("--wx-snapshot-full", "--snapshot-update").assert_outcomes(passed=1)
    text = (shop.path / SNAP).read_text(encoding="utf-8")
    assert "<compacted" not in text and text.count("- sku: SKU1035") == 5
    shop.runpytest("--wx-snapshot-full").assert_outcomes(passed=1)
    shop.runpytest().assert_outcomes(failed=1)  # compacted by default: the full snapshot differs
    write(shop.path, {"pyproject.toml": PYPROJECT + "\n[tool.wxreplay]\nsnapshot_compact_bytes = 0\n"})
    shop.runpytest().assert_outcomes(passed=1)
    write(shop.path, {"pyproject.toml": PYPROJECT + "\n[tool.wxreplay]\nsnapshot_compact_bytes = 1000000\n"})
    shop.runpytest().assert_outcomes(passed=1)


def test_a_bad_key_is_a_usage_error(shop: pytest.Pytester) -> None:
    write(shop.path, {"pyproject.toml": PYPROJECT + "\n[tool.wxreplay]\nsnapshot_compact_bytes = '4k'\n"})
    result = shop.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: wxreplay: pyproject.toml:5:26: [[]tool.wxreplay] snapshot_compact_bytes must be a whole number of bytes*",
            "*> 5 | snapshot_compact_bytes = '4k'",
            "*fix: write snapshot_compact_bytes = 4096*",
        ]
    )


def test_python_tests_get_compact_call_snapshots(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_shop=f"""
        from wxreplay import Project, Session

        def test_browse(wx_snapshot):
            with Session(Project.load({str(shop.path / "skills" / "catalogue")!r})) as s:
                result = s.call("browseCatalogue", {{}})
                assert len(result.host_events[1].args[1]["items"]) == 35  # the call keeps every value
                assert result == wx_snapshot
        """
    )
    shop.runpytest("test_shop.py", "--snapshot-update").assert_outcomes(passed=1)
    (snap,) = (shop.path / "__snapshots__" / "test_shop").glob("*.yaml")
    text = snap.read_text(encoding="utf-8")
    assert len(STAND_IN.findall(text)) == 2 and "SKU1035" not in text
    shop.runpytest("test_shop.py").assert_outcomes(passed=1)
    shop.runpytest("test_shop.py", "--wx-snapshot-full").assert_outcomes(failed=1)

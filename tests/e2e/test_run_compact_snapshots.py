"""``wxreplay run`` over a skill that keeps a 35-item catalogue in storage: small, stable, honest snapshots.

Each test copies ``tests/skills/catalogue`` into a temp project (so one item can be changed) with a
scenario that browses the catalogue, changes one price and browses again: five host calls carry
the whole catalogue. Everything runs as a user runs it, ``wxreplay run`` in its own process.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from e2e_support import ROOT, wxreplay

CATALOGUE = ROOT / "tests" / "skills" / "catalogue"
SCENARIO = textwrap.dedent("""\
    name: 浏览目录并调价
    project: ../skills/catalogue
    turns:
      - user: 看看目录
        plan:
          - call: browseCatalogue
            expect: {structuredContent: {total: 35}}
          - reply: 目录里有 35 件商品。
      - user: 把 SKU1002 改成 21 元
        plan:
          - call: repriceItem
            args: {sku: SKU1002, price: 21}
          - call: browseCatalogue
            args: {category: snack}
            expect: {structuredContent: {total: 8}}
    """)
SNAPSHOT = Path("scenarios/__snapshots__/catalogue.scenario/浏览目录并调价.yaml")
STAND_IN = re.compile(r"items: <compacted list of 35 items, \d+ bytes, sha256=[0-9a-f]{64}>")


def project(root: Path, pyproject: str = "") -> Path:
    """A project under ``root``: the catalogue skill, the scenario, and a pyproject.toml holding ``pyproject``."""
    shutil.copytree(CATALOGUE, root / "skills" / "catalogue")  # where its createSkill path says it lives
    (root / "scenarios").mkdir()
    (root / "scenarios" / "catalogue.scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n' + pyproject, encoding="utf-8")
    return root


def change_one_price(root: Path) -> None:
    data_file = root / "skills" / "catalogue" / "data" / "catalogue.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    data["items"][6]["price"] += 1  # SKU1007: same size, one digit different
    data_file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A project with the default configuration (no [tool.wxreplay])."""
    return project(tmp_path / "shop")


def test_the_snapshot_is_small_and_byte_stable_across_runs(shop: Path, tmp_path: Path) -> None:
    written = wxreplay("run", "--snapshot-update", cwd=shop)
    assert written.returncode == 0, written.stdout + written.stderr
    text = (shop / SNAPSHOT).read_text(encoding="utf-8")
    assert len(text.encode()) < 4000  # five host calls carrying 9 KB each
    assert len(STAND_IN.findall(text)) == 5
    assert "目录中有 35 件商品。" in text and "白桃乌龙 的价格已改为 21 元。" in text  # facts stay in full
    again = wxreplay("run", cwd=shop)
    assert again.returncode == 0 and "PASS catalogue" in again.stdout, again.stdout + again.stderr
    assert (shop / SNAPSHOT).read_text(encoding="utf-8") == text
    other = project(tmp_path / "other")  # another copy, another process: the same bytes
    assert wxreplay("run", "--snapshot-update", cwd=other).returncode == 0
    assert (other / SNAPSHOT).read_text(encoding="utf-8") == text
    full = project(tmp_path / "full")
    assert wxreplay("run", "--snapshot-update", "--snapshot-full", cwd=full).returncode == 0
    assert len((full / SNAPSHOT).read_bytes()) > 40_000 > 10 * len(text.encode())


def test_one_changed_item_changes_the_snapshot(shop: Path) -> None:
    assert wxreplay("run", "--snapshot-update", cwd=shop).returncode == 0
    before = (shop / SNAPSHOT).read_text(encoding="utf-8")
    change_one_price(shop)
    failed = wxreplay("run", cwd=shop)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    out = failed.stdout
    assert "FAIL catalogue" in out and "the snapshot differs at turn 1 › call browseCatalogue" in out
    removed = [ln for ln in out.splitlines() if ln.startswith("  -  ")]
    added = [ln for ln in out.splitlines() if ln.startswith("  +  ")]
    assert len(removed) == len(added) == 5 and all(STAND_IN.search(ln) for ln in removed + added)
    assert "a compacted value differs (a size and a sha256 stand in for it): wxreplay run --snapshot-full" in out
    assert (shop / SNAPSHOT).read_text(encoding="utf-8") == before  # a failing check writes nothing
    assert wxreplay("run", "--snapshot-update", cwd=shop).returncode == 0
    assert wxreplay("run", cwd=shop).returncode == 0


def test_full_values_on_request(shop: Path) -> None:
    assert wxreplay("run", "--snapshot-update", cwd=shop).returncode == 0
    shown = wxreplay("run", "--snapshot-full", cwd=shop)  # the diff shows this run's values in full
    assert shown.returncode == 1 and "+        - sku: SKU1035" in shown.stdout, shown.stdout
    assert wxreplay("run", "--snapshot-full", "--snapshot-update", cwd=shop).returncode == 0
    text = (shop / SNAPSHOT).read_text(encoding="utf-8")
    assert "<compacted" not in text and text.count("- sku: SKU1035") == 5
    assert wxreplay("run", "--snapshot-full", cwd=shop).returncode == 0
    assert wxreplay("run", cwd=shop).returncode == 1  # the configuration compacts: a full snapshot differs


@pytest.mark.parametrize("setting, compacted", [("0", False), ("false", False), ("100000", False), ("1000", True)])
def test_the_pyproject_key_sets_the_limit(tmp_path: Path, setting: str, compacted: bool) -> None:
    shop = project(tmp_path / "shop", f"\n[tool.wxreplay]\nsnapshot_compact_bytes = {setting}\n")
    done = wxreplay("run", str(shop / "scenarios"), "--snapshot-update", cwd=tmp_path)  # found from the path given
    assert done.returncode == 0, done.stdout + done.stderr
    text = (shop / SNAPSHOT).read_text(encoding="utf-8")
    assert ("<compacted" in text) is compacted
    assert ("SKU1035" in text) is not compacted


def test_a_bad_key_is_a_usage_error_naming_the_line(tmp_path: Path) -> None:
    shop = project(tmp_path / "shop", "\n[tool.wxreplay]\nsnapshot_compact_bytes = 'small'\n")
    done = wxreplay("run", cwd=shop)
    assert done.returncode == 2 and done.stdout == "", done.stdout
    assert done.stderr.startswith(
        "wxreplay: error: pyproject.toml:5:26: [tool.wxreplay] snapshot_compact_bytes must be a whole number of bytes"
    ), done.stderr
    assert "> 5 | snapshot_compact_bytes = 'small'" in done.stderr and "Traceback" not in done.stderr


def test_the_json_transcript_keeps_every_value(shop: Path) -> None:
    done = wxreplay("run", "--snapshot-update", "--json", "out", cwd=shop)
    assert done.returncode == 0, done.stdout + done.stderr
    transcript = json.loads((shop / "out" / "catalogue.json").read_text(encoding="utf-8"))
    writes = [h for t in transcript["turns"] for s in t["steps"] for h in s.get("hostCalls", []) if h["name"] == "setStorageSync"]
    assert [len(h["args"][1]["items"]) for h in writes] == [35, 35]
    assert [h["args"][1]["items"][1]["price"] for h in writes] == [19, 21]

"""``pytest --wx-lint``: the project under test is linted once per session, as one item that fails with the findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "westore-cafe"


@pytest.fixture
def shop(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir with a copy of the example project under ``shop/`` (its service folder left out), configured."""
    shutil.copytree(EXAMPLE, pytester.path / "shop", ignore=shutil.ignore_patterns("service", "__pycache__"))
    pytester.makeini("[pytest]\nwxreplay_project = shop\n")
    pytester.makepyfile(test_a="def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    return pytester


def test_clean_project_passes_as_one_item(shop: pytest.Pytester) -> None:
    result = shop.runpytest("--wx-lint", "-v")
    result.assert_outcomes(passed=3)
    assert len([line for line in result.outlines if "wxreplay-lint" in line and "PASSED" in line]) == 1


def test_findings_fail_the_lint_item_with_the_report(shop: pytest.Pytester) -> None:
    api = shop.path / "shop" / "skills" / "coffee" / "apis" / "getOrder.js"
    api.write_text(
        api.read_text(encoding="utf-8").replace("async function", "const app = getApp()\nasync function", 1), encoding="utf-8"
    )
    result = shop.runpytest("--wx-lint")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*skills/coffee/apis/getOrder.js:*: WXR109 (V001) getApp() in skill code*"])
    assert "Traceback" not in result.stdout.str()


def test_the_ini_key_turns_it_on_and_strict_settings_apply(shop: pytest.Pytester) -> None:
    card = shop.path / "shop" / "skills" / "coffee" / "components" / "drink-list" / "index.wxml"
    card.write_text(card.read_text(encoding="utf-8").replace('hover-class="', 'data-x="', 1), encoding="utf-8")
    shop.makeini("[pytest]\nwxreplay_project = shop\nwxreplay_lint = true\n")
    shop.runpytest().assert_outcomes(passed=3)  # a warning: not a failure by default
    (shop.path / "pyproject.toml").write_text("[tool.wxreplay.lint]\nstrict = true\n", encoding="utf-8")
    result = shop.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*WXR307*hover-class*"])


def test_without_the_option_nothing_is_linted(shop: pytest.Pytester) -> None:
    shop.runpytest().assert_outcomes(passed=2)


def test_no_project_configured_is_a_clear_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_a="def test_one():\n    pass\n")
    result = pytester.runpytest("--wx-lint")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*--wx-lint needs the project*"])

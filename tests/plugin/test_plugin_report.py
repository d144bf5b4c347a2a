"""``pytest --wx-report FILE`` (issue 18): the HTML report of the scenarios a pytest run ran, at its end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "westore-cafe"


def _copy(pytester: pytest.Pytester, stem: str, *, total: int = 9) -> None:
    """scenarios/<stem>.scenario.yaml into the pytester folder, its project and cassette named absolutely."""
    text = (ROOT / "scenarios" / f"{stem}.scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("project: ../examples/westore-cafe", f"project: {EXAMPLE}\ncassette: {ROOT / 'cassettes' / stem}.yaml")
    text = text.replace('structuredContent: {keyword: "", total: 9}', f'structuredContent: {{keyword: "", total: {total}}}')
    (pytester.path / f"{stem}.scenario.yaml").write_text(text, encoding="utf-8")


def test_wx_report_writes_the_scenarios_of_the_run(pytester: pytest.Pytester) -> None:
    _copy(pytester, "latte-less-sugar")
    _copy(pytester, "order-not-found", total=8)  # fails: the menu has 9 drinks
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_subprocess("--snapshot-update", "--wx-report", "out/report.html", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*wxreplay: wrote the report *report.html (2 scenarios)*"])
    html = (pytester.path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.count('<article class="scenario"') == 2
    assert re.search(r'data-status="passed".*?点一杯拿铁，少糖（卡片点选）', html)
    assert re.search(r'data-status="failed".*?查询不存在的订单与饮品', html)
    assert '<td class="expected">8</td><td class="actual">9</td>' in html
    assert 'data-component="components/drink-list/index"' in html and '<div class="bubble user">' in html


def test_without_the_option_no_report_is_written(pytester: pytest.Pytester) -> None:
    _copy(pytester, "order-not-found")
    pytester.makeini("[pytest]\n")
    pytester.runpytest_subprocess("--snapshot-update", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert not list(pytester.path.rglob("*.html"))


def test_wx_report_under_xdist_holds_every_worker_s_scenarios(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    _copy(pytester, "latte-less-sugar")
    _copy(pytester, "order-not-found")
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_subprocess("-n", "2", "--snapshot-update", "--wx-report", "r.html", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    html = (pytester.path / "r.html").read_text(encoding="utf-8")
    assert html.count('data-status="passed"') == 2


# A skill's own text, in V8: a drink named with markup, shown by the API's facts and the card.
EVIL = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def test_a_skill_s_markup_stays_text_in_the_report(cafe: pytest.Pytester) -> None:
    from html.parser import HTMLParser

    from plugin_support import write

    menu = cafe.path / "cafe" / "skills" / "cafe" / "apis" / "searchDrinks.js"
    js = menu.read_text(encoding="utf-8").replace("name: '拿铁'", "name: " + json.dumps(EVIL))
    js = js.replace("'找到 ' + items.length", "'找到 ' + items.map((d) => d.name).join('、') + ' ' + items.length")
    menu.write_text(js, encoding="utf-8")
    write(
        cafe.path,
        {
            "scenarios/latte.scenario.yaml": f"""\
                name: 菜单
                turns:
                  - user: {json.dumps(EVIL)}
                    plan:
                      - call: searchDrinks
                        expect: {{facts: {json.dumps(EVIL)}}}
                      - render: searchDrinks
                        expect: {{card: {{text: {json.dumps(EVIL)}}}}}
                """
        },
    )
    result = cafe.runpytest_subprocess("--snapshot-update", "--wx-report", "r.html", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    html = (cafe.path / "r.html").read_text(encoding="utf-8")

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, attrs))

    parser = Tags()
    parser.feed(html)
    assert [t for t, _ in parser.tags].count("script") == 1  # the report's own
    assert [t for t, _ in parser.tags].count("img") == 0
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a.startswith("on")]
    escaped = "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;"
    assert f'<div class="bubble user">{escaped}' in html  # the user's bubble
    assert f'<li class="fact">找到 {escaped}' in html  # the API's fact
    # and the card's tile, as text inside its shadow root
    assert 'class="name">&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;&lt;img src=x onerror="' in html

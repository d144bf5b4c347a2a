"""Issue 18: ``wxreplay report`` and ``wxreplay coverage`` over the example suite, as a user runs them.

The report is opened in headless Chromium: bubbles, cards (in their shadow roots, WXSS applied),
the filters, all queried through the browser's DOM, and a screenshot is taken. A failing scenario
shows expected beside actual; coverage numbers of the example suite are exact.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CASSETTES, EXAMPLE, ROOT, SCENARIOS, wxreplay

from wxreplay.cards.browser import _flags, _offline, find_chromium, screenshot

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed (apt-get install chromium)")

# The example suite's coverage, counted by hand from scenarios/ and examples/westore-cafe/skills/coffee/mcp.json:
# 6 APIs, all called; 4 bound cards, all rendered; 6 (card, tap handler) pairs seen, 4 tapped
# (drink-detail's onTapSize and order-confirm's onCancel never are); isError answered by getOrder,
# selectDrink, cancelOrder and payOrder, never by searchDrinks or createOrder.
EXAMPLE_COVERAGE = {"apis": (6, 6), "cards": (4, 4), "taps": (4, 6), "errors": (4, 6)}


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``wxreplay report`` over scenarios/, once for the module."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    return wxreplay("report", "-o", str(out)), out


def test_the_report_of_the_example_suite_is_one_offline_page_with_every_scenario(
    example_report: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, out = example_report
    assert done.returncode == 0, done.stderr
    assert f"wrote {out} (9 scenarios: 9 passed, 0 failed)" in done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.count('<article class="scenario"') == 9 and html.count('data-status="passed"') == 9
    assert "default-src 'none'" in html  # nothing may load
    assert not re.search(r"""<(?:link|script|iframe|img)\b[^>]*\s(?:src|href)=["']?(?:https?:)?//""", html)
    assert '<div class="bubble user">点一杯 WeStore 拿铁，少糖</div>' in html
    assert 'data-component="components/drink-list/index"' in html and "shadowrootmode" in html
    assert '<li class="fact">' in html and '<li class="action">' in html
    assert '<details class="timeline"><summary>HTTP and host calls' in html
    assert "request GET http://127.0.0.1:8765/api/drinks" in html and "[cassette #" in html
    assert '<div class="event lifecycle">background 20m</div>' in html
    assert '<td data-measure="taps">4/6 (67%)' in html


def _scenario_failing_at_total(tmp: Path) -> Path:
    """order-not-found, with its searchDrinks expecting 8 drinks where the menu has 9."""
    text = (SCENARIOS / "order-not-found.scenario.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "project: ../examples/westore-cafe", f"project: {EXAMPLE}\ncassette: {CASSETTES / 'order-not-found.yaml'}"
    )
    assert 'structuredContent: {keyword: "", total: 9}' in text
    text = text.replace('structuredContent: {keyword: "", total: 9}', 'structuredContent: {keyword: "", total: 8}')
    path = tmp / "wrong-total.scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_failing_scenario_shows_its_difference_expected_beside_actual(tmp_path: Path) -> None:
    scenario = _scenario_failing_at_total(tmp_path)
    out = tmp_path / "r.html"
    done = wxreplay("report", str(scenario), "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stderr and "1 failed" in done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'data-status="failed"' in html
    row = re.search(r'<table class="diff">.*?</table>', html, re.DOTALL)
    assert row is not None
    assert '<td class="path">turn 2 › searchDrinks › structuredContent.total</td>' in row.group(0)
    assert '<td class="expected">8</td><td class="actual">9</td>' in row.group(0)
    assert "wrong-total.scenario.yaml:" in html  # the full report names the file and line
    # the failing scenario's steps are not counted as coverage
    assert "not counted (did not pass)" in html


def _coverage(*args: str) -> dict[str, Any]:
    done = wxreplay("coverage", *args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_coverage_of_the_example_suite_is_exact() -> None:
    data = _coverage()
    (skill,) = data["skills"]
    assert skill["skill"] == "westore-cafe · coffee" and skill["scenarios"] == 9
    got = {m: (len(skill[m]["covered"]), skill[m]["total"]) for m in EXAMPLE_COVERAGE}
    assert got == EXAMPLE_COVERAGE
    assert skill["taps"]["missed"] == ["components/drink-detail/index onTapSize", "components/order-confirm/index onCancel"]
    assert skill["errors"]["missed"] == ["createOrder", "searchDrinks"]
    assert (data["covered"], data["total"], data["percent"]) == (18, 22, 81.82)


def test_coverage_of_one_scenario_is_exact() -> None:
    data = _coverage("scenarios/order-not-found.scenario.yaml")
    (skill,) = data["skills"]
    assert skill["apis"]["covered"] == ["cancelOrder", "getOrder", "searchDrinks", "selectDrink"]
    assert skill["cards"]["covered"] == ["components/drink-list/index"] and skill["cards"]["total"] == 4
    assert skill["errors"]["covered"] == ["cancelOrder", "getOrder", "selectDrink"]
    # the drink list shows tiles bound to onTapDrink; nothing is tapped
    assert skill["taps"]["covered"] == [] and skill["taps"]["missed"] == ["components/drink-list/index onTapDrink"]
    assert (data["covered"], data["total"]) == (4 + 1 + 0 + 3, 6 + 4 + 1 + 6)


def test_coverage_table_and_fail_under() -> None:
    table = wxreplay("coverage")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[1].split() == [
        "westore-cafe",
        "·",
        "coffee",
        "9",
        "6/6",
        "100%",
        "4/4",
        "100%",
        "4/6",
        "67%",
        "4/6",
        "67%",
    ]
    assert "overall: 18/22 items covered, 81.8%" in table.stdout
    assert wxreplay("coverage", "--fail-under", "81").returncode == 0
    under = wxreplay("coverage", "--fail-under", "82")
    assert under.returncode == 1 and "coverage 81.8% is under --fail-under 82%" in under.stderr
    bad = wxreplay("coverage", "--fail-under", "120")
    assert bad.returncode == 2 and "--fail-under must be a percent from 0 to 100" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_report_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    done = wxreplay("report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "no such file or directory" in done.stderr and "Traceback" not in done.stderr


# ---- in a real browser ------------------------------------------------------------------------------

# Runs in the report page after load; writes what the DOM holds (through the cards' shadow roots) as JSON.
_QUERY = """<script>
window.addEventListener("load", function () {
  var out = {articles: document.querySelectorAll("article.scenario").length,
             userBubbles: document.querySelectorAll(".bubble.user").length,
             calls: document.querySelectorAll(".bubble.call").length,
             facts: document.querySelectorAll("li.fact").length,
             actions: document.querySelectorAll("li.action").length,
             lightCardNodes: document.querySelectorAll("[data-wx-tag]").length,
             h1FontSize: getComputedStyle(document.querySelector("h1")).fontSize,
             templatesLeft: document.querySelectorAll("template[shadowrootmode]").length,
             cards: []};
  document.querySelectorAll(".wx-card").forEach(function (host) {
    var root = host.shadowRoot, card = root && root.getElementById("wxr-card"), title = root && root.querySelector(".title");
    out.cards.push({component: host.dataset.component, shadow: !!root,
      width: card ? card.getBoundingClientRect().width : null,
      text: card ? card.textContent.slice(0, 60) : "",
      titleFontSize: title ? getComputedStyle(title).fontSize : null,
      titleWeight: title ? getComputedStyle(title).fontWeight : null});
  });
  var text = document.getElementById("f-text");
  text.value = "drinkId 为 999";
  text.dispatchEvent(new Event("input"));
  out.shownAfterSearch = Array.prototype.filter.call(document.querySelectorAll("article.scenario"),
    function (a) { return !a.hidden; }).map(function (a) { return a.querySelector(".name").textContent; });
  var status = document.getElementById("f-status");
  text.value = ""; status.value = "failed"; status.dispatchEvent(new Event("change"));
  out.shownFailed = document.querySelectorAll("article.scenario:not([hidden])").length;
  var pre = document.createElement("pre"); pre.id = "wxr-query"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _query_in_chromium(html: str) -> dict[str, Any]:
    exe = find_chromium()
    assert exe is not None
    page_html = _offline(html).replace("</body>", _QUERY + "</body>")
    with tempfile.TemporaryDirectory(prefix="wxreplay-report-test-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(page_html, encoding="utf-8")
        args = [
            exe,
            *_flags(Path(tmp) / "profile"),
            "--window-size=1000,1400",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
    found = re.search(r'<pre id="wxr-query">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, done.stderr[-2000:]
    data: dict[str, Any] = json.loads(
        found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    return data


@needs_chromium
def test_the_report_in_headless_chromium_shows_bubbles_and_styled_cards(
    example_report: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
) -> None:
    _, out = example_report
    html = out.read_text(encoding="utf-8")
    dom = _query_in_chromium(html)
    assert dom["articles"] == 9
    assert dom["userBubbles"] == html.count('<div class="bubble user">') > 9
    assert dom["calls"] > 9 and dom["facts"] > 9 and dom["actions"] > 9
    assert dom["templatesLeft"] == 0  # every card got its shadow root
    assert dom["lightCardNodes"] == 0  # card nodes live only inside shadow roots: their CSS cannot leak
    assert dom["h1FontSize"] == "18px"  # the report's own style, untouched by any card's WXSS
    assert len(dom["cards"]) == html.count('class="wx-card"') > 9
    assert all(c["shadow"] and c["width"] == 393 for c in dom["cards"])
    lists = [c for c in dom["cards"] if c["component"] == "components/drink-list/index"]
    assert any(c["text"].startswith("「拿铁」相关饮品共 4 款拿铁¥28.00") for c in lists)
    # drink-list/index.wxss: .title { font-size: 34rpx; font-weight: 600 } at 393 px: 17.816 px
    assert {(c["titleFontSize"], c["titleWeight"]) for c in lists} == {("17.816px", "600")}
    assert dom["shownAfterSearch"] == ["查询不存在的订单与饮品"]  # the text filter
    assert dom["shownFailed"] == 0  # the status filter: nothing failed
    shot = tmp_path / "report.png"
    screenshot(html, shot, width=900, height=1200)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_readme_shows_a_screenshot_of_the_report() -> None:
    shot = ROOT / "docs" / "report.png"
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size < 300_000
    assert "](docs/report.png)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_scenario_that_does_not_load_is_an_error_entry(tmp_path: Path) -> None:
    bad = tmp_path / "bad.scenario.yaml"
    bad.write_text(
        f"name: 坏文件\nproject: {EXAMPLE}\nturns:\n  - user: 你好\n    plan:\n      - call: noSuchApi\n", encoding="utf-8"
    )
    out = tmp_path / "r.html"
    done = wxreplay("report", str(bad), "-o", str(out))
    assert done.returncode == 1 and "ERROR" in done.stderr and "Traceback" not in done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'data-status="error"' in html and "noSuchApi" in html and "bad.scenario.yaml:6" in html

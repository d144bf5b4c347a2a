"""The HTML report escapes everything: a skill's text, a card's tree, a failure never become markup or script."""

from __future__ import annotations

import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from wxreplay.cards.browser import _flags, find_chromium
from wxreplay.report_html import render_report
from wxreplay.report_run import ScenarioEntry, SkillInfo

EVIL = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
BREAKOUT = "</template></div><script>document.title='pwned'</script>"
STYLE_BREAKOUT = ".t { color: red; content: \"</style><script>document.title='pwned'</script>\"; }"


def _hostile_entry() -> ScenarioEntry:
    tree = [
        {
            "tag": "view",
            "class": 'title "><script>x</script>',
            "attrs": {"hover-class": EVIL, "style": "color: red; } </style><script>x</script>"},
            "data": {"item": EVIL, 'k"><b': 1},
            "on": {"tap": EVIL},
            "children": [
                {"text": EVIL},
                {"tag": "text", "class": "t", "text": BREAKOUT},
                {"tag": "image", "attrs": {"src": EVIL}},
            ],
        }
    ]
    turns = [
        {"index": 1, "kind": "user", "session": 1, "user": EVIL, "steps": [
            {"kind": "call", "api": EVIL, "arguments": {"q": EVIL},
             "result": {"isError": True, "facts": [EVIL], "actions": [BREAKOUT]},
             "hostCalls": [{"name": "request", "method": "GET", "url": "http://x/" + EVIL, "status": 200},
                           {"name": EVIL, "context": "api", "args": {"a": EVIL}, "ok": True, "outcome": EVIL}],
             "findings": [{"level": "warning", "message": EVIL, "code": EVIL}]},
            {"kind": "render", "api": "a", "card": {"number": 1, "component": "components/c/index", "tree": tree}},
            {"kind": "render", "api": "a", "card": {"number": 2, "component": EVIL, "tree": tree}},
            {"kind": "tap", "api": "a", "card": {"component": EVIL, "target": EVIL, "handlers": [EVIL], "rerendered": False},
             "message": {"text": EVIL, "apiCalls": [{"name": EVIL, "arguments": {"x": EVIL}}]}},
            {"kind": "reply", "reply": EVIL},
        ]},
        {"index": 2, "kind": "lifecycle", "session": 1, "event": EVIL, "steps": []},
    ]  # fmt: skip
    skill = SkillInfo(EVIL, EVIL, (EVIL,), ("components/c/index",), {"components/c/index": STYLE_BREAKOUT})
    return ScenarioEntry(
        name=EVIL,
        file=EVIL,
        status="failed",
        skill=skill,
        transcript={"findings": [], "turns": turns},
        failure={"reason": EVIL, "differences": [{"path": EVIL, "kind": "equal", "expected": EVIL, "actual": {"k": EVIL}}]},
        failure_text=EVIL + "\n" + BREAKOUT,
        note=EVIL,
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_hostile_text_everywhere_stays_text() -> None:
    html = render_report([_hostile_entry()], title=EVIL)
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    assert [t for t, _ in tags].count("script") == 1  # the report's own filter script, nothing else
    assert not [(t, a) for t, attrs in tags for a, _ in attrs if a.startswith("on")]  # no event handler attribute
    imgs = [dict(a) for t, a in tags if t == "img"]
    assert len(imgs) == 2  # the two cards' own <image>, their src made inert
    assert all(str(img["src"]).startswith("data:image/gif") for img in imgs)
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    assert "<\\/style><script>" in html and "</style><script>" not in html  # a WXSS string cannot close <style>


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_hostile_text_runs_no_script_in_a_browser() -> None:
    html = render_report([_hostile_entry()], title="report")
    exe = find_chromium()
    assert exe is not None
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "r.html"
        page.write_text(html, encoding="utf-8")
        args = [exe, *_flags(Path(tmp) / "p"), "--virtual-time-budget=2000", "--dump-dom", page.as_uri()]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
    assert "<title>report</title>" in done.stdout, done.stderr[-1000:]
    assert "pwned</title>" not in done.stdout

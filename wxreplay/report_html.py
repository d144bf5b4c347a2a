"""The HTML report: one self-contained static page showing each scenario as a chat.

Inline CSS and JS, no network (a Content-Security-Policy allows nothing to load but inline styles,
inline scripts and ``data:`` images), viewable offline. Per scenario: user bubbles, the assistant's
calls with facts and actions apart, cards rendered as cards (:mod:`wxreplay.report_cards`), upstream
messages, lifecycle events, an expandable timeline of HTTP and host calls per turn, and for a
failure the differences (expected beside actual) and the full report. On top: the pass/fail summary,
coverage per skill, and filters (status, skill, text search) run by a small inline script.

Every text comes from a :class:`~wxreplay.report_run.ScenarioEntry`, masked already, and is
HTML-escaped here: a skill's text never becomes markup or script.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from wxreplay.coverage import MEASURES, Coverage, compute
from wxreplay.report_cards import card_fragment
from wxreplay.report_run import ScenarioEntry

__all__ = ["render_report"]

_CSP = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
_TITLES = {"apis": "APIs", "cards": "cards", "taps": "tappable nodes", "errors": "isError paths"}

_CSS = """
:root { --ok: #1a7f37; --bad: #cf222e; --muted: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  background: #f6f8fa; color: #1f2328; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 10px 16px; }
h1 { font-size: 18px; margin: 0 0 6px; }
.summary span { margin-right: 12px; }
.summary .passed { color: var(--ok); font-weight: 600; } .summary .failed { color: var(--bad); font-weight: 600; }
.filters { margin-top: 6px; display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.filters input[type=search] { min-width: 220px; padding: 3px 6px; }
main { padding: 12px 16px; max-width: 980px; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
details.coverage { margin-bottom: 12px; }
.missed { color: var(--muted); font-size: 12px; }
article.scenario { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 0 0 16px; padding: 10px 14px; }
article.scenario[hidden] { display: none; }
article h2 { font-size: 15px; margin: 0; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.badge { font-size: 11px; text-transform: uppercase; padding: 1px 6px; border-radius: 10px; color: #fff;
  background: var(--muted); }
.badge.passed { background: var(--ok); } .badge.failed, .badge.error { background: var(--bad); }
.meta { color: var(--muted); font-size: 12px; }
.chat { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; }
.turn { display: flex; flex-direction: column; gap: 6px; border-top: 1px dashed var(--line); padding-top: 6px; }
.bubble { max-width: 80%; padding: 6px 10px; border-radius: 12px; white-space: pre-wrap; word-break: break-word; }
.bubble.user { align-self: flex-end; background: #95ec69; }
.bubble.assistant { align-self: flex-start; background: #fff; border: 1px solid var(--line); }
.bubble.upstream { align-self: flex-end; background: #e7f3ff; border: 1px solid #b6d4fe; }
.call .api { font-family: ui-monospace, monospace; font-weight: 600; }
.call .args { font-family: ui-monospace, monospace; color: var(--muted); }
.call.is-error { border-color: var(--bad); }
ul.facts, ul.actions { margin: 4px 0 0; padding-left: 18px; }
li.fact::marker { content: "✓ "; color: var(--ok); } li.action::marker { content: "→ "; color: #0969da; }
li.action { color: #0969da; }
.event { align-self: center; font-size: 12px; color: var(--muted); background: #eaeef2; border-radius: 10px; padding: 1px 10px; }
.finding { font-size: 12px; color: #9a6700; }
figure.card-figure { margin: 0; align-self: flex-start; }
figure.card-figure figcaption { font-size: 12px; color: var(--muted); }
.wx-card { border-radius: 8px; overflow: hidden; box-shadow: 0 1px 3px rgba(0,0,0,.15); width: max-content; }
details.timeline summary { cursor: pointer; font-size: 12px; color: var(--muted); }
details.timeline ol { margin: 4px 0; font-family: ui-monospace, monospace; font-size: 12px; }
.failure { border-left: 3px solid var(--bad); background: #fff5f5; padding: 6px 10px; margin-top: 8px; }
.failure .headline { font-weight: 600; color: var(--bad); }
.diff td.expected { background: #dafbe1; } .diff td.actual { background: #ffebe9; }
.diff td { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
pre.report { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #fff; padding: 6px; }
"""

# Filters: status, skill, text. Declarative shadow roots are parsed by current browsers; the fallback
# attaches them where a browser left the <template> as it is.
_JS = """
(function () {
  document.querySelectorAll("template[shadowrootmode]").forEach(function (t) {
    var host = t.parentNode;
    if (host && !host.shadowRoot) { host.attachShadow({mode: "open"}).appendChild(t.content); t.remove(); }
  });
  var status = document.getElementById("f-status"), skill = document.getElementById("f-skill"),
      text = document.getElementById("f-text"), shown = document.getElementById("f-shown");
  function apply() {
    var q = text.value.trim().toLowerCase(), n = 0;
    document.querySelectorAll("article.scenario").forEach(function (a) {
      var ok = (status.value === "all" || a.dataset.status === status.value ||
                (status.value === "failed" && a.dataset.status === "error")) &&
               (skill.value === "all" || a.dataset.skill === skill.value) &&
               (!q || a.textContent.toLowerCase().indexOf(q) >= 0);
      a.hidden = !ok; if (ok) { n++; }
    });
    shown.textContent = n + " shown";
  }
  [status, skill, text].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  apply();
})();
"""


def _e(value: Any) -> str:
    return escape(value if isinstance(value, str) else _json(value), quote=True)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _clip(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_report(entries: Sequence[ScenarioEntry], *, title: str = "wxreplay report", coverage: Coverage | None = None) -> str:
    """The report page of ``entries`` (coverage computed from them when not given)."""
    cov = coverage if coverage is not None else compute(entries)
    counts = {s: sum(e.status == s for e in entries) for s in ("passed", "failed", "error", "xfailed", "skipped")}
    skills = entries_skills(entries)
    summary = "".join(
        f'<span class="{s}" data-count="{s}">{n} {s}</span>' for s, n in counts.items() if n or s in ("passed", "failed")
    )
    options = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in skills)
    body = "\n".join(_scenario(i, e) for i, e in enumerate(entries, 1))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="generator" content="wxreplay">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{_e(title)}</h1><div class="summary" id="summary">{len(entries)} scenarios: {summary}</div>'
        '<div class="filters"><label>status <select id="f-status"><option value="all">all</option>'
        '<option value="passed">passed</option><option value="failed">failed</option>'
        '<option value="xfailed">xfailed</option><option value="skipped">skipped</option></select></label>'
        f'<label>skill <select id="f-skill"><option value="all">all</option>{options}</select></label>'
        '<label>search <input type="search" id="f-text" placeholder="text in the conversation"></label>'
        '<span id="f-shown" class="meta"></span></div></header>\n'
        f"<main>\n{_coverage(cov)}\n{body}\n</main>\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _coverage(cov: Coverage) -> str:
    rows = []
    for s in cov.skills:
        cells = []
        for name in MEASURES:
            m = s.measures[name]
            pct = f" ({m.percent:.0f}%)" if m.percent is not None else ""
            missed = f'<div class="missed">not covered: {_e(", ".join(m.missed))}</div>' if m.missed else ""
            cells.append(f'<td data-measure="{name}">{len(m.covered & m.total)}/{len(m.total)}{pct}{missed}</td>')
        rows.append(f'<tr data-skill="{_e(s.skill)}"><td>{_e(s.skill)}</td><td>{s.scenarios}</td>{"".join(cells)}</tr>')
    covered, total = cov.totals()
    head = "".join(f"<th>{_TITLES[m]}</th>" for m in MEASURES)
    left = "".join(f"<li>{_e(w)}</li>" for w in cov.left_out)
    return (
        f'<details class="coverage" open><summary>coverage: <span id="coverage-percent">{cov.percent:.1f}%</span> '
        f"({covered}/{total} items; only passing scenarios count)</summary>"
        f'<table id="coverage"><tr><th>skill</th><th>scenarios</th>{head}</tr>{"".join(rows)}</table>'
        + (f'<p class="meta">not counted (did not pass):</p><ul class="meta">{left}</ul>' if left else "")
        + "</details>"
    )


def _scenario(index: int, entry: ScenarioEntry) -> str:
    skill = entry.skill.key if entry.skill is not None else ""
    parts = [
        f'<article class="scenario" id="s{index}" data-status="{entry.status}" data-skill="{_e(skill)}">',
        f'<h2><span class="badge {entry.status}">{entry.status}</span><span class="name">{_e(entry.name)}</span>'
        f'<span class="meta">{_e(entry.file)}{" · " + _e(skill) if skill else ""}</span></h2>',
    ]
    if entry.note:
        parts.append(f'<div class="meta">{_e(entry.note)}</div>')
    if entry.status in ("failed", "error", "xfailed") and (entry.failure or entry.failure_text):
        parts.append(_failure(entry))
    if entry.transcript is not None:
        parts.append(_chat(entry))
    parts.append("</article>")
    return "".join(parts)


def _failure(entry: ScenarioEntry) -> str:
    f = entry.failure or {}
    out = ['<section class="failure">']
    headline = entry.failure_text.splitlines()[0] if entry.failure_text else str(f.get("reason", ""))
    out.append(f'<div class="headline">{_e(headline)}</div>')
    diffs = f.get("differences") or []
    if diffs:
        rows = "".join(
            f'<tr><td class="path">{_e(d.get("path", ""))}</td><td class="expected">{_e(_show(d.get("expected")))}</td>'
            f'<td class="actual">{_e(_show(d.get("actual")))}</td><td class="kind">{_e(d.get("kind", ""))}</td></tr>'
            for d in diffs
        )
        out.append(f'<table class="diff"><tr><th>where</th><th>expected</th><th>actual</th><th>how</th></tr>{rows}</table>')
    if entry.failure_text:
        out.append(
            f'<details class="full-report" {"" if diffs else "open"}><summary>full report</summary>'
            f'<pre class="report">{_e(entry.failure_text)}</pre></details>'
        )
    out.append("</section>")
    return "".join(out)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else _json(value)


def _chat(entry: ScenarioEntry) -> str:
    t = entry.transcript or {}
    wxss = entry.skill.wxss if entry.skill is not None else {}
    out = ['<div class="chat">']
    out.extend(f'<div class="finding">{_e(_finding(f))}</div>' for f in t.get("findings") or [])
    session = 0
    for turn in t.get("turns") or []:
        if turn.get("session") != session:
            if session:
                out.append(f'<div class="event session">session {_e(turn.get("session"))}</div>')
            session = turn.get("session")
        out.append(_turn(turn, wxss))
    out.append("</div>")
    return "".join(out)


def _turn(turn: Mapping[str, Any], wxss: Mapping[str, str]) -> str:
    kind = turn.get("kind")
    steps = turn.get("steps") or []
    out = [f'<section class="turn" data-turn="{_e(turn.get("index"))}" data-kind="{_e(kind)}">']
    if kind == "user":
        out.append(f'<div class="bubble user">{_e(turn.get("user") or "")}</div>')
    elif kind == "lifecycle" and not any(s.get("kind") == "lifecycle" for s in steps):
        out.append(f'<div class="event lifecycle">{_e(turn.get("event") or "lifecycle")}</div>')
    elif kind in ("tap", "message") and turn.get("message") and not any(s.get("kind") == "tap" for s in steps):
        out.append(_upstream(turn["message"], "card sent" if kind == "message" else "tap sent"))
    for step in steps:
        out.append(_step(step, wxss))
    hosts = [h for s in steps for h in s.get("hostCalls") or []]
    if hosts:
        items = "".join(f"<li>{_e(_host(h))}</li>" for h in hosts)
        out.append(f'<details class="timeline"><summary>HTTP and host calls ({len(hosts)})</summary><ol>{items}</ol></details>')
    out.append("</section>")
    return "".join(out)


def _upstream(message: Mapping[str, Any], label: str) -> str:
    calls = "".join(
        f'<div class="meta">api/call {_e(c.get("name"))} {_e(_json(c.get("arguments")))}</div>'
        for c in message.get("apiCalls") or []
    )
    return f'<div class="bubble upstream"><span class="meta">{_e(label)}</span> {_e(message.get("text", ""))}{calls}</div>'


def _step(step: Mapping[str, Any], wxss: Mapping[str, str]) -> str:
    kind = step.get("kind")
    out: list[str] = []
    if kind == "call":
        res = step.get("result") or {}
        err = " is-error" if res.get("isError") else ""
        facts = "".join(f'<li class="fact">{_e(x)}</li>' for x in res.get("facts") or [])
        actions = "".join(f'<li class="action">{_e(x)}</li>' for x in res.get("actions") or [])
        out.append(
            f'<div class="bubble assistant call{err}" data-api="{_e(step.get("api"))}">'
            f'<span class="api">{_e(step.get("api"))}</span> '
            f'<span class="args">{_e(_clip(_json(step.get("arguments") or {})))}</span>'
            + (' <span class="badge error">isError</span>' if err else "")
            + (f'<ul class="facts">{facts}</ul>' if facts else "")
            + (f'<ul class="actions">{actions}</ul>' if actions else "")
            + "</div>"
        )
    elif kind == "render":
        card = step.get("card") or {}
        if card.get("tree") is not None:
            out.append(_card(card, step.get("api"), wxss))
        else:
            out.append(f'<div class="event">render {_e(step.get("api"))}</div>')
        if step.get("message"):
            out.append(_upstream(step["message"], "card sent"))
    elif kind == "tap":
        card = step.get("card") or {}
        target = card.get("targetText") or card.get("target") or ""
        out.append(f'<div class="event tap">tap {_e(_short(card.get("component")))} {_e(target)}</div>')
        if step.get("message"):
            out.append(_upstream(step["message"], "tap sent"))
        for m in (card.get("messages") or [])[1:]:
            out.append(_upstream(m, "also sent"))
        for page in card.get("pages") or []:
            out.append(f'<div class="event">{_e(page.get("kind"))} page {_e(page.get("url"))}</div>')
        if card.get("rerendered") and card.get("tree") is not None:
            out.append(_card(card, step.get("api"), wxss, suffix=" (re-rendered)"))
    elif kind == "lifecycle":
        ev = step.get("event") or {}
        arg = ev.get("arg")
        text = str(ev.get("name", "")) + (f" {arg}" if arg not in (None, "") else "")
        text += " → session ended" if ev.get("sessionEnded") else ""
        out.append(f'<div class="event lifecycle">{_e(text)}</div>')
        out.extend(_card(c, step.get("api"), wxss, suffix=" (re-rendered)") for c in step.get("cards") or [])
    elif kind == "reply":
        out.append(f'<div class="bubble assistant reply">{_e(step.get("reply") or "")}</div>')
    if step.get("error"):
        err = step["error"]
        out.append(
            f'<div class="finding">failed as expected [{_e(err.get("kind"))}]: {_e(_clip(str(err.get("message", ""))))}</div>'
        )
    out.extend(f'<div class="finding">{_e(_finding(f))}</div>' for f in step.get("findings") or [])
    return "".join(out)


def _card(card: Mapping[str, Any], api: Any, wxss: Mapping[str, str], suffix: str = "") -> str:
    component = str(card.get("component") or "")
    label = f"{api} · {_short(component)}{suffix}" if api else f"{_short(component)}{suffix}"
    return card_fragment(card, wxss.get(component, ""), label=label)


def _short(component: Any) -> str:
    parts = [p for p in str(component or "").split("/") if p]
    if parts and parts[-1] == "index":
        parts = parts[:-1]
    if parts and parts[0] == "components":
        parts = parts[1:]
    return "/".join(parts)


def _finding(f: Mapping[str, Any]) -> str:
    return f"! {f.get('level', 'warning')}: {f.get('message', '')} [{f.get('code', '')}]"


def _host(h: Mapping[str, Any]) -> str:
    if h.get("name") == "request":
        status = h.get("status")
        line = f"request {h.get('method')} {h.get('url')} → {status if status is not None else h.get('error', 'fail')}"
        return line + (f" [cassette #{h['cassetteRef']}]" if h.get("cassetteRef") is not None else "")
    args = h.get("args")
    shown = "" if args in (None, {}, []) else " " + _clip(_json(args), 200)
    result = "ok" if h.get("ok") else "fail" if h.get("ok") is False else "done"
    outcome = h.get("outcome")
    more = "" if outcome in (None, {}, []) else " " + _clip(_json(outcome), 200)
    return f"{h.get('name')} [{h.get('context', '')}]{shown} → {result}{more}"


def entries_skills(entries: Iterable[ScenarioEntry]) -> list[str]:
    """The skill keys of ``entries``, sorted (the report's skill filter)."""
    return sorted({e.skill.key for e in entries if e.skill is not None})

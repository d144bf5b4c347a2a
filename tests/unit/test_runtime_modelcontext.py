"""``wx.modelContext`` in the atomic API context: registration, the middleware onion, session ids."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from wxreplay import Device, Project, Session
from wxreplay.errors import JSError

Opener = Callable[..., Session]


def ai_logs(result: Any) -> list[str]:
    return [line.text.removeprefix("[ai-mode] ") for line in result.logs if line.text.startswith("[ai-mode]")]


def test_onion_order_name_and_skill_path(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project).call("probeArgs", {"text": "hi"})
    assert ai_logs(r) == [
        "outer> probeArgs @skills/notes",
        "inner> probeArgs @skills/notes",
        "handler probeArgs",
        "inner< probeArgs",
        "outer< probeArgs",
    ]
    assert {line.level for line in r.logs} == {"info"} and {line.api for line in r.logs} == {"probeArgs"}


def test_ctx_arguments_is_a_copy(notes_project: Project, open_session: Opener) -> None:
    # the innermost middleware overwrites ctx.arguments.text and adds a key: the handler sees neither
    r = open_session(notes_project).call("probeArgs", {"text": "原文"})
    assert r.structured_content == {"handlerSaw": {"text": "原文"}}
    assert r.arguments == {"text": "原文"}


def test_error_catching_middleware_supplies_the_result(notes_project: Project, open_session: Opener) -> None:
    r = open_session(notes_project).call("brokenNote")
    assert r.is_error is True
    assert r.text.startswith("brokenNote 未完成：Cannot read properties of undefined (reading 'title')")
    assert r.meta == {
        "error": {"api": "brokenNote", "name": "TypeError", "message": "Cannot read properties of undefined (reading 'title')"}
    }
    # the inner trace saw the throw, the boundary turned it into a result, the outer trace a normal exit
    assert ai_logs(r)[:3] == ["outer> brokenNote @skills/notes", "inner> brokenNote @skills/notes", "handler brokenNote"]
    assert ai_logs(r)[3].startswith("inner! brokenNote Cannot read properties of undefined")
    assert ai_logs(r)[4:] == ["brokenNote failed: Cannot read properties of undefined (reading 'title')", "outer< brokenNote"]
    assert [line.level for line in r.logs][3:] == ["warn", "error", "info"]


def test_plain_register_api_without_create_skill(legacy_project: Project, open_session: Opener) -> None:
    s = open_session(legacy_project)
    assert all(e.args["viaSkill"] is False for e in s.events if e.name == "modelContext.registerAPI")
    assert not any(f.code == "createSkill-path" for f in s.findings)
    assert s.call("listCities").logs == []  # no middleware runs for plain registrations


MIDDLEWARE_INDEX = """
const skill = wx.modelContext.createSkill('skills/probe')
const order = []
skill.use(async (ctx, next) => {
  order.push('a>' + ctx.name)
  ctx.shared = 'set by a'
  const r = await next()
  order.push('a<')
  if (ctx.name === 'wrapped') return Object.assign({}, r, { _meta: { wrappedBy: 'a', order: order.slice() } })
})
skill.use(async (ctx, next) => {
  order.push('b>' + ctx.shared)
  if (ctx.name === 'shortCircuit') return { content: [{ type: 'text', text: 'from middleware b' }] }
  if (ctx.name === 'twice') { await next(); await next() }
  await next()
  order.push('b<')
})
skill.registerAPI('wrapped', async () => { order.push('handler'); return { content: [{ type: 'text', text: 'handler' }] } })
skill.registerAPI('shortCircuit', async () => { order.push('handler ran'); return { content: [] } })
skill.registerAPI('twice', async () => ({ content: [] }))
skill.registerAPI('order', async () => ({ content: [{ type: 'text', text: JSON.stringify(order.splice(0)) }] }))
wx.modelContext.registerAPI('plain', async () => ({ content: [{ type: 'text', text: 'plain' }] }))
"""


@pytest.fixture(scope="module")
def middleware_project(make_project: Callable[..., Project]) -> Project:
    """A probe skill whose middlewares record their order in a module-level array."""
    names = ["wrapped", "shortCircuit", "twice", "order", "plain"]
    return make_project(
        {
            "skills/probe/mcp.json": {"apis": [{"name": n, "description": n, "inputSchema": {"type": "object"}} for n in names]},
            "skills/probe/index.js": MIDDLEWARE_INDEX,
        }
    )


def test_middleware_can_rewrite_the_result(middleware_project: Project, open_session: Opener) -> None:
    r = open_session(middleware_project).call("wrapped")
    assert r.text == "handler"
    assert r.meta == {"wrappedBy": "a", "order": ["a>wrapped", "b>set by a", "handler", "b<", "a<"]}


def test_middleware_can_answer_without_the_handler(middleware_project: Project, open_session: Opener) -> None:
    s = open_session(middleware_project)
    assert s.call("shortCircuit").text == "from middleware b"
    assert json.loads(s.call("order").text) == ["a>shortCircuit", "b>set by a", "a<", "a>order", "b>set by a"]


def test_next_called_twice_is_an_error(middleware_project: Project, open_session: Opener) -> None:
    with pytest.raises(JSError, match=r'next\(\) called multiple times in a middleware of "twice"'):
        open_session(middleware_project).call("twice")


def test_middleware_only_wraps_its_own_skill(middleware_project: Project, open_session: Opener) -> None:
    s = open_session(middleware_project)
    assert s.call("plain").text == "plain"
    assert json.loads(s.call("order").text) == ["a>order", "b>set by a"]


MODEL_CONTEXT = {
    "sessionId": "async () => ({ content: [{ type: 'text', text: wx.modelContext.getSessionId() }] })",
    "types": "async () => ({ content: [], structuredContent: { t: wx.modelContext.NotificationType,"
    " frozen: Object.isFrozen(wx.modelContext.NotificationType) } })",
    "expire": "async (a) => { const r = wx.modelContext.expireAllCards(a.opts);"
    " return { content: [{ type: 'text', text: typeof r }] } }",
    "noThis": "async () => ({ content: [], structuredContent: {"
    " follow: typeof wx.modelContext.sendFollowUpMessage, detail: typeof wx.modelContext.openDetailPage } })",
}


@pytest.fixture(scope="module")
def model_context_project(probe_project: Callable[..., Project]) -> Project:
    """A probe skill exercising wx.modelContext's helpers."""
    return probe_project(MODEL_CONTEXT)


def test_session_id_stable_within_a_session(model_context_project: Project, open_session: Opener) -> None:
    device = Device()
    s = open_session(model_context_project, device=device)
    first, second = s.call("sessionId"), s.call("sessionId")
    assert first.text == second.text == s.session_id == first.session_id
    assert first.text.startswith("wxr-")
    # a restart on the same device is a new session; a fresh identical device replays the first id
    again = open_session(model_context_project, device=device)
    assert again.call("sessionId").text != first.text
    assert open_session(model_context_project).call("sessionId").text == first.text
    assert open_session(model_context_project, session_id="fixed-1").call("sessionId").text == "fixed-1"


def test_notification_type(model_context_project: Project, open_session: Opener) -> None:
    sc = open_session(model_context_project).call("types").structured_content
    assert set(sc["t"]) == {"Input", "Result", "Overflow", "Expire"}
    assert len(set(sc["t"].values())) == 4 and sc["frozen"] is True


def test_expire_all_cards_is_a_host_event(model_context_project: Project, open_session: Opener) -> None:
    opts = {"componentPaths": ["skills/probe/components/order/index"], "match": "latest"}
    r = open_session(model_context_project).call("expire", {"opts": opts})
    assert r.text == "undefined"
    assert [(e.name, e.args, e.context, e.api) for e in r.host_events] == [("modelContext.expireAllCards", opts, "api", "expire")]


def test_card_only_model_context_methods_are_absent(model_context_project: Project, open_session: Opener) -> None:
    sc = open_session(model_context_project).call("noThis").structured_content
    assert sc == {"follow": "undefined", "detail": "undefined"}


@pytest.mark.parametrize("standalone, level", [(False, "error"), (True, "warning")])
def test_create_skill_path_mismatch(make_project: Callable[..., Project], standalone: bool, level: str) -> None:
    files: dict[str, Any] = {
        "skills/probe/mcp.json": {"apis": [{"name": "a", "description": "a", "inputSchema": {"type": "object"}}]},
        "skills/probe/index.js": "wx.modelContext.createSkill('skills/Probe').registerAPI('a', async () => ({ content: [] }))",
    }
    project = make_project(files, app_json=not standalone, load="skills/probe" if standalone else "")
    assert (project.app_json is None) is standalone
    with Session(project) as s:
        found = [f for f in s.findings if f.code == "createSkill-path"]
        assert len(found) == 1 and found[0].level == level
        if standalone:  # no app.json lists the skill: the message names the directory's own path, not app.json's
            assert 'createSkill("skills/Probe") differs from "skills/probe", the path of this skill directory' in found[0].message
            assert "no app.json lists the skill" in found[0].message
            assert "differs from app.json" not in found[0].message
        else:
            assert 'createSkill("skills/Probe") differs from app.json agent.skills[].path "skills/probe"' in found[0].message
        assert s.call("a").is_error is False  # the mismatch is reported, the API still runs


def test_handler_that_is_a_module_object(probe_project: Callable[..., Project], open_session: Opener) -> None:
    project = probe_project(
        {"getWeather": "require('./weather')"},
        files={"skills/probe/weather.js": "module.exports = { getWeather: async () => ({ content: [] }) }"},
    )
    s = open_session(project)
    assert [e.args["handlerType"] for e in s.events if e.name == "modelContext.registerAPI"] == ["object"]
    with pytest.raises(JSError) as info:
        s.call("getWeather")
    assert "the handler is a module object, not a function" in str(info.value)
    assert "const { fn } = require(...)" in (info.value.hint or "")


def test_duplicate_registration_finding(probe_project: Callable[..., Project], open_session: Opener) -> None:
    first = "wx.modelContext.registerAPI('a', async () => ({ content: [{ type: 'text', text: 'first' }] }))"
    project = probe_project({"a": "async () => ({ content: [{ type: 'text', text: 'second' }] })"}, preamble=first)
    s = open_session(project)
    assert [(f.code, f.api) for f in s.findings] == [("duplicate-registration", "a")]
    assert s.call("a").text == "second"  # the later handler wins

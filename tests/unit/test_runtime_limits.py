"""Bad input and runaway skills: clear errors that name the file and line, and a session that survives."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from wxreplay import Device, Project, Session, SessionLimits
from wxreplay.errors import (
    ApiCallError,
    CallTimeoutError,
    JSError,
    MemoryLimitError,
    ProjectError,
    SkillLoadError,
    UnknownApiError,
)

Opener = Callable[..., Session]
OK = "async () => ({ content: [{ type: 'text', text: 'ok' }] })"

# ---- project input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, text, line, column",
    [
        ("skills/probe/mcp.json", '{\n  "apis": [\n    {"name": "a",}\n  ]\n}\n', 3, 18),
        ("app.json", '{\n  "pages": ["pages/home/home"]\n  "agent": {}\n}\n', 3, 3),
    ],
)
def test_broken_json_is_a_project_error_with_line_and_column(
    make_project: Callable[..., Project], path: str, text: str, line: int, column: int
) -> None:
    with pytest.raises(ProjectError) as info:
        make_project({"skills/probe/index.js": "", "skills/probe/mcp.json": {"apis": []}, path: text})
    err = info.value
    assert err.file is not None and err.file.endswith(path)
    assert (err.line, err.column) == (line, column)
    assert f"{path}:{line}:{column}:" in str(err)


def test_missing_index_js(make_project: Callable[..., Project]) -> None:
    with pytest.raises(ProjectError, match=r"skill 'probe' has no index\.js") as info:
        make_project({"skills/probe/mcp.json": {"apis": []}})
    assert (info.value.file or "").endswith("skills/probe/index.js") and "registerAPI" in (info.value.hint or "")


def mcp(*names: str) -> dict[str, Any]:
    return {"apis": [{"name": n, "description": n, "inputSchema": {"type": "object"}} for n in names]}


def test_declared_but_not_registered(make_project: Callable[..., Project], open_session: Opener) -> None:
    project = make_project(
        {"skills/probe/mcp.json": mcp("a", "b"), "skills/probe/index.js": f"wx.modelContext.registerAPI('a', {OK})"}
    )
    s = open_session(project)
    (finding,) = s.findings
    assert (finding.code, finding.level, finding.api) == ("not-registered", "error", "b")
    assert "mcp.json declares 'b' but index.js never calls registerAPI('b')" in finding.message
    with pytest.raises(UnknownApiError) as info:
        s.call("b")
    assert "'b' is declared in mcp.json but index.js did not register it (registered: a)" in str(info.value)
    assert info.value.file == "skills/probe/index.js"
    assert s.call("a").text == "ok"


def test_exports_form_index_registers_nothing(make_project: Callable[..., Project], open_session: Opener) -> None:
    project = make_project(
        {
            "skills/probe/mcp.json": mcp("getWeather"),
            "skills/probe/index.js": "async function getWeather () { return { content: [] } }\nmodule.exports = { getWeather }\n",
        }
    )
    s = open_session(project)
    (finding,) = s.findings
    assert finding.code == "not-registered"
    assert "index.js exports getWeather through module.exports (the [INT] form), which registers nothing" in finding.message
    with pytest.raises(UnknownApiError, match="registered: nothing"):
        s.call("getWeather")


def test_name_mismatch_gets_a_did_you_mean(make_project: Callable[..., Project], open_session: Opener) -> None:
    project = make_project(
        {
            "skills/probe/mcp.json": mcp("getWeather"),
            "skills/probe/index.js": f"wx.modelContext.registerAPI('getWeatherInfo', {OK})",
        }
    )
    s = open_session(project)
    assert sorted((f.code, f.api) for f in s.findings) == [("not-declared", "getWeatherInfo"), ("not-registered", "getWeather")]
    with pytest.raises(UnknownApiError) as info:
        s.call("getWeather")
    assert "did you mean registerAPI('getWeatherInfo') → 'getWeather'?" in str(info.value)
    with pytest.raises(UnknownApiError) as undeclared:
        s.call("getWeatherInfo")
    assert "declares no API 'getWeatherInfo'" in str(undeclared.value) and "getWeather" in (undeclared.value.hint or "")


# ---- JavaScript errors --------------------------------------------------------------------------

SYNTAX = {  # source, line, column, token
    "mid-file": ("const ok = 1\nconst broken = {\n  a: 1,,\n}\n", 3, 8, "','"),
    "first line": ("const = 1\n", 1, 7, "'='"),
}


@pytest.mark.parametrize("where", ["skills/probe/index.js", "skills/probe/apis/deep.js"])
@pytest.mark.parametrize("case", SYNTAX)
def test_syntax_error_at_load_points_into_the_real_file(make_project: Callable[..., Project], where: str, case: str) -> None:
    source, line, column, token = SYNTAX[case]
    files = {
        "skills/probe/mcp.json": mcp("a"),
        "skills/probe/index.js": f"require('./apis/deep')\nwx.modelContext.registerAPI('a', {OK})\n",
        "skills/probe/apis/deep.js": "module.exports = 1\n",
    }
    files[where] = source
    project = make_project(files)
    with pytest.raises(SkillLoadError) as info:
        Session(project)
    err = info.value
    assert (err.file, err.line, err.column) == (where, line, column)
    assert f"JavaScript syntax error while loading skills/probe/index.js: SyntaxError: Unexpected token {token}" in str(err)
    assert str(err).startswith(f"{where}:{line}:{column}: ")


def test_syntax_error_in_a_lazily_required_module_is_a_js_error(
    probe_project: Callable[..., Project], open_session: Opener
) -> None:
    project = probe_project({"lazy": "async () => require('./late')"}, files={"skills/probe/late.js": "\n\nlet = = 3\n"})
    with pytest.raises(JSError) as info:
        open_session(project).call("lazy")
    assert (info.value.file, info.value.line, info.value.api) == ("skills/probe/late.js", 3, "lazy")


def test_throw_at_load_time(make_project: Callable[..., Project]) -> None:
    project = make_project(
        {
            "skills/probe/mcp.json": mcp("a"),
            "skills/probe/index.js": "// setup\nconst cfg = {}\nif (!cfg.key) throw new Error('missing key')\n",
        }
    )
    with pytest.raises(SkillLoadError) as info:
        Session(project)
    err = info.value
    assert (err.file, err.line, err.column) == ("skills/probe/index.js", 3, 21)
    assert "while loading skills/probe/index.js: Error: missing key" in str(err)


@pytest.mark.parametrize(
    ("where", "column"),
    [
        ("skills/probe/index.js", 7),  # throw new Error(...) on the first line: V8 points at `new`
        ("skills/probe/apis/min.js", 41),  # a minified, one-line module: the column the file itself has
    ],
)
def test_a_throw_on_a_first_line_points_at_the_files_own_column(
    make_project: Callable[..., Project], where: str, column: int
) -> None:
    """The module wrapper sits on line 1 too; a column there counts from the file's start, not the wrapper's."""
    files = {
        "skills/probe/mcp.json": mcp("a"),
        "skills/probe/index.js": f"require('./apis/min')\nwx.modelContext.registerAPI('a', {OK})\n",
        "skills/probe/apis/min.js": "var a=1;function f(){return a}f();throw new TypeError('min '+a)\n",
    }
    if where.endswith("index.js"):
        files[where] = "throw new Error('boom')\n"
    project = make_project(files)
    with pytest.raises(SkillLoadError) as info:
        Session(project)
    err = info.value
    assert (err.file, err.line, err.column) == (where, 1, column)
    assert str(err).startswith(f"{where}:1:{column}: ")
    assert f"({where}:1:{column})" in str(err) or f"at {where}:1:{column}" in str(err)  # the stack shown agrees


THROWS = {
    "plain": "async () => {\n  const x = 1\n  throw new Error('boom ' + x)\n}",
    "nested": "require('./apis/fail').run",
    "string": "async () => { throw 'just a string' }",
    "wx": "async () => { await wx.getStorage({ key: 'missing' }); return { content: [] } }",
}


@pytest.fixture(scope="module")
def throwing_project(probe_project: Callable[..., Project]) -> Project:
    """A probe skill whose handlers throw in different ways."""
    return probe_project(
        THROWS,
        files={
            "skills/probe/apis/fail.js": (
                "function helper (order) {\n  return order.items.length\n}\n"
                "exports.run = async function run () {\n  await null\n  return helper({})\n}\n"
            )
        },
    )


@pytest.mark.parametrize(
    "api, message, file, line",
    [
        ("plain", "plain threw: Error: boom 1", "skills/probe/index.js", 4),
        (
            "nested",
            "nested threw: TypeError: Cannot read properties of undefined (reading 'length')",
            "skills/probe/apis/fail.js",
            2,
        ),
        ("string", "string threw: Thrown: just a string", None, None),
        ("wx", "wx threw: WxError: getStorage:fail data not found", None, None),
    ],
)
def test_throw_in_a_handler(
    throwing_project: Project, open_session: Opener, api: str, message: str, file: str | None, line: int | None
) -> None:
    with pytest.raises(JSError) as info:
        open_session(throwing_project).call(api)
    err = info.value
    assert message in str(err)
    assert (err.api, err.file, err.line) == (api, file, line)
    if api == "nested":
        assert "at helper (skills/probe/apis/fail.js:2:22)" in err.js_stack
        assert "(skills/probe/apis/fail.js:6:10)" in err.js_stack
        assert "wxreplay:" not in err.js_stack
    if api == "wx":
        assert "Promise rejected" in (err.hint or "")


# ---- runaway code -------------------------------------------------------------------------------

RUNAWAY = {
    "ok": OK,
    "spin": "async () => { console.log('spinning'); wx.setStorageSync('before', 1); while (true) {} }",
    "spinLater": "async () => { await new Promise((r) => setTimeout(r, 10)); console.log('late'); for (;;) {} }",
    "spinMicrotask": "async () => { await null; while (true) {} }",
    "spinTwoTimers": "async () => { setTimeout(() => { Promise.resolve().then(() => { for (;;) {} }) }, 5);"
    " setTimeout(() => { for (;;) {} }, 5); await new Promise(() => {}) }",
    "bomb": "async () => { const a = []; while (true) a.push(new Array(1e6).fill(a.length + 0.5)) }",
    "bombLater": "async () => { await null; console.log('allocating'); const a = []; for (;;) a.push(new Array(1e6).fill(0.5)) }",
    "never": "async () => { console.log('waiting forever'); await new Promise(() => {}) }",
    "farTimer": "async () => { await new Promise((r) => setTimeout(r, 301000)); return { content: [] } }",
}


@pytest.fixture(scope="module")
def runaway_project(probe_project: Callable[..., Project]) -> Project:
    """A probe skill with handlers that never finish in one way or another."""
    return probe_project(RUNAWAY)


@pytest.fixture
def limited(runaway_project: Project, open_session: Opener) -> Session:
    """A session with a tight wall clock and heap, as a user would set for a suite."""
    return open_session(runaway_project, limits=SessionLimits(wall_timeout_s=0.5, memory_mb=64))


@pytest.mark.parametrize("api", ["spin", "spinLater", "spinMicrotask", "spinTwoTimers"])
def test_infinite_loop_is_stopped_and_the_session_survives(limited: Session, api: str) -> None:
    began = time.perf_counter()
    with pytest.raises(CallTimeoutError) as info:
        limited.call(api)
    assert time.perf_counter() - began < 2.0
    assert f"{api} ran for more than 0.5 s of real time without yielding" in str(info.value)
    assert info.value.api == api
    for _ in range(2):  # a V8 thread still stuck in the loop would time these out too
        assert limited.call("ok").text == "ok"


def test_what_a_runaway_call_did_stays_with_it(limited: Session) -> None:
    with pytest.raises(CallTimeoutError):
        limited.call("spin")
    assert [(line.api, line.text) for line in limited.logs] == [("spin", "spinning")]
    assert limited.device.get_storage() == {"before": 1}
    with pytest.raises(CallTimeoutError):
        limited.call("spinLater")
    assert limited.call("ok").logs == []
    assert [(line.api, line.text) for line in limited.logs] == [("spin", "spinning"), ("spinLater", "late")]


@pytest.mark.parametrize("api", ["bomb", "bombLater"])
def test_memory_bomb_is_stopped_and_the_session_survives(runaway_project: Project, open_session: Opener, api: str) -> None:
    s = open_session(runaway_project, limits=SessionLimits(wall_timeout_s=5, memory_mb=64))
    for _ in range(2):
        with pytest.raises(MemoryLimitError, match=f"{api} exceeded the 64 MB heap limit of the atomic API context"):
            s.call(api)
        assert s.call("ok").text == "ok"
    if api == "bombLater":
        assert [(line.api, line.text) for line in s.logs] == [("bombLater", "allocating")] * 2


def test_heap_limit_flag_does_not_stick(limited: Session) -> None:
    with pytest.raises(MemoryLimitError):
        limited.call("bomb")
    with pytest.raises(CallTimeoutError):  # a later runaway loop is reported as what it is
        limited.call("spin")
    assert limited.call("ok").text == "ok"


def test_promise_that_never_settles(limited: Session) -> None:
    began = time.perf_counter()
    with pytest.raises(CallTimeoutError) as info:
        limited.call("never")
    assert time.perf_counter() - began < 1
    message = str(info.value)
    assert "300 s chain timeout" in message and "a Promise that never settles" in message
    assert "every Promise" in (info.value.hint or "")
    assert limited.now == Device().start_ms() + 300_000  # the platform waited the whole chain timeout
    assert limited.call("ok").text == "ok"


def test_timer_beyond_the_chain_timeout(limited: Session) -> None:
    with pytest.raises(CallTimeoutError, match="waiting on a timer beyond the 300 s chain limit"):
        limited.call("farTimer")


def test_closed_session(runaway_project: Project) -> None:
    s = Session(runaway_project)
    s.close()
    s.close()  # idempotent
    with pytest.raises(ApiCallError, match="the session is closed"):
        s.call("ok")


def test_session_inside_a_running_event_loop(runaway_project: Project) -> None:
    """Created, called and closed inside asyncio (a private thread hosts V8's loop); run apart: a regression segfaults."""
    script = (
        "import asyncio, sys\n"
        "from wxreplay import Project, Session\n"
        "async def main():\n"
        "    with Session(Project.load(sys.argv[1])) as s:\n"
        "        print(s.call('ok').text)\n"
        "asyncio.run(main())\n"
        "print('closed')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(runaway_project.root)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.split()) == (0, ["ok", "closed"]), done.stderr


@pytest.mark.parametrize(
    "source, error, message",
    [
        (
            "console.log('loading')\nwhile (true) {}\n",
            CallTimeoutError,
            "loading skills/probe/index.js ran for more than 0.5 s of real time without yielding",
        ),
        (
            "const a = []\nfor (;;) a.push(new Array(1e6).fill(0.5))\n",
            MemoryLimitError,
            "loading skills/probe/index.js exceeded the 64 MB heap limit of the atomic API context",
        ),
    ],
)
def test_runaway_index_js(make_project: Callable[..., Project], source: str, error: type[Exception], message: str) -> None:
    project = make_project({"skills/probe/mcp.json": mcp(), "skills/probe/index.js": source})
    with pytest.raises(error, match=message):
        Session(project, limits=SessionLimits(wall_timeout_s=0.5, memory_mb=64))

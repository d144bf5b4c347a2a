"""No V8 intrinsic reaches skill code: every way of compiling code is screened, the process survives."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wxreplay import Project, Session
from wxreplay.errors import ApiCallError, SkillLoadError

Opener = Callable[..., Session]
OK = "return { content: [{ type: 'text', text: 'ok' }] }"

# Each probe would end the process (exit 133) or read the host clock if it compiled.
PROBES = {
    "eval": "eval(\"%AbortJS('x')\")",
    "indirect eval": "(0, globalThis.eval)('%SystemBreak()')",
    "new Function": "new Function('%SystemBreak()')()",
    "Function via prototype": "(function () {}).constructor('return %DateCurrentTime()')()",
    "async function constructor": "await new ((async () => {}).constructor)('%AbortJS(1)')()",
    "generator function constructor": "Object.getPrototypeOf(function* () {}).constructor('yield %AbortJS(1)')().next()",
    "async generator constructor": "await Object.getPrototypeOf(async function* () {}).constructor('yield %AbortJS(1)')().next()",
    "comment between": "eval('x = 1;\\n%/* */AbortJS(1)')",
    "after assignment": "let a; eval('a =%AbortJS(1)')",
    "after yield": "Object.getPrototypeOf(function* () {}).constructor('yield %AbortJS(1)')",
    "reflect construct": "Reflect.construct(Function, ['%AbortJS(1)'])",
}


@pytest.mark.parametrize("code", PROBES.values(), ids=PROBES.keys())
def test_intrinsic_is_refused_in_every_form(probe_project: Callable[..., Project], open_session: Opener, code: str) -> None:
    project = probe_project({"probe": f"async () => {{ {code}; {OK} }}", "fine": f"async () => {{ {OK} }}"})
    s = open_session(project)
    with pytest.raises(ApiCallError, match=r"V8 intrinsic syntax \(%Name\(\.\.\.\)\) is not available to skill code"):
        s.call("probe")
    assert s.call("fine").text == "ok"  # the process and the session survive
    with Session(project) as fresh:
        assert fresh.call("fine").text == "ok"


def test_intrinsic_in_a_module_names_its_file_and_line(make_project: Callable[..., Project], open_session: Opener) -> None:
    project = make_project(
        {
            "skills/probe/mcp.json": {"apis": []},
            # A wrapper escape: the screen sees the wrapped source, and Python never re-compiles it.
            "skills/probe/index.js": "const a = 1\n}); %AbortJS('x'); (function () {\n",
        }
    )
    with pytest.raises(SkillLoadError) as info:
        open_session(project)
    assert (info.value.file, info.value.line) == ("skills/probe/index.js", 2)
    assert "V8 intrinsic syntax" in str(info.value) and "remove the %Name(...) call" in (info.value.hint or "")


def test_modulo_strings_and_regexes_with_percent_still_work(probe_project: Callable[..., Project], open_session: Opener) -> None:
    code = (
        "const b = (x) => x; const r = 7 %b(3); let m = 9; m %= 5;"
        "const f = new Function('a', 'return a %b(4) + \"%s(%d)\".length + /%x(y)/.source.length; function b(x) { return x }');"
        "const e = eval('10 % 4');"
        "return { content: [{ type: 'text', text: [r, m, f(11), e, '50%Off()'].join(',') }] }"
    )
    s = open_session(probe_project({"probe": f"async () => {{ {code} }}"}))
    assert s.call("probe").text == "1,4,14,2,50%Off()"


def test_skill_code_has_no_real_clock(probe_project: Callable[..., Project], open_session: Opener) -> None:
    # Intl's format() without a date reads the clock too: the virtual one, like Date.now().
    fmt = "new Intl.DateTimeFormat('en', { timeZone: 'UTC', year: 'numeric', second: 'numeric' })"
    code = (
        "return { content: [{ type: 'text', text: [Date.now(), typeof globalThis.wrDrainMicrotasks, "
        f"{fmt}.format(), {fmt}.formatToParts().map((p) => p.value).join('')].join(' ') }}] }}"
    )
    s = open_session(probe_project({"probe": f"async () => {{ {code} }}"}), now_ms=1_000)
    assert s.call("probe").text == "1000 undefined 1970, 1 1970, 1"

"""CommonJS ``require`` in the atomic API context, driven through ``Session`` as a user would."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from wxreplay import Device, Project, Session
from wxreplay.errors import JSError, SkillLoadError

Opener = Callable[..., Session]


def test_legacy_package_loads_every_module_shape(legacy_project: Project, open_session: Opener) -> None:
    s = open_session(legacy_project)
    assert s.registered == ("getWeather", "listCities", "addFavorite", "listFavorites", "clearFavorites", "diagnostics", "stats")
    assert [f for f in s.findings if f.level == "error"] == []
    # registerAPI without createSkill: recorded as host events at load, not via a skill object
    reg = [e for e in s.events if e.name == "modelContext.registerAPI"]
    assert reg[0].args == {"name": "getWeather", "viaSkill": False, "handlerType": "function"}


def test_json_file_and_module_cache(legacy_project: Project, open_session: Opener) -> None:
    r = open_session(legacy_project).call("listCities")
    assert [c["name"] for c in r.structured_content["cities"]] == ["北京", "上海", "深圳"]
    assert r.structured_content["sameObject"] is True  # require('../data/cities.json') twice: one object
    assert r.text == "支持 3 个城市：北京、上海、深圳。"


def test_folder_index_cycle_and_exports_forms(legacy_project: Project, open_session: Opener) -> None:
    r = open_session(legacy_project).call("diagnostics")
    sc = r.structured_content
    # b.js ran while a.js was half-loaded: it saw name but not done; a is complete afterwards
    assert sc["cycle"] == {"bSawA": {"name": "a", "done": False}, "aSawFromB": {"name": "a", "done": False}, "aDoneNow": True}
    # require('../lib') and require('../lib/index.js') are the same cached module (exports.x form)
    assert sc["folderIndexCached"] is True
    assert sc["libLoadedAt"] == Device().start_ms()
    assert sc["appType"] == "undefined"
    flagged = [f for f in r.findings if f.code == "getApp"]
    assert len(flagged) == 1 and "independent subpackage" in flagged[0].message


def test_module_state_lives_per_session_storage_per_device(legacy_project: Project, open_session: Opener) -> None:
    device = Device()
    first = open_session(legacy_project, device=device)
    assert [first.call("stats").structured_content for _ in range(3)] == [
        {"moduleCalls": 1, "visits": 1},
        {"moduleCalls": 2, "visits": 2},
        {"moduleCalls": 3, "visits": 3},
    ]
    first.close()
    second = open_session(legacy_project, device=device)
    # a new session is a new API context: module variables start over, storage does not
    assert second.call("stats").structured_content == {"moduleCalls": 1, "visits": 4}
    assert device.get_storage()["weather:visits"] == 4
    # a different device starts from empty storage
    assert open_session(legacy_project).call("stats").structured_content == {"moduleCalls": 1, "visits": 1}


def test_shared_folder_beside_a_standalone_skill(notes_project: Project, open_session: Opener) -> None:
    skill = notes_project.skill()
    assert notes_project.app_json is None
    assert (skill.path, skill.subpackage_root) == ("skills/notes", "skills")
    s = open_session(notes_project)
    # index.js takes its middlewares from ../_shared/middleware.js; apis/notes.js takes ../../_shared/retry.js
    assert "addNote" in s.registered
    r = s.call("listNotes")
    assert any(line.text.startswith("[ai-mode] outer> listNotes") for line in r.logs)


REQUIRE_CASES: dict[str, tuple[dict[str, str], str, Any]] = {
    "with .js": ({"skills/probe/m.js": "module.exports = 'plain'"}, "require('./m.js')", "plain"),
    "without .js": ({"skills/probe/m.js": "module.exports = 'plain'"}, "require('./m')", "plain"),
    "folder index": ({"skills/probe/dir/index.js": "exports.v = 'idx'"}, "require('./dir').v", "idx"),
    "json": ({"skills/probe/d.json": '{"a": [1, 2]}'}, "require('./d.json').a", [1, 2]),
    "json without suffix": ({"skills/probe/d.json": '{"a": 3}'}, "require('./d').a", 3),
    "exports.x": ({"skills/probe/m.js": "exports.a = 1; exports.b = 2"}, "require('./m')", {"a": 1, "b": 2}),
    "module.exports fn": ({"skills/probe/m.js": "module.exports = function f () { return 7 }"}, "require('./m')()", 7),
    "exports reassigned is lost": ({"skills/probe/m.js": "exports = { a: 1 }"}, "require('./m')", {}),
    "dot dot inside": (
        {"skills/probe/a/b.js": "module.exports = require('../c')", "skills/probe/c.js": "module.exports = 'c'"},
        "require('./a/b')",
        "c",
    ),
    "absolute from root": ({"skills/probe/m.js": "module.exports = 'abs'"}, "require('/skills/probe/m')", "abs"),
    "shared sibling": ({"skills/_shared/x.js": "module.exports = 'shared'"}, "require('../_shared/x')", "shared"),
    "filename and dirname": (
        {"skills/probe/dir/m.js": "module.exports = [__filename, __dirname]"},
        "require('./dir/m')",
        ["/skills/probe/dir/m.js", "/skills/probe/dir"],
    ),
    "require.resolve": ({"skills/probe/dir/index.js": ""}, "require.resolve('./dir')", "skills/probe/dir/index.js"),
    "same object twice": ({"skills/probe/m.js": "module.exports = {}"}, "require('./m') === require('./m.js')", True),
}


@pytest.mark.parametrize("files, expr, expected", REQUIRE_CASES.values(), ids=REQUIRE_CASES.keys())
def test_require_resolution(
    probe_project: Callable[..., Project], open_session: Opener, files: dict[str, str], expr: str, expected: Any
) -> None:
    project = probe_project(
        {"run": f"async () => ({{ content: [{{ type: 'text', text: JSON.stringify({expr}) }}] }})"}, files=files
    )
    assert json.loads(open_session(project).call("run").text) == expected


def _require_error(
    probe_project: Callable[..., Project], open_session: Opener, request: str, files: dict[str, str] | None = None
) -> JSError:
    project = probe_project({"run": f"async () => {{ require({request!r}); return {{ content: [] }} }}"}, files=files)
    with pytest.raises(JSError) as info:
        open_session(project).call("run")
    return info.value


def test_require_escaping_subpackage_names_the_path(probe_project: Callable[..., Project], open_session: Opener) -> None:
    err = _require_error(probe_project, open_session, "../../app.js", files={"app.js": "App({})"})
    assert 'module "app.js" is not defined' in str(err)
    assert "'../../app.js'" in str(err)
    assert 'outside the independent subpackage root "skills/"' in str(err)
    assert err.file == "skills/probe/index.js" and err.line == 2
    assert "cannot leave the subpackage" in (err.hint or "")


def test_require_above_project_root(probe_project: Callable[..., Project], open_session: Opener) -> None:
    err = _require_error(probe_project, open_session, "../../../../etc/passwd")
    assert "climbs above the project root" in str(err)


def test_require_missing_module(probe_project: Callable[..., Project], open_session: Opener) -> None:
    err = _require_error(probe_project, open_session, "./utils/nope")
    assert "module \"skills/probe/utils/nope.js\" is not defined, require args is './utils/nope'" in str(err)


def test_require_at_alias(probe_project: Callable[..., Project], open_session: Opener) -> None:
    err = _require_error(probe_project, open_session, "@/utils/x")
    assert '"@/" aliases are a bundler feature' in str(err)
    assert "relative paths" in str(err)


def test_escape_at_load_time_is_a_skill_load_error(make_project: Callable[..., Project]) -> None:
    project = make_project(
        {
            "skills/probe/mcp.json": {"apis": []},
            "skills/probe/index.js": "// top\nconst cfg = require('../../config.js')\n",
            "config.js": "module.exports = {}",
        }
    )
    with pytest.raises(SkillLoadError) as info:
        Session(project)
    err = info.value
    assert (err.file, err.line) == ("skills/probe/index.js", 2)
    assert 'module "config.js" is not defined' in str(err) and "loading skills/probe/index.js" in str(err)


def test_failed_module_is_not_cached(probe_project: Callable[..., Project], open_session: Opener) -> None:
    project = probe_project(
        {
            "run": "async () => { let first; try { require('./flaky') } catch (e) { first = e.message }"
            " return { content: [{ type: 'text', text: first + ' / ' + require('./flaky') }] } }"
        },
        files={
            "skills/probe/flaky.js": "globalThis.n = (globalThis.n || 0) + 1\n"
            "if (globalThis.n === 1) throw new Error('first load fails')\n"
            "module.exports = 'loaded on try ' + globalThis.n"
        },
    )
    assert open_session(project).call("run").text == "first load fails / loaded on try 2"

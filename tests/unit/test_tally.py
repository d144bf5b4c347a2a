"""The whole-package tally (wxreplay/tally.py): every API and bound card of every fixture package, and the outcomes.

The first tests run it over every package under tests/skills/ and examples/ (found by scanning, so
packages other work adds are covered too) and hold it to zero harness errors and no network; the
rest pin each outcome on small packages written for the purpose, and the command's output.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from wxreplay.tally import main
from wxreplay.tally_args import sample_arguments, sample_value
from wxreplay.tally_report import PackageTally
from wxreplay.tally_run import discover_packages, tally_package, tally_paths

TESTS = Path(__file__).resolve().parents[1]
SKILLS = TESTS / "skills"
EXAMPLES = TESTS.parent / "examples"

Files = dict[str, Any]


def write_tree(root: Path, files: Files) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        target.write_text(text, encoding="utf-8")
    return root


APP = {
    "pages": ["pages/home/home"],
    "subPackages": [{"root": "skills", "independent": True, "pages": []}],
    "agent": {"skills": [{"name": "probe", "description": "probe", "path": "skills/probe"}]},
}


def probe_package(
    root: Path, handlers: dict[str, str], *, schemas: dict[str, Any] | None = None, extra: Files | None = None
) -> Path:
    """A project with skill ``probe`` registering each ``{name: handler JS}``; ``extra`` adds or replaces files."""
    apis = [{"name": n, "description": n, "inputSchema": (schemas or {}).get(n, {"type": "object"})} for n in handlers]
    index = "".join(f"wx.modelContext.registerAPI({json.dumps(n)}, {src})\n" for n, src in handlers.items())
    files: Files = {"app.json": APP, "skills/probe/SKILL.md": "# probe\n", "skills/probe/mcp.json": {"apis": apis}}
    files["skills/probe/index.js"] = index
    files.update(extra or {})
    return write_tree(root, files)


def outcomes(package: PackageTally) -> dict[str, tuple[str, str]]:
    return {f"{i.kind} {i.name}": (i.outcome, i.detail) for s in package.skills for i in s.items}


# ---- every fixture package --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything() -> Iterator[tuple[list[PackageTally], list[Any]]]:
    """The tally of tests/skills/ and examples/, with every socket connection refused and recorded."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(f"test guard: no connection to {address}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        packages = list(tally_paths([SKILLS, EXAMPLES]))
    yield packages, attempts


def by_path(packages: list[PackageTally], name: str) -> PackageTally:
    (found,) = [p for p in packages if p.path.endswith("/" + name)]
    return found


def test_every_fixture_package_is_tallied_with_no_harness_error_and_no_network(
    everything: tuple[list[PackageTally], list[Any]],
) -> None:
    packages, attempts = everything
    harness = [
        f"{p.path}: {i.kind} {i.name}\n{i.detail}" for p in packages for s in p.skills for i in s.items if i.outcome == "harness"
    ]
    harness += [f"{p.path}: loading\n{p.harness_error}" for p in packages if p.harness_error]
    assert not harness, "wxreplay itself failed:\n" + "\n".join(harness)
    assert attempts == []  # no wx.request left the process: the APIs that needed one are "needs-recording"
    # found by scanning: every folder of tests/skills/ that holds a project or a skill, and the example
    expected = {
        child.name
        for child in SKILLS.iterdir()
        if child.is_dir() and any(os.path.lexists(child / m) for m in ("app.json", "mcp.json", "SKILL.md", "project.config.json"))
    }
    found = {Path(p.path).name for p in packages}
    assert expected | {"westore-cafe"} <= found
    assert {"cards-lab", "notes", "offline-flag", "westore-cafe"} <= found


def test_known_packages_have_the_expected_counts(everything: tuple[list[PackageTally], list[Any]]) -> None:
    packages, _ = everything
    cafe = by_path(packages, "westore-cafe").counts()
    assert (cafe.skills, cafe.loaded, cafe.total("api"), cafe.get("api", "needs-recording")) == (1, 1, 6, 6)
    assert (cafe.total("card"), cafe.get("card", "ran")) == (4, 4)  # every card of the example renders an empty result
    lab = outcomes(by_path(packages, "cards-lab"))
    failed_cards = {k for k, (o, _) in lab.items() if k.startswith("card ") and o == "failed"}
    assert failed_cards == {
        "card badUnclosed -> components/bad-unclosed/index",
        "card badTag -> components/bad-tag/index",
        "card badExpr -> components/bad-expr/index",
        "card badRuntime -> components/bad-runtime/index",
        "card noComponent -> components/no-component/index",
        "card jsError -> components/js-error/index",
        "card undeclared -> components/undeclared/index",
    }
    assert lab["card badTag -> components/bad-tag/index"][1].startswith("TemplateError: tag <swiper> is not allowed in cards")
    assert lab["card jsError -> components/js-error/index"][1].endswith("(skills/lab/components/js-error/index.js:8)")
    assert all(o == "ran" for k, (o, _) in lab.items() if k.startswith("api "))
    flag = by_path(packages, "offline-flag").counts()
    assert (flag.get("api", "ran"), flag.get("api", "needs-recording"), flag.get("card", "ran")) == (1, 1, 1)
    notes = outcomes(by_path(packages, "notes"))
    assert notes["api syncNotes"] == ("needs-recording", "wx.request POST https://notes.example.com/api/sync")
    assert notes["api getNote"][0] == "ran"


def test_the_report_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(SKILLS / "offline-flag"), str(SKILLS / "notes")]
    assert main(paths) == 0
    first = capsys.readouterr().out
    assert main(paths) == 0
    assert capsys.readouterr().out == first
    lines = first.splitlines()
    assert lines[0].split() == [
        "package",
        "loaded",
        "kind",
        "total",
        "ran",
        "isError",
        "needs-rec",
        "needs-dev",
        "failed",
        "skipped",
        "harness",
    ]
    assert lines[1].split()[1:] == ["1/1", "apis", "12", "11", "2", "1", "0", "0", "0", "0"]  # notes comes first
    assert lines[3].split()[1:] == ["1/1", "apis", "2", "1", "0", "1", "0", "0", "0", "0"]
    assert lines[4].split() == ["cards", "1", "1", "-", "0", "0", "0", "0", "0"]
    assert lines[5].split()[:3] == ["TOTAL", "(2", "packages)"]
    assert "  specials api listSpecials: needs-recording: wx.request GET http://127.0.0.1:18790/api/specials?city=test" in lines
    assert lines[-1] == "no harness error"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SKILLS / "offline-flag"), "--json", "--no-cards"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == {
        "skills": 1,
        "loaded": 1,
        "apis": {
            "total": 2,
            "isError": 0,
            "ran": 1,
            "needs-recording": 1,
            "needs-device": 0,
            "failed": 0,
            "skipped": 0,
            "harness": 0,
        },
        "cards": {"total": 0, "ran": 0, "needs-recording": 0, "needs-device": 0, "failed": 0, "skipped": 0, "harness": 0},
        "harness": 0,
    }
    assert doc["packages"][0]["skills"][0]["items"][0] == {
        "kind": "api",
        "skill": "specials",
        "name": "listSpecials",
        "outcome": "needs-recording",
        "detail": "wx.request GET http://127.0.0.1:18790/api/specials?city=test",
    }


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert "no such directory" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2  # no tests/skills or examples here
    assert "no PATH given" in capsys.readouterr().err


# ---- each outcome -------------------------------------------------------------------------------------


def test_outcomes_of_apis_and_cards(tmp_path: Path) -> None:
    root = probe_package(
        tmp_path,
        {
            "ok": "() => ({ content: [{ type: 'text', text: '好' }] })",
            "isErr": "() => ({ isError: true, content: [{ type: 'text', text: '没有这个商品。请换一个。' }] })",
            "throws": "() => { const x = null; return x.length }",
            "badResult": "() => 42",
            "fetches": "() => new Promise((resolve, reject) => wx.request("
            "{ url: 'https://api.example.com/v1/items', success: resolve, fail: reject })).then(() => ({ content: [] }))",
            "cloud": "async () => { wx.cloud.init(); const r = await wx.cloud.callFunction({ name: 'quote' }); "
            "return { content: [{ type: 'text', text: String(r.result) }] } }",
            "cloudCaught": "async () => { try { await wx.cloud.callFunction({ name: 'quote' }) } catch (e) { "
            "return { isError: true, content: [{ type: 'text', text: '报价失败' }] } } }",
            "hangs": "() => { while (true) {} }",
            "patterned": "(a) => ({ content: [{ type: 'text', text: a.code }] })",
            "exotic": "() => ({ content: [] })",
        },
        schemas={
            "patterned": {
                "type": "object",
                "properties": {"code": {"type": "string", "pattern": "^WS\\d{4}$"}},
                "required": ["code"],
            },
            "exotic": {"type": "object", "properties": {"x": {"type": "string", "pattern": "^zz[0-9]{3}q$"}}, "required": ["x"]},
        },
    )
    mcp = json.loads((root / "skills/probe/mcp.json").read_text(encoding="utf-8"))
    mcp["apis"].append({"name": "ghost", "description": "declared, never registered", "inputSchema": {"type": "object"}})
    mcp["apis"][0]["_meta"] = {"ui": {"componentPath": "components/card/index"}}
    mcp["apis"][1]["_meta"] = {"ui": {"componentPath": "components/broken/index"}}
    write_tree(
        root,
        {
            "skills/probe/mcp.json": mcp,
            "skills/probe/components/card/index.js": "Component({ data: { n: 0 } })",
            "skills/probe/components/card/index.wxml": "<view class='c'>{{n}}</view>",
            "skills/probe/components/broken/index.js": "Component({ lifetimes: { attached () { this.nope.x = 1 } } })",
            "skills/probe/components/broken/index.wxml": "<view>x</view>",
        },
    )
    from wxreplay.session import SessionLimits

    got = outcomes(tally_package(root, limits=SessionLimits(wall_timeout_s=0.5)))
    assert got["api ok"] == ("ran", "")
    assert got["api isErr"] == ("ran", "没有这个商品。请换一个。")
    assert got["api throws"][0] == "failed" and got["api throws"][1].startswith("JSError: throws threw: TypeError")
    assert got["api throws"][1].endswith("(skills/probe/index.js:3)")
    assert got["api badResult"][0] == "failed" and got["api badResult"][1].startswith("ResultError: badResult returned 42")
    assert got["api fetches"] == ("needs-recording", "wx.request GET https://api.example.com/v1/items")
    assert (
        got["api cloud"][0] == "needs-device"
        and "wx.cloud.callFunction({ name: 'quote' }) has nothing scripted" in got["api cloud"][1]
    )
    assert got["api cloudCaught"][0] == "needs-device"  # the skill mapped it to isError: still a missing stub
    assert got["api hangs"][0] == "failed" and got["api hangs"][1].startswith("CallTimeoutError:")
    assert got["api patterned"] == ("ran", "")  # "WS0001" matches ^WS\d{4}$
    assert got["api exotic"][0] == "skipped" and "no valid arguments" in got["api exotic"][1]
    assert got["api ghost"][0] == "failed" and got["api ghost"][1].startswith("UnknownApiError: 'ghost' is declared in mcp.json")
    assert got["card ok -> components/card/index"] == ("ran", "")
    broken = got["card isErr -> components/broken/index"]
    assert broken[0] == "failed" and broken[1].startswith("CardError: components/broken/index threw while rendering")
    assert len(got) == 13


def test_a_python_exception_is_a_harness_error_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = probe_package(tmp_path / "pkg", {"ok": "() => ({ content: [] })", "other": "() => ({ content: [] })"})

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("wxreplay bug")

    monkeypatch.setattr("wxreplay.session.check_result", crash)
    got = outcomes(tally_package(root))
    assert [o for o, _ in got.values()] == ["harness", "harness"]
    assert "Traceback (most recent call last)" in got["api ok"][1] and "KeyError: 'wxreplay bug'" in got["api ok"][1]
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  probe api ok: harness\n    Traceback (most recent call last):" in out
    assert out.endswith("2 harness error(s): wxreplay itself failed (see the tracebacks above)\n")


def test_broken_packages_are_counted_not_crashed_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    probe_package(tmp_path / "a-bad-mcp", {"x": "() => ({ content: [] })"}, extra={"skills/probe/mcp.json": "{ not json"})
    probe_package(
        tmp_path / "b-throws-at-load",
        {"x": "() => ({ content: [] })"},
        extra={"skills/probe/index.js": "throw new Error('boom')\n"},
    )
    (tmp_path / "c-dangling").mkdir()
    (tmp_path / "c-dangling" / "app.json").symlink_to(tmp_path / "c-dangling" / "nowhere.json")
    packages = {Path(p.path).name: p for p in tally_paths([tmp_path])}
    assert sorted(packages) == ["a-bad-mcp", "b-throws-at-load", "c-dangling"]
    bad = packages["a-bad-mcp"]
    assert bad.load_error is not None and bad.load_error.startswith("load failed: ProjectError:") and bad.skills == []
    assert "skills/probe/mcp.json" in bad.load_error
    throws = packages["b-throws-at-load"]
    (skill,) = throws.skills
    assert (
        skill.load_error is not None
        and skill.load_error.startswith("load failed: SkillLoadError:")
        and "boom" in skill.load_error
    )
    assert [(i.outcome, i.detail) for i in skill.items] == [("failed", "the skill did not load")]
    dangling = packages["c-dangling"]
    assert dangling.load_error is not None and dangling.load_error.startswith("load failed: ProjectError:")
    assert all(p.harness_error is None and p.counts().harness == 0 for p in packages.values())
    assert main([str(tmp_path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert [row.split()[1] for row in table[1:7:2]] == ["failed", "0/1", "failed"]


def test_skills_no_app_json_lists_are_run_as_skill_directories(tmp_path: Path) -> None:
    root = probe_package(tmp_path, {"x": "() => ({ content: [] })"}, extra={"app.json": {"pages": ["pages/home/home"]}})
    write_tree(
        root,
        {
            "skills/extra/mcp.json": {"apis": [{"name": "hello", "description": "hello", "inputSchema": {"type": "object"}}]},
            "skills/extra/index.js": "wx.modelContext.registerAPI('hello', () => ({ content: [] }))\n",
            "skills/node_modules/dep/mcp.json": "{ never read",
        },
    )
    package = tally_package(root)
    assert package.load_error is None
    assert [(s.name, s.listed, s.load_error) for s in package.skills] == [("extra", False, None), ("probe", False, None)]
    assert outcomes(package) == {"api hello": ("ran", ""), "api x": ("ran", "")}


def test_discovery_scans_folders_and_skips_what_is_not_a_package(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "p1/app.json": "{}",
            "group/p2/mcp.json": "{}",
            "group/p2/inner/mcp.json": "{}",  # inside a package: not searched
            "group/p3/SKILL.md": "# x",
            "_shared/middleware.js": "module.exports = {}",
            "node_modules/p4/mcp.json": "{}",
            ".hidden/p5/mcp.json": "{}",
            "a/b/c/d/e/mcp.json": "{}",  # deeper than four levels
        },
    )
    found = [p.relative_to(tmp_path).as_posix() for p in discover_packages([tmp_path])]
    assert found == ["group/p2", "group/p3", "p1"]
    assert discover_packages([tmp_path / "p1", tmp_path, tmp_path / "p1"]) == discover_packages([tmp_path])


# ---- nothing leaks ------------------------------------------------------------------------------------

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
TOKEN = "Zq8rT2xLp0aV9mKcQ1wEy7Bn"


def test_secrets_in_errors_urls_and_results_are_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    probe_package(
        tmp_path / "pkg",
        {
            "throws": f"() => {{ throw new Error('login failed for 13812345678 with {JWT}') }}",
            "fetches": "() => new Promise((ok, no) => wx.request("
            f"{{ url: 'https://api.example.com/me?access_token={TOKEN}', success: ok, fail: no }}))",
            "leaksCode": "async () => { const { code } = await wx.login(); throw new Error('bad code ' + code) }",
            "isErr": f"() => ({{ isError: true, content: [{{ type: 'text', text: 'token {JWT} expired' }}] }})",
        },
    )
    for argv in ([str(tmp_path)], [str(tmp_path), "--json"], [str(tmp_path), "-v"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "probe api throws: failed" in out or '"outcome": "failed"' in out
        for secret in (JWT, "13812345678", TOKEN):
            assert secret not in out
        assert "<redacted:" in out
    with_code = tally_package(tmp_path / "pkg")
    detail = outcomes(with_code)["api leaksCode"][1]
    assert detail.startswith("JSError: leaksCode threw: Error: bad code <redacted:"), detail


# ---- arguments from inputSchema ---------------------------------------------------------------------

SCHEMAS: list[dict[str, Any]] = [
    {"type": "object"},
    {"type": "object", "properties": {"a": {"type": "string"}}},
    {"type": "object", "properties": {"plan": {"type": "string", "enum": ["month", "year"]}}, "required": ["plan"]},
    {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 9}}, "required": ["n"]},
    {"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 1, "multipleOf": 0.5}}, "required": ["n"]},
    {"type": "object", "properties": {"n": {"type": "integer", "maximum": -3}}, "required": ["n"]},
    {"type": "object", "properties": {"s": {"type": "string", "minLength": 8, "maxLength": 10}}, "required": ["s"]},
    {"type": "object", "properties": {"s": {"type": "string", "maxLength": 2}}, "required": ["s"]},
    {"type": "object", "properties": {"id": {"type": "string", "pattern": "^[0-9]+$"}}, "required": ["id"]},
    {
        "type": "object",
        "properties": {"d": {"type": "string", "format": "date"}, "e": {"type": "string", "format": "email"}},
        "required": ["d", "e"],
    },
    {
        "type": "object",
        "properties": {"u": {"type": "string", "format": "uri"}, "t": {"type": "string", "format": "date-time"}},
        "required": ["u", "t"],
    },
    {"type": "object", "properties": {"ok": {"type": "boolean"}, "z": {"type": "null"}}, "required": ["ok", "z"]},
    {
        "type": "object",
        "properties": {
            "specs": {
                "type": "object",
                "properties": {"size": {"type": "string", "enum": ["m", "l"]}, "x": {"type": "integer"}},
                "required": ["size"],
            }
        },
        "required": ["specs"],
    },
    {
        "type": "object",
        "properties": {"ids": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "uniqueItems": True}},
        "required": ["ids"],
    },
    {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 3}},
        "required": ["tags"],
    },
    {
        "type": "object",
        "properties": {"q": {"type": "string", "examples": ["拿铁"]}, "k": {"type": "integer", "default": 3}},
        "required": ["q", "k"],
    },
    {"type": "object", "properties": {"v": {"const": "fixed"}}, "required": ["v"]},
    {"type": "object", "properties": {"v": {"type": ["null", "string"]}}, "required": ["v"]},
    {"type": "object", "properties": {"v": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 2}]}}, "required": ["v"]},
    {
        "type": "object",
        "properties": {
            "v": {
                "allOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                    {"required": ["b"], "properties": {"b": {"type": "integer"}}},
                ]
            }
        },
        "required": ["v"],
    },
    {
        "type": "object",
        "properties": {"node": {"$ref": "#/definitions/node"}},
        "required": ["node"],
        "definitions": {"node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/node"}}, "required": ["next"]}},
    },
    {
        "type": "object",
        "properties": {"addr": {"$ref": "#/$defs/addr"}},
        "required": ["addr"],
        "$defs": {"addr": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
    },
    {
        "type": "object",
        "properties": {"pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "minItems": 2}},
        "required": ["pair"],
    },
    {"type": "object", "required": ["free"], "additionalProperties": {"type": "integer"}},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[json.dumps(s, ensure_ascii=False)[:60] for s in SCHEMAS])
def test_generated_arguments_validate_and_are_deterministic(schema: dict[str, Any]) -> None:
    args = sample_arguments(schema)
    assert sample_arguments(json.loads(json.dumps(schema))) == args  # the same on every run
    if "node" in schema.get("properties", {}):  # an endlessly recursive schema ends in null: reported, not looped on
        assert not jsonschema.Draft7Validator(schema).is_valid(args)
        return
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(args)]
    assert errors == [], (args, errors)


def test_generated_values_follow_the_documented_order() -> None:
    assert sample_arguments({"type": "object", "properties": {"a": {"type": "string"}}}) == {}  # required only
    assert sample_value({"type": "string", "enum": ["x", "y"], "default": "y"}) == "y"  # default before enum
    assert sample_value({"type": "string", "examples": ["e"], "default": "d"}) == "e"
    assert sample_value({"type": "string", "format": "date"}) == "2026-01-05"
    assert sample_value({"type": "string"}) == "test"
    assert sample_value({"type": "integer"}) == 1 and sample_value({"type": "number", "minimum": 2.5}) == 2.5
    assert sample_value({"type": "boolean"}) is False
    assert sample_value({"type": "array", "items": {"type": "string"}}) == ["test"]
    assert sample_value({"type": "array", "maxItems": 0}) == []
    assert sample_arguments({"type": "array"}) == {}  # an API's arguments are always an object


def test_wxreplay_tally_is_the_same_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wxreplay.cli import main as cli

    assert cli(["tally", str(SKILLS / "offline-flag"), "--no-cards"]) == 0
    via_cli = capsys.readouterr().out
    assert main([str(SKILLS / "offline-flag"), "--no-cards"]) == 0
    assert capsys.readouterr().out == via_cli
    assert "  specials api listSpecials: needs-recording: wx.request GET http://127.0.0.1:18790/api/specials?city=test" in via_cli
    assert cli(["tally", str(tmp_path / "nowhere")]) == 2


def test_apis_registered_but_not_declared_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = probe_package(tmp_path / "pkg", {"declared": "() => ({ content: [] })", "hidden": "() => ({ content: [] })"})
    mcp = json.loads((root / "skills/probe/mcp.json").read_text(encoding="utf-8"))
    mcp["apis"] = mcp["apis"][:1]
    write_tree(root, {"skills/probe/mcp.json": mcp})
    (skill,) = tally_package(root).skills
    assert skill.undeclared == ["hidden"] and [i.name for i in skill.items] == ["declared"]
    assert main([str(tmp_path)]) == 0
    assert (
        "  skill probe: registered in index.js but not declared in mcp.json (the platform never calls them): hidden"
        in capsys.readouterr().out
    )

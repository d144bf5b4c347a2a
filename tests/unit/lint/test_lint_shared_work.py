"""The lint's shared work finds what the work done file by file finds.

The speed-up of issue 17 computes each fact once: per text (a JS parse, a WXSS walk, a WXML parse,
JSON positions), per path (stat answers, labels) and per lint (skill loads started in the
background). Each test here holds one of them against the plain computation it replaces, on the
real parsers and real files; ``test_lint_same_findings`` holds the whole linter against its output
before the speed-up.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from lint_golden import GOLDEN, REPO, lint_all, repo_targets

from wxreplay.cards.wxml import Document, check_card_rules, parse_wxml
from wxreplay.cards.wxml.parser import Element, Node
from wxreplay.cards.wxss import check_and_parse_wxss
from wxreplay.jsonfile import locate
from wxreplay.lint import lint_paths, runner
from wxreplay.lint.cardfiles import _parse_once_per_text
from wxreplay.lint.catalog import checks
from wxreplay.lint.context import LintContext
from wxreplay.lint.jsfacts import relative_posix
from wxreplay.lint.jsonpos import _Positions, json_position
from wxreplay.lint.registry import CHECKS
from wxreplay.lint.rules_cards import _wxss_of_text
from wxreplay.source import display_path

EXAMPLE = REPO / "examples" / "westore-cafe"


def _paths(value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path into a parsed JSON value, with a missing key and a missing index under each container."""
    out = [at]
    if isinstance(value, dict):
        out.append((*at, "__missing__"))
        for k, v in value.items():
            out += _paths(v, (*at, k))
    elif isinstance(value, list):
        out.append((*at, len(value)))
        for i, v in enumerate(value):
            out += _paths(v, (*at, i))
    return out


_ODD_JSON = [
    '{"a": {"x": 1, "y": [1, 2]}, "a": {"z": true}}',  # a duplicate key: the last one wins, its children only
    '{"a\\u0062": {"c": "d\\"e"}, "n": -1.5e3, "m": NaN, "i": -Infinity, "t": null}',
    '  [ {"k": []}, {}, [[], [1]], "s" ]  ',
    '{"a": 1,, "b": 2}',  # not JSON: every question goes to locate
    '{"a": [1, 2',  # truncated
    '{"a": 1} trailing',
    "",
    "{}",
    '{"a":\n\t{"b":\r\n [ 0 ,\n 1 ] } }',
    '{"a\\"b": {"x": "\\\\"}, "a": {"y": ["\\u00e9\\n", "}"]}}',  # escaped keys and values, brackets in strings
    '{"a\tb": 1, "a": 2}',  # a raw tab in a key: not JSON
    '{"a": "x\\',  # a backslash at the very end
    '{"a": {"x": 1}, "b',  # a key that never ends
    "{a: 1}",  # a key without quotes
]


def test_json_positions_of_one_scan_are_those_locate_finds() -> None:
    """One scan per text answers every path as locate does: repository JSON files and odd texts."""
    files = [p for root in (REPO / "examples", REPO / "tests" / "skills") for p in sorted(root.rglob("*.json"))]
    texts = [p.read_text(encoding="utf-8-sig") for p in files] + _ODD_JSON
    assert len(files) > 40
    for text in texts:
        try:
            wanted = _paths(json.loads(text))
        except ValueError:
            wanted = [(), ("a",), ("a", 0), ("a", 1), ("b",), ("a", "x")]
        # a bool is no index; paths that do not exist (or only under the first of two equal keys)
        wanted += [("a", True), (0, "k"), (2, 1, 0), ("zz", "yy"), ("a", "x"), ("a", "y", 1)]
        positions = _Positions(text)
        for path in wanted:
            assert positions.find(path) == locate(text, path), (text[:60], path)
    for text in _ODD_JSON:  # with the ancestor fallback, cached or not
        cache: dict[tuple[str, str], object] = {}
        for path in [(), ("a",), ("a", "x"), ("a", "z"), ("a", "y", 1), (0, "k", 0), ("m",), ("q", 1)]:
            assert json_position(text, path, cache) == json_position(text, path) == _fallback(text, path), (text, path)


def _fallback(text: str, path: tuple[str | int, ...]) -> tuple[int | None, int | None]:
    for depth in range(len(path), -1, -1):
        found = locate(text, path[:depth])
        if found is not None:
            return found
    return None, None


def _copy_project(tmp_path: Path, text_js: str) -> tuple[LintContext, Path, Path]:
    a, b = tmp_path / "skills" / "a", tmp_path / "skills" / "b"
    for d in (a, b):
        d.mkdir(parents=True)
        (d / "util.js").write_text(text_js, encoding="utf-8")
    return LintContext(tmp_path, None, None, []), a / "util.js", b / "util.js"


def test_js_files_of_equal_text_share_one_parse_under_their_own_labels(tmp_path: Path) -> None:
    text = "const x = require('./y');\n// 注释\nmodule.exports = { a: getApp(), b: wx.request({ url: 'u' }) };\n"
    ctx, a, b = _copy_project(tmp_path, text)
    ja, jb = ctx.js(a), ctx.js(b)
    assert ja is not None and jb is not None
    assert ja.tree is jb.tree  # parsed once
    assert (ja.label, jb.label) == (ctx.label(a), ctx.label(b)) and ja.label != jb.label
    alone = LintContext(tmp_path, None, None, []).js(b)
    assert alone is not None and alone.tree is not ja.tree
    for kind in ("call_expression", "string_fragment", "pair", "member_expression"):
        assert [jb.position(n) for n in jb.walk(kind)] == [alone.position(n) for n in alone.walk(kind)]
    assert [c for c, _ in jb.calls()] == [c for c, _ in alone.calls()] == ["require", "getApp", "wx.request"]
    assert jb.fact("n", lambda j: len(list(j.walk("pair")))) == 3
    assert ja.fact("n", lambda j: -1) == 3  # a fact of the text: computed once for both files


def test_a_copied_stylesheet_gets_the_walk_of_its_text_under_its_own_label(tmp_path: Path) -> None:
    text = ".root { height: 100px; position: fixed; }\n.a { z-index: 3; font-size: 1rem; display: grid; }\n"
    ctx = LintContext(tmp_path, None, None, [])
    first = _wxss_of_text(ctx, text, "skills/a/card.wxss")
    copy = _wxss_of_text(ctx, text, "skills/b/card.wxss")
    for got, label in ((first, "skills/a/card.wxss"), (copy, "skills/b/card.wxss")):
        alone = check_and_parse_wxss(text, label)
        assert got[0] == alone[0]
        assert _sheet(got[1]) == _sheet(alone[1])
    assert copy[0] and all(d.file == "skills/b/card.wxss" for d in copy[0])


def _sheet(sheet: Any) -> Any:
    """A stylesheet as plain data (tinycss2 tokens compare by identity; their serialisation by value)."""
    rules = [
        (
            r.selectors,
            [(d.name, tinycss2.serialize(d.value), d.important, d.line, d.column, d.supported) for d in r.declarations],
            r.media,
            r.line,
            r.column,
            r.supported_selectors,
        )
        for r in sheet.rules
    ]
    return sheet.file, rules, len(sheet.font_faces)


def _shape(nodes: list[Node]) -> list[Any]:
    out: list[Any] = []
    for n in nodes:
        if isinstance(n, Element):
            out.append((n.tag, n.attrs, n.offset, n.line, n.column, n.self_closing, n.source.path, _shape(n.children)))
        else:
            out.append(n)
    return out


def test_a_copied_card_gets_the_parse_of_its_text_under_its_own_label(tmp_path: Path) -> None:
    text = (EXAMPLE / "skills" / "coffee" / "components" / "drink-list" / "index.wxml").read_text(encoding="utf-8")
    text += '\n<scroll-view scroll-y><view bindtap="{{x.y()}}">{{a.b.slice(1)}}</view></scroll-view>\n'
    ctx = LintContext(tmp_path, None, None, [])
    first = _parse_once_per_text(ctx, "skills/a/index.wxml", text)
    copy = _parse_once_per_text(ctx, "skills/b/index.wxml", text)
    alone = parse_wxml("skills/b/index.wxml", text)
    assert isinstance(copy, Document) and copy.path == "skills/b/index.wxml" and first.path == "skills/a/index.wxml"
    assert _shape(copy.children) == _shape(alone.children)
    assert check_card_rules(copy, warnings=True) == check_card_rules(alone, warnings=True)
    assert check_card_rules(copy, warnings=True)  # the card breaks rules: the comparison compares something
    assert check_card_rules(first, warnings=True) == check_card_rules(parse_wxml("skills/a/index.wxml", text), warnings=True)


def test_stat_answers_kept_per_lint_are_the_file_systems(tmp_path: Path) -> None:
    (tmp_path / "f.js").write_text("x", encoding="utf-8")
    (tmp_path / "d").mkdir()
    ctx = LintContext(tmp_path, None, None, [])
    for p in (tmp_path / "f.js", tmp_path / "d", tmp_path / "missing", tmp_path / "f.js" / "x", tmp_path / "a\0b"):
        for _ in range(2):  # the second answer comes from the memo
            assert (ctx.is_file(p), ctx.is_dir(p)) == (p.is_file(), p.is_dir()), p
    too_long = tmp_path / ("n" * 5000)
    for ask in (ctx.is_file, Path.is_file):
        with pytest.raises(OSError):
            ask(too_long)  # a name the system refuses is an error for pathlib too, not "no such file"


@pytest.mark.parametrize("where", ["root", "above", "inside", "elsewhere"])
def test_labels_by_prefix_are_display_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    root = tmp_path / "proj" / "app"
    (root / "skills" / "s").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    cwd = {"root": root, "above": tmp_path, "inside": root / "skills", "elsewhere": tmp_path / "other"}[where]
    monkeypatch.chdir(cwd)
    ctx = LintContext(root, None, None, [])
    for p in (
        root,
        root / "app.json",
        root / "skills" / "s" / "index.js",
        root / "skills" / ".." / "skills" / "s",
        tmp_path / "proj" / "appendix.js",  # a sibling whose name starts like the root's
        tmp_path / "other" / "x.js",
        Path("/"),
    ):
        assert ctx.label(p) == display_path(p, root), (where, p)


def test_relative_paths_by_prefix_are_pathlibs() -> None:
    cases = [
        (Path("/a/b/c.js"), Path("/a")),
        (Path("/a/b"), Path("/a/b")),
        (Path("/a/bc/x"), Path("/a/b")),
        (Path("/x/y"), Path("/")),
        (Path("a/b"), Path("a")),
        (Path("a/b"), Path(".")),
        (Path("/a/../b/c"), Path("/a/../b")),
    ]
    for path, root in cases:
        try:
            expected = path.relative_to(root).as_posix()
        except ValueError:
            with pytest.raises(ValueError):
                relative_posix(path, root)
        else:
            assert relative_posix(path, root) == expected, (path, root)


def test_only_the_rules_marked_runtime_ask_for_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner starts the loads for the rules marked ``runtime`` and runs them last: no other rule may ask."""
    asked: list[str] = []
    current = [""]

    def runtime(self: LintContext, target: Any) -> None:
        asked.append(current[0])

    monkeypatch.setattr(LintContext, "runtime", runtime)
    for path in repo_targets().values():
        try:
            ctx = LintContext.load(path)
        except Exception:
            continue
        for r, check in checks():
            current[0] = r.id
            list(check(ctx))
    marked = {r.id for r, _ in checks() if r.runtime}
    assert asked and set(asked) <= marked
    assert {"WXR201", "WXR202", "WXR204", "WXR214", "WXR406"} <= set(asked)


def test_the_background_loads_end_with_the_lint(tmp_path: Path) -> None:
    from bench_lint import make_thirty

    run = lint_paths([make_thirty(tmp_path / "thirty")])
    assert not run.crashes and run.report.findings
    assert not [t for t in threading.enumerate() if t.name.startswith("wxreplay-lint")]


def test_crashes_are_listed_by_rule_whatever_order_the_rules_ran_in(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(ctx: LintContext) -> list[Any]:
        raise RuntimeError("a linter bug")

    for rule_id in ("WXR406", "WXR201", "WXR109"):  # two runtime rules (run last) and a file rule
        monkeypatch.setitem(CHECKS, rule_id, boom)
    run = lint_paths([EXAMPLE])
    assert [c.rule for c in run.crashes] == ["WXR109", "WXR201", "WXR406"]


def test_without_a_spare_cpu_the_findings_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one CPU the skills load when a rule first asks (no background loads): the golden output all the same."""
    started: list[int] = []
    monkeypatch.setattr(runner, "spare_cpu", lambda: False)
    monkeypatch.setattr(LintContext, "start_runtime", _counting(LintContext.start_runtime, started))
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(lint_all(tmp_path)))
    assert got == expected
    assert started  # the loads still ran, started by the rules that asked


def _counting(fn: Any, calls: list[int]) -> Any:
    def wrapped(self: LintContext) -> None:
        calls.append(1)
        fn(self)

    return wrapped


def test_spare_cpu_follows_the_affinity_else_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not runner.spare_cpu()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert runner.spare_cpu()
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS, Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not runner.spare_cpu()
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert runner.spare_cpu()


def test_the_collector_is_paused_during_a_lint_and_restored_after() -> None:
    import gc

    from wxreplay.lint import runner

    seen: list[bool] = []
    with runner._gc_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with runner._gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()


def test_the_switch_interval_is_short_during_a_lint_and_restored_after(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    seen: list[float] = []
    monkeypatch.setitem(CHECKS, "WXR109", lambda ctx: seen.append(sys.getswitchinterval()) or [])
    before = sys.getswitchinterval()
    lint_paths([EXAMPLE])
    assert seen == [pytest.approx(runner.LINT_SWITCH_INTERVAL, abs=2e-6)] and sys.getswitchinterval() == before
    sys.setswitchinterval(0.0001)  # a caller that asked for a shorter one keeps it
    try:
        seen.clear()
        lint_paths([EXAMPLE])
        assert seen == [pytest.approx(0.0001, abs=2e-6)] and sys.getswitchinterval() == pytest.approx(0.0001, abs=2e-6)
    finally:
        sys.setswitchinterval(before)


def test_a_finished_lint_context_is_freed_without_the_cyclic_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a lint made (its context, parse trees, an error kept for a missing file) goes when the lint ends.

    Left in a reference cycle, it waited for the cyclic collector, whose first pass after the lint
    then traversed everything the lint had made (0.1-0.3 s on 30 skills).
    """
    import gc
    import weakref

    from bench_lint import make_thirty

    project = make_thirty(tmp_path / "thirty")
    contexts: list[weakref.ref[LintContext]] = []
    load = LintContext.load.__func__  # type: ignore[attr-defined]

    def tracked(cls: type[LintContext], given: str | Path) -> LintContext:
        ctx = load(cls, given)
        ctx.is_file(project / "no-such-file.js")  # an OSError kept in the context's stat answers
        contexts.append(weakref.ref(ctx))
        return ctx

    monkeypatch.setattr(LintContext, "load", classmethod(tracked))
    gc.collect()
    gc.disable()
    try:
        run = lint_paths([project])
        assert not run.crashes and run.report.findings
        assert contexts and all(ref() is None for ref in contexts)
    finally:
        gc.enable()


def test_a_wxml_document_lists_its_elements_in_document_order() -> None:
    doc = parse_wxml("a.wxml", '<view a="1"><text>x</text><view b="2"><image/></view></view><button/>')
    assert [(e.tag, e.line, e.column) for e in doc.elements()] == [
        ("view", 1, 1),
        ("text", 1, 13),
        ("view", 1, 27),
        ("image", 1, 39),
        ("button", 1, 61),
    ]
    mine = doc.elements()
    mine.clear()  # each caller gets a list of its own (the document keeps its walk for the next)
    assert [e.tag for e in doc.elements()] == ["view", "text", "view", "image", "button"]


@pytest.mark.parametrize(
    "source",
    [
        "const a = require('./a.js'); a.b({ k: 1, 'q': `t${x}` }); let { p } = o; o.m = () => ({ p });",
        "function f( { return [1, 2",  # syntax errors: ERROR nodes, missing nodes
        "import x from 'y'; export const z = { ...x, [k]: 2 };",
    ],
)
def test_the_js_node_index_finds_what_a_full_walk_finds(source: str) -> None:
    """``walk(kind)`` (indexed kinds from one cursor walk, others by a walk of their own) equals filtering every node."""
    from wxreplay.lint.jsparse import INDEXED_KINDS, parse_js

    js = parse_js("a.js", source)
    every = list(js.walk())
    kinds = {n.type for n in every} | INDEXED_KINDS | {"ERROR", "no_such_kind"}
    for kind in sorted(kinds):
        assert [n.id for n in js.walk(kind)] == [n.id for n in every if n.type == kind], kind


def test_pairs_by_key_are_the_pairs_a_walk_finds() -> None:
    """``JsFile.pairs(key)``: the pairs whose key, quotes stripped, is ``key``, as a walk over every pair finds them."""
    from wxreplay.lint.jsparse import parse_js

    js = parse_js(
        "a.js",
        "const o = { content: [1], 'content': 2, \"structuredContent\": { a: 1, content: 3 }, [content]: 4, 5: 6,"
        " m() {}, sc, `t`: 7 }; f({ structuredContent: o, 'a b': 1, '': 2 });",
    )
    every = list(js.walk("pair"))
    keys = {(p.child_by_field_name("key").text or b"").decode().strip("'\"") for p in every}  # type: ignore[union-attr]
    assert {"content", "structuredContent", "a b", "", "5"} <= keys
    for key in sorted(keys | {"missing"}):
        wanted = [
            p.id
            for p in every
            if (k := p.child_by_field_name("key")) is not None and (k.text or b"").decode().strip("'\"") == key
        ]
        assert [p.id for p in js.pairs(key)] == wanted, key


def test_the_sources_are_bundled_before_any_background_load_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read by the first load, a large subpackage's files would be read while the file rules hold the GIL."""
    from bench_lint import make_thirty

    from wxreplay.lint import context

    bundled_first: list[bool] = []
    real = context.load_facts

    def load(project: Any, skill: Any) -> Any:
        bundled_first.append("source_bundle" in skill.source_cache())
        return real(project, skill)

    monkeypatch.setattr(context, "load_facts", load)
    run = lint_paths([make_thirty(tmp_path / "thirty")])
    assert not run.crashes
    assert len(bundled_first) == 30 and all(bundled_first)


def test_a_subpackage_source_that_cannot_be_read_is_reported_by_the_load_as_before(tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "cafe"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("service", "__pycache__"))
    (project / "skills" / "coffee" / "utils" / "blob.js").write_bytes(b"module.exports = 1\x00\x01")
    run = lint_paths([project])
    assert not run.crashes
    shown = [f for f in run.report.findings if "blob.js" in f.message or (f.file or "").endswith("blob.js")]
    assert shown, [f.message for f in run.report.findings]


def test_the_sources_taken_from_the_bundle_are_the_files_texts(tmp_path: Path) -> None:
    from bench_lint import make_thirty_distinct

    root = make_thirty_distinct(tmp_path / "distinct")
    (root / "skills" / "coffee-01" / "utils" / "bom.js").write_bytes("\ufeffmodule.exports = '拿铁'\n".encode())
    ctx = LintContext.load(root)
    try:
        ctx.start_runtime()
        taken = dict(ctx._texts)
        assert len(taken) > 600  # the subpackage's .js/.json/.wxs files, read once for all 30 skills
        for path, text in taken.items():
            assert text == path.read_bytes().decode("utf-8-sig"), path
    finally:
        ctx.close()

"""A subpackage's sources reach V8 as one unparsed text (``project/source_bundle.py``) and decode per file on require."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxreplay.host.availability import ContextKind
from wxreplay.project.source_bundle import bundle_sources, read_bundle
from wxreplay.runtime.bootstrap import define_modules
from wxreplay.runtime.context import ExecutionContext

MB = 1024 * 1024

#: Texts whose bytes are easy to get wrong: astral characters (two UTF-16 units), line separators
#: JavaScript once refused in strings, quotes, backslashes, NUL, a lone surrogate's escape, markup.
TRICKY = [
    "",
    "纯中文文本",
    "emoji 😀 and 𝄞 (astral)",
    "line\u2028separator\u2029paragraph",
    'quote " backslash \\ slash / tab \t newline \n',
    "nul \x00 end",
    "</script><!-- -->",
    "\\ud800 as text",
]


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=8))
@settings(max_examples=200, deadline=None)
def test_each_span_holds_its_files_text(files: dict[str, str]) -> None:
    bundle = bundle_sources(files)
    assert bundle.text.isascii()
    assert read_bundle(bundle) == files
    assert list(read_bundle(bundle)) == list(files)


@pytest.fixture
def context() -> Iterator[ExecutionContext]:
    ctx = ExecutionContext(ContextKind.API, memory_limit=64 * MB, wall_timeout=5.0)
    try:
        yield ctx
    finally:
        ctx.close()


def test_require_reads_every_text_as_written(context: ExecutionContext) -> None:
    files = {f"t{i}.json": json.dumps({"s": text}, ensure_ascii=False) for i, text in enumerate(TRICKY)}
    files |= {f"m{i}.js": f"module.exports = {json.dumps(text, ensure_ascii=False)};" for i, text in enumerate(TRICKY)}
    define_modules(context.isolate, bundle_sources(files), "", "")
    for i, text in enumerate(TRICKY):
        assert context.isolate.eval(f"__wr.require('t{i}.json').s") == text
        assert context.isolate.eval(f"__wr.require('m{i}.js')") == text


def test_a_skill_replacing_built_ins_does_not_change_what_require_reads(context: ExecutionContext) -> None:
    files = {"a.js": "module.exports = 'a';", "b.js": "module.exports = 'b';"}
    define_modules(context.isolate, bundle_sources(files), "", "")
    tamper = (
        "String.prototype.slice = function () { return '\"forged\"'; };"
        "JSON.parse = function () { return 'forged'; };"
        "Reflect.apply = function () { return 'forged'; };"
        "Object.prototype.hasOwnProperty = function () { return false; }; 0"
    )
    context.isolate.eval(tamper)
    assert context.isolate.eval("__wr.require('a.js') + __wr.require('b.js')") == "ab"


def test_sources_defined_again_replace_the_earlier_ones(context: ExecutionContext) -> None:
    define_modules(context.isolate, bundle_sources({"a.js": "module.exports = 1;"}), "", "")
    define_modules(context.isolate, bundle_sources({"b.js": "module.exports = 2;"}), "", "")
    assert context.isolate.eval("__wr.require('b.js')") == 2
    found = context.isolate.eval("(() => { try { __wr.require('a.js'); return 'found'; } catch (e) { return e.message; } })()")
    assert "is not defined" in found

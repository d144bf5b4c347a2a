"""Shared helpers for the WXML compiler tests: compile, evaluate in real V8, build expected VNodes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from wxreplay.cards.wxml import WXML_RUNTIME_JS, CompiledTemplate, compile_template
from wxreplay.errors import TemplateError
from wxreplay.runtime.engine import init_v8

init_v8()  # wxreplay's V8 flags must be set before the first MiniRacer in the process

from py_mini_racer import MiniRacer  # noqa: E402

PATH = "skills/s/components/c/index.wxml"
_ctx: MiniRacer | None = None


def v8() -> MiniRacer:
    """One V8 context for the module run (each render gets a fresh ``R``)."""
    global _ctx
    if _ctx is None:
        _ctx = MiniRacer()
    return _ctx


def compile_src(src: str | Mapping[str, str], path: str = PATH) -> CompiledTemplate:
    files = {path: src} if isinstance(src, str) else dict(src)
    return compile_template(files, path)


def run(t: CompiledTemplate, data: Any = None, *, prelude: str = "") -> Any:
    """Evaluate ``t.js`` with a fresh ``R`` and return ``render(data, R)`` as JSON."""
    ctx = v8()
    ctx.eval(f"var R = {WXML_RUNTIME_JS}; {prelude}; var T = (0, eval)({json.dumps(t.js)});")
    return json.loads(ctx.eval(f"JSON.stringify(T.render({json.dumps(data, ensure_ascii=False)}, R))"))


def render(src: str | Mapping[str, str], data: Any = None, path: str = PATH) -> Any:
    return run(compile_src(src, path), data)


def error(src: str | Mapping[str, str], path: str = PATH) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        compile_src(src, path)
    return info.value


def el(
    tag: str,
    line: int,
    *kids: Any,
    attrs: dict[str, Any] | None = None,
    ds: dict[str, Any] | None = None,
    ev: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An expected element VNode."""
    return {"tag": tag, "line": line, "attrs": attrs or {}, "ds": ds or {}, "ev": ev or {}, "kids": list(kids), **extra}


def tx(text: str, line: int, **extra: Any) -> dict[str, Any]:
    """An expected text VNode."""
    return {"text": text, "line": line, **extra}


def texts(nodes: Any) -> list[str]:
    """All text in document order."""
    out: list[str] = []
    for n in nodes:
        if "text" in n:
            out.append(n["text"])
        else:
            out += texts(n["kids"])
    return out


def test_harness_renders_a_view() -> None:
    assert render("<view/>") == [el("view", 1)]

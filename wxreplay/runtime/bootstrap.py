"""The JavaScript every execution context starts with: the prelude, ``wx`` and the context's own parts."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from wxreplay.host.availability import ContextKind
from wxreplay.project.source_bundle import SourceBundle
from wxreplay.runtime.engine import V8Isolate

_COMMON = ("prelude.js", "modules.js", "wx.js")
_BY_KIND = {
    ContextKind.API: ("api_context.js", "cloud.js"),
    ContextKind.CARD: ("card_context.js",),
    ContextKind.DYNAMIC: ("card_context.js",),
}


@cache
def _script(name: str) -> str:
    return resources.files("wxreplay.runtime").joinpath("js").joinpath(name).read_text(encoding="utf-8")


@cache
def bootstrap_js(kind: ContextKind) -> str:
    """The JavaScript installed into a fresh context of ``kind``, before its configuration."""
    body = "\n;".join(_script(n) for n in (*_COMMON, *_BY_KIND[kind]))
    # The only V8 intrinsic the harness uses lives in this closure: no global, no property of
    # ``__wr``, so skill code cannot reach it (and prelude.js screens skill code for ``%`` syntax).
    wrapped = (
        "(function () {\n'use strict';\nfunction wrDrainMicrotasks() { %PerformMicrotaskCheckpoint(); }\n" + body + "\n})();"
    )
    # One sourceURL for the whole bootstrap: frames from it are wxreplay's, hidden from users.
    return wrapped + "\n//# sourceURL=wxreplay:bootstrap.js\n"


def define_modules(isolate: V8Isolate, bundle: SourceBundle | None, root: str, skill_dir: str) -> None:
    """Hand a subpackage's sources (``Skill.source_bundle``) to ``require``, for the skill in ``skill_dir`` under
    the subpackage ``root``; each file is decoded and compiled on its first require.

    ``bundle`` None: keep the sources defined before (the same subpackage's), set the skill's fields only.
    """
    fields = f'"root": {json.dumps(root)}, "skillDir": {json.dumps(skill_dir)}'
    if bundle is None:
        isolate.eval("__wr.defineModules({" + fields + "}); 0")
        return
    isolate.put_text("__wr.sourceInbox()", bundle.text)
    isolate.eval('__wr.defineModules({"bundle": true, ' + fields + "}); 0")

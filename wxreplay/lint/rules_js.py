"""Independent-subpackage rules over the skills' JS (V001, V008) and the ``createSkill`` path, from the parse tree."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from wxreplay.lint.context import LintContext
from wxreplay.lint.jsfacts import parsed_subpackage_js, requires, resolve_request, subpackage_root
from wxreplay.lint.jsparse import string_value
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule


@rule(
    "WXR109",
    "error",
    "no getApp() in skill code",
    "Skills run in an independent subpackage, loaded without the main package: getApp() returns undefined there. "
    "Keep what the skill needs in the subpackage (skills/_shared/) or in storage.",
    vid="V001",
    spec="9.1.9, A3",
)
def get_app(ctx: LintContext) -> Iterator[LintFinding]:
    for _, path, js in parsed_subpackage_js(ctx):
        for callee, call in js.calls():
            if callee in ("getApp", "wx.getApp", "globalThis.getApp"):
                line, column = js.position(call)
                yield ctx.finding(
                    "WXR109",
                    "getApp() in skill code: the independent subpackage has no App, so it returns undefined",
                    file=path,
                    line=line,
                    column=column,
                    hint="move the shared state into skills/_shared/ or wx storage",
                )


@rule(
    "WXR110",
    "error",
    "require stays inside the independent subpackage and out of sibling skills",
    "A skill may require only files inside its subpackage root; a sibling skill's private folder is off limits too "
    "(skills/_shared/ is the place for shared code). On the device such a require fails with 'module is not defined'.",
    vid="V001",
    spec="9.1.9, A3",
)
def require_escapes(ctx: LintContext) -> Iterator[LintFinding]:
    for target, path, js in parsed_subpackage_js(ctx):
        top = subpackage_root(ctx, target)
        top_label = ctx.label(top)
        for site in requires(js, path):
            status, joined = resolve_request(ctx.root, top, path, site.request, memo=ctx.requires, is_file=ctx.is_file)
            if status == "outside":
                yield ctx.finding(
                    "WXR110",
                    f"require({site.request!r}) leaves the independent subpackage {top_label}/",
                    file=path,
                    line=site.line,
                    column=site.column,
                    hint=f"copy what it needs into {top_label}/_shared/ and require it from there",
                )
                continue
            if status != "ok" or joined is None or not _under(str(path), str(target.dir)):
                continue
            other = _sibling_skill(ctx, top, target.dir, joined)
            if other is not None:
                yield ctx.finding(
                    "WXR110",
                    f"require({site.request!r}) reaches into the private folder of skill folder {other}/",
                    file=path,
                    line=site.line,
                    column=site.column,
                    hint=f"move the shared code into {top_label}/_shared/",
                )


def _under(path: str, folder: str) -> bool:
    """``Path(path).is_relative_to(folder)`` for two absolute, normalised paths, by a prefix test (asked per require)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _sibling_skill(ctx: LintContext, top: Path, own: Path, joined: str) -> str | None:
    """The sibling skill folder (shown) that ``joined`` lies in, if it is not ``own`` and not ``_shared/``."""
    target = os.path.join(ctx.root, joined)  # joined: posix, without "." or ".." parts (resolve_request)
    if os.sep != "/":
        target = os.path.normpath(target)
    top_text = str(top)
    if _under(target, str(own)) or not _under(target, top_text) or top == ctx.root or target == top_text:
        return None
    first = target[len(top_text.rstrip(os.sep)) + 1 :].split(os.sep)[0]
    if first == "_shared" or not ctx.is_dir(top / first):
        return None
    if any(ctx.is_file(top / first / marker) for marker in ("mcp.json", "index.js", "SKILL.md")):
        return ctx.label(top / first)
    return None


@rule(
    "WXR111",
    "error",
    'no "@/" alias imports',
    '"@/" is a bundler alias; the client\'s require() knows only relative paths, '
    'so an "@/" require fails in the independent subpackage.',
    vid="V001",
    spec="9.1.9",
)
def alias_imports(ctx: LintContext) -> Iterator[LintFinding]:
    for _, path, js in parsed_subpackage_js(ctx):
        for site in requires(js, path):
            if site.request.startswith("@/"):
                yield ctx.finding(
                    "WXR111",
                    f"{site.request!r} is a bundler alias the client cannot resolve",
                    file=path,
                    line=site.line,
                    column=site.column,
                    hint="write the path relative to this file",
                )


@rule(
    "WXR203",
    "error",
    "every required module exists",
    "A require whose file does not exist throws when the module loads (V008): the skill or the API fails on the device.",
    vid="V008",
    spec="9.2.11",
)
def missing_modules(ctx: LintContext) -> Iterator[LintFinding]:
    for target, path, js in parsed_subpackage_js(ctx):
        top = subpackage_root(ctx, target)
        for site in requires(js, path):
            status, joined = resolve_request(ctx.root, top, path, site.request, memo=ctx.requires, is_file=ctx.is_file)
            if status in ("missing", "bare"):
                shown = f" ({joined}.js does not exist)" if joined and status == "missing" else ""
                yield ctx.finding(
                    "WXR203",
                    f"require({site.request!r}) names no file{shown}",
                    file=path,
                    line=site.line,
                    column=site.column,
                    hint="fix the path (relative to this file), or add the module",
                )


@rule(
    "WXR112",
    "error",
    "createSkill() is called with the skill's own path",
    "wx.modelContext.createSkill(path) must name the skill's folder exactly as app.json agent.skills[].path does "
    '(e.g. "skills/coffee"); a copied skill that keeps another folder\'s path registers its APIs under the wrong skill.',
    spec="1, A3",
    runtime=True,
)
def create_skill_path(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        index = target.dir / "index.js"
        js = ctx.js(index) if ctx.is_file(index) else None
        if js is None:
            continue
        literal_seen = False
        for callee, call in js.calls():
            if not (callee == "createSkill" or callee.endswith(".createSkill")):
                continue
            args = call.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            value = string_value(first)
            if value is None:
                continue
            literal_seen = True
            if value != target.path:
                line, column = js.position(first or call)
                yield ctx.finding(
                    "WXR112",
                    f"createSkill({value!r}) differs from the skill's folder {target.path!r}",
                    file=index,
                    line=line,
                    column=column,
                    hint=f"call createSkill({target.path!r})",
                )
        if literal_seen:
            continue
        facts = ctx.runtime(target)  # a computed path: what the runtime saw it called with
        for f in facts.findings if facts is not None else ():
            if f.rule == "createSkill-path":
                yield ctx.finding("WXR112", f.message, file=index, hint=f"call createSkill({target.path!r})")

"""Facts about a skill's JS that rules share: requires and where they lead, registered handlers, returned literals.

Built on :mod:`wxreplay.lint.jsparse` (a real parser). ``require`` is resolved the way the client's
CommonJS does (:file:`wxreplay/runtime/js/modules.js`): relative or ``/``-rooted paths, with or without
``.js``, folder ``index.js``, JSON files, never outside the independent subpackage root.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.jsparse import JsFile, Node, is_async_function, member_path, object_keys, pair_value, string_value, unwrap

__all__ = [
    "Registration",
    "RequireSite",
    "handler_of",
    "parsed_subpackage_js",
    "registrations",
    "requires",
    "resolve_request",
    "subpackage_js",
]

_MAX_DEPTH = 8
_FUNCTIONS = ("function_declaration", "function_expression", "function", "arrow_function", "method_definition")


@dataclass(frozen=True)
class RequireSite:
    """One ``require('x')`` / ``import ... from 'x'`` with a literal request."""

    file: Path
    request: str
    line: int
    column: int


def subpackage_root(ctx: LintContext, target: SkillTarget) -> Path:
    """The independent subpackage root a skill's ``require`` may not leave."""
    # Asked once per JS file by three rules: the same Path object each time, built once per skill.
    return ctx.per_lint("subpackage-root", target.dir, lambda: _subpackage_root(ctx, target))


def _subpackage_root(ctx: LintContext, target: SkillTarget) -> Path:
    if target.skill is not None:
        return ctx.root / target.skill.subpackage_root if target.skill.subpackage_root else ctx.root
    return target.dir.parent


def subpackage_js(ctx: LintContext) -> Iterator[tuple[SkillTarget, Path]]:
    """Every JS file of every linted skill, then of the subpackages' shared folders, each once."""
    # Listed once per lint: a dozen rules walk the JS files.
    yield from ctx.per_lint("subpackage-js", ctx.root, lambda: list(_subpackage_js(ctx)))


def _subpackage_js(ctx: LintContext) -> Iterator[tuple[SkillTarget, Path]]:
    seen: set[Path] = set()
    for target in ctx.skills:
        for f in ctx.skill_files(target, ".js"):
            if f not in seen:
                seen.add(f)
                yield target, f
    for target in ctx.skills:
        top = subpackage_root(ctx, target)
        shared = top / "_shared"
        if ctx.is_dir(shared) and top != ctx.root:
            for f in ctx.files(shared):
                if f.suffix == ".js" and f not in seen:
                    seen.add(f)
                    yield target, f


def parsed_subpackage_js(
    ctx: LintContext, skip: frozenset[Path] | set[Path] = frozenset()
) -> Iterator[tuple[SkillTarget, Path, JsFile]]:
    """:func:`subpackage_js` with each file's parse, leaving out ``skip`` and files that cannot be read."""
    for target, path in subpackage_js(ctx):
        js = ctx.js(path) if path not in skip else None
        if js is not None:
            yield target, path, js


def requires(js: JsFile, file: Path) -> Iterator[RequireSite]:
    """The literal ``require()`` calls and ``import`` sources of one file."""
    for request, line, column in js.fact("requires", _requests):
        yield RequireSite(file, request, line, column)


_NO_FILE = Path()


def _requests(js: JsFile) -> list[tuple[str, int, int]]:
    return [(site.request, site.line, site.column) for site in _require_sites(js, _NO_FILE)]


def _require_sites(js: JsFile, file: Path) -> Iterator[RequireSite]:
    for callee, call in js.calls():
        if callee != "require":
            continue
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        request = string_value(first)
        if request is not None and first is not None:
            line, column = js.position(first)
            yield RequireSite(file, request, line, column)
    for node in js.walk("import_statement"):
        source = node.child_by_field_name("source")
        request = string_value(source)
        if request is not None and source is not None:
            line, column = js.position(source)
            yield RequireSite(file, request, line, column)


def _normalise(parts: list[str]) -> str | None:
    out: list[str] = []
    for p in parts:
        if p in ("", "."):
            continue
        if p == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(p)
    return "/".join(out)


def resolve_request(
    root: Path,
    top: Path,
    file: Path,
    request: str,
    *,
    memo: dict[tuple[Path, Path, Path, str], tuple[str, str | None]] | None = None,
    is_file: Callable[[Path], bool] = Path.is_file,
) -> tuple[str, str | None]:
    """Where ``require(request)`` from ``file`` leads: ``("ok", relpath)``, ``("missing", joined)``,
    ``("outside", joined)``, ``("alias", None)`` or ``("bare", None)`` (an npm name not found).

    ``memo``: answers already found during this lint (three rules resolve the same requires; the
    files do not change while one lint runs); ``is_file``: how a candidate file is looked for
    (:meth:`LintContext.is_file` asks the file system once per path).
    """
    if memo is None:
        return _resolve_request(root, top, file, request, is_file)
    key = (root, top, file, request)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _resolve_request(root, top, file, request, is_file)
    return hit


def _resolve_request(root: Path, top: Path, file: Path, request: str, is_file: Callable[[Path], bool]) -> tuple[str, str | None]:
    if request.startswith("@/"):
        return "alias", None
    rel_file = relative_posix(file, root)
    top_rel = "" if top == root else relative_posix(top, root)
    if request.startswith("/"):
        joined = _normalise(request.split("/"))
    elif request.startswith("."):
        joined = _normalise(_parent(rel_file).split("/") + request.split("/"))
    else:
        npm = f"{top_rel}/miniprogram_npm/{request}" if top_rel else f"miniprogram_npm/{request}"
        if any(is_file(root / c) for c in _candidates(npm)):
            return "ok", npm
        joined = _normalise(_parent(rel_file).split("/") + request.split("/"))
        if joined is None or not any(is_file(root / c) for c in _candidates(joined)):
            return "bare", None
    if joined is None or (top_rel and not (joined == top_rel or joined.startswith(top_rel + "/"))):
        return "outside", joined
    for c in _candidates(joined):
        if is_file(root / c):
            return "ok", c
    return "missing", joined


def relative_posix(path: Path, root: Path) -> str:
    """``path.relative_to(root).as_posix()`` (raising ValueError alike), by a prefix test on posix systems.

    Resolving a thousand requires builds and compares Path objects several times each; for an
    absolute posix path under ``root`` (every file the linter walks) the same answer is a slice.
    """
    if os.sep == "/":
        p, r = str(path), str(root)
        if p == r:
            return "."
        prefix = r if r.endswith("/") else r + "/"
        if p.startswith(prefix) and r.startswith("/"):
            return p[len(prefix) :]
    return path.relative_to(root).as_posix()


def _parent(rel: str) -> str:
    """``str(PurePosixPath(rel).parent)`` of a relative posix path without ``..`` parts."""
    head, sep, _ = rel.rpartition("/")
    return head if sep else "."


def _candidates(base: str) -> list[str]:
    return [base, base + ".js", base + ".json", base + "/index.js", base + "/index.json"]


# ---- registered handlers -------------------------------------------------------------------------


@dataclass
class Registration:
    """One ``registerAPI(name, handler)`` call of ``index.js``, and the handler function when it can be found."""

    name: str
    line: int
    column: int
    handler: Node | None  # the function node
    js: JsFile | None  # the file the handler is written in
    file: Path | None


def registrations(ctx: LintContext, target: SkillTarget) -> list[Registration]:
    """The literal-named ``registerAPI`` calls of the skill's ``index.js`` (found once per lint and skill)."""
    return ctx.per_lint("registrations", target.dir, lambda: _registrations(ctx, target))


def _registrations(ctx: LintContext, target: SkillTarget) -> list[Registration]:
    index = target.dir / "index.js"
    js = ctx.js(index) if ctx.is_file(index) else None
    if js is None:
        return []
    found = []
    for callee, call in js.calls():
        if not (callee == "registerAPI" or callee.endswith(".registerAPI")):
            continue
        args = call.child_by_field_name("arguments")
        named = args.named_children if args is not None else []
        name = string_value(named[0]) if named else None
        if name is None:
            continue
        line, column = js.position(call)
        handler = _resolve(ctx, target, js, index, named[1], 0) if len(named) > 1 else None
        found.append(Registration(name, line, column, *(handler or (None, None, None))))
    return found


def handler_of(ctx: LintContext, target: SkillTarget, api: str) -> Registration | None:
    """The registration of ``api``, if ``index.js`` registers it with a literal name."""
    for reg in registrations(ctx, target):
        if reg.name == api:
            return reg
    return None


Resolved = tuple[Node, JsFile, Path]


def _resolve(ctx: LintContext, target: SkillTarget, js: JsFile, file: Path, node: Node | None, depth: int) -> Resolved | None:
    """The function ``node`` evaluates to, following identifiers, ``require`` and ``module.exports``."""
    node = unwrap(node)
    if node is None or depth > _MAX_DEPTH:
        return None
    if node.type in _FUNCTIONS:
        return node, js, file
    if node.type in ("identifier", "shorthand_property_identifier"):
        return _binding(ctx, target, js, file, (node.text or b"").decode(), depth + 1)
    if node.type == "call_expression" and member_path(node.child_by_field_name("function") or node) == "require":
        module = _module(ctx, target, js, file, node)
        return None if module is None else _export(ctx, target, *module, None, depth + 1)
    if node.type == "member_expression":
        obj = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is not None and prop is not None and obj.type == "call_expression":
            module = _module(ctx, target, js, file, obj)
            return None if module is None else _export(ctx, target, *module, (prop.text or b"").decode(), depth + 1)
    return None


def _module(ctx: LintContext, target: SkillTarget, js: JsFile, file: Path, call: Node) -> tuple[JsFile, Path] | None:
    args = call.child_by_field_name("arguments")
    request = string_value(args.named_children[0]) if args is not None and args.named_children else None
    if request is None:
        return None
    status, rel = resolve_request(ctx.root, subpackage_root(ctx, target), file, request, memo=ctx.requires, is_file=ctx.is_file)
    if status != "ok" or rel is None or not rel.endswith(".js"):
        return None
    path = ctx.root / rel
    module = ctx.js(path)
    return None if module is None else (module, path)


def _binding(ctx: LintContext, target: SkillTarget, js: JsFile, file: Path, name: str, depth: int) -> Resolved | None:
    bound = js.top_binding(name)
    if bound is not None:
        if bound.type in _FUNCTIONS:
            return bound, js, file
        return _resolve(ctx, target, js, file, bound, depth)
    # const { name } = require('x')  /  const { key: name } = require('x')
    for declarator in js.walk("variable_declarator"):
        pattern = declarator.child_by_field_name("name")
        value = unwrap(declarator.child_by_field_name("value"))
        if pattern is None or pattern.type != "object_pattern" or value is None or value.type != "call_expression":
            continue
        for part in pattern.named_children:
            key = None
            if part.type == "shorthand_property_identifier_pattern" and part.text == name.encode():
                key = name
            elif part.type == "pair_pattern":
                v = part.child_by_field_name("value")
                k = part.child_by_field_name("key")
                if v is not None and v.text == name.encode() and k is not None:
                    key = (k.text or b"").decode()
            if key is not None:
                module = _module(ctx, target, js, file, value)
                return None if module is None else _export(ctx, target, *module, key, depth + 1)
    return None


def _export(ctx: LintContext, target: SkillTarget, js: JsFile, file: Path, key: str | None, depth: int) -> Resolved | None:
    """What module ``js`` exports as a whole (``key`` None) or under ``key``."""
    for node in js.walk("assignment_expression"):
        left = member_path(node.child_by_field_name("left") or node)
        right = node.child_by_field_name("right")
        if left == "module.exports":
            value = unwrap(right)
            if key is None:
                return _resolve(ctx, target, js, file, value, depth)
            if value is not None and value.type == "object":
                found = pair_value(value, key)
                if found is not None:
                    return _resolve(ctx, target, js, file, found, depth)
            elif value is not None and value.type == "identifier":
                bound = unwrap(js.top_binding((value.text or b"").decode()))
                if bound is not None and bound.type == "object":
                    found = pair_value(bound, key)
                    if found is not None:
                        return _resolve(ctx, target, js, file, found, depth)
        elif key is not None and left in (f"exports.{key}", f"module.exports.{key}"):
            return _resolve(ctx, target, js, file, right, depth)
    return None


def is_async(reg: Registration) -> bool | None:
    """Whether the registered handler is an ``async`` function (None when it could not be found)."""
    return None if reg.handler is None else is_async_function(reg.handler)


def returned_literals(reg: Registration, key: str) -> list[tuple[Node, list[str], bool]]:
    """The object literals under ``key`` (``structuredContent``) inside the handler: ``(node, keys, open_ended)``."""
    if reg.handler is None or reg.js is None:
        return []
    out = []
    start, end = reg.handler.start_byte, reg.handler.end_byte
    for pair in reg.js.pairs(key):
        if not (start <= pair.start_byte < end):
            continue
        value = pair.child_by_field_name("value")
        if value is not None and value.type == "object":
            keys, open_ended = object_keys(value)
            out.append((value, [name for name, _ in keys], open_ended))
    return out

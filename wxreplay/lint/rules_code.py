"""mcp.json against the code (platform-spec 9.2): registration (from the runtime), handlers, schemas, cards and pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wxreplay.errors import ProjectError, WxReplayError
from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.jsfacts import handler_of, is_async, registrations, returned_literals
from wxreplay.lint.jsonpos import json_position
from wxreplay.lint.jsparse import object_keys, pair_value, unwrap
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.project import ApiDecl, Skill

_COMPONENT_EXTENSIONS = ("js", "json", "wxml", "wxss")


def _loaded(ctx: LintContext) -> Iterator[tuple[SkillTarget, Skill]]:
    for target in ctx.skills:
        if target.skill is not None:
            yield target, target.skill


def _mcp_at(ctx: LintContext, skill: Skill, *at: str | int) -> dict[str, Any]:
    line, column = json_position(ctx.text(skill.mcp_path), at, ctx.text_cache)
    return {"file": skill.mcp_path, "line": line, "column": column}


def _api_index(skill: Skill, api: ApiDecl) -> int:
    return next(i for i, a in enumerate(skill.apis) if a is api)


@rule(
    "WXR201",
    "error",
    "every API index.js registers is declared in mcp.json",
    "The model only sees the APIs mcp.json declares: a registered but undeclared API can never be called. "
    "Registration is read from the runtime (index.js loaded with a recording wx.modelContext), not from the text.",
    vid="V007",
    spec="9.2.10, A3",
    runtime=True,
)
def registered_not_declared(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in _loaded(ctx):
        facts = ctx.runtime(target)
        if facts is None or facts.error is not None:
            continue
        declared = set(skill.api_names())
        for name in facts.registered:
            if name in declared:
                continue
            reg = handler_of(ctx, target, name)
            yield ctx.finding(
                "WXR201",
                f"index.js registers {name!r}, which mcp.json does not declare; the model cannot call it",
                file=skill.index_js if reg else skill.mcp_path,
                line=reg.line if reg else None,
                column=reg.column if reg else None,
                hint=f"declare {name!r} in mcp.json apis[] (name, description, inputSchema), or stop registering it",
                api=name,
            )


@rule(
    "WXR202",
    "error",
    "every API mcp.json declares is registered by index.js",
    "A declared API that index.js never registers fails when the model calls it (V007). Read from the runtime.",
    vid="V007",
    spec="9.2.10",
    runtime=True,
)
def declared_not_registered(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in _loaded(ctx):
        facts = ctx.runtime(target)
        if facts is None or facts.error is not None:
            continue
        registered = set(facts.registered)
        for api in skill.apis:
            if api.name not in registered:
                yield ctx.finding(
                    "WXR202",
                    f"mcp.json declares {api.name!r} but index.js never registers it",
                    hint=f"call registerAPI({api.name!r}, handler) in index.js, or remove the declaration",
                    api=api.name,
                    **_mcp_at(ctx, skill, "apis", _api_index(skill, api), "name"),
                )


@rule(
    "WXR214",
    "error",
    "index.js loads without an error",
    "The skill's index.js (and what it requires) must run to the end when the subpackage loads; "
    "a throw or a syntax error there means no API of the skill is registered.",
    spec="3",
    runtime=True,
)
def index_loads(ctx: LintContext) -> Iterator[LintFinding]:
    for target, _ in _loaded(ctx):
        facts = ctx.runtime(target)
        error = facts.error if facts is not None else None
        if error is None:
            continue
        yield ctx.finding(
            "WXR214",
            getattr(error, "reason", error.message).splitlines()[0],
            file=_error_file(ctx, error) or target.dir / "index.js",
            line=getattr(error, "line", None),
            column=getattr(error, "column", None),
            hint=error.hint,
        )


def _error_file(ctx: LintContext, error: WxReplayError) -> Path | str | None:
    """Where a load error points: the loader labels files as findings show them (``display_path``);
    the runtime names a module by its path from the project root (``skills/shop/index.js``)."""
    file = getattr(error, "file", None)
    if isinstance(file, str) and not isinstance(error, ProjectError) and ctx.is_file(ctx.root / file):
        return ctx.root / file
    return file if isinstance(file, str) else None


@rule(
    "WXR204",
    "error",
    "registered handlers are async functions",
    "The platform awaits each handler; V002 requires them to be declared async (async function / async () => ...). "
    "A handler that is no function at all (a require that exports something else) is reported from the runtime.",
    vid="V002",
    spec="9.2.12",
    runtime=True,
)
def async_handlers(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        facts = ctx.runtime(target)
        types = facts.handler_types if facts is not None else {}
        for name, kind in types.items():
            if kind != "function":
                reg = handler_of(ctx, target, name)
                what = "undefined" if kind == "undefined" else f"a {kind}"
                yield ctx.finding(
                    "WXR204",
                    f"the handler registered as {name!r} is {what}, not a function",
                    file=target.dir / "index.js",
                    line=reg.line if reg else None,
                    column=reg.column if reg else None,
                    hint="check the require: module.exports = { fn } pairs with const { fn } = require(...)",
                    api=name,
                )
        for reg in registrations(ctx, target):
            if is_async(reg) is False and reg.js is not None and reg.handler is not None and reg.file is not None:
                line, column = reg.js.position(reg.handler)
                yield ctx.finding(
                    "WXR204",
                    f"the handler registered as {reg.name!r} is not an async function",
                    file=reg.file,
                    line=line,
                    column=column,
                    hint="declare it async: async function handler(args) {...}",
                    api=reg.name,
                )


@rule(
    "WXR205",
    "error",
    "each API has a name, a description and an object inputSchema",
    "name, description and inputSchema (type object; {} properties for no arguments) are required fields of apis[].",
    spec="9.2.13, 2",
)
def api_fields(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            if not api.description.strip():
                yield ctx.finding(
                    "WXR205",
                    f"API {api.name!r} has no description",
                    api=api.name,
                    hint="say what it does, when to call it and when not to",
                    **_mcp_at(ctx, skill, "apis", i, "description"),
                )
            if api.input_schema.get("type") != "object":
                yield ctx.finding(
                    "WXR205",
                    f"inputSchema of {api.name!r} is not of type object",
                    api=api.name,
                    hint='write "inputSchema": {"type": "object", "properties": {...}}',
                    **_mcp_at(ctx, skill, "apis", i, "inputSchema"),
                )


@rule(
    "WXR206",
    "info",
    "each API declares an outputSchema",
    "outputSchema is recommended: it documents structuredContent, is free of the 24000 limit, and lets the linter "
    "check the keys the code returns (V009) and the keys cards read (V010).",
    spec="9.2.13",
)
def output_schema(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            if api.output_schema is None:
                yield ctx.finding(
                    "WXR206",
                    f"API {api.name!r} declares no outputSchema",
                    api=api.name,
                    hint="describe structuredContent in outputSchema (not counted toward the size limit)",
                    **_mcp_at(ctx, skill, "apis", i, "name"),
                )


def schema_keys(schema: dict[str, Any] | None) -> tuple[set[str], set[str], bool] | None:
    """``(properties, required, open)`` of an object schema, or None when it names no properties."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return None
    required = {r for r in schema.get("required") or () if isinstance(r, str)}
    return set(schema["properties"]), required, schema.get("additionalProperties") not in (None, False)


@rule(
    "WXR207",
    "warning",
    "structuredContent literal keys match outputSchema",
    "Each key a handler returns in a structuredContent object literal is declared in outputSchema.properties, "
    "and the required keys are present in the successful results (V009). Read from the parse tree of the handler.",
    vid="V009",
    spec="9.2.14",
)
def structured_content_keys(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in _loaded(ctx):
        for api in skill.apis:
            declared = schema_keys(api.output_schema)
            reg = handler_of(ctx, target, api.name)
            if declared is None or reg is None or reg.js is None or reg.file is None:
                continue
            properties, required, open_schema = declared
            for node, keys, open_ended in returned_literals(reg, "structuredContent"):
                line, column = reg.js.position(node)
                where: dict[str, Any] = {"file": reg.file, "line": line, "column": column, "api": api.name}
                extra = [k for k in keys if k not in properties]
                if extra and not open_schema:
                    yield ctx.finding(
                        "WXR207",
                        f"{api.name} returns structuredContent key(s) {', '.join(extra)} that outputSchema does not declare",
                        hint="add them to outputSchema.properties, or stop returning them",
                        **where,
                    )
                missing = sorted(required - set(keys))
                if missing and not open_ended and not _is_error_result(node):
                    yield ctx.finding(
                        "WXR207",
                        f"{api.name} returns structuredContent without required key(s) {', '.join(missing)}",
                        hint="return them, or drop them from outputSchema.required",
                        **where,
                    )


def _is_error_result(structured: Any) -> bool:
    """Whether the result object holding this structuredContent says ``isError: true``."""
    result = structured.parent.parent if structured.parent is not None else None
    if result is None or result.type != "object":
        return False
    for pair in result.named_children:
        key = pair.child_by_field_name("key") if pair.type == "pair" else None
        value = pair.child_by_field_name("value") if pair.type == "pair" else None
        if key is not None and key.text == b"isError" and value is not None and value.type == "true":
            return True
    return False


@rule(
    "WXR208",
    "error",
    "a card's componentPath has its four files",
    "_meta.ui.componentPath names a component whose index.js, index.json, index.wxml and index.wxss must all exist (V012).",
    vid="V012",
    spec="9.2.15",
)
def component_files(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            if api.component_path is None:
                continue
            base = skill.dir / api.component_path
            missing = [ext for ext in _COMPONENT_EXTENSIONS if not ctx.is_file(base.with_name(f"{base.name}.{ext}"))]
            if missing:
                yield ctx.finding(
                    "WXR208",
                    f"componentPath {api.component_path!r} of {api.name} lacks {', '.join('.' + m for m in missing)}",
                    hint="a card is four files: index.js, index.json, index.wxml, index.wxss",
                    api=api.name,
                    **_mcp_at(ctx, skill, "apis", i, "_meta", "ui", "componentPath"),
                )


@rule(
    "WXR209",
    "error",
    "each componentPath has a components[] entry with a routable relatedPage",
    "components[].path must be string-equal to the API's _meta.ui.componentPath, and its relatedPage an absolute, "
    "routable page (V015); preview and upload fail without it.",
    vid="V015",
    spec="9.2.16",
)
def component_entries(ctx: LintContext) -> Iterator[LintFinding]:
    project = ctx.project
    for _, skill in _loaded(ctx):
        raw_paths = {c.raw.get("path"): j for j, c in enumerate(skill.components) if isinstance(c.raw.get("path"), str)}
        for i, api in enumerate(skill.apis):
            ui = (api.raw.get("_meta") or {}).get("ui") if isinstance(api.raw.get("_meta"), dict) else None
            written = ui.get("componentPath") if isinstance(ui, dict) else None
            if not isinstance(written, str):
                continue
            if written not in raw_paths:
                yield ctx.finding(
                    "WXR209",
                    f"no components[] entry has path {written!r} (string-equal) for {api.name}",
                    hint=f'add {{"path": "{written}", "relatedPage": "/pages/..."}} to components',
                    api=api.name,
                    **_mcp_at(ctx, skill, "apis", i, "_meta", "ui", "componentPath"),
                )
        for j, c in enumerate(skill.components):
            page = c.raw.get("relatedPage", c.raw.get("pagePath"))
            at = ("components", j, "relatedPage" if "relatedPage" in c.raw else "pagePath")
            if not isinstance(page, str) or not page.startswith("/"):
                yield ctx.finding(
                    "WXR209",
                    f"component {c.path!r} has no relatedPage starting with '/'",
                    hint='set "relatedPage" to an app.json page, e.g. "/pages/home/home"',
                    **_mcp_at(ctx, skill, *at),
                )
            elif project is not None and project.app_json is not None and not project.is_routable(page):
                yield ctx.finding(
                    "WXR209",
                    f"relatedPage {page!r} of component {c.path!r} is not a page of app.json",
                    hint="use a page listed in app.json pages or subPackages[].pages",
                    **_mcp_at(ctx, skill, *at),
                )


@rule(
    "WXR210",
    "error",
    "_meta.ui.pagePath is an absolute, routable page without a query",
    "The handoff page is fixed: non-empty, starting with '/', without '?query', and listed in app.json (V017).",
    vid="V017",
    spec="9.2.17",
)
def page_path(ctx: LintContext) -> Iterator[LintFinding]:
    project = ctx.project
    for _, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            meta = api.raw.get("_meta")
            ui = meta.get("ui") if isinstance(meta, dict) else None
            at: tuple[str | int, ...]
            if isinstance(ui, dict) and "pagePath" in ui:
                written, at = ui["pagePath"], ("apis", i, "_meta", "ui", "pagePath")
            elif "pagePath" in api.raw:
                written, at = api.raw["pagePath"], ("apis", i, "pagePath")
            else:
                continue
            problem = None
            if not isinstance(written, str) or not written.strip():
                problem = "is empty"
            elif not written.startswith("/"):
                problem = "does not start with '/'"
            elif "?" in written:
                problem = "carries a '?query' (the query comes from the returned handoff)"
            elif project is not None and project.app_json is not None and not project.is_routable(written):
                problem = "is not a page of app.json"
            if problem:
                yield ctx.finding(
                    "WXR210",
                    f"pagePath {written!r} of {api.name} {problem}",
                    api=api.name,
                    hint='write an app.json page with a leading "/", e.g. "/pages/order/detail"',
                    **_mcp_at(ctx, skill, *at),
                )


@rule(
    "WXR211",
    "warning",
    "an API with a pagePath returns a handoff",
    "A handoff page is only opened with the handoff object the API returns; if the handler never returns `handoff`, "
    "the page is never reached (V017's warning). Read from the handler's parse tree.",
    vid="V017",
    spec="9.2.17",
)
def handoff_returned(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            if api.page_path is None:
                continue
            reg = handler_of(ctx, target, api.name)
            if reg is None or reg.js is None or reg.handler is None or reg.file is None:
                continue
            if not _mentions_key(reg, "handoff"):
                yield ctx.finding(
                    "WXR211",
                    f"{api.name} declares pagePath {api.page_path!r} but its handler never returns handoff",
                    hint="return { ..., handoff: { query: {...} } } when the page should open, or drop pagePath",
                    api=api.name,
                    **_mcp_at(ctx, skill, "apis", i, "_meta", "ui", "pagePath"),
                )


def _mentions_key(reg: Any, key: str) -> bool:
    """Whether the handler's file writes ``key:`` in an object literal (or ``x.key =``) anywhere."""
    if reg.js.pairs(key):
        return True
    for node in reg.js.walk("shorthand_property_identifier"):
        if node.text == key.encode():
            return True
    return any(
        (prop := n.child_by_field_name("property")) is not None and prop.text == key.encode()
        for n in reg.js.walk("member_expression")
    )


def _page_reads(js: Any) -> set[str]:
    """Names a page's JS reads as properties (``options.orderId``), destructures, or spells as strings."""
    names = set()
    for node in js.walk("member_expression"):
        prop = node.child_by_field_name("property")
        if prop is not None and prop.type == "property_identifier":
            names.add((prop.text or b"").decode())
    for kind in ("shorthand_property_identifier_pattern", "property_identifier"):
        names.update((n.text or b"").decode() for n in js.walk(kind))
    names.update((n.text or b"").decode() for n in js.walk("string_fragment"))
    return names


@rule(
    "WXR212",
    "warning",
    "each handoff.query key is read by the relay page",
    "The relay page (pagePath) receives handoff.query as its onLoad options; a key the page's JS never reads is lost "
    "on the way (V018). Keys come from the handler's handoff literals, reads from the page's parse tree.",
    vid="V018",
    spec="9.2.18",
)
def handoff_query_read(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in _loaded(ctx):
        for api in skill.apis:
            if api.page_path is None:
                continue
            reg = handler_of(ctx, target, api.name)
            page_js = ctx.root / (api.page_path.split("?", 1)[0].strip("/") + ".js")
            page = ctx.js(page_js) if ctx.is_file(page_js) else None
            if reg is None or reg.js is None or reg.file is None or page is None:
                continue
            reads = _page_reads(page)
            for handoff, _, _ in returned_literals(reg, "handoff"):
                query = unwrap(pair_value(handoff, "query"))
                if query is None or query.type != "object":
                    continue
                for key, node in object_keys(query)[0]:
                    if key not in reads:
                        line, column = reg.js.position(node)
                        yield ctx.finding(
                            "WXR212",
                            f"{api.name} hands off query key {key!r}, which {ctx.label(page_js)} never reads",
                            file=reg.file,
                            line=line,
                            column=column,
                            hint=f"read options.{key} in the page's onLoad(options), or stop sending it",
                            api=api.name,
                        )


_DESTRUCTIVE = re.compile(
    r"delete|remove|cancel|destroy|drop|purge|wipe|erase|clear|revoke|refund|unsubscribe|deactivate|logout|signout|"
    r"删除|注销|取消|退出|清空|撤销|解绑|退款|退订",
    re.IGNORECASE,
)


@rule(
    "WXR213",
    "info",
    "destructive API names and descriptions get a human review",
    "An API whose name or description says delete / cancel / 注销 / 退出 ... changes something the user cannot take back: "
    "the platform's validator (V019) asks for an explicit review of its confirmation flow. Informational: never fails a run.",
    vid="V019",
    spec="9.2.19",
)
def destructive(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in _loaded(ctx):
        for i, api in enumerate(skill.apis):
            hit = _DESTRUCTIVE.search(api.name) or _DESTRUCTIVE.search(api.description.split("。")[0])
            if hit:
                yield ctx.finding(
                    "WXR213",
                    f"{api.name} looks destructive ({hit.group(0)!r}): review its confirmation flow",
                    api=api.name,
                    hint="make sure the user confirms first (a card button or an explicit yes) and say so in the description",
                    **_mcp_at(ctx, skill, "apis", i, "name"),
                )

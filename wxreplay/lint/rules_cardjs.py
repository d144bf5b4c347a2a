"""Card JS rules (platform-spec 9.2.20-22): what a card may call, what it sends back, and what it reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wxreplay.cards.wxml import Document
from wxreplay.cards.wxml.expr import Member, Name
from wxreplay.lint.cardfiles import Card, cards, parsed_wxml
from wxreplay.lint.context import LintContext
from wxreplay.lint.jsfacts import handler_of, returned_literals
from wxreplay.lint.jsparse import JsFile, Node, member_path, object_keys, pair_value, string_value, unwrap
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.lint.rules_cards import doc_expressions, sub_expressions, wxs_modules
from wxreplay.lint.rules_code import schema_keys

_STATIC_FORBIDDEN = ("wx.login", "wx.checkSession", "wx.request", "setTimeout", "setInterval")


def _card_js(ctx: LintContext, card: Card) -> JsFile | None:
    path = card.file("js")
    return ctx.js(path) if ctx.is_file(path) else None


@rule(
    "WXR301",
    "error",
    "static cards make no network, login or timer calls; no card uses wx.cloud",
    "A static card has no wx.login, wx.checkSession, wx.request, setTimeout or setInterval unless its components[] "
    'entry declares permissions["scope.dynamic"]; wx.cloud is unavailable in every card (V021).',
    vid="V021",
    spec="9.2.20, 5.4",
)
def card_calls(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        if js is None:
            continue
        for callee, call in js.calls():
            cloud = callee.startswith("wx.cloud.") or callee == "wx.cloud"
            if not cloud and (callee not in _STATIC_FORBIDDEN or card.dynamic):
                continue
            line, column = js.position(call)
            where: dict[str, Any] = {"file": card.file("js"), "line": line, "column": column}
            if cloud:
                yield ctx.finding(
                    "WXR301",
                    f"{callee}() in a card: wx.cloud is not available in cards",
                    hint="call the cloud from the API (index.js side) and pass the data in the result",
                    **where,
                )
            else:
                yield ctx.finding(
                    "WXR301",
                    f"{callee}() in a static card",
                    hint='do it in the API, or declare permissions["scope.dynamic"] for a realtime card',
                    **where,
                )


def follow_ups(js: JsFile) -> Iterator[Node]:
    """The ``content`` array literals passed to ``sendFollowUpMessage({content: [...]})``."""
    for callee, call in js.calls():
        if not callee.endswith("sendFollowUpMessage"):
            continue
        args = call.child_by_field_name("arguments")
        first = unwrap(args.named_children[0]) if args is not None and args.named_children else None
        if first is not None and first.type == "object":
            content = unwrap(pair_value(first, "content"))
            if content is not None and content.type == "array":
                yield content


def _api_calls(js: JsFile) -> Iterator[tuple[Node, Node | None, Node | None, str | None]]:
    """``(block, previous block, data object, name)`` for each ``{type: 'api/call', data: {...}}`` block."""
    for content in follow_ups(js):
        blocks = [b for b in content.named_children if b.type != "comment"]
        for i, block in enumerate(blocks):
            if block.type != "object" or string_value(pair_value(block, "type")) != "api/call":
                continue
            data = unwrap(pair_value(block, "data"))
            data = data if data is not None and data.type == "object" else None
            name = string_value(pair_value(data, "name")) if data is not None else None
            yield block, blocks[i - 1] if i else None, data, name


@rule(
    "WXR302",
    "error",
    "a card's api/call names an API of mcp.json",
    "sendFollowUpMessage's api/call block asks the model to call data.name; an API the skill does not declare cannot be called.",
    spec="9.2.21",
)
def api_call_name(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        for block, _, _, name in _api_calls(js) if js is not None else ():
            if name is not None and name not in card.skill.api_names():
                line, column = js.position(block)  # type: ignore[union-attr]
                yield ctx.finding(
                    "WXR302",
                    f"api/call names {name!r}, which mcp.json does not declare",
                    file=card.file("js"),
                    line=line,
                    column=column,
                    hint=f"use one of: {', '.join(card.skill.api_names())}",
                )


_JS_TYPES = {
    "string": "string",
    "template_string": "string",
    "number": "number",
    "true": "boolean",
    "false": "boolean",
    "null": "null",
    "array": "array",
    "object": "object",
}


def _type_ok(schema_type: Any, js_type: str) -> bool:
    wanted = schema_type if isinstance(schema_type, list) else [schema_type]
    return js_type in wanted or (js_type == "number" and "integer" in wanted)


@rule(
    "WXR303",
    "error",
    "a card's api/call arguments match the target's inputSchema",
    "The arguments an api/call sends are validated against the target API's inputSchema: unknown keys, missing "
    "required keys and literal values of the wrong type make the call fail (seen in real packages).",
    spec="9.2.21, A3",
)
def api_call_arguments(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        for _, _, data, name in _api_calls(js) if js is not None else ():
            if data is None or name is None or name not in card.skill.api_names():
                continue
            target = card.skill.api(name)
            declared = schema_keys(target.input_schema)
            args = unwrap(pair_value(data, "arguments"))
            if declared is None or args is None or args.type != "object":
                continue
            properties, required, open_schema = declared
            keys, open_ended = object_keys(args)
            line, column = js.position(args)  # type: ignore[union-attr]
            where: dict[str, Any] = {"file": card.file("js"), "line": line, "column": column, "api": name}
            names = [k for k, _ in keys]
            for k in names:
                if k not in properties and not open_schema:
                    yield ctx.finding(
                        "WXR303",
                        f"api/call {name} sends {k!r}, which its inputSchema does not declare",
                        hint=f"declared: {', '.join(sorted(properties)) or 'none'}",
                        **where,
                    )
            for k in sorted(required - set(names)) if not open_ended else ():
                yield ctx.finding(
                    "WXR303",
                    f"api/call {name} omits required argument {k!r}",
                    hint=f"send {k} as {name}'s inputSchema requires",
                    **where,
                )
            props = target.input_schema.get("properties") or {}
            for k, pair in keys:
                value = unwrap(pair.child_by_field_name("value")) if pair.type == "pair" else None
                spec = props.get(k) if isinstance(props, dict) else None
                js_type = _JS_TYPES.get(value.type) if value is not None else None
                if js_type and isinstance(spec, dict) and "type" in spec and not _type_ok(spec["type"], js_type):
                    yield ctx.finding(
                        "WXR303",
                        f"api/call {name} sends {k!r} as {js_type}; inputSchema wants {spec['type']}",
                        hint="convert the value before sending it",
                        **where,
                    )


@rule(
    "WXR304",
    "warning",
    "an api/call block is preceded by a text block",
    "The user sees the text block as their own message; an api/call without one reads as a silent action.",
    spec="9.2.21",
)
def api_call_text(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        for block, before, _, name in _api_calls(js) if js is not None else ():
            if before is None or before.type != "object" or string_value(pair_value(before, "type")) != "text":
                line, column = js.position(block)  # type: ignore[union-attr]
                yield ctx.finding(
                    "WXR304",
                    f"api/call {name or ''} is not preceded by a text block".replace("  ", " "),
                    file=card.file("js"),
                    line=line,
                    column=column,
                    hint="put { type: 'text', text: '<what the user asks, first person>' } before it",
                )


def _sc_aliases(js: JsFile) -> set[str]:
    """Names bound to a ``result.structuredContent`` value (``const sc = data.result.structuredContent || {}``)."""
    names = set()
    for declarator in js.walk("variable_declarator"):
        target = declarator.child_by_field_name("name")
        value = unwrap(declarator.child_by_field_name("value"))
        if target is not None and target.type == "identifier" and value is not None:
            path = member_path(value)
            if path is not None and path.split(".")[-1] == "structuredContent":
                names.add((target.text or b"").decode())
    return names


def card_reads(js: JsFile) -> Iterator[tuple[str, Node]]:
    """``(key, node)`` for each ``structuredContent.key`` a card reads (directly, via an alias, or destructured)."""
    aliases = _sc_aliases(js)
    for node in js.walk("member_expression"):
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or prop.type != "property_identifier":
            continue
        path = member_path(obj)
        if path is None:
            continue
        if path.split(".")[-1] == "structuredContent" or path in aliases:
            yield (prop.text or b"").decode(), prop
    for declarator in js.walk("variable_declarator"):
        target = declarator.child_by_field_name("name")
        value = unwrap(declarator.child_by_field_name("value"))
        path = member_path(value) if value is not None else None
        if target is None or target.type != "object_pattern" or path is None:
            continue
        if path.split(".")[-1] == "structuredContent" or path in aliases:
            for part in target.named_children:
                key = part.child_by_field_name("key") if part.type == "pair_pattern" else part
                if key is not None and key.type in ("shorthand_property_identifier_pattern", "property_identifier"):
                    yield (key.text or b"").decode(), key


def returned_keys(ctx: LintContext, card: Card) -> set[str] | None:
    """The structuredContent keys the card's bound APIs can return: outputSchema, else the handlers' literals."""
    keys: set[str] = set()
    for api in card.apis:
        declared = schema_keys(api.output_schema)
        if declared is not None:
            if declared[2]:
                return None  # additionalProperties: anything may come
            keys |= declared[0]
            continue
        reg = handler_of(ctx, card.target, api.name)
        literals = returned_literals(reg, "structuredContent") if reg is not None else []
        if not literals or any(open_ended for _, _, open_ended in literals):
            return None
        for _, names, _ in literals:
            keys |= set(names)
    return keys if card.apis else None


@rule(
    "WXR305",
    "warning",
    "a card reads only structuredContent keys its API returns",
    "A card that reads result.structuredContent.X for an X its bound API never returns (per outputSchema, or the "
    "keys the handler's source returns) shows nothing there (V010; seen in real packages).",
    vid="V010",
    spec="9.2.22, A3",
)
def card_reads_returned(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        keys = returned_keys(ctx, card) if js is not None else None
        if js is None or keys is None:
            continue
        apis = ", ".join(a.name for a in card.apis)
        for key, node in js.fact("card-reads", lambda j: list(card_reads(j))):
            if key not in keys:
                line, column = js.position(node)
                yield ctx.finding(
                    "WXR305",
                    f"the card reads structuredContent.{key}, which {apis} never returns",
                    file=card.file("js"),
                    line=line,
                    column=column,
                    hint=f"returned keys: {', '.join(sorted(keys)) or 'none'}; fix the name or return it",
                )


def _data_keys(js: JsFile) -> tuple[dict[str, Node], bool]:
    """The keys of ``Component({data: {...}})`` and every ``this.setData({...})``; True when some are computed."""
    keys: dict[str, Node] = {}
    open_ended = False
    for callee, call in js.calls():
        args = call.child_by_field_name("arguments")
        first = unwrap(args.named_children[0]) if args is not None and args.named_children else None
        if first is None:
            continue
        obj = None
        if callee == "Component" and first.type == "object":
            obj = unwrap(pair_value(first, "data"))
        elif callee.endswith("setData"):
            obj = first
            if obj.type != "object":
                open_ended = True
                continue
        if obj is None or obj.type != "object":
            continue
        found, more = object_keys(obj)
        open_ended |= more
        for k, node in found:
            keys.setdefault(k.split(".")[0].split("[")[0], node)
    return keys, open_ended


def _wxml_names(ctx: LintContext, doc: Document) -> dict[str, tuple[int, int]]:
    """Root data names a WXML reads (loop variables, wxs modules and template parameters left out)."""
    local = set(wxs_modules(doc)) | {"item", "index"}
    for el in doc.elements():
        for a in el.attrs:
            if a.name in ("wx:for-item", "wx:for-index") and a.value:
                local.add(a.value)
    in_templates = {id(c) for el in doc.elements() if el.tag == "template" and el.has("name") for c in _descendants(el)}
    names: dict[str, tuple[int, int]] = {}
    for element, line, column, expr in doc_expressions(ctx, doc):
        if element is not None and id(element) in in_templates:
            continue
        for sub in sub_expressions(expr):
            if isinstance(sub, Name) and sub.name not in local:
                names.setdefault(sub.name, (line, column))
            if isinstance(sub, Member) and isinstance(sub.obj, Name):
                continue
    return names


def _descendants(el: Any) -> Iterator[Any]:
    yield el
    for c in getattr(el, "children", []):
        yield from _descendants(c)


def _member_keys(expr: object) -> set[str]:
    return {sub.key for sub in sub_expressions(expr) if isinstance(sub, Member) and isinstance(sub.key, str)}


@rule(
    "WXR306",
    "warning",
    "card data and WXML agree: every {{name}} is set, every data key is shown",
    "A WXML binding whose root name no data/setData key defines renders empty; a setData key the WXML never reads is "
    "dead data sent across the bridge (V011).",
    vid="V011",
    spec="9.2.22",
)
def card_data_keys(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        js = _card_js(ctx, card)
        doc = parsed_wxml(ctx, card)
        if js is None or not isinstance(doc, Document):
            continue
        keys, open_ended = ctx.per_text("card-data-keys", js.text, lambda: _data_keys(js))  # noqa: B023
        names = ctx.per_text("wxml-names", doc.source.text, lambda: _wxml_names(ctx, doc))  # noqa: B023
        if not open_ended:
            for name, (line, column) in names.items():
                if name not in keys:
                    yield ctx.finding(
                        "WXR306",
                        f"{{{{{name}}}}} is never set by data or setData",
                        file=doc.path,
                        line=line,
                        column=column,
                        hint=f"setData({{ {name}: ... }}) in the component, or fix the name",
                    )
        for key, node in keys.items():
            if key not in names:
                line, column = js.position(node)
                yield ctx.finding(
                    "WXR306",
                    f"data key {key!r} is never read by index.wxml",
                    file=card.file("js"),
                    line=line,
                    column=column,
                    hint="show it in the WXML, or stop setting it",
                )

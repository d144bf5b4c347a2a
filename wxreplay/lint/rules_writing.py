"""Writing rules (platform-spec 9.3) that can be checked deterministically, reported as warnings.

They read the ``content`` text literals of the handlers' source (through the parse tree), the
``inputSchema`` of each API and the text of ``SKILL.md``. A text built at run time is judged by its
literal parts only; what cannot be read statically is left alone (never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wxreplay.cassette.redact import Redactor
from wxreplay.cassette.rules import DEFAULT_RULES
from wxreplay.cassette.shapes import find_shapes
from wxreplay.facts import split_content
from wxreplay.lint.cardfiles import cards
from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.jsfacts import parsed_subpackage_js
from wxreplay.lint.jsonpos import json_position
from wxreplay.lint.jsparse import JsFile, Node, object_keys, pair_value, string_value, unwrap
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.source import did_you_mean

_BARE_FAILURES = re.compile(
    r"^(操作|请求|调用|加载|查询|系统)?(失败|出错|错误|异常)了?(请重试|请稍后(再)?重试|稍后再试)?$|^请重试$"
    r"|^(error|failed|failure|something went wrong|please (try again|retry))$",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[\s，。！？、,.!?；;：:…~～]+")


def literal_text(node: Node | None) -> tuple[str, bool] | None:
    """The text of a string expression and whether all of it is literal (``'a' + x + 'b'`` -> ``('a…b', False)``)."""
    node = unwrap(node)
    if node is None:
        return None
    value = string_value(node)
    if value is not None:
        return value, True
    if node.type == "binary_expression" and (node.child_by_field_name("operator").text or b"") == b"+":  # type: ignore[union-attr]
        left = literal_text(node.child_by_field_name("left"))
        right = literal_text(node.child_by_field_name("right"))
        if left is None and right is None:
            return None
        return (left[0] if left else "…") + (right[0] if right else "…"), bool(left and left[1] and right and right[1])
    if node.type == "template_string":
        parts = [string_value(c) or "" if c.type != "template_substitution" else "…" for c in node.named_children]
        return "".join(parts), False
    return None


def card_js_files(ctx: LintContext) -> set[Path]:
    """The cards' ``.js`` files: card code, which the API-side rules leave out."""
    return {card.file("js") for card in cards(ctx)}


def content_texts(ctx: LintContext) -> Iterator[tuple[Path, JsFile, Node, str, bool]]:
    """``(file, js, node, text, fully literal)`` of each text block in a ``content: [...]`` the API side returns."""
    skip = card_js_files(ctx)
    for _, path, js in parsed_subpackage_js(ctx, skip):
        for text_node, text, literal in js.fact("content-texts", _content_blocks):
            yield path, js, text_node, text, literal


def _content_blocks(js: JsFile) -> list[tuple[Node, str, bool]]:
    """``(node, text, fully literal)`` of each text block in a ``content: [...]`` of one JS text."""
    found_all = []
    for pair in js.pairs("content"):
        value = unwrap(pair.child_by_field_name("value"))
        if value is None or value.type != "array":
            continue
        for block in value.named_children:
            if block.type != "object" or string_value(pair_value(block, "type")) != "text":
                continue
            text_node = pair_value(block, "text")
            found = literal_text(text_node)
            if found is not None and text_node is not None:
                found_all.append((text_node, found[0], found[1]))
    return found_all


@rule(
    "WXR401",
    "warning",
    "returned content states a fact and what to do next (fact + action)",
    "content is read by the model: each text states what happened (a fact) and what to do next (an action). "
    "A bare instruction (actions, no fact) makes the model skip waiting for the user; a fact alone leaves it guessing. "
    "Sentences are classified by wxreplay.facts, the same classifier that flags bare instructions in real results at "
    "run time; here it reads the text literals of the source (a value computed at run time counts as part of a fact).",
    spec="9.3.23, 4.1",
)
def fact_and_action(ctx: LintContext) -> Iterator[LintFinding]:
    for path, js, node, text, _ in content_texts(ctx):
        literal = text.replace("…", "")
        if len(literal.strip()) < 4 or _BARE_FAILURES.match(_PUNCT.sub("", literal)):
            continue  # too little literal text to judge, or WXR402's case
        split = split_content(text.replace("…", "X"))
        problem = None
        if split.bare_instruction:
            problem = "is a bare instruction (actions, no fact)"
        elif not split.actions:
            problem = "states no next action"
        if problem:
            line, column = js.position(node)
            yield ctx.finding(
                "WXR401",
                f"content text {problem}: {masked_excerpt(text)!r}",
                file=path,
                line=line,
                column=column,
                hint="state what happened, then what to do next, e.g. '订单已创建。请等待用户确认支付。'",
            )


@rule(
    "WXR402",
    "warning",
    "error content names the cause and the next step, not just 'failed, retry'",
    "A bare '失败，请重试' makes the model retry blindly: say the concrete cause, the next exit, and what not to do.",
    spec="9.3.24",
)
def bare_failure(ctx: LintContext) -> Iterator[LintFinding]:
    for path, js, node, text, literal in content_texts(ctx):
        if literal and _BARE_FAILURES.match(_PUNCT.sub("", text)):
            line, column = js.position(node)
            yield ctx.finding(
                "WXR402",
                f"content text is a bare failure: {text!r}",
                file=path,
                line=line,
                column=column,
                hint="say why it failed, what to do instead, and whether retrying helps",
            )


def masked_excerpt(text: str, limit: int = 40) -> str:
    """``text`` for a finding's message: each secret-shaped part (a phone, ID or card number, a key) replaced by
    ``<kind>`` (the cassette redactor's shapes), then what the redactor masks in a printed line (a random-looking
    token, the value of a secret-named pair such as ``password: x`` or ``token=x``) by its placeholder, and the
    whole cut to ``limit`` characters. A message never quotes a secret."""
    for start, end, kind in reversed(find_shapes(text)):
        text = f"{text[:start]}<{kind}>{text[end:]}"
    text = Redactor(DEFAULT_RULES).redact_text(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


ID_FIELD = re.compile(r"(^id$|Id$|_id$|ID$)")


def loaded_skills(ctx: LintContext) -> Iterator[tuple[SkillTarget, Any]]:
    """``(target, skill)`` of each linted skill the loader accepted."""
    for target in ctx.skills:
        if target.skill is not None:
            yield target, target.skill


def skill_md_text(ctx: LintContext, target: SkillTarget) -> tuple[Path, str | None]:
    """A skill's ``SKILL.md`` path and text (None when it is missing or unreadable: WXR105/WXR113 say why)."""
    path = target.dir / "SKILL.md"
    return path, ctx.text(path) if ctx.is_file(path) else None


def mcp_at(ctx: LintContext, skill: Any, *at: str | int) -> dict[str, Any]:
    """``file``, ``line`` and ``column`` of the value at JSON path ``at`` of the skill's mcp.json."""
    line, column = json_position(ctx.text(skill.mcp_path), at, ctx.text_cache)
    return {"file": skill.mcp_path, "line": line, "column": column}


@rule(
    "WXR403",
    "warning",
    "ID parameters carry the three-part description (取值来源 / 禁止编造)",
    "An ID parameter's description says what it is, where its value comes from (取值来源: the upstream API and field) "
    "and what to do without one (【禁止编造】...), so the model never invents an ID.",
    spec="9.3.30, 9.3.31",
)
def id_field_markers(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            props = api.input_schema.get("properties")
            for name, spec in props.items() if isinstance(props, dict) else ():
                if not ID_FIELD.search(name) or not isinstance(spec, dict):
                    continue
                desc = spec["description"] if isinstance(spec.get("description"), str) else ""
                missing = [m for m in ("取值来源", "禁止编造") if m not in desc]
                if missing:
                    yield ctx.finding(
                        "WXR403",
                        f"{api.name}.{name} description lacks {' and '.join(missing)}",
                        api=api.name,
                        hint="write '<meaning>。取值来源：<API X 返回的 structuredContent.Y>。【禁止编造】<没有时怎么办>'",
                        **mcp_at(ctx, skill, "apis", i, "inputSchema", "properties", name),
                    )


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _enums(schema: Any, at: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], list[Any]]]:
    if isinstance(schema, dict):
        if isinstance(schema.get("enum"), list):
            yield (*at, "enum"), schema["enum"]
        for k, v in schema.items():
            if k != "enum":
                yield from _enums(v, (*at, k))
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            yield from _enums(v, (*at, i))


@rule(
    "WXR404",
    "warning",
    "enum values are English codes, not Chinese labels",
    "The model fills enum parameters; Chinese labels as values invite near-miss strings. Use codes (none/less/normal) "
    "and map the user's words in the description.",
    spec="9.3.33",
)
def english_enums(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            for at, values in _enums(api.input_schema, ("apis", i, "inputSchema")):
                bad = [v for v in values if isinstance(v, str) and _CJK.search(v)]
                if bad:
                    yield ctx.finding(
                        "WXR404",
                        f"{api.name} has Chinese enum value(s) {', '.join(map(repr, bad))}",
                        api=api.name,
                        hint="use English codes and describe the mapping from the user's words",
                        **mcp_at(ctx, skill, *at),
                    )


_IMAGE_WORDS = frozenset(
    {
        "image",
        "images",
        "img",
        "imgs",
        "pic",
        "pics",
        "picture",
        "photo",
        "photos",
        "avatar",
        "cover",
        "thumb",
        "thumbnail",
        "icon",
        "banner",
        "poster",
        "logo",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


class _ImageKey:
    """Whether a key names an image, by its camelCase / snake_case words (pickupCode is no picture)."""

    @staticmethod
    def search(name: str) -> bool:
        return any(w.lower() in _IMAGE_WORDS for w in _WORD.findall(name))


_IMAGE_KEY = _ImageKey()
_IMAGE_URL = re.compile(r"^https?://\S+\.(png|jpe?g|gif|webp|svg)(\?\S*)?$", re.I)


@rule(
    "WXR405",
    "warning",
    "no image URLs in structuredContent (put them in _meta)",
    "structuredContent is read by the model; image URLs there cost attention and leak into replies. Render-only data "
    "such as images goes in _meta, which the card reads.",
    spec="9.3.38",
)
def images_in_structured(ctx: LintContext) -> Iterator[LintFinding]:
    skip = card_js_files(ctx)
    for _, path, js in parsed_subpackage_js(ctx, skip):
        for name, node in js.fact("structured-images", _structured_images):
            line, column = js.position(node)
            yield ctx.finding(
                "WXR405",
                f"structuredContent carries image field {name!r}",
                file=path,
                line=line,
                column=column,
                hint=f"return it as _meta.{name} and read it from _meta in the card",
            )
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            props = (api.output_schema or {}).get("properties")
            for name in props if isinstance(props, dict) else ():
                if _IMAGE_KEY.search(name):
                    yield ctx.finding(
                        "WXR405",
                        f"outputSchema of {api.name} declares image field {name!r}",
                        api=api.name,
                        hint=f"move {name} to _meta",
                        **mcp_at(ctx, skill, "apis", i, "outputSchema", "properties", name),
                    )


def _structured_images(js: JsFile) -> list[tuple[str, Node]]:
    """``(key, node)`` of each image-looking field of a ``structuredContent: {...}`` literal of one JS text."""
    found = []
    for pair in js.pairs("structuredContent"):
        value = unwrap(pair.child_by_field_name("value"))
        if value is None or value.type != "object":
            continue
        for name, node in object_keys(value)[0]:
            literal = string_value(node.child_by_field_name("value")) if node.type == "pair" else None
            if _IMAGE_KEY.search(name) or (literal and _IMAGE_URL.match(literal)):
                found.append((name, node))
    return found


_METHOD_WORD = re.compile(r"(?<![\w/.])([a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+)(?![\w(])")


@rule(
    "WXR406",
    "warning",
    "method names in SKILL.md are verbatim the registered names",
    "The model matches the names it reads in SKILL.md against the APIs: a near-miss (searchDrink for searchDrinks) "
    "points it at an API that does not exist.",
    spec="9.3.40b",
    runtime=True,
)
def skill_md_names(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in loaded_skills(ctx):
        facts = ctx.runtime(target)
        names = list(facts.registered) if facts is not None and facts.registered else list(skill.api_names())
        path, text = skill_md_text(ctx, target)
        if not text or not names:
            continue
        for lineno, line in enumerate(text.splitlines(), start=1):
            for m in _METHOD_WORD.finditer(line):
                word = m.group(1)
                if word in names:
                    continue
                close = did_you_mean(word, names, cutoff=0.8)
                if close is not None:
                    yield ctx.finding(
                        "WXR406",
                        f"SKILL.md names {word!r}; the registered API is {close!r}",
                        file=path,
                        line=lineno,
                        column=m.start(1) + 1,
                        hint=f"write {close} verbatim",
                    )


_JAILBREAK = re.compile(
    r"忽略(以上|之前|前面|所有|上述)?(的)?(指令|规则|提示)|你现在是|ignore (all |the )?(previous|above) instructions|you are now",
    re.I,
)
_FORMAT = re.compile(r"请用表格|请以表格|用表格(形式)?(回复|展示|输出)|以\s*markdown\s*(格式|表格)|reply (in|with) a table", re.I)


@rule(
    "WXR407",
    "warning",
    "SKILL.md has no jailbreak or reply-format instructions",
    "The platform's rules for skill text forbid jailbreak phrasing (忽略指令, 你现在是...) and prescribing the reply "
    "format (请用表格...): the platform owns the persona and the rendering.",
    spec="9.3.40a, 9.3.40c",
)
def skill_md_phrasing(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        path, text = skill_md_text(ctx, target)
        for lineno, line in enumerate((text or "").splitlines(), start=1):
            for pattern, what in ((_JAILBREAK, "jailbreak phrasing"), (_FORMAT, "a reply-format instruction")):
                m = pattern.search(line)
                if m:
                    yield ctx.finding(
                        "WXR407",
                        f"SKILL.md has {what}: {m.group(0)!r}",
                        file=path,
                        line=lineno,
                        column=m.start() + 1,
                        hint="remove it: describe the flow, not the model's persona or output format",
                    )


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@rule(
    "WXR408",
    "warning",
    "the same field has the same name in every API",
    "One semantic field keeps one name across the skill's APIs (drinkId everywhere, not drink_id in one and drinkID "
    "in another): the model copies values between APIs by name. Checked on inputSchema and outputSchema property names "
    "that differ only in case, '_' or '-'.",
    spec="9.3.29",
)
def same_field_same_name(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in loaded_skills(ctx):
        first: dict[str, tuple[str, str]] = {}  # folded -> (spelling, API) as first seen
        for i, api in enumerate(skill.apis):
            for key, schema in (("inputSchema", api.input_schema), ("outputSchema", api.output_schema)):
                props = schema.get("properties") if isinstance(schema, dict) else None
                for name in props if isinstance(props, dict) else ():
                    seen = first.setdefault(_fold(name), (name, api.name))
                    if seen[0] != name:
                        yield ctx.finding(
                            "WXR408",
                            f"{api.name}.{key} names {name!r}; {seen[1]} calls the same field {seen[0]!r}",
                            api=api.name,
                            hint=f"use {seen[0]!r} everywhere",
                            **mcp_at(ctx, skill, "apis", i, key, "properties", name),
                        )

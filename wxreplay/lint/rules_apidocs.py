"""Writing rules for the descriptions of ``mcp.json`` (platform-spec 9.3.28, 9.3.31, 9.3.32), as warnings.

Each checks only what a program can decide without judging meaning: how the first sentence of an
API description starts and whether it names implementation details, whether an ID parameter's
description names an API of the skill that returns that ID, and whether an example in a description
gives one value. Whether a description names the right business object, or whether two APIs overlap,
is left to people (see docs/lint.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wxreplay.facts import sentences
from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.jsfacts import handler_of, returned_literals
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.lint.rules_writing import ID_FIELD, loaded_skills, masked_excerpt, mcp_at
from wxreplay.project import ApiDecl, Skill

__all__ = ["described_fields", "output_fields"]

Where = tuple[str | int, ...]


def described_fields(schema: Any, at: Where) -> Iterator[tuple[Where, str, str]]:
    """``(JSON path of the description, property path, description)`` of every property of ``schema``, nested too."""
    if not isinstance(schema, dict):
        return
    props = schema.get("properties")
    for name, spec in props.items() if isinstance(props, dict) else ():
        if not isinstance(spec, dict):
            continue
        here = (*at, "properties", name)
        if isinstance(spec.get("description"), str):
            yield (*here, "description"), name, spec["description"]
        for sub, label, text in described_fields(spec, here):
            yield sub, f"{name}.{label}", text
        items = spec.get("items")
        for sub, label, text in described_fields(items, (*here, "items")):
            yield sub, f"{name}[].{label}", text


# ---- 9.3.28: the first sentence names the business object; no implementation details ----------

_PARAM_OPENING = re.compile(
    r"^\s*(?:[（(]?(?:输入|请求|调用)?参数|入参|传入|Parameters?\b|Params?\b|Arguments?\b|Args\b|Inputs?\s*[:：])", re.I
)
_GLUE = re.compile(
    r"[\s、，,；;：:。.（）()【】「」\"'`/|]+|和|与|及|或|以及|必填|选填|可选|\band\b|\bor\b|\brequired\b|\boptional\b", re.I
)
_DETAILS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a URL", re.compile(r"https?://[^\s，。；、）)」\"'`]+", re.I)),
    ("a wx.* API", re.compile(r"(?<![\w.])wx\.[A-Za-z_]\w*(?:\.\w+)*")),
    ("an HTTP verb", re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE)\b(?=\s*(?:/|https?:|请求|接口|方法|request|endpoint|method))")),
    (
        "a storage key",
        re.compile(r"\b(?:get|set|remove)Storage(?:Sync)?\b|\bstorage\s*key\b|缓存键|存储键|(?:本地)?缓存的?\s*key", re.I),
    ),
)
_DETAIL_MARKERS = ("http", "wx.", "GET", "POST", "PUT", "PATCH", "DELETE", "torage", "缓存", "存储键")
# Where the first sentence surely ends, for the quick look (facts.sentences decides when it matters).
_FIRST_END = re.compile(r"[。！？\n]|[.!?](?:\s|$)")


def _first_sentence_problem(first: str, props: list[str]) -> str | None:
    """Why the first sentence is about the parameters, or None."""
    if _PARAM_OPENING.match(first):
        return "starts with the parameters"
    named = [p for p in props if p and p in first]
    if named:
        rest = first
        for p in sorted(named, key=len, reverse=True):
            rest = rest.replace(p, " ")
        if len(_GLUE.sub("", rest)) <= 1:
            return "only names parameters (" + ", ".join(named) + ")"
        if any(re.match(rf"\s*{re.escape(p)}\s*[:：=]", first) for p in named):
            return f"starts with the parameter {named[0]}"
    return None


@rule(
    "WXR410",
    "warning",
    "an API description opens with its business object and holds no implementation details",
    "The model picks an API by the first sentence of its description: it names the business object (查询订单状态 ..."
    "（业务对象：订单状态卡片）), not the parameters (参数：orderId ...). URLs, wx.* APIs, HTTP verbs and storage keys "
    "are implementation details the model cannot use and may repeat (spec 9.3.28). Checked: a first sentence that "
    "opens with 参数/入参/传入/Parameters or names inputSchema properties and nothing else, and those four kinds of "
    "detail anywhere in the description. Whether the object named is the right one, the trigger conditions and "
    "forbidden scenarios, and overlap between APIs are judged by people.",
    spec="9.3.28",
)
def description_opening(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            desc = api.description
            if not desc.strip():
                continue  # WXR205's finding
            props = api.input_schema.get("properties")
            names = list(props) if isinstance(props, dict) else []
            end = _FIRST_END.search(desc)
            first = desc[: end.end() if end else len(desc)]
            problem = _first_sentence_problem(first, names)
            if problem:  # the quick cut may have ended inside brackets: ask the sentence splitter
                first = (sentences(desc) or [""])[0]
                problem = _first_sentence_problem(first, names)
            if problem:
                yield ctx.finding(
                    "WXR410",
                    f"the description of {api.name} {problem}: {masked_excerpt(first)!r}",
                    api=api.name,
                    hint="open with the business object and when to call it: "
                    "'查询订单状态（业务对象：订单卡片）。用户问进度时调用。'",
                    **mcp_at(ctx, skill, "apis", i, "description"),
                )
            if not any(m in desc for m in _DETAIL_MARKERS):
                continue  # the common case: no marker, no regular expression
            for what, pattern in _DETAILS:
                m = pattern.search(desc)
                if m:
                    shown = m.group(0) if what != "a URL" else re.sub(r"^(https?://[^/?#]*).*$", r"\1/…", m.group(0))
                    yield ctx.finding(
                        "WXR410",
                        f"the description of {api.name} names {what}: {masked_excerpt(shown)!r}",
                        api=api.name,
                        hint="describe what the API does for the user; keep endpoints, wx.* calls and storage keys in the code",
                        **mcp_at(ctx, skill, "apis", i, "description"),
                    )


# ---- 9.3.31: an ID parameter names the upstream API (and field) that returns it -------------------


def _schema_names(schema: Any) -> set[str]:
    """Every property name of ``schema``, at any depth (``items[].drinkId`` gives ``drinkId``)."""
    names: set[str] = set()
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            names.update(k for k in props if isinstance(k, str))
            for spec in props.values():
                names |= _schema_names(spec)
        names |= _schema_names(schema.get("items"))
    return names


def output_fields(ctx: LintContext, target: SkillTarget, api: ApiDecl) -> set[str]:
    """The field names ``api`` returns in structuredContent: its outputSchema, else its handler's literal keys."""
    if isinstance(api.output_schema, dict) and api.output_schema.get("properties"):
        return _schema_names(api.output_schema)
    reg = handler_of(ctx, target, api.name)
    literals = returned_literals(reg, "structuredContent") if reg is not None else []
    return {name for _, names, _ in literals for name in names}


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _producers(ctx: LintContext, target: SkillTarget, skill: Skill) -> dict[str, list[str]]:
    """Folded field name -> the APIs of the skill that return it, in mcp.json order."""
    found: dict[str, list[str]] = {}
    for api in skill.apis:
        for name in output_fields(ctx, target, api):
            found.setdefault(_fold(name), []).append(api.name)
    return found


@rule(
    "WXR411",
    "warning",
    "an ID parameter's description names the upstream API and field that return it",
    "IDs come verbatim from upstream results (spec 9.3.31, 9.3.34): when another API of the skill returns the ID "
    "(its outputSchema, or the structuredContent keys of its handler), the parameter's description names that API "
    "and the field, e.g. '取值来源：searchDrinks 返回的 structuredContent.items[].drinkId'. An ID no API returns (the "
    "user's words) is left alone; the 取值来源 / 禁止编造 markers are WXR403's.",
    spec="9.3.31",
)
def id_upstream(ctx: LintContext) -> Iterator[LintFinding]:
    for target, skill in loaded_skills(ctx):
        producers: dict[str, list[str]] | None = None
        for i, api in enumerate(skill.apis):
            props = api.input_schema.get("properties")
            for name, spec in props.items() if isinstance(props, dict) else ():
                if not ID_FIELD.search(name) or not isinstance(spec, dict):
                    continue
                if producers is None:
                    producers = _producers(ctx, target, skill)
                upstream = [p for p in producers.get(_fold(name), []) if p != api.name]
                if not upstream:
                    continue
                desc = spec["description"] if isinstance(spec.get("description"), str) else ""
                named = [p for p in upstream if re.search(rf"(?<![\w]){re.escape(p)}(?![\w])", desc)]
                if not named:
                    problem = f"names no API that returns it ({', '.join(upstream)} does)"
                elif _fold(name) not in _fold(desc):
                    problem = f"names {named[0]} but not its field {name}"
                else:
                    continue
                yield ctx.finding(
                    "WXR411",
                    f"{api.name}.{name} description {problem}",
                    api=api.name,
                    hint=f"write '取值来源：{upstream[0]} 返回的 structuredContent.{name}'",
                    **mcp_at(ctx, skill, "apis", i, "inputSchema", "properties", name),
                )


# ---- 9.3.32: examples are several and varied ---------------------------------------------------------

_EXAMPLE = re.compile(r"(?:例如|比如|譬如|举例|如[：:]|e\.g\.|for example|for instance|such as)[\s：:，,]*", re.I)
_EXAMPLE_MARKERS = ("例如", "比如", "譬如", "举例", "如：", "如:", "e.g.", "xample", "nstance", "such as")
_SPAN_END = re.compile(r"[。；;！？!?\n）)]|\.(?:\s|$)")
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|\"[^\"]*\"|'[^']*'|`[^`]*`|‘[^’]*’|『[^』]*』")
_SEPARATOR = re.compile(r"[、，,/]|或者|或|和|以及|\bor\b|\band\b", re.I)
_ONE_TOKEN = re.compile(r"^(?:[A-Za-z0-9_.:@+#-]{1,40}|[\u3400-\u9fff]{1,6})$", re.ASCII)


#: An example span longer than this (characters up to the end of its sentence) is a scenario, not a value.
#: It also keeps the rule linear: a text of 例如 repeated 50,000 times held as many spans to its end (107 s).
MAX_EXAMPLE_SPAN = 400


def single_example(text: str) -> str | None:
    """The example value of the first 例如/e.g. in ``text`` that gives exactly one, or None.

    One quoted value (「拿铁」, 'latte') with nothing else listed, or one bare token (WS0001, latte); a longer
    unquoted phrase after 例如 is a scenario, not a value, and is not judged, nor is a span past
    :data:`MAX_EXAMPLE_SPAN` characters.
    """
    if not any(m in text for m in _EXAMPLE_MARKERS):
        return None
    span_end = -1  # where the sentence of the last example ends: later examples before it end there too
    for m in _EXAMPLE.finditer(text):
        if span_end < m.end():
            end = _SPAN_END.search(text, m.end())
            span_end = end.start() if end else len(text)
        if span_end - m.end() > MAX_EXAMPLE_SPAN:
            continue
        span = text[m.end() : span_end].strip()
        if not span:
            continue
        quoted = _QUOTED.findall(span)
        outside = _QUOTED.sub("\0", span)
        if len(quoted) == 1:
            rest = outside.replace("\0", "")
            if not _SEPARATOR.search(rest) and not re.search(r"[→=]|->", rest):
                return str(quoted[0])
        elif not quoted and not _SEPARATOR.search(span) and _ONE_TOKEN.match(span):
            return span
    return None


@rule(
    "WXR412",
    "warning",
    "an example in a description gives more than one value",
    "One example value becomes the model's default (spec 9.3.32): give several, varied values (例如「拿铁」「美式」"
    "「燕麦拿铁」) and say what to do without one. Checked on API and parameter descriptions: 例如/比如/如：/e.g./for "
    "example followed by one quoted value or one bare token. Whether the examples are varied enough, and the default "
    "handling, are judged by people.",
    spec="9.3.32",
)
def one_example(ctx: LintContext) -> Iterator[LintFinding]:
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            texts: list[tuple[Where, str, str]] = [(("apis", i, "description"), "", api.description)]
            texts.extend(described_fields(api.input_schema, ("apis", i, "inputSchema")))
            for at, field, desc in texts:
                value = single_example(desc)
                if value is None:
                    continue
                whose = f"{api.name}.{field}" if field else api.name
                yield ctx.finding(
                    "WXR412",
                    f"the description of {whose} gives one example value ({masked_excerpt(value)!r}): it becomes a default",
                    api=api.name,
                    hint="give two or three varied examples, and say what to do when the user names none",
                    **mcp_at(ctx, skill, *at),
                )

"""Writing rules for the texts a skill writes (platform-spec 9.3.25, 35/39, 41, 42), as warnings.

They read ``SKILL.md``, the API descriptions of ``mcp.json``, the ``content`` texts the handlers
return and the ``sendFollowUpMessage`` texts of cards, through the same parse trees and sentence
splitter (:mod:`wxreplay.facts`) as the other writing rules. Only the shapes a program can judge
are reported: a prohibition with no action beside it, a text built with ``JSON.stringify`` of the
structured data, a parameter table in ``SKILL.md``, an error or a phone number forwarded as the
user's words. The statements about meaning (26, 27, 34, 36, 37) are not rules: docs/lint.md says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from wxreplay.cassette.shapes import find_shapes
from wxreplay.facts import classify
from wxreplay.lint.cardfiles import cards
from wxreplay.lint.context import LintContext
from wxreplay.lint.jsfacts import parsed_subpackage_js
from wxreplay.lint.jsparse import JsFile, Node, member_path, pair_value, string_value, unwrap
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import rule
from wxreplay.lint.rules_cardjs import follow_ups
from wxreplay.lint.rules_writing import (
    card_js_files,
    content_texts,
    literal_text,
    loaded_skills,
    masked_excerpt,
    mcp_at,
    skill_md_text,
)

__all__ = ["prohibitions_without_alternative"]

# ---- 9.3.25: every prohibition comes with an alternative action ---------------------------------------

# A cheap first look: a text with none of these has no prohibition, and is not split into sentences.
_ANY_PROHIBITION = re.compile(r"禁止|不得|请勿|切勿|严禁|不许|不准|不要|\b(?:not|never|don'?t|don’t)\b", re.I)
_CN_PROHIBIT = re.compile(r"禁止|不得(?![不了])|请勿|切勿|严禁|不许|不准|(?<![我们说要])不要(?![了的紧])")
_EN_PROHIBIT = re.compile(
    r"^(?:[-*•]\s+|\d{1,3}[.)]\s+)?(?:(?:please|and|but|so|also|you)\s+)*(?:do\s+not|don'?t|don’t|never|must\s+not|should\s+not)\b",
    re.I,
)
_CLAUSES = re.compile(r"[，,；;]\s*")
_QUOTES = re.compile(r"「[^」]*」|“[^”]*”|『[^』]*』")
_ASIDE = re.compile(r"（[^）]*）|\([^)]*\)")
_LABEL = re.compile(r"【[^】]*】")
_BULLET = re.compile(r"^(?:[-*•+]|\d{1,3}[.)、])\s*")
_TRIGGER = re.compile(r"时(?:再|才)?调用$|^调用$")
# An API description's forbidden scenario ("没有 orderId 时禁止调用"): a prohibition of calling the API itself,
# which statement 28 asks for; the other APIs' trigger conditions are its alternative.
_SCENARIO = re.compile(r"(?:禁止|不要|不得|严禁|请勿|切勿)[^，,；;。]{0,30}调用\s*[。.]?$")
# What an action says besides its opening marker (which facts.classify reads): "如实告诉用户", "按出口处理".
_ALTERNATIVE = re.compile(
    r"改为|改用|而是|换成|转而|转到|替代|代替|告诉|告知|询问|引导|说明|展示|提示用户|留空|先调用|调用\s*[A-Za-z]"
    r"|按[^，,；;。]{0,30}(?:处理|执行|办理|操作|进行)|→|->|\b(?:instead|rather|ask|tell|call\s+[a-z]\w*|use)\b",
    re.I,
)


def _prohibition(clause: str) -> re.Match[str] | None:
    """The prohibition marker of ``clause`` (quoted words left out), if it has one."""
    plain = _QUOTES.sub("「」", clause)
    return _CN_PROHIBIT.search(plain) or _EN_PROHIBIT.match(plain.strip())


def _acts(text: str) -> bool:
    """Whether ``text`` (no prohibition in it) tells the model what to do.

    A bare "…时调用" is the trigger condition of the API being described, not something to do instead.
    """
    text = text.strip(" ，,；;。.")
    if len(text) < 2 or _TRIGGER.search(text):
        return False
    return classify(text) == "action" or _ALTERNATIVE.search(text) is not None


def _has_action(clauses: list[str], skip: int = -1) -> bool:
    """Whether one of ``clauses`` (other than the one at ``skip``) is an action besides its prohibition."""
    for k, clause in enumerate(clauses):
        if k == skip or not clause.strip():
            continue
        m = _prohibition(clause)
        if _acts(clause if m is None else _outside(clause, m)):
            return True
    return False


def _clauses(sentence: str) -> list[str]:
    """The clauses of ``sentence``, without asides in brackets and 【…】 labels (【严禁场景】, 【禁止编造】 name a part
    of the platform's templates, whose words follow)."""
    return _CLAUSES.split(_LABEL.sub("", _ASIDE.sub("", sentence)))


def _outside(clause: str, m: re.Match[str]) -> str:
    """What ``clause`` says before its prohibition (the prohibition reaches to the end of the clause)."""
    return _QUOTES.sub("「」", clause)[: m.start()]


_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])(?=\s)|\n")


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``, cut after 。！？； (and . ! ? ; before a space) and at line breaks.

    Simpler than :func:`wxreplay.facts.sentences` (no protection of brackets and quotes, whose asides the
    clauses drop anyway), and ten times quicker: this rule reads every text that has a prohibition in it.
    """
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


def prohibitions_without_alternative(text: str, *, description: bool = False) -> list[str]:
    """The sentences of ``text`` with a prohibition and no action beside it (its own clauses, or the sentence
    before or after it). ``description``: an API description, whose forbidden scenarios ("X 时禁止调用") pass."""
    if _ANY_PROHIBITION.search(text) is None:
        return []
    found = []
    split = _sentences(text)
    units = [_clauses(sentence) for sentence in split]
    for i, clauses in enumerate(units):
        if _ANY_PROHIBITION.search(split[i]) is None:
            continue  # most sentences: no clause to look at
        for k, clause in enumerate(clauses):
            m = _prohibition(clause)
            if m is None or (description and _SCENARIO.search(clause.strip())):
                continue
            if not _acts(_outside(clause, m)) and not _has_action(clauses, skip=k):
                neighbours = units[max(i - 1, 0) : i] + units[i + 1 : i + 2]
                if not any(_has_action(n) for n in neighbours):
                    found.append(split[i])
            break
    return found


def _judge_description(text: str) -> list[str]:
    return prohibitions_without_alternative(text, description=True)


def _skill_md_prohibitions(text: str) -> list[tuple[int, str, str]]:
    """``(line number, line, sentence)`` of each prohibition without an alternative in a SKILL.md text."""
    return [
        (lineno, prose, sentence)
        for lineno, prose in _skill_md_lines(text)
        for sentence in prohibitions_without_alternative(prose)
    ]


def _skill_md_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of the prose of a SKILL.md: fenced code blocks left out."""
    fenced = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield lineno, line


@rule(
    "WXR409",
    "warning",
    "every prohibition comes with an alternative action",
    "A bare prohibition (禁止 / 不要 / 不得 / 请勿 / 切勿 / do not / never) leaves the model stuck: say what to do "
    "instead in the same sentence or the one beside it (改为 / 而是 / 请先 / 应 / 可以 / instead / call X) "
    "(spec 9.3.25). Checked in SKILL.md, API descriptions and the content literals the handlers return. An API "
    "description's forbidden scenario ('没有 orderId 时禁止调用') is the statement-28 part of it and passes. "
    "Statement 26 (one constraint in one place, no contradiction between sources) and 27 (hard constraints in "
    "content/description, enforced in code) are about meaning and are not checked.",
    spec="9.3.25",
)
def prohibition_alternative(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        path, text = skill_md_text(ctx, target)
        if not text or _ANY_PROHIBITION.search(text) is None:
            continue
        found = ctx.per_text("skill-md-prohibitions", text, partial(_skill_md_prohibitions, text))
        for lineno, prose, sentence in found:
            yield ctx.finding(
                "WXR409",
                f"SKILL.md forbids without an alternative: {masked_excerpt(_BULLET.sub('', sentence))!r}",
                file=path,
                line=lineno,
                column=max(prose.find(sentence[:8]), 0) + 1,
                hint="say what to do instead, e.g. '不要直接下单，先调用 selectDrink 让用户确认规格'",
            )
    for _, skill in loaded_skills(ctx):
        for i, api in enumerate(skill.apis):
            judged = ctx.per_text("description-prohibitions", api.description, partial(_judge_description, api.description))
            for sentence in judged:
                yield ctx.finding(
                    "WXR409",
                    f"the description of {api.name} forbids without an alternative: {masked_excerpt(sentence)!r}",
                    api=api.name,
                    hint="add the exit: what the model should call or ask instead",
                    **mcp_at(ctx, skill, "apis", i, "description"),
                )
    for path, js, node, text, _ in content_texts(ctx):
        # by text: the same sentences recur across the APIs and skills of a project
        for sentence in ctx.per_text("prohibitions", text, partial(prohibitions_without_alternative, text)):
            row, column = js.position(node)
            yield ctx.finding(
                "WXR409",
                f"content text forbids without an alternative: {masked_excerpt(sentence)!r}",
                file=path,
                line=row,
                column=column,
                hint="pair it with the next action, e.g. '禁止再次调用 payOrder；请调用 getOrder 查看订单状态。'",
            )


# ---- 9.3.35 / 39: content does not repeat structuredContent --------------------------------------------


def _enclosing_function(node: Node) -> Node | None:
    here = node.parent
    while here is not None and here.type not in (
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "function",
    ):
        here = here.parent
    return here


def _values_of(js: JsFile, node: Node | None) -> list[Node]:
    """``node``, or for a local name the values it is given in its function (``const text = ...``, ``text = ...``)."""
    node = unwrap(node)
    if node is None:
        return []
    if node.type not in ("identifier", "shorthand_property_identifier"):
        return [node]
    name = node.text or b""
    scope = _enclosing_function(node)
    lo, hi = (scope.start_byte, scope.end_byte) if scope is not None else (0, len(js.data))
    found = []
    for kind, target_field, value_field in (("variable_declarator", "name", "value"), ("assignment_expression", "left", "right")):
        for bind in js.walk(kind):
            if lo <= bind.start_byte < hi:
                target = bind.child_by_field_name(target_field)
                value = bind.child_by_field_name(value_field)
                if target is not None and target.type == "identifier" and target.text == name and value is not None:
                    found.append(value)
    return found


def _stringify_calls(js: JsFile) -> list[Node]:
    """Every ``JSON.stringify(...)`` call of one JS text."""
    if "JSON.stringify" not in js.text:
        return []
    return [call for callee, call in js.calls() if callee == "JSON.stringify"]


def _stringified(js: JsFile, node: Node) -> list[Node]:
    """The first argument of each ``JSON.stringify(...)`` call inside ``node``."""
    out = []
    for call in js.fact("stringify-calls", _stringify_calls):
        if node.start_byte <= call.start_byte < node.end_byte:
            args = call.child_by_field_name("arguments")
            if args is not None and args.named_children:
                out.append(args.named_children[0])
    return out


def _paths_in(js: JsFile, node: Node) -> set[str]:
    """The member paths (``res.data.items``, ``sc``) read anywhere inside ``node``."""
    paths: set[str] = set()
    stack = [node]
    while stack:
        here = stack.pop()
        path = member_path(here) if here.type in ("identifier", "member_expression", "shorthand_property_identifier") else None
        if here.type == "shorthand_property_identifier":
            path = (here.text or b"").decode()
        if path is not None:
            paths.add(path)
            continue
        stack.extend(here.named_children)
    return paths


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _content_echoes(js: JsFile) -> list[tuple[Node, str]]:
    """``(text node, stringified expression)`` of each content text block built with ``JSON.stringify`` of the
    structuredContent value returned beside it (or of the object it comes from)."""
    calls = js.fact("stringify-calls", _stringify_calls) if "structuredContent" in js.text else []
    if not calls:
        return []
    found = []
    for pair in js.pairs("content"):
        scope = _enclosing_function(pair)
        if scope is not None and not any(scope.start_byte <= c.start_byte < scope.end_byte for c in calls):
            continue  # no JSON.stringify in the function that returns this content
        obj = pair.parent
        value = unwrap(pair.child_by_field_name("value"))
        structured = pair_value(obj, "structuredContent") if obj is not None and obj.type == "object" else None
        if value is None or value.type != "array" or structured is None:
            continue
        sources: set[str] | None = None
        for block in value.named_children:
            if block.type != "object" or string_value(pair_value(block, "type")) != "text":
                continue
            text_node = pair_value(block, "text")
            if text_node is None or text_node.type == "string":
                continue  # a plain literal: nothing stringified
            for built in _values_of(js, text_node):
                for arg in _stringified(js, built):
                    path = member_path(unwrap(arg) or arg)
                    if path is None:
                        continue
                    if sources is None:
                        sources = _paths_in(js, structured)
                    if any(_related(path, s) for s in sources):
                        found.append((text_node or block, path))
    return found


@rule(
    "WXR413",
    "warning",
    "content does not repeat structuredContent",
    "content says what happened and what to do next; the data goes in structuredContent (and render-only data in "
    "_meta), which the card shows. A content text built with JSON.stringify of the structured value repeats it as "
    "plain text (spec 9.3.35, 9.3.39). Checked on the handlers' source; at run time, wxreplay run and the pytest "
    "plugin report a result whose text holds the JSON or most of the values of structuredContent for an API with a "
    "card (finding content-repeats-structured).",
    spec="9.3.35, 9.3.39",
)
def content_repeats_structured(ctx: LintContext) -> Iterator[LintFinding]:
    for _, path, js in parsed_subpackage_js(ctx, card_js_files(ctx)):
        for node, source in js.fact("content-echoes", _content_echoes):
            line, column = js.position(node)
            yield ctx.finding(
                "WXR413",
                f"content text is JSON.stringify({source}), the structuredContent it returns",
                file=path,
                line=line,
                column=column,
                hint="state the fact and the next action in words; the card shows the data",
            )


# ---- 9.3.41: SKILL.md orchestrates; it does not restate schemas -------------------------------------------

_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_PARAM_CELL = re.compile(
    r"^(?:参数|参数名|入参|字段|字段名|属性|param|params|parameter|parameters|field|argument|property|name|名称)$", re.I
)
_TYPE_CELL = re.compile(r"^(?:类型|数据类型|必填|是否必填|必选|type|required|optional|可选)$", re.I)
_SCHEMA_JSON = re.compile(r"\"(?:properties|inputSchema|outputSchema)\"\s*:|\"type\"\s*:\s*\"object\"")


def restated_schemas(text: str) -> Iterator[tuple[int, str]]:
    """``(line, what)`` of each parameter table and JSON schema block in a SKILL.md text."""
    lines = text.splitlines()
    fence_start: int | None = None
    fence_json = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            if fence_start is None:
                fence_start, fence_json = i, False
            else:
                if fence_json:
                    yield fence_start + 1, "a JSON schema block"
                fence_start = None
            continue
        if fence_start is not None:
            fence_json = fence_json or _SCHEMA_JSON.search(line) is not None
            continue
        if "|" in line and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
            cells = [c.strip().strip("*`") for c in stripped.strip("|").split("|")]
            if any(_PARAM_CELL.match(c) for c in cells) and any(_TYPE_CELL.match(c) for c in cells):
                yield i + 1, "a parameter table (" + masked_excerpt(" | ".join(cells), 80) + ")"


@rule(
    "WXR414",
    "warning",
    "SKILL.md does not restate parameter tables or schemas",
    "SKILL.md is for flow orchestration, cross-API rules and intent routing; each API's parameters live in its "
    "inputSchema, where the model reads them (spec 9.3.41). A copy in SKILL.md costs attention and goes stale. Checked: "
    "a Markdown table whose header names parameters and their types (参数 | 类型 | 必填, name | type | required) and a "
    'fenced block with "properties", "inputSchema" or "type": "object".',
    spec="9.3.41",
)
def skill_md_schemas(ctx: LintContext) -> Iterator[LintFinding]:
    for target in ctx.skills:
        path, text = skill_md_text(ctx, target)
        if not text or ("|" not in text and "```" not in text and "~~~" not in text):
            continue
        for lineno, what in ctx.per_text("skill-md-schemas", text, lambda: list(restated_schemas(text))):  # noqa: B023
            yield ctx.finding(
                "WXR414",
                f"SKILL.md restates {what}",
                file=path,
                line=lineno,
                column=1,
                hint="keep parameters in mcp.json's inputSchema; in SKILL.md say only preconditions and upstream/downstream APIs",
            )


# ---- 9.3.42: upstream messages speak as the user ------------------------------------------------------------

_ERROR_PROPS = frozenset({"errMsg", "errCode", "stack"})
_ERROR_NAMES = re.compile(r"^(?:e|err|error|ex|exc|exception)$|Err(?:or)?$")
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration", "method_definition"})
_BARE_REFERENT = re.compile(r"(这个|那个)(?=$|[，。！？,.!?\s~～]|吧|了|呢|啊|呀|嘛)")
_PRIVATE_KINDS = {"phone-number": "a phone number", "cn-id-number": "an ID-card number", "bank-card": "a bank card number"}


def _error_read(node: Node) -> str | None:
    """The error value ``node`` reads (``err.message``, ``res.errMsg``, a bare ``err``), if any."""
    stack = [node]
    while stack:
        here = stack.pop()
        if here.type == "member_expression":
            obj, prop = here.child_by_field_name("object"), here.child_by_field_name("property")
            name = (prop.text or b"").decode() if prop is not None else ""
            base = member_path(obj) if obj is not None else None
            if name in _ERROR_PROPS or (name == "message" and base is not None and _ERROR_NAMES.search(base.split(".")[-1])):
                return f"{base}.{name}" if base else name
            continue
        if here.type == "identifier" and _ERROR_NAMES.search((here.text or b"").decode()):
            return (here.text or b"").decode()
        if here.type in _FUNCTIONS:
            continue  # items.map(e => e.name): a parameter, not an error
        if here.type == "call_expression":
            args = here.child_by_field_name("arguments")  # String(err): the arguments, not the callee
            stack.extend(args.named_children if args is not None else ())
            continue
        stack.extend(here.named_children)
    return None


def _follow_up_problems(js: JsFile) -> list[tuple[Node, str]]:
    """``(text node, problem)`` of each sendFollowUpMessage text block that does not read as the user's words."""
    if "sendFollowUpMessage" not in js.text:
        return []
    found = []
    for content in follow_ups(js):
        for block in content.named_children:
            if block.type != "object" or string_value(pair_value(block, "type")) != "text":
                continue
            text_node = pair_value(block, "text")
            for built in _values_of(js, text_node):
                where = text_node if text_node is not None else block
                if _stringified(js, built):
                    found.append((where, "is built with JSON.stringify (a field dump, not the user's words)"))
                error = _error_read(built)
                if error is not None:
                    found.append((where, f"forwards {error}, a system or error message"))
                literal = literal_text(built)
                if literal is None:
                    continue
                for _, _, kind in find_shapes(literal[0]):
                    if kind in _PRIVATE_KINDS:
                        found.append((where, f"carries {_PRIVATE_KINDS[kind]} in clear (mask it)"))
                m = _BARE_REFERENT.search(literal[0])
                if m:
                    found.append((where, f"says {m.group(1)!r} without naming what: {masked_excerpt(literal[0])!r}"))
    return found


@rule(
    "WXR415",
    "warning",
    "a card's follow-up message reads as the user's own words",
    "sendFollowUpMessage text is shown as the user's message (spec 9.3.42): first person, everyday words, only what "
    "the user expressed. Checked: text built with JSON.stringify, text that forwards an error (err.message, errMsg), a "
    "phone, ID-card or bank card number written in clear, and a bare 这个/那个 that names nothing. First person, tone, "
    "punctuation and 'only what the user expressed' are judged by people.",
    spec="9.3.42",
)
def follow_up_wording(ctx: LintContext) -> Iterator[LintFinding]:
    for card in cards(ctx):
        path: Path = card.file("js")
        js = ctx.js(path) if ctx.is_file(path) else None
        for node, problem in js.fact("follow-up-wording", _follow_up_problems) if js is not None else ():
            line, column = js.position(node)  # type: ignore[union-attr]
            yield ctx.finding(
                "WXR415",
                f"follow-up message text {problem}",
                file=path,
                line=line,
                column=column,
                hint="write what the user asks, in the first person: '我要一杯大杯拿铁，少糖'",
            )

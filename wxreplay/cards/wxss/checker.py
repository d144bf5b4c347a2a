"""The WXSS walk: stylesheets, selectors and at-rules (declarations are checked in :mod:`.declarations`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import tinycss2  # type: ignore[import-untyped]

from wxreplay.cards.wxss.declarations import check_declaration, check_unit, declaration, parse_error_message
from wxreplay.cards.wxss.sheet import (
    Declaration,
    FontFace,
    MediaCondition,
    MediaQuery,
    Report,
    Rule,
    StyleSheet,
    column_of,
    functions_in,
    ignore_report,
    line_of,
    significant,
)
from wxreplay.cards.wxss.subset import CARD_TAGS, FONT_FACE_DESCRIPTORS, MEDIA_FEATURES, MEDIA_KEYWORD_VALUES, MEDIA_TYPES
from wxreplay.cards.wxss.tokens import component_values
from wxreplay.diagnostic import Diagnostic, Level
from wxreplay.errors import TemplateError
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS, LineIndex, excerpt, nesting_overflow

# Line breaks as CSS counts them (tinycss2's lines too).
_CSS_BREAKS = re.compile("\r\n|[\n\r\f]")
_DEEP = f"the WXSS nests deeper than {MAX_NESTING} levels of ( ), [ ] and {{ }}"
_DEEP_HINT = "card styles need a few levels: flatten the rule"
# tinycss2 converts every number token with int() / float(), which refuses more than 4,300 digits.
_LONG_NUMBER = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def _over_limit(text: str) -> tuple[str, str, int, int] | None:
    """``(message, hint, line, column)`` where ``text`` goes past the parsing limits, else None.

    Nesting deeper than :data:`MAX_NESTING` (tinycss2 recurses per level) and a run of more than
    :data:`MAX_NUMBER_DIGITS` digits (inside a string too: no card needs one).
    """
    at = nesting_overflow(text, opens="([{", closes=")]}", quotes="\"'", comments=True)
    message, hint = _DEEP, _DEEP_HINT
    long = _LONG_NUMBER.search(text)
    if long is not None and (at is None or long.start() < at):
        at = long.start()
        message = f"a number written with {len(long.group()):,} digits (at most {MAX_NUMBER_DIGITS:,} are read)"
        hint = "write a shorter number"
    if at is None:
        return None
    line, column = LineIndex(text, breaks=_CSS_BREAKS).position(at)
    return message, hint, line, column


def check_wxss(text: str, file: str) -> list[Diagnostic]:
    """Every place where ``text`` (the WXSS of a card, from ``file``) leaves the card subset, in order."""
    out: list[Diagnostic] = []
    over = _over_limit(text)
    if over is not None:
        message, hint, ln, col = over
        return [Diagnostic("wxss-parse", message, "error", file, ln, col, hint)]

    def report(node: Any, rule: str, message: str, level: Level = "error") -> None:
        out.append(Diagnostic(rule, message, level, file, line_of(node), column_of(node)))

    _walk_stylesheet(text, report, on_rule=None, on_font_face=None)
    out.sort(key=lambda v: (v.line, v.column))
    return out


def check_and_parse_wxss(text: str, file: str) -> tuple[list[Diagnostic], StyleSheet | None]:
    """:func:`check_wxss` and :func:`parse_wxss` in one walk of ``text`` (the linter needs both of every card).

    The sheet is ``None`` where :func:`parse_wxss` raises (``text`` past the parsing limits); the
    diagnostics then say why.
    """
    over = _over_limit(text)
    if over is not None:
        message, hint, ln, col = over
        return [Diagnostic("wxss-parse", message, "error", file, ln, col, hint)], None
    out: list[Diagnostic] = []

    def report(node: Any, rule: str, message: str, level: Level = "error") -> None:
        out.append(Diagnostic(rule, message, level, file, line_of(node), column_of(node)))

    rules: list[Rule] = []
    faces: list[FontFace] = []
    _walk_stylesheet(text, report, on_rule=rules.append, on_font_face=faces.append)
    out.sort(key=lambda v: (v.line, v.column))
    return out, StyleSheet(file, tuple(rules), tuple(faces))


def check_style_attribute(style: str, file: str, *, line: int = 1, column: int = 1) -> list[Diagnostic]:
    """Check an inline ``style="..."`` value; positions are offset to where the attribute value starts."""
    out: list[Diagnostic] = []
    over = _over_limit(style)
    if over is not None:
        message, hint, ln, col = over
        return [Diagnostic("wxss-parse", message, "error", file, line + ln - 1, (column + col - 1) if ln == 1 else col, hint)]

    def report(node: Any, rule: str, message: str, level: Level = "error") -> None:
        ln, col = line_of(node), column_of(node)
        out.append(Diagnostic(rule, message, level, file, line + ln - 1, (column + col - 1) if ln == 1 else col))

    for decl in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
        check_declaration(decl, report)
    return out


def parse_wxss(text: str, file: str) -> StyleSheet:
    """The rules of ``text`` with their media conditions; unsupported selectors/declarations are flagged, not dropped."""
    over = _over_limit(text)
    if over is not None:
        message, hint, ln, col = over
        shown = excerpt(LineIndex(text, breaks=_CSS_BREAKS), ln, col)
        raise TemplateError(message, file=file, line=ln, column=col, hint=hint, excerpt=shown)
    rules: list[Rule] = []
    faces: list[FontFace] = []
    _walk_stylesheet(text, ignore_report, on_rule=rules.append, on_font_face=faces.append)
    return StyleSheet(file, tuple(rules), tuple(faces))


def parse_style_attribute(style: str) -> tuple[Declaration, ...]:
    """The declarations of an inline ``style`` value, flagged like :func:`parse_wxss` does.

    A value past the parsing limits gives none: :func:`check_style_attribute` reports it.
    """
    if _over_limit(style) is not None:
        return ()
    out = []
    for decl in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            out.append(declaration(decl, check_declaration(decl, ignore_report)))
    return tuple(out)


# ---- walking -------------------------------------------------------------------------------------


def _walk_stylesheet(
    text: str,
    report: Report,
    *,
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    # tinycss2 parses the tokens of the fast tokenizer (the very ones its own would give, sooner).
    nodes = tinycss2.parse_stylesheet(component_values(text), skip_comments=True, skip_whitespace=True)
    _walk_rules(nodes, report, (), on_rule, on_font_face)


def _walk_rules(
    nodes: Iterable[Any],
    report: Report,
    media: tuple[MediaCondition, ...],
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    for node in nodes:
        if node.type == "error":
            report(node, "wxss-parse", parse_error_message(node))
        elif node.type == "qualified-rule":
            rule = _check_qualified_rule(node, report, media)
            if on_rule is not None:
                on_rule(rule)
        elif node.type == "at-rule":
            _check_at_rule(node, report, media, on_rule, on_font_face)


def _check_qualified_rule(node: Any, report: Report, media: tuple[MediaCondition, ...]) -> Rule:
    groups = _split_commas(node.prelude)
    texts: list[str] = []
    ok: list[bool] = []
    toks: list[tuple[Any, ...]] = []
    for group in groups:
        good = _check_selector(group, node, report)
        texts.append(str(tinycss2.serialize(group)).strip())
        ok.append(good)
        toks.append(tuple(group))
    decls = []
    for item in tinycss2.parse_declaration_list(node.content, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            check_declaration(item, report)  # reports the parse error or the at-rule
            continue
        decls.append(declaration(item, check_declaration(item, report)))
    return Rule(tuple(texts), tuple(decls), media, line_of(node), column_of(node), tuple(ok), tuple(toks))


def _split_commas(tokens: Iterable[Any]) -> list[list[Any]]:
    groups: list[list[Any]] = [[]]
    for t in tokens:
        if t.type == "literal" and t.value == ",":
            groups.append([])
        else:
            groups[-1].append(t)
    return groups


# ---- selectors -------------------------------------------------------------------------------------

_COMBINATORS = {">": "child combinator '>'", "+": "adjacent sibling combinator '+'", "~": "sibling combinator '~'"}
_STATE_PSEUDO = frozenset({"hover", "active", "focus", "focus-within", "focus-visible", "visited", "link"})


def _check_selector(group: list[Any], rule_node: Any, report: Report) -> bool:
    """Report what in one comma group is outside the card selector subset; True if the group is fine."""
    sig = significant(group)
    if not sig:
        report(group[0] if group else rule_node, "wxss-selector", "empty selector (a stray comma?); remove it")
        return False
    ok = True
    i = 0
    while i < len(group):
        t = group[i]
        nxt = group[i + 1] if i + 1 < len(group) else None
        if t.type in ("whitespace", "comment"):
            pass
        elif t.type == "ident":
            if t.lower_value not in CARD_TAGS:
                report(
                    t,
                    "wxss-selector",
                    f"tag selector '{t.value}' matches no card component (cards have view, text, image, button, "
                    "scroll-view, map, canvas, collapsible-view); use a class",
                    "warning",
                )
        elif t.type == "hash":
            if not t.is_identifier:
                report(t, "wxss-selector", f"'#{t.value}' is not a valid id selector; ids must start with a letter")
                ok = False
        elif t.type == "literal" and t.value == ".":
            if nxt is None or nxt.type != "ident":
                report(t, "wxss-selector", "'.' must be followed by a class name, e.g. .item")
                ok = False
            else:
                i += 1
        elif t.type == "literal" and t.value in _COMBINATORS:
            report(
                t,
                "wxss-selector",
                f"the {_COMBINATORS[t.value]} is not supported in cards; use a descendant selector ('.a .b') "
                "or give the element its own class",
            )
            ok = False
        elif t.type == "literal" and t.value == "*":
            report(t, "wxss-selector", "the universal selector '*' is not supported in cards; use a class")
            ok = False
        elif t.type == "[] block":
            report(t, "wxss-selector", f"attribute selector '{tinycss2.serialize([t])}' is not supported in cards; use a class")
            ok = False
        elif t.type == "literal" and t.value == ":":
            ok = False
            if nxt is not None and nxt.type == "literal" and nxt.value == ":":
                name = group[i + 2] if i + 2 < len(group) else None
                label = "::" + (tinycss2.serialize([name]) if name is not None else "")
                report(
                    t,
                    "wxss-selector",
                    f"pseudo-element '{label}' is not supported in cards; add a real <view> or <text> node instead",
                )
                i += 2
            else:
                label = ":" + (tinycss2.serialize([nxt]) if nxt is not None else "")
                pname = (getattr(nxt, "lower_name", None) or getattr(nxt, "lower_value", "") or "") if nxt else ""
                fix = (
                    "use the hover-class attribute on the node"
                    if pname in _STATE_PSEUDO
                    else "compute a class in JS (e.g. is-first) and bind it in WXML"
                )
                report(t, "wxss-selector", f"pseudo-class '{label}' is not supported in cards; {fix}")
                i += 1
        else:
            report(
                t,
                "wxss-selector",
                f"'{tinycss2.serialize([t])}' is not supported in card selectors; use .class, #id, tag and spaces",
            )
            ok = False
        i += 1
    return ok


# ---- at-rules ---------------------------------------------------------------------------------------


def _check_at_rule(
    node: Any,
    report: Report,
    media: tuple[MediaCondition, ...],
    on_rule: Callable[[Rule], None] | None,
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    kw = str(node.lower_at_keyword)
    if kw == "media":
        cond = _check_media_prelude(node, report)
        if node.content is None:
            report(node, "wxss-parse", "@media needs a { ... } block of rules")
            return
        inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
        _walk_rules(inner, report, (*media, cond), on_rule, on_font_face)
    elif kw == "font-face":
        _check_font_face(node, report, media, on_font_face)
    elif kw == "import":
        report(node, "wxss-at-rule", "@import is not supported in card WXSS: a card has one index.wxss; copy the rules into it")
    elif kw in ("keyframes", "-webkit-keyframes"):
        report(node, "wxss-at-rule", f"@{node.at_keyword} is not supported in cards: cards do not animate; remove it")
    elif kw == "charset":
        report(node, "wxss-at-rule", "@charset is not needed: WXSS is UTF-8; remove it", "warning")
    else:
        report(node, "wxss-at-rule", f"@{node.at_keyword} is not supported in cards (only @media and @font-face are); remove it")


def _check_media_prelude(node: Any, report: Report) -> MediaCondition:
    queries: list[MediaQuery] = []
    groups = _split_commas(node.prelude)
    if not significant(node.prelude):
        report(node, "wxss-at-rule", "@media without a condition; add one, e.g. @media (prefers-color-scheme: dark)")
        return (MediaQuery("all"),)
    for group in groups:
        q = _check_media_query(group, node, report)
        if q is not None:
            queries.append(q)
    return tuple(queries) or (MediaQuery("not all", negated=True),)


def _check_media_query(group: list[Any], at_node: Any, report: Report) -> MediaQuery | None:
    sig = significant(group)
    text = str(tinycss2.serialize(group)).strip()
    if not sig:
        report(at_node, "wxss-at-rule", "empty media query (a stray comma?); remove it")
        return None
    negated = False
    media_type = "all"
    features: list[tuple[str, str | None]] = []
    ok = True
    expect_and = False
    for idx, t in enumerate(sig):
        if t.type == "ident":
            word = t.lower_value
            if word == "and" and expect_and:
                expect_and = False
            elif word == "not" and idx == 0:
                negated = True
            elif word in ("only", "or"):
                fix = "remove 'only'" if word == "only" else "separate alternatives with a comma"
                report(t, "wxss-at-rule", f"'{t.value}' is not supported in card media queries; {fix}")
                ok = False
            elif not expect_and and not features and media_type == "all" and word not in ("and", "not"):
                if word not in MEDIA_TYPES:
                    report(
                        t,
                        "wxss-at-rule",
                        f"media type '{t.value}' is not supported in cards; use all or screen (or leave it out)",
                    )
                    ok = False
                media_type = word
                expect_and = True
            else:
                report(t, "wxss-at-rule", f"unexpected '{t.value}' in @media; write e.g. screen and (min-width: 400px)")
                ok = False
        elif t.type == "() block":
            if expect_and:
                report(t, "wxss-at-rule", "media conditions must be joined with 'and'")
                ok = False
            feature = _check_media_feature(t, report)
            if feature is None:
                ok = False
            else:
                features.append(feature)
            expect_and = True
        else:
            report(t, "wxss-at-rule", f"unexpected '{tinycss2.serialize([t])}' in @media")
            ok = False
    if not ok:
        return None
    return MediaQuery(text, negated, media_type, tuple(features))


def _check_media_feature(block: Any, report: Report) -> tuple[str, str | None] | None:
    sig = significant(block.content)
    if not sig or sig[0].type != "ident":
        report(
            block,
            "wxss-at-rule",
            f"media feature '{tinycss2.serialize([block])}' is not supported in cards; use (name: value), e.g. "
            "(max-width: 400px); range syntax like (width >= 400px) is not supported",
        )
        return None
    name = str(sig[0].lower_value)
    if name not in MEDIA_FEATURES:
        report(
            sig[0],
            "wxss-at-rule",
            f"media feature '{sig[0].value}' is not supported in cards; use one of " + ", ".join(sorted(MEDIA_FEATURES)),
        )
        return None
    if len(sig) == 1:
        return (name, None)
    if not (sig[1].type == "literal" and sig[1].value == ":") or len(sig) < 3:
        report(
            block,
            "wxss-at-rule",
            f"media feature '{tinycss2.serialize([block])}' must be (name: value); range syntax is not supported",
        )
        return None
    value = sig[2:]
    if name in MEDIA_KEYWORD_VALUES:
        allowed = MEDIA_KEYWORD_VALUES[name]
        if len(value) != 1 or value[0].type != "ident" or value[0].lower_value not in allowed:
            report(
                value[0],
                "wxss-at-rule",
                f"{name}: {tinycss2.serialize(value).strip()} is not valid; use " + " or ".join(sorted(allowed)),
            )
            return None
        return (name, str(value[0].lower_value))
    good = True
    for t in value:
        if t.type == "dimension":
            good = check_unit(t, report) and good
        elif not (t.type == "number" and t.value == 0):
            report(t, "wxss-at-rule", f"{name} needs a length such as 400px, not '{tinycss2.serialize([t])}'")
            good = False
    if len(value) != 1:
        report(value[0], "wxss-at-rule", f"{name} needs one length such as 400px")
        good = False
    return (name, str(tinycss2.serialize(value)).strip()) if good else None


def _check_font_face(
    node: Any,
    report: Report,
    media: tuple[MediaCondition, ...],
    on_font_face: Callable[[FontFace], None] | None,
) -> None:
    if significant(node.prelude):
        report(node, "wxss-at-rule", "@font-face takes no prelude; write @font-face { font-family: ...; src: ... }")
    if node.content is None:
        report(node, "wxss-parse", "@font-face needs a { ... } block")
        return
    seen: set[str] = set()
    decls = []
    for item in tinycss2.parse_declaration_list(node.content, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            check_declaration(item, report)  # reports the parse error or the at-rule
            continue
        name = str(item.lower_name)
        seen.add(name)
        supported = True
        if name not in FONT_FACE_DESCRIPTORS:
            report(
                item,
                "wxss-at-rule",
                f"@font-face descriptor '{item.name}' is beyond the basic syntax cards support "
                "(font-family, src, font-weight, font-style); remove it",
                "warning",
            )
            supported = False
        for fn in functions_in(item.value):
            fname = str(fn.lower_name)
            if fname == "var":
                report(fn, "wxss-css-variable", "CSS variables (var()) are not supported in cards; write the value")
                supported = False
            elif name == "src" and fname not in ("local", "url", "format"):
                report(fn, "wxss-at-rule", f"{fn.name}() is not supported in @font-face src; use local(), url() and format()")
                supported = False
        decls.append(declaration(item, supported))
    for required in ("font-family", "src"):
        if required not in seen:
            report(node, "wxss-at-rule", f"@font-face without {required}; add it")
    if on_font_face is not None:
        on_font_face(FontFace(tuple(decls), media, line_of(node), column_of(node)))

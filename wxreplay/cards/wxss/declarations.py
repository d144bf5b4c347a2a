"""Checks of one declaration (``name: value``): banned and unknown properties, values, functions, units."""

from __future__ import annotations

from typing import Any

import tinycss2  # type: ignore[import-untyped]

from wxreplay.cards.wxss.sheet import Declaration, Report, all_tokens, column_of, decl_text, functions_in, line_of, significant
from wxreplay.cards.wxss.subset import (
    ANGLE_UNITS,
    BANNED_FAMILIES,
    BANNED_PROPERTIES,
    BANNED_VALUES,
    BORDER_STYLES,
    GENERAL_FUNCTIONS,
    IMAGE_PROPERTIES,
    KEYWORD_VALUES,
    LENGTH_UNITS,
    MULTI_KEYWORD,
    PROPERTIES,
    PROPERTY_HINTS,
    SAFE_AREA_NAMES,
    SIDES,
    TRANSFORM_FUNCTIONS,
    UNIT_FIX,
)
from wxreplay.source import did_you_mean


def parse_error_message(node: Any) -> str:
    msg = str(getattr(node, "message", "")).replace("{colon.type}", "something else")
    if "EOF reached before {} block" in msg:
        return "a selector without a { ... } block; add the block or remove the stray text"
    if "after declaration name" in msg:
        return "cannot parse this declaration: expected ':' after the property name; write it as name: value;"
    if "for declaration name" in msg:
        return (
            "cannot parse this declaration: expected a property name; write it as name: value; (nested rules are not supported)"
        )
    return f"cannot parse the WXSS here: {msg}"


def declaration(item: Any, supported: bool) -> Declaration:
    return Declaration(
        name=str(item.lower_name) if not str(item.name).startswith("--") else str(item.name),
        value=tuple(item.value),
        important=bool(item.important),
        line=line_of(item),
        column=column_of(item),
        supported=supported,
    )


def check_declaration(decl: Any, report: Report) -> bool:
    """Report what is wrong with one declaration; True when the card engine would apply it."""
    if decl.type == "error":
        report(decl, "wxss-parse", parse_error_message(decl))
        return False
    if decl.type == "at-rule":  # "@foo;" or "@media {...}" among declarations: nesting, which cards lack
        report(decl, "wxss-at-rule", f"@{decl.at_keyword} inside a block is not supported in cards; remove it")
        return False
    raw_name = str(decl.name)
    name = str(decl.lower_name)
    if raw_name.startswith("--"):
        report(
            decl, "wxss-css-variable", f"CSS variables ({raw_name}) are not supported in cards; write the value where it is used"
        )
        return False
    banned = _banned_property(name)
    if banned is not None:
        report(decl, "wxss-banned", banned)
        return False
    if name not in PROPERTIES:
        report(decl, "wxss-property", _unknown_property_message(name))
        return False
    value = significant(decl.value)
    if not value:
        report(decl, "wxss-value", f"{decl.name} has no value; give it one or remove it")
        return False
    return _check_value(name, decl, value, report)


def _banned_property(name: str) -> str | None:
    if name in BANNED_PROPERTIES:
        return BANNED_PROPERTIES[name]
    for fam in BANNED_FAMILIES:
        if name.startswith(fam + "-"):
            return BANNED_PROPERTIES[fam].replace(fam, name, 1)
    for prefix in ("-webkit-", "-moz-", "-ms-", "-o-"):
        if name.startswith(prefix):
            base = name[len(prefix) :]
            if base in BANNED_PROPERTIES or any(base.startswith(f + "-") or base == f for f in BANNED_FAMILIES):
                return (_banned_property(base) or "").replace(base, name, 1)
    return None


def _unknown_property_message(name: str) -> str:
    for prefix in ("-webkit-", "-moz-", "-ms-", "-o-"):
        if name.startswith(prefix) and name[len(prefix) :] in PROPERTIES:
            return f"{name} is not supported in cards: vendor prefixes are not needed; use {name[len(prefix) :]}"
    msg = f"{name} is not in the card property whitelist, so cards ignore it"
    if name in PROPERTY_HINTS:
        return f"{msg}; {PROPERTY_HINTS[name]}"
    close = did_you_mean(name, sorted(PROPERTIES), cutoff=0.8)
    if close:
        return f"{msg}; did you mean {close}?"
    return f"{msg}; remove it"


_BORDER_SIDES = frozenset(f"border-{s}" for s in SIDES)


def _check_value(name: str, decl: Any, value: list[Any], report: Report) -> bool:
    ok = True
    # CSS variables, env(), calc() and the functions allowed for this property
    for fn in functions_in(decl.value):
        fname = str(fn.lower_name)
        if fname == "var":
            report(fn, "wxss-css-variable", "CSS variables (var()) are not supported in cards; write the value where it is used")
            ok = False
        elif fname == "env":
            args = significant(a for a in fn.arguments if not (a.type == "literal" and a.value == ","))
            if not args or args[0].type != "ident" or args[0].value not in SAFE_AREA_NAMES:
                arg = tinycss2.serialize(fn.arguments).strip()
                report(fn, "wxss-value", f"env({arg}) is not supported in cards; use env(safe-area-inset-left|top|right|bottom)")
                ok = False
        elif fname == "calc":
            pass
        elif name == "filter":
            if fname != "blur":
                report(fn, "wxss-value", f"filter: {fn.name}() is not supported in cards; filter supports blur() only")
                ok = False
        elif name in IMAGE_PROPERTIES:
            if fname not in GENERAL_FUNCTIONS:
                report(
                    fn, "wxss-value", f"{fn.name}() is not supported in {name}; cards support url() and linear-gradient() images"
                )
                ok = False
        elif name == "transform":
            if fname not in TRANSFORM_FUNCTIONS and fname not in GENERAL_FUNCTIONS:
                report(fn, "wxss-value", f"{fn.name}() is not a transform function")
                ok = False
        elif fname not in GENERAL_FUNCTIONS:
            report(
                fn,
                "wxss-value",
                f"{fn.name}() is not listed as supported in cards; use calc() or compute the value in JS",
                "warning",
            )
    # units
    for t in all_tokens(decl.value):
        if t.type == "dimension":
            ok = check_unit(t, report) and ok
    # keyword restrictions and banned values
    if name in KEYWORD_VALUES:
        ok = _check_keywords(name, decl, value, report) and ok
    elif name == "filter":
        if not (len(value) == 1 and value[0].type == "ident" and value[0].lower_value == "none"):
            for t in value:
                if t.type != "function":
                    report(t, "wxss-value", f"filter: '{tinycss2.serialize([t])}' is not supported; filter supports blur() only")
                    ok = False
    elif name == "border" or name in _BORDER_SIDES:
        for t in value:
            if t.type == "ident" and t.lower_value in BORDER_STYLES and t.lower_value not in ("none", "solid"):
                report(t, "wxss-banned", f"border style {t.value} is not supported in cards; use solid or none")
                ok = False
    elif name == "-wx-line-clamp" and not (
        len(value) == 1 and value[0].type == "number" and value[0].is_integer and value[0].int_value > 0
    ):
        report(value[0], "wxss-value", f"-wx-line-clamp needs a positive whole number of lines, not '{decl_text(decl.value)}'")
        ok = False
    return ok


def _check_keywords(name: str, decl: Any, value: list[Any], report: Report) -> bool:
    allowed = KEYWORD_VALUES[name]
    multi = name in MULTI_KEYWORD
    words = [t for t in value if not (multi and t.type == "literal" and t.value == ",")]
    if not multi and len(words) != 1:
        report(
            value[0],
            "wxss-value",
            f"{name}: {decl_text(decl.value)} is not supported in cards; use one of " + ", ".join(sorted(allowed)),
        )
        return False
    ok = True
    for t in words:
        word = str(t.lower_value) if t.type == "ident" else None
        if word is not None and (name, word) in BANNED_VALUES:
            report(t, "wxss-banned", BANNED_VALUES[(name, word)])
            ok = False
        elif word is not None and name.startswith("border") and word in BORDER_STYLES and word not in allowed:
            report(t, "wxss-banned", f"border style {t.value} is not supported in cards; use solid or none")
            ok = False
        elif word is None or word not in allowed:
            fix = ", ".join(sorted(allowed - {"static"}))
            extra = " (reverse the data order in JS instead)" if name == "flex-direction" else ""
            report(t, "wxss-value", f"{name}: {decl_text([t])} is not supported in cards; use {fix}{extra}")
            ok = False
        elif name == "position" and word == "static":
            report(t, "wxss-value", "position: static is treated as relative in cards; write relative", "warning")
    return ok


def check_unit(t: Any, report: Report) -> bool:
    unit = str(t.lower_unit)
    if unit in LENGTH_UNITS or unit in ANGLE_UNITS:
        return True
    if unit in UNIT_FIX:
        level, msg = UNIT_FIX[unit]
        report(t, "wxss-unit", f"{tinycss2.serialize([t])}: {msg}", level)
        return level != "error"
    report(t, "wxss-unit", f"{tinycss2.serialize([t])}: unit '{t.unit}' is not supported in cards; use px, rpx, vw, % or em")
    return False

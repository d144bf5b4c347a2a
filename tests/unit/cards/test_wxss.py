"""The card WXSS checker: selectors, at-rules, units, functions, the property whitelist and the bans."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxreplay.cards.wxss import check_style_attribute, check_wxss, media_matches, parse_wxss
from wxreplay.diagnostic import Diagnostic

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "westore-cafe" / "skills" / "coffee" / "components"


def rules_of(css: str) -> list[tuple[str, str]]:
    return [(v.rule, v.level) for v in check_wxss(css, "c.wxss")]


def decl(d: str) -> list[tuple[str, str]]:
    return rules_of(f".a {{ {d} }}")


# ---- the real example --------------------------------------------------------------------------


@pytest.mark.parametrize("card", ["drink-list", "drink-detail", "order-confirm", "order-status"])
def test_example_cards_are_clean(card: str) -> None:
    path = EXAMPLE / card / "index.wxss"
    assert check_wxss(path.read_text(encoding="utf-8"), str(path)) == []


# ---- selectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selector",
    [
        ".card",
        "#main",
        "view",
        "text",
        "scroll-view",
        ".a .b",
        "view#id.cls .other",
        ".a, .b,\n#c",
        ".a.b.c",
        "collapsible-view .x",
        ".a   .b",
    ],
)
def test_allowed_selectors(selector: str) -> None:
    assert rules_of(f"{selector} {{ color: red; }}") == []


@pytest.mark.parametrize(
    ("selector", "needle"),
    [
        (".a > .b", "child combinator '>'"),
        (".a>.b", "child combinator '>'"),
        (".a + .b", "'+'"),
        (".a ~ .b", "'~'"),
        ("[data-x]", "attribute selector '[data-x]'"),
        ("view[hidden]", "attribute selector"),
        ("*", "universal selector"),
        (".a *", "universal selector"),
        (".a:hover", "pseudo-class ':hover'"),
        (".a:first-child", "pseudo-class ':first-child'"),
        (".a:nth-child(2)", "pseudo-class ':nth-child(2)'"),
        (".a:not(.b)", "pseudo-class ':not(.b)'"),
        (".a::before", "pseudo-element '::before'"),
        (".a::after", "pseudo-element '::after'"),
        ("#1abc", "not a valid id selector"),
        (".a, , .b", "empty selector"),
    ],
)
def test_rejected_selectors(selector: str, needle: str) -> None:
    found = check_wxss(f"{selector} {{ color: red; }}", "c.wxss")
    assert [v.rule for v in found] == ["wxss-selector"]
    assert found[0].level == "error"
    assert needle in found[0].message


def test_hover_pseudo_class_points_to_hover_class() -> None:
    [v] = check_wxss(".a:active { opacity: 0.5 }", "c.wxss")
    assert "hover-class" in v.message


def test_unknown_tag_selector_is_a_warning() -> None:
    [v] = check_wxss("div .a { color: red }", "c.wxss")
    assert (v.rule, v.level) == ("wxss-selector", "warning")
    assert "'div'" in v.message


def test_each_bad_group_reported_separately() -> None:
    found = check_wxss(".ok, .a > .b, .c:hover {}", "c.wxss")
    assert [v.column for v in found] == [9, 17]


# ---- at-rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prelude",
    [
        "(prefers-color-scheme: dark)",
        "(prefers-color-scheme: light)",
        "screen and (min-width: 400px)",
        "all and (max-width: 600rpx) and (orientation: portrait)",
        "not screen and (orientation: landscape)",
        "(width: 393px)",
        "(height: 100vw), (max-height: 10em)",
        "(min-height: 0)",
        "screen",
    ],
)
def test_allowed_media(prelude: str) -> None:
    assert rules_of(f"@media {prelude} {{ .a {{ color: red }} }}") == []


@pytest.mark.parametrize(
    ("prelude", "needle"),
    [
        ("print", "media type 'print'"),
        ("only screen", "'only'"),
        ("(hover: hover)", "media feature 'hover'"),
        ("(prefers-reduced-motion: reduce)", "media feature 'prefers-reduced-motion'"),
        ("(width >= 400px)", "range syntax"),
        ("(prefers-color-scheme: sepia)", "use dark or light"),
        ("(orientation: up)", "use landscape or portrait"),
        ("(min-width: 400)", "needs a length"),
        ("screen (min-width: 1px)", "joined with 'and'"),
        ("(a: b) or (c: d)", "media feature 'a'"),
    ],
)
def test_rejected_media(prelude: str, needle: str) -> None:
    found = check_wxss(f"@media {prelude} {{ .a {{ color: red }} }}", "c.wxss")
    assert found and all(v.rule == "wxss-at-rule" for v in found), found
    assert needle in found[0].message


def test_media_with_bad_unit() -> None:
    assert rules_of("@media (min-height: 50vh) { .a { color: red } }") == [("wxss-unit", "error")]


def test_rules_inside_media_are_checked() -> None:
    found = check_wxss("@media (prefers-color-scheme: dark) {\n  .a { z-index: 1 }\n}", "c.wxss")
    assert [(v.rule, v.line, v.column) for v in found] == [("wxss-banned", 2, 8)]


@pytest.mark.parametrize(
    ("css", "needle"),
    [
        ("@keyframes spin { from { opacity: 0 } to { opacity: 1 } }", "cards do not animate"),
        ("@-webkit-keyframes spin { from { opacity: 0 } }", "cards do not animate"),
        ('@import "common.wxss";', "@import"),
        ("@supports (display: flex) { .a { color: red } }", "@supports"),
        ("@page { margin: 0 }", "@page"),
        ("@layer base;", "@layer"),
    ],
)
def test_rejected_at_rules(css: str, needle: str) -> None:
    found = check_wxss(css, "c.wxss")
    assert [(v.rule, v.level) for v in found] == [("wxss-at-rule", "error")]
    assert needle in found[0].message


def test_font_face_basic_ok() -> None:
    css = '@font-face { font-family: "Brand"; src: local("Brand"), url("https://x/b.woff2") format("woff2"); }'
    assert rules_of(css) == []


def test_font_face_extras() -> None:
    assert rules_of("@font-face { font-family: x; src: url(a.woff2); unicode-range: U+0-7F; }") == [("wxss-at-rule", "warning")]
    assert rules_of("@font-face { font-family: x; }") == [("wxss-at-rule", "error")]


def test_charset_is_a_warning() -> None:
    assert rules_of('@charset "utf-8";') == [("wxss-at-rule", "warning")]


# ---- units, functions, variables ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["10px", "20rpx", "50vw", "100%", "1.5em", "0", "-4rpx", "calc(100% - 20rpx)", "calc(50vw - env(safe-area-inset-left))"],
)
def test_allowed_units(value: str) -> None:
    assert decl(f"width: {value};") == []


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("1rem", "warning"),
        ("10vh", "error"),
        ("10vmin", "error"),
        ("10vmax", "error"),
        ("12pt", "error"),
        ("1cm", "error"),
        ("2ch", "error"),
        ("10dvh", "error"),
    ],
)
def test_rejected_units(value: str, level: str) -> None:
    assert decl(f"width: {value};") == [("wxss-unit", level)]


def test_unit_inside_calc_is_checked() -> None:
    assert decl("width: calc(100vh - 10px);") == [("wxss-unit", "error")]


def test_angles_allowed_in_transform_and_gradients() -> None:
    assert decl("transform: rotate(45deg) translateX(10rpx) scale(1.2);") == []
    assert decl("background-image: linear-gradient(90deg, rgba(0,0,0,0.5), #fff);") == []


@pytest.mark.parametrize("name", ["left", "top", "right", "bottom"])
def test_env_safe_area(name: str) -> None:
    assert decl(f"padding-bottom: env(safe-area-inset-{name});") == []
    assert decl(f"padding-bottom: env(safe-area-inset-{name}, 10px);") == []


def test_env_other_names_rejected() -> None:
    found = check_wxss(".a { padding: env(titlebar-area-height); }", "c.wxss")
    assert [v.rule for v in found] == ["wxss-value"]
    assert "safe-area-inset" in found[0].message


def test_css_variables_rejected() -> None:
    assert decl("--brand: #b5651d;") == [("wxss-css-variable", "error")]
    assert decl("color: var(--brand);") == [("wxss-css-variable", "error")]
    assert decl("width: calc(var(--w) * 2);") == [("wxss-css-variable", "error")]


def test_unlisted_function_is_a_warning() -> None:
    assert decl("width: min(100px, 50%);") == [("wxss-value", "warning")]


# ---- properties and values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d",
    [
        "display: none",
        "display: inline",
        "display: inline-block",
        "display: block",
        "display: flex",
        "position: relative",
        "position: absolute",
        "box-sizing: border-box",
        "box-sizing: padding-box",
        "pointer-events: none",
        "visibility: hidden",
        "color: #fff",
        "opacity: 0.5",
        "flex-direction: row",
        "flex-direction: column",
        "flex-wrap: wrap",
        "align-items: center",
        "align-self: flex-end",
        "align-content: space-between",
        "justify-content: space-evenly",
        "flex-grow: 1",
        "flex-shrink: 0",
        "flex-basis: 30%",
        "flex: 1",
        "aspect-ratio: 16 / 9",
        "background: #fff url(https://a/b.png) no-repeat center / cover",
        "background-color: rgba(0, 0, 0, 0.1)",
        "background-image: url(https://a/b.png), linear-gradient(#fff, #000)",
        "background-size: cover",
        "background-repeat: no-repeat",
        "background-origin: content-box",
        "background-clip: padding-box",
        "background-position: center",
        "background-position-x: 10rpx",
        "background-position-y: 20%",
        "mask-image: url(https://a/m.png)",
        "mask-size: contain",
        "mask-repeat: no-repeat",
        "mask-origin: border-box",
        "mask-clip: border-box",
        "mask-position: center",
        "mask-mode: alpha",
        "mask: url(https://a/m.png) no-repeat",
        "width: 10px",
        "height: 10px",
        "min-width: 1px",
        "min-height: 1px",
        "max-width: 100%",
        "max-height: 100px",
        "left: 0",
        "right: 0",
        "top: 0",
        "bottom: 0",
        "padding: 1px 2px",
        "padding-top: 1px",
        "padding-left: 1px",
        "margin: 0 auto",
        "margin-bottom: -2rpx",
        "border: 2rpx solid #d9d9d9",
        "border-top: 1px solid red",
        "border-left-width: 1px",
        "border-right-style: none",
        "border-bottom-color: red",
        "border-style: solid none",
        "border-width: 1px",
        "border-color: red",
        "border: none",
        "border-radius: 16rpx",
        "border-top-left-radius: 4px",
        "border-bottom-right-radius: 50%",
        "box-shadow: 0 2px 4px rgba(0,0,0,.1), inset 0 0 1px #000",
        "text-shadow: 0 1px 0 #fff",
        "font: 600 28rpx/40rpx sans-serif",
        "font-size: 28rpx",
        "line-height: 1.5",
        "text-align: center",
        "font-weight: 600",
        "word-break: break-all",
        "word-break: break-word",
        "white-space: nowrap",
        "white-space: pre-line",
        "text-overflow: ellipsis",
        "text-indent: 2em",
        "vertical-align: middle",
        "letter-spacing: 2rpx",
        "word-spacing: 1px",
        "font-family: 'PingFang SC', sans-serif",
        "font-style: italic",
        "-wx-line-clamp: 2",
        "transform: translate(-50%, -50%)",
        "transform-origin: center",
        "filter: blur(4px)",
        "filter: none",
        "color: red !important",
    ],
)
def test_whitelisted_declarations(d: str) -> None:
    assert decl(d + ";") == []


def test_position_static_is_a_warning() -> None:
    assert decl("position: static;") == [("wxss-value", "warning")]


@pytest.mark.parametrize(
    ("d", "rule", "needle"),
    [
        ("position: fixed", "wxss-banned", "use relative or absolute"),
        ("position: sticky", "wxss-banned", "position: sticky"),
        ("display: grid", "wxss-banned", "display: grid"),
        ("display: table", "wxss-banned", "display: table"),
        ("display: inline-flex", "wxss-banned", "display: inline-flex"),
        ("display: -webkit-box", "wxss-banned", "-wx-line-clamp"),
        ("display: contents", "wxss-value", "display: contents"),
        ("display: flex block", "wxss-value", "display: flex block"),
        ("box-sizing: margin-box", "wxss-value", "box-sizing"),
        ("pointer-events: all", "wxss-value", "pointer-events"),
        ("visibility: collapse", "wxss-value", "visibility"),
        ("flex-direction: row-reverse", "wxss-value", "use column, row"),
        ("flex-direction: column-reverse", "wxss-value", "flex-direction"),
        ("border: 1px dashed #ccc", "wxss-banned", "border style dashed"),
        ("border-top: 1px dotted #ccc", "wxss-banned", "border style dotted"),
        ("border-style: double", "wxss-banned", "border style double"),
        ("border-left-style: groove", "wxss-banned", "border style groove"),
        ("word-break: keep-all", "wxss-value", "word-break"),
        ("white-space: break-spaces", "wxss-value", "white-space"),
        ("text-overflow: fade", "wxss-value", "text-overflow"),
        ("font-style: oblique", "wxss-value", "font-style"),
        ("filter: grayscale(1)", "wxss-value", "blur() only"),
        ("filter: blur(2px) brightness(0.5)", "wxss-value", "blur() only"),
        ("mask-mode: luminance", "wxss-value", "alpha"),
        ("background-image: radial-gradient(#fff, #000)", "wxss-value", "linear-gradient"),
        ("-wx-line-clamp: two", "wxss-value", "positive whole number"),
        ("-wx-line-clamp: 0", "wxss-value", "positive whole number"),
        ("color: ", "wxss-value", "has no value"),
    ],
)
def test_value_restrictions(d: str, rule: str, needle: str) -> None:
    found = check_wxss(f".a {{ {d}; }}", "c.wxss")
    assert [v.rule for v in found] == [rule], found
    assert needle in found[0].message


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("z-index", "10", "z-index is not supported in cards"),
        ("float", "left", "display: flex"),
        ("clear", "both", "clear"),
        ("cursor", "pointer", "touch-only"),
        ("text-decoration", "underline", "text-decoration"),
        ("text-decoration-line", "underline", "text-decoration-line"),
        ("transition", "opacity 0.3s", "cards do not animate"),
        ("transition-duration", "0.3s", "transition-duration"),
        ("animation", "spin 1s infinite", "cards do not animate"),
        ("animation-name", "spin", "animation-name"),
        ("-webkit-transition", "all 1s", "-webkit-transition"),
        ("overflow", "hidden", "overflow is not supported in cards: clipping is done by the host; remove it"),
        ("overflow-x", "auto", "scroll-view scroll-x"),
        ("overflow-y", "scroll", "cannot scroll vertically"),
        ("gap", "8px", "margin"),
        ("row-gap", "8px", "margin"),
        ("column-gap", "8px", "margin"),
        ("-webkit-line-clamp", "2", "use -wx-line-clamp instead of -webkit-line-clamp"),
        ("-webkit-box-orient", "vertical", "-webkit-box-orient"),
    ],
)
def test_banned_properties(name: str, value: str, needle: str) -> None:
    found = check_wxss(f".a {{ {name}: {value}; }}", "c.wxss")
    assert [(v.rule, v.level) for v in found] == [("wxss-banned", "error")]
    assert needle in found[0].message


@pytest.mark.parametrize(
    ("d", "needle"),
    [
        ("user-select: none", "cannot be selected"),
        ("flex-flow: row wrap", "flex-direction and flex-wrap"),
        ("object-fit: cover", "mode attribute"),
        ("colr: red", "did you mean color?"),
        ("backgroud-color: red", "did you mean background-color?"),
        ("-webkit-transform: none", "use transform"),
        ("clip-path: circle(50%)", "remove it"),
        ("order: 2", "reorder"),
        ("outline: 1px solid red", "use border"),
    ],
)
def test_unlisted_properties(d: str, needle: str) -> None:
    found = check_wxss(f".a {{ {d}; }}", "c.wxss")
    assert [(v.rule, v.level) for v in found] == [("wxss-property", "error")]
    assert needle in found[0].message


def test_property_names_are_case_insensitive() -> None:
    assert decl("Z-INDEX: 1;") == [("wxss-banned", "error")]
    assert decl("COLOR: red;") == []


# ---- positions, parse errors, output -----------------------------------------------------------------


def test_line_and_column_accuracy() -> None:
    css = (
        "/* header */\n"  # 1
        ".card {\n"  # 2
        "  color: red;\n"  # 3
        "  overflow: hidden;\n"  # 4
        "  width: 10vh;\n"  # 5
        "}\n"  # 6
        ".a > .b { color: var(--c); }\n"  # 7
        "@keyframes k {}\n"  # 8
    )
    got = [(v.line, v.column, v.rule) for v in check_wxss(css, "skills/x/c/index.wxss")]
    assert got == [
        (4, 3, "wxss-banned"),
        (5, 10, "wxss-unit"),
        (7, 4, "wxss-selector"),
        (7, 18, "wxss-css-variable"),
        (8, 1, "wxss-at-rule"),
    ]


def test_violation_str_names_file_line_column() -> None:
    [v] = check_wxss(".a {\n  overflow: hidden;\n}", "skills/x/c/index.wxss")
    assert isinstance(v, Diagnostic)
    # the one Diagnostic format, the same as the findings' (level first, then where, what and the rule)
    assert str(v) == (
        "error: skills/x/c/index.wxss:2:3: overflow is not supported in cards: clipping is done "
        "by the host; remove it [wxss-banned]"
    )


def test_parse_errors() -> None:
    found = check_wxss(".a { color red; width: 1px }\n.b", "c.wxss")
    assert [(v.rule, v.line) for v in found] == [("wxss-parse", 1), ("wxss-parse", 2)]
    assert "name: value" in found[0].message


def test_nested_rule_is_a_parse_error() -> None:
    assert rules_of(".a { .b { color: red } }") == [("wxss-parse", "error")]


def test_violations_are_sorted() -> None:
    found = check_wxss(".b { z-index: 1 }\n.a:hover { float: left }", "c.wxss")
    assert [(v.line, v.column) for v in found] == sorted((v.line, v.column) for v in found)


def test_check_style_attribute_offsets_positions() -> None:
    found = check_style_attribute("color: red; z-index: 3", "c.wxml", line=4, column=20)
    assert [(v.rule, v.line, v.column) for v in found] == [("wxss-banned", 4, 32)]


# ---- parse_wxss ---------------------------------------------------------------------------------------


def test_parse_wxss_structure() -> None:
    css = (
        ".a, .b > .c { color: red; z-index: 2 !important }\n"
        "@media (prefers-color-scheme: dark) { .a { color: blue } }\n"
        "@font-face { font-family: f; src: url(a.woff2) }"
    )
    sheet = parse_wxss(css, "c.wxss")
    first, second = sheet.rules
    assert first.selectors == (".a", ".b > .c")
    assert first.supported_selectors == (True, False)
    assert [(d.name, d.value_text, d.important, d.supported) for d in first.declarations] == [
        ("color", "red", False, True),
        ("z-index", "2", True, False),
    ]
    assert first.media == ()
    assert media_matches(second.media, width=393, height=852, dark=True)
    assert not media_matches(second.media, width=393, height=852, dark=False)
    assert len(sheet.font_faces) == 1


@pytest.mark.parametrize(
    ("prelude", "width", "dark", "expected"),
    [
        ("(min-width: 400px)", 393, False, False),
        ("(max-width: 400px)", 393, False, True),
        ("(max-width: 750rpx)", 393, False, True),
        ("not all and (prefers-color-scheme: dark)", 393, True, False),
        ("(orientation: portrait)", 393, False, True),
        ("(prefers-color-scheme: dark), (min-width: 1px)", 393, False, True),
        ("print", 393, False, False),
    ],
)
def test_media_evaluation(prelude: str, width: int, dark: bool, expected: bool) -> None:
    [rule] = parse_wxss(f"@media {prelude} {{ .a {{ color: red }} }}", "c.wxss").rules
    assert media_matches(rule.media, width=width, height=852, dark=dark) is expected


@pytest.mark.parametrize(
    "wxss",
    [
        ".a { color: red; z-index: 2; }\n@media (prefers-color-scheme: dark) { .a { color: #fff; } }",
        ".a > .b { gap: 4px; } @font-face { font-family: x; src: url(x.woff2); }",
        "",
        "." + "a" * 10 + " { width: " + "9" * 2000 + "px }",
    ],
    ids=["rules-and-media", "banned", "empty", "past-the-limits"],
)
def test_check_and_parse_in_one_walk_equals_both_apart(wxss: str) -> None:
    from wxreplay.cards.wxss import check_and_parse_wxss, check_wxss, parse_wxss
    from wxreplay.errors import TemplateError

    diagnostics, sheet = check_and_parse_wxss(wxss, "c.wxss")
    assert diagnostics == check_wxss(wxss, "c.wxss")
    try:
        assert repr(sheet) == repr(parse_wxss(wxss, "c.wxss"))  # tinycss2's tokens compare by identity, not value
    except TemplateError:
        assert sheet is None

"""WXML past the limits: deep element nesting and deep ``{{ }}`` expressions are located TemplateErrors."""

from __future__ import annotations

import pytest

from wxreplay.cards.wxml import compile_template, parse_wxml
from wxreplay.errors import TemplateError
from wxreplay.source import MAX_NESTING


def error_of(wxml: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        compile_template({"c.wxml": wxml}, "c.wxml")
    return info.value


def test_deep_elements_are_a_located_error() -> None:
    # Was: RecursionError in the compiler.
    err = error_of("<view>\n" * 3000 + "</view>\n" * 3000)
    assert (err.line, err.column) == (MAX_NESTING + 1, 1)
    assert f"<view> nests deeper than {MAX_NESTING} levels of elements" in str(err)


def test_elements_at_the_limit_compile() -> None:
    compiled = compile_template({"c.wxml": "<view>" * MAX_NESTING + "{{a}}" + "</view>" * MAX_NESTING}, "c.wxml")
    assert compiled.js


@pytest.mark.parametrize(
    "expr",
    [
        "(" * 3000 + "a" + ")" * 3000,  # parentheses
        "-" * 3000 + "a",  # unary chain
        "a ? " * 3000 + "b" + " : c" * 3000,  # nested conditionals
        "a+" * 3000 + "a",  # a left-deep chain parsed in a loop, emitted recursively
        "a" + ".b" * 3000,  # member chain
        "[" * 3000 + "]" * 3000,  # array literals
    ],
    ids=["parens", "unary", "conditional", "binary-chain", "member-chain", "arrays"],
)
def test_deep_expressions_are_a_located_error(expr: str) -> None:
    # Was: RecursionError in the parser or in the emitter.
    err = error_of("<view>\n  <text>{{" + expr + "}}</text>\n</view>\n")
    assert err.line == 2 and err.column is not None
    assert f"the expression nests deeper than {MAX_NESTING} levels" in str(err)
    assert len(str(err).splitlines()[0]) < 250  # the expression is cut in the message; the excerpt shows where


def test_deep_expression_in_an_attribute_is_located() -> None:
    err = error_of('<view class="{{' + "[" * 200 + "]" * 200 + '}}"/>')
    assert (err.line, err.column) == (1, len('<view class="{{') + MAX_NESTING + 1)


def test_deep_elements_in_the_parser_alone() -> None:
    with pytest.raises(TemplateError):
        parse_wxml("c.wxml", "<view>" * (MAX_NESTING + 1) + "</view>" * (MAX_NESTING + 1))
    assert parse_wxml("c.wxml", "<view>" * MAX_NESTING + "</view>" * MAX_NESTING).elements()


def chain(kind: str, files: int, wrap: bool) -> dict[str, str]:
    """``c/index.wxml`` including (or importing) i1, which includes i2, ... up to ``i<files>``."""
    out = {"c/index.wxml": f'<{kind} src="i1.wxml"/>', f"c/i{files}.wxml": "<view/>"}
    for i in range(1, files):
        inner = f'<{kind} src="i{i + 1}.wxml"/>'
        out[f"c/i{i}.wxml"] = f"<view>{inner}</view>" if wrap else inner
    return out


@pytest.mark.parametrize(("wrap", "stop"), [(True, "c/i50.wxml:1:7:"), (False, "c/i100.wxml:1:1:")], ids=["views", "bare"])
def test_includes_count_towards_the_nesting(wrap: bool, stop: str) -> None:
    # Found by hand after the fuzz tests: 400 files each wrapping the next in a <view> gave RecursionError.
    with pytest.raises(TemplateError) as info:
        compile_template(chain("include", 400, wrap), "c/index.wxml")
    assert str(info.value).startswith(stop)
    assert f"nests deeper than {MAX_NESTING} levels of elements, counting included files" in str(info.value)
    assert compile_template(chain("include", 40, wrap), "c/index.wxml").js


def test_a_long_import_chain_is_a_located_error() -> None:
    with pytest.raises(TemplateError) as info:
        compile_template(chain("import", 1500, False), "c/index.wxml")
    assert str(info.value).startswith("c/i100.wxml:1:14: imports chain more than 100 files")

"""libyaml composition: the same data, positions and errors as the pure-Python loader, only faster.

``_parse_pure`` is the reference. ``_parse_libyaml`` returns None where libyaml reads a text
differently (the reference decides then) and raises where it fails (``parse_yaml`` re-parses with
the reference, so errors come from it).
"""

from __future__ import annotations

import ast
import random
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from wxreplay.errors import ScenarioError
from wxreplay.scenario import loader
from wxreplay.scenario.loader import YamlDoc, parse_yaml

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML is built without libyaml")

Outcome = tuple[Any, ...] | None


def outcome(parse: Callable[[str, str], YamlDoc | None], text: str) -> Outcome:
    """Everything a caller can see: data (repr tells True from 1 and keeps key order), spans, or the error."""
    try:
        doc = parse(text, "t.scenario.yaml")
    except ScenarioError as e:
        return ("error", str(e), e.file, e.line, e.column, e.hint, e.excerpt)
    except Exception as e:  # e.g. PyYAML's ReaderError for a control character, raised as it is today
        return ("exception", type(e), str(e))
    if doc is None:
        return None
    return ("doc", repr(doc.data), list(doc.values.items()), list(doc.keys.items()))


def public(text: str, file: str) -> YamlDoc:
    return parse_yaml(text, file=file)


def reference(text: str) -> Outcome:
    return outcome(loader._parse_pure, text)


def scenario_files() -> list[Path]:
    files = sorted({*ROOT.glob("scenarios/*.scenario.yaml"), *ROOT.glob("tests/**/*.scenario.yaml")})
    assert len(files) >= 10
    return files


def embedded_yaml() -> list[str]:
    """The strings written in the scenario tests (as they are, and dedented like the ``write`` fixture does)."""
    found: set[str] = set()
    for path in sorted(HERE.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and (":" in node.value or "\n" in node.value):
                found.update((node.value, textwrap.dedent(node.value).lstrip("\n")))
    return sorted(found)


#: Documents libyaml composes itself: each must give exactly the reference result.
TRICKY = {
    "anchors, aliases and merges": (
        "base: &b {sugar: less, size: medium}\nextra: &e {quantity: 1}\n"
        "order:\n  <<: [*b, *e]\n  size: large\nsingle:\n  <<: *b\n  sugar: none\ncopy: *b\n"
        "list: &l\n  - a\n  - b\nagain: *l\n"
    ),
    "flow collections": "a: [1, [2, 3], {b: c, d: [e]}, '', \"x\"]\nb: {k: [], m: {}}\nc: [a: b, c]\nd: {a, b}\n",
    "multi-line flow": "a: [\n  1,\n  2  # two\n]\nb: {\n  c: d,\n  e: f,\n}\n",
    "block scalars and chomping": (
        "keep: |+\n  a\n  b\n\n\nstrip: |-\n  a\n\n  b\n\nclip: |\n  a\n\nfold: >\n  a\n  b\n\n  c\n"
        "fold_strip: >-\n  a\n  b\nfold_keep: >+\n  a\n\nindent: |2\n    four\n  two\nlast: |\n  end\n"
    ),
    "block scalar at the end": "a: 1\nb: >\n  folded\n  text\n\n\n",
    "block collections ending in nested items": "a:\n  - b:\n      - c\n      - d: |\n          x\n\n\n# done\n",
    "CJK text and punctuation": (
        "name: 点一杯拿铁，少糖\nturns:\n  - user: 你好！请问「拿铁」多少钱？\n    plan:\n"
        "      - reply: \"时间: 10:30，地点：门店\"\n      - reply: '单引号：可以'\n"
        "      - {说: 中文键, 值: [一, 二]}\n"
    ),
    "quoted keys": '\'single key\': 1\n"double key": 2\n"with: colon": 3\n\'\': empty\n"\\u00e9": 4\n',
    "comments": "# top\na: 1  # trailing\n# between\nb:\n  # inside\n  - x  # item\n# end\n",
    "empty values": "a:\nb: ~\nc: null\nd: ''\ne:\n  - \n  - x\nf: {x: ~}\ng: [null, '']\n",
    "multi-line plain scalars": "a: one\n  two\n\n  three\nb: [x\n  y, z]\nc: x - y -z\n",
    "escapes in double quotes": ('a: "tab\\there"\nb: "line\\nbreak \\u263A \\x41 \\\\ \\""\nc: "folded\n  quoted\n\n  text"\n'),
    "windows line endings": (
        "name: x\r\nturns:\r\n  - user: 你好\r\n    plan:\r\n      - reply: |\r\n          hi\r\n          there\r\n"
    ),
    "emoji": "reply: 好的 😀 🎉\nlist: [😀, \"🎉\", '🍵']\nkey😀: 1\n",
    "YAML 1.2 scalars": (
        "bools: [true, True, FALSE, yes, no, on, off]\nnulls: [~, null, NULL, Null, '']\n"
        "ints: [0, 010, -7, +3, 0x1f, 0o17, 1_000]\nfloats: [1.5, .5, 1e3, -2.5E-1, .inf, .nan]\n"
        "dates: [2026-01-05, 2026-01-05T09:30:00+08:00]\ntimes: 1:30\n200: ok\n1.5: key\nnull: k\ntrue: k\n"
    ),
    "explicit tags": "a: !!str 123\nb: !!int '42'\nc: ! 12\nd: !!bool true\ne: !!null ''\nf: !!float '1.5'\n",
    "explicit keys": "? a\n: 1\n? b\n",
    "compact nested sequences": "- - a\n  - b\n- - - c\n",
    "document markers": "%YAML 1.1\n---\na: 1\n...\n",
    "no final line break": "a: 1\nb: [x, y]\nc: text",
    "unicode line separators": "a: x\u2028b: y\n",
    "empty text": "",
    "only a comment": "# nothing\n",
    "a bare scalar": "just text\n",
}

#: Where libyaml reads the text differently from PyYAML: ``_parse_libyaml`` declines, the reference decides.
DECLINED = {
    "tab after ':'": "a:\tb\n",  # libyaml: {'a': 'b'}; PyYAML: an error
    "tab after a value": "- x\t\n",
    "tab inside a quoted string": 'a: "x\ty"\n',  # the same in both, but any tab goes to the reference
    "BOM at the start of a later line": "a: 1\n\ufeffb: 2\n",  # libyaml skips it; PyYAML keeps it in the key
    "BOM at the start": "\ufeffa: 1\n",
    "'#' right after a block scalar header": "a: |-#\n  x\n",  # libyaml: a comment; PyYAML: an error
    "'?' in a plain scalar in a flow sequence": "a: [https://example.com/x?y=1]\n",  # PyYAML: an error
    "'?' in a plain key in a flow mapping": "a: {b?: c}\n",
    "empty value in a flow mapping": "a: {b: , c: d}\n",  # different column for the null
    "empty value before a flow end": "a: [b: ]\n",
    "empty value before a flow end on the next line": "a: {b:  # why\n}\n",
    "'!' on an empty value": "a: !\nb: 1\n",  # libyaml: ''; PyYAML: None
    "'!!str' on an empty value": "a: !!str\nb: 1\n",  # the same in both; told apart from '!' by the reference
    "empty value at the end without a line break": "? x",  # libyaml places the null on line 2
    "a second document after an empty value": "---",
    "too many indicators for the C stack": "a: [" + ", ".join(["[x]"] * 1_000) + "]\n",
}

#: Errors: parse_yaml must raise exactly what the reference raises (message, position, excerpt, hint).
ERRORS = {
    "unclosed flow sequence": "a: [1, 2\n",
    "mapping value in a plain scalar": "a: b: c\n",
    "tab indentation": "a:\n\t- b\n",
    "${} in a flow mapping": "args: {drinkId: ${drinkId}}\n",
    "Chinese colon": "name: x\nturns:\n  - user：点一杯拿铁\n    plan: []\n",
    "': ' in a reply": "reply: 时间: 10:30\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "undefined alias": "a: *nope\n",
    "value starting with @": "a: @x\n",
    "second document": "name: a\n---\nname: b\n",
    "second document after a comment": "a: 1\n# c\n--- \nb: 2\n",
    "duplicate key": "name: a\nturns: []\nname: b\n",
    "duplicate key in a flow mapping": "x: {a: 1, a: 2}\n",
    "python object tag": "name: x\nturns: !!python/object/apply:os.system ['echo pwned']\n",
    "python name tag": "value: !!python/name:os.system abc\n",
    "local tag": "value: !mine abc\n",
    "timestamp tag": "value: !!timestamp 2026-01-05\n",
    "tag on a key": "!!binary a: 1\n",
    "recursive alias": "a: &a [1, *a]\n",
    "recursive merge": "a: &a\n  b: 1\n  <<: *a\n",
    "merge of a scalar": "a: 1\nb:\n  <<: x\n",
    "merge key as a value": "a: <<\n",
    "bad bool": "a: !!bool yes\n",
    "bad null": "a: !!null nothing\n",
    "bad int": "a: !!int abc\n",
    "bad float": "a: !!float abc\n",
    "infinite float": "a: !!float .inf\n",
    "non-scalar key": "? [a, b]\n: c\n",
    "missing key": ": value\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "reserved character": "a: `x`\n",
    "control character": "a: \x07\n",
    "lone surrogate": "a: \ud800\n",
    "block scalar header": "a: |x\n  y\n",
}


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# -- identical results ------------------------------------------------------------------------------


@needs_libyaml
@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_scenario_files_compose_with_libyaml_identically(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = outcome(loader._parse_libyaml, text)
    assert fast is not None, "libyaml declined a scenario file: it would load at the pure-Python speed"
    assert fast[0] == "doc"
    assert fast == reference(text)
    assert outcome(public, text) == fast


@needs_libyaml
@pytest.mark.parametrize("text", list(TRICKY.values()), ids=list(TRICKY))
def test_tricky_documents_compose_with_libyaml_identically(text: str) -> None:
    fast = outcome(loader._parse_libyaml, text)
    assert fast is not None, "libyaml declined"
    assert fast == reference(text)


@needs_libyaml
@pytest.mark.parametrize("text", list(DECLINED.values()), ids=list(DECLINED))
def test_what_libyaml_reads_differently_goes_to_the_reference(text: str) -> None:
    assert loader._parse_libyaml(text, "t.scenario.yaml") is None
    assert outcome(public, text) == reference(text)


def test_embedded_test_yaml_loads_identically() -> None:
    texts = embedded_yaml()
    assert len(texts) > 200
    for text in texts:
        expected = reference(text)
        assert outcome(public, text) == expected, text
        if yaml.__with_libyaml__:
            fast = outcome(loader._parse_libyaml, text)
            assert fast is None or fast[0] != "doc" or fast == expected, text


def _mutate(rng: random.Random, text: str) -> str:
    pieces = [
        *" \t:-?#'\"[]{},&*!|>%@\n\r\\x0",
        "\ufeff",
        "\u2028",
        "，",
        "：",
        "😀",
        "点",
        "- ",
        ": ",
        "*a",
        "<<: ",
        "!!str ",
        "--- ",
        "\r\n",
        "|-",
        ">+",
    ]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text) + 1)
        cut = 0 if rng.random() < 0.6 else rng.randint(1, 3)
        text = text[:i] + (rng.choice(pieces) if not cut else "") + text[i + cut :]
    return text


@needs_libyaml
def test_mutated_documents_load_identically() -> None:
    """A small seeded fuzz: where libyaml composes a document, the reference must agree exactly."""
    rng = random.Random(20260105)
    seeds = [path.read_text(encoding="utf-8") for path in scenario_files()] + list(TRICKY.values())
    composed = 0
    for _ in range(600):
        lines = rng.choice(seeds).split("\n")
        start = rng.randrange(len(lines))
        text = _mutate(rng, "\n".join(lines[start : start + rng.randint(1, 12)]))
        fast = outcome(loader._parse_libyaml, text)
        if fast is not None and fast[0] == "doc":
            composed += 1
            assert fast == reference(text), repr(text)
    assert composed > 100


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", list(ERRORS.values()), ids=list(ERRORS))
def test_errors_are_the_reference_errors(text: str) -> None:
    expected = reference(text)
    assert expected is not None and expected[0] != "doc"
    assert outcome(public, text) == expected


def test_alias_bomb_error_is_the_reference_error() -> None:
    text = billion_laughs()
    expected = reference(text)
    assert expected is not None and "expands to more than 200,000 values" in expected[1]
    assert outcome(public, text) == expected


# -- libyaml specifics ------------------------------------------------------------------------------


@needs_libyaml
def test_libyaml_uses_the_yaml_1_2_resolvers() -> None:
    doc = loader._parse_libyaml("a: yes\nb: 010\nc: 2026-01-05\nd: .inf\ne: 0o17\nf: Null\ng: '1'\n", "t")
    assert doc is not None
    assert doc.data == {"a": "yes", "b": 10, "c": "2026-01-05", "d": ".inf", "e": 15, "f": None, "g": "1"}


@needs_libyaml
def test_libyaml_columns_count_characters() -> None:
    doc = loader._parse_libyaml("k: 点一杯拿铁，少糖 😀 x\nn: [你好, 再见]\n", "t")
    assert doc is not None
    assert doc.values[("k",)] == loader.Span(1, 4, 1, 16)
    assert doc.values[("n", 1)] == loader.Span(2, 9, 2, 11)


@needs_libyaml
def test_libyaml_loader_constructs_nothing() -> None:
    assert loader._LibyamlLoader is not None
    assert not hasattr(loader._LibyamlLoader, "construct_document")  # composition only: _Builder builds values
    with pytest.raises(ScenarioError, match=r"the tag !!python/object/apply:os\.system is not allowed"):
        loader._parse_libyaml("a: !!python/object/apply:os.system ['echo pwned']\n", "t")


@needs_libyaml
def test_alias_bomb_is_stopped_on_libyaml_nodes() -> None:
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="expands to more than 200,000 values"):
        loader._parse_libyaml(billion_laughs(), "t")  # 10**9 values if expanded
    assert time.perf_counter() - started < 10


@needs_libyaml
def test_deep_nesting_never_reaches_the_c_composer() -> None:
    # libyaml's composer recurses in C: 100,000 levels would crash the interpreter, not raise.
    assert loader._parse_libyaml("[" * 100_000 + "]" * 100_000 + "\n", "t") is None
    assert loader._parse_libyaml("- " * 100_000 + "x\n", "t") is None


@needs_libyaml
def test_parse_yaml_takes_the_libyaml_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "scenarios" / "latte-less-sugar.scenario.yaml").read_text(encoding="utf-8")
    expected = reference(text)

    def no_pure(text: str, file: str) -> YamlDoc:
        raise AssertionError("the pure-Python loader was used")

    monkeypatch.setattr(loader, "_parse_pure", no_pure)
    assert outcome(public, text) == expected


def test_without_libyaml_the_pure_loader_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_LibyamlLoader", None)
    for path in scenario_files():
        text = path.read_text(encoding="utf-8")
        assert outcome(public, text) == reference(text)
    assert outcome(public, ERRORS["duplicate key"]) == reference(ERRORS["duplicate key"])


@needs_libyaml
def test_an_unexpected_libyaml_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, file: str) -> YamlDoc:
        raise AttributeError("libyaml broke")

    monkeypatch.setattr(loader, "_parse_libyaml", broken)
    text = TRICKY["flow collections"]
    assert outcome(public, text) == reference(text)

"""Property-based tests: every loader and parser, fed generated and mutated files, lets only located wxreplay errors escape.

The mutated inputs start from the repository's own files (``scenarios/``, ``cassettes/``, the
example project and ``tests/skills/``) and apply a few random edits: cut, duplicate or swap a
piece, insert one of the texts that broke loaders before (a 5,000-digit number, 3,000 brackets, a
control character, ``@foo;``...), truncate. The generated inputs are arbitrary text.

Every target either succeeds or raises a :class:`~wxreplay.errors.LocatedError` naming the file
and a line (a column too where the input is text at a position); anything else is a failure that
hypothesis shrinks and prints. The budget is small for CI (``WXREPLAY_FUZZ_EXAMPLES``, default 25
examples per test); ``python bench/bench_fuzz.py --examples N`` runs the same tests longer.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxreplay.cards.wxml import check_card_rules, compile_template, parse_wxml
from wxreplay.cards.wxss import check_style_attribute, check_wxss, parse_style_attribute, parse_wxss
from wxreplay.cassette import Cassette, store
from wxreplay.errors import LocatedError, WxReplayError
from wxreplay.jsonfile import read_json
from wxreplay.project import Project
from wxreplay.scenario import extract, load_scenario, parse_device, parse_duration, parse_scenario, substitute
from wxreplay.source import excerpt, read_text

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "westore-cafe"
EXAMPLES = int(os.environ.get("WXREPLAY_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the machine is shared: a slow example is not a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    database=None,  # no .hypothesis/ directory in the worktree; failures print their input
)

# Texts that broke a loader at least once (issue 14), and the usual suspects around syntax.
NASTY = [
    "9" * 5000,
    "-" + "1" * 1200,
    "1e99999",
    "0." + "5" * 1500,
    "[" * 3000,
    "{" * 3000,
    "]" * 50,
    "{{" + "(" * 1500 + "a" + ")" * 1500 + "}}",
    "{{" + "a+" * 1500 + "a}}",
    "{{" + "!" * 1500 + "a}}",
    "<view>" * 500,
    "</view>",
    "@foo;",
    "@media " + "(" * 800 + ")" * 800 + "{}",
    "calc(" * 400,
    "- " * 400 + "a",
    "".join(" " * i + f"k{i}:\n" for i in range(150)),
    "&a [*a]",
    "*a",
    "<<: *b",
    "!!python/object:os.system",
    "!!binary",
    "${",
    "${x.y[0]}",
    "$${a}",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\t",
    "\r",
    "\r\n",
    "\\",
    '"',
    "'",
    "：",
    "中文",
    "😀",
    "---\n",
    "...\n",
    ": ",
    "#",
    "<!--",
    "/*",
    "null",
    "NaN",
    "Infinity",
    "true",
    ",",
]


def corpus(*patterns: str) -> list[tuple[str, str]]:
    """``(repo-relative path, text)`` of the repository's files matching ``patterns``, sorted."""
    out: dict[str, str] = {}
    for pattern in patterns:
        for path in sorted(REPO.glob(pattern)):
            if path.is_file() and "__snapshots__" not in path.parts:
                out[path.relative_to(REPO).as_posix()] = path.read_text(encoding="utf-8")
    assert out, f"no files match {patterns}"
    return sorted(out.items())


SCENARIOS = corpus("scenarios/*.scenario.yaml", "tests/**/*.scenario.yaml")
CASSETTES = corpus("cassettes/*.yaml")
JSON_FILES = corpus("examples/westore-cafe/**/*.json", "tests/skills/**/*.json")
WXML_FILES = corpus("examples/westore-cafe/**/*.wxml", "tests/skills/**/*.wxml")
WXSS_FILES = corpus("examples/westore-cafe/**/*.wxss", "tests/skills/**/*.wxss")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BIG_NUMBERS = ["9" * 5000, "1" * 400, "0" * 40, "1e999", "-1", "0.000001", "4294967296", "9007199254740993"]


@st.composite
def mutated(draw: st.DrawFn, files: list[tuple[str, str]]) -> str:
    """A real file with 1-4 random edits: cut, duplicate, swap lines, insert a nasty text or any text, truncate."""
    _, text = draw(st.sampled_from(files))
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        at = draw(st.integers(0, n))
        end = draw(st.integers(at, min(n, at + 200)))
        edit = draw(st.sampled_from(["cut", "dup", "nasty", "text", "swap", "truncate", "char", "number", "nest"]))
        if edit == "cut":
            text = text[:at] + text[end:]
        elif edit == "dup":
            text = text[:end] + text[at:end] + text[end:]
        elif edit == "nasty":
            text = text[:at] + draw(st.sampled_from(NASTY)) + text[at:]
        elif edit == "text":
            text = text[:at] + draw(st.text(max_size=20)) + text[end:]
        elif edit == "swap":
            lines = text.splitlines(keepends=True)
            if len(lines) > 1:
                i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
                text = "".join(lines)
        elif edit == "truncate":
            text = text[:at]
        elif edit == "number":  # a number where the file has one: durations, versions, ports, prices
            numbers = list(_NUMBER.finditer(text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                text = text[: m.start()] + draw(st.sampled_from(_BIG_NUMBERS)) + text[m.end() :]
        elif edit == "nest":  # the same piece wrapped in brackets, tags or {{ }} many times
            open_, close = draw(st.sampled_from([("[", "]"), ("{", "}"), ("(", ")"), ("<view>", "</view>"), ("{{", "}}")]))
            times = draw(st.sampled_from([2, 50, 150, 1500]))
            text = text[:at] + open_ * times + text[at:end] + close * times + text[end:]
        else:
            text = text[:at] + draw(st.characters(codec=None)) + text[at + 1 :]
    return text


def inputs(files: list[tuple[str, str]]) -> st.SearchStrategy[str]:
    """Mostly mutations of real files, sometimes arbitrary text or a nasty text on its own."""
    return st.one_of(mutated(files), st.text(max_size=300), st.sampled_from(NASTY))


def as_bytes(text: str) -> bytes:
    """The text as the file a user could save: UTF-8, lone surrogates written as is (not UTF-8)."""
    return text.encode("utf-8", errors="surrogatepass")


def only_located(target: Callable[[], Any]) -> None:
    """Run ``target``: it may succeed or raise a wxreplay error naming the file, a line and a column, nothing else."""
    try:
        target()
    except LocatedError as e:
        where = f"{type(e).__name__} without a place: {e}"
        assert e.file, where
        assert e.line is not None and e.line >= 1, where
        assert e.column is not None and e.column >= 1, where
        assert "Traceback" not in str(e)
        str(e).encode("utf-8")  # the message and its excerpt can be printed (no lone surrogate)


# -- scenarios --------------------------------------------------------------------------------------


@FUZZ
@given(text=inputs(SCENARIOS))
def test_scenario_text(text: str) -> None:
    only_located(lambda: parse_scenario(text, path="fuzz.scenario.yaml"))


@cache
def example_project() -> Project:
    return Project.load(EXAMPLE)


@FUZZ
@given(data=st.data())
def test_scenario_file_against_the_example_project(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "fuzz.scenario.yaml"
    path.write_bytes(as_bytes(data.draw(inputs(SCENARIOS))))
    only_located(lambda: load_scenario(path, project=example_project()))


@FUZZ
@given(text=st.one_of(st.text(max_size=200), mutated([("device", "platform: ios\nnetwork: wifi\nlocation: {lat: 1, lng: 2}\n")])))
def test_device_option(text: str) -> None:
    only_located(lambda: parse_device(text))


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=30),
        st.tuples(st.integers(1, 2000), st.sampled_from(["", "ms", "s", "m", "h", ".5s"])).map(lambda t: "1" * t[0] + t[1]),
    )
)
def test_duration(text: str) -> None:
    # parse_duration's contract: a number of milliseconds or ValueError, which the scenario reader locates.
    with contextlib.suppress(ValueError):
        parse_duration(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(value=JSON_VALUES, variables=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=3), path=st.text(max_size=40))
def test_templating(value: Any, variables: dict[str, Any], path: str) -> None:
    # Placeholders are checked (and located) when a scenario is read; at run time the functions
    # raise ScenarioError only, which the planner locates at the step.
    template = {"a": "${" + path + "}", "b": [path, "x${" + path + "}y"], "c": value}
    for call in (lambda: substitute(template, variables), lambda: extract({"structuredContent": value}, path)):
        with contextlib.suppress(WxReplayError):
            call()


# -- cassettes --------------------------------------------------------------------------------------


@FUZZ
@given(text=inputs(CASSETTES))
def test_cassette_text(text: str) -> None:
    only_located(lambda: store.parse(text, "fuzz.yaml"))


@FUZZ
@given(data=st.data())
def test_cassette_file(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(as_bytes(data.draw(inputs(CASSETTES))))
    only_located(lambda: Cassette.open(path))


# -- project files: app.json, mcp.json, page-meta.json -----------------------------------------------


@FUZZ
@given(data=st.data())
def test_json_file(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(as_bytes(data.draw(inputs(JSON_FILES))))
    only_located(lambda: read_json(path))


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "westore-cafe"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    return root


@FUZZ
@given(file=st.sampled_from(["app.json", "page-meta.json", "skills/coffee/mcp.json"]), data=st.data())
def test_project_files(project_copy: Path, file: str, data: st.DataObject) -> None:
    target = project_copy / file
    original = (EXAMPLE / file).read_text(encoding="utf-8")
    target.write_bytes(as_bytes(data.draw(st.one_of(mutated([(file, original)]), st.text(max_size=200)))))
    try:
        only_located(lambda: Project.load(project_copy))
    finally:
        target.write_text(original, encoding="utf-8")


# -- cards: WXML and WXSS ------------------------------------------------------------------------------


@FUZZ
@given(text=inputs(WXML_FILES))
def test_wxml(text: str) -> None:
    only_located(lambda: compile_template({"c/index.wxml": text}, "c/index.wxml"))
    try:
        doc = parse_wxml("c/index.wxml", text)
    except LocatedError:
        return
    for found in check_card_rules(doc, warnings=True):
        assert found.file and found.line is not None and found.column is not None, found


@FUZZ
@given(text=inputs(WXSS_FILES))
def test_wxss(text: str) -> None:
    for found in check_wxss(text, "c/index.wxss"):
        assert found.file and found.line is not None and found.column is not None, found
    only_located(lambda: parse_wxss(text, "c/index.wxss"))


@FUZZ
@given(style=st.one_of(st.text(max_size=100), mutated([("style", "color: red; width: calc(100% - 20rpx); margin: 0 auto")])))
def test_style_attribute(style: str) -> None:
    for found in check_style_attribute(style, "c/index.wxml", line=3, column=10):
        assert found.line is not None and found.line >= 3 and found.column is not None, found
    parse_style_attribute(style)


# -- reading files ---------------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(as_bytes))
def test_read_text_and_excerpt(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.txt"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except LocatedError as e:
        assert e.file and e.line is not None and e.column is not None
        return
    for line in range(1, text.count("\n") + 3):
        excerpt(text, line, 1)

"""wxreplay.source: reading user files, the line/column index, the one excerpt format and did_you_mean."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from wxreplay import source
from wxreplay.errors import CassetteError, LocatedError, ProjectError, ScenarioError
from wxreplay.source import (
    NEWLINE,
    LineIndex,
    did_you_mean,
    display_path,
    display_width,
    excerpt,
    numbered_lines,
    read_text,
)

# -- read_text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a: 1\n", "a: 1\n"),
        ("\ufeffname: 拿铁\n".encode(), "name: 拿铁\n"),  # the BOM is dropped
        (b"", ""),
    ],
)
def test_read_text_reads_utf8(tmp_path: Path, data: bytes, text: str) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert read_text(path) == text


@pytest.mark.parametrize("error", [LocatedError, ProjectError, ScenarioError, CassetteError])
def test_read_text_raises_the_loaders_error_class_with_its_label(tmp_path: Path, error: type[LocatedError]) -> None:
    with pytest.raises(error) as info:
        read_text(tmp_path / "nope.json", label="cafe/nope.json", error=error, missing_hint="create it")
    e = info.value
    assert type(e) is error
    assert (e.file, e.line, e.reason, e.hint) == ("cafe/nope.json", None, "no such file", "create it")
    assert str(e) == "cafe/nope.json: no such file\n  fix: create it"


def test_read_text_default_label_is_the_display_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(LocatedError) as info:
        read_text(path)
    assert info.value.file == display_path(path)
    assert info.value.hint == "check the path"


def test_read_text_directory(tmp_path: Path) -> None:
    with pytest.raises(LocatedError, match="expected a file, found a directory") as info:
        read_text(tmp_path, label="d")
    assert info.value.hint is not None


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        (b"name: x\nuser: " + "点一杯".encode("gbk") + b"\n", 2, 7, "0xb5"),
        (b"\xff", 1, 1, "0xff"),
        ("拿铁".encode() + b"\xe6", 1, 3, "0xe6"),  # a cut multi-byte character at the end
    ],
)
def test_read_text_not_utf8_is_located_with_an_excerpt(tmp_path: Path, data: bytes, line: int, column: int, byte: str) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError) as info:
        read_text(path, label="gbk.yaml", error=ScenarioError)
    e = info.value
    assert (e.file, e.line, e.column) == ("gbk.yaml", line, column)
    assert e.reason == f"the file is not valid UTF-8 (byte {byte} at line {line}, column {column})"
    assert e.excerpt is not None and f"  > {line} | " in e.excerpt and e.excerpt.endswith("^")
    assert e.hint is not None and "UTF-8" in e.hint and "GBK" in e.hint


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", 3, 1),  # CRLF and LF end lines; \x1a does not
        ("{}".encode("utf-16-le"), 1, 2),  # text saved as UTF-16: every other byte is NUL
    ],
)
def test_read_text_binary_file(tmp_path: Path, data: bytes, line: int, column: int) -> None:
    path = tmp_path / "app.json"
    path.write_bytes(data)
    with pytest.raises(ProjectError) as info:
        read_text(path, label="app.json", error=ProjectError)
    e = info.value
    assert (e.line, e.column) == (line, column)
    assert str(e).startswith(f"app.json:{line}:{column}: this is a binary file, not text (a NUL byte at line {line}")
    assert e.hint is not None and "UTF-16" in e.hint


def test_read_text_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(source, "_regular_file_bytes", denied)
    with pytest.raises(CassetteError) as info:
        read_text(tmp_path / "c.yaml", label="c.yaml", error=CassetteError)
    assert str(info.value).startswith("c.yaml: cannot read the file: Permission denied")


@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_read_text_refuses_what_is_not_a_regular_file_without_waiting(tmp_path: Path, kind: str) -> None:
    """A named pipe would block the open until a writer came; a device may never end: both are errors, at once."""
    if kind == "named pipe":
        path = tmp_path / "p.yaml"
        os.mkfifo(path)
    else:
        path = Path(os.devnull)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_text(path, label="p.yaml", error=ScenarioError)
        except BaseException as e:
            outcome.append(e)

    reader = threading.Thread(target=read, daemon=True)  # a blocked open stays in its thread: the test fails, never hangs
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "read_text is blocked opening it"
    (err,) = outcome
    assert isinstance(err, ScenarioError) and str(err).startswith("p.yaml: not a regular file")
    assert err.hint and "regular files only" in err.hint


# -- LineIndex ---------------------------------------------------------------------------------------

TEXT = "ab\n拿铁\r\n\nxyz"


@pytest.mark.parametrize(
    ("offset", "position"),
    [(0, (1, 1)), (2, (1, 3)), (3, (2, 1)), (4, (2, 2)), (7, (3, 1)), (8, (4, 1)), (11, (4, 4)), (99, (4, 4)), (-5, (1, 1))],
)
def test_line_index_position(offset: int, position: tuple[int, int]) -> None:
    assert LineIndex(TEXT).position(offset) == position


@pytest.mark.parametrize(("line", "column", "offset"), [(1, 1, 0), (2, 2, 4), (4, 3, 10), (9, 1, 8), (0, 0, 0), (4, 99, 11)])
def test_line_index_offset(line: int, column: int, offset: int) -> None:
    assert LineIndex(TEXT).offset(line, column) == offset


@pytest.mark.parametrize(("line", "text"), [(1, "ab"), (2, "拿铁"), (3, ""), (4, "xyz"), (5, ""), (0, "")])
def test_line_index_line_text(line: int, text: str) -> None:
    assert LineIndex(TEXT).line_text(line) == text


@pytest.mark.parametrize(
    ("text", "universal", "newline"),
    [
        ("a\rb", (2, 1), (1, 3)),  # a lone CR ends a line for YAML and editors, not for json
        ("a\u2028b", (2, 1), (1, 3)),
        ("a\r\nb", (2, 1), (2, 1)),
    ],
)
def test_line_breaks_universal_or_newline_only(text: str, universal: tuple[int, int], newline: tuple[int, int]) -> None:
    assert LineIndex(text).position(len(text) - 1) == universal
    assert LineIndex(text, breaks=NEWLINE).position(len(text) - 1) == newline


def test_newline_index_hides_the_cr_of_crlf() -> None:
    assert LineIndex("a\r\nb", breaks=NEWLINE).line_text(1) == "a"


@pytest.mark.parametrize(("text", "last"), [("", 1), ("a", 1), ("a\n", 2), ("a\nb", 2)])
def test_last_line(text: str, last: int) -> None:
    assert LineIndex(text).last_line == last


# -- excerpt -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        pytest.param("a\nb\nc\nd\n", 3, 1, ["    1 | a", "    2 | b", "  > 3 | c", "      | ^"], id="two-lines-before"),
        pytest.param("a\nb\n", 1, 2, ["  > 1 | a", "      |  ^"], id="first-line"),
        pytest.param("a\nb\n", 2, None, ["    1 | a", "  > 2 | b"], id="no-column-no-caret"),
        pytest.param("a: 1\n", 2, 1, ["    1 | a: 1", "  > 2 |", "      | ^"], id="after-the-last-line-break"),
        pytest.param("a\n", 7, 1, ["    1 | a", "  > 2 |", "      | ^"], id="past-the-end-clamps"),
        pytest.param("", 1, 1, ["  > 1 |", "      | ^"], id="empty-text"),
        pytest.param("\tk: v", 1, 2, ["  > 1 |  k: v", "      |  ^"], id="tab-as-one-space"),
        pytest.param("名字: 咖啡", 1, 5, ["  > 1 | 名字: 咖啡", "      | " + " " * 6 + "^"], id="wide-characters"),
        pytest.param(
            "\n".join(str(n) for n in range(1, 12)),
            10,
            2,
            ["     8 | 8", "     9 | 9", "  > 10 | 10", "       |  ^"],
            id="gutter-width-of-the-marked-line",
        ),
    ],
)
def test_excerpt(text: str, line: int, column: int | None, expected: list[str]) -> None:
    assert excerpt(text, line, column).splitlines() == expected


def test_excerpt_before_and_line_index_input() -> None:
    index = LineIndex("a\nb\nc", breaks=NEWLINE)
    assert excerpt(index, 3, 1, before=0) == "  > 3 | c\n      | ^"


def test_excerpt_cuts_a_long_context_line() -> None:
    text = "k: " + "x" * 300 + "\nv: 1"
    context, marked, _ = excerpt(text, 2, 1).splitlines()
    assert context.endswith("…") and len(context) < 160 and marked == "  > 2 | v: 1"


@pytest.mark.parametrize(("text", "width"), [("abc", 3), ("拿铁", 4), ("a，b", 4), ("", 0)])
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_numbered_lines_drop_trailing_blanks_and_cut() -> None:
    text = "a\nb\nc\n\n\nd\n"
    assert numbered_lines(text, 2, 5) == "  2 | b\n  3 | c"
    assert numbered_lines(text, 1, 6, limit=2) == "  1 | a\n  2 | b\n  … | (4 more lines)"


# -- located errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [LocatedError, ProjectError, ScenarioError, CassetteError])
def test_located_error_shows_where_excerpt_and_fix(error: type[LocatedError]) -> None:
    e = error("bad value", file="f.yaml", line=2, column=3, hint="fix it", excerpt="  > 2 | x: y\n      |   ^")
    assert str(e) == "f.yaml:2:3: bad value\n  > 2 | x: y\n      |   ^\n  fix: fix it"
    assert (e.reason, e.excerpt, e.message) == ("bad value", "  > 2 | x: y\n      |   ^", "bad value\n  > 2 | x: y\n      |   ^")


# -- did_you_mean ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "valid", "cutoff", "expected"),
    [
        ("serchDrinks", ["searchDrinks", "createOrder"], 0.6, "searchDrinks"),
        ("CREATE_ORDER", ["createOrder", "searchDrinks"], 0.6, "createOrder"),  # case and '_' folded
        ("search", ["searchDrinks", "createOrder"], 0.6, "searchDrinks"),  # the only name it starts
        ("se", ["searchDrinks"], 0.6, None),  # too short to be a prefix
        ("zzz", ["searchDrinks"], 0.6, None),
        ("colr", ["color", "opacity"], 0.8, "color"),
        ("flex-flowx", ["flex-grow", "flex-shrink"], 0.8, None),
        ("x", [], 0.6, None),
    ],
)
def test_did_you_mean(word: str, valid: list[str], cutoff: float, expected: str | None) -> None:
    assert did_you_mean(word, valid, cutoff=cutoff) == expected

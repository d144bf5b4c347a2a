"""wxreplay.term (when to colour, display widths, tables) and the verdict lines of ``wxreplay run``.

The same rules seen from a real terminal and real pipes: tests/e2e/test_cli_terminal.py.
"""

from __future__ import annotations

import io

import pytest

from wxreplay.cli_progress import RunPrinter
from wxreplay.term import Style, display_width, pad, table, wants_colour


class Screen(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("terminal", "choice", "env", "coloured"),
    [
        (True, "auto", {}, True),
        (False, "auto", {}, False),
        (True, "auto", {"NO_COLOR": "1"}, False),
        (True, "auto", {"NO_COLOR": ""}, True),  # no-color.org: set and not empty
        (True, "auto", {"TERM": "dumb"}, False),
        (False, "auto", {"FORCE_COLOR": "1"}, True),
        (False, "auto", {"FORCE_COLOR": "0"}, False),
        (False, "auto", {"FORCE_COLOR": ""}, False),
        (True, "auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins over the environment
        (False, "always", {"NO_COLOR": "1"}, True),  # ... but not over the command line
        (True, "never", {"FORCE_COLOR": "1"}, False),
    ],
)
def test_when_output_is_coloured(terminal: bool, choice: str, env: dict[str, str], coloured: bool) -> None:
    stream = Screen() if terminal else io.StringIO()
    assert wants_colour(stream, choice, {"TERM": "xterm", **env}) is coloured


def test_a_closed_stream_is_no_terminal() -> None:
    stream = io.StringIO()
    stream.close()  # isatty() now raises ValueError
    assert wants_colour(stream, "auto", {}) is False


def test_style_paints_only_when_enabled() -> None:
    assert Style(True).red("FAIL") == "\x1b[31mFAIL\x1b[0m"
    assert Style(True).paint("x", "bold", "green") == "\x1b[1;32mx\x1b[0m"
    assert Style(True).red("") == ""
    assert Style(False).red("FAIL") == "FAIL"


def test_widths_count_wide_characters_twice() -> None:
    assert display_width("拿铁 latte") == 10
    assert display_width("ｆｕｌｌ") == 8  # full-width Latin
    assert display_width("e\u0301") == 1  # a combining accent takes no column
    assert pad("拿铁", 6) == "拿铁  "


def test_a_table_lines_up_mixed_scripts() -> None:
    text = table(["名称", "price"], [["拿铁", "¥28"], ["latte", "¥30"]], indent="  ")
    assert text.splitlines() == ["  名称   price", "  拿铁   ¥28", "  latte  ¥30"]
    bold = table(["a", "b"], [["1", "2"]], style=Style(True))
    assert bold.splitlines()[0] == "\x1b[1ma\x1b[0m  \x1b[1mb\x1b[0m"


# ---- the verdict lines ---------------------------------------------------------------------------------


def test_a_pipe_gets_plain_verdicts_without_a_counter() -> None:
    out = io.StringIO()
    printer = RunPrinter(3, stream=out)
    for stem in ("a", "b"):
        printer.start(stem)
        printer.verdict("PASS", stem, "(1 ms)")
    printer.start("c")
    printer.verdict("FAIL", "c", "(2 ms)")
    printer.summary(2, 1, [])
    assert out.getvalue() == "PASS a (1 ms)\nPASS b (1 ms)\nFAIL c (2 ms)\n2 passed, 1 failed\n"


def test_verbose_adds_the_counter_in_a_pipe() -> None:
    out = io.StringIO()
    printer = RunPrinter(12, verbose=True, stream=out)
    printer.start("a")
    printer.verdict("PASS", "a", "(1 ms)")
    assert out.getvalue() == "PASS a (1 ms) [ 1/12]\n"


def test_one_scenario_gets_no_counter_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = Screen()
    printer = RunPrinter(1, stream=screen)
    printer.start("a")
    printer.verdict("PASS", "a", "(1 ms)")
    assert screen.getvalue() == "\x1b[32mPASS\x1b[0m a (1 ms)\n"


def test_a_terminal_sees_the_running_line_replaced_by_the_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    screen = Screen()
    printer = RunPrinter(2, stream=screen)
    printer.start("a")
    assert screen.getvalue() == "\r\x1b[K[1/2] a …"
    printer.clear()  # before a warning on stderr
    printer.clear()  # idempotent
    printer.verdict("PASS", "a", "(1 ms)")
    assert screen.getvalue() == "\r\x1b[K[1/2] a …\r\x1b[KPASS a (1 ms) [1/2]\n"


def test_quiet_prints_failures_and_the_summary_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    screen = Screen()
    printer = RunPrinter(5, quiet=True, stream=screen)
    for word in ("PASS", "SKIP", "XFAIL", "XPASS", "FAIL", "ERROR"):
        printer.start(word.lower())
        printer.verdict(word, word.lower())
    printer.summary(2, 1, ["1 skipped", "1 xfailed", "1 errors"])
    assert screen.getvalue() == "FAIL fail\nERROR error\n2 passed, 1 failed, 1 skipped, 1 xfailed, 1 errors\n"


def test_the_summary_is_green_only_when_nothing_failed() -> None:
    out = io.StringIO()
    RunPrinter(2, color="always", stream=out).summary(2, 0, [])
    RunPrinter(2, color="always", stream=out).summary(1, 1, [])
    RunPrinter(2, color="always", stream=out).summary(1, 0, ["1 errors"])
    assert out.getvalue().splitlines() == [
        "\x1b[32m2 passed\x1b[0m, 0 failed",
        "1 passed, \x1b[31m1 failed\x1b[0m",
        "1 passed, 0 failed, 1 errors",
    ]

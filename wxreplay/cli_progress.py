"""The verdict lines of ``wxreplay run``: one per scenario, a counter on long runs, colours on a terminal, ``-q``.

What a pipe gets stays what tests and CI parse: ``PASS <stem> (41 ms)`` per scenario and the
``N passed, M failed`` summary, no colour and no counter. A person at a terminal also gets

* colours (``PASS`` green, ``FAIL`` / ``ERROR`` red, ``SKIP`` / ``XFAIL`` yellow; see
  :mod:`wxreplay.term` for ``NO_COLOR``, ``FORCE_COLOR`` and ``--color``);
* the counter ``[n/N]`` after each verdict when the run has several scenario files, and a line
  ``[n/N] <stem> …`` while a scenario runs, which its verdict then overwrites (not with
  ``TERM=dumb``, which cannot erase a line); ``-v`` shows the counter in a pipe too, after the
  verdict, where a ``startswith("PASS")`` still holds.

``-q`` prints only what failed (``FAIL`` / ``ERROR`` with their reports) and the summary.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from wxreplay.term import Style, is_terminal

__all__ = ["RunPrinter"]

# The verdict words and their colours.
_COLOURS = {"PASS": "green", "XPASS": "yellow", "FAIL": "red", "ERROR": "red", "SKIP": "yellow", "XFAIL": "yellow"}
_FAILED = frozenset({"FAIL", "ERROR"})
_CLEAR = "\r\033[K"  # back to the start of the line and erase it: the running line goes away


class RunPrinter:
    """Prints the verdict of each of ``total`` scenario files as ``wxreplay run`` goes."""

    def __init__(
        self, total: int, *, verbose: bool = False, quiet: bool = False, color: str = "auto", stream: TextIO | None = None
    ) -> None:
        self.stream = stream or sys.stdout
        self.total = total
        self.quiet = quiet
        self.style = Style.for_stream(self.stream, color)
        terminal = is_terminal(self.stream)
        # a line that is rewritten needs a terminal that can erase one (TERM=dumb cannot)
        self.live = terminal and not quiet and os.environ.get("TERM") != "dumb"
        self.counting = total > 1 and (terminal or verbose) and not quiet
        self.done = 0
        self._running = False  # the "[n/N] stem …" line is on screen

    def start(self, stem: str) -> None:
        """A scenario file starts (the counter moves on, whether it runs or is deselected)."""
        self.done += 1
        if self.live and self.counting:
            self.stream.write(f"{_CLEAR}{self.style.dim(f'{self._counter()} {stem} …')}")
            self.stream.flush()
            self._running = True

    def clear(self) -> None:
        """Take the running line off the screen (before anything else is printed, on stderr too)."""
        if self._running:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self._running = False

    def verdict(self, word: str, stem: str, detail: str = "") -> None:
        """``WORD stem detail`` (``detail`` e.g. ``(41 ms)``), with the counter; only failures with ``-q``."""
        self.clear()
        if self.quiet and word not in _FAILED:
            return
        line = f"{self.style.paint(word, _COLOURS.get(word, 'bold'))} {stem}" + (f" {detail}" if detail else "")
        if self.counting:
            line += " " + self.style.dim(self._counter())
        print(line, file=self.stream, flush=True)

    def summary(self, passed: int, failed: int, extra: list[str]) -> None:
        """``N passed, M failed[, ...]``: green when nothing failed, the failures red."""
        self.clear()
        ok = failed == 0 and not any(e.endswith("errors") for e in extra)
        head = self.style.green(f"{passed} passed") if ok and passed else f"{passed} passed"
        fails = self.style.red(f"{failed} failed") if failed else f"{failed} failed"
        print(", ".join([head, fails, *extra]), file=self.stream, flush=True)

    def _counter(self) -> str:
        width = len(str(self.total))
        return f"[{self.done:>{width}}/{self.total}]"

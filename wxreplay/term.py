"""What the command line does differently for a person at a terminal than for a pipe.

One place decides when output is coloured (``wxreplay run``, ``lint`` and the rest ask here), how
wide text is on screen (CJK characters take two columns, so tables line up), and how a command
ends when the reader of its output goes away (``wxreplay run | head -1``): quietly, as ``grep``
does, never with a Python traceback.

Colour rules, in order (``--color`` of the commands that take it, else ``auto``):

1. ``--color always`` / ``never`` decide (a per-command choice wins over the environment, as
   https://no-color.org asks);
2. ``NO_COLOR`` set to anything but the empty string: no colour;
3. ``FORCE_COLOR`` set to anything but the empty string or ``0``: colour, even into a pipe (what
   CI logs that render ANSI codes, and tests, use);
4. otherwise colour only when the stream is a terminal and ``TERM`` is not ``dumb``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO

__all__ = [
    "EXIT_BROKEN_PIPE",
    "Style",
    "add_color_option",
    "display_width",
    "is_terminal",
    "pad",
    "quiet_broken_pipe",
    "table",
    "wants_colour",
]

# SGR codes of the few styles the commands use.
_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
_RESET = "\033[0m"

#: The exit status after the output pipe closed: what a program killed by SIGPIPE reports in a shell.
EXIT_BROKEN_PIPE = 141


def add_color_option(parser: argparse.ArgumentParser) -> None:
    """``--color auto|always|never`` (``auto``: on a terminal, see the module's rules)."""
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colours: auto (on a terminal, never with NO_COLOR; FORCE_COLOR forces them), always, never",
    )


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a closed or detached stream is none)."""
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False


def wants_colour(stream: TextIO, choice: str = "auto", environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``stream`` (``choice`` is the ``--color`` value)."""
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return is_terminal(stream) and env.get("TERM") != "dumb"


class Style:
    """Paints text with ANSI codes when ``enabled``, else returns it unchanged."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: TextIO, choice: str = "auto") -> Style:
        """The style for output to ``stream`` under ``--color choice``."""
        return cls(wants_colour(stream, choice))

    def paint(self, text: str, *styles: str) -> str:
        """``text`` in ``styles`` (``"bold"``, ``"red"`` ...)."""
        if not self.enabled or not styles or not text:
            return text
        return "\033[" + ";".join(_CODES[s] for s in styles) + "m" + text + _RESET

    def bold(self, text: str) -> str:
        return self.paint(text, "bold")

    def dim(self, text: str) -> str:
        return self.paint(text, "dim")

    def red(self, text: str) -> str:
        return self.paint(text, "red")

    def green(self, text: str) -> str:
        return self.paint(text, "green")

    def yellow(self, text: str) -> str:
        return self.paint(text, "yellow")

    def cyan(self, text: str) -> str:
        return self.paint(text, "cyan")


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters (CJK) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 0 if unicodedata.combining(ch) else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(0, width - display_width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "", style: Style | None = None) -> str:
    """A plain-text table: columns aligned by display width, two spaces apart, headers bold when styled."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    paint = style.bold if style is not None else (lambda s: s)
    lines = [indent + "  ".join(paint(pad(h, w)) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [indent + "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def quiet_broken_pipe(command: Callable[[], int]) -> int:
    """Run ``command`` (returning an exit status) so that a reader closing the pipe ends it quietly.

    When the pipe closes, the command stops where it wrote, nothing more is printed, and the status is
    :data:`EXIT_BROKEN_PIPE`. The standard streams are pointed at ``/dev/null`` then, so that Python's
    flush at exit finds nothing to complain about either.
    """
    try:
        code = command()
        for stream in (sys.stdout, sys.stderr):  # what is still buffered goes now, inside the guard
            stream.flush()
        return code
    except BrokenPipeError:
        _to_devnull()
        return EXIT_BROKEN_PIPE


def _to_devnull() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.__stdout__, sys.__stderr__):
        if stream is None:
            continue
        with contextlib.suppress(OSError, ValueError):  # a stream without a file descriptor: nothing to point
            os.dup2(devnull, stream.fileno())
    os.close(devnull)

"""Located source: the one place that turns "what did the user mean, and where" into text.

Loaders of every file format (JSON, YAML scenarios, cassettes, WXML, WXSS) and every lookup by
name (APIs, skills, cards, keys, variables, CSS properties) share these helpers, so a message
reads the same whichever file or name it is about:

- :func:`read_text` reads a file the user wrote, or raises a located error that names the file and
  the fix (missing, a directory, unreadable, binary, not UTF-8);
- :class:`LineIndex` maps character offsets to 1-based lines and columns and back;
- :func:`excerpt` shows where: numbered lines, the marked one with ``>``, a caret under the column;
- :func:`did_you_mean` names the valid word the user probably meant;
- :data:`MAX_NESTING` and :data:`MAX_NUMBER_DIGITS` are the limits every loader and parser applies,
  and :func:`nesting_overflow` finds where a bracketed text nests deeper than allowed.
"""

from __future__ import annotations

import bisect
import difflib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from wxreplay.errors import LocatedError

__all__ = [
    "MAX_NESTING",
    "MAX_NUMBER_DIGITS",
    "NEWLINE",
    "UNIVERSAL",
    "LineIndex",
    "did_you_mean",
    "display_path",
    "display_width",
    "excerpt",
    "exists",
    "is_dir",
    "is_file",
    "nesting_overflow",
    "numbered_lines",
    "read_text",
]

#: Line breaks as ``str.splitlines`` (and PyYAML, for every text YAML accepts) count them.
UNIVERSAL = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: Line breaks as ``json`` and the WXML parser count them: ``\n`` only (a ``\r`` before it stays
#: at the end of the line's text, and is not shown).
NEWLINE = re.compile("\n")

#: Excerpts show this many lines before the marked one, for context.
_EXCERPT_BEFORE = 2
#: A long line is cut to this many characters on each side of the column, so a minified one-line
#: file does not flood the terminal.
_EXCERPT_HALF_WIDTH = 70

#: How deep any file may nest: YAML and JSON collections, WXML elements, ``{{ }}`` expressions and
#: WXSS blocks. Real files nest under 20 levels; the parsers recurse per level, and an unbounded
#: depth ("[[[[..." in a fuzzed file) would end in a RecursionError (or a C stack overflow in
#: libyaml) instead of a located error.
MAX_NESTING = 100
#: How many characters a number may be written with. Python refuses to convert integers of more
#: than 4,300 digits (and converting them is quadratic); JavaScript keeps 17 significant digits.
MAX_NUMBER_DIGITS = 1000

_SURROGATE = re.compile("[\ud800-\udfff]")

_UTF8_HINT = "save the file as UTF-8; Chinese text saved as GBK is the usual cause (in VS Code: 'Save with Encoding')"
_BINARY_HINT = "this path must name a UTF-8 text file; if it is text saved as UTF-16, save it as UTF-8"


# -- where: files and positions ------------------------------------------------------------------


def display_path(path: Path, root: Path | None = None, *, cwd: Path | None = None) -> str:
    """Return how ``path`` is shown in messages: never absolute when it can be avoided.

    - When ``root`` is the current directory or lies inside it, the path is shown relative to the
      current directory (``examples/westore-cafe/skills/coffee/mcp.json``) so terminals and editors
      can open it directly.
    - When ``root`` lies outside the current directory, the path is shown relative to the root and
      prefixed with the root's name (``westore-cafe/skills/coffee/mcp.json``).
    - Without a root, or for a path outside the root, the path is shown relative to the current
      directory when possible and absolute as a last resort.

    ``cwd``: the current directory, when the caller has it already (a linter labelling a thousand
    files asks the system once, not per file).
    """
    abs_path = Path(os.path.abspath(path))
    cwd = cwd if cwd is not None else Path.cwd()
    if root is not None:
        abs_root = Path(os.path.abspath(root))
        if abs_path.is_relative_to(abs_root):
            if abs_root.is_relative_to(cwd):
                return abs_path.relative_to(cwd).as_posix() or "."
            rel = abs_path.relative_to(abs_root).as_posix()
            name = abs_root.name or abs_root.as_posix()
            return name if rel == "." else f"{name}/{rel}"
    if abs_path.is_relative_to(cwd):
        return abs_path.relative_to(cwd).as_posix() or "."
    return abs_path.as_posix()


class LineIndex:
    """1-based lines and columns over one text; columns count characters (not bytes, not cells).

    ``breaks`` says what ends a line: :data:`UNIVERSAL` (the default; what YAML and editors count)
    or :data:`NEWLINE` (what ``json`` counts, so positions agree with its error messages).
    """

    def __init__(self, text: str, *, breaks: re.Pattern[str] = UNIVERSAL) -> None:
        self.text = text
        self._breaks = breaks
        self._starts = [0]
        self._ends: list[int] = []
        for m in breaks.finditer(text):
            self._ends.append(m.start())
            self._starts.append(m.end())
        self._ends.append(len(text))

    @property
    def last_line(self) -> int:
        """The last line a position can be on (after a final line break, the empty line that follows)."""
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, column)`` of character ``offset`` (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of 1-based ``line`` and ``column`` (clamped to the text)."""
        line = min(max(line, 1), self.last_line)
        start = self._starts[line - 1]
        return min(start + max(column, 1) - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break (``""`` past the end)."""
        if not 0 < line <= self.last_line:
            return ""
        src = self.text[self._starts[line - 1] : self._ends[line - 1]]
        return src.removesuffix("\r") if self._breaks is NEWLINE else src


def nesting_overflow(
    text: str,
    *,
    limit: int = MAX_NESTING,
    opens: str = "[{",
    closes: str = "]}",
    quotes: str = '"',
    comments: bool = False,
) -> int | None:
    """Offset of the first opening bracket that nests ``text`` deeper than ``limit``, or None.

    Brackets inside strings (delimited by ``quotes``, with backslash escapes) and, with
    ``comments``, inside ``/* */`` comments do not count. Unbalanced text is counted as it comes
    (a stray closer lowers the depth no further than 0): the parser reports it on its own.
    """
    if sum(map(text.count, opens)) <= limit:
        return None  # the common case: too few brackets to nest that deep
    pattern = "[" + re.escape(opens + closes + quotes + "\\") + "]" + ("|/\\*" if comments else "")
    depth = 0
    quote: str | None = None
    pos = 0
    token = re.compile(pattern)
    while True:
        m = token.search(text, pos)
        if m is None:
            return None
        ch, pos = m.group(), m.end()
        if ch == "\\":
            pos += 1  # an escaped character never opens, closes or ends anything
        elif quote is not None:
            if ch == quote:
                quote = None
        elif ch == "/*":
            end = text.find("*/", pos)
            if end < 0:
                return None
            pos = end + 2
        elif ch in quotes:
            quote = ch
        elif ch in opens:
            depth += 1
            if depth > limit:
                return m.start()
        elif ch in closes:
            depth = max(depth - 1, 0)


def _stat_mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):  # missing, a name too long for the file system, a NUL byte in it
        return None


def exists(path: Path) -> bool:
    """Whether ``path`` (which a user wrote: any text) names something; never raises."""
    return _stat_mode(path) is not None


def is_file(path: Path) -> bool:
    """Whether ``path`` (which a user wrote) is a regular file; False for a name the system refuses."""
    mode = _stat_mode(path)
    return mode is not None and stat.S_ISREG(mode)


def is_dir(path: Path) -> bool:
    """Whether ``path`` (which a user wrote) is a directory; False for a name the system refuses."""
    mode = _stat_mode(path)
    return mode is not None and stat.S_ISDIR(mode)


# -- reading ---------------------------------------------------------------------------------------


def read_text(
    path: Path,
    *,
    label: str | Callable[[], str] | None = None,
    error: type[LocatedError] = LocatedError,
    missing_hint: str | None = None,
) -> str:
    """The text of the UTF-8 file ``path`` (a leading BOM is dropped).

    Anything else raises ``error`` (the loader's own :class:`LocatedError` subclass) naming the file
    as ``label`` (default: :func:`display_path`; a function giving it is called only then) and the
    fix: a missing file, a directory, a named pipe, socket or device, an unreadable file, a binary
    file (it holds a NUL byte) and bytes that are not UTF-8 (at their line and column, with the excerpt).
    """
    try:
        data = _regular_file_bytes(path)
    except _NotRegular:
        raise error(
            "not a regular file (a named pipe, socket or device): it has no text to read",
            file=_label(path, label),
            hint="remove it; a skill package and a suite hold regular files only",
        ) from None
    except FileNotFoundError:
        raise error("no such file", file=_label(path, label), hint=missing_hint or "check the path") from None
    except IsADirectoryError:
        raise error("expected a file, found a directory", file=_label(path, label), hint="give the path of a file") from None
    except OSError as e:
        raise error(
            f"cannot read the file: {e.strerror}", file=_label(path, label), hint="check the file's permissions"
        ) from None
    try:
        if b"\0" not in data:
            return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    raise _unreadable(data, _label(path, label), error) from None


class _NotRegular(Exception):
    """The path names a named pipe, a socket or a device: reading it could wait forever or never end."""


def _regular_file_bytes(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file (:class:`_NotRegular` if it is none, OSError as ``open``).

    Opened without waiting: a plain open of a named pipe blocks until a writer comes, which would hang
    a lint of a package holding one. Whether it is a regular file is asked of the open file itself.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(found.st_mode):
            raise _NotRegular(path)
        parts = []
        size = found.st_size + 1  # one read for the whole file, and one more to see its end
        while chunk := os.read(fd, size):
            parts.append(chunk)
            size = 1 << 16  # a file that grew since the stat is read to its end all the same
        return b"".join(parts)
    finally:
        os.close(fd)


def _label(path: Path, label: str | Callable[[], str] | None) -> str:
    # A file's label costs path arithmetic; most reads succeed and never show it.
    if label is None:
        return display_path(path)
    return label if isinstance(label, str) else label()


def _unreadable(data: bytes, label: str, error: type[LocatedError]) -> LocatedError:
    """The error for bytes that are not UTF-8 text: a NUL byte (a binary file) or an invalid sequence."""
    nul = data.find(b"\0")
    if nul >= 0:
        text = data[:nul].decode("utf-8-sig", errors="replace")
        line, column = LineIndex(text).position(len(text))
        return error(
            f"this is a binary file, not text (a NUL byte at line {line}, column {column})",
            file=label,
            line=line,
            column=column,
            hint=_BINARY_HINT,
        )
    try:
        data.decode("utf-8-sig")
        return error("the file is not valid UTF-8", file=label, hint=_UTF8_HINT)  # read_text asks only for bytes that fail
    except UnicodeDecodeError as e:
        good = data[: e.start].decode("utf-8-sig", errors="replace")
        line, column = LineIndex(good).position(len(good))
        shown = LineIndex(data.decode("utf-8-sig", errors="replace"))
        return error(
            f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x} at line {line}, column {column})",
            file=label,
            line=line,
            column=column,
            hint=_UTF8_HINT,
            excerpt=excerpt(shown, line, column),
        )


# -- showing ---------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal width of ``text``: CJK characters take two cells, so a caret below stays aligned."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def excerpt(source: str | LineIndex, line: int, column: int | None = None, *, before: int = _EXCERPT_BEFORE) -> str:
    """Lines ``line - before`` .. ``line`` of ``source``, numbered, the last one marked ``>``, a caret under ``column``.

    ``line`` and ``column`` are 1-based; without ``column`` there is no caret line. A line past the
    end shows as empty (an error "at the end of the file"). Tabs become single spaces and long
    lines are cut to a window around the column, so the caret lines up in any terminal.
    """
    index = source if isinstance(source, LineIndex) else LineIndex(source)
    line = min(max(line, 1), index.last_line)
    first = max(1, line - before)
    width = len(str(line))
    out: list[str] = []
    caret: str | None = None
    for n in range(first, line + 1):
        # A lone surrogate (text not read from a file, e.g. a command-line argument) cannot be printed.
        src = _SURROGATE.sub("\ufffd", index.line_text(n).replace("\t", " "))
        if n == line:
            src, caret = _cut(src, column)
        elif len(src) > 2 * _EXCERPT_HALF_WIDTH:
            src = src[: 2 * _EXCERPT_HALF_WIDTH] + "…"
        marker = ">" if n == line else " "
        out.append(f"  {marker} {n:>{width}} | {src}".rstrip())
    if caret is not None:
        out.append(f"    {' ' * width} | {' ' * display_width(caret)}^")
    return "\n".join(out)


def _cut(src: str, column: int | None) -> tuple[str, str | None]:
    """The marked line as shown (cut around ``column`` when long) and the text before the caret."""
    if column is None:
        return (src[: 2 * _EXCERPT_HALF_WIDTH] + "…" if len(src) > 2 * _EXCERPT_HALF_WIDTH else src), None
    col = max(column - 1, 0)
    if len(src) <= 2 * _EXCERPT_HALF_WIDTH:
        return src, src[:col]
    start = max(col - _EXCERPT_HALF_WIDTH, 0)
    end = min(col + _EXCERPT_HALF_WIDTH, len(src))
    lead = "…" if start else ""
    return lead + src[start:end] + ("…" if end < len(src) else ""), lead + src[start:col]


def numbered_lines(text: str, first: int, last: int, *, limit: int = 40) -> str:
    """Lines ``first``..``last`` of ``text`` with their numbers (trailing blank lines dropped, at most ``limit``)."""
    lines = text.splitlines()
    last = min(last, len(lines))
    while last > first and not lines[last - 1].strip():
        last -= 1
    if last < first:
        return ""
    shown_last = min(last, first + limit - 1)
    width = len(str(shown_last))
    out = [f"  {n:>{width}} | {lines[n - 1]}".rstrip() for n in range(first, shown_last + 1)]
    if last > shown_last:
        out.append(f"  {'…':>{width}} | ({last - shown_last} more lines)")
    return "\n".join(out)


# -- what the user meant ---------------------------------------------------------------------------


def _fold(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def did_you_mean(word: str, valid: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The valid name ``word`` was probably meant to be, or ``None``.

    Close spelling first (``difflib`` at ``cutoff``), then the same name in another case or with
    ``_`` / ``-`` left out or added, then the only valid name that ``word`` starts (or that starts
    ``word``) when ``word`` has three characters or more.
    """
    names = list(dict.fromkeys(valid))
    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    if close:
        return close[0]
    folded = _fold(word)
    for name in names:
        if _fold(name) == folded:
            return name
    if len(word) >= 3:
        starts = [name for name in names if name.startswith(word) or word.startswith(name)]
        if len(starts) == 1:
            return starts[0]
    return None

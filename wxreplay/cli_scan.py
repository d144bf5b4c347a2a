"""What ``wxreplay scan`` looked at: files, cassette entries and bytes, so a clean scan says what it checked.

A scan that prints nothing cannot be told from one that read nothing (a wrong folder, a suffix it
skips): the summary line names the counts, and says so when no file was read at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wxreplay.cassette.scan import scanned_files
from wxreplay.cassette.store import entry_lines

__all__ = ["Checked", "checked", "checked_line"]


@dataclass(frozen=True)
class Checked:
    """The counts of one scan: files read, cassettes among them, their entries, bytes read."""

    files: int = 0
    cassettes: int = 0
    entries: int = 0
    bytes: int = 0


def _cassette_entries(text: str) -> int | None:
    """The number of entries when ``text`` is a cassette (a ``version:`` mapping with ``entries:``), else None."""
    if not text.lstrip().startswith("version:") or "\nentries:" not in text:
        return None
    return len(entry_lines(text))


def checked(paths: Sequence[str | Path]) -> Checked:
    """What a scan of ``paths`` reads (each file once, even when two paths name it)."""
    seen: set[Path] = set()
    files = cassettes = entries = size = 0
    for path in paths:
        for f in scanned_files(path):
            key = f.resolve()
            if key in seen:
                continue
            seen.add(key)
            data = f.read_bytes()
            files, size = files + 1, size + len(data)
            n = _cassette_entries(data.decode("utf-8", errors="replace"))
            if n is not None:
                cassettes, entries = cassettes + 1, entries + n
    return Checked(files, cassettes, entries, size)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def checked_line(paths: Sequence[str | Path], hits: int) -> str:
    """``wxreplay: scanned 12 files (10 cassettes, 212 entries), 98,304 bytes: no possible secret`` (to stderr)."""
    c = checked(paths)
    if c.files == 0:
        return (
            "wxreplay: scanned 0 files: nothing to check under "
            + ", ".join(str(p) for p in paths)
            + (" (it reads .yaml, .yml, .json, .ambr and .txt files)")
        )
    what = _plural(c.files, "file", "files")
    if c.cassettes:
        what += f" ({_plural(c.cassettes, 'cassette', 'cassettes')}, {_plural(c.entries, 'entry', 'entries')})"
    verdict = "no possible secret" if not hits else _plural(hits, "possible secret", "possible secrets")
    return f"wxreplay: scanned {what}, {_plural(c.bytes, 'byte', 'bytes')}: {verdict}"

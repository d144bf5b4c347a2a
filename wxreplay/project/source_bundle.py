"""A subpackage's sources in the form V8 takes them fastest: one ASCII text, decoded per file on first require.

Every new execution context needs the sources of its skill's subpackage (``require`` may reach any
file under the subpackage root). Handed over as one JavaScript object literal, V8 had to scan every
file of the subpackage in every context, required or not: 10 ms per context for a 2 MB subpackage
(30 skills side by side; a ``miniprogram_npm`` folder gets there alone). Here the files' texts
travel as one string V8 stores without parsing it (``V8Isolate.put_text``); a file's text is decoded
from its span (``JSON.parse`` of its JSON string literal) only when ``require`` first reaches it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["SourceBundle", "bundle_sources", "read_bundle"]


@dataclass(frozen=True, eq=False)
class SourceBundle:
    """``text``, ASCII: a first line holding a JSON object that maps each file's path to the ``[start, end]`` of its
    literal in the rest, in the files' order; then each file's text as a JSON string literal, one after another.

    Compared by identity: one bundle per subpackage and process (``Skill.source_bundle``).
    """

    text: str


def bundle_sources(files: Mapping[str, str]) -> SourceBundle:
    """The bundle of ``files`` (path -> text). ASCII throughout (``\\u`` escapes): V8 stores a one-byte string as
    it comes, and a span counts the same in Python and JavaScript only when every character is one code unit."""
    literals: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for path, text in files.items():
        literal = json.dumps(text)
        literals.append(literal)
        spans[path] = (at, at + len(literal))
        at += len(literal)
    # json.dumps writes no raw newline: the first one ends the spans.
    return SourceBundle(json.dumps(spans) + "\n" + "".join(literals))


def read_bundle(bundle: SourceBundle) -> dict[str, str]:
    """The files back from ``bundle``, as ``require`` reads them (for tests and checks)."""
    head, _, body = bundle.text.partition("\n")
    return {path: json.loads(body[start:end]) for path, (start, end) in json.loads(head).items()}

"""Cassette files on disk: stable YAML, located errors, atomic writes and a lock for concurrent writers.

YAML is written by a SafeDumper subclass (block style, non-ASCII as is, multi-line strings as
``|`` blocks, no aliases, the entry's own key order) and read by a SafeLoader subclass that does
not turn unquoted dates into ``datetime``. Nothing is ever loaded with a non-safe loader.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from wxreplay.cassette.model import InvalidCassette, check_document
from wxreplay.errors import CassetteError
from wxreplay.source import MAX_NESTING, MAX_NUMBER_DIGITS, LineIndex, excerpt
from wxreplay.source import read_text as read_file_text

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process lock, writes stay atomic
    fcntl = None  # type: ignore[assignment]

_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UMASK = os.umask(0)
os.umask(_UMASK)
END_MARKER = "..."
FIX = "re-record it (--record all) or restore it from version control"


class CassetteDumper(_BaseDumper):  # type: ignore[valid-type, misc]
    """Stable, reviewable YAML: block style, no aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data and not data.startswith((" ", "\t")) and data == data.rstrip(" \t"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


CassetteDumper.add_representer(str, _str)


def _without_timestamps(base: type[yaml.SafeLoader]) -> dict[Any, Any]:
    return {
        ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
        for ch, rs in base.yaml_implicit_resolvers.items()
    }


class CassetteLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """SafeLoader that keeps dates as the strings they were (a JSON body has no dates)."""

    yaml_implicit_resolvers = _without_timestamps(_BaseLoader)


class _LineLoader(yaml.SafeLoader):
    yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader)


class _CLineLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    yaml_implicit_resolvers = _without_timestamps(_BaseLoader)


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (already parsed once, so within the limits), composed as :func:`parse` read it.

    libyaml first: it reads what the fast loader read (a tab after a value, say), which PyYAML's
    pure-Python composer may refuse.
    """
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_CLineLoader)
    except yaml.YAMLError:
        node = yaml.compose(text, Loader=_LineLoader)
    return node


def dump(doc: dict[str, Any]) -> str:
    """The cassette document as YAML text (byte-stable for equal documents)."""
    text: str = yaml.dump(
        doc,
        Dumper=CassetteDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
        explicit_end=True,
    )
    return text


class _Fallback(Exception):
    """The fast loader met YAML it leaves to PyYAML's constructor (anchors, tags, complex keys)."""


class _OverLimit(Exception):
    """The text nests deeper than :data:`MAX_NESTING` or writes a number longer than :data:`MAX_NUMBER_DIGITS`."""

    def __init__(self, message: str, hint: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.mark = mark


# Values a cassette with aliases may expand to (one written without aliases holds what it holds).
_MAX_VALUES = 1_000_000


def _too_deep(mark: Any) -> _OverLimit:
    return _OverLimit(
        f"the YAML nests deeper than {MAX_NESTING} levels of lists and mappings",
        "wxreplay writes no cassette that deep; " + FIX,
        mark,
    )


def _long_number(value: str, mark: Any) -> _OverLimit | None:
    """The error for a plain scalar that reads as a number written with too many characters, else None."""
    if len(value) <= MAX_NUMBER_DIGITS or _plain_tag(value) == _STR_TAG:
        return None
    return _OverLimit(
        f"a number written with {len(value):,} characters (at most {MAX_NUMBER_DIGITS:,} are read)",
        "write a shorter number, or quote it if it is text; " + FIX,
        mark,
    )


def _check_limits(text: str, loader_class: type[yaml.SafeLoader] = _BaseLoader) -> None:
    """Raise :class:`_OverLimit` where ``text`` goes past the limits (libyaml's events: no recursion).

    Run before PyYAML's constructor, for texts with anchors or tags: besides nesting and number
    length, the values that aliases expand to are counted, so an alias bomb ("billion laughs")
    stops here instead of in whatever later walks the entries (matching, ``json.dumps``).
    """
    loader = loader_class(text)
    sizes: list[int] = []  # per open collection: the values it expands to so far
    heights: list[int] = []  # per open collection: the most levels of collections below it so far
    pending: list[str | None] = []  # per open collection: its anchor
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels of collections)
    try:
        while loader.check_event():
            ev = loader.get_event()  # type: ignore[no-untyped-call]
            added, height = 0, 0
            if isinstance(ev, yaml.CollectionStartEvent):
                if len(sizes) > MAX_NESTING:
                    raise _too_deep(ev.start_mark)
                sizes.append(1)
                heights.append(1)
                pending.append(ev.anchor)
                continue
            if isinstance(ev, yaml.CollectionEndEvent):
                added, height = sizes.pop(), heights.pop()
                anchor = pending.pop()
                if anchor is not None:
                    anchors[anchor] = (added, height)
            elif isinstance(ev, yaml.ScalarEvent):
                if ev.implicit[0] and (ev.tag is None or ev.tag == "!"):
                    over = _long_number(ev.value, ev.start_mark)
                    if over is not None:
                        raise over
                added = 1
                if ev.anchor is not None:
                    anchors[ev.anchor] = (1, 0)
            elif isinstance(ev, yaml.AliasEvent):
                added, height = anchors.get(ev.anchor or "", (1, 0))
                if len(sizes) + height > MAX_NESTING + 1:  # the alias nests its anchor's levels here
                    raise _too_deep(ev.start_mark)
            if sizes:
                heights[-1] = max(heights[-1], height + 1)
                sizes[-1] += added
                if sizes[-1] > _MAX_VALUES:
                    raise _OverLimit(
                        f"the aliases here make the cassette expand to more than {_MAX_VALUES:,} values",
                        "wxreplay writes no aliases; write the values out. " + FIX,
                        ev.start_mark,
                    )
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"
_CONSTRUCTED = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_RESOLVERS: dict[Any, list[tuple[str, Any]]] = CassetteLoader.yaml_implicit_resolvers
_PLAIN_CACHE: dict[str, Any] = {}


def _plain_tag(value: str) -> str:
    """The tag the SafeLoader (without timestamps) resolves the plain scalar ``value`` to."""
    for t, rx in _RESOLVERS.get(value[0] if value else "", ()):
        if rx.match(value):
            return str(t)
    return _STR_TAG


def _plain(value: str) -> Any:
    """A plain scalar resolved exactly as the SafeLoader does (without timestamps); cached."""
    hit = _PLAIN_CACHE.get(value, _PLAIN_CACHE)
    if hit is not _PLAIN_CACHE:
        return hit
    tag = _plain_tag(value)
    if tag == _STR_TAG:
        out: Any = value
    elif tag in _CONSTRUCTED:
        ctor = yaml.SafeLoader("")
        out = ctor.construct_object(yaml.ScalarNode(tag, value))
    else:
        raise _Fallback(tag)
    if len(_PLAIN_CACHE) < 100_000:
        _PLAIN_CACHE[value] = out
    return out


def _fast_load(text: str) -> Any:
    """PyYAML's result for ``text``, built straight from libyaml's events (3-4x faster than the constructor).

    Covers everything the dumper writes; anything else (anchors, explicit tags, complex keys)
    raises ``_Fallback`` and the caller uses the SafeLoader subclass instead.
    """
    loader = _BaseLoader(text)
    root: Any = _Fallback
    stack: list[Any] = []
    key: list[Any] = []  # per open mapping: the pending key, or _Fallback when none
    scalar, mstart, sstart, mend, send = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
        yaml.MappingEndEvent,
        yaml.SequenceEndEvent,
    )
    try:
        while loader.check_event():
            ev = loader.get_event()  # type: ignore[no-untyped-call]
            cls = type(ev)
            if cls is scalar:
                if ev.anchor is not None:
                    raise _Fallback("anchor")
                tag = ev.tag
                if tag is not None and tag != "!":
                    if tag != _STR_TAG:
                        raise _Fallback(tag)
                    value: Any = ev.value
                elif ev.implicit[0]:
                    if len(ev.value) > MAX_NUMBER_DIGITS:
                        over = _long_number(ev.value, ev.start_mark)
                        if over is not None:
                            raise over
                    value = _plain(ev.value)
                else:
                    value = ev.value
            elif cls is mstart or cls is sstart:
                if ev.anchor is not None or (ev.tag is not None and ev.tag != "!" and not ev.implicit):
                    raise _Fallback("anchor or tag")
                value = {} if cls is mstart else []
            elif cls is mend or cls is send:
                stack.pop()
                key.pop()
                continue
            elif cls is yaml.AliasEvent:
                raise _Fallback("alias")
            else:
                continue
            if stack:
                parent = stack[-1]
                if type(parent) is list:
                    parent.append(value)
                elif key[-1] is _Fallback:
                    if type(value) in (dict, list):
                        raise _Fallback("complex key")
                    if value == "<<" and ev.implicit[0]:
                        raise _Fallback("merge key")
                    key[-1] = value
                else:
                    parent[key[-1]] = value
                    key[-1] = _Fallback
            elif root is _Fallback:
                root = value
            else:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", None, "but found another document", ev.start_mark
                )
            if cls is not scalar:
                if len(stack) > MAX_NESTING:
                    raise _too_deep(ev.start_mark)
                stack.append(value)
                key.append(_Fallback)
    finally:
        loader.dispose()
    return None if root is _Fallback else root


_SURROGATE = re.compile("[\ud800-\udfff]")


def _load(text: str) -> Any:
    """The YAML document of ``text``: the fast loader, else PyYAML's constructor after the limits are checked."""
    try:
        return _fast_load(text)
    except _Fallback:
        _check_limits(text)  # before PyYAML's constructor, which recurses per level
        return yaml.load(text, Loader=CassetteLoader)


def parse(text: str, file: str) -> tuple[str | None, list[dict[str, Any]]]:
    """``(recorded_at, entries)`` of cassette ``text``; any problem is a ``CassetteError`` at file:line, with the excerpt."""
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:  # not from a file (read_text decodes strict UTF-8), but libyaml would raise on it
        line, column = LineIndex(text).position(surrogate.start())
        raise _located("the text holds a lone surrogate, which is not Unicode text", text, file, line, column, FIX)
    try:
        try:
            doc = _load(text)
        except yaml.MarkedYAMLError as e:
            # Newer libyaml (PyYAML 6.0.4's wheels) stops at 1,000 levels while scanning ahead, before
            # the events past our own limit reach us: find that place with the pure-Python parser.
            if e.problem != "exceeded maximum nesting depth":
                raise
            _check_limits(text, yaml.SafeLoader)
            raise
    except _OverLimit as e:
        raise _located(e.message, text, file, e.mark.line + 1, e.mark.column + 1, e.hint) from None
    except yaml.reader.ReaderError as e:
        # A character YAML does not allow: libyaml counts its position in bytes, so find it again.
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
        line, column = LineIndex(text).position(bad.start() if bad is not None else e.position)
        code = ord(bad.group()) if bad is not None else 0
        raise _located(
            f"the file holds the character U+{code:04X}, which YAML does not allow (a control character)",
            text,
            file,
            line,
            column,
            "remove it (a cassette written by wxreplay escapes such characters); " + FIX,
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        if mark is None:  # pragma: no cover - PyYAML's scanner and parser errors always carry a mark
            raise CassetteError(f"not valid YAML: {what}", file=file, hint=FIX) from None
        truncated = " (the file looks truncated)" if mark.index >= len(text.rstrip()) else ""
        raise _located(f"not valid YAML: {what}{truncated}", text, file, mark.line + 1, mark.column + 1, FIX) from None
    except yaml.YAMLError as e:
        raise CassetteError(f"not valid YAML: {e}", file=file, hint=FIX) from None
    try:
        checked = check_document(doc)
    except InvalidCassette as e:
        line, column = position(text, e.path)
        raise _located(e.message, text, file, line, column, e.hint or FIX) from None
    # A cut inside the last value would still parse: every cassette ends with YAML's document end marker.
    if text.rstrip().rsplit("\n", 1)[-1] != END_MARKER:
        raise _located(
            f"the file is truncated: it does not end with the '{END_MARKER}' line that ends every cassette",
            text,
            file,
            text.rstrip().count("\n") + 1,
            len(text.rstrip().rsplit("\n", 1)[-1]) + 1,  # just after the last character
            f"{FIX}; if you edited it by hand and the content is complete, add a last line '{END_MARKER}'",
        )
    return checked


#: Parsed cassettes by (absolute path, sha256 of the text): the last few only. A file is parsed again
#: whenever its bytes change; kept small because every full garbage collection walks what it holds.
PARSED_KEPT = 32
_PARSED: OrderedDict[tuple[str, str], tuple[str | None, list[dict[str, Any]]]] = OrderedDict()
_PARSED_LOCK = threading.Lock()


def parse_file(text: str, file: str, digest: str) -> tuple[str | None, list[dict[str, Any]]]:
    """:func:`parse` of the cassette file ``file`` whose text is ``text`` (``digest``: its :func:`fingerprint`).

    A cassette opened again in the same process with the same bytes (replayed right after it was
    recorded, a fixture per test, ``wxreplay chat``) is not parsed again: the earlier parse is
    reused, as a copy (the caller owns what it gets). The content digest is the key, so a file
    rewritten since (even to the same size in the same second) is parsed anew. Errors are never kept.
    """
    key = (os.path.abspath(file), digest)
    with _PARSED_LOCK:  # sessions may open cassettes on several threads
        hit = _PARSED.get(key)
        if hit is not None:
            _PARSED.move_to_end(key)
    if hit is not None:
        return hit[0], _plain_copy(hit[1])
    recorded_at, entries = parse(text, file)
    kept = (recorded_at, _plain_copy(entries))
    with _PARSED_LOCK:
        _PARSED[key] = kept
        while len(_PARSED) > PARSED_KEPT:
            _PARSED.popitem(last=False)
    return recorded_at, entries


def _plain_copy(value: Any) -> Any:
    """A deep copy of parsed YAML data (dicts and lists of scalars: 20x faster than ``copy.deepcopy``)."""
    t = type(value)
    if t is dict:
        return {k: _plain_copy(v) for k, v in value.items()}
    if t is list:
        return [_plain_copy(v) for v in value]
    if t in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)  # what PyYAML's own constructor may add (bytes, sets): copied the slow way


def _located(message: str, text: str, file: str, line: int | None, column: int | None, hint: str) -> CassetteError:
    """A ``CassetteError`` at ``file:line[:column]`` that shows the lines up to there."""
    shown = excerpt(text, line, column) if line is not None and text.strip() else None
    return CassetteError(message, file=file, line=line, column=column, hint=hint, excerpt=shown)


def locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """1-based line of the node at ``path`` (keys and list indices), or of its nearest parent."""
    return position(text, path)[0]


def position(text: str, path: tuple[str | int, ...]) -> tuple[int, int]:
    """1-based line and column of the node at ``path`` (a member's key, a list's item), or of its nearest parent."""
    try:
        node = _compose(text)
    except yaml.YAMLError:
        return 1, 1  # the whole file, then: a located error is better than none
    if node is None:
        return 1, 1
    mark = node.start_mark
    for step in path:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == step:
                    nxt = v
                    mark = k.start_mark
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            nxt = node.value[step]
            mark = nxt.start_mark
        if nxt is None:
            break
        node = nxt
    return mark.line + 1, mark.column + 1


def entry_lines(text: str) -> list[int]:
    """1-based line of each entry of a well-formed cassette (for messages; empty when unknown)."""
    try:
        node = _compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "entries" and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def read_text(path: Path) -> str | None:
    """The file's text, ``None`` if it does not exist; an unreadable or non-UTF-8 file is a ``CassetteError``."""
    if not path.exists():  # a cassette not recorded yet (writers replace it atomically, never remove it)
        return None
    return read_file_text(path, label=str(path), error=CassetteError)


def fingerprint(text: str | None) -> str | None:
    """A digest of a file's text: tells whether another writer changed it since we read it."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part.

    A temp file in the same directory is written, flushed to disk and renamed over ``path``; if
    anything fails (or the process dies) before the rename, ``path`` is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; a cassette is an ordinary file
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def remove_stale_temps(path: Path) -> None:
    """Delete temp files an interrupted write of ``path`` left behind (call it holding ``locked(path)``)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-merge-write of ``path``: an OS lock on its folder, no lock file.

    ``flock`` on the cassette's directory: the kernel drops it when the holder exits in any way
    (SIGKILL included), so a killed writer never leaves a lock that blocks the next one, and there is
    no file to leave behind at all. Writers of other cassettes in the same folder wait too; a save
    holds the lock for milliseconds, so that costs nothing worth a file per cassette. A
    ``<cassette>.lock`` file that an older wxreplay left is removed while the lock is held.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            os.unlink(path.with_name(path.name + ".lock"))  # left by a killed writer of an older wxreplay
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock

"""The snapshot's storage: the syrupy extension, where its files live, reading them, their format version.

:class:`WxSnapshotExtension` stores one ``.yaml`` file per snapshot (per scenario:
``scenarios/__snapshots__/latte.scenario/<scenario name>.yaml``), so ``pytest -n 2`` never has two
workers writing one file. Its text comes from :mod:`wxreplay.snapshot.serializer`.

Every file starts with ``# wxreplay snapshot N``, the format version it was written in. A stored
file of another version (or with no such line) never matches what this wxreplay writes; instead of
only a diff of every line, its failure starts with :func:`version_problem`: the file, both versions
and the fix (``pytest --snapshot-update``, which rewrites it like any other changed snapshot).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.snapshot.serializer import HEADER, HEADER_PREFIX, SNAPSHOT_VERSION, Verbatim, snapshot_data, snapshot_yaml

if TYPE_CHECKING:
    from syrupy.location import PyTestLocation
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData, SnapshotIndex

__all__ = ["WxSnapshotExtension", "read_stored", "stored_version", "version_problem"]


def stored_version(text: str) -> int | None:
    """The format version a snapshot's text declares on its first line (``# wxreplay snapshot 1``), if any."""
    first = text.split("\n", 1)[0].rstrip("\r")
    number = first.removeprefix(HEADER_PREFIX)
    return int(number) if number != first and number.isdigit() else None


def version_problem(text: str, location: str | Path) -> str | None:
    """Why the stored snapshot ``text`` (the file at ``location``) cannot be compared: another format version,
    or none at all; ``None`` when it is of this wxreplay's version."""
    found = stored_version(text)
    if found == SNAPSHOT_VERSION:
        return None
    what = (
        "has no format version (its first line is not a `# wxreplay snapshot N` header)"
        if found is None
        else f"is snapshot format version {found}"
    )
    return (
        f"snapshot {_shown(location)} {what}, but this wxreplay reads and writes version {SNAPSHOT_VERSION}: "
        "run `pytest --snapshot-update` to rewrite it, then review the change"
    )


def _shown(location: str | Path) -> str:
    """``location`` relative to the working directory when it lies below it (as pytest shows paths)."""
    path = Path(location)
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(location)


def read_stored(location: str | Path) -> str | None:
    """The stored snapshot's text at ``location``, or ``None`` when there is none yet."""
    try:
        return Path(location).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


# syrupy asks an extension for a test's folder and file name a dozen times per test (registering,
# locating, discovering, reporting), each time with path arithmetic or a character-by-character
# clean-up; the answers depend only on what the keys below hold, so each is worked out once.
_NAMES: dict[tuple[Any, ...], str] = {}

# Stored texts of another format version, as read, with their problem: syrupy hands the extension only
# the two texts when it asks for the diff lines, not the file they came from.
_STALE: dict[str, str] = {}


def _remembered(key: tuple[Any, ...], work_out: Callable[[], str]) -> str:
    found = _NAMES.get(key)
    if found is None:
        found = _NAMES[key] = work_out()
    return found


class WxSnapshotExtension(SingleFileSnapshotExtension):
    """syrupy extension: one readable ``.yaml`` file per snapshot, made with :func:`snapshot_data` and :func:`snapshot_yaml`.

    ``assert card == snapshot(extension_class=WxSnapshotExtension)`` in a Python test (or the
    ``wx_snapshot`` fixture); scenario items use it for their transcripts. syrupy's
    ``exclude``/``include``/``matcher`` filters are not applied (volatile values are masked instead).
    A stored file of another format version fails with :func:`version_problem` before the diff.
    """

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """syrupy's folder for the snapshots of ``test_location``'s file (remembered per file)."""
        base = super().dirname
        return _remembered(
            ("dirname", cls, str(cls.snapshot_dirname), test_location.filepath), lambda: base(test_location=test_location)
        )

    if hasattr(SingleFileSnapshotExtension, "discovery_dirname"):  # syrupy 5 and later

        @classmethod
        def discovery_dirname(cls, *, test_location: PyTestLocation) -> str:
            """The folder syrupy scans for unused snapshots (remembered per file)."""
            base = super().discovery_dirname
            return _remembered(
                ("discovery", cls, str(cls.snapshot_dirname), test_location.filepath), lambda: base(test_location=test_location)
            )

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: SnapshotIndex = 0) -> str:
        """The snapshot's file name without extension (remembered per test and assertion index)."""
        base = super().get_snapshot_name
        return _remembered(
            ("name", cls, test_location.filepath, test_location.snapshot_name, index),
            lambda: base(test_location=test_location, index=index),
        )

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        """The snapshot text of ``data``; a :class:`Verbatim` text is kept as it is.

        Gated like a cassette: while the scanner still finds a secret in the text, this raises
        (:class:`~wxreplay.cassette.runsecrets.SecretsLeftError`) and syrupy writes nothing.
        """
        if isinstance(data, Verbatim):
            return str(data)
        text = snapshot_yaml(snapshot_data(data))
        run_secrets().gate(text, "the snapshot", "the snapshot")
        return text

    def read_snapshot_data_from_location(
        self, *, snapshot_location: str, snapshot_name: str, session_id: str
    ) -> SerializableData | None:
        """The stored text; one of another format version is remembered with its problem for the report.

        It is returned as read, not refused: ``--snapshot-update`` must still see it differ and rewrite it.
        """
        text = super().read_snapshot_data_from_location(
            snapshot_location=snapshot_location, snapshot_name=snapshot_name, session_id=session_id
        )
        if isinstance(text, str) and not text.startswith(HEADER):
            problem = version_problem(text, snapshot_location)
            if problem is not None:
                _STALE[text] = problem
        return text

    def diff_lines(self, serialized_data: SerializedData, snapshot_data: SerializedData) -> Iterator[str]:
        """syrupy's diff, after the version problem of a stored file of another format version."""
        problem = _STALE.get(snapshot_data) if isinstance(snapshot_data, str) else None
        if problem is not None:
            yield problem
        yield from super().diff_lines(serialized_data, snapshot_data)

"""Snapshots as readable YAML: the deterministic part of a transcript, a card or a call result.

Split the way syrupy splits an extension:

* :mod:`~wxreplay.snapshot.serializer` turns what a test produced into the snapshot's text:
  ``snapshot_data(value)`` reduces it to plain data (through :mod:`wxreplay.serialize`, the one
  serializer of a run) and ``snapshot_yaml(data)`` writes it under the format's header line;
* :mod:`~wxreplay.snapshot.storage` is the syrupy extension :class:`WxSnapshotExtension`: where the
  files live (one ``.yaml`` file per test, per scenario ``scenarios/__snapshots__/latte.scenario/<scenario
  name>.yaml``, so ``pytest -n 2`` never has two workers writing one file), reading and writing
  them, and the format version each file starts with (``# wxreplay snapshot 1``), checked on read;
* :mod:`~wxreplay.snapshot.reporter` says what differs: ``the snapshot differs at turn 4 › call
  createOrder`` and syrupy's diff, or that a stored file is of another format version.
* :mod:`~wxreplay.snapshot.compact` keeps large values small: a host call's ``args`` or ``outcome``
  part over the run's limit (``[tool.wxreplay] snapshot_compact_bytes``, 4 KiB by default) is written
  as its size and the SHA-256 of its redacted JSON, so a 35-item catalogue in storage costs one line
  per host call and a change to any item still changes the snapshot.

What a scenario snapshot keeps (``scenario_snapshot``): per turn the user message or event, and per
step the call with its arguments, facts and actions, ``isError``, ``structuredContent``, ``_meta``,
``handoff``, ``apiCalls``; card trees (in the compact one-node-per-line form of
``CardNode.to_text()``); upstream messages; host calls (their large values compacted); saved
variables; findings. Left out:
console logs, YAML line numbers, paths (file, project, cassette) and timings, none of which is
behaviour. Volatile values are masked as in ``Transcript.to_dict(stable=True)``: session ids become
``<session#N>``, ids captured with ``save:`` ``<name>`` (the runner registers them).
"""

from __future__ import annotations

from wxreplay.snapshot.compact import DEFAULT_COMPACT_BYTES, compact_bytes, compacting
from wxreplay.snapshot.reporter import check_snapshot, snapshot_changes
from wxreplay.snapshot.serializer import (
    HEADER,
    SNAPSHOT_VERSION,
    Verbatim,
    scenario_snapshot,
    snapshot_data,
    snapshot_yaml,
)
from wxreplay.snapshot.storage import WxSnapshotExtension, stored_version, version_problem

__all__ = [
    "DEFAULT_COMPACT_BYTES",
    "HEADER",
    "SNAPSHOT_VERSION",
    "Verbatim",
    "WxSnapshotExtension",
    "check_snapshot",
    "compact_bytes",
    "compacting",
    "scenario_snapshot",
    "snapshot_changes",
    "snapshot_data",
    "snapshot_yaml",
    "stored_version",
    "version_problem",
]

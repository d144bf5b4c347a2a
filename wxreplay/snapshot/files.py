"""Scenario snapshots outside pytest: what ``wxreplay run`` checks, in the very files syrupy writes.

The file of a scenario is the one the pytest plugin's syrupy extension uses
(``<scenario folder>/__snapshots__/<file stem>/<scenario name>.yaml``, its name cleaned as syrupy
cleans it); the text compared is :func:`~wxreplay.snapshot.serializer.snapshot_yaml` of the
transcript, the text syrupy stores. So both runners give one verdict: a passing scenario whose
snapshot differs, is of another format version, or does not exist yet fails in both, until
``pytest --snapshot-update`` (or ``wxreplay run --snapshot-update``) writes it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from wxreplay.cassette.runsecrets import SecretsLeftError, run_secrets
from wxreplay.snapshot.compact import compacted_changed
from wxreplay.snapshot.reporter import snapshot_changes
from wxreplay.snapshot.serializer import snapshot_data, snapshot_yaml
from wxreplay.snapshot.storage import WxSnapshotExtension, read_stored, version_problem
from wxreplay.source import display_path

if TYPE_CHECKING:
    from wxreplay.transcript import Transcript

__all__ = ["SnapshotCheck", "check_scenario_snapshot", "scenario_snapshot_file"]

_ACCEPT = "(wxreplay run --snapshot-update or pytest --snapshot-update accepts the new transcript)"
_FULL = (
    "  a compacted value differs (a size and a sha256 stand in for it): wxreplay run --snapshot-full shows this run's "
    "values in full in the diff"
)


@dataclass(frozen=True)
class SnapshotCheck:
    """The verdict on one scenario's snapshot: ``status`` is match / missing / differs / written / refused (a secret
    left in it: not written); ``message`` says why."""

    status: str
    file: Path
    message: str = ""

    @property
    def failed(self) -> bool:
        """True when the scenario fails on its snapshot (missing, different or refused; not when written)."""
        return self.status in ("missing", "differs", "refused")


def _scenario_item() -> None:
    """Stands in for the test function syrupy reads a location from (its module and name are not used in file names)."""


def scenario_snapshot_file(scenario_file: Path, item_name: str, dirname: str = "__snapshots__") -> Path:
    """The snapshot file of the pytest item ``item_name`` of ``scenario_file``, computed by syrupy itself."""
    from syrupy.location import PyTestLocation

    path = Path(scenario_file).absolute()
    item = SimpleNamespace(path=path, obj=_scenario_item, name=item_name, nodeid=f"{path.name}::{item_name}")
    extension = type("_Extension", (WxSnapshotExtension,), {"snapshot_dirname": dirname})()
    return Path(extension.get_location(test_location=PyTestLocation(item), index=0))  # type: ignore[arg-type]


def check_scenario_snapshot(file: Path, transcript: Transcript, *, update: bool = False) -> SnapshotCheck:
    """Compare ``transcript`` with the snapshot at ``file``; with ``update``, write it when missing or different."""
    text = snapshot_yaml(snapshot_data(transcript))
    stored = read_stored(file)
    if stored == text:
        return SnapshotCheck("match", file)
    if update:
        try:  # gated like a cassette: nothing is written while a secret is left
            run_secrets().gate(text, display_path(file), "the snapshot")
        except SecretsLeftError as e:
            return SnapshotCheck("refused", file, str(e))
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        return SnapshotCheck("written", file, f"snapshot written: {display_path(file)}")
    if stored is None:
        return SnapshotCheck("missing", file, f"no snapshot yet: {display_path(file)} {_ACCEPT}")
    problem = version_problem(stored, file)
    where = snapshot_changes(stored, transcript)
    head = problem or ("the snapshot differs" + (f" at {', '.join(where)}" if where else "") + f" {_ACCEPT}")
    diff = list(difflib.unified_diff(stored.splitlines(), text.splitlines(), "snapshot", "this run", lineterm="", n=2))[2:]
    full = [_FULL] if compacted_changed(diff) else []
    return SnapshotCheck("differs", file, "\n".join([head, f"  file: {display_path(file)}", *diff, *full]))

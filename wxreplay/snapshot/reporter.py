"""The snapshot's reporter: what a failing scenario snapshot says.

``the snapshot differs at turn 4 › call createOrder (pytest --snapshot-update accepts the new
transcript)`` then syrupy's diff; ``no snapshot yet (...)``; or, for a stored file of another format
version, the file, both versions and the fix (:func:`~wxreplay.snapshot.storage.version_problem`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from wxreplay.cassette.runsecrets import SecretsLeftError, run_secrets
from wxreplay.snapshot.compact import compacted_changed
from wxreplay.snapshot.serializer import Verbatim, snapshot_data, snapshot_yaml
from wxreplay.snapshot.storage import WxSnapshotExtension, _shown, read_stored, version_problem

__all__ = ["check_snapshot", "snapshot_changes"]

_ACCEPT = "(pytest --snapshot-update accepts the new transcript)"
_FULL = (
    "a compacted value differs (a size and a sha256 stand in for it): pytest --wx-snapshot-full shows this run's "
    "values in full in the diff"
)


def snapshot_changes(stored: str, value: Any) -> list[str]:
    """Where ``value`` differs from the ``stored`` scenario snapshot: ``turn 2 › call createOrder`` per step.

    Other top-level keys (``sessions``, ``findings``) are named as they are; a snapshot that is not a
    scenario's gives ``[]``.
    """
    try:
        old = yaml.safe_load(stored)
    except yaml.YAMLError:
        return []
    new = snapshot_data(value)
    if not (isinstance(old, dict) and isinstance(new, dict) and "turns" in new):
        return []
    out = [key for key in dict.fromkeys([*old, *new]) if key != "turns" and old.get(key) != new.get(key)]
    old_turns, new_turns = old.get("turns") or [], new["turns"]
    for i in range(max(len(old_turns), len(new_turns))):
        a, b = _at(old_turns, i), _at(new_turns, i)
        if a == b:
            continue
        if not (isinstance(a, dict) and isinstance(b, dict)):
            out.append(f"turn {i + 1} {'added' if a is None else 'removed'}")
            continue
        if {k: v for k, v in a.items() if k != "steps"} != {k: v for k, v in b.items() if k != "steps"}:
            out.append(f"turn {i + 1}")
        steps_a, steps_b = a.get("steps") or [], b.get("steps") or []
        for j in range(max(len(steps_a), len(steps_b))):
            if _at(steps_a, j) != _at(steps_b, j):
                step = _at(steps_b, j) or _at(steps_a, j) or {}
                out.append(f"turn {i + 1} › {' '.join(str(step[k]) for k in ('kind', 'api') if step.get(k))}")
    return out


def _at(items: list[Any], i: int) -> Any:
    return items[i] if i < len(items) else None


def check_snapshot(snapshot: Any, value: Any, *, failed: bool, diff: Callable[[Any, Any], list[str]]) -> str | None:
    """Compare ``value`` with its snapshot through syrupy's ``snapshot`` fixture; the mismatch report, or ``None``.

    ``failed``: the run failed, so its snapshot is neither compared nor rewritten, but compared with
    itself to count as used (syrupy would otherwise report it unused, and delete it on update).
    ``diff(assertion, value)`` gives syrupy's diff lines (pytest's ``pytest_assertrepr_compare``).
    """
    assertion = snapshot.use_extension(WxSnapshotExtension)
    location = Path(assertion.extension.get_location(test_location=assertion.test_location, index=assertion.index))
    if not failed:
        # Serialised (and redacted) once: the gate and syrupy's comparison read the same text.
        text = snapshot_yaml(snapshot_data(value))
        try:  # gated like a cassette: nothing is compared or written while a secret is left
            run_secrets().gate(text, _shown(location), "the snapshot")
        except SecretsLeftError as e:
            return str(e)
        if assertion == Verbatim(text):
            return None
    stored = read_stored(location)
    if failed:
        if stored is not None:
            assertion.assert_match(Verbatim(stored))
        return None
    if stored is None:
        return "\n".join([f"no snapshot yet {_ACCEPT}", *diff(assertion, value)])
    problem = version_problem(stored, location)
    if problem is not None:  # every line may differ: the version, not a step, is the news
        return "\n".join([problem, *(line for line in diff(assertion, value) if line != problem)])
    where = snapshot_changes(stored, value)
    head = "the snapshot differs" + (f" at {', '.join(where)}" if where else "")
    lines = diff(assertion, value)
    return "\n".join([f"{head} {_ACCEPT}", *lines, *([_FULL] if compacted_changed(lines) else [])])

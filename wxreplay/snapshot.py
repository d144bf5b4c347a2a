"""Snapshots as readable YAML: the deterministic part of a transcript, a card or a call result.

``snapshot_data(value)`` reduces what a test produced to plain data and ``snapshot_yaml(data)``
writes it; :class:`WxSnapshotExtension` is the syrupy extension that stores one ``.yaml`` file per
test (per scenario: ``scenarios/__snapshots__/latte.scenario/<scenario name>.yaml``), so
``pytest -n 2`` never has two workers writing one file.

What a scenario snapshot keeps (``scenario_snapshot``): per turn the user message or event, and per
step the call with its arguments, facts and actions, ``isError``, ``structuredContent``, ``_meta``,
``handoff``, ``apiCalls``; card trees (in the compact one-node-per-line form of
``CardNode.to_text()``); upstream messages; host calls; saved variables; findings. Left out:
console logs, YAML line numbers, paths (file, project, cassette) and timings, none of which is
behaviour. Volatile values are masked by ``Transcript.to_dict(stable=True)``: session ids become
``<session#N>``, ids captured with ``save:`` ``<name>`` (the runner registers them).

Keys keep the transcript's fixed order, CJK is written as is, multi-line text as ``|`` blocks.
Every file starts with ``# wxreplay snapshot 1``, the format's version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from wxreplay import plainyaml

if TYPE_CHECKING:
    from syrupy.location import PyTestLocation
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData, SnapshotIndex

    from wxreplay.transcript import Transcript

__all__ = [
    "SNAPSHOT_VERSION",
    "Verbatim",
    "WxSnapshotExtension",
    "check_snapshot",
    "scenario_snapshot",
    "snapshot_changes",
    "snapshot_data",
    "snapshot_yaml",
]

SNAPSHOT_VERSION = 1
HEADER = f"# wxreplay snapshot {SNAPSHOT_VERSION}\n"
_DROP_STEP = ("line", "logs")


class Verbatim(str):
    """Text already in snapshot form: written and compared as is (the plugin uses it to keep a snapshot)."""


def scenario_snapshot(transcript: Transcript) -> dict[str, Any]:
    """The deterministic, reviewable part of a scenario run (see the module docstring).

    It is ``transcript.to_dict(stable=True)`` less what the snapshot leaves out, but built part by
    part: the pytest plugin makes one per test, and copying the logs only to drop them, or a card
    tree only to render it, was most of its cost. The field names the transcript writes are never
    masked (a volatile value named like one would have garbled ``to_dict``'s keys).
    """
    stable = transcript.stable_copier()
    out: dict[str, Any] = {"scenario": stable(transcript.scenario), "skill": stable(transcript.skill)}
    out["sessions"] = [{k: v for k, v in stable(s.to_dict()).items() if k != "sessionId" and v is not None}
                       for s in transcript.sessions]
    if transcript.findings:
        out["findings"] = stable([f.to_dict() for f in transcript.findings])
    out["turns"] = [_turn(t.to_dict(), stable) for t in transcript.turns]
    return out


def _turn(turn: dict[str, Any], stable: Callable[[Any], Any]) -> dict[str, Any]:
    out: dict[str, Any] = stable({k: v for k, v in turn.items() if k not in ("line", "steps")})
    out["steps"] = [_step(s, stable) for s in turn["steps"]]
    return out


def _step(step: Mapping[str, Any], stable: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """A step's snapshot form from its ``to_dict()``: masked with ``stable`` when it comes from a transcript."""
    out: dict[str, Any] = {}
    for key, value in step.items():
        if key in _DROP_STEP:
            continue
        if key == "card" and isinstance(value, dict):
            value = _card(value, stable)
        elif key == "cards" and value:
            value = [_card(c, stable) for c in value]
        elif stable is not None:
            value = stable(value)
        out[key] = value
    result = out.get("result")
    if isinstance(result, dict) and result.get("bareInstruction") is False:
        out["result"] = {k: v for k, v in result.items() if k != "bareInstruction"}
    return out


def _card(card: Mapping[str, Any], stable: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    from wxreplay.transcript import tree_text

    if stable is None:
        out = dict(card)
        if "tree" in out:
            out["tree"] = tree_text(out["tree"]) + "\n"
        return out
    return {key: tree_text(value, stable=stable) + "\n" if key == "tree" else stable(value) for key, value in card.items()}


def snapshot_data(value: Any) -> Any:
    """Plain data for ``value``: a Transcript, Card, CardNode, CallResult or TapResult in snapshot form; data as is."""
    from wxreplay.cards.card import Card, TapResult
    from wxreplay.cards.tree import CardNode
    from wxreplay.result import CallResult
    from wxreplay.transcript import Transcript, card_dict, record_call, record_tap

    if isinstance(value, Transcript):
        return scenario_snapshot(value)
    if isinstance(value, CardNode):
        return {"tree": _card({"tree": value.to_data()})["tree"]}
    if isinstance(value, Card):
        return _card(card_dict(value))
    if isinstance(value, CallResult):
        return _step(record_call(value).to_dict())
    if isinstance(value, TapResult):
        return _step(record_tap(value).to_dict())
    return value


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


def snapshot_yaml(data: Any) -> str:
    """``data`` as the snapshot file's text: the header line, then block YAML (CJK as is, keys in their order).

    Written by :func:`wxreplay.plainyaml.dump`, a pure-Python emitter that gives the text libyaml gave
    (the snapshot is serialised once per test under pytest, so its speed counts).
    """
    return HEADER + plainyaml.dump(data)


# syrupy asks an extension for a test's folder and file name a dozen times per test (registering,
# locating, discovering, reporting), each time with path arithmetic or a character-by-character
# clean-up; the answers depend only on what the keys below hold, so each is worked out once.
_NAMES: dict[tuple[Any, ...], str] = {}


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
    """

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """syrupy's folder for the snapshots of ``test_location``'s file (remembered per file)."""
        base = super().dirname
        return _remembered(("dirname", cls, str(cls.snapshot_dirname), test_location.filepath),
                           lambda: base(test_location=test_location))

    if hasattr(SingleFileSnapshotExtension, "discovery_dirname"):  # syrupy 5 and later

        @classmethod
        def discovery_dirname(cls, *, test_location: PyTestLocation) -> str:
            """The folder syrupy scans for unused snapshots (remembered per file)."""
            base = super().discovery_dirname
            return _remembered(("discovery", cls, str(cls.snapshot_dirname), test_location.filepath),
                               lambda: base(test_location=test_location))

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: SnapshotIndex = 0) -> str:
        """The snapshot's file name without extension (remembered per test and assertion index)."""
        base = super().get_snapshot_name
        return _remembered(("name", cls, test_location.filepath, test_location.snapshot_name, index),
                           lambda: base(test_location=test_location, index=index))

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        if isinstance(data, Verbatim):
            return str(data)
        return snapshot_yaml(snapshot_data(data))


def check_snapshot(snapshot: Any, value: Any, *, failed: bool, diff: Callable[[Any, Any], list[str]]) -> str | None:
    """Compare ``value`` with its snapshot through syrupy's ``snapshot`` fixture; the mismatch report, or ``None``.

    ``failed``: the run failed, so its snapshot is neither compared nor rewritten, but compared with
    itself to count as used (syrupy would otherwise report it unused, and delete it on update).
    ``diff(assertion, value)`` gives syrupy's diff lines (pytest's ``pytest_assertrepr_compare``).
    """
    assertion = snapshot.use_extension(WxSnapshotExtension)
    location = Path(assertion.extension.get_location(test_location=assertion.test_location, index=assertion.index))
    if not failed and assertion == value:
        return None
    stored = location.read_text(encoding="utf-8") if location.is_file() else None
    if failed:
        if stored is not None:
            assertion.assert_match(Verbatim(stored))
        return None
    where = snapshot_changes(stored, value) if stored is not None else []
    head = "no snapshot yet" if stored is None else "the snapshot differs" + (f" at {', '.join(where)}" if where else "")
    return "\n".join([f"{head} (pytest --snapshot-update accepts the new transcript)", *diff(assertion, value)])

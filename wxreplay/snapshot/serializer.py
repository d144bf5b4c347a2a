"""The snapshot's serializer: what a test produced, as the text of its snapshot file.

``snapshot_data(value)`` reduces a Transcript, Card, CardNode, CallResult or TapResult to the
snapshot's plain data (the transcript's records as :mod:`wxreplay.serialize` writes them, less what
a snapshot leaves out: see :mod:`wxreplay.snapshot`); ``snapshot_yaml(data)`` writes it: the header
line ``# wxreplay snapshot 1`` (the format's version, :data:`SNAPSHOT_VERSION`), then block YAML
with keys in their fixed order, CJK as is, multi-line text as ``|`` blocks.

Bump :data:`SNAPSHOT_VERSION` whenever the text this module writes for the same run changes: stored
snapshots of another version then fail with a message that asks for ``pytest --snapshot-update``
(see :mod:`wxreplay.snapshot.storage`) instead of a diff of every file. Compacting large host-call
values (:mod:`wxreplay.snapshot.compact`) did not bump it: a snapshot with no value over the limit
reads exactly as before, and one with such values fails with a diff of those lines only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from wxreplay import plainyaml
from wxreplay.serialize import tree_text
from wxreplay.snapshot.compact import compact_snapshot

if TYPE_CHECKING:
    from wxreplay.transcript import Transcript

__all__ = [
    "HEADER",
    "SNAPSHOT_VERSION",
    "Verbatim",
    "scenario_snapshot",
    "snapshot_data",
    "snapshot_yaml",
]

SNAPSHOT_VERSION = 1
HEADER_PREFIX = "# wxreplay snapshot "
HEADER = f"{HEADER_PREFIX}{SNAPSHOT_VERSION}\n"
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
    out["sessions"] = [
        {k: v for k, v in stable(s.to_dict()).items() if k != "sessionId" and v is not None} for s in transcript.sessions
    ]
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
    if stable is None:
        out = dict(card)
        if "tree" in out:
            out["tree"] = tree_text(out["tree"]) + "\n"
        return out
    return {key: tree_text(value, stable=stable) + "\n" if key == "tree" else stable(value) for key, value in card.items()}


def snapshot_data(value: Any, *, compact_bytes: int | None = None) -> Any:
    """Plain data for ``value``: a Transcript, Card, CardNode, CallResult or TapResult in snapshot form; data as is.

    Secrets are redacted as the run's cassettes redact them (:mod:`wxreplay.cassette.runsecrets`):
    the placeholders are the ones the cassette beside the snapshot shows. Then, in the host calls of
    a transcript, call or tap, values over ``compact_bytes`` (default: the limit in force, see
    :mod:`wxreplay.snapshot.compact`; ``0``: none) become a size and a digest of their redacted form.
    """
    from wxreplay.cassette.runsecrets import run_secrets

    plain, has_host_calls = _plain_snapshot(value)
    data = run_secrets().mask_data(plain)
    return compact_snapshot(data, compact_bytes) if has_host_calls else data


def _plain_snapshot(value: Any) -> tuple[Any, bool]:
    """``value`` in snapshot form, and whether that form holds host calls (the user's own data is never compacted)."""
    from wxreplay.cards.card import Card, TapResult
    from wxreplay.cards.tree import CardNode
    from wxreplay.result import CallResult
    from wxreplay.transcript import Transcript, card_dict, record_call, record_tap

    if isinstance(value, Transcript):
        return scenario_snapshot(value), True
    if isinstance(value, CardNode):
        return {"tree": _card({"tree": value.to_data()})["tree"]}, False
    if isinstance(value, Card):
        return _card(card_dict(value)), False
    if isinstance(value, CallResult):
        return _step(record_call(value).to_dict()), True
    if isinstance(value, TapResult):
        return _step(record_tap(value).to_dict()), True
    return value, False


def snapshot_yaml(data: Any) -> str:
    """``data`` as the snapshot file's text: the header line, then block YAML (CJK as is, keys in their order).

    Written by :func:`wxreplay.plainyaml.dump`, a pure-Python emitter that gives the text libyaml gave
    (the snapshot is serialised once per test under pytest, so its speed counts).
    """
    return HEADER + plainyaml.dump(data)

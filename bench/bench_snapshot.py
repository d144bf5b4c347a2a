"""Snapshot benchmark: the snapshot text of a transcript, with large host-call values compacted and in full.

Run: ``python bench/bench_snapshot.py [--rounds N]`` (about 30 s). Prints medians (and p90) in
milliseconds per transcript, unpinned and pinned to one CPU, for the example's suite (no value over
the limit) and for ``tests/skills/catalogue`` (a 35-item catalogue in five host calls):

* the compaction step alone (``compact_snapshot`` over the redacted snapshot data): what this
  feature adds to every item;
* the text and gate of the snapshot (``snapshot_data`` + ``snapshot_yaml`` + the secret scan, the
  work of the plugin's snapshot before syrupy compares), compacted and in full; the floor is the
  YAML dump alone of the same compacted data, measured in the same run.

Target: the step costs under 5% of the snapshot's text and gate on the example's suite.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from benchlib import measure, report, summary

from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.runner import RunOptions, run_scenario
from wxreplay.scenario import collect_files, load_scenario
from wxreplay.snapshot import snapshot_data, snapshot_yaml
from wxreplay.snapshot.compact import DEFAULT_COMPACT_BYTES, compact_snapshot
from wxreplay.snapshot.serializer import _plain_snapshot
from wxreplay.transcript import Transcript

ROOT = Path(__file__).resolve().parents[1]
TARGET_SHARE = 0.05
CATALOGUE_SCENARIO = """\
name: 浏览目录并调价
project: {project}
turns:
  - user: 看看目录
    plan:
      - call: browseCatalogue
  - user: 把 SKU1002 改成 21 元
    plan:
      - call: repriceItem
        args: {{sku: SKU1002, price: 21}}
      - call: browseCatalogue
        args: {{category: snack}}
"""


def transcripts() -> dict[str, list[Transcript]]:
    """The example suite's transcripts and the catalogue scenario's, each run once."""
    suite = [run_scenario(load_scenario(f), RunOptions()).transcript for f in collect_files([ROOT / "scenarios"])]
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "catalogue.scenario.yaml"
        file.write_text(CATALOGUE_SCENARIO.format(project=(ROOT / "tests" / "skills" / "catalogue").as_posix()), encoding="utf-8")
        catalogue = [run_scenario(load_scenario(file), RunOptions()).transcript]
    return {f"example suite ({len(suite)})": suite, "catalogue scenario": catalogue}


def text_and_gate(transcript: Transcript, limit: int) -> None:
    text = snapshot_yaml(snapshot_data(transcript, compact_bytes=limit))
    run_secrets().gate(text + " ", "bench", "the snapshot")  # a new text each time: the scan is not skipped


def per_item(items: list[Any], fn: Any, rounds: int) -> list[float]:
    return [ms / len(items) for ms in measure(lambda: [fn(x) for x in items], rounds)]


def lines(rounds: int) -> list[str]:
    out: list[str] = []
    for name, ts in transcripts().items():
        masked = [run_secrets().mask_data(_plain_snapshot(t)[0]) for t in ts]
        step = per_item(masked, lambda d: compact_snapshot(d, DEFAULT_COMPACT_BYTES), rounds)
        compacted = [compact_snapshot(d, DEFAULT_COMPACT_BYTES) for d in masked]
        floor = per_item(compacted, snapshot_yaml, rounds)
        compact = per_item(ts, lambda t: text_and_gate(t, DEFAULT_COMPACT_BYTES), rounds)
        full = per_item(ts, lambda t: text_and_gate(t, 0), rounds)
        small = sum(len(snapshot_yaml(d).encode()) for d in compacted) / len(ts) / 1000
        big = sum(len(snapshot_yaml(snapshot_data(t, compact_bytes=0)).encode()) for t in ts) / len(ts) / 1000
        share = sorted(step)[len(step) // 2] / sorted(compact)[len(compact) // 2]
        example = name.startswith("example")
        verdict = ("  OK" if share < TARGET_SHARE else f"  OVER target {TARGET_SHARE:.0%}") if example else " (no target)"
        out += [
            f" {name}: snapshots {small:.1f} KB compacted, {big:.1f} KB in full",
            summary("compaction step (per transcript)", step),
            summary("text + gate, compacted", compact),
            summary("text + gate, in full", full),
            summary("floor: YAML dump of the compacted data", floor),
            f"  the step is {share:.1%} of the compacted text + gate{verdict}",
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    ns = parser.parse_args()
    report("snapshot text with large host-call values compacted (ms per transcript)", lambda: lines(ns.rounds))


if __name__ == "__main__":
    main()

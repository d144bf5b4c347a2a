"""``wxreplay prune``: drop the cassette entries no scenario uses, and the cassettes no scenario names.

Every scenario is replayed (record mode none); the entries its passing replay never used are
unused. A cassette shared by several scenarios keeps every entry any of them used; a cassette
whose scenario does not pass in replay is left alone (what it uses cannot be known). An orphan is
a cassette directly in the cassette folder that no scenario names and that a scenario recorded
(every entry carries a turn number): cassettes of ``wxreplay call`` and of ``wx_session`` tests
(in sub-folders) are never touched.

Pruning is a dry run unless ``apply`` is set: a removed recording can only come back by
recording against the live service again, so the first run shows what would go.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wxreplay.cassette import Cassette
from wxreplay.errors import CassetteError
from wxreplay.runner import RunOptions, cassette_path, run_scenario
from wxreplay.scenario import load_scenario

__all__ = ["PrunePlan", "plan_prune"]


@dataclass
class _Use:
    scenarios: list[str] = field(default_factory=list)
    unused: set[int] | None = None  # entries no passing scenario used so far (None: none ran yet)
    blocked: list[str] = field(default_factory=list)  # scenarios that did not pass: keep the cassette as is


@dataclass
class PrunePlan:
    """What ``wxreplay prune`` removes: unused entries per cassette, orphan cassettes, and what it leaves alone."""

    unused: dict[Path, list[int]] = field(default_factory=dict)  # cassette -> indices (0-based)
    lines: dict[Path, list[str]] = field(default_factory=dict)  # cassette -> "entry N (line L, what)"
    orphans: list[Path] = field(default_factory=list)
    skipped: dict[Path, str] = field(default_factory=dict)  # cassette -> why it is left alone

    @property
    def empty(self) -> bool:
        """Nothing to remove."""
        return not self.unused and not self.orphans

    def apply(self) -> tuple[int, int]:
        """Remove what the plan lists: ``(entries removed, cassettes deleted)``."""
        entries = 0
        for path, indices in self.unused.items():
            entries += Cassette.open(path).drop(indices)
        for path in self.orphans:
            path.unlink()
            side = path.parent / f"{path.name}.files"
            if side.is_dir():
                shutil.rmtree(side)
        return entries, len(self.orphans)


def plan_prune(files: Sequence[Path], options: RunOptions, cassette_dirs: Sequence[Path] = ()) -> PrunePlan:
    """Replay every scenario in ``files`` and plan what to remove (``cassette_dirs``: where orphans are looked for).

    A scenario that does not load raises its :class:`ScenarioError`, as ``wxreplay run`` reports it.
    """
    replay = dataclasses.replace(options, record="none", record_explicit=True, strict=False)
    uses: dict[Path, _Use] = {}
    for file in files:
        scenario = load_scenario(file, skill=options.skill)
        path = cassette_path(scenario, options).resolve()
        use = uses.setdefault(path, _Use())
        use.scenarios.append(scenario.file)
        if scenario.skip is not None:
            use.blocked.append(f"{scenario.file} is skipped")
            continue
        if not path.is_file():
            continue
        run = run_scenario(scenario, replay)
        if run.failure is not None:
            use.blocked.append(f"{scenario.file} does not pass in replay ({run.failure.reason.splitlines()[0]})")
            continue
        unused = set(run.unused_at)
        use.unused = unused if use.unused is None else use.unused & unused
    plan = PrunePlan()
    for path, use in uses.items():
        if use.blocked and path.is_file():
            plan.skipped[path] = "; ".join(use.blocked)
        elif use.unused:
            indices = sorted(use.unused)
            plan.unused[path] = indices
            cassette = Cassette.open(path)
            plan.lines[path] = [_line(cassette, i) for i in indices]
    for folder in cassette_dirs:
        for candidate in sorted(Path(folder).glob("*.yaml")):
            if candidate.resolve() not in uses and _recorded_by_a_scenario(candidate):
                plan.orphans.append(candidate)
    return plan


def _line(cassette: Cassette, i: int) -> str:
    found = cassette.unused_lines_of([i])
    return found[0] if found else f"entry {i + 1}"


def _recorded_by_a_scenario(path: Path) -> bool:
    """Whether every entry of the cassette at ``path`` carries a turn (scenario runs set it; ``call`` and tests do not)."""
    try:
        entries = Cassette.open(path).entries
    except CassetteError:
        return False  # not a readable cassette: not ours to delete
    return bool(entries) and all(e.get("turn") is not None for e in entries)

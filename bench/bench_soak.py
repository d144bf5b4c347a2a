"""Soak: many sessions in one process; RSS must stop growing once the process is warm.

    python bench/bench_soak.py            # 10,000 sessions
    python bench/bench_soak.py 1500       # a shorter run

Each session loads a small skill (tests/skills/notes), makes two calls and closes; every tenth
one is a hostile probe (a 40 MB memory bomb, stopped by the heap limit). RSS is printed every
500 sessions; the figure to watch is the growth after the first 1,000 (target: under 20 MB).
The floor measured in the same run is the RSS after the first 1,000 sessions.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

from wxreplay import Project, Session, SessionLimits
from wxreplay.errors import MemoryLimitError

HOSTILE_INDEX = (
    "wx.modelContext.registerAPI('bomb', async () => { const a = []; for (;;) a.push('x'.repeat(1 << 20) + a.length) })\n"
    "wx.modelContext.registerAPI('ok', async () => ({ content: [{ type: 'text', text: 'ok' }] }))\n"
)


def rss_mb() -> float:
    """This process's resident set size, in MB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def hostile_project(root: Path) -> Project:
    """A one-skill project whose ``bomb`` API grows its heap until V8 stops it."""
    (root / "skills/probe").mkdir(parents=True)
    (root / "app.json").write_text(
        '{"pages": ["pages/home/home"], "subPackages": [{"root": "skills", "independent": true, "pages": []}],'
        ' "agent": {"skills": [{"name": "probe", "description": "p", "path": "skills/probe"}]}}'
    )
    (root / "skills/probe/SKILL.md").write_text("# probe\n")
    (root / "skills/probe/mcp.json").write_text(
        '{"apis": [{"name": "bomb", "description": "b", "inputSchema": {"type": "object"}},'
        ' {"name": "ok", "description": "o", "inputSchema": {"type": "object"}}]}'
    )
    (root / "skills/probe/index.js").write_text(HOSTILE_INDEX)
    return Project.load(root)


def main(n: int) -> None:
    """Run ``n`` sessions and print RSS at intervals and the growth after the first 1,000."""
    tests = Path(__file__).resolve().parents[1] / "tests" / "skills"
    notes = Project.load(tests / "notes")
    hostile = hostile_project(Path(tempfile.mkdtemp(prefix="wxreplay-soak-")))
    limits = SessionLimits(memory_mb=48)
    api = notes.skills[0].api_names()[0]
    start = rss_mb()
    floor: float | None = None
    t0 = time.perf_counter()
    print(f"soak: {n} sessions, RSS at start {start:.1f} MB")
    for i in range(1, n + 1):
        if i % 10 == 0:
            with Session(hostile, limits=limits) as s:
                try:
                    s.call("bomb")
                except MemoryLimitError:
                    pass  # the expected end of the probe; anything else is a bug and stops the soak
                else:
                    raise SystemExit("the memory bomb was not stopped")
                s.call("ok")
        else:
            with Session(notes, limits=limits) as s:
                s.call(api, {"title": f"note {i}"})
        if i % 500 == 0 or i == n:
            gc.collect()
            now = rss_mb()
            if i >= 1000 and floor is None:
                floor = now
            growth = "" if floor is None else f"   growth since 1,000: {now - floor:+.1f} MB"
            print(f"  {i:>6} sessions  RSS {now:7.1f} MB  ({time.perf_counter() - t0:6.1f} s){growth}")
    end = rss_mb()
    if floor is None:
        print(f"RSS {start:.1f} -> {end:.1f} MB; run at least 1,000 sessions for the growth figure")
    else:
        verdict = "OK" if end - floor < 20 else "OVER the 20 MB target"
        print(
            f"RSS start {start:.1f} MB, after 1,000 {floor:.1f} MB (floor), end {end:.1f} MB: "
            f"growth {end - floor:+.1f} MB {verdict}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

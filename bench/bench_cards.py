"""Card benchmark: render a 3-item and a 50-item list card, and a tap that re-renders.

Run: ``python bench/bench_cards.py [--rounds N]``. Uses tests/skills/cards-lab's ``listItems`` API
and its ``list`` card. Prints medians (and p90) in milliseconds, unpinned and pinned to one CPU,
against the targets of issue 3: first render of a small card < 10 ms, re-render after a tap < 5 ms.

"first render" is the first card of a session (its card context gets the subpackage sources, the
WXML runtime and the template); "render" is a further card of the same component in a warm
session. The API call that produces the result is not timed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchlib import measure, report, summary

from wxreplay import CallResult, Device, Project, Session

LAB = Path(__file__).resolve().parents[1] / "tests" / "skills" / "cards-lab"


def first_renders(project: Project, n: int, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        with Session(project, device=Device()) as s:
            result = s.call("listItems", {"n": n})
            t = time.perf_counter()
            s.render(result)
            out.append((time.perf_counter() - t) * 1000)
    return out


def run(project: Project, rounds: int) -> list[str]:
    lines = []
    cold = max(rounds // 10, 10)
    lines.append(summary("first render, 3-item list (new session)", first_renders(project, 3, cold), 10))
    lines.append(summary("first render, 50-item list (new session)", first_renders(project, 50, cold)))
    with Session(project, device=Device()) as s:
        small: CallResult = s.call("listItems", {"n": 3})
        big: CallResult = s.call("listItems", {"n": 50})
        for _ in range(10):
            s.render(small)
            s.render(big)
        lines.append(summary("render, 3-item list (warm)", measure(lambda: s.render(small), rounds), 10))
        lines.append(summary("render, 50-item list (warm)", measure(lambda: s.render(big), rounds)))
        card = s.render(small)
        for _ in range(10):
            card.tap(".row", index=1)
        lines.append(summary("tap + re-render, 3-item list", measure(lambda: card.tap(".row", index=1), rounds), 5))
        card50 = s.render(big)
        lines.append(summary("tap + re-render, 50-item list", measure(lambda: card50.tap(".row", index=1), rounds)))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    ns = parser.parse_args()
    project = Project.load(LAB)
    Session(project, device=Device()).close()  # first V8 start in the process
    report(f"wxreplay card benchmark ({ns.rounds} rounds)", lambda: run(project, ns.rounds))


if __name__ == "__main__":
    main()

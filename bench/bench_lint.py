"""Lint benchmark: ``wxreplay lint`` over the example project and over a generated 30-skill project.

Run: ``python bench/bench_lint.py [--rounds N]``; it prints every figure unpinned, then pinned to one
CPU. Each lint is a cold run: a fresh lint context, so nothing parsed or loaded by the previous round
is reused (every cache of the linter, those keyed on file texts included, lives in that context and
ends with the lint). The floor beside it is what linting cannot avoid: loading the project
(``Project.load``, no cache) and booting each skill's session once (the runtime registration facts),
one skill after another, as a session does. Target of issue 17: under 1 s for 30 skills.

The linter loads the skills one at a time in the background while the file rules run (when the
process may use more than one CPU; pinned, they load when a rule first asks), and shares the work of
files with the same text (parses, walks, JSON positions). The 30 skills of the target project are
copies of the example's coffee skill (same APIs, cards and utils; each with its own folder and
createSkill path, in one independent subpackage), so their files share texts; the "30 distinct
skills" line lints the same project with a comment or blank lines added to every file of each skill,
so that no two files share a text: what 30 skills written apart cost. The "cpu" line splits the CPU
time of that lint between its main thread (the file rules) and the rest (V8 loading the skills): on
two idle cores the wall time is about the larger of the two, on a machine whose other work takes a
core, about their sum.

Those lines lint in this process, one process for everything (``-j 1``): after its first V8 a process
can fork no worker. The last four run each lint in a fresh process, as ``wxreplay lint`` does, whose
default (``-j 0``) forks a worker per CPU for the file rules of a large project while it loads the
skills itself (``wxreplay/lint/workers.py``); start-up and imports are not counted, V8's first start is.
Pinned to one CPU, ``-j 0`` forks nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchlib import measure, report, summary

from wxreplay.lint import lint_paths
from wxreplay.project import Project
from wxreplay.session import Session

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "westore-cafe"
TARGET_30_MS = 1000.0


def make_thirty(root: Path) -> Path:
    """The example project with its coffee skill copied into 30 skills (``skills/coffee-01`` ...)."""
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("service", "__pycache__"))
    app = json.loads((root / "app.json").read_text(encoding="utf-8"))
    source = root / "skills" / "coffee"
    entries = []
    for i in range(1, 31):
        name = f"coffee-{i:02d}"
        dest = root / "skills" / name
        shutil.copytree(source, dest)
        index = dest / "index.js"
        index.write_text(index.read_text(encoding="utf-8").replace("'skills/coffee'", f"'skills/{name}'"), encoding="utf-8")
        entries.append({"name": name, "description": f"WeStore 咖啡点单 {i}", "path": f"skills/{name}"})
    shutil.rmtree(source)
    app["agent"]["skills"] = entries
    (root / "app.json").write_text(json.dumps(app, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


#: How a comment is written in each text file of a skill, to make every copy's text its own.
_COMMENTS = {
    ".js": "\n// {}\n",
    ".wxs": "\n// {}\n",
    ".wxss": "\n/* {} */\n",
    ".wxml": "\n<!-- {} -->\n",
    ".md": "\n<!-- {} -->\n",
}


def make_thirty_distinct(root: Path) -> Path:
    """:func:`make_thirty` with no two files of the same text: the linter's per-text sharing has nothing to share.

    Each skill's JS, WXS, WXSS, WXML and Markdown files end with a comment naming the skill, and its
    JSON files with as many blank lines as its number: the same findings, no text twice.
    """
    make_thirty(root)
    for i in range(1, 31):
        name = f"coffee-{i:02d}"
        for path in sorted((root / "skills" / name).rglob("*")):
            comment = _COMMENTS.get(path.suffix)
            if comment is not None:
                path.write_text(path.read_text(encoding="utf-8") + comment.format(name), encoding="utf-8")
            elif path.suffix == ".json":
                path.write_text(path.read_text(encoding="utf-8") + "\n" * i, encoding="utf-8")
    return root


def floor(root: Path) -> None:
    """Load the project and boot each skill's session once: the part of a lint nothing can skip."""
    project = Project.load(root)
    for skill in project.skills:
        Session(project, skill.name, transport=httpx.MockTransport(lambda r: httpx.Response(500))).close()


def lint_once(root: Path) -> None:
    run = lint_paths([root])
    assert not run.crashes, run.crashes


def cpu_split(root: Path, rounds: int) -> str:
    """The CPU time of a lint of ``root``: its main thread (the file rules) and the rest (V8 loading the skills).

    On two idle cores the two run side by side and the wall time is about the larger; when other
    work takes a core, it is about their sum.
    """
    main, total = [], []
    for _ in range(rounds):
        thread, process = time.thread_time(), time.process_time()
        lint_once(root)
        main.append((time.thread_time() - thread) * 1000)
        total.append((time.process_time() - process) * 1000)
    main_ms, total_ms = statistics.median(main), statistics.median(total)
    return f"  {'cpu, 30 distinct skills: main thread + rest':<44} {main_ms:7.0f} ms + {total_ms - main_ms:.0f} ms"


#: Run in a fresh process by :func:`fresh_lint`: imports and the JS grammar first, then one timed lint.
_FRESH = """
import sys, time
from wxreplay.lint import lint_paths
from wxreplay.lint.jsparse import parse_js
parse_js("warm.js", "0")
start = time.perf_counter()
run = lint_paths([sys.argv[1]], jobs=int(sys.argv[2]))
print((time.perf_counter() - start) * 1000, run.workers)
"""


def fresh_lint(root: Path, jobs: int, rounds: int) -> tuple[list[float], set[int]]:
    """The lint of ``root`` as ``wxreplay lint -j JOBS`` runs it: once in a fresh process, whose start-up
    (interpreter, imports) is not counted; per round, the milliseconds and the workers it forked.

    A process forks workers only before its first V8 (``wxreplay.lint.workers.fork_safe``); this one
    has long started V8, hence a process per lint.
    """
    times, forked = [], set()
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", _FRESH, str(root), str(jobs)], capture_output=True, text=True, check=True)
        ms, workers = done.stdout.split()
        times.append(float(ms))
        forked.add(int(workers))
    return times, forked


def fresh_summary(name: str, root: Path, jobs: int, rounds: int, target: float | None = None) -> str:
    """:func:`summary` of :func:`fresh_lint`, with the workers each lint forked."""
    times, forked = fresh_lint(root, jobs, rounds)
    return summary(name, times, target) + f"  (workers: {'/'.join(map(str, sorted(forked)))})"


def run(thirty: Path, distinct: Path, rounds: int) -> list[str]:
    """The figures, each lint beside its floor."""
    lint_once(EXAMPLE)  # warm the interpreter: imports, tree-sitter grammar, V8
    return [
        summary("floor: load + boot, example", measure(lambda: floor(EXAMPLE), rounds)),
        summary("lint, example", measure(lambda: lint_once(EXAMPLE), rounds)),
        summary("floor: load + boot, 30 skills", measure(lambda: floor(thirty), rounds)),
        summary("lint, 30 skills", measure(lambda: lint_once(thirty), rounds), TARGET_30_MS),
        summary("floor: load + boot, 30 distinct skills", measure(lambda: floor(distinct), rounds)),
        # The target holds for this line too: skills written apart share no text for the caches to reuse.
        summary("lint, 30 distinct skills (no text shared)", measure(lambda: lint_once(distinct), rounds), TARGET_30_MS),
        cpu_split(distinct, rounds),
        "  as the command runs it, a fresh process per lint (V8 started cold):",
        fresh_summary("lint -j 1, 30 skills", thirty, 1, rounds),
        fresh_summary("lint -j 0, 30 skills", thirty, 0, rounds, TARGET_30_MS),
        fresh_summary("lint -j 1, 30 distinct skills", distinct, 1, rounds),
        fresh_summary("lint -j 0, 30 distinct skills", distinct, 0, rounds, TARGET_30_MS),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        thirty = make_thirty(Path(tmp) / "thirty")
        distinct = make_thirty_distinct(Path(tmp) / "distinct")
        findings = lint_paths([thirty]).report.findings
        same = len(lint_paths([distinct]).report.findings) == len(findings)
        assert same, "the distinct copies must lint like the copies"
        title = f"wxreplay lint: example project (1 skill) and a generated 30-skill project ({len(findings)} findings in it)"
        report(title, lambda: run(thirty, distinct, rounds))


if __name__ == "__main__":
    main()

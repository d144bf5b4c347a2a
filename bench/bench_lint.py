"""Lint benchmark: ``wxreplay lint`` over the example project and over a generated 30-skill project.

Run: ``python bench/bench_lint.py [--rounds N]``. Each lint is a cold run (a fresh lint context, so
nothing parsed by the previous round is reused); the floor beside it is what linting cannot avoid:
loading the project (``Project.load``, no cache) and booting each skill's session once (the runtime
registration facts), one skill after another, as a session does; the linter loads two skills at a
time (``wxreplay.lint.context.FACT_WORKERS``), so on two cores its share of that floor is about two
thirds. Target of issue 17: under 1 s for 30 skills. Pin to one CPU (``taskset -c 0``) to see the
figures without the parallel loads' gain.

The 30 skills are copies of the example's coffee skill (same APIs, cards and utils), each with its
own folder and createSkill path, in one independent subpackage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import httpx
from benchlib import measure, summary

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


def floor(root: Path) -> None:
    """Load the project and boot each skill's session once: the part of a lint nothing can skip."""
    project = Project.load(root)
    for skill in project.skills:
        Session(project, skill.name, transport=httpx.MockTransport(lambda r: httpx.Response(500))).close()


def lint_once(root: Path) -> None:
    run = lint_paths([root])
    assert not run.crashes, run.crashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        thirty = make_thirty(Path(tmp) / "thirty")
        findings = lint_paths([thirty]).report.findings
        print(f"wxreplay lint: example project (1 skill) and a generated 30-skill project ({len(findings)} findings in it)")
        lint_once(EXAMPLE)  # warm the interpreter: imports, tree-sitter grammar, V8
        print(summary("floor: load + boot, example", measure(lambda: floor(EXAMPLE), rounds)))
        print(summary("lint, example", measure(lambda: lint_once(EXAMPLE), rounds)))
        print(summary("floor: load + boot, 30 skills", measure(lambda: floor(thirty), rounds)))
        print(summary("lint, 30 skills", measure(lambda: lint_once(thirty), rounds), TARGET_30_MS))


if __name__ == "__main__":
    main()

"""The lint targets whose findings must never change with a performance change, and their JSON output.

``golden_findings.json`` (beside this file, in ``data/``) holds ``wxreplay lint --format json`` of each
target as the linter printed it before the lint speed-up of issue 17: the example project, every
skill fixture under ``tests/skills/``, the generated 30-skill project of ``bench/bench_lint.py``,
the secret fixtures of the lint tests and every failing fixture of ``test_lint_rules.RULE_CASES``.
Re-record only for an intended change of findings: ``python tests/unit/lint/lint_golden.py --record``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
GOLDEN = HERE / "data" / "golden_findings.json"
KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "bench"))


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    """Findings show paths relative to the working directory: fix it so labels are the same each run."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def lint_json(target: Path, cwd: Path, *, jobs: int = 1, workers: dict[str, int] | None = None) -> dict[str, object]:
    """The ``--format json`` document of linting ``target`` (given relative to ``cwd``), and the crashed rules.

    ``workers``, when given, gets the number of worker processes the lint forked, under the target's path.
    """
    from wxreplay.errors import ProjectError
    from wxreplay.lint import lint_paths
    from wxreplay.lint.report_json import format_json

    with _cwd(cwd):
        try:
            run = lint_paths([os.path.relpath(target, cwd)], jobs=jobs)
        except ProjectError as e:  # not a project nor a skill: the usage error, kept as it reads
            return {"error": str(e).replace(str(REPO), "<repo>")}
    if workers is not None:
        workers[str(target)] = run.workers
    doc = json.loads(format_json(run.report))
    doc["crashes"] = sorted(c.rule for c in run.crashes)
    return doc


def in_fresh_child(work: Callable[[], dict[str, object]]) -> dict[str, object]:
    """``work()`` run in a child forked from this process, its JSON-able result sent back through a pipe.

    For the lints with workers: a lint process may fork its workers only before its first V8
    (``workers.fork_safe``); a child of a process that never starts V8 itself is such a process.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            found = work()
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                pipe.write(json.dumps(found))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert status == 0 and text, f"the child died (status {status})"
    result: dict[str, object] = json.loads(text)
    return result


def lint_json_in_workers(
    target: Path, cwd: Path, *, jobs: int = 2, prepare: Callable[[], dict[str, int]] | None = None
) -> dict[str, object]:
    """:func:`lint_json` with the file rules in ``jobs`` worker processes, whatever the target's size, in a fresh child.

    ``prepare`` runs in the child first; the dict it returns is added to the document after the lint
    (counts the lint updates), with the number of workers used under ``"workers"``.
    """

    def work() -> dict[str, object]:
        from wxreplay.lint import workers as lint_workers

        lint_workers.MIN_SPLIT_BYTES = 0  # split the small fixtures too
        extra = prepare() if prepare is not None else {}
        forked: dict[str, int] = {}
        doc = lint_json(target, cwd, jobs=jobs, workers=forked)
        return {**doc, "workers": sum(forked.values()), **extra}

    return in_fresh_child(work)


def repo_targets() -> dict[str, Path]:
    """The example project and each skill fixture under ``tests/skills/``, linted from the repository root."""
    found = {"example": REPO / "examples" / "westore-cafe"}
    for d in sorted((REPO / "tests" / "skills").iterdir()):
        if d.is_dir() and not d.name.startswith("_"):
            found[f"skills/{d.name}"] = d
    return found


def generated_targets() -> dict[str, Callable[[Path], Path]]:
    """Projects written into a scratch directory: name -> writer(root) returning the lint target."""
    from bench_lint import make_thirty
    from lint_support import SKILL, Proj
    from test_lint_rules import RULE_CASES

    def proj_case(mutate: Callable[[Proj], object]) -> Callable[[Path], Path]:
        def write(root: Path) -> Path:
            p = Proj()
            mutate(p)
            return p.write(root)

        return write

    def key_multiline(p: Proj) -> None:
        p.files[f"{SKILL}/utils/config.js"] = f"module.exports = {{\n  apiKey: '{KEY}'\n}}\n"

    def key_json(p: Proj) -> None:
        p.files[f"{SKILL}/utils/keys.json"] = json.dumps({"apiKey": KEY, "note": "x"}, indent=2)

    def every_skill(loadable: bool) -> Callable[[Path], Path]:
        """One project holding the skills of every fixture and every failing rule case, a subpackage each:
        the target that puts the findings of most rules into many skills at once (test_lint_workers).
        ``loadable``: only those whose own project loads, so that the whole one loads too."""

        def write(root: Path) -> Path:
            import shutil
            import tempfile

            from wxreplay.errors import ProjectError
            from wxreplay.project import Project

            folders = {f"f-{name.split('/')[-1]}": path for name, path in repo_targets().items() if name != "example"}
            scratch = Path(tempfile.mkdtemp())
            for i, (_, mutate) in enumerate(RULE_CASES):
                folders[f"case-{i}"] = proj_case(mutate)(scratch / str(i))
            entries, subpackages = [], []
            for top, project in folders.items():
                skills = project / "skills"
                if not skills.is_dir():
                    continue
                names = sorted(d.name for d in skills.iterdir() if d.is_dir() and not d.name.startswith("_"))
                if loadable:
                    try:
                        names = [Path(s.path).name for s in Project.load(project).skills]
                    except ProjectError:
                        continue
                shutil.copytree(skills, root / top, symlinks=True)
                subpackages.append({"root": top, "independent": True, "pages": []})
                for name in names:
                    entries.append({"name": f"{top}-{name}", "description": f"{top} {name}", "path": f"{top}/{name}"})
            shutil.rmtree(scratch)
            app = {"pages": ["pages/home/home"], "subPackages": subpackages, "agent": {"skills": entries}}
            (root / "app.json").write_text(json.dumps(app, ensure_ascii=False, indent=2), encoding="utf-8")
            return root

        return write

    writers: dict[str, Callable[[Path], Path]] = {
        "thirty": make_thirty,
        "clean": proj_case(lambda p: None),
        "every-skill": every_skill(loadable=True),
        "every-skill-broken": every_skill(loadable=False),
    }
    writers["secret-multiline"] = proj_case(key_multiline)
    writers["secret-json"] = proj_case(key_json)
    for i, (rule_id, mutate) in enumerate(RULE_CASES):
        writers[f"rule-{rule_id}-{i}"] = proj_case(mutate)
    return writers


def lint_all(scratch: Path) -> dict[str, object]:
    """Every target's JSON lint output (generated projects written under ``scratch``)."""
    out: dict[str, object] = {name: lint_json(path, REPO) for name, path in repo_targets().items()}
    for name, write in generated_targets().items():
        root = scratch / name
        write(root)
        out[name] = lint_json(root, scratch)
    return out


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(json.dumps(lint_all(Path(tmp)), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {GOLDEN}")

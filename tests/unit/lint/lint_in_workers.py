"""Lints with the file rules in worker processes, each in a fresh process, for ``test_lint_workers.py``.

A process may fork lint workers only before its first V8 (``wxreplay.lint.workers.fork_safe``), and
the pytest process has long started V8; so the tests run this script, which never starts V8 itself
and lints each target in a child of its own (``lint_golden.lint_json_in_workers``). It prints one
JSON object: case -> the lint's JSON document, with ``"workers"`` (forked and used) and ``"forks"``
(the lint process's calls of ``os.fork``).

    python lint_in_workers.py SCRATCH CASE ...

A case is ``TARGET:JOBS`` (a target of ``lint_golden``: ``thirty``, ``every-skill``, ``skills/notes``)
or one of the named cases below, each about one way a worker or its parent can fail.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from lint_golden import REPO, generated_targets, in_fresh_child, lint_json, lint_json_in_workers, repo_targets

Check = Callable[[object], Iterable[object]]


def _patch_rule(rule_id: str, replace: Callable[[Check, object], Iterable[object]]) -> None:
    """Make rule ``rule_id`` call ``replace(check, ctx)`` instead of ``check(ctx)``."""
    from wxreplay.lint import runner

    original = runner.checks

    def checks() -> list[tuple[object, Check]]:
        return [(r, (lambda ctx, c=c: replace(c, ctx)) if r.id == rule_id else c) for r, c in original()]

    runner.checks = checks  # type: ignore[assignment]


def _count_forks() -> dict[str, int]:
    """Count this process's calls of ``os.fork`` (the workers' own do not count) into ``{"forks": n}``."""
    counted = {"forks": 0}
    real_fork, me = os.fork, os.getpid()

    def fork() -> int:
        if os.getpid() == me:
            counted["forks"] += 1
        return real_fork()

    os.fork = fork
    return counted


def _worker_dies() -> None:
    """WXR109 kills the worker that runs it (as the kernel's OOM killer would); the lint process runs it fine."""
    lint_process = os.getpid()

    def dies(check: Check, ctx: object) -> Iterable[object]:
        if os.getpid() != lint_process:
            os._exit(3)
        return list(check(ctx))

    _patch_rule("WXR109", dies)


def _rule_crashes() -> None:
    """WXR109 raises wherever it runs: a bug of the linter, reported once, with no finding of that rule."""

    def crashes(check: Check, ctx: object) -> Iterable[object]:
        raise RuntimeError("WXR109 broke")

    _patch_rule("WXR109", crashes)


def _file_rule_uses_v8() -> None:
    """WXR109 (a file rule) asks for a V8 isolate: in a worker that must fail at once, never hang."""
    lint_process = os.getpid()

    def uses_v8(check: Check, ctx: object) -> Iterable[object]:
        from wxreplay.runtime.engine import V8Isolate

        if os.getpid() != lint_process:
            V8Isolate(memory_limit=64 << 20, wall_timeout=5).eval("1")
        return list(check(ctx))

    _patch_rule("WXR109", uses_v8)


def _another_thread() -> None:
    """A second thread runs in the lint process (as under the pytest plugin): the lint must not fork."""
    threading.Thread(target=threading.Event().wait, daemon=True).start()


CASES: dict[str, tuple[str, int, Callable[[], None]]] = {
    "worker-dies": ("every-skill", 2, _worker_dies),
    "rule-crashes": ("every-skill", 2, _rule_crashes),
    "rule-crashes-one-process": ("every-skill", 1, _rule_crashes),
    "another-thread": ("thirty", 2, _another_thread),
    "file-rule-uses-v8": ("every-skill", 2, _file_rule_uses_v8),
}


def parent_raises(target: Path, cwd: Path) -> dict[str, object]:
    """Lint in a fresh child whose runtime rule WXR112 raises KeyboardInterrupt (Ctrl-C, or a bug past the runner):
    say whether it reached the caller and whether any worker outlived the lint."""

    def work() -> dict[str, object]:
        from wxreplay.lint import workers as lint_workers

        lint_workers.MIN_SPLIT_BYTES = 0

        def interrupted(check: Check, ctx: object) -> Iterable[object]:
            raise KeyboardInterrupt

        _patch_rule("WXR112", interrupted)
        counted = _count_forks()
        raised = False
        try:
            lint_json(target, cwd, jobs=2)
        except KeyboardInterrupt:
            raised = True
        try:
            os.waitpid(-1, os.WNOHANG)
            left = True  # a child not reaped yet: a worker the runner forgot
        except ChildProcessError:
            left = False
        return {"raised": raised, "children left": left, **counted}

    return in_fresh_child(work)


def main(scratch: Path, cases: list[str]) -> dict[str, object]:
    """Each case's result (see the module docstring)."""
    targets = {name: (path, REPO) for name, path in repo_targets().items()}
    for name, write in generated_targets().items():
        targets[name] = (write(scratch / name), scratch)
    out: dict[str, object] = {}
    for case in cases:
        if case == "parent-raises":
            out[case] = parent_raises(*targets["thirty"])
            continue
        if case in CASES:
            name, jobs, prepared = CASES[case]
        else:
            name, _, jobs_text = case.rpartition(":")
            jobs, prepared = int(jobs_text), None

        def prepare(prepared: Callable[[], None] | None = prepared) -> dict[str, int]:
            counted = _count_forks()
            if prepared is not None:
                prepared()
            return counted

        out[case] = lint_json_in_workers(*targets[name], jobs=jobs, prepare=prepare)
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2:])))

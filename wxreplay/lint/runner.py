"""Run the registered rules over lint targets: select, check, suppress, sort."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wxreplay.lint.catalog import checks
from wxreplay.lint.context import LintContext
from wxreplay.lint.model import LintFinding, LintReport
from wxreplay.lint.registry import SEVERITY_RANK, Rule
from wxreplay.lint.settings import LintSettings
from wxreplay.lint.suppress import Marks, is_suppressed
from wxreplay.lint.workers import Check, RuleResult, merged, plan_shares, run_checks, start_workers

__all__ = ["RuleCrash", "fails", "lint_paths", "spare_cpu"]


@dataclass
class RuleCrash:
    """A rule that raised: a bug of the linter, never of the package (the run exits 2)."""

    rule: str
    target: str
    error: str


@dataclass
class LintRun:
    """A :class:`LintReport` and the rules that crashed on the way."""

    report: LintReport
    crashes: list[RuleCrash] = field(default_factory=list)
    workers: int = 0  # worker processes whose results were used, over all targets (0: everything ran in this one)


#: The interpreter's thread switch interval while a lint runs (seconds; Python's default is 0.005).
#: The background skill loads wait on V8 with the GIL released; each time V8 answers, the waiting
#: thread needs the GIL back from the main thread, busy with file rules, which gives it up only at
#: the next switch interval: up to 5 ms, about ten times per load (the pool's boot and the load).
#: Measured on 30 distinct skills: 3-10% off the lint (the noise of a shared machine is as large).
LINT_SWITCH_INTERVAL = 0.0005


def lint_paths(paths: Sequence[str | Path], settings: LintSettings | None = None, *, jobs: int = 1) -> LintRun:
    """Lint each project or skill directory in ``paths`` (raises ProjectError for a path that does not exist).

    ``jobs``: processes for the file rules of a target with many skills (:mod:`wxreplay.lint.workers`):
    1 (the default) lints in this process; 0 forks a worker per CPU when this process may fork safely
    and the target is large enough to gain; N forks up to N. The findings are the same either way.
    """
    with _gc_paused(), _switch_interval(LINT_SWITCH_INTERVAL):
        return _lint_paths(paths, settings, jobs)


@contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    """``sys.setswitchinterval(seconds)`` while the block runs (never longer than it was), as it was afterwards."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(seconds, before))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic GC paused while a lint runs, as it was before afterwards.

    A lint builds hundreds of thousands of small objects (parse trees, node indexes) that live until
    it ends; the collector would traverse them again and again for nothing to free (measured on 30
    skills with no text shared: 0.1-0.5 s of a 1.7 s lint). What cycles a lint leaves are freed by
    the next collection after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _lint_paths(paths: Sequence[str | Path], settings: LintSettings | None, jobs: int) -> LintRun:
    settings = settings or LintSettings()
    run = LintRun(LintReport())
    seen: set[tuple[object, ...]] = set()
    for given in paths:
        ctx = LintContext.load(given)
        run.report.targets.append(str(given))
        enabled = [(r, check) for r, check in checks() if settings.enabled(r)]
        # The rules that need the runtime go last, to give the loads the most time; findings are
        # sorted at the end and crashes by rule id, so the order the rules run in shows nowhere.
        file_rules = [(r, check) for r, check in enabled if not r.runtime]
        runtime_rules = [(r, check) for r, check in enabled if r.runtime]
        crashes: list[RuleCrash] = []
        marks: dict[str, Marks] = {}  # each file's suppression comments, read once
        try:
            for result in _check_target(ctx, file_rules, runtime_rules, jobs, run):
                if result.crash is not None:  # a crash is the linter's bug: reported, and the run exits 2
                    crashes.append(RuleCrash(result.rule, str(given), result.crash))
                for f in result.findings:
                    key = (str(ctx.root), f.rule, f.file, f.line, f.column, f.message)
                    if key in seen:
                        continue
                    seen.add(key)
                    # before close(): suppressions read the files the lint has read already
                    rel = ctx.relative(f.file) if f.file else None
                    if settings.ignored_in(rel, f.rule) or is_suppressed(f, ctx.read_label, marks):
                        run.report.suppressed += 1
                        continue
                    run.report.findings.append(f)
        finally:
            ctx.close()  # no load outlives the lint, even one no rule waited for
        run.crashes.extend(sorted(crashes, key=lambda c: c.rule))
    run.report.findings.sort(key=LintFinding.sort_key)
    return run


def _check_target(
    ctx: LintContext,
    file_rules: list[tuple[Rule, Check]],
    runtime_rules: list[tuple[Rule, Check]],
    jobs: int,
    run: LintRun,
) -> list[RuleResult]:
    """Every rule's result over one target, the file rules' first: in this process, or the file rules in
    forked workers (a share of the skills each) while this process loads the skills for the runtime rules."""
    shares = plan_shares(ctx, jobs) if file_rules and jobs != 1 else []
    if shares:
        ctx.read_sources()  # read once, here: the workers inherit the texts
        workers = start_workers(ctx, shares, file_rules)  # before V8 starts: a fork must find no other thread
        try:
            if runtime_rules and spare_cpu():
                ctx.start_runtime()
            later = run_checks(ctx, runtime_rules)
            per_share = [w.results() for w in workers]
        except BaseException:
            for w in workers:
                w.stop()
            raise
        if all(found is not None for found in per_share):
            run.workers += len(workers)
            return [*merged([found for found in per_share if found is not None]), *later]
        # A worker died (killed, out of memory) or sent back nonsense: the file rules run here instead.
        return [*run_checks(ctx, file_rules), *later]
    if runtime_rules and spare_cpu():
        ctx.start_runtime()  # V8 loads the skills on another core while the file rules run here
    return run_checks(ctx, file_rules + runtime_rules)


def spare_cpu() -> bool:
    """Whether this process may run on more than one CPU (``taskset -c 0`` says no).

    On one CPU the background loads only take turns with the file rules, and every turn costs a
    thread switch: the runtime rules then load the skills when they first ask, as before.
    """
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity on this system (macOS, Windows): count the CPUs
        return (os.cpu_count() or 1) > 1


def fails(report: LintReport, *, strict: bool) -> bool:
    """Whether the findings reach the threshold: errors always, warnings with ``strict``; info never."""
    threshold = SEVERITY_RANK["warning" if strict else "error"]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings)

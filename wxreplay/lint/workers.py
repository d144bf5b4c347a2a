"""The file rules of a many-skill lint in forked worker processes, each over a contiguous share of the skills.

A lint's file rules (parse, walk, check) are Python holding the GIL: threads cannot share them out,
processes can. Each worker is forked from a process with no other thread (V8's included), checks its
share of the skills with every rule that needs no runtime, and sends back what each rule found; the
parent meanwhile loads the skills in V8 for the runtime rules. Every rule is per skill or per project
(the project's own files read the same from every share), so the shares' findings together are the
findings of one process: ``tests/unit/lint/test_lint_workers.py`` holds them to that, byte for byte.

A worker that dies, or sends back what does not read, costs only time: the parent then runs the file
rules itself. Never forked: off Linux, when the process has a second thread (the pytest plugin,
anything that has started V8), or when the caller asks for one process (the library's default).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from wxreplay.lint.context import LintContext, SkillTarget
from wxreplay.lint.model import LintFinding
from wxreplay.lint.registry import Rule
from wxreplay.runtime.engine import refuse_v8

__all__ = [
    "MAX_WORKERS",
    "MIN_SPLIT_BYTES",
    "Check",
    "RuleResult",
    "Worker",
    "fork_safe",
    "merged",
    "plan_shares",
    "run_checks",
    "start_workers",
]

#: Workers at most, whatever the CPU count: past this, the loads in the parent are the longer part.
MAX_WORKERS = 8

#: Below this many bytes of skill files in all, a lint is faster in one process. Measured with two
#: workers against one process: 26 KB (two skills) 7-12 ms slower; ~200 KB even; 400 KB 10-20% faster.
MIN_SPLIT_BYTES = 256_000

Check = Callable[[LintContext], Iterable[LintFinding]]


@dataclass
class RuleResult:
    """What one rule found over one share of the skills, or the traceback of its crash."""

    rule: str
    findings: list[LintFinding]
    crash: str | None = None


def run_checks(ctx: LintContext, rules: Sequence[tuple[Rule, Check]]) -> list[RuleResult]:
    """Run ``rules`` over ``ctx``, each to its end or its crash (a crash is the linter's bug, kept as its traceback)."""
    results = []
    for r, check in rules:
        try:
            results.append(RuleResult(r.id, list(check(ctx))))
        except Exception:
            results.append(RuleResult(r.id, [], traceback.format_exc(limit=6)))
    return results


def fork_safe() -> bool:
    """Whether this process may fork a worker: Linux, and no thread but this one (V8's included).

    ``/proc/self/task`` lists native threads too: V8's platform workers, which ``threading`` does not see.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def plan_shares(ctx: LintContext, jobs: int) -> list[list[SkillTarget]]:
    """``ctx.skills`` cut into contiguous shares of about equal bytes, one per worker; [] to lint in one process.

    ``jobs``: 1 for one process, 0 for one worker per CPU this process may use, N for N workers at most.
    Contiguous shares keep the skills' order, so the findings come back in the order one process finds them.
    """
    wanted = _cpus() if jobs == 0 else jobs
    count = min(wanted, MAX_WORKERS, len(ctx.skills))
    if count < 2 or not fork_safe():
        return []
    sizes = [_bytes(ctx, t) for t in ctx.skills]
    if sum(sizes) < MIN_SPLIT_BYTES:
        return []
    cuts = _cuts(sizes if any(sizes) else [1] * len(sizes), count)
    return [ctx.skills[a:b] for a, b in zip([0, *cuts], [*cuts, len(ctx.skills)], strict=True)]


def _cuts(weights: list[int], count: int) -> list[int]:
    """Where to cut ``weights`` into ``count`` non-empty runs of about equal sums: each cut at the skill
    boundary nearest its ideal share of the total (a later boundary on a tie)."""
    prefix = list(accumulate(weights))  # prefix[i - 1]: the weight before a cut at i
    total, n, cuts = prefix[-1], len(weights), []
    previous = 0
    for k in range(1, count):
        ideal = total * k / count
        # leave at least one skill for this share and for each share after it
        previous = min(range(previous + 1, n - (count - k) + 1), key=lambda i: (abs(prefix[i - 1] - ideal), -i))
        cuts.append(previous)
    return cuts


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _bytes(ctx: LintContext, target: SkillTarget) -> int:
    return sum(ctx.size(f) or 0 for f in ctx.files(target.dir))  # what cannot be stat'ed, the rules report


@dataclass
class Worker:
    """A forked worker checking one share of the skills; :meth:`results` reads what it found."""

    pid: int
    fd: int
    rule_ids: tuple[str, ...]
    reaped: bool = False
    status: int = 0

    def results(self) -> list[RuleResult] | None:
        """Its results, one per rule in order; None when it died or sent back anything else."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            self._reap()
        if not os.WIFEXITED(self.status) or os.WEXITSTATUS(self.status) != 0:
            return None
        try:
            found = pickle.loads(b"".join(chunks))  # our own child's bytes, through a pipe of ours
        except Exception:
            return None
        if not isinstance(found, list) or tuple(getattr(r, "rule", None) for r in found) != self.rule_ids:
            return None
        return found

    def stop(self) -> None:
        """Kill and reap it, unless reaped already (the parent raised before reading every worker)."""
        if not self.reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        self.reaped = True
        os.close(self.fd)
        _, self.status = os.waitpid(self.pid, 0)


def start_workers(ctx: LintContext, shares: Sequence[list[SkillTarget]], rules: Sequence[tuple[Rule, Check]]) -> list[Worker]:
    """Fork one worker per share: each runs ``rules`` over ``ctx`` narrowed to its share, and exits."""
    ids = tuple(r.id for r, _ in rules)
    workers: list[Worker] = []
    try:
        for share in shares:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                _work(ctx, share, rules, read_end, write_end, workers)
            os.close(write_end)
            workers.append(Worker(pid, read_end, ids))
    except BaseException:
        for w in workers:
            w.stop()
        raise
    return workers


def _work(
    ctx: LintContext,
    share: list[SkillTarget],
    rules: Sequence[tuple[Rule, Check]],
    read_end: int,
    write_end: int,
    siblings: list[Worker],
) -> None:
    code = 1
    try:
        os.close(read_end)
        for sibling in siblings:  # the earlier workers' pipes: theirs to close, not ours to hold open
            os.close(sibling.fd)
        refuse_v8("a lint worker runs only the rules that need no V8: a rule that loads a skill is marked runtime=True")
        ctx.skills = share
        data = pickle.dumps(run_checks(ctx, rules), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    finally:
        os._exit(code)  # no atexit handler, no buffered output of the parent's written twice


def merged(per_share: Sequence[Sequence[RuleResult]]) -> Iterator[RuleResult]:
    """One result per rule: the shares' findings in share order, or the first crash (a rule that crashed
    anywhere finds nothing, as in one process, where its crash ends it)."""
    for parts in zip(*per_share, strict=True):
        crash = next((p.crash for p in parts if p.crash is not None), None)
        findings = [] if crash is not None else [f for p in parts for f in p.findings]
        yield RuleResult(parts[0].rule, findings, crash)

"""The file rules in forked workers (``wxreplay.lint.workers``) find exactly what one process finds.

The lints run in fresh processes (``lint_in_workers.py``): a process may fork workers only before its
first V8, and this one has started V8 long ago. The expected documents are the golden findings
(``data/golden_findings.json``), recorded in one process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lint_golden import GOLDEN, HERE, REPO

from wxreplay.lint import workers
from wxreplay.lint.context import LintContext, SkillTarget

#: The golden targets with more than one skill, each in shares of several sizes: every rule has
#: findings in ``every-skill`` (85 skills of every fixture and failing rule case), and
#: ``every-skill-broken`` is the same project refused by the loader (file rules only).
SPLIT_CASES = [
    "thirty:2",
    "every-skill:2",
    "every-skill:3",
    "every-skill:8",
    "every-skill-broken:2",
    "every-skill-broken:5",
    "skills/cloud-middleware:2",
]
FAILURE_CASES = [
    "worker-dies",
    "rule-crashes",
    "rule-crashes-one-process",
    "another-thread",
    "parent-raises",
    "file-rule-uses-v8",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every case of this module, linted by one run of ``lint_in_workers.py``."""
    scratch = tmp_path_factory.mktemp("in-workers")
    done = subprocess.run(
        [sys.executable, str(HERE / "lint_in_workers.py"), str(scratch), *SPLIT_CASES, *FAILURE_CASES],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    """The findings of one process, as recorded."""
    found: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return found


def _without(doc: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in keys}


@pytest.mark.parametrize("case", SPLIT_CASES)
def test_workers_find_exactly_what_one_process_finds(case: str, results: dict[str, Any], golden: dict[str, Any]) -> None:
    target, _, jobs = case.rpartition(":")
    got = results[case]
    skills = len(LintContext.load(REPO / "tests" / target).skills) if target.startswith("skills/") else None
    expected_workers = min(int(jobs), skills) if skills is not None else int(jobs)
    assert got["workers"] == expected_workers == got["forks"]  # the shares were really checked apart
    assert _without(got, "workers", "forks") == golden[target]


def test_every_skill_puts_findings_of_most_rules_into_the_shares(golden: dict[str, Any]) -> None:
    """The comparison above means something: the many-skill target has findings of nearly every rule."""
    rules = {f["rule"] for f in golden["every-skill"]["findings"]}
    assert len(rules) >= 50, sorted(rules)
    files = [f.get("file", "") for f in golden["every-skill"]["findings"]]
    folders = {m.group(0) for file in files if (m := re.search(r"(case-\d+|f-[\w-]+)/", file))}
    assert len(folders) >= 20, folders  # spread over the skills, so over every share


def test_a_worker_that_dies_costs_time_not_findings(results: dict[str, Any], golden: dict[str, Any]) -> None:
    got = results["worker-dies"]
    assert got["forks"] == 2 and got["workers"] == 0  # forked, then found wanting: the file rules ran here
    assert _without(got, "workers", "forks") == golden["every-skill"]


def test_a_rule_that_crashes_in_workers_crashes_as_in_one_process(results: dict[str, Any], golden: dict[str, Any]) -> None:
    split, alone = results["rule-crashes"], results["rule-crashes-one-process"]
    assert split["workers"] == 2 and alone["workers"] == 0
    assert split["crashes"] == ["WXR109"]
    assert _without(split, "workers", "forks") == _without(alone, "workers", "forks")
    assert [f for f in split["findings"] if f["rule"] == "WXR109"] == []
    assert any(f["rule"] == "WXR109" for f in golden["every-skill"]["findings"])  # what the crash hid


def test_a_worker_refuses_v8(results: dict[str, Any]) -> None:
    """A rule that needs V8 but is not marked runtime crashes in a worker (exit 2), where it could hang."""
    got = results["file-rule-uses-v8"]
    assert got["workers"] == 2 and got["crashes"] == ["WXR109"]


def test_a_process_with_another_thread_never_forks(results: dict[str, Any], golden: dict[str, Any]) -> None:
    got = results["another-thread"]
    assert got["forks"] == 0 and got["workers"] == 0
    assert _without(got, "workers", "forks") == golden["thirty"]


def test_a_lint_that_raises_leaves_no_worker_behind(results: dict[str, Any]) -> None:
    assert results["parent-raises"] == {"raised": True, "children left": False, "forks": 2}


def test_fork_safe_sees_threads_python_does_not() -> None:
    """V8's threads are native: ``threading`` does not list them all, ``fork_safe`` must see them.
    When the last context is freed they end, and the process may fork again."""
    script = (
        "import gc, os, threading, time\n"
        "from wxreplay.lint.workers import fork_safe\n"
        "before = fork_safe()\n"
        "from py_mini_racer import MiniRacer\n"
        "context = MiniRacer()\n"
        "context.eval('1')\n"
        "native = len(os.listdir('/proc/self/task')) > threading.active_count()\n"
        "during = fork_safe()\n"
        "del context\n"
        "gc.collect()\n"
        "deadline = time.monotonic() + 10\n"
        "while not fork_safe() and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print(before, native, during, fork_safe())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "True", "False", "True"], done.stderr


# ---- how the skills are shared out ---------------------------------------------------------------


def _ctx(tmp_path: Path, sizes: list[int]) -> LintContext:
    skills = []
    for i, size in enumerate(sizes):
        d = tmp_path / f"s{i}"
        d.mkdir(parents=True)
        (d / "index.js").write_bytes(b"x" * size)
        skills.append(SkillTarget(f"s{i}", d, f"skills/s{i}"))
    return LintContext(tmp_path, None, None, skills)


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan as a process that may fork would, whatever threads this one has."""
    monkeypatch.setattr(workers, "fork_safe", lambda: True)
    monkeypatch.setattr(workers, "MIN_SPLIT_BYTES", 0)


@pytest.mark.parametrize(
    ("sizes", "jobs", "expected"),
    [
        ([10] * 6, 2, [3, 3]),
        ([10] * 6, 3, [2, 2, 2]),
        ([50, 10, 10, 10, 10, 10], 2, [1, 5]),
        ([10, 10, 10, 10, 10, 50], 2, [5, 1]),
        ([10, 30], 2, [1, 1]),  # a small skill before a large one is a share of its own
        ([10] * 3, 8, [1, 1, 1]),
        ([0, 0, 0], 2, [2, 1]),  # empty skills: shared by count
        ([10, 10], 1, []),  # one process asked for
        ([10], 4, []),  # one skill: nothing to share
    ],
)
@pytest.mark.usefixtures("forkable")
def test_shares_are_contiguous_and_about_even(tmp_path: Path, sizes: list[int], jobs: int, expected: list[int]) -> None:
    ctx = _ctx(tmp_path, sizes)
    shares = workers.plan_shares(ctx, jobs)
    assert [len(s) for s in shares] == expected
    if shares:
        assert [t for share in shares for t in share] == ctx.skills  # every skill once, in order


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(0, 5000), min_size=1, max_size=40), jobs=st.integers(0, 12))
@pytest.mark.usefixtures("forkable")
def test_shares_cover_every_skill_once_in_order(tmp_path: Path, sizes: list[int], jobs: int) -> None:
    ctx = _ctx(Path(tempfile.mkdtemp(dir=tmp_path)), sizes)
    shares = workers.plan_shares(ctx, jobs)
    count = min(jobs or workers._cpus(), workers.MAX_WORKERS, len(sizes))
    if count < 2:
        assert shares == []
        return
    assert len(shares) == count and all(shares)
    assert [t for share in shares for t in share] == ctx.skills
    weights = sizes if any(sizes) else [1] * len(sizes)
    index = {t.name: i for i, t in enumerate(ctx.skills)}
    for share in shares:  # no share much above its part: at most one skill past it
        assert sum(weights[index[t.name]] for t in share) <= sum(weights) / count + max(weights)


@pytest.mark.usefixtures("forkable")
def test_jobs_zero_is_one_worker_per_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_cpus", lambda: 3)
    assert [len(s) for s in workers.plan_shares(_ctx(tmp_path, [10] * 6), 0)] == [2, 2, 2]
    monkeypatch.setattr(workers, "_cpus", lambda: 1)
    assert workers.plan_shares(_ctx(tmp_path / "x", [10] * 6), 0) == []


def test_a_small_project_lints_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "fork_safe", lambda: True)
    assert workers.plan_shares(_ctx(tmp_path, [workers.MIN_SPLIT_BYTES // 4] * 3), 2) == []
    assert len(workers.plan_shares(_ctx(tmp_path / "x", [workers.MIN_SPLIT_BYTES // 2] * 3), 2)) == 2


def test_no_fork_when_fork_is_not_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "fork_safe", lambda: False)
    monkeypatch.setattr(workers, "MIN_SPLIT_BYTES", 0)
    assert workers.plan_shares(_ctx(tmp_path, [10] * 6), 2) == []


# ---- the command line ------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "wxreplay", "lint", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_the_cli_prints_the_same_with_any_jobs(tmp_path: Path) -> None:
    """``wxreplay lint`` forks its workers by default (a large project on two CPUs) and prints what ``-j 1`` prints."""
    sys.path.insert(0, str(REPO / "bench"))
    from bench_lint import make_thirty_distinct

    project = make_thirty_distinct(tmp_path / "distinct")
    extra = project / "skills" / "coffee-04" / "apis" / "extra.js"
    extra.write_text("const app = getApp()\nmodule.exports = {}\n", encoding="utf-8")
    hidden = project / "skills" / "coffee-27" / "apis" / "hidden.js"  # a suppression, checked in the parent
    hidden.write_text("const app = getApp() // wxreplay-lint: disable=WXR109\nmodule.exports = {}\n", encoding="utf-8")
    alone = _cli("-j", "1", "distinct", cwd=tmp_path)
    for args in ([], ["-j", "2"], ["--jobs", "3"], ["--format", "json"]):
        split = _cli(*args, "distinct", cwd=tmp_path)
        expected = _cli("-j", "1", "--format", "json", "distinct", cwd=tmp_path) if "json" in args else alone
        assert (split.returncode, split.stdout, split.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    assert alone.returncode == 1 and alone.stdout.count("WXR109") == 1  # the error every run must report
    assert "coffee-04/apis/extra.js" in alone.stdout and "hidden.js" not in alone.stdout
    assert '"suppressed": 1' in _cli("-j", "2", "--format", "json", "distinct", cwd=tmp_path).stdout


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_jobs_must_be_a_whole_number(tmp_path: Path, value: str) -> None:
    done = _cli("--jobs", value, ".", cwd=tmp_path)
    assert done.returncode == 2
    assert "--jobs" in done.stderr and "whole number" in done.stderr and "Traceback" not in done.stderr

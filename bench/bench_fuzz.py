"""A longer run of the loader fuzz tests: ``python bench/bench_fuzz.py --examples 2000``.

CI runs ``tests/unit/fuzz/`` with a small budget (25 examples per test, under a minute); this runs
the same property-based tests with ``--examples`` per test, in one pytest process, and prints what
ran (examples per test, their outcome, the time) and, for any failure, hypothesis's shrunk input.
Only located wxreplay errors may escape a loader; anything else fails the run (exit status 1).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/unit/fuzz"

# Lines of pytest's and hypothesis's output worth showing (the statistics and the failures).
_SHOWN = re.compile(
    r"^(tests/.*::\w+:$|\s+- \d+ passing examples.*|\s+- Stopped because.*|"
    r"FAILED .*|E\s+(Falsifying example|\S.*Error|\w+=|\)).*|\d+ (passed|failed).*|=+ .*(passed|failed).*)"
)


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz tests with ``--examples`` per test and print the figures and any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="examples per test (CI uses 25)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed, to repeat a run")
    parser.add_argument("-k", dest="keyword", default=None, help="only the tests matching this pytest -k expression")
    args = parser.parse_args(argv)

    env = dict(os.environ, WXREPLAY_FUZZ_EXAMPLES=str(args.examples))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", TESTS]
    if args.seed is not None:
        cmd.append(f"--hypothesis-seed={args.seed}")
    if args.keyword:
        cmd += ["-k", args.keyword]
    print(f"fuzz: {TESTS}, {args.examples} examples per test, seed {args.seed if args.seed is not None else 'random'}")
    print("  " + " ".join(cmd[1:]))
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    for line in proc.stdout.splitlines():
        if _SHOWN.match(line):
            print(line[:300])
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
    print(f"fuzz: {'no failure' if proc.returncode == 0 else 'FAILURES above'} in {elapsed:.1f} s")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""The whole-package tally: every API and every bound card of every skill package, and what became of each.

Run: ``python bench/tally_packages.py [PATH...] [--no-cards] [--json] [-v]`` from anywhere; with no
PATH it tallies every package under this repository's ``tests/skills/`` and ``examples/``. Each API
is called once in a fresh session with arguments made from its ``inputSchema`` and no network, each
bound card rendered from an empty result; the table counts loaded / ran / needs recording / needs a
device / failed (the skill's own failure) / skipped / harness errors (see :mod:`wxreplay.tally`).
Package paths are shown relative to the repository; the wall time goes to stderr, so stdout
stays deterministic. Exit status 1 when wxreplay itself
failed anywhere (a harness error).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from wxreplay.tally import main

REPO = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    started = time.perf_counter()
    code = main(sys.argv[1:], default_paths=[REPO / "tests" / "skills", REPO / "examples"], base=REPO)
    print(f"tally: {time.perf_counter() - started:.1f} s wall", file=sys.stderr)
    sys.exit(code)

"""Where the end-to-end tests find the example, and the CLI as a user runs it.

A plain module (not conftest) so test modules can import it by name under pytest's default
import mode, with no ``tests`` package on sys.path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ARG = "examples/westore-cafe"  # the example as a user names it on the command line, from ROOT
EXAMPLE = ROOT / EXAMPLE_ARG
SERVICE = EXAMPLE / "service" / "westore_service.py"
SCENARIOS = ROOT / "scenarios"
CASSETTES = ROOT / "cassettes"
PORT = 8765  # the example skill's utils/config.js points here


def wxreplay(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m wxreplay.cli *args`` in ``cwd`` (UTF-8 output, ``env`` on top of ours) and capture it."""
    return subprocess.run(
        [sys.executable, "-m", "wxreplay.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )

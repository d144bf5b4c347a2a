"""The README's path for a skill repository, as a user runs it: init, new --smoke --record once, run --record once, pytest.

A copy of the example is pointed at its real HTTP service started on a free port (so it never
collides with a service on 8765), the smoke scenarios record against it, and with the service
stopped both runners replay them green.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from e2e_support import EXAMPLE, SERVICE, wxreplay

CONFIG_JS = Path("skills/coffee/utils/config.js")


@contextlib.contextmanager
def example_service() -> Iterator[int]:
    """The example's service on 127.0.0.1, on a port the OS picked; stopped after the test."""
    proc = subprocess.Popen(
        [sys.executable, str(SERVICE), "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, f"the service did not say where it listens: {line!r}"
        yield int(match.group(1))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_init_new_smoke_record_then_both_runners_replay_green(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "miniprogram", ignore=shutil.ignore_patterns("service", "__pycache__"))
    init = wxreplay("init", cwd=repo)
    assert init.returncode == 0, init.stderr
    assert "wrote scenarios/smoke.scenario.yaml (smoke scenario of skill coffee: 6 of 6 APIs called)" in init.stdout

    with example_service() as port:
        config = repo / "miniprogram" / CONFIG_JS
        config.write_text(config.read_text(encoding="utf-8").replace("127.0.0.1:8765", f"127.0.0.1:{port}"), encoding="utf-8")
        new = wxreplay("new", "order-flow", "--smoke", "--record", "once", cwd=repo)
        recorded = wxreplay("run", "--record", "once", "--snapshot-update", cwd=repo)
    assert new.returncode == 0, new.stdout + new.stderr
    assert "PASS order-flow" in new.stdout and "recorded 11 new entries into cassettes/order-flow.yaml" in new.stderr
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "2 passed, 0 failed" in recorded.stdout
    assert "recorded 11 new entries into cassettes/smoke.yaml" in recorded.stderr
    cassette = (repo / "cassettes" / "smoke.yaml").read_text(encoding="utf-8")
    assert "path: /api/orders" in cassette and "api: cancelOrder" in cassette  # the whole chain reached the service
    assert wxreplay("scan", "cassettes", "scenarios", cwd=repo).returncode == 0

    # the service is stopped: replay only (CI), with wxreplay run and with pytest
    replay = wxreplay("run", cwd=repo, env={"CI": "true"})
    assert replay.returncode == 0 and "2 passed, 0 failed" in replay.stdout, replay.stdout + replay.stderr
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "scenarios"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CI": "true"},
    )
    assert tests.returncode == 0 and "2 passed" in tests.stdout, tests.stdout + tests.stderr

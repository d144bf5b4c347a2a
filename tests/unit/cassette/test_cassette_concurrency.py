"""Writers that die mid-way and writers that run at once (pytest-xdist workers) never corrupt a cassette."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx

from wxreplay.cassette import Cassette

ROOT = Path(__file__).resolve().parents[3]


def _service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"path": request.url.path, "说明": "同一个请求，同一个回答"})


def _worker(path: str, worker: int, n: int, barrier: Any) -> None:
    cassette = Cassette.open(path, "new_episodes")
    with httpx.Client(transport=cassette.transport(httpx.MockTransport(_service))) as client:
        client.get("https://api.example.com/shared")
        for j in range(n):
            client.get(f"https://api.example.com/w{worker}/{j}")
    barrier.wait(timeout=60)  # everyone has read the (missing) cassette before anyone saves
    cassette.save()


def test_parallel_recording_into_one_cassette(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    ctx = mp.get_context("fork")
    workers, n = 6, 5
    barrier = ctx.Barrier(workers)
    procs = [ctx.Process(target=_worker, args=(str(path), w, n, barrier)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    paths = [e["request"]["path"] for e in Cassette.open(path).entries]  # parses
    expected = {"/shared"} | {f"/w{w}/{j}" for w in range(workers) for j in range(n)}
    assert sorted(paths) == sorted(expected)  # every entry, each once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.yaml"]  # no lock or temp file left behind


CHILD = textwrap.dedent("""
    import os, sys, time
    import httpx
    from wxreplay.cassette import Cassette

    real_fsync = os.fsync
    def slow_fsync(fd):
        print("writing", flush=True)  # the new cassette is half on disk (in its temp file)
        time.sleep(60)
        real_fsync(fd)
    os.fsync = slow_fsync

    cassette = Cassette.open(sys.argv[1], "all")
    service = httpx.MockTransport(lambda r: httpx.Response(200, json={"n": list(range(200))}))
    with httpx.Client(transport=cassette.transport(service)) as client:
        for i in range(300):
            client.get(f"https://api.example.com/new/{i}")
    cassette.save()
""")


def test_a_recording_killed_mid_write_leaves_the_old_cassette_intact(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette = Cassette.open(path, "once")
    httpx.Client(transport=cassette.transport(httpx.MockTransport(_service))).get("https://api.example.com/old")
    cassette.save()
    before = path.read_bytes()

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        temps = list(tmp_path.glob(".c.yaml.*.tmp"))
        assert len(temps) == 1 and temps[0].stat().st_size > len(before)  # mid-way: the new text is being written
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert [e["request"]["path"] for e in Cassette.open(path).entries] == ["/old"]

    # The next recording cleans the dead writer's temp file up.
    again = Cassette.open(path, "new_episodes")
    httpx.Client(transport=again.transport(httpx.MockTransport(_service))).get("https://api.example.com/next")
    assert again.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


def test_killed_at_random_moments_the_file_is_always_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette = Cassette.open(path, "once")
    httpx.Client(transport=cassette.transport(httpx.MockTransport(_service))).get("https://api.example.com/old")
    cassette.save()
    child_src = CHILD.replace("time.sleep(60)", "pass").replace('print("writing", flush=True)', "")
    child_src = child_src.replace("cassette.save()", 'print("saving", flush=True)\ncassette.save()')
    for delay in (0.0, 0.01, 0.03, 0.06, 0.1):
        child = subprocess.Popen([sys.executable, "-c", child_src, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert child.stdout is not None and child.stdout.readline().strip() == "saving"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        paths = [e["request"]["path"] for e in Cassette.open(path).entries]  # always parses
        assert paths == ["/old"] or paths == [f"/new/{i}" for i in range(300)]

"""Writers that die mid-way and writers that run at once (pytest-xdist workers) never corrupt a cassette."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

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


# ---- several real processes, a real HTTP service on 127.0.0.1 -------------------------------------

RECORDER = textwrap.dedent("""
    import sys
    import httpx
    from wxreplay.cassette import Cassette

    path, worker, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cassette = Cassette.open(path, "new_episodes")
    with httpx.Client(transport=cassette.transport(httpx.HTTPTransport())) as client:
        client.get(f"{base}/shared")
        for j in range(5):
            client.get(f"{base}/w{worker}/{j}")
    print("ready", flush=True)
    sys.stdin.readline()  # every writer has recorded before anyone saves: the saves really overlap
    cassette.save()
    print("saved", flush=True)
""")


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "说明": "同一个请求，同一个回答"}, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def echo_service() -> Iterator[str]:
    """A real HTTP service on a free port of 127.0.0.1 (its own port: no clash with the example's 8765)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _recorder(path: Path, worker: int, base: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RECORDER, str(path), str(worker), base],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_four_processes_record_into_one_cassette_at_once(tmp_path: Path, echo_service: str) -> None:
    path = tmp_path / "shared.yaml"
    procs = [_recorder(path, w, echo_service) for w in range(4)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:  # release all four together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            out, _ = p.communicate(timeout=60)
            assert p.returncode == 0 and out.strip() == "saved"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("\n...")  # a whole file
    paths = [e["request"]["path"] for e in Cassette.open(path).entries]  # it parses
    expected = ["/shared"] + [f"/w{w}/{j}" for w in range(4) for j in range(5)]
    assert sorted(paths) == sorted(expected)  # every entry, each once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.yaml"]  # no lock or temp file


HOLDER = textwrap.dedent("""
    import os, sys, time
    import httpx
    from wxreplay.cassette import Cassette

    def stuck_fsync(fd):  # inside the save, holding the lock: wait to be killed
        print("holding the lock", flush=True)
        time.sleep(120)
    os.fsync = stuck_fsync

    cassette = Cassette.open(sys.argv[1], "new_episodes")
    service = httpx.MockTransport(lambda r: httpx.Response(200, json={"who": "killed"}))
    with httpx.Client(transport=cassette.transport(service)) as client:
        client.get("https://api.example.com/killed")
    cassette.save()
""")


def test_a_writer_killed_holding_the_lock_leaves_no_lock_and_blocks_nobody(tmp_path: Path, echo_service: str) -> None:
    path = tmp_path / "c.yaml"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding the lock"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    assert holder.returncode == -signal.SIGKILL
    assert not list(tmp_path.glob("*.lock"))  # nothing the dead writer held survives it

    nxt = _recorder(path, 7, echo_service)  # the next writer proceeds at once
    try:
        assert nxt.stdout is not None and nxt.stdout.readline().strip() == "ready"
        out, _ = nxt.communicate("go\n", timeout=30)  # a stale lock would hang here
    finally:
        if nxt.poll() is None:
            nxt.kill()
    assert nxt.returncode == 0 and out.strip() == "saved"
    paths = [e["request"]["path"] for e in Cassette.open(path).entries]
    assert paths == ["/shared"] + [f"/w7/{j}" for j in range(5)]  # the killed writer saved nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]

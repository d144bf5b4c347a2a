"""Shared by the end-to-end tests over examples/westore-cafe."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from e2e_support import EXAMPLE, PORT, ROOT, SERVICE

from wxreplay import Project


def _service_module() -> Any:
    spec = importlib.util.spec_from_file_location("westore_service", SERVICE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_project() -> Project:
    """The example Mini Program, loaded once."""
    return Project.load(EXAMPLE)


@pytest.fixture(scope="session")
def westore_app() -> Callable[[], Any]:
    """Make a fresh westore service (fresh in-memory state) as a WSGI app."""
    return _service_module().create_app  # type: ignore[no-any-return]


@pytest.fixture()
def westore_transport(westore_app: Callable[[], Any]) -> httpx.WSGITransport:
    """wx.request answered by a fresh in-process westore service, no socket."""
    return httpx.WSGITransport(app=westore_app())


def port_open(port: int = PORT) -> bool:
    """Whether something listens on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture()
def service_stopped() -> None:
    """Nothing listens where the example skill sends its requests."""
    if port_open(PORT):
        pytest.fail(f"port {PORT} is in use; this test needs the example service stopped")


@pytest.fixture()
def live_service() -> Iterator[None]:
    """The example's real HTTP service on 127.0.0.1:8765, started with its one command."""
    if port_open(PORT):
        pytest.fail(f"port {PORT} is already in use; stop whatever listens there and run again")
    proc = subprocess.Popen([sys.executable, str(SERVICE), "--quiet"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while not port_open(PORT):
            assert proc.poll() is None, "the example service exited at start-up"
            assert time.monotonic() < deadline, "the example service did not start listening"
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)

"""Shared by the end-to-end tests over examples/westore-cafe."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay import Project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "westore-cafe"
SERVICE = EXAMPLE / "service" / "westore_service.py"


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

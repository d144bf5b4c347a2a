"""Fixtures of the unit tests that several modules share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from till_service import Till, serve


@pytest.fixture
def till() -> Iterator[Till]:
    """The scripted-host skill's local service on a free 127.0.0.1 port, stopped after the test."""
    with serve() as t:
        yield t

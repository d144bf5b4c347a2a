"""Plugin tests run pytest as users do (pytester, enabled in tests/conftest.py) over a tiny offline skill project."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml  # noqa: F401  (see below)
from plugin_support import FILES, LATTE, write

# PyYAML must be imported here, in the outer run: an in-process pytester run drops the modules it
# imported when it ends, and a PyYAML imported again later builds new event classes that its C
# emitter (initialised once per process) does not recognise ("EmitterError: expected SCALAR, ...").


@pytest.fixture
def cafe(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester dir holding the mini-cafe project under ``cafe/``, configured with ``wxreplay_project = cafe``.

    ``scenarios/latte.scenario.yaml`` orders a latte; tests add or change files with :func:`write`.
    """
    write(pytester.path, {f"cafe/{k}": v for k, v in FILES.items()})
    write(pytester.path, {"scenarios/latte.scenario.yaml": LATTE})
    pytester.makeini("[pytest]\nwxreplay_project = cafe\n")
    return pytester


@pytest.fixture(autouse=True)
def _outer_syrupy() -> Iterator[None]:
    """In-process pytester runs replace syrupy's module-level session: give the outer run its own back."""
    import syrupy

    saved = getattr(syrupy, "_syrupy", None)
    yield
    syrupy._syrupy = saved  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _not_an_xdist_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``pytest -n 2`` this test runs in a worker: the pytest it starts must not think it is one (syrupy stays quiet)."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)

"""Shared fixtures: throw-away projects written to tmp dirs, and sessions that are always closed."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wxreplay import Project, Session

# tests/plugin/ runs pytest as users do; pytest accepts pytest_plugins only in a top-level conftest.
pytest_plugins = ["pytester"]

SKILLS = Path(__file__).parent / "skills"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, a missing Chromium fails the run: its tests skip on a developer's machine, never silently in CI."""
    import os

    from wxreplay.cards.browser import find_chromium

    if os.environ.get("CI") and find_chromium() is None:
        pytest.exit("CI must have Chromium for the card and report browser tests (.ci/run installs it)", returncode=1)


Files = dict[str, "str | dict[str, Any] | list[Any]"]

APP_JSON: dict[str, Any] = {
    "pages": ["pages/home/home"],
    "lazyCodeLoading": "requiredComponents",
    "subPackages": [{"root": "skills", "independent": True, "pages": []}],
    "agent": {"skills": [{"name": "probe", "description": "test probe", "path": "skills/probe"}]},
}


def write_tree(root: Path, files: Files) -> None:
    """Write ``files`` (posix path -> text, or a JSON value) under ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=2)
        target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def make_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Project]:
    """Factory: write app.json (skill ``probe`` at skills/probe) and ``files`` to a fresh dir; load it (or ``load`` under it)."""

    def make(files: Files, *, app_json: bool = True, load: str = "") -> Project:
        root = tmp_path_factory.mktemp("project")
        base: Files = {"app.json": APP_JSON} if app_json else {}
        write_tree(root, {**base, "skills/probe/SKILL.md": "# probe\n", **files})
        return Project.load(root / load)

    return make


@pytest.fixture(scope="session")
def probe_project(make_project: Callable[..., Project]) -> Callable[..., Project]:
    """Factory: a ``probe`` skill registering each ``{name: handler JS}`` with plain registerAPI."""

    def make(
        handlers: dict[str, str],
        *,
        preamble: str = "",
        schemas: dict[str, dict[str, Any]] | None = None,
        output_schemas: dict[str, dict[str, Any]] | None = None,
        files: Files | None = None,
    ) -> Project:
        apis = []
        for name in handlers:
            decl: dict[str, Any] = {
                "name": name,
                "description": f"probe {name}",
                "inputSchema": (schemas or {}).get(name, {"type": "object"}),
            }
            if output_schemas and name in output_schemas:
                decl["outputSchema"] = output_schemas[name]
            apis.append(decl)
        index = (
            preamble
            + "\n"
            + "".join(f"wx.modelContext.registerAPI({json.dumps(name)}, {src})\n" for name, src in handlers.items())
        )
        return make_project({"skills/probe/mcp.json": {"apis": apis}, "skills/probe/index.js": index, **(files or {})})

    return make


@pytest.fixture
def open_session() -> Iterator[Callable[..., Session]]:
    """Factory for sessions that are closed when the test ends."""
    opened: list[Session] = []

    def make(project: Project, skill: str | None = None, **kwargs: Any) -> Session:
        session = Session(project, skill, **kwargs)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every socket connection attempt in this process, refused and recorded: replay must make none."""
    attempts: list[Any] = []

    # A socket guard, not a fake service: it proves nothing leaves the process, whatever the transport.
    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(f"test guard: no connection to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture(scope="session")
def legacy_project() -> Project:
    """tests/skills/legacy-exports: a full mini program with a legacy-shaped skill."""
    return Project.load(SKILLS / "legacy-exports")


@pytest.fixture(scope="session")
def notes_project() -> Project:
    """tests/skills/notes: a standalone skill directory with a ``_shared/`` sibling."""
    return Project.load(SKILLS / "notes")

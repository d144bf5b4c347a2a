"""Fixtures for the card runtime tests over tests/skills/cards-lab (imported by the test_card_* modules)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxreplay import Card, Project, Session

LAB = Path(__file__).resolve().parents[2] / "skills" / "cards-lab"
LIVE_URL = "https://poll.test/count"


@pytest.fixture(scope="session")
def lab_project() -> Project:
    """tests/skills/cards-lab: one skill whose APIs echo their arguments into their cards."""
    return Project.load(LAB)


class Counter:
    """The poll endpoint of the dynamic card: answers ``{"n": 10 * k}`` on the k-th request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"n": 10 * len(self.requests)})


@pytest.fixture
def counter() -> Counter:
    """The dynamic card's poll endpoint (fresh per test)."""
    return Counter()


@pytest.fixture
def lab(lab_project: Project, counter: Counter) -> Iterator[Session]:
    """A session over cards-lab whose wx.request is answered by ``counter``."""
    with Session(lab_project, transport=httpx.MockTransport(counter)) as session:
        yield session


def show(session: Session, api: str, data: dict[str, Any] | None = None, **extra: Any) -> Card:
    """Call ``api`` with ``{"data": data, ...}`` and render its card."""
    args: dict[str, Any] = dict(extra)
    if data is not None:
        args["data"] = data
    return session.render(session.call(api, args))


def texts(card: Card, selector: str) -> list[str]:
    """The text of every node matching ``selector``."""
    return [n.texts() for n in card.find_all(selector)]

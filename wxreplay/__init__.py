"""wxreplay: record/replay conversation tests for WeChat Mini Program AI skills.

The public surface is deliberately small; everything else is private and may change.
Names load on first use (PEP 562): the pytest plugin imports this package in every pytest run
wherever wxreplay is installed, and those runs must not pay for V8 and the engine up front.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wxreplay.cards.card import Card
    from wxreplay.errors import WxReplayError
    from wxreplay.findings import Finding
    from wxreplay.host.cloud import CloudState
    from wxreplay.host.device import Device
    from wxreplay.project import Project
    from wxreplay.result import CallResult
    from wxreplay.runner import RunOptions, ScenarioRun, run_scenario
    from wxreplay.session import Session, SessionLimits

_WHERE = {
    "CallResult": "wxreplay.result",
    "Card": "wxreplay.cards.card",
    "CloudState": "wxreplay.host.cloud",
    "Device": "wxreplay.host.device",
    "Finding": "wxreplay.findings",
    "Project": "wxreplay.project",
    "RunOptions": "wxreplay.runner",
    "ScenarioRun": "wxreplay.runner",
    "Session": "wxreplay.session",
    "SessionLimits": "wxreplay.session",
    "WxReplayError": "wxreplay.errors",
    "run_scenario": "wxreplay.runner",
}
__all__ = [
    "CallResult",
    "Card",
    "CloudState",
    "Device",
    "Finding",
    "Project",
    "RunOptions",
    "ScenarioRun",
    "Session",
    "SessionLimits",
    "WxReplayError",
    "run_scenario",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'wxreplay' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

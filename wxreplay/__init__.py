"""wxreplay: record/replay conversation tests for WeChat Mini Program AI skills.

The public surface is deliberately small; everything else is private and may change.
"""

from wxreplay.cards.card import Card
from wxreplay.conversation import RunOptions, ScenarioRun, run_scenario
from wxreplay.errors import WxReplayError
from wxreplay.findings import Finding
from wxreplay.host.cloud import CloudState
from wxreplay.host.device import Device
from wxreplay.project import Project
from wxreplay.result import CallResult
from wxreplay.session import Session, SessionLimits

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

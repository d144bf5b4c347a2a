"""Compatibility: the names ``wxreplay.conversation`` used to hold, now in the modules that own them.

The runner (:mod:`wxreplay.runner`), the planner (:mod:`wxreplay.planner`), the lifecycle rules
(:mod:`wxreplay.lifecycle`) and the project cache (:func:`wxreplay.project.load_project`) were
one module; existing imports keep working. New code imports from those modules.
"""

from __future__ import annotations

from wxreplay.expect import Difference, ScenarioFailure
from wxreplay.lifecycle import BACKGROUND_LIMIT_MS, format_duration
from wxreplay.planner import tap_candidates
from wxreplay.project import load_project
from wxreplay.runner import RunOptions, ScenarioRun, cassette_path, check_scenario, run_path, run_scenario

__all__ = [
    "BACKGROUND_LIMIT_MS",
    "Difference",
    "RunOptions",
    "ScenarioFailure",
    "ScenarioRun",
    "cassette_path",
    "check_scenario",
    "format_duration",
    "load_project",
    "run_path",
    "run_scenario",
    "tap_candidates",
]

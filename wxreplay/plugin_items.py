"""Scenario files as pytest items: collection, the run, the snapshot and the failure report.

Each ``*.scenario.yaml`` file is one :class:`ScenarioItem`, a ``pytest.Function`` made with
``callobj=`` so syrupy's ``snapshot`` fixture, ``-k``, ``-m``, ``--lf``, xdist treat it like any
test. The file is parsed and checked against its project at collection (a broken file is a
collection error at ``file:line:column``); its YAML ``marks`` are pytest marks (under
``--strict-markers`` register them like any other mark). Imported by :mod:`wxreplay.plugin` when
pytest meets the first scenario file.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest._code.code import ReprExceptionInfo, ReprFileLocation, ReprTracebackNative

from wxreplay.errors import WxReplayError
from wxreplay.expect import ScenarioFailure
from wxreplay.plugin_state import STATE, runnable_id
from wxreplay.runner import RunOptions, ScenarioRun, check_scenario, run_scenario
from wxreplay.scenario import load_scenario
from wxreplay.snapshot import check_snapshot

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from wxreplay.project import Project, Skill
    from wxreplay.scenario import Scenario

__all__ = ["CassetteFailure", "ScenarioFile", "ScenarioItem", "SnapshotMismatch", "UnusedRecordingsWarning"]


def _long_tb(config: pytest.Config) -> bool:
    return config.getoption("tbstyle", "auto") in ("long", "native") or bool(config.getoption("fulltrace", False))


class ScenarioFile(pytest.File):
    """One scenario file: parsed and checked against the project at collection, one item."""

    def collect(self) -> Iterator[ScenarioItem]:
        state = self.config.stash[STATE]
        scenario = load_scenario(self.path)
        if scenario.project is None and state.project is None:
            raise scenario.error(
                "the scenario does not say which project it drives",
                hint=(
                    "add project: <the folder holding app.json, relative to this file>, or set --wx-project / wxreplay_project"
                ),
            )
        name = scenario.name.replace("::", ":")
        options = state.run_options(runnable_id(self.config, self.path, f"{self.nodeid}::{name}"))
        checked = check_scenario(scenario, options)  # at collection: a scenario that does not fit is a collection error
        syrupy = self.config.pluginmanager.has_plugin("syrupy")
        item = ScenarioItem.from_parent(
            self,
            name=name,
            scenario=scenario,
            options=options,
            checked=checked,
            callobj=run_scenario_item if syrupy else run_scenario_item_no_snapshot,
        )
        item.add_marker("scenario")
        for i, mark in enumerate(scenario.marks):
            hint = f"register it (markers = {mark}: ... in pytest.ini or [tool.pytest.ini_options]) or remove it"
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pytest.PytestUnknownMarkWarning)
                try:
                    item.add_marker(getattr(pytest.mark, mark))
                except pytest.fail.Exception as e:  # --strict-markers and the mark is not registered
                    raise scenario.error(str(e), scenario.source, "marks", i, hint=hint) from None
            if caught:  # the unknown-mark warning, pointing at the YAML instead of this module
                warnings.warn_explicit(
                    f"unknown mark {mark!r} in the scenario's marks: {hint}",
                    pytest.PytestUnknownMarkWarning,
                    str(self.path),
                    scenario.span(scenario.source, "marks", i).line,
                )
        if scenario.skip is not None:
            item.add_marker(pytest.mark.skip(reason=scenario.skip))
        if scenario.xfail is not None:  # a failure at the cassette is no XFAIL: it is raised as a CassetteFailure
            item.add_marker(pytest.mark.xfail(reason=scenario.xfail, raises=(ScenarioFailure, SnapshotMismatch)))
        yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str | TerminalRepr:  # type: ignore[override]
        """A broken scenario file shows ``file:line:column``, the YAML excerpt and the fix; no traceback."""
        if isinstance(excinfo.value, WxReplayError) and not _long_tb(self.config):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class UnusedRecordingsWarning(UserWarning):
    """A scenario passed in replay without using every entry of its cassette (``wxreplay prune`` removes them)."""


def _unused(run: ScenarioRun) -> str:
    n = len(run.unused)
    return (
        f"{n} recorded entr{'y' if n == 1 else 'ies'} of {run.cassette} {'was' if n == 1 else 'were'} never used: "
        + "; ".join(run.unused)
        + f" (remove them: wxreplay prune {run.scenario.file} --apply; --wx-strict fails on this)"
    )


class CassetteFailure(WxReplayError):
    """An ``xfail`` scenario failed at its cassette (a miss, a stale outcome), not at the bug it pins: a failure."""


class SnapshotMismatch(AssertionError):
    """The transcript differs from the committed snapshot: syrupy's diff of the YAML."""


class ScenarioItem(pytest.Function):
    """One scenario: runs it with :func:`wxreplay.runner.run_scenario`, then compares the snapshot."""

    def __init__(
        self, *args: Any, scenario: Scenario, options: RunOptions, checked: tuple[Project, Skill], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._scenario: Scenario | None = scenario
        self.options, self.checked = options, checked
        self.last_run: ScenarioRun | None = None  # the run just made, for pytest --wx-report (it takes it away)

    @property
    def scenario(self) -> Scenario:
        """The parsed scenario file (read again if a passing run released it)."""
        if self._scenario is None:
            self._scenario = load_scenario(self.path)
        return self._scenario

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.source.line - 1, self.name

    def runscenario(self, snapshot: Any) -> None:
        """Run the scenario, compare its snapshot; raise its ScenarioFailure or a SnapshotMismatch."""
        try:
            run = run_scenario(self.scenario, self.options, checked=self.checked)
        except Exception:
            self._snapshot(snapshot, None)  # a run that could not start keeps its snapshot too
            raise
        self.last_run = run
        self._snapshot(snapshot, run)
        if run.unused:  # a passing replay that left recordings unused (--wx-strict fails instead)
            warnings.warn(UnusedRecordingsWarning(_unused(run)), stacklevel=1)
        if run.failure is not None and self.scenario.xfail is not None and run.failed_at_cassette:
            raise CassetteFailure(
                f"{run.failure.render(verbose=self.config.get_verbosity() > 0)}\n"
                f"xfail: {self.scenario.xfail}: but it failed at the cassette, not at the bug it pins"
            )
        if run.failure is not None:
            raise run.failure
        # Passed: nothing reports on it any more. A parsed scenario is ~100 objects that pytest would
        # keep to the end of the session, and every full garbage collection walks them all.
        self._scenario = None

    def _snapshot(self, snapshot: Any, run: ScenarioRun | None) -> None:
        if snapshot is not None:
            failed = run is None or run.failure is not None
            mismatch = check_snapshot(snapshot, run and run.transcript, failed=failed, diff=self._diff)
            if mismatch:
                raise SnapshotMismatch(mismatch)

    def _diff(self, left: Any, right: Any) -> list[str]:
        """syrupy's diff lines, as pytest shows them for ``assert left == right``."""
        found = self.config.hook.pytest_assertrepr_compare(config=self.config, op="==", left=left, right=right)
        return next((lines for lines in found if lines), [])

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str | TerminalRepr:  # type: ignore[override]
        """User-level failures: the scenario's report, no Python traceback (``--tb=long`` shows it)."""
        exc = excinfo.value
        if _long_tb(self.config) or not isinstance(exc, WxReplayError | SnapshotMismatch):
            return super().repr_failure(excinfo)
        file, line = str(self.path), self.scenario.source.line
        if isinstance(exc, SnapshotMismatch):
            text, message = str(exc), str(exc).splitlines()[0]
        elif isinstance(exc, ScenarioFailure):
            text, message = exc.render(verbose=self.config.get_verbosity() > 0), f"{exc.step or 'scenario'}: {exc.reason}"
            file, line = exc.file or file, exc.line or line
        else:
            text = message = str(exc)
        return ReprExceptionInfo(
            reprtraceback=ReprTracebackNative([text + "\n"]), reprcrash=ReprFileLocation(file, line, message)
        )


def run_scenario_item(request: pytest.FixtureRequest, snapshot: Any) -> None:
    """The callable of every scenario item: run the scenario, compare its snapshot."""
    request.node.runscenario(snapshot)


def run_scenario_item_no_snapshot(request: pytest.FixtureRequest) -> None:
    """The callable of scenario items when syrupy is disabled (``-p no:syrupy``)."""
    request.node.runscenario(None)

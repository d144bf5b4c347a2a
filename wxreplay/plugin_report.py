"""``pytest --wx-report FILE``: write the HTML report of the scenarios a pytest run ran, at its end.

Each scenario item's run (the one pytest judged: no second replay) becomes a masked
:class:`~wxreplay.report_run.ScenarioEntry` when its report is made, with pytest's verdict (passed,
failed, xfailed, skipped) and, for a failure, the text pytest shows (the scenario's report or the
snapshot diff). The entry travels on the test report as plain data, so under pytest-xdist the
controller gets the entries of every worker and writes the one file. Other tests are not shown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ENTRY_ATTR = "wxreplay_report_entry"
_SKILLS = pytest.StashKey[dict[tuple[str, str], Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--wx-report FILE``."""
    group = parser.getgroup("wxreplay", "wxreplay: scenario files, cassettes and snapshots")
    group.addoption(
        "--wx-report",
        metavar="FILE",
        dest="wxreplay_report",
        help="write an HTML report of the scenarios run (chats, cards, coverage) to FILE at the end",
    )


def _target(config: pytest.Config) -> Path | None:
    value = config.getoption("wxreplay_report", None)
    return Path(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    """With ``--wx-report``, register the writer of the file."""
    config.stash[_SKILLS] = {}
    target = _target(config)
    if target is not None:
        config.pluginmanager.register(ReportWriter(config, target.absolute()), "wxreplay-report-writer")


def _skill(config: pytest.Config, item: Any) -> Any:
    from wxreplay.report_run import skill_info

    project, skill = item.checked
    key = (str(project.root), skill.name)
    cache = config.stash[_SKILLS]
    if key not in cache:
        cache[key] = skill_info(project.root, skill)
    return cache[key]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Turn a scenario item's run into a report entry, carried on its test report."""
    outcome = yield
    run = getattr(item, "last_run", None)
    if run is not None and call.when == "call":
        item.last_run = None  # type: ignore[attr-defined]  # the item no longer keeps the transcript
    if _target(item.config) is None or not hasattr(item, "checked"):
        return
    report: pytest.TestReport = outcome.get_result()
    skipped_early = call.when == "setup" and report.skipped
    if not (call.when == "call" or skipped_early):
        return
    entry = _entry(item, run, report, call)
    if entry is not None:
        setattr(report, ENTRY_ATTR, dataclasses.asdict(entry))


def _entry(item: Any, run: Any, report: pytest.TestReport, call: pytest.CallInfo[None]) -> Any:
    from wxreplay.cassette.runsecrets import run_secrets
    from wxreplay.report_run import ScenarioEntry, entry_from_run, error_entry
    from wxreplay.source import display_path

    xfailed = hasattr(report, "wasxfail")
    if report.skipped and not xfailed:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
        mask = run_secrets().mask_text
        return ScenarioEntry(
            mask(item.name), display_path(item.path), "skipped", _skill(item.config, item), None, note=mask(reason)
        )
    status = "xfailed" if xfailed and report.skipped else "passed" if report.passed else "failed"
    text = ""
    if call.excinfo is not None and status != "passed":
        from wxreplay.expect import ScenarioFailure

        exc = call.excinfo.value
        text = exc.render() if isinstance(exc, ScenarioFailure) else str(exc)
    if run is None:  # the run could not start (an error before the transcript existed)
        return error_entry(item.path, text or str(report.longrepr), name=item.name)
    return entry_from_run(run, _skill(item.config, item), status=status, failure_text=text)  # type: ignore[arg-type]


class ReportWriter:
    """Collects the entries of a run and writes the file at its end (registered only with ``--wx-report``)."""

    def __init__(self, config: pytest.Config, target: Path) -> None:
        self.config, self.target = config, target
        self.entries: list[dict[str, Any]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Collect the entries (in the controller too, when pytest-xdist sends it the workers' reports)."""
        data = getattr(report, ENTRY_ATTR, None)
        if data is not None:
            self.entries.append(data)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the report (not in an xdist worker: the controller writes it)."""
        if hasattr(self.config, "workerinput"):
            return
        from wxreplay.report_html import render_report
        from wxreplay.report_run import ScenarioEntry, SkillInfo

        entries = []
        for data in self.entries:
            skill = data.get("skill")
            if skill is not None:
                skill = SkillInfo(**{**skill, "apis": tuple(skill["apis"]), "bound_cards": tuple(skill["bound_cards"])})
            entries.append(ScenarioEntry(**{**data, "skill": skill}))
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.target.write_text(render_report(entries), encoding="utf-8")
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"wxreplay: wrote the report {self.target} ({len(entries)} scenarios)")

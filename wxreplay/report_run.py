"""What a report and a coverage table are made of: scenario runs as masked plain data.

:func:`replay_files` replays scenario files as ``wxreplay run`` does (the same runner, options and
snapshot check, cassettes in replay only: a report never records), and :func:`entry_from_run` turns
one :class:`~wxreplay.runner.ScenarioRun` (from there or from a pytest item) into a
:class:`ScenarioEntry`. Every text an entry holds went through the run's secret masking first
(:mod:`wxreplay.cassette.runsecrets`): the transcript by the path snapshots use (the stable form,
then :meth:`RunSecrets.mask_data`), failure texts by :meth:`RunSecrets.mask_text`. Nothing
unmasked is kept, so nothing unmasked can reach the HTML or the coverage table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wxreplay.cassette.runsecrets import run_secrets
from wxreplay.errors import ProjectError, ScenarioError, UsageError
from wxreplay.runner import RunOptions, ScenarioRun, check_scenario, run_scenario
from wxreplay.source import display_path

if TYPE_CHECKING:
    from wxreplay.project import Skill
    from wxreplay.scenario import Scenario

__all__ = ["ScenarioEntry", "SkillInfo", "Status", "entry_from_run", "error_entry", "replay_files", "skill_info"]

Status = Literal["passed", "failed", "xfailed", "skipped", "error"]


@dataclass(frozen=True)
class SkillInfo:
    """What a skill declares, for coverage and card styles: its APIs, bound cards and each card's WXSS."""

    key: str  # "<project folder> · <skill>": skills of two projects may share a name
    name: str
    apis: tuple[str, ...]  # declared in mcp.json, in order
    bound_cards: tuple[str, ...]  # distinct _meta.ui.componentPath of the APIs, in order
    wxss: dict[str, str] = field(default_factory=dict, compare=False)  # component path -> its index.wxss text


@dataclass
class ScenarioEntry:
    """One scenario of a report: its verdict, masked transcript data and, when it failed, why."""

    name: str
    file: str  # as shown (relative to the working directory when possible)
    status: Status
    skill: SkillInfo | None
    transcript: dict[str, Any] | None  # the stable form, masked; None when the scenario did not run
    failure: dict[str, Any] | None = None  # ScenarioFailure.to_dict(), masked
    failure_text: str = ""  # the readable report (or the snapshot diff), masked
    note: str = ""  # skip / xfail reason

    @property
    def counts_for_coverage(self) -> bool:
        """Only scenarios that passed count: a failing run's steps prove nothing about the skill."""
        return self.status == "passed" and self.transcript is not None and self.skill is not None


def skill_info(project_root: Path, skill: Skill) -> SkillInfo:
    """The :class:`SkillInfo` of a loaded :class:`~wxreplay.project.Skill` of the project at ``project_root``."""
    cards: list[str] = []
    for api in skill.apis:
        if api.component_path and api.component_path not in cards:
            cards.append(api.component_path)
    wxss: dict[str, str] = {}
    for decl in skill.components:
        path = skill.dir / f"{decl.path}.wxss"
        try:
            wxss[decl.path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            wxss[decl.path] = ""  # the render would have failed: the card shows unstyled
    for card in cards:
        if card not in wxss:
            try:
                wxss[card] = (skill.dir / f"{card}.wxss").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                wxss[card] = ""
    return SkillInfo(
        key=f"{project_root.name} · {skill.name}",
        name=skill.name,
        apis=tuple(a.name for a in skill.apis),
        bound_cards=tuple(cards),
        wxss=wxss,
    )


def entry_from_run(
    run: ScenarioRun,
    skill: SkillInfo | None,
    *,
    status: Status,
    failure_text: str = "",
    note: str = "",
) -> ScenarioEntry:
    """The report entry of ``run``: the transcript's stable form masked as snapshots mask it, texts masked."""
    secrets = run_secrets()
    transcript = secrets.mask_data(run.transcript.to_dict())
    failure = secrets.mask_data(run.failure.to_dict()) if run.failure is not None else None
    if not failure_text and run.failure is not None:
        failure_text = run.failure.render()
    return ScenarioEntry(
        name=secrets.mask_text(run.scenario.name),
        file=display_path(run.scenario.path),
        status=status,
        skill=skill,
        transcript=transcript,
        failure=failure,
        failure_text=secrets.mask_text(failure_text),
        note=secrets.mask_text(note),
    )


def error_entry(file: Path, message: str, *, name: str | None = None) -> ScenarioEntry:
    """A scenario that did not run (it does not load or does not fit its project): the error, masked."""
    mask = run_secrets().mask_text
    return ScenarioEntry(
        name=mask(name or file.name),
        file=display_path(file),
        status="error",
        skill=None,
        transcript=None,
        failure_text=mask(message),
    )


def replay_files(
    files: Iterable[Path],
    options: RunOptions,
    *,
    selected: Callable[[Scenario, Path], bool] | None = None,
    progress: Callable[[ScenarioEntry], None] | None = None,
) -> list[ScenarioEntry]:
    """Replay each scenario file with ``options`` and compare its snapshot, as ``wxreplay run`` does.

    ``selected(scenario, file)`` drops scenarios (``-k``); ``progress`` is told each entry as it is made.
    """
    from wxreplay.scenario import load_scenario

    skills: dict[tuple[Path, str], SkillInfo] = {}
    entries: list[ScenarioEntry] = []
    for file in files:
        entry: ScenarioEntry
        try:
            scenario = load_scenario(file, skill=options.skill)
            if selected is not None and not selected(scenario, file):
                continue
            if scenario.skip is not None:
                entry = ScenarioEntry(scenario.name, display_path(file), "skipped", None, None, note=scenario.skip)
                entries.append(entry)
                if progress:
                    progress(entry)
                continue
            project, skill = check_scenario(scenario, options)
            run = run_scenario(scenario, options, checked=(project, skill))
        except (ScenarioError, ProjectError, UsageError) as e:
            entry = error_entry(file, str(e))
        else:
            key = (project.root, skill.name)
            if key not in skills:
                skills[key] = skill_info(project.root, skill)
            entry = _judged(run, skills[key])
        entries.append(entry)
        if progress:
            progress(entry)
    return entries


def _judged(run: ScenarioRun, skill: SkillInfo) -> ScenarioEntry:
    """The verdict ``wxreplay run`` gives: the run's failure, else the snapshot's; xfail as declared."""
    from wxreplay.snapshot.files import check_scenario_snapshot, scenario_snapshot_file

    scenario = run.scenario
    failure_text = ""
    failed = run.failure is not None
    if not failed:
        snapshot = scenario_snapshot_file(scenario.path, scenario.name.replace("::", ":"))
        result = check_scenario_snapshot(snapshot, run.transcript, update=False)
        if result.failed:
            failed, failure_text = True, result.message
    expected = scenario.xfail is not None and not run.failed_at_cassette
    status: Status = "passed" if not failed else "xfailed" if expected else "failed"
    return entry_from_run(run, skill, status=status, failure_text=failure_text, note=scenario.xfail or "")

"""Running scenarios: the public entry points and the record-then-replay orchestration.

:func:`run_scenario` plays one :class:`~wxreplay.scenario.Scenario` turn by turn (with a
:class:`~wxreplay.planner.Planner`) and returns a :class:`ScenarioRun`: the
:class:`~wxreplay.transcript.Transcript` of everything that happened and the first
:class:`ScenarioFailure` (the run stops there). The engine never imports pytest; the CLI
(``wxreplay run``) and the pytest plugin are thin layers over these two functions. What the
planner does with each turn is described in :mod:`wxreplay.planner`, the session lifecycle in
:mod:`wxreplay.lifecycle`.

**Cassettes**: one cassette per scenario (``cassette:`` or ``<cassette_dir>/<file stem>.yaml``),
shared by all its sessions; ``cassette.turn`` is the 1-based turn index. A recording run saves the
cassette only when it passed, then replays the saved cassette (record mode ``none``) to verify it
and to produce the transcript, so a recording run and a replay give the same transcript.

**Determinism and the transcript**: the same scenario and cassette give a byte-identical
``transcript.to_json()`` on any machine, in any order: the clock, randomness and session ids are
seeded, and the transcript names files relative to the scenario's folder. In the stable form,
session ids become ``<session#N>`` and values captured by ``save:`` that look like ids (text of 4
or more characters with a digit and no space: order ids, pickup codes) become ``<name>`` (a second
value of the same name ``<name#2>``); nothing else is masked.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from dataclasses import dataclass
from pathlib import Path

from wxreplay.cassette import Cassette, RecordMode, resolve_mode
from wxreplay.cassette.redact import RedactionRules, rules_from_pyproject
from wxreplay.config import RootConfig, discover, wxml_calls
from wxreplay.device_setup import device_for
from wxreplay.errors import CassetteError, ProjectError, WxReplayError
from wxreplay.expect import ScenarioFailure
from wxreplay.planner import Planner
from wxreplay.project import Project, Skill, load_project
from wxreplay.scenario import DeviceSetup, Scenario, load_scenario, validate_scenario
from wxreplay.scenario.parse import DEFAULT_SUFFIX
from wxreplay.transcript import Transcript

__all__ = [
    "RunOptions",
    "ScenarioFailure",
    "ScenarioRun",
    "cassette_path",
    "check_scenario",
    "redaction_rules",
    "root_config",
    "run_path",
    "run_scenario",
]


@dataclass(frozen=True)
class RunOptions:
    """How to run scenarios: record mode, defaults for what a scenario leaves out, strictness.

    ``record`` is none / once / new_episodes / all; ``None`` takes the scenario's own ``record:``
    or the default (none; the ``CI`` environment variable forces none unless ``record_explicit``).
    ``project`` and ``skill`` are used when the scenario names none; ``cassette_dir`` holds
    ``<file stem>.yaml`` cassettes of scenarios that name none (``None``: the configured one or
    ``<root>/cassettes``; a relative one is taken from the root, never from the working directory);
    ``root`` is the configuration of the run (:func:`wxreplay.config.discover`; ``None``: discovered
    from each scenario file, as pytest finds its rootdir), which also gives the redaction rules
    (``[tool.wxreplay.redact]`` of ``<root>/pyproject.toml``) and ``[tool.wxreplay] wxml_calls`` there
    (what a method call in card WXML becomes); ``strict`` makes warnings fail the step;
    ``suffix`` is the scenario file suffix.
    ``device`` holds defaults under every scenario's own ``device:`` (:meth:`DeviceSetup.with_defaults`).
    ``record_command`` is the command a cassette miss suggests, ``{file}`` the scenario file and
    ``{mode}`` the record mode to use (the pytest plugin names the pytest item instead).
    """

    record: str | None = None
    record_explicit: bool = False
    project: Path | None = None
    skill: str | None = None
    cassette_dir: Path | None = None
    strict: bool = False
    suffix: str = DEFAULT_SUFFIX
    device: DeviceSetup | None = None
    record_command: str = "wxreplay run {file} --record {mode}"
    root: RootConfig | None = None

    def hint(self, scenario: Scenario, mode: str) -> str:
        """``record_command`` for ``scenario``; ``{mode}`` stays when ``mode`` is ``"{mode}"``."""
        return self.record_command.replace("{file}", scenario.file).replace("{mode}", mode)


@dataclass
class ScenarioRun:
    """One scenario run: the transcript and the first failure (``None`` when it passed).

    ``recorded`` counts the cassette entries this run wrote (0 in replay); ``elapsed_ms`` is the
    wall time of the run (not part of the transcript's stable form); ``unused`` names the cassette
    entries a passing replay never used (a warning; under ``strict`` they fail the run).
    """

    scenario: Scenario
    transcript: Transcript
    failure: ScenarioFailure | None
    recorded: int = 0
    elapsed_ms: float = 0.0
    cassette: Path | None = None
    unused: list[str] = dataclasses.field(default_factory=list)  # cassette entries a passing replay never used
    unused_at: list[int] = dataclasses.field(default_factory=list)  # their indices (0-based), for ``wxreplay prune``

    @property
    def passed(self) -> bool:
        """True when every turn ran and every ``expect:`` held."""
        return self.failure is None

    @property
    def failed_at_cassette(self) -> bool:
        """True when the run failed at a cassette problem (a miss, a stale outcome, a failed recording).

        An ``xfail`` scenario that fails so has not reached the bug it pins: the CLI and the
        plugin report it as a failure, never as XFAIL.
        """
        return self.failure is not None and isinstance(self.failure.cause, CassetteError)


def root_config(scenario: Scenario, options: RunOptions = RunOptions()) -> RootConfig:
    """The run's configuration: ``options.root``, else found from the scenario file as pytest finds its rootdir."""
    return options.root if options.root is not None else discover([scenario.path])


def cassette_path(scenario: Scenario, options: RunOptions = RunOptions()) -> Path:
    """The scenario's cassette: its ``cassette:`` (from its file) or ``<cassette_dir>/<file stem>.yaml`` (from the root)."""
    if scenario.cassette is not None:
        return scenario.cassette
    name = scenario.path.name
    stem = name[: -len(options.suffix)] if options.suffix and name.endswith(options.suffix) else Path(name).stem
    config = root_config(scenario, options)
    folder = config.cassette_dir if options.cassette_dir is None else config.root / options.cassette_dir
    return folder / f"{stem}.yaml"


def run_path(path: str | Path, options: RunOptions = RunOptions()) -> ScenarioRun:
    """Load ``path``, check it against its project and run it.

    A file that does not load or does not fit its project raises :class:`ScenarioError`
    (file:line:column, the YAML excerpt, the fix); everything that goes wrong while it runs is the
    returned run's ``failure``.
    """
    return run_scenario(load_scenario(path, skill=options.skill), options)


def run_scenario(
    scenario: Scenario, options: RunOptions = RunOptions(), *, checked: tuple[Project, Skill] | None = None
) -> ScenarioRun:
    """Play ``scenario`` turn by turn (see the module docstring) and return its run.

    Raises :class:`ScenarioError` when the scenario names no project (and ``options`` gives none)
    or does not fit it; a recording problem that is not the scenario's (a cassette that cannot be
    written) is the run's failure. ``checked`` is what :func:`check_scenario` returned for this
    scenario and these options, when the caller checked it already (the pytest plugin does at
    collection): the check is not repeated.
    """
    project, skill = checked if checked is not None else check_scenario(scenario, options)
    path = cassette_path(scenario, options)
    requested = options.record if options.record is not None else scenario.record
    mode = resolve_mode(requested, explicit=options.record_explicit and options.record is not None)
    try:
        first = _play(scenario, options, project, skill, path, mode)
    except CassetteError as e:  # corrupt, truncated, wrong version: this scenario fails, the others run
        return _unreadable(scenario, options, project, skill, path, e)
    if first.recorded == 0:
        return first
    # Recorded and saved (a pass, or an xfail scenario failing at what it declares): what counts
    # is what replay gives (redacted secrets included).
    again = _play(scenario, options, project, skill, path, RecordMode.NONE)
    again.recorded = first.recorded
    again.elapsed_ms += first.elapsed_ms
    if again.failure is not None and not (first.failure is not None and _declared(again.failure)):
        again.failure = dataclasses.replace(
            again.failure, reason=f"the cassette was just recorded but does not replay: {again.failure.reason}"
        )
    return again


def _declared(failure: ScenarioFailure) -> bool:
    """Whether the run failed at something the scenario declares (an ``expect:``, the plan), not at an error."""
    return failure.cause is None


def _unreadable(
    scenario: Scenario, options: RunOptions, project: Project, skill: Skill, path: Path, error: CassetteError
) -> ScenarioRun:
    transcript = _transcript(scenario, project, skill, path)
    failure = ScenarioFailure(
        reason=f"the cassette {path} cannot be read",
        file=scenario.file,
        step="start",
        line=scenario.source.line,
        cause=error,
        scenario=scenario.name,
        fix=f"restore it from version control, or re-record it: {options.hint(scenario, 'all')}",
    )
    return ScenarioRun(scenario, transcript, failure, cassette=path)


def _play(scenario: Scenario, options: RunOptions, project: Project, skill: Skill, path: Path, mode: RecordMode) -> ScenarioRun:
    """One pass over the scenario with the cassette at ``path`` in ``mode``; a recording pass saves it when it passed."""
    calls = wxml_calls(root_config(scenario, options))  # [tool.wxreplay] wxml_calls: method calls in card WXML
    cassette = Cassette.open(path, mode, rules=redaction_rules(root_config(scenario, options)))
    cassette.scenario = scenario.name
    cassette.record_hint = f"record it (with the service running): {options.hint(scenario, '{mode}')}"
    cassette.script_line = functools.partial(script_line, scenario)
    device = device_for(scenario, options.device)
    transcript = _transcript(scenario, project, skill, path)
    planner = Planner(
        scenario,
        project,
        skill,
        cassette=cassette,
        device=device,
        transcript=transcript,
        strict=options.strict,
        wxml_calls=calls,
    )
    started = time.perf_counter()
    failure: ScenarioFailure | None = None
    timings: list[float] = []
    try:
        planner.start()
        for i, turn in enumerate(scenario.turns, 1):
            t0 = time.perf_counter()
            planner.play(i, turn)
            timings.append(round((time.perf_counter() - t0) * 1000, 3))
        planner.finish()
    except ScenarioFailure as f:
        failure = f
    finally:
        planner.close()
    recorded = 0
    declared = failure is not None and scenario.xfail is not None and _declared(failure)
    if cassette.recording and (failure is None or declared):
        recorded = len(cassette.new_entries)
        try:
            if not cassette.settle(failure is None, xfail_declared=declared):
                recorded = 0
        except WxReplayError as e:
            planner.cursor.leave("saving the cassette")
            failure = planner.cursor.failure(f"the cassette {path} was not written", cause=e)
            recorded = 0
    unused = cassette.unused_lines() if failure is None else []
    unused_at = cassette.unused() if failure is None else []
    if unused and options.strict:
        planner.cursor.leave("checking the cassette")
        failure = planner.cursor.failure(
            f"{len(unused)} recorded entr{'y' if len(unused) == 1 else 'ies'} of the cassette {path} "
            f"{'was' if len(unused) == 1 else 'were'} never used (--strict): " + "; ".join(unused),
            fix=f"remove them with `wxreplay prune {scenario.file} --apply`, or re-record: {options.hint(scenario, 'all')}",
        )
        unused, unused_at = [], []
    elapsed = (time.perf_counter() - started) * 1000
    transcript.timings = {"totalMs": round(elapsed, 3), "turnsMs": timings}
    return ScenarioRun(
        scenario, transcript, failure, recorded=recorded, elapsed_ms=elapsed, cassette=path, unused=unused, unused_at=unused_at
    )


# Which ``device:`` key scripts each host call (cloud.* by the part of wx.cloud it uses).
_SCRIPTED_BY: dict[str, tuple[str, ...]] = {
    "login": ("login",),
    "checkSession": ("session_valid",),
    "requestPayment": ("payments",),
    "getLocation": ("location",),
    "getFuzzyLocation": ("location",),
    "getPhoneNumber": ("phone_number",),
    "getRealtimePhoneNumber": ("phone_number",),
    "cloud.callFunction": ("cloud", "functions"),
    "cloud.callHttpFunction": ("cloud", "functions"),
    "cloud.database": ("cloud", "collections"),
}


def script_line(scenario: Scenario, name: str) -> str:
    """Where ``scenario`` scripts host call ``name``: ``file:line (device.payments)``, or what it leaves to the default."""
    if name in _SCRIPTED_BY:
        keys = _SCRIPTED_BY[name]
    elif name.startswith("cloud.ai."):
        keys = ("cloud", "ai")
    elif name.startswith("cloud."):
        keys = ("cloud", "files")
    else:
        keys = ("stubs",)
    device = scenario.device.source
    dotted = "device." + ".".join(keys)
    if device is None or scenario.doc is None:
        return (
            f"{scenario.file}:{scenario.source.line} (the scenario has no device:, so {dotted} takes its default or --device's)"
        )
    for depth in range(len(keys), 0, -1):
        written = scenario.doc.keys.get((*device.at, *keys[:depth]))
        if written is not None:
            rest = "" if depth == len(keys) else f"; {dotted} is not written, so it takes its default or --device's"
            return f"{scenario.file}:{written[0]} (device.{'.'.join(keys[:depth])}{rest})"
    line = (scenario.doc.keys.get(device.at) or (device.line,))[0]
    return f"{scenario.file}:{line} (device: does not write {dotted}, so it takes its default or --device's)"


def _transcript(scenario: Scenario, project: Project, skill: Skill, cassette: Path) -> Transcript:
    """An empty transcript of ``scenario``, naming files relative to the scenario's folder."""
    base = scenario.path.parent
    return Transcript(
        scenario=scenario.name,
        file=scenario.path.name,
        project=_relative(project.root, base),
        skill=skill.name,
        cassette=_relative(cassette, base),
    )


def check_scenario(scenario: Scenario, options: RunOptions = RunOptions()) -> tuple[Project, Skill]:
    """The project and skill ``scenario`` drives, checked against them (API names, ``inputSchema``, cards).

    Raises :class:`ScenarioError` at the scenario's line for a missing or broken project, an
    unknown skill, API or card.
    """
    if scenario.project is not None:
        try:
            project = load_project(scenario.project)
        except ProjectError as e:
            raise scenario.error(e.message, scenario.source, "project", hint=e.hint) from None
    elif options.project is not None:
        project = load_project(options.project)
    else:
        raise scenario.error(
            "the scenario does not say which project it drives",
            scenario.source,
            hint="add project: <the folder holding app.json, relative to this file>, or pass --project",
        )
    return project, validate_scenario(scenario, project, skill=options.skill)


def redaction_rules(config: RootConfig) -> RedactionRules:
    """``[tool.wxreplay.redact]`` of ``<root>/pyproject.toml`` (read again only when the file changed)."""
    try:
        stamp = config.pyproject.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _rules(str(config.pyproject), stamp)


@functools.lru_cache(maxsize=8)
def _rules(pyproject: str, stamp: int | None) -> RedactionRules:
    return rules_from_pyproject(pyproject)


def _relative(target: Path, base: Path) -> str:
    """``target`` relative to ``base`` (POSIX separators): the same on every machine and from any directory."""
    try:
        return Path(os.path.relpath(os.path.abspath(target), os.path.abspath(base))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(os.path.abspath(target)).as_posix()

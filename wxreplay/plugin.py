"""pytest glue: scenario files as test items, the ``wxreplay`` options, fixtures, readable failures.

Registered through the ``pytest11`` entry point, so installing wxreplay is enough. Each
``*.scenario.yaml`` file is one :class:`ScenarioItem`, a ``pytest.Function`` (syrupy, ``-k``,
``-m``, ``--lf``, xdist treat it like any test); its YAML ``marks`` are pytest marks (under
``--strict-markers`` register them like any other mark). The engine does the work: this module
only reads options, calls :func:`wxreplay.conversation.run_scenario` and reports. Everything from
wxreplay is imported lazily, so pytest runs that never meet a scenario pay nothing for V8.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from wxreplay.cassette.modes import RecordMode
    from wxreplay.conversation import ScenarioRun
    from wxreplay.project import Project
    from wxreplay.scenario import DeviceSetup, Scenario
    from wxreplay.session import Session

# name: (metavar or None for a flag, default, help) -> --wx-<name with -> and the wxreplay_<name> ini key
_OPTIONS: dict[str, tuple[str | None, str | None, str]] = {
    "record": ("MODE", None, "cassette record mode: none (replay only, the default), once (record missing cassettes), "
               "new_episodes (record what is new), all (re-record); under CI only --wx-record can record"),
    "project": ("PATH", None, "project root (app.json) or skill folder for scenarios that name none and for wx_project"),
    "skill": ("NAME", None, "skill to use when the project has several and the scenario names none"),
    "suffix": ("SUFFIX", ".scenario.yaml", "file name suffix of scenario files (default .scenario.yaml)"),
    "device": ("JSON", None, "default device set-up under every scenario's own `device:` (same keys), as JSON, "
               "e.g. '{\"timezone\": \"Asia/Shanghai\", \"seed\": 7}'"),
    "strict": (None, None, "fail a scenario on warnings (bare instructions, outputSchema mismatches ...)"),
    "cassette_dir": ("DIR", "cassettes", "folder of the cassettes of scenarios and wx_session tests (default cassettes)"),
}


@dataclasses.dataclass
class WxConfig:
    """The options, checked once in ``pytest_configure``; lives in ``config.stash``."""

    record: str | None
    record_explicit: bool
    project: Path | None
    skill: str | None
    suffix: str
    device: Any  # DeviceSetup | None
    strict: bool
    cassette_dir: Path
    projects: dict[Path, Project] = dataclasses.field(default_factory=dict)

    def project_for(self, path: Path) -> Project:
        """``Project.load(path)``, once per run."""
        from wxreplay.project import Project

        if path not in self.projects:
            self.projects[path] = Project.load(path)
        return self.projects[path]

    def mode(self) -> RecordMode:
        from wxreplay.cassette.modes import resolve_mode

        return resolve_mode(self.record, explicit=self.record_explicit)


STATE = pytest.StashKey[WxConfig]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``wxreplay`` option group; each option is also an ini key ``wxreplay_<name>``."""
    group = parser.getgroup("wxreplay", "wxreplay: scenario files, cassettes and snapshots")
    for name, (metavar, default, text) in _OPTIONS.items():
        flag = "--wx-" + name.replace("_", "-")
        if metavar is None:
            group.addoption(flag, action="store_true", default=None, dest=f"wxreplay_{name}", help=text)
            parser.addini(f"wxreplay_{name}", text, type="bool", default=False)
        else:
            group.addoption(flag, metavar=metavar, default=None, dest=f"wxreplay_{name}", help=text)
            parser.addini(f"wxreplay_{name}", text, default=default)


def pytest_configure(config: pytest.Config) -> None:
    """Check the options once (a bad value is a usage error) and keep them in the stash."""
    from wxreplay.errors import WxReplayError

    config.addinivalue_line("markers", "scenario: a wxreplay scenario file (set on every scenario item)")

    def get(name: str) -> tuple[Any, Path | None]:  # (value, the folder a relative path is taken from)
        value = config.getoption(f"wxreplay_{name}")
        if value is not None:
            return value, config.invocation_params.dir
        base = config.inipath.parent if config.inipath else config.rootpath
        return config.getini(f"wxreplay_{name}"), base

    def path(name: str) -> Path | None:
        value, base = get(name)
        return (base or Path.cwd()) / value if value else None

    try:
        record = get("record")[0] or None
        if record is not None:
            from wxreplay.cassette.modes import RecordMode

            record = RecordMode.parse(record).value
        device_text = get("device")[0]
        config.stash[STATE] = WxConfig(
            record=record, record_explicit=config.getoption("wxreplay_record") is not None, project=path("project"),
            skill=get("skill")[0] or None, suffix=get("suffix")[0] or ".scenario.yaml",
            device=_device_defaults(device_text) if device_text else None, strict=bool(get("strict")[0]),
            cassette_dir=path("cassette_dir") or config.rootpath / "cassettes",
        )
    except WxReplayError as e:
        raise pytest.UsageError(f"wxreplay: {e}") from None


def _device_defaults(text: str) -> DeviceSetup:
    """``--wx-device``: a ``device:`` mapping as JSON, checked like the scenario key (errors located in the text)."""
    from wxreplay.errors import ScenarioError
    from wxreplay.scenario.loader import parse_yaml
    from wxreplay.scenario.parse import _Parser

    doc = parse_yaml(text, file="--wx-device")
    if not isinstance(doc.data, dict):
        raise ScenarioError(f"--wx-device must be a JSON object of device keys, got {text!r}",
                            hint='e.g. --wx-device \'{"timezone": "Asia/Shanghai", "seed": 7}\'')
    doc.values = {("device", *k): v for k, v in doc.values.items()}
    doc.keys = {("device", *k): v for k, v in doc.keys.items()}
    doc.data = {"device": doc.data}
    return _Parser(doc, Path("--wx-device")).device(doc.data["device"])


def with_device_defaults(own: DeviceSetup, defaults: DeviceSetup | None) -> DeviceSetup:
    """The scenario's ``device:`` over ``defaults``: its values win, mappings (storage, system ...) are merged."""
    if defaults is None:
        return own
    merged: dict[str, Any] = {}
    for f in dataclasses.fields(own):
        mine, base = getattr(own, f.name), getattr(defaults, f.name)
        if isinstance(mine, dict) and isinstance(base, dict):
            merged[f.name] = {**base, **mine}
        else:
            merged[f.name] = base if mine is None or mine == () else mine
    return type(own)(**merged)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    """Collect every file ending in the scenario suffix (not inside syrupy's snapshot folder)."""
    state = parent.config.stash[STATE]
    snapshots = str(getattr(parent.config.option, "snapshot_dirname", "__snapshots__"))
    if file_path.name.endswith(state.suffix) and snapshots not in file_path.parts:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Iterator[None]:
    """A run cut short (collection error, ``-x``, Ctrl-C) or ``--co`` deletes no snapshot (syrupy would: those not run)."""
    option = session.config.option
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    errors = getattr(reporter, "stats", {}).get("error", [])
    cut = session.shouldstop or session.shouldfail or exitstatus == pytest.ExitCode.INTERRUPTED
    if (cut or option.collectonly or any(isinstance(r, pytest.CollectReport) for r in errors)) and hasattr(option, "no_cleanup"):
        option.no_cleanup = True
        option.warn_unused_snapshots = option.warn_unused_snapshots or option.collectonly  # --co is no failure
    return (yield)


def _long_tb(config: pytest.Config) -> bool:
    return config.getoption("tbstyle", "auto") in ("long", "native") or bool(config.getoption("fulltrace", False))


class ScenarioFile(pytest.File):
    """One scenario file: parsed and checked against the project at collection, one item."""

    def collect(self) -> Iterator[ScenarioItem]:
        from wxreplay.scenario import load_scenario, validate_scenario

        state = self.config.stash[STATE]
        scenario = load_scenario(self.path)
        root = scenario.project or state.project
        if root is None:
            raise scenario.error("the scenario does not say which project it drives", hint=(
                "add project: <the folder holding app.json, relative to this file>, or set --wx-project / wxreplay_project"))
        validate_scenario(scenario, state.project_for(root), skill=scenario.skill or state.skill)
        syrupy = self.config.pluginmanager.has_plugin("syrupy")
        item = ScenarioItem.from_parent(self, name=scenario.name.replace("::", ":"), scenario=scenario,
                                        callobj=run_scenario_item if syrupy else run_scenario_item_no_snapshot)
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
                warnings.warn_explicit(f"unknown mark {mark!r} in the scenario's marks: {hint}", pytest.PytestUnknownMarkWarning,
                                       str(self.path), scenario.span(scenario.source, "marks", i).line)
        if scenario.skip is not None:
            item.add_marker(pytest.mark.skip(reason=scenario.skip))
        if scenario.xfail is not None:
            item.add_marker(pytest.mark.xfail(reason=scenario.xfail))
        yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str | TerminalRepr:  # type: ignore[override]
        """A broken scenario file shows ``file:line:column``, the YAML excerpt and the fix; no traceback."""
        from wxreplay.errors import WxReplayError

        if isinstance(excinfo.value, WxReplayError) and not _long_tb(self.config):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class SnapshotMismatch(AssertionError):
    """The transcript differs from the committed snapshot: syrupy's diff of the YAML."""


class ScenarioItem(pytest.Function):
    """One scenario: runs it with :func:`wxreplay.conversation.run_scenario`, then compares the snapshot."""

    def __init__(self, *args: Any, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scenario = scenario

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.source.line - 1, self.name

    def runscenario(self, snapshot: Any) -> None:
        """Run the scenario, compare its snapshot; raise its ScenarioFailure or a SnapshotMismatch."""
        from wxreplay.conversation import RunOptions, run_scenario

        state = self.config.stash[STATE]
        scenario = self.scenario
        if state.device is not None:
            scenario = dataclasses.replace(scenario, device=with_device_defaults(scenario.device, state.device))
        options = RunOptions(record=state.record, record_explicit=state.record_explicit, project=state.project,
                             skill=state.skill, cassette_dir=state.cassette_dir, strict=state.strict, suffix=state.suffix)
        try:
            run = run_scenario(scenario, options)
        except Exception:
            self._snapshot(snapshot, None)  # a run that could not start keeps its snapshot too
            raise
        self._snapshot(snapshot, run)
        if run.failure is not None:
            raise run.failure

    def _snapshot(self, snapshot: Any, run: ScenarioRun | None) -> None:
        from wxreplay.snapshot import check_snapshot

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
        from _pytest._code.code import ReprExceptionInfo, ReprFileLocation, ReprTracebackNative

        from wxreplay.errors import WxReplayError
        from wxreplay.expect import ScenarioFailure

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
        return ReprExceptionInfo(reprtraceback=ReprTracebackNative([text + "\n"]),
                                 reprcrash=ReprFileLocation(file, line, message))


def run_scenario_item(request: pytest.FixtureRequest, snapshot: Any) -> None:
    """The callable of every scenario item: run the scenario, compare its snapshot."""
    request.node.runscenario(snapshot)


def run_scenario_item_no_snapshot(request: pytest.FixtureRequest) -> None:
    """The callable of scenario items when syrupy is disabled (``-p no:syrupy``)."""
    request.node.runscenario(None)


@pytest.fixture(scope="session")
def wx_project(pytestconfig: pytest.Config) -> Project:
    """The project configured with --wx-project / wxreplay_project, loaded."""
    state = pytestconfig.stash[STATE]
    if state.project is None:
        pytest.fail("wx_project: no project configured: pass --wx-project PATH or set wxreplay_project "
                    "in [tool.pytest.ini_options] / pytest.ini", pytrace=False)
    return state.project_for(state.project)


@pytest.fixture
def wx_session(request: pytest.FixtureRequest, wx_project: Project) -> Iterator[Session]:
    """A Session on wx_project with the record mode and this test's cassette (<cassette dir>/<module>/<test>.yaml)."""
    from wxreplay.cassette import Cassette
    from wxreplay.cassette.redact import rules_from_pyproject
    from wxreplay.scenario import DeviceSetup
    from wxreplay.session import Session

    state, node = request.config.stash[STATE], request.node
    name = re.sub(r'[\\/:*?"<>|]', "_", node.name if node.cls is None else f"{node.cls.__name__}.{node.name}")
    cassette = Cassette.open(state.cassette_dir / node.path.stem / f"{name}.yaml", state.mode(),
                             rules=rules_from_pyproject(request.config.rootpath / "pyproject.toml"))
    cassette.record_hint = f"record it (with the service running): pytest '{node.nodeid}' --wx-record {{mode}}"
    device = with_device_defaults(DeviceSetup(), state.device).to_device()
    with Session(wx_project, state.skill, device=device, transport=cassette.transport(),
                 interceptors=[cassette.interceptor]) as session:
        yield session
    cassette.save()


@pytest.fixture
def wx_snapshot(snapshot: Any) -> Any:
    """syrupy's snapshot with the wxreplay YAML extension: ``assert card == wx_snapshot``."""
    from wxreplay.snapshot import WxSnapshotExtension

    return snapshot.use_extension(WxSnapshotExtension)

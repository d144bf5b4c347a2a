"""pytest glue: the ``wxreplay`` options and ini keys, scenario file collection, fixtures.

Registered through the ``pytest11`` entry point, so installing wxreplay is enough. Each
``*.scenario.yaml`` file becomes one test item (:mod:`wxreplay.plugin_items`: collection, the run,
the snapshot, the failure report). The engine does the work: the plugin only reads options, calls
:func:`wxreplay.runner.run_scenario` and reports. Everything from wxreplay is imported
lazily, so pytest runs that never meet a scenario pay nothing for V8.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The network policy is set in pytest_configure: a light module (httpx, no V8), imported at once.
from wxreplay.network import NetworkPolicy

# The state lives in its own module so plugin_items reads it without importing this one.
from wxreplay.plugin_state import CALL_OUTCOME, OPTIONS, STATE, WxConfig, runnable_id

if TYPE_CHECKING:
    from wxreplay.config import RootConfig
    from wxreplay.project import Project
    from wxreplay.session import Session


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``wxreplay`` option group; each option is also an ini key ``wxreplay_<name>``."""
    group = parser.getgroup("wxreplay", "wxreplay: scenario files, cassettes and snapshots")
    for name, (metavar, default, text) in OPTIONS.items():
        flag = "--wx-" + name.replace("_", "-")
        if metavar is None:
            group.addoption(flag, action="store_true", default=None, dest=f"wxreplay_{name}", help=text)
            parser.addini(f"wxreplay_{name}", text, type="bool", default=False)
        else:
            group.addoption(flag, metavar=metavar, default=None, dest=f"wxreplay_{name}", help=text)
            parser.addini(f"wxreplay_{name}", text, default=default)
    # Per CI job, never an ini key: a shard written into the config would run part of the suite everywhere.
    group.addoption(
        "--wx-shard",
        metavar="K/N",
        default=None,
        dest="wxreplay_shard",
        help="run shard K of N of the collected tests (a deterministic split by test id, for CI jobs)",
    )
    # A run-wide switch, not an ini key: what snapshots keep is configured once, in [tool.wxreplay].
    group.addoption(
        "--wx-snapshot-full",
        action="store_true",
        default=False,
        dest="wxreplay_snapshot_full",
        help="keep every host-call value in full in snapshots, ignoring [tool.wxreplay] snapshot_compact_bytes "
        "(with --snapshot-update: store them so)",
    )


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
        return (base or config.rootpath) / value if value else None

    try:
        from wxreplay.config import snapshot_compact_bytes

        compact = 0 if config.getoption("wxreplay_snapshot_full") else snapshot_compact_bytes(config.rootpath / "pyproject.toml")
        record = get("record")[0] or None
        if record is not None:
            from wxreplay.record_mode import RecordMode

            record = RecordMode.parse(record).value
        device = get("device")[0]
        if device:
            from wxreplay.scenario import parse_device

            device = parse_device(device, file="--wx-device")
        config.stash[STATE] = WxConfig(
            record=record,
            record_explicit=config.getoption("wxreplay_record") is not None,
            project=path("project"),
            skill=get("skill")[0] or None,
            suffix=get("suffix")[0] or ".scenario.yaml",
            device=device or None,
            strict=bool(get("strict")[0]),
            cassette_dir=path("cassette_dir"),
            root=_root(config),
            snapshot_compact_bytes=compact,
        )
    except WxReplayError as e:
        raise pytest.UsageError(f"wxreplay: {e}") from None
    _block_network(config, allow=bool(get("allow_network")[0]), hosts=str(get("allowed_hosts")[0] or ""))


def _root(config: pytest.Config) -> RootConfig | None:
    """pytest's rootdir and inifile, when pytest found an inifile or was given ``--rootdir``.

    Otherwise ``None``: the root is found from each scenario file (its folder when no configuration
    file lies above it), as ``wxreplay run`` does, never from the working directory.
    """
    from wxreplay.config import RootConfig

    if config.inipath is None and not config.getoption("rootdir", None):
        return None
    return RootConfig(config.rootpath, config.inipath)


_NETWORK = pytest.StashKey[NetworkPolicy]()


def _block_network(config: pytest.Config, *, allow: bool, hosts: str) -> None:
    """Sessions under pytest reach the network only while recording (to the allowed hosts), unless allowed."""
    from wxreplay.network import set_network_policy

    policy = NetworkPolicy(
        blocked=not allow,
        allowed_hosts=tuple(h for h in re.split(r"[,\s]+", hosts) if h),
        origin="wxreplay's pytest plugin blocks it",
        hint="answer wx.request with a cassette (the wx_session fixture, --wx-record to record), the wx_http fixture "
        "or Session(transport=...); or pass --wx-allow-network (ini: wxreplay_allow_network = true)",
        hosts_hint="add {host} to --wx-allowed-hosts (ini: wxreplay_allowed_hosts), or to wx_config's allowed_hosts",
    )
    config.stash[_NETWORK] = set_network_policy(policy)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--wx-shard K/N``: keep this shard's part of the whole collected suite (before ``-k`` / ``-m`` filter it)."""
    text = config.getoption("wxreplay_shard")
    if not text:
        return
    from wxreplay.errors import UsageError
    from wxreplay.shard import Shard

    try:
        shard = Shard.parse(text, option="--wx-shard")
    except UsageError as e:
        raise pytest.UsageError(f"wxreplay: {e}") from None
    keep = shard.pick(item.nodeid for item in items)
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in keep])
    items[:] = [item for item in items if item.nodeid in keep]


_COMPACT = pytest.StashKey[int]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Put the run's snapshot limit (``[tool.wxreplay] snapshot_compact_bytes``, ``--wx-snapshot-full``) in force.

    Process-wide, like the run's secrets: syrupy asks the extension for a snapshot's text without the config.
    """
    from wxreplay.snapshot.compact import DEFAULT_COMPACT_BYTES, set_compact_bytes

    state = session.config.stash[STATE]
    limit = DEFAULT_COMPACT_BYTES if state.snapshot_compact_bytes is None else state.snapshot_compact_bytes
    session.config.stash[_COMPACT] = set_compact_bytes(limit)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put back the network policy and snapshot limit this run replaced (pytester runs pytest inside pytest)."""
    from wxreplay.network import set_network_policy

    previous = config.stash.get(_NETWORK, None)
    if previous is not None:
        set_network_policy(previous)
    limit = config.stash.get(_COMPACT, None)
    if limit is not None:
        from wxreplay.snapshot.compact import set_compact_bytes

        set_compact_bytes(limit)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect every file ending in the scenario suffix (not inside syrupy's snapshot folder)."""
    state = parent.config.stash[STATE]
    snapshots = str(getattr(parent.config.option, "snapshot_dirname", "__snapshots__"))
    if file_path.name.endswith(state.suffix) and snapshots not in file_path.parts:
        from wxreplay.plugin_items import ScenarioFile

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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep how the test's call phase ended, for ``wx_session``'s save policy (fixtures are torn down after it)."""
    report: pytest.TestReport = yield
    if report.when == "call":
        from wxreplay.errors import WxReplayError

        xfailed = report.skipped and hasattr(report, "wasxfail")
        at_error = call.excinfo is not None and isinstance(call.excinfo.value, WxReplayError)
        item.stash[CALL_OUTCOME] = (report.passed, xfailed, at_error)
    return report


@pytest.fixture(scope="session")
def wx_project(pytestconfig: pytest.Config) -> Project:
    """The project configured with --wx-project / wxreplay_project, loaded."""
    from wxreplay.project import load_project

    state = pytestconfig.stash[STATE]
    if state.project is None:
        pytest.fail(
            "wx_project: no project configured: pass --wx-project PATH or set wxreplay_project "
            "in [tool.pytest.ini_options] / pytest.ini",
            pytrace=False,
        )
    return load_project(state.project)


@pytest.fixture
def wx_config() -> dict[str, Any]:
    """How ``wx_session``'s cassette matches and records; override it as pytest-recording's ``vcr_config``.

    Keys: ``match`` (a ``MatchRules``), ``ignore`` (fields left out of matching, e.g. ``["query.ts",
    "body.meta.nonce"]``), ``matchers`` (functions ``fn(live, recorded) -> bool``), ``allowed_hosts``
    (the hosts a recording may reach, instead of --wx-allowed-hosts). Default: ``{}``.
    """
    return {}


@pytest.fixture
def wx_cassette_name(request: pytest.FixtureRequest) -> str:
    """``wx_session``'s cassette, relative to the cassette folder and without ``.yaml``; override it as
    pytest-recording's ``default_cassette_name``.

    Default: the test module's path from the rootdir, then the test's name (``Class.test`` in a
    class, parameters included): ``tests/a/test_menu.py::test_x`` records into
    ``cassettes/tests/a/test_menu/test_x.yaml``, so same-named modules in two folders never share one.
    """
    node = request.node
    path: Path = node.path
    state = request.config.stash[STATE]
    root = state.root.root if state.root is not None else _discovered_root(path)
    try:
        module = path.relative_to(root).with_suffix("").as_posix()
    except ValueError:  # a test module outside the rootdir (pytest allows it): its folder name and stem
        module = f"{path.parent.name}/{path.stem}"
    test = str(node.name if node.cls is None else f"{node.cls.__name__}.{node.name}")
    return module + "/" + re.sub(r'[\\/:*?"<>|]', "_", test)


def _discovered_root(path: Path) -> Path:
    from wxreplay.config import discover

    return discover([path]).root


_CONFIG_KEYS = ("match", "ignore", "matchers", "allowed_hosts")


@pytest.fixture
def wx_session(
    request: pytest.FixtureRequest, wx_project: Project, wx_config: dict[str, Any], wx_cassette_name: str
) -> Iterator[Session]:
    """A Session on wx_project with the record mode and this test's cassette (<cassette dir>/<wx_cassette_name>.yaml).

    ``wx_config`` gives its match rules and allowed hosts, ``wx_cassette_name`` its cassette (both
    fixtures to override). The cassette is saved only when the test passed, or when an ``xfail``
    test failed at its own assertion (not at a wxreplay error such as a cassette miss or a
    connection error). A test that also asks for ``wx_http`` gets no cassette: that router answers
    its ``wx.request`` calls. ``[tool.wxreplay] wxml_calls`` of the rootdir's pyproject.toml says what
    a method call in card WXML becomes.
    """
    from wxreplay.cassette import Cassette, MatchRules
    from wxreplay.config import RootConfig, wxml_calls
    from wxreplay.device_setup import build_device
    from wxreplay.errors import WxReplayError
    from wxreplay.network import network_policy, policy_in_force
    from wxreplay.runner import redaction_rules
    from wxreplay.scenario import DeviceSetup
    from wxreplay.session import Session

    state, node = request.config.stash[STATE], request.node
    unknown = sorted(set(wx_config) - set(_CONFIG_KEYS))
    if unknown:
        pytest.fail(f"wx_config: unknown key(s) {', '.join(unknown)}; known: {', '.join(_CONFIG_KEYS)}", pytrace=False)
    device = build_device(DeviceSetup().with_defaults(state.device))
    root = state.root or RootConfig(_discovered_root(node.path))
    try:
        calls = wxml_calls(root)  # [tool.wxreplay] wxml_calls: what a method call in card WXML becomes
    except WxReplayError as e:
        pytest.fail(f"wx_session: {e}", pytrace=False)
    if "wx_http" in request.fixturenames:  # the test's respx router answers wx.request: no cassette
        from wxreplay.plugin_http import router_transport

        router = request.getfixturevalue("wx_http")
        transport = router_transport(router)
        with Session(wx_project, state.skill, device=device, transport=transport, wxml_calls=calls) as session:
            yield session
        return
    match = wx_config.get("match") or MatchRules()
    if wx_config.get("ignore"):
        match = match.with_ignored(*wx_config["ignore"])
    cassette = Cassette.open(
        (state.cassette_dir or root.root / "cassettes") / f"{wx_cassette_name}.yaml",
        state.mode(),
        rules=redaction_rules(root),
        match=match,
        matchers=tuple(wx_config.get("matchers") or ()),
    )
    runnable = runnable_id(request.config, node.path, node.nodeid)
    cassette.record_hint = f"record it (with the service running): pytest '{runnable}' --wx-record {{mode}}"
    policy = network_policy()
    if "allowed_hosts" in wx_config:
        policy = dataclasses.replace(policy, allowed_hosts=tuple(wx_config["allowed_hosts"]))
    with policy_in_force(policy), Session(wx_project, state.skill, device=device, cassette=cassette, wxml_calls=calls) as session:
        yield session
    # The one save policy: a passed test, or an xfail test failing at its own assertion (never at a
    # wxreplay error: a miss, a connection error). A failing test leaves the cassette as it was.
    passed, xfailed, at_error = node.stash.get(CALL_OUTCOME, (False, False, True))
    cassette.settle(passed, xfail_declared=xfailed and not at_error)


@pytest.fixture
def wx_snapshot(snapshot: Any) -> Any:
    """syrupy's snapshot with the wxreplay YAML extension: ``assert card == wx_snapshot``."""
    from wxreplay.snapshot import WxSnapshotExtension

    return snapshot.use_extension(WxSnapshotExtension)


# The wx_http fixture lives in its own module (respx for users' tests); pytest registers it with this plugin.
pytest_plugins = ["wxreplay.plugin_http", "wxreplay.plugin_secrets", "wxreplay.plugin_lint", "wxreplay.plugin_report"]
